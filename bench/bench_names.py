#!/usr/bin/env python3
"""Benchmark: "same person" across scripts and naming orders, on lists of known-equal name forms.

Input is any CSV with the columns ``name,id`` (rows sharing an id are one person), such as
EveryPolitician's ``names.csv`` in ../shared/gold/names-crossscript. Every pair of rows in a
file is a question: same person or not. docket answers with its linking comparison
(:func:`docket.resolve.fold.name_parts` + :func:`docket.resolve.compare.compare` with no context,
as for two reports that share nothing else); in the same run two baselines answer too: exact
match after anyascii folding, and rapidfuzz ``token_sort_ratio >= 85`` on the folded forms.

Prints pairwise precision/recall/F1 per file, per script pair, and over all files given;
``--json`` prints ``{"precision", "recall", "f1", "pairs"}`` for docket over the files given.
Script of a form: "latin", "cyrillic" (Russian letters only), "cyrillic-kk/ky" (with a Kazakh or
Kyrgyz letter), or "other" (Arabic, Greek, CJK, ...: Wikidata labels in other alphabets).

usage: python bench/bench_names.py [PATH.csv ...] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from anyascii import anyascii
from rapidfuzz.fuzz import token_sort_ratio

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = sorted((ROOT.parent / "shared" / "gold" / "names-crossscript").glob("*_names.csv"))
_KK_KY = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")


def script(name: str) -> str:
    """The script a form is written in, by its letters."""
    cyr = sum("\u0400" <= c <= "\u04ff" for c in name)
    lat = sum(c.isascii() and c.isalpha() for c in name)
    if cyr > lat:
        return "cyrillic-kk/ky" if _KK_KY & set(name) else "cyrillic"
    if lat and lat >= sum(c.isalpha() for c in name) / 2:
        return "latin"
    return "other"


def folded(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", anyascii(name).lower()).split())


def docket_same() -> Callable[[str, str], bool]:
    from docket.resolve.cluster import folded_key
    from docket.resolve.compare import compare
    from docket.resolve.fold import name_parts

    cache: dict[str, object] = {}

    def parts(n: str):
        if n not in cache:
            cache[n] = name_parts(n)
        return cache[n]

    def same(a: str, b: str) -> bool:
        pa, pb = parts(a), parts(b)
        if pa.full and pb.full and folded_key(pa) == folded_key(pb):  # type: ignore[attr-defined]
            return not (pa.gender and pb.gender and pa.gender != pb.gender)  # type: ignore[attr-defined]
        return compare(pa, pb).link  # type: ignore[arg-type]

    return same


def methods() -> dict[str, Callable[[str, str], bool]]:
    return {
        "docket": docket_same(),
        "anyascii exact": lambda a, b: folded(a) == folded(b),
        "rapidfuzz token_sort >= 85": lambda a, b: token_sort_ratio(folded(a), folded(b)) >= 85,
    }


def read(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            (r["name"].strip(), r["id"].strip())
            for r in csv.DictReader(f)
            if r.get("name", "").strip()
        ]


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "pairs": tp + fn,
    }


def run(paths: list[Path]) -> dict[str, dict]:
    """Counts per method: per file, per script pair, and over all files."""
    out: dict[str, dict] = {}
    for name, same in methods().items():
        per_file: dict[str, list[int]] = {}
        per_script: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        total = [0, 0, 0]
        for path in paths:
            rows = read(path)
            c = per_file.setdefault(path.name, [0, 0, 0])
            for (a, ia), (b, ib) in combinations(rows, 2):
                gold, pred = ia == ib, same(a, b)
                if not (gold or pred):
                    continue
                i = 0 if gold and pred else 1 if pred else 2
                kind = " / ".join(sorted((script(a), script(b))))
                for counts in (c, per_script[kind], total):
                    counts[i] += 1
        out[name] = {
            "files": {f: prf(*c) for f, c in per_file.items()},
            "scripts": {k: prf(*c) for k, c in sorted(per_script.items())},
            "all": prf(*total),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    paths = args.paths or DEFAULT
    if not paths:
        print("no CSV given and none under ../shared/gold/names-crossscript", file=sys.stderr)
        return 2
    results = run(paths)
    if args.json:
        print(json.dumps(results["docket"]["all"]))
        return 0
    cols = list(results)
    print("| " + " | ".join(["scope", *[f"{c} P / R / F1" for c in cols], "gold pairs"]) + " |")
    print("|" + "---|" * (len(cols) + 2))

    def line(label: str, pick: Callable[[dict], dict]) -> None:
        cells = [
            f"{pick(results[c])['precision']:.3f} / {pick(results[c])['recall']:.3f} / {pick(results[c])['f1']:.3f}"
            for c in cols
        ]
        print(f"| {label} | " + " | ".join(cells) + f" | {pick(results['docket'])['pairs']} |")

    for f in results["docket"]["files"]:
        line(f, lambda r, f=f: r["files"].get(f, prf(0, 0, 0)))
    for k in results["docket"]["scripts"]:
        line(k, lambda r, k=k: r["scripts"].get(k, prf(0, 0, 0)))
    line("all files", lambda r: r["all"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

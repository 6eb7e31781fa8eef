#!/usr/bin/env python3
"""Benchmark: the Russian pipeline beside the English one on OVD-Info's report pairs, in one run.

1. Speed: extraction tokens/second of each pipeline on the two languages' versions of the same
   reports (razdel tokens for Russian, spaCy tokens for English), and the ratio ru/en.
2. Cross-language consistency: for every person linked between a Russian report and its English
   version (``translation_of`` in the corpus MANIFEST.tsv), whether the two versions give that
   person the same set of event types; prints the share that agree and lists the others.

usage: python bench/bench_russian.py [FOLDER]   (default ../shared/corpus/ovdinfo)
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "folder", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "ovdinfo"
    )
    args = ap.parse_args()

    from razdel import tokenize

    from docket.extract import analyse_document, extract_documents
    from docket.extract.nlp import load_nlp
    from docket.extract.russian import _models
    from docket.pipeline import load_document

    with (args.folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pairs = [(r["file"], r["translation_of"]) for r in rows if r.get("translation_of")]
    docs = {r["file"]: load_document(args.folder / r["file"]) for r in rows}
    load_nlp()
    _models()  # both pipelines' models loaded before timing
    speed = {}
    for lang in ("ru", "en"):
        chosen = [d for d in docs.values() if d.metadata.language == lang]
        if lang == "ru":
            tokens = sum(1 for d in chosen for _ in tokenize(d.text))
        else:
            tokens = sum(len(t) for t in load_nlp().tokenizer.pipe(d.text for d in chosen))
        t = time.perf_counter()
        for d in chosen:
            analyse_document(d)
        speed[lang] = (tokens, tokens / (time.perf_counter() - t))
    for lang, (tokens, tps) in speed.items():
        print(f"{lang}: {tokens} tokens, {tps:,.0f} tokens/s")
    print(f"ratio ru/en: {speed['ru'][1] / speed['en'][1]:.2f}")

    pred = extract_documents(list(docs.values()))
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in pred["events"]:
        types[(e["person"], e["file"])].add(e["type"])
    agree = total = 0
    for p in pred["persons"]:
        for a, b in pairs:  # a is the translation of b
            if a in p["mentions"] and b in p["mentions"]:
                ta, tb = types.get((p["id"], a), set()), types.get((p["id"], b), set())
                if not (ta or tb):
                    continue
                total += 1
                agree += ta == tb
                if ta != tb:
                    print(f"  differ: {p['canonical']}: {b} {sorted(tb)} / {a} {sorted(ta)}")
    print(
        f"persons linked across a report and its translation, with events in either: {total}; "
        f"same event types: {agree} ({agree / total:.0%})"
        if total
        else "no linked person has events"
    )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: linking N person mentions built from real names and transliteration variants.

Real names come from extraction over a sample of corpus reports. Each synthetic person
combines a real given name with a real surname; each mention spells it with random
romanisation variants (kh/h, zh/j/dzh, -yev/-ev, -bay/-bai, doubled consonants, e/ye),
sometimes as the surname alone. Mentions are spread over documents of 200 mentions.

For each N the script prints mentions/second and the peak memory of a fresh process, and,
for N up to --baseline-max, the same for an off-the-shelf baseline measured in the same
run (rapidfuzz token_sort_ratio >= 85 over all pairs + connected components), with the
speed ratio. Machines are noisy: read the ratios and the growth, not the seconds.

usage: python bench/bench_link.py [--n 10000 100000 1000000] [--reports 60]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_VARIANTS = [
    ("kh", "h"),
    ("h", "kh"),
    ("zh", "j"),
    ("zh", "dzh"),
    ("yev", "ev"),
    ("ev", "yev"),
    ("bay", "bai"),
    ("bai", "bay"),
    ("mm", "m"),
    ("ye", "e"),
    ("iy", "ii"),
    ("ts", "c"),
]


def real_names(reports: int) -> list[tuple[str, str]]:
    """(given, surname) pairs of full names extracted from a sample of corpus reports."""
    from docket.extract.persons import find_mentions
    from docket.pipeline import load_document

    files = sorted((ROOT.parent / "shared" / "corpus").glob("*/*.txt"))
    random.Random(1).shuffle(files)
    out = set()
    for f in files[:reports]:
        for m in find_mentions(load_document(f)):
            words = m.text.split()
            if len(words) == 2:
                out.add((words[0], words[1]))
    return sorted(out)


def variant(name: str, rng: random.Random) -> str:
    for a, b in rng.sample(_VARIANTS, 2):
        if a in name and rng.random() < 0.5:
            name = name.replace(a, b, 1)
    return name


def make_mentions(names: list[tuple[str, str]], n: int, seed: int = 7) -> list[tuple[str, list]]:
    from docket.models import Mention

    rng = random.Random(seed)
    givens = sorted({g for g, _ in names})
    surnames = sorted({s for _, s in names})
    people = max(1, n // 4)  # about four mentions per person
    persons = [(rng.choice(givens), rng.choice(surnames)) for _ in range(people)]
    docs, current = [], []
    for i in range(n):
        g, s = persons[rng.randrange(people)]
        text = variant(s, rng) if rng.random() < 0.15 else f"{variant(g, rng)} {variant(s, rng)}"
        current.append(Mention(f"d{len(docs)}", 0, i, i + len(text), text, "bench"))
        if len(current) == 200:
            docs.append((f"d{len(docs)}", current))
            current = []
    if current:
        docs.append((f"d{len(docs)}", current))
    return docs


def _run(kind: str, docs, queue) -> None:
    start = time.perf_counter()
    if kind == "docket":
        from docket.resolve.link import link_documents

        clusters = len(link_documents(docs))
    else:
        clusters = _baseline(docs)
    seconds = time.perf_counter() - start
    queue.put((seconds, clusters, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _baseline(docs) -> int:
    import numpy as np
    from rapidfuzz import fuzz, process

    names = [m.text for _, ms in docs for m in ms]
    parent = list(range(len(names)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    scores = process.cdist(
        names, names, scorer=fuzz.token_sort_ratio, score_cutoff=85, dtype=np.uint8, workers=1
    )
    for i, j in zip(*np.nonzero(scores)):
        if i < j:
            parent[find(i)] = find(j)
    return len({find(i) for i in range(len(names))})


def measure(kind: str, docs) -> tuple[float, int, float]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(kind, docs, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument(
        "--reports", type=int, default=60, help="corpus reports to harvest real names from"
    )
    ap.add_argument("--baseline-max", type=int, default=10_000)
    args = ap.parse_args()
    names = real_names(args.reports)
    print(f"{len(names)} real full names harvested from {args.reports} corpus reports")
    for n in args.n:
        docs = make_mentions(names, n)
        seconds, clusters, peak = measure("docket", docs)
        line = (
            f"N={n:>9,}: docket {n / seconds:>10,.0f} mentions/s ({seconds:6.1f} s, {clusters:,} persons, "
            f"peak {peak:,.0f} MiB)"
        )
        if n <= args.baseline_max:
            b_seconds, b_clusters, b_peak = measure("baseline", docs)
            line += (
                f" | baseline {n / b_seconds:,.0f} mentions/s ({b_clusters:,} clusters, peak {b_peak:,.0f} MiB),"
                f" ratio docket/baseline {b_seconds / seconds:.1f}x"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()

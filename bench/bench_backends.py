#!/usr/bin/env python3
"""Benchmark: the same searches on SQLite (FTS5, the baseline), SQLite with its Tantivy index, and
PostgreSQL (tsvector + GIN), over the same documents, measured in the same run.

Copy the corpus database into PostgreSQL first (``docket copy --db corpus.db --to postgresql://…``).
Queries and percentiles are those of ``bench/bench_search.py``. Compare ratios, not milliseconds.

usage: python bench/bench_backends.py --db corpus.db --pg postgresql://user@host:port/db [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_search import measure, pct  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--pg", required=True)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    runs = {
        "SQLite FTS5 (baseline)": measure(args.db, "fts5", args.repeat),
        "SQLite + Tantivy": measure(args.db, "index", args.repeat),
        "PostgreSQL tsvector": measure(args.pg, "index", args.repeat),
    }
    print(f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    names = list(runs)
    print("| query | " + " | ".join(f"{n} p50 / p95 ms" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for key in runs[names[0]]:
        cells = [
            f"{statistics.median(runs[n][key]):.2f} / {pct(runs[n][key], 95):.2f}" for n in names
        ]
        print(f"| {key} | " + " | ".join(cells) + " |")
    alls = {n: [x for v in runs[n].values() for x in v] for n in names}
    base = pct(alls[names[0]], 95)
    print(
        "| **all queries** | "
        + " | ".join(
            f"{statistics.median(alls[n]):.2f} / {pct(alls[n], 95):.2f} (p95 × {base / pct(alls[n], 95):.2f})"
            for n in names
        )
        + " |"
    )


if __name__ == "__main__":
    main()

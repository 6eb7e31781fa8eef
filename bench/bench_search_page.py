#!/usr/bin/env python3
"""Benchmark: the cost of a whole search page (``docket.query.search.find``: ranking, folding
repeated passages, totals, facet counts) against the work a page did before it (``search`` of one
page plus ``search_total``), measured on the same database in the same run; and how much folding
changes what the first page shows.

Each query runs ``--repeat`` times per variant (interleaved, so drift hits every variant alike);
the table gives the median milliseconds and the ratio to the baseline. Machines here are noisy:
compare ratios, not milliseconds.

usage: python bench/bench_search_page.py --db CORPUS.db [--repeat 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docket.models import SearchFilters  # noqa: E402

QUERIES = [  # (query, filters): names, charges, common words, phrases, filters
    ("torture", SearchFilters()),
    ("journalist", SearchFilters()),
    ('"freedom of assembly"', SearchFilters()),
    ("extremism", SearchFilters()),
    ("police arrested", SearchFilters(topic="assembly")),
    ("prison", SearchFilters(year_from=2010, year_to=2019)),
    ("death penalty", SearchFilters()),
    ("detain*", SearchFilters()),
]
PAGE = 20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from docket.query.search import find, search, search_total
    from docket.store import SQLiteStore

    store = SQLiteStore(args.db)
    documents = store.list_documents()  # the web caches this list per database state
    search(store, "warm", limit=1)  # sync the text index outside the timings

    def baseline(q: str, f: SearchFilters, offset: int) -> object:
        return search(store, q, f, limit=PAGE + 1, offset=offset), search_total(store, q, f)

    def page(**how: Any) -> Callable[[str, SearchFilters, int], object]:
        return lambda q, f, o: find(
            store, q, f, limit=PAGE, offset=o, exact=True, documents=lambda: documents, **how
        )

    variants: dict[str, Callable[[str, SearchFilters, int], object]] = {
        "before: search + total": baseline,
        "find, folded": page(),
        "find, folded + facets": page(facets=True),
        "find, newest first + facets": page(facets=True, sort="newest"),
    }
    rows = []
    for offset in (0, 9 * PAGE):  # the first page, and page 10
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, run in variants.items():
                for q, f in QUERIES:
                    t = time.perf_counter()
                    run(q, f, offset)
                    times[name].append((time.perf_counter() - t) * 1000)
        base = statistics.median(times["before: search + total"])
        for name, ts in times.items():
            rows.append(
                {
                    "page": offset // PAGE + 1,
                    "variant": name,
                    "median_ms": round(statistics.median(ts), 2),
                    "p95_ms": round(sorted(ts)[int(0.95 * (len(ts) - 1))], 2),
                    "x_baseline": round(statistics.median(ts) / base, 2),
                }
            )
    folding = []
    for q, f in QUERIES:
        plain = search(store, q, f, limit=PAGE)
        page = find(store, q, f, limit=PAGE, exact=True)
        folding.append(
            {
                "query": q,
                "repeats_on_plain_first_page": len(plain) - len({h.text for h in plain}),
                "folded_into_first_page": page.folded,
                "total": page.total.paragraphs,
            }
        )
    counts = store.counts()
    store.close()
    if args.json:
        print(json.dumps({"counts": counts, "timings": rows, "folding": folding}, indent=1))
        return
    print(
        f"{counts['documents']} documents, {counts['paragraphs']} paragraphs; "
        f"{len(QUERIES)} queries x {args.repeat} runs per variant"
    )
    print("| page | variant | median ms (all queries) | p95 ms | x before |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['page']} | {r['variant']} | {r['median_ms']} | {r['p95_ms']} | {r['x_baseline']} |"
        )
    print()
    print(
        "| query | repeats on the unfolded first page | copies folded into the first page | matches |"
    )
    print("|---|---|---|---|")
    for r in folding:
        print(
            f"| {r['query']} | {r['repeats_on_plain_first_page']} | {r['folded_into_first_page']} | {r['total']} |"
        )


if __name__ == "__main__":
    main()

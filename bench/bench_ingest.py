#!/usr/bin/env python3
"""Benchmark: ingest throughput with 1 worker (the baseline), N local worker processes and a
Dask LocalCluster, each into a fresh database, all measured in the same run.

Prints files/s and paragraphs/s per setting and its ratio to the 1-worker baseline, and checks
that every setting stored the same documents and the same number of facts. Machines here are
noisy: compare ratios, not seconds.

usage: python bench/bench_ingest.py [PATH ...] [--limit N] [--workers N] [--dask]
       python bench/bench_ingest.py ../shared/corpus --limit 0   # the whole corpus (slow)
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(
    files: list[Path], db: Path, *, workers: int = 1, cluster: str | None = None
) -> tuple[float, dict]:
    """Seconds to ingest ``files`` into a fresh ``db``, and the database's counts afterwards."""
    from docket.pipeline import iter_ingest
    from docket.store import open_store

    store = open_store(db)
    t = time.perf_counter()
    outcomes = list(iter_ingest(store, files, workers=workers, cluster=cluster))
    seconds = time.perf_counter() - t
    counts = store.counts()
    counts["failed"] = sum(o.status == "failed" for o in outcomes)
    ids = sorted(d.id for d in store.list_documents())
    store.close()
    return seconds, {**counts, "ids": hash(tuple(ids))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "paths", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "freedom-house")]
    )
    ap.add_argument(
        "--limit", type=int, default=80, help="number of reports, spread over the paths (0: all)"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--dask", action="store_true", help="also run on a Dask LocalCluster with --workers workers"
    )
    args = ap.parse_args()

    from docket.pipeline import expand_paths

    files = expand_paths(args.paths)
    if args.limit:  # every k-th file, so a sample covers every folder and year
        step = max(1, len(files) // args.limit)
        files = files[::step][: args.limit]
    print(
        f"{len(files)} files, {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = [
            ("1 worker (baseline)", {"workers": 1}),
            (f"{args.workers} workers", {"workers": args.workers}),
        ]
        for i, (label, kw) in enumerate(settings):
            results.append((label, *run(files, Path(tmp) / f"{i}.db", **kw)))
        if args.dask:
            from distributed import LocalCluster

            with LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster:
                results.append(
                    (
                        f"Dask LocalCluster, {args.workers} workers",
                        *run(files, Path(tmp) / "dask.db", cluster=cluster.scheduler_address),
                    )
                )
    base = results[0][1]
    print("| setting | seconds | files/s | paragraphs/s | × baseline | failed | same result |")
    print("|---|---|---|---|---|---|---|")
    for label, seconds, counts in results:
        same = all(
            counts[k] == results[0][2][k] for k in ("ids", "mentions", "events", "paragraphs")
        )
        print(
            f"| {label} | {seconds:.1f} | {len(files) / seconds:.2f} | {counts['paragraphs'] / seconds:.0f} | "
            f"{base / seconds:.2f} | {counts['failed']} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()

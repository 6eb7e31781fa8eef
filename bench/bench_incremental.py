#!/usr/bin/env python3
"""Benchmark: adding one report to a large database vs ingesting everything again, same run.

Copies a database holding the corpus, adds one new report (a seed not in it) and times each
step: reading + extraction + the one-transaction write, the search-index refresh (only the
new document's paragraphs), and linking persons incrementally (the web's ``PeopleCache``
extends its previous linking: only the new report's names are compared, inside their blocks)
against linking the whole database from scratch (``people()``). The baseline is a full
re-ingest, estimated from the per-file time of ``--sample`` corpus files ingested here, times
the number of documents in the database.

usage: python bench/bench_incremental.py --db CORPUS.db [--sample 20]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument(
        "--new", default=str(ROOT.parent / "shared" / "seeds" / "003_146ad3de335d8138.txt")
    )
    args = ap.parse_args()

    from docket.pipeline import expand_paths, ingest_paths
    from docket.query.people import PeopleCache, people
    from docket.store import SQLiteStore

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        shutil.copyfile(args.db, db)
        store = SQLiteStore(db)
        docs = store.counts()["documents"]
        t = time.perf_counter()
        store.refresh_search_index()
        index_build = time.perf_counter() - t
        cache = PeopleCache()
        t = time.perf_counter()
        cache.get(store)  # a server's first request: link everything once
        first_link = time.perf_counter() - t
        t = time.perf_counter()
        report = ingest_paths(store, [args.new])  # includes the index refresh for the new document
        add = time.perf_counter() - t
        assert report.outcomes[0].status == "added", report.outcomes[0]
        t = time.perf_counter()
        store.refresh_search_index()
        refresh_again = time.perf_counter() - t
        t = time.perf_counter()
        persons = cache.get(store)
        incremental = time.perf_counter() - t
        assert cache.last_added == 1
        t = time.perf_counter()
        again = people(store)
        relink = time.perf_counter() - t
        # Linking is order-dependent for a few namesakes (who is linked to whom among persons
        # sharing every name); count the persons whose mentions differ from linking from scratch.
        scratch = {p.cluster.id: {(d, m.start) for d, m in p.cluster.mentions} for p in again}
        differ = sum(
            scratch.get(p.cluster.id) != {(d, m.start) for d, m in p.cluster.mentions}
            for p in persons
        )
        rebuilt = cache.last_rebuilt
        store.close()

        files = expand_paths([ROOT.parent / "shared" / "corpus" / "freedom-house"])
        sample = files[:: max(1, len(files) // args.sample)][: args.sample]
        fresh = SQLiteStore(Path(tmp) / "fresh.db")
        t = time.perf_counter()
        ingest_paths(fresh, sample)
        per_file = (time.perf_counter() - t) / len(sample)
        fresh.close()
    full = per_file * (docs + 1)
    print(f"database: {docs} documents; {time.strftime('%Y-%m-%d')}")
    print("| step | seconds | × full re-ingest |")
    print("|---|---|---|")
    print(
        f"| full re-ingest (estimated: {per_file:.2f} s/file × {docs + 1} files, 1 worker) | {full:.0f} | 1 |"
    )
    print(
        f"| add one report: read, extract, write, index its paragraphs | {add:.2f} | {add / full:.5f} |"
    )
    print(
        f"| search index refresh when nothing changed | {refresh_again:.3f} | {refresh_again / full:.6f} |"
    )
    print(
        f"| link the new report's names into the existing persons (incremental) | {incremental:.2f} | "
        f"{incremental / full:.5f} |"
    )
    print(
        f"| link every person from scratch (people(), {len(persons)} persons) | {relink:.1f} | "
        f"{relink / full:.4f} |"
    )
    print(
        f"\nincremental / from scratch: {incremental / relink:.3f}; person records rebuilt by the "
        f"incremental step: {rebuilt} of {len(persons)}; persons whose mentions differ from "
        f"linking from scratch: {differ}"
    )
    print(
        f"| (first linking of the database by a fresh server) | {first_link:.1f} | {first_link / full:.4f} |"
    )
    print(
        f"| (building the search index from scratch, once) | {index_build:.1f} | {index_build / full:.4f} |"
    )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: search latency (p50/p95) at corpus size and at ~1M paragraphs, docket's Tantivy
index against plain FTS5 (bm25 top-20 through the same store), measured in the same run.

The large database replicates the corpus database's documents ``--scale`` times under new
ids (13 x 77,719 paragraphs ≈ 1M), so its text has the corpus's real word statistics.
Every query goes through ``docket.query.search.search`` (ranking, row fetch, snippet), limit 20.
Machines here are noisy: compare ratios, not milliseconds.

usage: python bench/bench_search.py --db CORPUS.db [--scale 13] [--big /tmp/big.db] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docket.models import SearchFilters  # noqa: E402

QUERIES = [  # (label, query, filters): names, charges, topics, phrases with filters
    ("person name", "Mukhammedkarim", SearchFilters()),
    ("person name, other spelling", "Bokayev OR Bokaev", SearchFilters()),
    ("charge", '"false information"', SearchFilters()),
    ("charge", "extremism", SearchFilters()),
    ("torture", "torture", SearchFilters()),
    ("freedom of assembly", '"freedom of assembly"', SearchFilters()),
    ("freedom of assembly + year", '"freedom of assembly"', SearchFilters(year=2019)),
    ("torture + country", "torture", SearchFilters(country="Russia")),
    ("journalist sentenced", "journalist sentenced", SearchFilters()),
    ("prefix", "detain*", SearchFilters()),
    ("common words + topic", "police arrested", SearchFilters(topic="assembly")),
    ("publisher filter", "journalists -police", SearchFilters(publisher="Freedom House")),
]

_TABLES = {  # table -> (columns, which column holds the document id)
    "documents": (
        "id, source_path, file_name, format, sha256, size, encoding, pages, publisher, country, period, "
        "title, metadata_sources, notes, text, ingested_at",
        "id",
    ),
    "sections": ('document_id, ordinal, heading, level, path, start, "end"', "document_id"),
    "paragraphs": ('document_id, ordinal, section, start, "end", page, text', "document_id"),
    "paragraph_topics": ("document_id, paragraph, topic", "document_id"),
}


def replicate(src: Path, dst: Path, scale: int) -> None:
    """Copy ``src`` to ``dst`` with every document repeated ``scale`` times under new ids."""
    from docket.store import SQLiteStore

    SQLiteStore(src).close()  # checkpoint and migrate the source first
    shutil.copyfile(src, dst)
    con = sqlite3.connect(dst)
    original = [r[0] for r in con.execute("SELECT id FROM documents")]
    con.execute("CREATE TEMP TABLE orig(id TEXT PRIMARY KEY)")
    con.executemany("INSERT INTO orig VALUES (?)", [(i,) for i in original])
    for k in range(1, scale):
        for table, (cols, key) in _TABLES.items():
            new_cols = cols.replace(key, f"{key} || '-r{k}'", 1)
            if table == "documents":
                new_cols = new_cols.replace("source_path", f"source_path || '#r{k}'", 1)
            con.execute(
                f"INSERT INTO {table} ({cols}) SELECT {new_cols} FROM {table} "
                f"WHERE {key} IN (SELECT id FROM orig)"
            )
        con.commit()
        print(f"  copy {k + 1}/{scale}", file=sys.stderr, flush=True)
    con.close()


def measure(target: str | Path, engine: str, repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call of each query (after one warm-up call) on the store at ``target`` (a
    SQLite file or a postgresql:// address) with ``engine`` serving: "fts5" or the default."""
    from docket.query.search import search
    from docket.store import open_store

    if engine == "fts5":
        os.environ["DOCKET_SEARCH"] = "fts5"
    else:
        os.environ.pop("DOCKET_SEARCH", None)
    store = open_store(target)
    if engine != "fts5":
        t = time.perf_counter()
        n = store.refresh_search_index()
        if n:
            print(
                f"  indexed {n} documents of {target} in {time.perf_counter() - t:.1f} s",
                file=sys.stderr,
            )
    out: dict[str, list[float]] = {}
    for label, q, f in QUERIES:
        search(store, q, f, limit=20)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            search(store, q, f, limit=20)
            times.append((time.perf_counter() - t) * 1000)
        out[f"{label}: {q}"] = times
    store.close()
    return out


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a database holding the ingested corpus")
    ap.add_argument(
        "--scale", type=int, default=13, help="copies of the corpus in the large database"
    )
    ap.add_argument("--big", default=None, help="where to build (or reuse) the large database")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    corpus = Path(args.db)
    big = Path(args.big or f"{corpus}.x{args.scale}.db")
    if not big.exists():
        print(f"building {big} ({args.scale} copies)…", file=sys.stderr)
        replicate(corpus, big, args.scale)
    print(f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}, SQLite {sqlite3.sqlite_version}")
    for db in (corpus, big):
        n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0]
        base, fast = measure(db, "fts5", args.repeat), measure(db, "tantivy", args.repeat)
        print(f"\n### {n:,} paragraphs ({db.name})\n")
        print(
            "| query | FTS5 p50 ms | FTS5 p95 ms | Tantivy p50 ms | Tantivy p95 ms | p95 speed-up |"
        )
        print("|---|---|---|---|---|---|")
        for key in base:
            b, f = base[key], fast[key]
            print(
                f"| {key} | {statistics.median(b):.2f} | {pct(b, 95):.2f} | {statistics.median(f):.2f} | "
                f"{pct(f, 95):.2f} | {pct(b, 95) / pct(f, 95):.1f}× |"
            )
        allb = [x for v in base.values() for x in v]
        allf = [x for v in fast.values() for x in v]
        print(
            f"| **all queries** | {statistics.median(allb):.2f} | {pct(allb, 95):.2f} | "
            f"{statistics.median(allf):.2f} | {pct(allf, 95):.2f} | {pct(allb, 95) / pct(allf, 95):.1f}× |"
        )


if __name__ == "__main__":
    main()

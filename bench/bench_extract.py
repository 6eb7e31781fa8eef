#!/usr/bin/env python3
"""Benchmark: docket extraction throughput relative to bare spaCy, measured in the same run.

Prints tokens/second of (a) bare ``nlp.pipe`` of the same model package with its default
pipeline over the paragraphs of the same reports, and (b) docket's per-document extraction
(names, links, events) with ``--workers`` processes, and the ratio b/a. Machines here are
noisy: compare ratios, not seconds.

usage: python bench/bench_extract.py [PATH ...] [--limit N] [--workers N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "paths", nargs="*", default=[str(ROOT.parent / "shared" / "corpus" / "freedom-house")]
    )
    ap.add_argument("--limit", type=int, default=60, help="number of reports (default 60)")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()

    import spacy

    from docket.extract import analyse_documents
    from docket.extract.nlp import MODEL, load_nlp
    from docket.pipeline import expand_paths, load_document

    files = expand_paths(args.paths)[: args.limit]
    docs = [load_document(f) for f in files]
    texts = [p.text for d in docs for p in d.paragraphs]
    bare = spacy.load(MODEL)
    load_nlp()  # both models loaded before timing
    t = time.perf_counter()
    tokens = sum(len(doc) for doc in bare.pipe(texts, batch_size=64))
    base_s = time.perf_counter() - t
    t = time.perf_counter()
    n_events = sum(len(f.events) for f in analyse_documents(docs, workers=args.workers))
    ours_s = time.perf_counter() - t
    base_tps, ours_tps = tokens / base_s, tokens / ours_s
    print(f"{len(docs)} reports, {len(texts)} paragraphs, {tokens} tokens, {n_events} events")
    print(f"bare nlp.pipe ({'+'.join(bare.pipe_names)}): {base_tps:,.0f} tokens/s")
    print(f"docket extract (workers={args.workers}): {ours_tps:,.0f} tokens/s")
    print(f"ratio docket/bare: {ours_tps / base_tps:.2f}")


if __name__ == "__main__":
    main()

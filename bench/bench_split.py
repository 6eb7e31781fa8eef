#!/usr/bin/env python3
"""Benchmark: splitting a PDF book into country chapters, against plain pdfminer text extraction
of the same file in the same run (pages/second and peak memory, each in a fresh process).

docket's reader does more than pdfminer's ``extract_text`` (columns, running headers, headings,
paragraphs, chapters), so a ratio below 1 is expected: it says what that costs on this machine.

usage: python bench/bench_split.py [BOOK.pdf]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "amnesty-pdf" / "amnesty-report-2013.pdf"


def _one(which: str, path: str) -> None:
    t = time.perf_counter()
    if which == "pdfminer":
        from pdfminer.high_level import extract_text
        from pdfminer.pdfpage import PDFPage

        text = extract_text(path)
        with open(path, "rb") as fh:
            pages = sum(1 for _ in PDFPage.get_pages(fh))
        detail = f"{len(text):,} characters"
    else:
        from docket.ingest.books import split_book
        from docket.ingest.pdf import read_pdf

        result = read_pdf(path)
        book = split_book(result, Path(path).name)
        pages = result.pages or 0
        detail = f"{len(book.chapters) if book else 0} chapters, {len(result.text):,} characters"
    seconds = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": pages, "peak_mb": peak_mb, "detail": detail}))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        _one(sys.argv[2], sys.argv[3])
        return
    path = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT)
    rows = {}
    for which in ("pdfminer", "docket"):
        out = subprocess.run(
            [sys.executable, __file__, "--one", which, path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows[which] = json.loads(out.strip().splitlines()[-1])
    base = rows["pdfminer"]["pages"] / rows["pdfminer"]["seconds"]
    print(f"{Path(path).name}")
    print(
        f"{'':<28}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'× pdfminer':>12}{'peak MB':>9}  detail"
    )
    for which, label in (("pdfminer", "pdfminer extract_text"), ("docket", "docket read + split")):
        r = rows[which]
        rate = r["pages"] / r["seconds"]
        print(
            f"{label:<28}{r['pages']:>7}{r['seconds']:>9.1f}{rate:>9.2f}{rate / base:>12.2f}{r['peak_mb']:>9.0f}  "
            f"{r['detail']}"
        )


if __name__ == "__main__":
    main()

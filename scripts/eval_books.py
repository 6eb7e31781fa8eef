#!/usr/bin/env python3
"""Books, measured: country chapters found per Amnesty book against the reference list, and the
text of selected chapters against the corpus's hand-checked, column-aware extraction.

The reference for each book is ``../shared/corpus/amnesty-annual/MANIFEST.tsv`` (its chapter files
for the year the book covers). Similarity is token-level F1 (multiset of words) and difflib's
ratio over the word sequences; the target is ≥ 0.95.

usage: python scripts/eval_books.py [--countries Kazakhstan Uzbekistan ...]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
BOOKS = {
    "amnesty-report-2006-countries.pdf": 2005,
    "amnesty-report-2007-countries.pdf": 2006,
    "amnesty-report-2011.pdf": 2010,
    "amnesty-report-2013.pdf": 2012,
}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def token_f1(a: str, b: str) -> float:
    ca, cb = Counter(words(a)), Counter(words(b))
    common = sum((ca & cb).values())
    return 2 * common / (sum(ca.values()) + sum(cb.values())) if ca or cb else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--countries",
        nargs="+",
        default=["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Russia", "Belarus"],
    )
    ap.add_argument("--books", nargs="+", default=list(BOOKS))
    args = ap.parse_args()

    from docket.ingest.metadata import canonical_country, lookup_country
    from docket.pipeline import IngestOptions, load_documents

    with (CORPUS / "amnesty-annual" / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh, delimiter="\t"))
    similarity = []
    print(
        f"{'book':<36}{'pages':>6}{'seconds':>9}{'chapters':>10}{'reference':>11}{'matched':>9}  missing / extra"
    )
    for name in args.books:
        year = BOOKS[name]
        ref = {
            (lookup_country(r["country"]) or canonical_country(r["country"])): r
            for r in manifest
            if r["year_covered"] == str(year)
        }
        t = time.perf_counter()
        docs, book = load_documents(CORPUS / "amnesty-pdf" / name, IngestOptions(extract=False))
        seconds = time.perf_counter() - t
        found = {d.metadata.country: d for d in docs}
        # a chapter filed under two names ("MOROCCO/ WESTERN SAHARA") matches the reference's name for it
        for ch, d in zip(book.chapters if book else [], docs):
            for other in ref:
                if other not in found and other.upper() in ch.heading.upper():
                    found[other] = d
        missing, extra = sorted(set(ref) - set(found)), sorted(set(found) - set(ref))
        pages = max((c.last_page or 0) for c in book.chapters) if book else 0
        print(
            f"{name:<36}{pages:>6}{seconds:>9.1f}{len(found):>10}{len(ref):>11}{len(set(ref) & set(found)):>9}  "
            f"{', '.join(missing) or '–'} / {', '.join(extra) or '–'}",
            flush=True,
        )
        for country in args.countries:
            if country in found and country in ref:
                mine = found[country].text
                theirs = (CORPUS / "amnesty-annual" / ref[country]["file"]).read_text("utf-8")
                ratio = difflib.SequenceMatcher(
                    None, words(mine), words(theirs), autojunk=False
                ).ratio()
                similarity.append((name, country, token_f1(mine, theirs), ratio))
    print(f"\n{'book':<36}{'country':<14}{'token F1':>9}{'difflib':>9}")
    for name, country, f1, ratio in similarity:
        print(f"{name:<36}{country:<14}{f1:>9.3f}{ratio:>9.3f}")
    if similarity:
        print(
            f"{'mean':<50}{sum(s[2] for s in similarity) / len(similarity):>9.3f}"
            f"{sum(s[3] for s in similarity) / len(similarity):>9.3f}"
        )


if __name__ == "__main__":
    main()

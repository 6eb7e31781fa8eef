"""Extraction over every text report in ../shared/corpus: no crash, every fact cited exactly.

This is the generalisation check on reports with no gold: ~1,940 reports, run on two
local processes (about 7 minutes on a 2-core machine). Deselect with ``-m "not corpus"``
while iterating locally; CI runs it.
"""

from __future__ import annotations

import pytest

from docket.extract import analyse_documents
from docket.pipeline import load_document
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus


def test_every_corpus_report_extracts_with_exact_citations() -> None:
    files = sorted(CORPUS.glob("*/*.txt"))
    assert len(files) > 1900
    docs = (load_document(f) for f in files)
    seen = events = 0
    for facts in analyse_documents(docs, workers=2):
        doc = facts.document
        seen += 1
        mentions = set(facts.mentions)
        for m in facts.mentions:
            assert doc.text[m.start : m.end] == m.text, (doc.file_name, m)
        for e in facts.events:
            events += 1
            assert e.person in mentions, (doc.file_name, e)
            para = doc.paragraphs[e.paragraph]
            assert para.start <= e.start < e.end <= para.end, (doc.file_name, e.quote)
            assert doc.text[e.start : e.end] == e.quote
            assert e.type in {
                "detained",
                "charged",
                "convicted",
                "sentenced",
                "fined",
                "acquitted",
                "appeal_upheld",
                "appeal_changed",
                "released",
                "transferred",
                "extradition",
                "asylum_denied",
                "hunger_strike",
                "ill_treatment",
                "death",
                "harassed",
                "other",
            }
    assert seen == len(files)
    assert events > 5 * seen  # the rules fire on unseen reports, not only on the seeds

"""Plain-text structure on the real seeds: headings, levels, paragraphs and exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.ingest.text import read_text
from docket.pipeline import load_document
from tests.conftest import CORPUS, STATE_DEPT, seed_files


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_offsets_round_trip_to_the_exact_text(path: Path) -> None:
    doc = load_document(path)
    assert doc.paragraphs and doc.sections
    for p in doc.paragraphs:
        assert doc.text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
    ords = [p.ordinal for p in doc.paragraphs]
    assert ords == list(range(len(ords)))


def test_state_department_heading_levels() -> None:
    doc = load_document(STATE_DEPT)
    by_heading = {s.heading: s for s in doc.sections}
    assert by_heading["Section 2. Liberty"].level == 1
    assert by_heading["a. Freedom of the Press"].path == (
        "Section 2. Liberty",
        "a. Freedom of the Press",
    )
    sub = by_heading["Physical Attacks, Imprisonment, and Pressure"]
    assert sub.path == (
        "Section 2. Liberty",
        "a. Freedom of the Press",
        "Physical Attacks, Imprisonment, and Pressure",
    )
    assert (
        "See the Department of State’s annual Trafficking in Persons Report at ." not in by_heading
    )


def test_web_capture_furniture_is_dropped() -> None:
    doc = load_document(seed_files()[3])  # CIVICUS page with search box and "latest news" footer
    texts = [p.text for p in doc.paragraphs]
    assert not any(t in ("Quick search", "Advanced search", "Reset all", "All news") for t in texts)
    assert not any("Subscribe to our updates" in t or "latest news" in t for t in texts)
    assert sum(t.startswith("Kazakhstan: Litany of abuses") for t in texts) == 1


def test_hard_wrapped_lines_join_into_paragraphs() -> None:
    text = 'Heading Here\n\nThe court sentenced the activist to\nfive years in prison on charges of\n"inciting discord".\nA new paragraph starts here.\n'
    r = read_text(text)
    kinds = [(b.kind, text[b.start : b.end]) for b in r.blocks]
    assert kinds[0] == ("heading", "Heading Here")
    assert kinds[1][1].startswith("The court") and kinds[1][1].endswith('"inciting discord".')
    assert kinds[2] == ("paragraph", "A new paragraph starts here.")


def test_markdown_headings_in_corpus_state_department_report() -> None:
    path = CORPUS / "us-state-dept" / "usstate_kazakhstan_2024.txt"
    doc = load_document(path)
    heads = [s.heading for s in doc.sections]
    assert "Executive Summary" in heads and "Section 1. Life" in heads
    assert (
        next(s for s in doc.sections if s.heading == "a. Extrajudicial Killings")
        .path[0]
        .startswith("Kazakhstan")
    )


def test_pdf_extracted_corpus_lines_rejoin_into_paragraphs() -> None:
    """Amnesty chapters re-extracted from PDFs break lines mid-sentence, even before names."""
    files = sorted((CORPUS / "amnesty-annual").glob("amnesty_*_2005.txt"))[:20]
    paragraphs = [p for f in files for p in load_document(f).paragraphs]
    lower = [p.text[:60] for p in paragraphs if p.text[0].islower()]
    assert len(lower) <= 0.02 * len(paragraphs), lower[:5]
    doc = load_document(CORPUS / "amnesty-annual" / "amnesty_kazakhstan_2005.txt")
    assert any(
        "presidential election, which saw" in p.text and "Constitutional Council" in p.text
        for p in doc.paragraphs
    )


def test_a_file_without_line_breaks_becomes_citable_paragraphs(tmp_path) -> None:
    """Megabytes on one line are cut after sentence ends into paragraphs the model accepts
    (spaCy refuses a text over a million characters); the offsets stay exact."""
    from docket.ingest.structure import MAX_PARAGRAPH_CHARS
    from docket.pipeline import load_document

    f = tmp_path / "one-line.txt"
    f.write_text(
        "Kazakhstan report\n\n"
        + "The police in Almaty detained the blogger Aigul Utepova. " * 40_000,
        "utf-8",
    )
    doc = load_document(f)
    assert len(doc.paragraphs) > 70
    for p in doc.paragraphs:
        assert 0 < len(p.text) <= MAX_PARAGRAPH_CHARS and doc.text[p.start : p.end] == p.text
        assert p.text.startswith("The police") and p.text.endswith(
            "Utepova."
        )  # cut after a sentence

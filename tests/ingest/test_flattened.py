"""The flattened Human Rights Watch page (seed 001) splits into its sections with no page furniture."""

from __future__ import annotations

from docket.pipeline import load_document
from tests.conftest import FLATTENED_HRW

HRW_SECTIONS = [
    "Parliamentary Elections",
    "Freedom of Assembly",
    "Civil Society",
    "Media Restrictions and Freedom of Expression",
    "Torture",
    "Freedom of Religion",
    "Counterterrorism",
    "Labor Rights",
    "Sexual Orientation and Gender Identity",
    "Key International Actors",
]
FURNITURE = [
    "Share this via",
    "Donate",
    "Browse countries",
    "Skip to main content",
    "AfghanistanAlgeria",
    "Zimbabwe",
    "Footer menu",
]


def test_sections_recovered_from_the_table_of_contents() -> None:
    doc = load_document(FLATTENED_HRW)
    assert doc.format == "flattened-web"
    assert [s.heading for s in doc.sections] == HRW_SECTIONS


def test_no_paragraph_holds_page_furniture() -> None:
    doc = load_document(FLATTENED_HRW)
    for p in doc.paragraphs:
        for junk in FURNITURE:
            assert junk not in p.text, (junk, p.pid(doc.id), p.text[:80])


def test_every_section_has_paragraphs_and_offsets_point_into_the_capture() -> None:
    doc = load_document(FLATTENED_HRW)
    raw = FLATTENED_HRW.read_text(encoding="utf-8")
    assert doc.text == raw  # offsets index the capture as stored
    for s in doc.sections:
        assert any(p.section == s.ordinal for p in doc.paragraphs), s.heading
        assert raw[s.start : s.end].startswith(s.heading)  # a section spans its heading and body
    intro = doc.paragraphs[0]
    assert intro.section is None and intro.text.startswith("Against the backdrop")
    assert doc.paragraphs[-1].text.endswith("2017-2018 term.")

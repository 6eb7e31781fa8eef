"""Whole annual-report books split into country chapters (issue 7): on pages of a real Amnesty
book, on a generated book through the pipeline (one transaction, re-run, split-book), and on a
whole real book (corpus marker)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docket.cli import app
from docket.ingest.books import parse_fact_box, split_book
from docket.ingest.metadata import canonical_country, lookup_country
from docket.ingest.pdf import read_pdf
from docket.pipeline import IngestOptions, ingest_file, load_documents
from tests.conftest import CORPUS

BOOKS = CORPUS / "amnesty-pdf"
COUNTRIES = [
    "Albania",
    "Belarus",
    "Chile",
    "Denmark",
    "Egypt",
    "Fiji",
    "Georgia",
    "Haiti",
    "Kazakhstan",
    "Russia",
]


def test_chapters_of_a_real_book_with_pages_and_fact_boxes() -> None:
    pages = [
        *range(1, 8),
        *range(150, 167),
    ]  # the title pages and the chapters from Jamaica to Kyrgyzstan
    result = read_pdf(str(BOOKS / "amnesty-report-2013.pdf"), pages=pages)
    book = split_book(result, "amnesty-report-2013.pdf", min_chapters=3)
    assert book is not None and book.edition == 2013 and book.period == 2012
    assert [c.country for c in book.chapters] == [
        "Jamaica",
        "Japan",
        "Jordan",
        "Kazakhstan",
        "Kenya",
        "North Korea",
        "South Korea",
        "Kuwait",
        "Kyrgyzstan",
    ]
    kz = book.chapters[3]
    assert (kz.first_page, kz.last_page) == (156, 158)
    assert book.chapters[5].heading == "KOREA (DEMOCRATIC PEOPLE’S REPUBLIC OF)"
    assert kz.facts["head of state"] == "Nursultan Nazarbaev"
    assert kz.facts["head of government"].startswith("Serik Akhmetov")
    assert "Zhanaozen" in kz.result.text and "Kenya" not in kz.result.text[:200]
    assert "Acriminalinvestigation" not in kz.result.text  # tight word spacing read as spaces
    assert book.skipped[0][0] == "front matter"


def test_fact_box_lines() -> None:
    box = (
        "REPUBLIC OF KAZAKSTAN Head of state: Nursultan Nazarbaev Head of government: Danial Akhmetov "
        "Death penalty: retentionist International Criminal Court: not signed"
    )
    assert parse_fact_box(box) == {
        "head of state": "Nursultan Nazarbaev",
        "head of government": "Danial Akhmetov",
        "death penalty": "retentionist",
        "international criminal court": "not signed",
    }


def _make_book(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)

    def write(y: float, text: str, size: int = 11, style: str = "") -> None:
        pdf.set_font("Helvetica", style, size=size)
        pdf.set_xy(10, y)
        pdf.cell(0, size / 2, text)

    pdf.add_page()
    write(40, "EXAMPLE WATCH REPORT 2019", 20, "B")
    write(60, "This report by Example Watch covers the period January to December 2018.")
    for n, country in enumerate(COUNTRIES):
        pdf.add_page()
        write(20, country.upper(), 18, "B")
        write(32, f"Head of state: President Number{n} Death penalty: abolitionist", 9)
        write(45, f"In March the police in {country} detained the journalist Ivan Petrov{n} after")
        write(51, "he reported on corruption. A court sentenced him to two years in prison.")
        write(63, "Freedom of assembly was restricted throughout the year.")
    pdf.add_page()
    write(20, "APPENDIX: SELECTED DOCUMENTS", 18, "B")
    write(40, "A list of documents published during the year.")
    pdf.output(str(path))


def test_a_book_is_ingested_as_chapters_in_one_transaction(store, tmp_path: Path) -> None:
    book = tmp_path / "example-book.pdf"
    _make_book(book)
    docs, found = load_documents(book)
    assert found is not None and found.edition == 2019 and len(docs) == len(COUNTRIES)
    assert [d.metadata.country for d in docs] == COUNTRIES
    kz = docs[COUNTRIES.index("Kazakhstan")]
    assert kz.metadata.period == 2018 and kz.metadata.title.endswith("Report 2019: Kazakhstan")
    assert dict(kz.metadata.attributes)["death penalty"] == "abolitionist"
    assert "APPENDIX" not in docs[-1].text and found.skipped[-1][0].startswith("APPENDIX")
    outcome = ingest_file(store, book, IngestOptions(extract=False))
    assert outcome.status == "added" and "10 country chapters" in outcome.note
    assert store.counts()["documents"] == len(COUNTRIES)
    stored = store.get_document(kz.id)
    assert stored.source_path.endswith("example-book.pdf#kazakhstan")
    assert dict(stored.metadata.attributes)["head of state"] == "President Number8"
    assert all(
        p.page == COUNTRIES.index("Kazakhstan") + 2 for p in stored.paragraphs
    )  # page numbers kept
    assert ingest_file(store, book, IngestOptions(extract=False)).status == "unchanged"


def test_a_failing_chapter_leaves_no_chapter_behind(store, tmp_path: Path, monkeypatch) -> None:
    book = tmp_path / "example-book.pdf"
    _make_book(book)
    calls = {"n": 0}
    original = store._insert

    def crash_on_fifth(record) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk on fire")
        original(record)

    monkeypatch.setattr(store, "_insert", crash_on_fifth)
    outcome = ingest_file(store, book, IngestOptions(extract=False))
    assert outcome.status == "failed" and "disk on fire" in outcome.error
    assert store.counts()["documents"] == 0 and store.integrity_check() == "ok"


def test_split_book_command_writes_chapters_and_a_manifest(tmp_path: Path) -> None:
    book = tmp_path / "example-book.pdf"
    _make_book(book)
    runner = CliRunner()
    r = runner.invoke(app, ["split-book", str(book), "--out", str(tmp_path / "chapters")])
    assert r.exit_code == 0, r.output
    with (tmp_path / "chapters" / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [r["country"] for r in rows] == COUNTRIES and {r["year_covered"] for r in rows} == {
        "2018"
    }
    assert rows[0]["head_of_state"] == "President Number0" and rows[0]["first_page"] == "2"
    db = str(tmp_path / "d.db")
    r = runner.invoke(
        app, ["ingest", str(tmp_path / "chapters"), "--db", db, "--no-extract", "--json"]
    )
    assert r.exit_code == 0 and '"added": 10' in r.stdout
    r = runner.invoke(
        app,
        ["split-book", str(tmp_path / "chapters" / rows[0]["file"]), "--out", str(tmp_path / "x")],
    )
    assert r.exit_code == 2 and "not a multi-country book" in r.output


@pytest.mark.corpus
def test_a_whole_real_book_splits_into_its_country_chapters() -> None:
    """The 2006 book's chapters against the corpus's own chapter files for the same edition."""
    docs, book = load_documents(
        BOOKS / "amnesty-report-2006-countries.pdf", IngestOptions(extract=False)
    )
    assert book is not None and book.period == 2005
    with (CORPUS / "amnesty-annual" / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        expected = {
            lookup_country(r["country"]) or canonical_country(r["country"])
            for r in csv.DictReader(fh, delimiter="\t")
            if r["year_covered"] == "2005"
        }
    found = {d.metadata.country for d in docs}
    recall = len(found & expected) / len(expected)
    assert recall >= 0.95, sorted(expected - found)
    assert len(found - expected) <= 3, sorted(found - expected)  # the corpus lacks a few chapters
    kz = next(d for d in docs if d.metadata.country == "Kazakhstan")
    assert kz.metadata.title == "Amnesty International Report 2006: Kazakhstan"
    assert dict(kz.metadata.attributes)["death penalty"] == "retentionist"


def test_fact_box_heads_of_state_are_state_persons() -> None:
    from docket.extract import analyse_document
    from docket.extract.roles import role_of, side_of
    from docket.ingest.readers import RawFile
    from docket.ingest.structure import build_document
    from docket.models import Metadata
    from docket.resolve.link import link_documents

    result = read_pdf(str(BOOKS / "amnesty-report-2013.pdf"), pages=[155, 156, 157, 158])
    chapter = next(
        c for c in split_book(result, min_chapters=1).chapters if c.country == "Kazakhstan"
    )
    doc = build_document(
        RawFile("book.pdf#kazakhstan", 1, "0"),
        chapter.result,
        Metadata("Amnesty International", "Kazakhstan", 2012, "t"),
    )
    clusters = link_documents([(doc.id, analyse_document(doc).mentions)])
    texts = {doc.id: doc.text}
    sides = {
        c.canonical: (
            role_of(texts, c.mentions),
            side_of(texts, c.mentions, [], role_of(texts, c.mentions)),
        )
        for c in clusters
    }
    assert sides["Nursultan Nazarbaev"] == ("head of state", "state")
    assert sides["Serik Akhmetov"] == ("head of government", "state")


def test_a_book_with_a_broken_cross_reference_table_is_repaired() -> None:
    """pdfminer finds no pages in the 2007 book (a linearized file with a bad xref); pypdf rebuilds it."""
    result = read_pdf(str(BOOKS / "amnesty-report-2007-countries.pdf"), pages=[101])
    assert result.pages == 1 and "Head of state" in result.text
    assert any("rebuilt with pypdf" in n for n in result.notes)

"""Readers: generated HTML and PDF fixtures go through the same path; bad input fails clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.errors import BinaryFile, CorruptPDF, EmptyFile, InputError, NoText, TooLarge
from docket.ingest.readers import read_file
from docket.pipeline import load_document

BODY = (
    "On 3 March, police detained journalist Aigerim Tleuzhan in Almaty after she reported on the protests. "
    "A court later fined her for violating the law on peaceful assemblies."
)

HTML = f"""<!DOCTYPE html>
<html><head><title>Kazakhstan: Events of 2023 | Example Watch</title>
<script>window.evil = 1;</script></head>
<body>
<nav><a href="/">Home</a> <a href="/donate">Donate Now</a> Share this via Facebook</nav>
<article>
<h1>Kazakhstan: Events of 2023</h1>
<p>{BODY}</p>
<h2>Freedom of Assembly</h2>
<p>The authorities continued to restrict peaceful assemblies throughout the year, and several organisers were sentenced to administrative detention.</p>
<p>Reports of &lt;script&gt;alert(1)&lt;/script&gt; text must stay text. <script>alert(2)</script></p>
</article>
<footer>Browse countries Afghanistan Algeria Angola · Donate</footer>
</body></html>"""


def test_html_main_text_with_headings(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    doc = load_document(f)
    assert doc.format == "html"
    assert [s.heading for s in doc.sections][-1] == "Freedom of Assembly"
    texts = [p.text for p in doc.paragraphs]
    assert BODY in texts
    assert not any("Donate" in t or "Share this via" in t or "Browse countries" in t for t in texts)
    assert "alert(2)" not in doc.text and "window.evil" not in doc.text
    assert any(
        "<script>alert(1)</script>" in t for t in texts
    )  # escaped text in the page stays text
    assert doc.metadata.country == "Kazakhstan" and doc.metadata.period == 2023
    for p in doc.paragraphs:
        assert doc.text[p.start : p.end] == p.text


def test_markup_that_trips_the_date_finder_is_still_read(tmp_path: Path) -> None:
    """htmldate's cleaning asserted on a ``<style>`` first inside an ``<svg>`` root (E999 before)."""
    f = tmp_path / "odd.html"
    f.write_text(
        "<svg><style>x</style><text>Kazakhstan: police detained a journalist.</text></svg>", "utf-8"
    )
    doc = load_document(f)
    assert [p.text for p in doc.paragraphs] == ["Kazakhstan: police detained a journalist."]


def _make_pdf(path: Path, *, pages: int = 3) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(10, 6)
        pdf.cell(0, 4, "Example Human Rights Report 2023 - Kazakhstan")  # running header
        pdf.set_xy(100, 287)
        pdf.cell(0, 4, str(n))  # page number
        pdf.set_font("Helvetica", "B", size=16)
        pdf.set_xy(10, 30)
        pdf.cell(
            0, 8, ["Freedom of Expression", "Torture and Ill-Treatment", "Refugees"][(n - 1) % 3]
        )
        pdf.set_font("Helvetica", size=11)
        y = 45
        lines = [
            "The authorities prosecuted the blogger for spreading false infor-",
            "mation after he criticised the government's handling of the",
            "floods in the northern regions.",
            "",
            f"A second paragraph on page {n} says that the court sentenced him",
            "to two years of restricted freedom.",
        ]
        for line in lines:
            if line:
                pdf.set_xy(10, y)
                pdf.cell(0, 5, line)
            y += 5 if line else 9
    pdf.output(str(path))


def test_pdf_reader_pages_hyphens_headers(tmp_path: Path) -> None:
    f = tmp_path / "report.pdf"
    _make_pdf(f)
    doc = load_document(f)
    assert doc.format == "pdf" and doc.pages == 3
    texts = [p.text for p in doc.paragraphs]
    assert any("spreading false information after he criticised" in t for t in texts), texts
    assert not any("Example Human Rights Report 2023" in t for t in texts)  # running header dropped
    assert not any(t.strip().isdigit() for t in texts)  # page numbers dropped
    assert [p.page for p in doc.paragraphs if "page 3" in p.text] == [3]
    assert [s.heading for s in doc.sections] == [
        "Freedom of Expression",
        "Torture and Ill-Treatment",
        "Refugees",
    ]


def test_two_column_pdf_is_read_column_by_column(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for col, x in (("left", 10), ("right", 110)):
        for i in range(30):
            pdf.set_xy(x, 20 + i * 6)
            pdf.cell(85, 5, f"{col} column line {i:02d} of the text")
    f = tmp_path / "cols.pdf"
    pdf.output(str(f))
    doc = load_document(f)
    joined = " ".join(p.text for p in doc.paragraphs)
    assert joined.index("left column line 29") < joined.index("right column line 00")


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.txt", b"", EmptyFile),
        ("blank.txt", b"  \n\n \t", EmptyFile),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, BinaryFile),
        ("random.bin", bytes(range(256)) * 64, BinaryFile),
        (
            "broken.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf at all",
            CorruptPDF,
        ),
        ("noheader.pdf", b"just text named pdf", CorruptPDF),
        ("zip.txt", b"PK\x03\x04" + b"\x00" * 100, BinaryFile),
    ],
)
def test_bad_input_raises_named_error(
    tmp_path: Path, name: str, content: bytes, error: type
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(error) as info:
        read_file(f)
    assert name in str(info.value) and info.value.code.startswith("E1")


def test_truncated_real_pdf_fails_cleanly(tmp_path: Path) -> None:
    good = tmp_path / "good.pdf"
    _make_pdf(good)
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    with pytest.raises(InputError) as info:
        read_file(bad)
    assert "truncated.pdf" in str(info.value)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")  # an "image" only
    f = tmp_path / "scan.pdf"
    pdf.output(str(f))
    with pytest.raises(NoText, match="scan.pdf"):
        read_file(f)


def test_size_limit(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    f.write_text("The court sentenced him. " * 50_000)
    with pytest.raises(TooLarge, match="huge.txt"):
        read_file(f, max_text_bytes=1024 * 1024)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1251", "utf-16-le", "utf-16"])
def test_non_utf8_text_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = (
        ("Правозащитник Дүйсенбаев был задержан полицией в Алматы. " * 20)
        if encoding == "cp1251"
        else (
            "The café owner José Müller was détained by police in Almaty during the protest. " * 20
        )
    )
    if encoding == "cp1251":
        text = text.replace("Дүйсенбаев", "Дуйсенбаев")  # cp1251 has no Kazakh letters
    f = tmp_path / "report.txt"
    f.write_bytes(text.encode(encoding))
    doc = load_document(f)
    assert doc.paragraphs[0].text.startswith(text.split(".")[0])


def test_encrypted_pdf_is_named_as_such(tmp_path: Path) -> None:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    from docket.errors import EncryptedPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "A report on detentions.")
    pdf.set_encryption(
        owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4
    )
    f = tmp_path / "locked.pdf"
    pdf.output(str(f))
    with pytest.raises(EncryptedPDF) as info:
        load_document(f)
    assert "locked.pdf" in str(info.value) and "E107" in str(info.value)


def test_a_pdf_decompression_bomb_is_refused_without_filling_memory(tmp_path: Path) -> None:
    """A 1 GB content stream in a 1 MB PDF: refused (E112) once 64 MB are inflated, not read whole."""
    import resource

    from docket.errors import DecompressionBomb
    from tests.reliability.test_hostile_input import flate_bomb_pdf

    f = tmp_path / "bomb.pdf"
    f.write_bytes(flate_bomb_pdf(1000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DecompressionBomb, match="bomb.pdf.*expands past 64 MB"):
        read_file(f)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300, grown_mb
    small = tmp_path / "small.pdf"  # the same construction under the cap reads normally
    small.write_bytes(flate_bomb_pdf(1))
    assert "Kazakhstan report" in read_file(small)[1].text


@pytest.mark.parametrize(
    "place", ["content", "content array", "ToUnicode map", "Form XObject", "object stream"]
)
def test_a_bomb_anywhere_pdfminer_inflates_is_named_as_one(tmp_path: Path, place: str) -> None:
    """Issue 18: wherever the bomb sits (beside real text, in a font's map, a form, an object
    stream read by pdfminer's fallback), the file fails with E112, never as a "scanned PDF?"."""
    from docket.errors import DecompressionBomb
    from tests.reliability.generators import bomb_in_pdf

    f = tmp_path / "bomb.pdf"
    f.write_bytes(bomb_in_pdf(place))
    assert f.stat().st_size < 1 << 20
    with pytest.raises(DecompressionBomb, match="bomb.pdf.*expands past 64 MB"):
        read_file(f)
    small = tmp_path / "small.pdf"  # the same file with a small stream there reads normally
    small.write_bytes(bomb_in_pdf(place, megabytes=1))
    assert "police detained a journalist" in read_file(small)[1].text


def test_reading_past_the_memory_cap_fails_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard, for what the readers' own caps miss: past ``read_memory_mb`` a file fails with
    E998 naming it and the cap, and the next file reads normally (the limit is restored)."""
    from docket.ingest import pdf
    from docket.pipeline import IngestOptions, prepare_file
    from tests.reliability.test_hostile_input import flate_bomb_pdf

    monkeypatch.setattr(pdf, "MAX_STREAM_BYTES", 10**12)  # as if the Flate cap missed this bomb
    f = tmp_path / "bomb.pdf"
    f.write_bytes(flate_bomb_pdf(600))
    options = IngestOptions(extract=False, read_memory_mb=200)
    failed = prepare_file(f, options).failure
    assert failed is not None and failed.error_code == "E998", failed
    assert "bomb.pdf" in failed.error and "200 MB" in failed.error and "\n" not in failed.error
    good = tmp_path / "good.txt"
    good.write_text(
        "Report\n\nThe court in Almaty sentenced a blogger on 3 May 2024.\n" + "More text. " * 10**6
    )
    assert prepare_file(good, options).failure is None


def test_the_language_is_detected_given_or_refused(tmp_path: Path) -> None:
    """Language per document (issue 21): detected from the text, overridden by a sidecar or a flag
    (a code or a name), a bad value refused naming the file; a mixed report says so."""
    import json

    from docket.errors import BadMetadata
    from docket.pipeline import IngestOptions
    from tests.conftest import CORPUS, SEEDS

    russian = CORPUS / "ovdinfo" / "ovdinfo_russia_2013q1_ru.txt"
    english = next(SEEDS.glob("*.txt"))
    assert load_document(english).metadata.language == "en"
    copy = tmp_path / "bulletin.txt"
    copy.write_text(russian.read_text("utf-8"), "utf-8")
    doc = load_document(copy)
    assert doc.metadata.language == "ru" and dict(doc.metadata.sources)["language"] == "detected"
    assert (
        load_document(copy, IngestOptions(metadata={"language": "Kazakh"})).metadata.language
        == "kk"
    )
    (tmp_path / "bulletin.txt.meta.json").write_text(
        json.dumps({"language": "Klingonese"}), "utf-8"
    )
    with pytest.raises(BadMetadata, match="language"):
        load_document(copy)
    mixed = tmp_path / "mixed.txt"
    ru = [p for p in russian.read_text("utf-8").split("\n\n") if len(p) > 400][:6]
    en = [p for p in english.read_text("utf-8").split("\n\n") if len(p) > 400][:4]
    mixed.write_text("\n\n".join(ru + en), "utf-8")
    doc = load_document(mixed)
    assert doc.metadata.language == "ru" and any(
        "mixes languages" in n and "en " in n for n in doc.notes
    ), doc.notes

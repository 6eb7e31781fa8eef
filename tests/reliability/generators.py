"""Hostile files made on the fly for the hard-limit tests (never copied reports)."""

from __future__ import annotations

import zlib


def attribute_bomb_html(attributes: int = 40_000) -> str:
    """One ``<div>`` with ``attributes`` attributes before a line of real text: HTML parsers
    take time super-linear in the attribute count, in C code where no alarm runs."""
    attrs = " ".join(f'a{i}="1"' for i in range(attributes))
    return (
        f"<html><body><div {attrs}>x</div>"
        "<p>Kazakhstan: police detained a journalist.</p></body></html>"
    )


def deep_tables_html(depth: int = 20_000) -> str:
    """A line of text inside ``depth`` nested tables (libxml2 stops at 256 levels)."""
    return (
        "<html><body>"
        + "<table><tr><td>" * depth
        + "Kazakhstan: police detained a journalist."
        + "</td></tr></table>" * depth
        + "</body></html>"
    )


def huge_attribute_html(megabytes: int = 15) -> str:
    """A ``title`` attribute of ``megabytes`` MB before a line of text (libxml2 stops at 10 MB)."""
    return (
        f'<html><body><div title="{"x" * (megabytes << 20)}">y</div>'
        "<p>Kazakhstan: police detained a journalist.</p></body></html>"
    )


def deflated_spaces(prefix: bytes, megabytes: int) -> bytes:
    """A zlib stream of ``prefix`` and ``megabytes`` MB of spaces, built in well under a second:
    after a full flush deflate starts afresh, so one compressed megabyte repeats verbatim."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    mb = b" " * (1 << 20)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    check = zlib.adler32(prefix)
    for _ in range(megabytes):
        check = zlib.adler32(mb, check)
    return b"\x78\xda" + head + block * megabytes + tail + check.to_bytes(4, "big")


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (object 1 is the catalogue) with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def form_fanout_pdf(levels: int = 7, fanout: int = 10) -> bytes:
    """A one-page PDF of a few KB whose page draws Form XObject 1, which draws form 2 ``fanout``
    times, and so on for ``levels`` levels: ``fanout ** levels`` drawings of one line of text."""
    # objects: 1 catalog, 2 pages, 3 page, 4 page content, 5 font, 6.. forms
    first_form = 6
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 %d 0 R >> >> >>" % first_form,
        _stream(b"BT /F1 12 Tf 72 720 Td (Kazakhstan report) Tj ET\n/X1 Do\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for level in range(1, levels + 1):
        if level < levels:
            body = b"".join(
                b"q 1 0 0 1 0 %d cm /X%d Do Q\n" % (i, level + 1) for i in range(fanout)
            )
            resources = b"/Resources << /Font << /F1 5 0 R >> /XObject << /X%d %d 0 R >> >>" % (
                level + 1,
                first_form + level,
            )
        else:
            body = b"BT /F1 10 Tf 72 700 Td (police detained a journalist) Tj ET\n"
            resources = b"/Resources << /Font << /F1 5 0 R >> >>"
        objects.append(
            _stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + resources + b" ")
        )
    return _pdf(objects)


def repeated_contents_pdf(times: int = 100_000) -> bytes:
    """A one-page PDF whose ``/Contents`` array names one small text stream ``times`` times
    (~600 KB): a reader that concatenates the streams holds ``times`` copies of the text."""
    refs = b" ".join([b"4 0 R"] * times)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [" + refs + b"] "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 72 720 Td (Kazakhstan: police detained a journalist.) Tj ET\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf(objects)


def many_pages_pdf(pages: int = 120) -> bytes:
    """A healthy PDF of ``pages`` pages, each with distinct text naming its page number."""
    import random

    from fpdf import FPDF

    rng = random.Random(pages)
    words = [
        "court",
        "police",
        "journalist",
        "activist",
        "detained",
        "sentenced",
        "appeal",
        "prison",
        "lawyer",
        "hearing",
        "protest",
        "charges",
        "trial",
        "released",
        "fined",
        "banned",
        "blogger",
        "union",
        "strike",
        "region",
        "city",
    ]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        # Distinct words on every line: lines repeated on many pages would be running headers.
        pdf.multi_cell(
            0, 6, f"Page marker {n}. " + " ".join(rng.choice(words) for _ in range(90)) + "."
        )
    return bytes(pdf.output())


_BOMB_PLACES = ("content", "content array", "ToUnicode map", "Form XObject", "object stream")


def bomb_in_pdf(place: str, megabytes: int = 200) -> bytes:
    """A one-page PDF with a line of real text and, at ``place`` (one of :data:`_BOMB_PLACES`), a
    Flate stream of a few hundred KB that inflates to ``megabytes`` MB of spaces."""
    text = b"BT /F1 12 Tf 72 712 Td (Kazakhstan: police detained a journalist.) Tj ET\n"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %s /Resources << /Font << /F1 5 0 R >>%s >> >>"
    head = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica%s >>"
    if (
        place == "object stream"
    ):  # the page object itself inside a bomb; pdfminer's fallback reads it
        inner = b"3 0 " + page % (b"4 0 R", b"")
        packed = deflated_spaces(inner, megabytes)
        objs = [
            *head,
            b"null",
            _stream(text),
            font % b"",
            _stream(packed, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode "),
        ]
        return _pdf(objs).replace(b"startxref\n", b"startxref\n999999\n%%", 1)  # broken xref
    bomb = deflated_spaces(b"BT ET\n", megabytes)
    flate = b"/Filter /FlateDecode "
    contents, resources, font_extra, content = b"4 0 R", b"", b"", text
    bomb_obj = _stream(bomb, flate)
    if place == "content":
        contents = b"[4 0 R 6 0 R]"  # the text, then the bomb: reading must not stop quietly
    elif place == "content array":
        contents = b"[6 0 R 4 0 R]"
    elif place == "ToUnicode map":
        font_extra = b" /ToUnicode 6 0 R"
    elif place == "Form XObject":
        resources = b" /XObject << /X1 6 0 R >>"
        content = b"/X1 Do\n" + text
        bomb_obj = _stream(bomb, flate + b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] ")
    else:
        raise ValueError(place)
    return _pdf(
        [*head, page % (contents, resources), _stream(content), font % font_extra, bomb_obj]
    )

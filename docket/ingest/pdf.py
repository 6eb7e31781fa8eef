"""PDF reader on pdfplumber (pdfminer.six): columns, headings, clean paragraphs.

Per page: detect a two-column layout by a vertical gutter no word crosses, read
each column top to bottom, drop running headers/footers (lines repeated near the
top or bottom of most pages) and bare page numbers, re-join words hyphenated
across lines, join lines into paragraphs by vertical gaps, and mark lines set in
a larger font than the body as headings. Pages are processed one at a time and
their caches released, so memory stays bounded on long books.
"""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass
from statistics import median
from typing import Any

from docket.errors import CorruptPDF, DecompressionBomb, DocketError, EncryptedPDF, NoText
from docket.models import Block, BlockKind, ReadResult

_PAGE_NO = re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I)
_TERMINAL = tuple('.!?:;"”’)')
_CID = re.compile(r"\(cid:\d+\)")
_EDGE = 0.08  # top/bottom share of the page where running headers and footers live
MAX_STREAM_BYTES = (
    64 * 1024 * 1024
)  # what one compressed PDF stream may expand to (a page's text is ~100 KB)


class _StreamTooLarge(Exception):
    """A Flate stream expanded past :data:`MAX_STREAM_BYTES` (raised inside pdfminer, turned into E112)."""


class _Decompressor:
    """A ``zlib.decompressobj`` that refuses to produce more than ``limit`` bytes in all."""

    def __init__(self, limit: int) -> None:
        self._d = zlib.decompressobj()
        self._left = limit

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        cap = self._left + 1 if not max_length else min(max_length, self._left + 1)
        out = self._d.decompress(data, cap)
        self._left -= len(out)
        if self._left < 0:
            raise _StreamTooLarge
        return out

    def __getattr__(self, name: str) -> object:  # eof, unconsumed_tail, flush, ...
        return getattr(self._d, name)


class _BoundedZlib:
    """What pdfminer sees as its ``zlib`` module: the same, with Flate output capped.

    pdfminer inflates each stream whole with ``zlib.decompress``; a 200 KB stream of zeros expands
    to 200 MB, and a hostile PDF ("zip bomb") to as much as the machine has. docket reads text, so a
    stream that expands past :data:`MAX_STREAM_BYTES` fails the file instead of filling memory.
    """

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    def decompress(
        self, data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE
    ) -> bytes:
        d = zlib.decompressobj(wbits)
        out = d.decompress(data, MAX_STREAM_BYTES + 1)
        if len(out) > MAX_STREAM_BYTES:
            raise _StreamTooLarge
        if (
            not d.eof
        ):  # truncated or corrupt: zlib.decompress raises here too, and pdfminer recovers
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self, *args: object, **kwargs: object) -> _Decompressor:
        return _Decompressor(MAX_STREAM_BYTES)


def _guard_pdfminer() -> None:
    """Install the capped Flate decoder into pdfminer (idempotent)."""
    from pdfminer import pdftypes

    # pdfminer reads zlib through this module attribute; the stand-in offers decompressobj only.
    if not isinstance(pdftypes.zlib, _BoundedZlib):  # type: ignore[attr-defined]
        pdftypes.zlib = _BoundedZlib()  # type: ignore[attr-defined,assignment]


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    page: int
    col_width: float
    top_frac: float  # position on the page, 0 = top, 1 = bottom
    bottom_frac: float


def read_pdf(path: str, pages: list[int] | None = None) -> ReadResult:
    """Read a PDF file into blocks; raise a clear error for encrypted, corrupt or image-only files.

    ``pages`` (1-based) reads only those pages, e.g. to look at one chapter of a book.
    """
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    _guard_pdfminer()
    lines: list[_Line] = []
    notes: list[str] = []
    try:
        with _open(path, pages, notes) as pdf:
            npages = len(pdf.pages)
            damaged: list[int] = []
            for page in pdf.pages:
                try:
                    lines.extend(_page_lines(page, page.page_number))
                except MemoryError:
                    raise
                except Exception as exc:
                    if _encrypted(exc) or _bomb(exc):
                        raise
                    if any(isinstance(x, MemoryError) for x in _causes(exc)):  # pdfplumber wraps it
                        raise MemoryError from exc
                    damaged.append(page.page_number)
                finally:
                    page.close()  # release pdfminer's layout cache: bounded memory on long books
            if damaged:
                # A book with a page or two of damaged content is still worth reading, and says so;
                # a file with many damaged pages is refused as corrupt.
                if len(damaged) > max(1, npages // 20):
                    raise CorruptPDF(
                        f"{len(damaged)} of {npages} pages cannot be parsed (first: page {damaged[0]})",
                        path=path,
                        hint="the file is damaged",
                    )
                notes.append(
                    f"page{'s' if len(damaged) > 1 else ''} {', '.join(map(str, damaged))} could not be "
                    "read (damaged content) and {} missing".format(
                        "are" if len(damaged) > 1 else "is"
                    )
                )
    except (DocketError, MemoryError):
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPDF(
            "the PDF is encrypted", path=path, hint="remove the password and try again"
        ) from exc
    except Exception as exc:
        if _bomb(exc):
            raise DecompressionBomb(
                f"a compressed stream in the PDF expands past {MAX_STREAM_BYTES // 2**20} MB",
                path=path,
                hint="a decompression bomb? docket refuses it rather than fill memory",
            ) from exc
        if _encrypted(exc):
            raise EncryptedPDF(
                "the PDF is encrypted", path=path, hint="remove the password and try again"
            ) from exc
        name = type(exc).__name__
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedPDF(
                "the PDF is encrypted", path=path, hint="remove the password and try again"
            ) from exc
        raise CorruptPDF(
            f"the PDF cannot be parsed ({name}: {str(exc)[:120]})",
            path=path,
            hint="the file is truncated or damaged",
        ) from exc
    lines = _drop_running_lines(lines, npages)
    if not any(ln.text.strip() for ln in lines):
        raise NoText(
            f"no text layer in {npages} page(s): a scanned PDF?",
            path=path,
            hint="OCR it first (docket does not OCR)",
        )
    text, blocks = _assemble(lines)
    return ReadResult(
        text=text, blocks=tuple(blocks), format="pdf", pages=npages, notes=tuple(notes)
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """An error and the ones it wraps: pdfplumber wraps pdfminer's errors in its own."""
    return [
        exc,
        *(x for x in (*exc.args, exc.__cause__, exc.__context__) if isinstance(x, BaseException)),
    ]


def _bomb(exc: BaseException) -> bool:
    """Whether an error (possibly wrapped by pdfplumber) is the Flate cap being hit."""
    return any(isinstance(x, _StreamTooLarge) for x in _causes(exc))


def _encrypted(exc: BaseException) -> bool:
    """Whether an error (possibly wrapped by pdfplumber) says the file is encrypted."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    return any(isinstance(x, (PDFPasswordIncorrect, PDFEncryptionError)) for x in _causes(exc))


def _open(path: str, pages: list[int] | None, notes: list[str]) -> Any:
    """Open with pdfplumber; when pdfminer finds no page tree (a broken cross-reference table, as in
    some linearized files), let pypdf rebuild the file in memory and open that instead."""
    import io
    import logging

    import pdfplumber

    for name in (
        "pdfminer",
        "pypdf",
    ):  # damaged streams make them log per object; docket reports per page
        logging.getLogger(name).setLevel(logging.ERROR)
    pdf = pdfplumber.open(path, pages=pages)
    if pdf.pages:
        return pdf
    pdf.close()
    import pypdf

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if not reader.pages:
            return pdfplumber.open(path, pages=pages)
        buf = io.BytesIO()
        pypdf.PdfWriter(clone_from=reader).write(buf)
    except Exception:
        return pdfplumber.open(path, pages=pages)
    notes.append("the PDF's cross-reference table was broken; rebuilt with pypdf before reading")
    buf.seek(0)
    return pdfplumber.open(buf, pages=pages)


def _page_lines(page: Any, number: int) -> list[_Line]:
    # Word gaps are judged relative to the font size: tightly set books (Amnesty's annual report)
    # leave ~0.25 em between words and no space character, which a fixed 3 pt tolerance glues together.
    words = page.extract_words(
        keep_blank_chars=False,
        use_text_flow=False,
        x_tolerance_ratio=0.15,
        extra_attrs=["size", "fontname"],
    )
    for w in words:  # glyphs without a Unicode mapping (bullets, mostly) come out as "(cid:N)"
        if "(cid:" in w["text"]:
            w["text"] = _CID.sub("", w["text"])
    width, height = float(page.width), float(page.height)
    words = [w for w in words if w["text"]]
    words = [w for w in words if not _thumb_tab(w, width, words)]
    if not words:
        return []
    gutter = _gutter(words, width)
    columns = [(0.0, gutter), (gutter, width)] if gutter else [(0.0, width)]
    out: list[_Line] = []
    for left, right in columns:
        col = [w for w in words if left <= (w["x0"] + w["x1"]) / 2 < right]
        out.extend(_words_to_lines(col, number, right - left, height))
    return out


def _thumb_tab(word: dict[str, Any], width: float, words: list[dict[str, Any]]) -> bool:
    """A book's thumb index: a letter or country code ("K", "AFG") alone on its line in the outer margin."""
    if not (word["x1"] < width * 0.15 or word["x0"] > width * 0.85) or not re.fullmatch(
        r"[A-Z]{1,3}", word["text"]
    ):
        return False
    if word["x1"] < width * 0.07 or word["x0"] > width * 0.93:  # in the very edge: always a tab
        return True
    return not any(w is not word and abs(w["top"] - word["top"]) < 3 for w in words)


def _gutter(words: list[dict[str, Any]], width: float) -> float | None:
    """x position of a column gutter near the middle that no word crosses, if any."""
    if len(words) < 40:
        return None
    # judge the gutter by body text: a heading set large may reach into the other column's margin
    body = median(w["size"] for w in words) * 1.1
    words = [w for w in words if w["size"] <= body] or words
    for frac in [0.5 + d / 100 for d in (0, -2, 2, -4, 4, -6, 6, -8, 8, -10, 10)]:
        x = width * frac
        if any(w["x0"] < x < w["x1"] for w in words):
            continue
        left = sum(1 for w in words if w["x1"] <= x)
        # each side needs some text, but a column may be short (a chapter opening with only its fact box)
        least = max(15, 0.08 * len(words))
        if left >= least and len(words) - left >= least:
            return x
    return None


def _words_to_lines(
    words: list[dict[str, Any]], page: int, col_width: float, height: float
) -> list[_Line]:
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for w in words:
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= max(2.0, w["size"] * 0.4):
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        text = " ".join(w["text"] for w in row)
        sizes = [w["size"] for w in row]
        bold = all("bold" in (w.get("fontname") or "").lower() for w in row)
        top, bottom = min(w["top"] for w in row), max(w["bottom"] for w in row)
        out.append(
            _Line(
                text,
                top,
                bottom,
                row[0]["x0"],
                row[-1]["x1"],
                median(sizes),
                bold,
                page,
                col_width,
                top / height,
                bottom / height,
            )
        )
    return out


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _at_edge(ln: _Line) -> bool:
    return ln.top_frac < _EDGE or ln.bottom_frac > 1 - _EDGE


def _drop_running_lines(lines: list[_Line], npages: int) -> list[_Line]:
    """Drop page numbers and header/footer lines that repeat across pages."""
    pages_with: dict[str, set[int]] = {}
    for ln in lines:
        if _at_edge(ln):
            pages_with.setdefault(_shape(ln.text), set()).add(ln.page)
    threshold = max(3, npages // 3)
    running = {s for s, pages in pages_with.items() if len(pages) >= threshold}
    return [
        ln
        for ln in lines
        if not (_at_edge(ln) and (_PAGE_NO.match(ln.text.strip()) or _shape(ln.text) in running))
    ]


def _assemble(lines: list[_Line]) -> tuple[str, list[Block]]:
    body_size = median(ln.size for ln in lines)
    gaps = [
        b.top - a.bottom
        for a, b in itertools.pairwise(lines)
        if b.page == a.page and 0 <= b.top - a.bottom < 30
    ]
    line_gap = median(gaps) if gaps else 2.0
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    cur: list[str] = []
    cur_kind: BlockKind = "paragraph"
    cur_level = 0
    cur_page = None
    prev: _Line | None = None

    def flush() -> None:
        nonlocal pos, cur
        if not cur:
            return
        text = _join(cur)
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        blocks.append(Block(cur_kind, pos, pos + len(text), level=cur_level, page=cur_page))
        pos += len(text)
        cur = []

    for ln in lines:
        heading = ln.size >= body_size * 1.15 or (
            ln.bold and len(ln.text) < 90 and not ln.text.endswith(_TERMINAL)
        )
        kind: BlockKind = "heading" if heading else "paragraph"
        new_block = (
            prev is None
            or kind != cur_kind
            or (kind == "heading" and abs(ln.size - prev.size) > 0.5)
            or (kind == "paragraph" and _breaks(prev, ln, line_gap))
        )
        if new_block:
            flush()
            cur_kind = kind
            cur_level = (1 if ln.size >= body_size * 1.5 else 2) if heading else 0
            cur_page = ln.page
        cur.append(ln.text)
        prev = ln
    flush()
    return "".join(parts), blocks


def _breaks(prev: _Line, ln: _Line, line_gap: float) -> bool:
    """Whether ``ln`` starts a new paragraph after ``prev``."""
    if abs(ln.size - prev.size) > max(
        0.8, prev.size * 0.08
    ):  # a paragraph keeps one type size (fact boxes, notes)
        return True
    if ln.page != prev.page or ln.top < prev.top:  # new page or new column
        return prev.text.endswith(_TERMINAL) and not ln.text[:1].islower()
    gap = ln.top - prev.bottom
    if gap > max(line_gap * 1.8, line_gap + 3):
        return True
    short = (prev.x1 - prev.x0) < 0.75 * prev.col_width
    return short and prev.text.endswith(_TERMINAL) and not ln.text[:1].islower()


def _join(lines: list[str]) -> str:
    """Join lines of one block, re-joining words hyphenated across the break."""
    out = lines[0].strip()
    for nxt in lines[1:]:
        nxt = nxt.strip()
        out = out[:-1] + nxt if re.search(r"[a-z]-$", out) and nxt[:1].islower() else f"{out} {nxt}"
    return out

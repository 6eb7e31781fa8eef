"""The reader registry: one entry per format, all built-ins registered here.

A reader takes the raw bytes of a file and returns a :class:`ReadResult`.
``read_file`` sniffs the format, enforces the size limit and dispatches.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docket.errors import InputError, NoText, TooLarge
from docket.ingest.detect import decode_text, sniff
from docket.ingest.flattened import looks_flattened, read_flattened
from docket.ingest.html import read_html
from docket.ingest.pdf import read_pdf
from docket.ingest.text import read_text
from docket.models import ReadResult

Reader = Callable[[bytes, str], ReadResult]

#: Default size limits, in bytes. Text and HTML over 20 MB are not reports but
#: dumps or logs; PDF books run to ~10 MB, so 200 MB leaves room.
DEFAULT_MAX_TEXT_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PDF_BYTES = 200 * 1024 * 1024


def _read_txt(data: bytes, path: str) -> ReadResult:
    text, encoding = decode_text(data, path)
    if looks_flattened(text):
        flat = read_flattened(text, encoding=encoding)
        if flat is not None:
            return flat
    return read_text(text, encoding=encoding)


def _read_html(data: bytes, path: str) -> ReadResult:
    markup, encoding = decode_text(data, path)
    return read_html(markup, path=path, encoding=encoding)


def _read_pdf(data: bytes, path: str) -> ReadResult:
    del data  # pdfplumber streams from the file itself
    return read_pdf(path)


READERS: dict[str, Reader] = {
    "txt": _read_txt,
    "html": _read_html,
    "pdf": _read_pdf,
}


@dataclass(frozen=True)
class RawFile:
    """A file's bytes identity, read once."""

    path: str
    size: int
    sha256: str


def read_file(
    path: str | os.PathLike[str],
    *,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
    max_pdf_bytes: int = DEFAULT_MAX_PDF_BYTES,
) -> tuple[RawFile, ReadResult]:
    """Read one file with the reader for its format; raise :class:`InputError` subclasses on bad input."""
    p = Path(path)
    spath = str(p)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block reading forever; a device never ends
            raise InputError(
                "not a regular file (a folder, pipe, socket or device)",
                path=spath,
                hint="point docket at report files",
            )
        size = st.st_size
        if size > max(max_text_bytes, max_pdf_bytes):
            raise TooLarge(
                f"{size / 1e6:.1f} MB is over the size limit",
                path=spath,
                hint="raise it with --max-mb",
            )
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=spath) from exc
    sniffed = sniff(data, p.suffix.lower(), spath)
    limit = max_pdf_bytes if sniffed.format == "pdf" else max_text_bytes
    if size > limit:
        raise TooLarge(
            f"{size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for {sniffed.format} files",
            path=spath,
            hint="raise it with --max-mb if this really is one report",
        )
    result = READERS[sniffed.format](data, spath)
    if not any(b.kind == "paragraph" for b in result.blocks):
        raise NoText("no paragraphs of text found", path=spath, hint="is this a report?")
    raw = RawFile(path=spath, size=size, sha256=hashlib.sha256(data).hexdigest())
    return raw, result

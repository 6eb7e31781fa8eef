"""Sniffing a file's format and decoding text bytes safely.

Format is decided by content first (``%PDF-`` magic, HTML markers), then by
extension, so a mislabelled file still reaches the right reader. Text is decoded
as UTF-8 when it is valid UTF-8, otherwise with charset-normalizer's best guess;
files that look binary are refused rather than turned into mojibake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from docket.errors import BinaryFile, CorruptPDF, EmptyFile, Undecodable

HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
PDF_EXTENSIONS = {".pdf"}

_HTML_SNIFF = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_BINARY_MAGIC = (
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x1f\x8b",  # gzip
    b"\x89PNG",
    b"\xff\xd8\xff",  # jpeg
    b"GIF8",
    b"\x7fELF",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",  # OLE (old .doc)
    b"SQLite format 3",
)


@dataclass(frozen=True)
class Sniffed:
    """The format a file will be read as, and why."""

    format: str  # "txt" | "html" | "pdf"
    reason: str


def sniff(data: bytes, suffix: str, path: str) -> Sniffed:
    """Decide which reader handles ``data``; raise for empty or known-binary files."""
    if not data or not data.strip():
        raise EmptyFile(
            "the file is empty (or only whitespace)", path=path, hint="nothing to ingest"
        )
    head = data[:1024]
    if b"%PDF-" in head:
        return Sniffed("pdf", "PDF magic number")
    if suffix in PDF_EXTENSIONS:
        # A .pdf without the magic number is a broken or mislabelled file.
        raise CorruptPDF(
            "named .pdf but has no PDF header (%PDF-)",
            path=path,
            hint="the file is truncated or not a PDF",
        )
    for magic in _BINARY_MAGIC:
        if head.startswith(magic):
            raise BinaryFile(
                "binary file (recognised by its magic number), not a report",
                path=path,
                hint="convert it to PDF, HTML or text first",
            )
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if suffix in HTML_EXTENSIONS or _HTML_SNIFF.match(stripped):
        return Sniffed("html", "HTML extension or markup")
    return Sniffed("txt", "plain text")


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# When charset-normalizer finds several near-equal candidates, the encodings reports are
# actually saved in win: Western and Cyrillic code pages before Baltic or Greek ones.
_PREFERRED = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1251",
    "koi8_r",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)``; raise if it is binary or undecodable."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc), path), enc
            except UnicodeDecodeError as exc:
                raise Undecodable(
                    f"has a {enc} byte-order mark but does not decode: {exc.reason}", path=path
                ) from exc
    if b"\x00" not in data[:65536]:
        try:
            return _check_text(data.decode("utf-8"), path), "utf-8"
        except UnicodeDecodeError:
            pass
    matches = from_bytes(data[: 4 * 1024 * 1024])
    match = matches.best()
    if match is not None:
        for cand in matches:
            if cand.percent_chaos > match.percent_chaos + 0.5:
                continue
            preferred = next((e for e in _PREFERRED if e in cand.could_be_from_charset), None)
            if preferred:
                try:
                    return _check_text(data.decode(preferred), path), preferred
                except UnicodeDecodeError:
                    continue
    if match is None:
        if b"\x00" in data[:65536]:
            raise BinaryFile(
                "binary content (NUL bytes), not text", path=path, hint="is this really a report?"
            )
        raise Undecodable(
            "the text encoding could not be determined", path=path, hint="re-save it as UTF-8"
        )
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise Undecodable(
            f"not valid {match.encoding}", path=path, hint="re-save it as UTF-8"
        ) from exc
    return _check_text(text, path), match.encoding


def _check_text(text: str, path: str) -> str:
    """Refuse decoded text that is mostly control characters (binary data)."""
    sample = text[:65536]
    if not sample.strip():
        raise EmptyFile("the file holds no text", path=path)
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    if controls / len(sample) > 0.01:
        raise BinaryFile(
            f"{controls} control or replacement characters in the first {len(sample)}: binary data, not text",
            path=path,
        )
    return text

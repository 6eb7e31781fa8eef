"""From reader blocks to a Document: sections with heading paths, numbered paragraphs.

Ids are stable: the document id is a hash of the stored text, so the same report
gets the same id on any machine; paragraph ``k`` of it is cited as
``{document_id}:p{k}``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docket.ingest.readers import RawFile
from docket.models import Document, Metadata, Paragraph, ReadResult, Section


def document_id(text: str) -> str:
    """Stable document id: the first 16 hex digits of the SHA-256 of the stored text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def heading_text(raw: str) -> str:
    """A heading as displayed: whitespace (including line breaks) collapsed."""
    return " ".join(raw.split())


MAX_PARAGRAPH_CHARS = 30_000  # the longest real paragraph in the corpus has 20,360


def split_long(
    text: str, start: int, end: int, limit: int = MAX_PARAGRAPH_CHARS
) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``limit`` characters, cut after the last sentence
    end (else the last space) that fits: a "paragraph" of megabytes (a file with no line
    breaks) is no citable passage, and the language model refuses texts over a million characters."""
    out: list[tuple[int, int]] = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        cut = cut + 1 if cut > limit // 2 else window.rfind(" ")
        if cut <= limit // 2:
            cut = limit
        piece_end = start + cut
        out.append((start, piece_end))
        start = piece_end
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


def build_document(raw: RawFile, result: ReadResult, metadata: Metadata) -> Document:
    """Assemble the Document that the store persists."""
    text = result.text
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    stack: list[Section] = []
    for block in result.blocks:
        if block.kind == "heading":
            while stack and stack[-1].level >= block.level:
                stack.pop()
            title = heading_text(text[block.start : block.end])
            path = (*tuple(s.heading for s in stack), title)
            sec = Section(len(sections), title, block.level, path, block.start, block.end)
            sections.append(sec)
            stack.append(sec)
        else:
            for start, end in split_long(text, block.start, block.end):
                paragraphs.append(
                    Paragraph(
                        ordinal=len(paragraphs),
                        section=stack[-1].ordinal if stack else None,
                        start=start,
                        end=end,
                        text=text[start:end],
                        page=block.page,
                    )
                )
    # A section's extent runs to the start of the next section at the same or a higher level.
    ends = []
    for i, s in enumerate(sections):
        nxt = next((t.start for t in sections[i + 1 :] if t.level <= s.level), len(text))
        ends.append(nxt)
    sections = [
        Section(s.ordinal, s.heading, s.level, s.path, s.start, e) for s, e in zip(sections, ends)
    ]
    return Document(
        id=document_id(text),
        source_path=raw.path,
        file_name=Path(raw.path).name,
        format=result.format,
        sha256=raw.sha256,
        size=raw.size,
        text=text,
        metadata=metadata,
        sections=tuple(sections),
        paragraphs=tuple(paragraphs),
        encoding=result.encoding,
        pages=result.pages,
        notes=result.notes,
    )

"""Text normalisation before segmentation: a repaired *view* of a document with the same offsets.

Reports converted from PDF carry artefacts that break sentence splitting and name detection:
bullet glyphs printed as control characters (U+0001–U+0003) or as a lone ``b``, private-use
bullet glyphs, no-break spaces. Extraction reads a view of the document in which every such
character is replaced by one of the same length (a bullet by a line break, which ends a sentence;
a no-break space by a space), so every offset found in the view is an offset into the stored
original, and every citation still slices the stored text to its quote
(:func:`restore_quotes` re-slices them from the original at the end).

Only one-for-one substitutions are made. Repairs that would change the length (a name hyphenated
across a line, a missing space after a full stop) are left to the components that read the view.
"""

from __future__ import annotations

import re
from dataclasses import replace

from docket.models import Document

# Characters that act as bullets or stray control codes in PDF-extracted reports.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2022\u25aa\u25cf\u25e6\u2023\uf0b7\uf0a7]")
# A lone "b" printed for a bullet: at the start of a line or after a sentence end, before a capital.
_B_BULLET = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[.!?;:”\")]\s))b(?=\s+[“\"‘(]?[A-Z0-9])")
_SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " "})


def normalize_text(text: str) -> str:
    """``text`` with artefacts replaced one character for one: the result has the same length."""
    out = _CONTROL.sub("\n", text)
    out = _B_BULLET.sub("\n", out)
    out = out.translate(_SPACES)
    assert len(out) == len(text)  # the invariant every offset relies on
    return out


def normalized_view(doc: Document) -> Document:
    """``doc`` with its text and paragraphs normalised (same offsets; metadata and ids unchanged)."""
    text = normalize_text(doc.text)
    if text == doc.text:
        return doc
    paragraphs = [
        replace(p, text=text[p.start : p.end]) if text[p.start : p.end] != p.text else p
        for p in doc.paragraphs
    ]
    return replace(doc, text=text, paragraphs=tuple(paragraphs))

"""Reader for flattened web captures: a whole web page squeezed onto one line.

Such a capture has lost every line break: menus, share buttons and footer run
into the article, and each section heading is glued to the next sentence
("Freedom of AssemblyThe government took..."). The page's own table of contents
lists the headings once, glued together, near the top. We recover the body:

1. Split the text at *glue points*: a lower-case letter directly followed by an
   upper-case one ("AssemblyThe"). The pieces between glue points are candidate
   phrases.
2. A candidate is a heading when it also occurs later in the text directly after
   a sentence end and directly before a capital ("….Freedom of AssemblyThe …").
   Headings must be found in table-of-contents order.
3. The body runs from the start of the introduction (the sentence run just
   before the first heading) to the footer (the first glued, sentence-less run
   after the last heading). Paragraph breaks are where a sentence end is glued
   to the next capital ("…protesters.Authorities…").

All offsets index the original text, so citations quote the capture as stored.
"""

from __future__ import annotations

import itertools
import re

from docket.ingest.boilerplate import load_boilerplate
from docket.models import Block, ReadResult

_GLUE = re.compile(
    r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[a-z][.!?])(?=[A-Z])|(?<=[a-z][)”\"’])(?=[A-Z])"
)
_SENT_GLUE = re.compile(r"(?<=[a-z0-9%][.!?])(?=[A-Z“\"])|(?<=[.!?][”\"’)])(?=[A-Z])")
_WORD_GLUE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")


def looks_flattened(text: str) -> bool:
    """True for text with very long lines full of glued words (a flattened page)."""
    if len(text) < 2000:
        return False
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest < 3000 or text.count("\n") > len(text) / 2000:
        return False
    return len(_WORD_GLUE.findall(text)) >= 10


def read_flattened(text: str, *, encoding: str | None = None) -> ReadResult | None:
    """Recover headings and paragraphs from a flattened capture; None if no TOC is found."""
    headings = _find_headings(text)
    if len(headings) < 2:
        return None
    body_start = _intro_start(text, headings[0][0])
    last_heading_end = headings[-1][1]
    body_end = _footer_start(text, last_heading_end)
    bp = load_boilerplate()
    blocks: list[Block] = []
    segments: list[tuple[int, int]] = []  # body text between headings
    cursor = body_start
    for start, end in headings:
        segments.append((cursor, start))
        blocks.append(Block("heading", start, end, level=1))
        cursor = end
    segments.append((cursor, body_end))
    paragraphs = [
        b
        for s, e in segments
        for b in _paragraphs(text, s, e)
        if not bp.is_furniture(text[b.start : b.end])
    ]
    blocks.extend(paragraphs)
    blocks.sort(key=lambda b: b.start)
    dropped = body_start + (len(text) - body_end)
    notes = (
        f"flattened web capture: {len(headings)} sections recovered from the page's table of contents; "
        f"{dropped} characters of menus and footer dropped",
    )
    return ReadResult(
        text=text, blocks=tuple(blocks), format="flattened-web", encoding=encoding, notes=notes
    )


def _pieces(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.start() for m in _GLUE.finditer(text)] + [len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _find_headings(text: str) -> list[tuple[int, int]]:
    """Body positions of the headings listed in the page's table of contents."""
    seen: set[str] = set()
    found: list[tuple[int, int]] = []
    cursor = 0
    for a, b in _pieces(text):
        phrase = text[a:b].strip()
        if phrase in seen or not _heading_shaped(phrase):
            continue
        seen.add(phrase)
        # The same phrase later in the body, after a sentence end, glued to a capital.
        pattern = re.compile(r"(?<=[.!?”\"’)])" + re.escape(phrase) + r"(?=[A-Z“\"])")
        m = pattern.search(text, max(cursor, b))
        if m:
            found.append((m.start(), m.end()))
            cursor = m.end()
    return found


def _heading_shaped(phrase: str) -> bool:
    if not (3 <= len(phrase) <= 80) or not phrase[0].isupper():
        return False
    if re.search(r"[.!?,;:]", phrase):
        return False
    words = phrase.split()
    return 1 <= len(words) <= 10


def _intro_start(text: str, first_heading: int) -> int:
    """Start of the introduction: after the last word glue before the first heading."""
    window = text[:first_heading]
    last = None
    for m in _WORD_GLUE.finditer(window):
        last = m.start()
    return last if last is not None else 0


def _footer_start(text: str, after: int) -> int:
    """The footer starts at the first sentence after ``after`` that contains a word glue."""
    sentence_starts = [after] + [m.start() for m in _SENT_GLUE.finditer(text, after)]
    for s in sentence_starts:
        nxt = _SENT_GLUE.search(text, s + 1)
        e = nxt.start() if nxt else len(text)
        if _WORD_GLUE.search(text, s, e) and s > after:
            return s
    return len(text)


def _paragraphs(text: str, start: int, end: int) -> list[Block]:
    """Paragraph blocks in ``text[start:end]``, split where a sentence end is glued to a capital."""
    cuts = [start] + [m.start() for m in _SENT_GLUE.finditer(text, start, end)] + [end]
    out = []
    for a, b in itertools.pairwise(cuts):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            out.append(Block("paragraph", a + lead, b - trail))
    return out

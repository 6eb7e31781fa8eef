"""Plain-text reader: headings and paragraphs from line layout.

Reports arrive as text in three layouts: one paragraph per line (State
Department), paragraphs separated by blank lines (Amnesty, HRW), and lines
hard-wrapped mid-sentence (text pulled out of PDFs). Lines are grouped into
paragraphs by blank lines and by wrap continuations; short title-like lines
become headings. Offsets always point into the text as stored.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from docket.ingest.boilerplate import load_boilerplate
from docket.models import Block, ReadResult

_MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
_SECTION = re.compile(r"^(section|chapter|part)\s+[\dIVXLC]+\.?$", re.I)
_SECTION_WITH_TITLE = re.compile(r"^(section|chapter|part)\s+[\dIVXLC]+\.?\s+\S", re.I)
_LETTER_ENUM = re.compile(r"^[a-zA-Z]\.\s+\S")
_QUESTION_ENUM = re.compile(r"^[A-G]\d{1,2}\.\s+\S")
_BULLET = re.compile(r"^[\u2022\u25cf\u25aa\u2023\u2043\u2219*\-–—]\s")
_TERMINAL = tuple('.!?;:,"”’)')
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "under",
        "with",
        "without",
        "against",
        "during",
        "between",
        "about",
    ]
)


_DANGLING = frozenset(
    [
        "that",
        "which",
        "who",
        "whose",
        "his",
        "her",
        "their",
        "its",
        "is",
        "was",
        "were",
        "are",
        "has",
        "had",
        "have",
        "be",
        "been",
        "not",
        "than",
    ]
)


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; form feeds become blank lines. Nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


def read_text(text: str, *, encoding: str | None = None) -> ReadResult:
    """Split already-decoded text into heading and paragraph blocks."""
    text = normalise_newlines(text).removeprefix("\ufeff")
    lines = _lines(text)
    groups = _group(lines)
    blocks = _classify(groups, text)
    return ReadResult(text=text, blocks=tuple(blocks), format="txt", encoding=encoding)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(_Line(start, start + len(stripped), stripped))
        else:
            out.append(_Line(pos, pos, ""))
        pos += len(raw) + 1
    return out


def _continues(prev: str, nxt: str, wrap_width: int | None, broken: bool = False) -> bool:
    """Whether ``nxt`` is a hard-wrapped continuation of ``prev``."""
    if prev.endswith("-") and not prev.endswith(" -"):
        return True
    if prev.endswith(_TERMINAL):
        return False
    if _BULLET.match(nxt) or _MD_HEADING.match(nxt) or _LETTER_ENUM.match(nxt):
        return False
    first = nxt[0]
    if first.islower() or first in "(,;–—\"“'‘":
        return True
    # No paragraph ends on "the", "of", "and"…: the sentence goes on below.
    last = prev.rsplit(None, 1)[-1].lower()
    if last in _STOPWORDS or last in _DANGLING:
        return True
    # A long line that stops mid-sentence goes on below (text extracted from PDFs breaks
    # lines anywhere, also before capitalised names); so does a full-width line in
    # hard-wrapped text.
    if broken and len(prev) >= 60 and not is_heading_text(nxt) and not is_heading_text(prev):
        return True
    return wrap_width is not None and len(prev) >= 0.7 * wrap_width


def _wrap_width(lines: list[_Line]) -> int | None:
    """The wrap width of hard-wrapped text (most lines about equally long), else None."""
    lengths = sorted(len(ln.text) for ln in lines if ln.text)
    if len(lengths) < 10:
        return None
    p90 = lengths[int(len(lengths) * 0.9)]
    if p90 > 130:
        return None
    full = sum(1 for n in lengths if n >= 0.7 * p90)
    return p90 if full >= 0.5 * len(lengths) else None


def _group(lines: list[_Line]) -> list[list[_Line]]:
    """Group lines into candidate blocks: blank lines split, wrapped lines join."""
    groups: list[list[_Line]] = []
    current: list[_Line] = []
    width = _wrap_width(lines)
    # Text pulled out of PDFs breaks lines mid-sentence; web and word-processor text does not.
    runs = [
        a.text
        for a, b in itertools.pairwise(lines)
        if len(a.text) >= 60 and b.text and b.text != a.text
    ]
    open_ends = sum(not t.endswith(_TERMINAL) for t in runs)
    broken = open_ends >= 5 and open_ends >= 0.25 * len(runs)
    for line in lines:
        if not line.text:
            if current:
                groups.append(current)
                current = []
            continue
        if current and _continues(current[-1].text, line.text, width, broken):
            current.append(line)
        else:
            if current:
                groups.append(current)
            current = [line]
    if current:
        groups.append(current)
    return groups


def is_heading_text(s: str) -> bool:
    """Title-like: short, no sentence punctuation at the end, mostly capitalised words."""
    if len(s) > 140 or _BULLET.match(s):
        return False
    if _LETTER_ENUM.match(s):
        s = s[2:].lstrip()
    if not (s[0].isupper() or s[0].isdigit()):
        return False
    if _SECTION.match(s) or _QUESTION_ENUM.match(s):
        return True
    if s.endswith(_TERMINAL):
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", s)
    if not words or len(s.split()) > 20:
        return False
    content = [w for w in words if w.lower() not in _STOPWORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    # Title case, or a short sentence-case heading ("Fear of forcible return").
    if "://" in s or "@" in s:
        return False
    return (
        capitalised / len(content) >= 0.5
        or len(content) <= 2
        or (len(s.split()) <= 6 and len(s) <= 60)
    )


def heading_level(s: str) -> int | None:
    """Level implied by a heading's own marker, or None for unmarked headings."""
    if _SECTION.match(s) or _SECTION_WITH_TITLE.match(s):
        return 1
    if _QUESTION_ENUM.match(s):
        return 3
    if _LETTER_ENUM.match(s):
        return 2
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return 1
    return None


def _classify(groups: list[list[_Line]], text: str) -> list[Block]:
    bp = load_boilerplate()
    blocks: list[Block] = []
    marked_level = 0
    md_levels = sorted(
        {len(m.group(1)) for g in groups for ln in g if (m := _MD_HEADING.match(ln.text))}
    )
    i = 0
    footer_from = len(text) // 2
    while i < len(groups):
        g = groups[i]
        first = g[0].text
        if g[0].start >= footer_from and bp.starts_footer(first):
            break
        joined = " ".join(ln.text for ln in g)
        if bp.is_furniture(joined) or (i > 0 and _same_as_previous(groups[i - 1], g)):
            i += 1
            continue
        md = _MD_HEADING.match(first) if len(g) == 1 else None
        if md:
            level = md_levels.index(len(md.group(1))) + 1
            start = g[0].start + first.index(md.group(2))
            blocks.append(Block("heading", start, g[0].end, level=level))
            i += 1
            continue
        # A heading needs something after it: a title-like last line is a paragraph.
        if len(g) == 1 and is_heading_text(first) and i + 1 < len(groups):
            end = g[0].end
            if _SECTION.match(first) and i + 1 < len(groups) and len(groups[i + 1]) == 1:
                title = groups[i + 1][0].text
                if is_heading_text(title):
                    end = groups[i + 1][0].end
                    i += 1
            marker = heading_level(first)
            if marker is not None:
                level = marker
                marked_level = marker
            else:
                level = min(marked_level + 1, 4) if marked_level else 1
            blocks.append(Block("heading", g[0].start, end, level=level))
            i += 1
            continue
        blocks.append(Block("paragraph", g[0].start, g[-1].end))
        i += 1
    return blocks


def _same_as_previous(prev: list[_Line], cur: list[_Line]) -> bool:
    """Web captures repeat titles and teasers verbatim on consecutive lines; keep one."""
    return len(prev) == len(cur) == 1 and prev[0].text == cur[0].text

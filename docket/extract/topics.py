"""Rights topics for every paragraph, from ``data/topics.json``.

A paragraph is about a topic when its section heading path names it (a paragraph under
"Freedom of Assembly") or its own text states it (a cue pattern matches). Headings decide
where reports have them; text decides where they don't.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from docket.models import Document


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy."""

    id: str
    label: str
    headings: re.Pattern[str]
    cues: tuple[
        tuple[str, re.Pattern[str]], ...
    ]  # (a literal every match contains, lowercased; pattern)

    @property
    def text(self) -> tuple[re.Pattern[str], ...]:
        """The text cue patterns (case-insensitive)."""
        return tuple(rx for _, rx in self.cues)


# The non-ASCII characters a case-insensitive regex matches to ASCII letters (found by trying every
# code point): folded before lowercasing, so that the literal test never rules out a real match.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"})


def required_literal(pattern: str) -> str:
    """A lowercase literal that every match of ``pattern`` (compiled case-insensitively) contains:
    its leading run of plain characters after ``\\b``, less a last character made optional by a
    quantifier; ``""`` when there is none or the pattern has a top-level alternative."""
    depth = 0
    escaped = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ""
    body = pattern[2:] if pattern.startswith("\\b") else pattern
    n = 0
    while n < len(body) and (body[n].isalnum() or body[n] in " '-"):
        n += 1
    literal = body[:n]
    if n < len(body) and body[n] in "?*{":
        literal = literal[:-1]
    return literal.lower() if literal.isascii() else ""


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Topic, ...]:
    """The packaged taxonomy, in its documented order."""
    raw = json.loads(resources.files("docket.data").joinpath("topics.json").read_text("utf-8"))
    return tuple(
        Topic(
            tid,
            t["label"],
            re.compile("|".join(t["headings"]), re.I),
            tuple((required_literal(x), re.compile(x, re.I)) for x in t["text"]),
        )
        for tid, t in raw["topics"].items()
    )


def paragraph_topics(doc: Document) -> dict[int, tuple[str, ...]]:
    """Topic ids per paragraph ordinal (paragraphs with no topic are left out)."""
    out: dict[int, tuple[str, ...]] = {}
    for p in doc.paragraphs:
        path = " / ".join(doc.sections[p.section].path) if p.section is not None else ""
        # A case-insensitive regex cannot use its literal prefix to skip ahead, so it tries every
        # position; a substring test on the lowercased text (fast) rules most cues out first.
        low = p.text.translate(_ASCII_FOLD).lower()
        found = [
            t.id
            for t in taxonomy()
            if (path and t.headings.search(path))
            or any(lit in low and rx.search(p.text) for lit, rx in t.cues)
        ]
        if found:
            out[p.ordinal] = tuple(found)
    return out

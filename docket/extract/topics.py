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
    text: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Topic, ...]:
    """The packaged taxonomy, in its documented order."""
    raw = json.loads(resources.files("docket.data").joinpath("topics.json").read_text("utf-8"))
    return tuple(
        Topic(tid, t["label"], re.compile("|".join(t["headings"]), re.I), tuple(re.compile(x, re.I) for x in t["text"]))
        for tid, t in raw["topics"].items()
    )


def paragraph_topics(doc: Document) -> dict[int, tuple[str, ...]]:
    """Topic ids per paragraph ordinal (paragraphs with no topic are left out)."""
    out: dict[int, tuple[str, ...]] = {}
    for p in doc.paragraphs:
        path = " / ".join(doc.sections[p.section].path) if p.section is not None else ""
        found = [t.id for t in taxonomy() if (path and t.headings.search(path)) or any(rx.search(p.text) for rx in t.text)]
        if found:
            out[p.ordinal] = tuple(found)
    return out

"""Recognising page furniture (menus, share buttons, footers) in web captures.

The phrases live in ``docket/data/boilerplate.json`` so they can be extended
without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate rules."""

    lines: frozenset[str]
    contains: tuple[str, ...]
    footer_starts: tuple[re.Pattern[str], ...]

    def is_furniture(self, text: str) -> bool:
        """True when ``text`` (a line or paragraph) is page furniture, not report content."""
        key = _key(text)
        if not key:
            return False
        if key in self.lines:
            return True
        return any(phrase in key for phrase in self.contains)

    def starts_footer(self, text: str) -> bool:
        """True when ``text`` is a line that opens the page footer."""
        line = " ".join(text.split())
        return any(p.search(line) for p in self.footer_starts)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=1)
def load_boilerplate() -> Boilerplate:
    """Load and compile the packaged boilerplate rules (cached)."""
    raw = json.loads(resources.files("docket.data").joinpath("boilerplate.json").read_text("utf-8"))
    return Boilerplate(
        lines=frozenset(_key(x) for x in raw["lines"]),
        contains=tuple(_key(x) for x in raw["contains"]),
        footer_starts=tuple(re.compile(p, re.I) for p in raw["footer_starts"]),
    )

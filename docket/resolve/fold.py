"""Transliteration folding: one key for the spellings of one name.

Script folding (Cyrillic, Kazakh letters, accents) is anyascii's; the romanisation
families (zh/j/dzh, kh/h, -yev/-ev, -bay/-bai, doubled consonants, …) are rules in
``data/translit.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

_ALIAS = re.compile(r"\(([^)]*)\)")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    raw = json.loads(resources.files("docket.data").joinpath("translit.json").read_text("utf-8"))
    return tuple((re.compile(a), b) for a, b in raw["rules"])


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """The romanisation-independent key of one name token ("Mukhammedkarim" -> "muhamedkarim")."""
    t = re.sub(r"[^a-z]", "", anyascii(token).lower())
    for rx, repl in _rules():
        t = rx.sub(repl, t)
    return t


@dataclass(frozen=True)
class NameParts:
    """A person name split for comparison: folded given names, folded surname, folded aliases."""

    given: tuple[str, ...]
    surname: str
    aliases: tuple[str, ...]

    @property
    def full(self) -> bool:
        """Whether the name has a given name as well as a surname."""
        return bool(self.given)


def name_parts(form: str) -> NameParts:
    """Split and fold a surface form ("Akylbek Muratbay (Muratov)")."""
    aliases = tuple(fold_token(a) for a in _ALIAS.findall(form) for a in a.split())
    words = [w for w in re.split(r"[\s-]+", _ALIAS.sub(" ", form)) if w]
    folded = [fold_token(w) for w in words]
    folded = [f for f in folded if f]
    if not folded:
        return NameParts((), "", aliases)
    return NameParts(tuple(folded[:-1]), folded[-1], aliases)


def misspelling_key(surname: str) -> str | None:
    """A key two spellings of one surname share when letters were swapped in typing
    ("Gurbati" / "Gurtabi"): the first two letters and the sorted letters. None for surnames under
    six letters, where such swaps make other real names. (Printed letters, not the folded key: a
    swap can break a digraph the folding reads.)"""
    s = re.sub(r"[^a-z]", "", anyascii(surname).lower())
    if len(s) < 6:
        return None
    return s[:2] + ":" + "".join(sorted(s))

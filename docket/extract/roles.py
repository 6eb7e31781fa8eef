"""A person's role words and side, read from the text around their mentions.

Role: the role phrase right before a name ("civil society activist Max Bokayev",
"Justice Minister Marat Beketayev") or the apposition right after it ("Mahkambet Abzhan,
head of the Astana-based NGO Shanyrak"). Side: ``state`` for officials acting for a
state, ``other`` for foreign or international officials, NGO figures and photo credits,
``target`` for people the report presents as subjected to a violation or state action
(anyone with an event statement), ``other`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache

from docket.extract.persons import cues
from docket.models import Event, Mention

_MODIFIER = r"(?:(?<![\w’'-])(?:[a-z][a-z’'-]+|[A-Z][a-z]+-based|[A-Z][\w’']+)\s+){0,3}"
# Words that end a role phrase on the left: verbs, numbers, function words ("court fined journalist X").
_NOT_MODIFIER = re.compile(
    r"^(?:\w+ed|\w+ing|found|sent|held|met|took|gave|told|interview|case|over|about|against|"
    r"the|a|an|and|of|in|on|by|with|to|for|from|that|who|which|court|police|authorities|"
    r"one|two|three|four|five|six|seven|several|other|fellow|including)$",
    re.I,
)
_OFFICE = re.compile(
    r"(?:(?:[A-Z]\w+\s+){0,2}(?:Minister|Ministry|Head|Director|Chair(?:man|person)?|President)\s+of\s+"
    r"(?:the\s+)?[A-Z]\w*(?:\s+(?:and\s+)?[A-Z]\w*)*)\s*,?\s*$"
)


_FACT_BOX = re.compile(
    r"\b(Head of (?:state and government|state|government))\s*:\s*"
    r"(?:(?:King|Queen|Emperor|Sultan|Prince|Amir|Emir|Sheikh|al-Shaikh|General|President)\s+)?$"
)


@lru_cache(maxsize=1)
def _role_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The role-phrase patterns, built once from the cue lists (a title, or modifiers + a role noun)."""
    roles = "|".join(sorted((re.escape(r) for r in cues().roles), key=len, reverse=True))
    titles = "|".join(re.escape(" ".join(t)) for t in cues().titles)
    # "…officers (A, B, C" : the role before an opening parenthesis covers the whole list
    tail = r"\s*(?:,|\((?:[^()]*,\s*)?)?\s*$"
    return (
        re.compile(rf"((?:{titles})|{_MODIFIER}(?:{roles})){tail}"),
        re.compile(rf"({_MODIFIER}(?:{roles})){tail}", re.I),
    )


def _role_span(text: str, m: Mention) -> tuple[str, int] | None:
    """The role phrase right before a mention, and where it starts."""
    base = max(0, m.start - 120)
    window = text[base : m.start]
    if hit := _FACT_BOX.search(
        window
    ):  # a book chapter's fact box: "Head of state: Nursultan Nazarbaev"
        return hit.group(1).lower(), base + hit.start(1)
    if hit := _OFFICE.search(window):
        return " ".join(hit.group(0).rstrip(" ,").split()), base + hit.start()
    exact, folded = _role_patterns()
    hit = exact.search(window) or folded.search(window)
    if not hit:
        return None
    words = hit.group(1).split()
    keep: list[str] = []
    for w in reversed(
        words
    ):  # the role noun, then its modifiers up to a verb, number or function word
        if keep and _NOT_MODIFIER.match(w):
            break
        keep.insert(0, w)
    phrase = " ".join(keep)
    return phrase, base + hit.start(1) + hit.group(1).rfind(keep[0]) if keep else base + hit.start(
        1
    )


def _role_before(text: str, m: Mention, span: tuple[str, int] | bool | None = False) -> str | None:
    span = _role_span(text, m) if span is False else span
    if not isinstance(span, tuple):
        return None
    phrase = span[0]
    # "activists A, B and C": each of them is an activist
    if phrase.endswith("s") and phrase.split()[-1][:-1].lower() in cues().roles:
        phrase = phrase[:-1]
    return phrase


def _role_after(text: str, m: Mention) -> str | None:
    hit = re.match(
        r",\s+((?:a|an|the|head|leader|founder|member|president|director|chair|former|deputy|editor)\b"
        r"[^,.;()]{3,80}?)\s*[,.;(]",
        text[m.end : m.end + 100],
        re.I,
    )
    if not hit or re.search(
        r"\b(said|says|was|were|is|are|has|had|have|also|spoke|told|would|will)\b", hit.group(1)
    ):
        return None
    return re.sub(r"^(a|an|the)\s+", "", " ".join(hit.group(1).split()), flags=re.I)


def mention_context(text: str, m: Mention) -> Mention:
    """``m`` with its role phrase and foreign-body flag read from ``text`` (done once, at extraction)."""
    span = _role_span(text, m)
    at = span[1] if span else m.start
    return replace(
        m,
        role=_role_before(text, m, span) or _role_after(text, m) or "",
        foreign=bool(_FOREIGN.search(text[max(0, at - 30) : m.start])),
    )


def role_of(texts: Mapping[str, str], mentions: Iterable[tuple[str, Mention]]) -> str | None:
    """The first role phrase found around any of the mentions; ``texts`` maps document key to its
    text (read only for mentions whose role was not stored at extraction)."""
    for key, m in mentions:
        role = (
            m.role
            if m.role is not None
            else (_role_before(texts[key], m) or _role_after(texts[key], m))
        )
        if role:
            return role
    return None


_FOREIGN = re.compile(
    r"\b(EU|European|UN|United Nations|OSCE|Council of Europe|United States|US|U\.S\.|Commission|"
    r"Special Rapporteur|High Commissioner|Department of State|Human Rights Watch|Amnesty|Executive "
    r"Director)\b|©"
)


@lru_cache(maxsize=1)
def _state_words() -> tuple[str, ...]:
    """The role words of state officials, lower-cased once (side_of runs for every person on every relinking)."""
    return tuple(w.lower() for w in cues().state_roles)


def side_of(
    texts: Mapping[str, str],
    mentions: Iterable[tuple[str, Mention]],
    events: list[Event],
    role: str | None,
) -> str:
    """``state``, ``target`` or ``other`` (see the module docstring)."""
    mentions = list(mentions)
    state_words = _state_words()
    first = next(((k, m) for k, m in mentions if " " in m.text), mentions[0] if mentions else None)
    if first is not None:
        key, m = first
        # the words just before the person's own role ("EU Commission President X", "the State Department's top official X")
        foreign = m.foreign if m.foreign is not None else mention_context(texts[key], m).foreign
        if foreign:
            return "other"
    # "President of the Confederation of Independent Trade Unions" leads a union, not a state.
    civil = (
        r"\b(former|ex-|opposition|Unions?|Confederation|Association|Party|Club|Foundation|Federation|Movement|"
        r"Cent(er|re)|Bureau|NGO|Church|Diaspora|Company|Bank)\b"
    )
    if role and any(w in role.lower() for w in state_words) and not re.search(civil, role, re.I):
        return "state"
    if events:
        return "target"
    return "other"

"""Time expressions resolved to calendar dates, keeping their precision.

"In May" in a report on 2024 is ``2024-05``; "On August 2" is ``2024-08-02``; "in
November 2023" is ``2023-11``; "that September" is in the year of the previous date; "last year" is the year before the period; "ten days
later" counts from the previous date found in the paragraph. A date is a string
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MON = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a": 1,
    "an": 1,
}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "between February and April", "In April and May 2017", "from March to June": the year only
    (
        "range",
        re.compile(
            r"\b(?:between\s+|from\s+)?"
            + _MON
            + r"\s+(?:and|to|-|–)\s+"
            + _MON
            + r"(?:,?\s+(\d{4}))?\b"
        ),
    ),
    ("mdy", re.compile(_MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")),
    # (also after a letter: PDF text loses the space in "on17 December")
    (
        "dmy",
        re.compile(
            r"(?:\b|(?<=[a-z]))(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+"
            + _MON
            + r"(?:,?\s+(\d{4}))?\b"
        ),
    ),
    (
        "my",
        re.compile(
            r"\b(?:(?:early|late|mid-?|end of|beginning of|in|since|by|from|until|during)\s+)?"
            + _MON
            + r"(?:\s+(\d{4}))?\b",
            re.I,
        ),
    ),
    ("y", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|of|[Bb]y|[Ff]rom)\s+(19[5-9]\d|20\d\d)\b")),
    (
        "rel_year",
        re.compile(r"\b(last year|this year|earlier this year|the previous year)\b", re.I),
    ),
    ("rel_days", re.compile(r"\b(\w+) (days|weeks|months) later\b", re.I)),
    (
        "rel_day",
        re.compile(r"\bthe (day before|previous day|next day|following day|day after)\b", re.I),
    ),
]


@dataclass(frozen=True)
class DateMention:
    """A resolved time expression at [start, end) of a sentence."""

    start: int
    end: int
    value: str


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_dates(text: str, period: int | None, previous: str | None = None) -> list[DateMention]:
    """Resolved time expressions in ``text`` (a sentence), in order, without overlaps."""
    found: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= f.start or a >= f.end for f in found)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _resolve(kind, m, period, previous)
            if value:
                found.append(DateMention(m.start(), m.end(), value))
    found.sort(key=lambda d: d.start)
    return found


def _resolve(kind: str, m: re.Match[str], period: int | None, previous: str | None) -> str | None:
    year = period
    if kind == "range":
        y = m.group(3)
        return y if y else (_fmt(period) if period else None)
    if kind == "mdy":
        month, day, y = MONTHS[m.group(1).lower()], int(m.group(2)), m.group(3)
        if y:
            year = int(y)
        return _fmt(year, month, day) if year and 1 <= day <= 31 else None
    if kind == "dmy":
        day, month, y = int(m.group(1)), MONTHS[m.group(2).lower()], m.group(3)
        if y:
            year = int(y)
        return _fmt(year, month, day) if year and 1 <= day <= 31 else None
    if kind == "my":
        word = m.group(1)
        if (
            word == "May"
            and not m.group(2)
            and not re.match(
                r"(?i)(early|late|mid|end|beginning|in|since|by|from|"
                r"until|during)",
                m.group(0),
            )
        ):
            return None  # the modal verb "may", capitalised at a sentence start
        if word[0].islower():
            return None
        y = m.group(2)
        if y:
            year = int(y)
        elif previous and re.search(r"\b[Tt]hat $", m.string[max(0, m.start() - 5) : m.start()]):
            year = int(previous[:4])  # "That September": the month of the year just spoken of
        if re.match(
            r"(?i)by\s", m.group(0)
        ):  # "by December": at some point before then, in that year
            return _fmt(year) if year else None
        return _fmt(year, MONTHS[word.lower()]) if year else None
    if kind == "y":
        return m.group(1)
    if kind == "rel_year" and period:
        return (
            _fmt(period - 1)
            if m.group(1).lower() in ("last year", "the previous year")
            else _fmt(period)
        )
    if kind == "rel_day" and previous and len(previous) == 10:
        step = -1 if m.group(1).lower() in ("day before", "previous day") else 1
        return (date.fromisoformat(previous) + timedelta(days=step)).isoformat()
    if kind == "rel_days" and previous and len(previous) == 10:
        n = NUMBER_WORDS.get(m.group(1).lower()) or (
            int(m.group(1)) if m.group(1).isdigit() else None
        )
        if n is None:
            return None
        unit = m.group(2).lower()
        if unit == "days":
            d = date.fromisoformat(previous) + timedelta(days=n)
            return d.isoformat()
        if unit == "weeks":
            return (date.fromisoformat(previous) + timedelta(weeks=n)).isoformat()
    return None

"""Whole annual-report books (one PDF, ~150 country chapters) split into one document per chapter.

A chapter starts at an all-capitals heading that names a country ("KAZAKHSTAN", "KOREA
(REPUBLIC OF)") and runs to the next one. Front matter and regional overviews before the first
chapter, and the parts after the last one ("PART FOUR", "APPENDIX", "INDEX"), are not chapters:
they are listed as skipped. The edition comes from the book itself ("Amnesty International
Report 2013" covers 2012), else from the file name. The fact box at the top of a chapter
("Head of state: … Head of government: … Death penalty: …") is parsed into attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docket.ingest.metadata import lookup_country
from docket.models import Block, ReadResult

MIN_CHAPTERS = 8
_END = re.compile(
    r"^(PART\b|APPENDI|INDEX\b|SELECTED\b|AMNESTY INTERNATIONAL (SECTIONS|STRUCTURES|OFFICES|NEAR)|"
    r"INTERNATIONAL HUMAN RIGHTS TREATIES|WHAT YOU CAN DO|FACTS AND FIGURES)"
)
_EDITION = re.compile(
    r"Amnesty International Report (\d{4})|Report (\d{4})\b|\b(\d{4}) (?:Annual )?Report\b", re.I
)
_FACT_KEYS = (
    "Head of state and government",
    "Head of state",
    "Head of government",
    "Death penalty",
    "Population",
    "Life expectancy",
    "Under-5 mortality",
    "Adult literacy",
    "International Criminal Court",
    "UN Women’s Convention and its Optional Protocol",
    "UN Women's Convention and its Optional Protocol",
    "Optional Protocol to UN Women’s Convention",
    "Optional Protocol to UN Women's Convention",
    "UN Women’s Convention",
    "UN Women's Convention",
)
_FACTS = re.compile(r"(" + "|".join(re.escape(k) for k in _FACT_KEYS) + r")\s*:\s*")


@dataclass(frozen=True)
class Chapter:
    """One country chapter of a book: its text and blocks (offsets from 0), pages and fact box."""

    country: str
    heading: str  # as printed
    first_page: int | None
    last_page: int | None
    result: ReadResult
    facts: dict[str, str] = field(
        default_factory=dict
    )  # "head of state" -> "Nursultan Nazarbaev", ...


@dataclass(frozen=True)
class Book:
    """A book split into chapters, with its edition and what was not a chapter."""

    edition: int | None  # the report's year ("Report 2013")
    chapters: list[Chapter]
    skipped: list[
        tuple[str, int | None, int | None]
    ]  # (heading or "front matter", first page, last page)

    @property
    def period(self) -> int | None:
        """The year the events cover: the edition's previous year."""
        return self.edition - 1 if self.edition else None


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def edition_of(result: ReadResult, file_name: str) -> int | None:
    """The edition year printed in the first pages, else one in the file name."""
    head = result.text[:20000]
    for m in _EDITION.finditer(head):
        year = int(next(g for g in m.groups() if g))
        if 1960 < year < 2100:
            return year
    found = re.search(r"(19|20)\d{2}", file_name)
    return int(found[0]) if found else None


def parse_fact_box(text: str) -> dict[str, str]:
    """Fact-box lines as ``{"head of state": "...", "death penalty": "abolitionist in practice", ...}``."""
    parts = _FACTS.split(text)
    out: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2]):
        value = " ".join(value.split()).strip(" ;,")
        if value:
            out[key.lower().replace("’", "'")] = value[:300]
    return out


def split_book(
    result: ReadResult, file_name: str = "", min_chapters: int = MIN_CHAPTERS
) -> Book | None:
    """Split a reader's result into country chapters; ``None`` when it is not a multi-country book."""
    starts: list[tuple[int, str, str]] = []  # (block index, country, heading)
    ends: list[int] = []
    seen: set[str] = set()
    for i, b in enumerate(result.blocks):
        if b.kind != "heading":
            continue
        text = " ".join(result.text[b.start : b.end].split())
        if not _is_caps(text):
            continue
        country = lookup_country(text)
        nxt = result.blocks[i + 1] if i + 1 < len(result.blocks) else None
        if (
            country is None and nxt is not None
        ):  # "KOREA" over "(DEMOCRATIC PEOPLE’S REPUBLIC OF)" in a smaller type
            more = " ".join(result.text[nxt.start : nxt.end].split())
            if more.startswith("(") and ")" in more[:60]:
                text = f"{text} {more[: more.index(')') + 1]}"
                country = lookup_country(text)
        if country and country not in seen:
            seen.add(country)
            starts.append((i, country, text))
        elif starts and _END.match(text):
            ends.append(i)
    if len(starts) < min_chapters:
        return None
    chapters: list[Chapter] = []
    skipped: list[tuple[str, int | None, int | None]] = []
    first = starts[0][0]
    if first > 0:
        skipped.append(("front matter", result.blocks[0].page, result.blocks[first - 1].page))
    for n, (i, country, heading) in enumerate(starts):
        following = starts[n + 1][0] if n + 1 < len(starts) else len(result.blocks)
        stop = min([e for e in ends if i < e < following] or [following])
        chapters.append(_chapter(result, result.blocks[i:stop], country, heading))
        if stop < following:
            label = " ".join(
                result.text[result.blocks[stop].start : result.blocks[stop].end].split()
            )
            skipped.append(
                (label[:80], result.blocks[stop].page, result.blocks[following - 1].page)
            )
    return Book(edition_of(result, file_name), chapters, skipped)


def _chapter(result: ReadResult, blocks: tuple[Block, ...], country: str, heading: str) -> Chapter:
    base = blocks[0].start
    text = result.text[base : blocks[-1].end]
    rebased = tuple(
        Block(
            b.kind,
            b.start - base,
            b.end - base,
            level=(1 if j == 0 else 2) if b.kind == "heading" else 0,
            page=b.page,
        )
        for j, b in enumerate(blocks)
    )
    box = next(
        (
            text[b.start : b.end]
            for b in rebased[1:4]
            if b.kind == "paragraph" and _FACTS.search(text[b.start : b.end])
        ),
        "",
    )
    pages = [b.page for b in blocks if b.page is not None]
    return Chapter(
        country,
        heading,
        min(pages) if pages else None,
        max(pages) if pages else None,
        ReadResult(
            text=text,
            blocks=rebased,
            format="pdf",
            title_hint=None,
            pages=(max(pages) - min(pages) + 1) if pages else None,
            notes=(f"chapter of a book: pages {min(pages)}–{max(pages)}" if pages else "chapter",),
        ),
        parse_fact_box(box[:1500]),
    )

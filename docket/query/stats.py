"""Statistics over the database: facts by topic × year × publisher, by event type and charge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docket.store.base import DocumentStore

if TYPE_CHECKING:
    from docket.query.cases import CaseFile


@dataclass(frozen=True)
class Stats:
    """Counts for analytics; keys are plain tuples so they serialise to any table."""

    topic_year_publisher: Counter[
        tuple[str, int | None, str | None]
    ]  # paragraphs per topic, year, publisher
    events_by_type: Counter[str]
    events_by_type_year: Counter[tuple[str, int | None]]
    charges: Counter[str]


def statistics(store: DocumentStore, country: str | None = None) -> Stats:
    """Count topics (per paragraph), event statements and charges across every stored document,
    or the documents about ``country`` (any of its names)."""
    from docket.ingest.metadata import same_country

    topics: Counter[tuple[str, int | None, str | None]] = Counter()
    types: Counter[str] = Counter()
    type_year: Counter[tuple[str, int | None]] = Counter()
    charges: Counter[str] = Counter()
    for d in store.list_documents():
        if country and not same_country(d.country, country):
            continue
        for ts in store.paragraph_topics(d.id).values():
            for t in ts:
                topics[(t, d.period, d.publisher)] += 1
        _, events = store.document_facts(d.id)
        for e in events:
            types[e.type] += 1
            type_year[(e.type, d.period)] += 1
            if e.charge and e.type in ("charged", "convicted"):
                charges[e.charge.casefold()] += 1
    return Stats(topics, types, type_year, charges)


def persons_by_status(cases: list[CaseFile]) -> Counter[str]:
    """Persons with at least one fact, counted by status category (imprisoned, released, detained, ...)."""
    return Counter(c.status_kind for c in cases if c.facts)

"""The review queue: the facts most worth a curator's check, first.

A fact earns its place by what a mistake in it would cost: it decides a person's status (a wrong
one puts a head of state on a prisoner list), extraction was unsure of it, or only one publisher
states it. Facts a curator has verified are not queued; rejected statements are already gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from docket.ingest.metadata import same_country
from docket.models import statement_key
from docket.query.cases import STATUS_MIN_CONFIDENCE, CaseFile, Fact, case_file
from docket.query.people import PersonRecord

# How much each reason weighs; a fact's priority is the sum of its reasons' weights.
WEIGHTS = {
    "decides the status": 3.0,
    "low confidence": 2.0,
    "unsure": 1.0,
    "single source": 1.0,
    "conflicting sources": 1.5,
}
UNSURE_BELOW = (
    0.8  # confidence bands below this were measurably less often right (bench/RESULTS.md)
)


@dataclass(frozen=True)
class QueueItem:
    """One fact to check, why, and how urgent (higher first)."""

    case: CaseFile
    fact: Fact
    reasons: tuple[str, ...]
    priority: float


def review_queue(
    records: list[PersonRecord],
    *,
    country: str | None = None,
    side: str | None = "target",
    limit: int | None = None,
) -> list[QueueItem]:
    """Unverified facts with at least one reason to check them, most urgent first (ties: the
    least sure first). ``country``: only persons named in reports on it; ``side``: only persons
    on that side (None: everyone)."""
    items: list[QueueItem] = []
    for p in records:
        if side is not None and p.side != side:
            continue
        if country and not any(same_country(d.country, country) for d in p.documents):
            continue
        case = case_file(p)
        conflicting = {
            statement_key(pair[1]) for x in case.conflicts for pair in (x.a, x.b) if pair
        }
        for f in case.facts:
            if f.verified:
                continue
            reasons = []
            if any(f is g for g in case.status_facts):
                reasons.append("decides the status")
            if f.confidence is not None and f.confidence < STATUS_MIN_CONFIDENCE:
                reasons.append("low confidence")
            elif f.confidence is not None and f.confidence < UNSURE_BELOW:
                reasons.append("unsure")
            if len(f.publishers) == 1:
                reasons.append("single source")
            if any(statement_key(e) in conflicting for _, e in f.statements):
                reasons.append("conflicting sources")
            # a sure fact that decides nothing waits, even from one publisher
            if not reasons or (
                reasons == ["single source"]
                and (f.confidence is None or f.confidence >= UNSURE_BELOW)
            ):
                continue
            items.append(QueueItem(case, f, tuple(reasons), sum(WEIGHTS[r] for r in reasons)))
    items.sort(
        key=lambda it: (
            -it.priority,
            it.fact.confidence if it.fact.confidence is not None else 1.0,
            it.case.person.cluster.id,
            it.fact.id,
        )
    )
    return items[:limit] if limit is not None else items

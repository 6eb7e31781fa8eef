"""The review queue on the seeds: what decides a status, what extraction was unsure of, what one
publisher alone states, first; verified facts leave it."""

from __future__ import annotations

from pathlib import Path

from docket.models import statement_key
from docket.query.cases import STATUS_MIN_CONFIDENCE
from docket.query.people import people
from docket.query.queue import review_queue
from docket.query.reviews import review
from docket.store import SQLiteStore


def test_the_queue_puts_status_deciding_and_unsure_facts_first(seeded: SQLiteStore) -> None:
    items = review_queue(people(seeded))
    assert items and all(it.reasons for it in items)
    assert [it.priority for it in items] == sorted((it.priority for it in items), reverse=True)
    for it in items:
        assert it.case.person.side == "target" and not it.fact.verified
        if "low confidence" in it.reasons:
            assert it.fact.confidence is not None and it.fact.confidence < STATUS_MIN_CONFIDENCE
        if "single source" in it.reasons:
            assert len(it.fact.publishers) == 1
        if "decides the status" in it.reasons:
            assert any(it.fact is f for f in it.case.status_facts)
    top = items[0]
    assert "decides the status" in top.reasons
    countries = {d.country for it in items for d in it.case.person.documents}
    some = sorted(c for c in countries if c)[0]
    assert all(
        any(d.country == some for d in it.case.person.documents)
        for it in review_queue(people(seeded), country=some)
    )


def test_a_verified_fact_leaves_the_queue(seeded_template: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copyfile(seeded_template, tmp_path / "q.db")
    store = SQLiteStore(tmp_path / "q.db")
    first = review_queue(people(store))[0]
    key = statement_key(first.fact.statements[0][1])
    review(store, key, "verify", who="t", why="checked against the report")
    assert all(it.fact.id != first.fact.id for it in review_queue(people(store)))
    store.close()

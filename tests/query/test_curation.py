"""Curation writes as every surface makes them: refused writes say why and leave the database as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docket.errors import DocketError
from docket.models import statement_key
from docket.query.curation import curate_names
from docket.query.people import people
from docket.query.reviews import review
from docket.store import SQLiteStore


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def db(seeded_template: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copyfile(seeded_template, tmp_path / "c.db")
    return tmp_path / "c.db"


def _surname_of_two(records) -> str:
    """A surname that two different persons of the database carry."""
    from collections import Counter

    counts = Counter(
        p.cluster.canonical.split()[-1] for p in records if len(p.cluster.canonical.split()) >= 2
    )
    return next(s for s, n in counts.items() if n >= 2)


def test_refused_writes_change_nothing(db: Path) -> None:
    store = SQLiteStore(db)
    records = people(store)
    before = _dump(db)
    ambiguous = _surname_of_two(records)
    some = next(p for p in records if len(p.cluster.canonical.split()) >= 2)
    statement = statement_key(next(e for p in records for _, e in p.events))
    refused = [
        lambda: curate_names(
            store, "merge", "Nobody Atall", some.cluster.canonical, who="t", records=records
        ),
        lambda: curate_names(
            store, "merge", ambiguous, some.cluster.canonical, who="t", records=records
        ),
        lambda: curate_names(
            store, "split", some.cluster.canonical, some.cluster.canonical, who="t", records=records
        ),
        lambda: curate_names(
            store, "join", some.cluster.canonical, some.cluster.canonical, who="t", records=records
        ),
        lambda: review(store, statement, "correct", who="t", field="date", value="", why="empty"),
        lambda: review(
            store, statement, "correct", who="t", field="date", value="2024-02", why=None
        ),
        lambda: review(
            store, statement, "correct", who="t", field="date", value="someday", why="bad"
        ),
        lambda: review(store, "nope:1:2:x:3", "verify", who="t"),
    ]
    for write in refused:
        with pytest.raises(DocketError) as info:
            write()
        assert info.value.message
    store.close()
    assert _dump(db) == before


def test_an_ambiguous_name_lists_the_candidates_with_their_ids(db: Path) -> None:
    store = SQLiteStore(db)
    records = people(store)
    surname = _surname_of_two(records)
    with pytest.raises(DocketError) as info:
        curate_names(store, "split", surname, records[0].cluster.id, who="t", records=records)
    carriers = [p for p in records if p.cluster.canonical.split()[-1] == surname]
    assert all(p.cluster.id in info.value.message for p in carriers)
    store.close()


def test_a_person_id_names_the_person_in_a_merge(db: Path) -> None:
    store = SQLiteStore(db)
    records = people(store)
    a, b = [p for p in records if len(p.cluster.canonical.split()) >= 2][:2]
    entry = curate_names(
        store, "split", a.cluster.id, b.cluster.id, who="t", why="test", records=records
    )
    assert (entry.name_a, entry.name_b) == (a.cluster.canonical, b.cluster.canonical)
    store.close()


def test_not_a_person_leaves_every_list_and_survives_reingest(tmp_path: Path) -> None:
    from docket.export import collect
    from docket.pipeline import ingest_paths
    from docket.query.curation import curate
    from tests.conftest import seed_files, seed_folder

    folder = seed_folder(tmp_path)
    store = SQLiteStore(tmp_path / "n.db")
    ingest_paths(store, [folder])
    victim = next(p for p in people(store) if len(p.documents) >= 2 and len(p.cluster.forms) >= 2)
    forms = set(victim.cluster.forms)
    with pytest.raises(DocketError):
        curate(store, "not_person", victim.cluster.id, who="t")  # a reason is needed
    entries = curate(
        store, "not_person", victim.cluster.id, who="t", why="a test: say it is an organisation"
    )
    from docket.resolve.curate import name_key_of

    assert {e.key_a for e in entries} == {
        name_key_of(f) for f in forms
    }  # one entry per spelling's key

    def listed() -> bool:
        return any(forms & set(p.cluster.forms) for p in people(store))

    assert not listed()
    assert not any(forms & set(c.person.cluster.forms) for c in collect(store).cases)
    changed = folder / seed_files()[0].name
    changed.write_text(changed.read_text() + "\n\nA correction was published.\n")
    assert ingest_paths(store, [folder]).counts()["replaced"] == 1
    assert not listed()
    undone = curate(store, "person", sorted(forms)[0], who="t", why="it was a person after all")
    assert listed() and {e.key_a for e in undone} == {e.key_a for e in entries}
    log = store.curation_log()  # append-only: the mark and its undoing both stay
    assert [e.action for e in log[-2 * len(entries) :]] == ["not_person"] * len(entries) + [
        "person"
    ] * len(entries)
    store.close()


def test_reject_a_claim_everywhere_at_once(db: Path) -> None:
    from docket.query.cases import case_file
    from docket.query.curation import reject_claim

    store = SQLiteStore(db)
    records = people(store)
    person, fact = next(
        (p, f) for p in records for f in case_file(p).facts if len(f.documents) >= 2
    )
    before = _dump(db)
    for bad in (
        lambda: reject_claim(store, person.cluster.id, fact.id, who="t", why=""),
        lambda: reject_claim(store, person.cluster.id, "fact-0000000000", who="t", why="x"),
    ):
        with pytest.raises(DocketError):
            bad()
    assert _dump(db) == before
    reviews = reject_claim(
        store,
        person.cluster.id,
        fact.id,
        who="t",
        why="the reports misread the verdict",
        records=records,
    )
    assert len(reviews) == len(fact.statements) + 1 and len({r.statement for r in reviews}) == len(
        reviews
    )
    assert reviews[-1].statement.startswith("claim:")  # the claim, for reports ingested later
    again = next(p for p in people(store) if p.cluster.id == person.cluster.id)
    assert fact.id not in {f.id for f in case_file(again).facts}
    assert {statement_key(e) for _, e in again.rejected} >= {r.statement for r in reviews[:-1]}
    store.close()


def test_wrong_person_moves_a_statement_and_an_unknown_target_is_refused(db: Path) -> None:
    store = SQLiteStore(db)
    records = people(store)
    source = next(p for p in records if p.events and len(p.cluster.canonical.split()) >= 2)
    target = next(p for p in records if p is not source and len(p.cluster.canonical.split()) >= 2)
    key = statement_key(source.events[0][1])
    before = _dump(db)
    for bad in ("Nobody Atall", source.cluster.id, ""):
        with pytest.raises(DocketError):
            review(store, key, "correct", who="t", field="person", value=bad, why="test")
    assert _dump(db) == before
    r = review(
        store,
        key,
        "correct",
        who="t",
        field="person",
        value=target.cluster.id,
        why="the report means her",
    )
    assert (r.before, r.after) == (source.cluster.id, target.cluster.id)
    after = {p.cluster.id: p for p in people(store)}
    assert key not in {statement_key(e) for _, e in after[source.cluster.id].events}
    assert key in {statement_key(e) for _, e in after[target.cluster.id].events}
    store.close()


def test_a_rejected_claim_stays_rejected_when_its_reports_are_corrected(tmp_path: Path) -> None:
    from docket.pipeline import ingest_paths
    from docket.query.cases import case_file
    from docket.query.curation import reject_claim
    from tests.conftest import seed_folder

    folder = seed_folder(tmp_path)
    store = SQLiteStore(tmp_path / "c.db")
    ingest_paths(store, [folder])
    person, fact = next(
        (p, f) for p in people(store) for f in case_file(p).facts if len(f.documents) >= 2
    )
    reject_claim(store, person.cluster.id, fact.id, who="t", why="misread in every report")
    for d in {
        d.file_name for d, _ in fact.statements
    }:  # every report stating it corrected and re-ingested
        path = folder / d
        path.write_text(path.read_text() + "\n\nThis report was corrected.\n")
    ingest_paths(store, [folder])
    again = next(p for p in people(store) if p.cluster.id == person.cluster.id)
    assert not [
        f
        for f in case_file(again).facts
        if f.type == fact.type and f.sanction == fact.sanction and f.date == fact.date
    ], "the rejected claim came back with the corrected reports"
    store.close()

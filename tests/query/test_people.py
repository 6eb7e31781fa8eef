"""People across the database: facts stored at ingest, linked across reports, explainable."""

from __future__ import annotations

from pathlib import Path

from docket.pipeline import IngestOptions, ingest_paths
from docket.query.people import find_person, people, store_resolution
from docket.resolve.fold import slug
from docket.store import SQLiteStore
from tests.conftest import seed_files


def test_facts_are_stored_with_their_document(seeded: SQLiteStore) -> None:
    counts = seeded.counts()
    assert counts["mentions"] > 100 and counts["events"] > 150
    for d in seeded.list_documents():
        doc = seeded.get_document(d.id)
        mentions, events = seeded.document_facts(d.id)
        for m in mentions:
            assert doc.text[m.start : m.end] == m.text
        for e in events:
            assert doc.text[e.start : e.end] == e.quote and e.person in mentions


def test_one_journalist_across_three_reports_and_three_spellings(seeded: SQLiteStore) -> None:
    [p] = find_person(seeded, "Mukhammedkarim")
    assert {"Duman Mukhamedkarim", "Duman Mukhammedkarim", "Duman Mukhammadkarim"} <= set(
        p.cluster.forms
    )
    assert len(p.documents) == 3
    assert {d.publisher for d, _ in p.events} >= {
        "Amnesty International",
        "US Department of State",
        "Human Rights Watch",
    }
    assert any(
        e.type == "sentenced"
        and e.sanction
        and e.sanction.kind == "imprisonment"
        and e.sanction.years == 7
        for _, e in p.events
    )
    assert all(link.levels for link in p.cluster.links)  # every link says why


def test_father_and_son_stay_apart(seeded: SQLiteStore) -> None:
    ids = {p.cluster.id for p in find_person(seeded, "Mataev")}
    assert len(ids) == 2


def test_replacing_a_document_replaces_its_facts(tmp_path) -> None:
    s = SQLiteStore(tmp_path / "r.db")
    f = tmp_path / "r.txt"
    f.write_bytes(seed_files()[0].read_bytes())
    ingest_paths(s, [f])
    before = s.counts()["events"]
    f.write_text(
        f.read_text() + "\n\nOn June 3, police detained activist Aigerim Tleuzhan in Almaty.\n"
    )
    ingest_paths(s, [f])
    after = s.counts()
    assert after["documents"] == 1 and after["events"] == before + 1
    assert s.integrity_check() == "ok"
    s.close()


def test_text_only_ingest(tmp_path) -> None:
    s = SQLiteStore(tmp_path / "t.db")
    ingest_paths(s, [seed_files()[0]], IngestOptions(extract=False))
    assert s.counts()["mentions"] == 0 and people(s) == []
    s.close()


def test_context_stored_at_extraction_gives_what_reading_the_text_gives(
    seeded: SQLiteStore, monkeypatch
) -> None:
    """Issue 8: roles and sides come from the mention context stored at ingest; a database from
    before that (context NULL) reads the text instead, with the same answer."""
    from dataclasses import replace

    import docket.query.people as people_module

    stored = [(p.cluster.id, p.role, p.side) for p in people(seeded)]
    assert sum(r is not None for _, r, _ in stored) >= 10 and {s for _, _, s in stored} >= {
        "state",
        "target",
    }
    mentions, _ = seeded.document_facts(seeded.list_documents()[0].id)
    assert all(m.role is not None and m.foreign is not None for m in mentions)
    real = seeded.document_facts

    def without_context(document_id: str):
        ms, evs = real(document_id)
        bare = {m: replace(m, role=None, foreign=None) for m in ms}
        return list(bare.values()), [replace(e, person=bare[e.person]) for e in evs]

    monkeypatch.setattr(seeded, "document_facts", without_context)
    monkeypatch.setattr(people_module, "_WITHIN", {})
    assert [(p.cluster.id, p.role, p.side) for p in people(seeded)] == stored


def test_incremental_linking_equals_linking_from_scratch(seeded_template, tmp_path) -> None:
    """Issue 8: after an ingest that only adds documents, the cache links just their names; the
    persons are the same as linking everything again."""
    import shutil

    from docket.query.people import PeopleCache

    db = tmp_path / "inc.db"
    store = SQLiteStore(db)
    ingest_paths(store, seed_files()[:2])
    cache = PeopleCache()
    cache.get(store)
    assert cache.last_added == 0
    ingest_paths(store, seed_files()[2:])
    incremental = cache.get(store)
    assert cache.last_added == 3  # three new reports, linked into what was there

    def summary(records):
        return [
            (
                p.cluster.id,
                sorted((d, m.start) for d, m in p.cluster.mentions),
                p.role,
                p.side,
                [(d.id, e.start, e.type) for d, e in p.events],
            )
            for p in records
        ]

    assert summary(incremental) == summary(people(store))
    full = shutil.copyfile(seeded_template, tmp_path / "full.db")
    reference = SQLiteStore(full)
    assert [x[0] for x in summary(incremental)] == [x[0] for x in summary(people(reference))]
    [p] = [
        p
        for p in incremental
        if "Mukhammedkarim" in p.cluster.forms or "Duman Mukhammedkarim" in p.cluster.forms
    ]
    assert len(p.documents) == 3  # linked across an old and two new reports
    reference.close()
    store.close()


def test_an_extension_rebuilds_only_the_persons_a_new_report_touches(tmp_path) -> None:
    """Issue 17: adding a report rebuilds the records of the persons it names (or whose ids it
    moves) and keeps every other record as it was; the result is what linking everything again
    gives, also after a review (which rebuilds) and a further report under that review."""
    from docket.models import statement_key
    from docket.query.people import PeopleCache
    from docket.query.reviews import review

    def same(a, b) -> None:
        def fields(p):
            return (
                p.cluster.id,
                p.cluster.mentions,
                p.events,
                p.documents,
                p.role,
                p.side,
                p.rejected,
                p.verified,
                p.aliases,
            )

        assert [fields(p) for p in a] == [fields(p) for p in b]

    store = SQLiteStore(tmp_path / "ext.db")
    files = seed_files()
    ingest_paths(store, files[:3])
    cache = PeopleCache()
    before = {p.cluster.id: p for p in cache.get(store)}
    ingest_paths(store, files[3:4])
    after = cache.get(store)
    named = {d.id for d in store.list_documents()} - {
        d.id for p in before.values() for d in p.documents
    }
    same(after, people(store))
    kept = [p for p in after if before.get(p.cluster.id) is p]
    touched = [p for p in after if any(d in named for d, _ in p.cluster.mentions)]
    assert kept and touched and cache.last_rebuilt < len(after)
    assert all(p not in kept for p in touched)  # every person the report names was rebuilt
    assert len(kept) + cache.last_rebuilt >= len(after)
    # a review rebuilds (its person's record changes) and stays applied through the next report
    target = next(p for p in after if p.events)
    review(store, statement_key(target.events[0][1]), "verify", who="ana")
    reviewed = cache.get(store)
    same(reviewed, people(store))
    assert any(statement_key(target.events[0][1]) in p.verified for p in reviewed)
    ingest_paths(store, files[4:])
    extended = cache.get(store)
    assert cache.last_added == 1 and 0 < cache.last_rebuilt < len(extended)
    same(extended, people(store))
    store.close()


def test_person_ids_stay_put_when_reports_are_added(tmp_path) -> None:
    """A person's id is the slug of the first full name it was seen under, and namesakes are
    numbered by who was seen first: a report added later changes no id already given, even when
    it makes another spelling the most frequent one or brings a namesake."""
    store = SQLiteStore(tmp_path / "ids.db")
    files = seed_files()
    ingest_paths(store, files[:3])
    before = {p.cluster.id: {(d, m.start) for d, m in p.cluster.mentions} for p in people(store)}
    ingest_paths(store, files[3:])
    after = {p.cluster.id: {(d, m.start) for d, m in p.cluster.mentions} for p in people(store)}
    moved = [pid for pid, mentions in before.items() if not mentions <= after.get(pid, set())]
    assert not moved, moved
    # Each id is the slug of its first full name, not of the most frequent spelling.
    for p in people(store):
        base = slug(p.cluster.anchor)
        assert p.cluster.id == base or (
            p.cluster.id.startswith(base + "-") and p.cluster.id[len(base) + 1 :].isdigit()
        )
    store.close()


def test_a_person_is_found_by_the_slug_of_any_full_spelling(seeded: SQLiteStore) -> None:
    from docket.query.people import PeopleCache

    cache = PeopleCache()
    [p] = [p for p in cache.get(seeded) if "Duman Mukhammedkarim" in p.cluster.forms]
    full = [f for f in p.cluster.forms if len(f.split()) >= 2]
    assert len(full) >= 2  # the journalist appears under several spellings
    for form in full:
        assert cache.by_id(seeded, slug(form)) is p
    assert cache.by_id(seeded, p.cluster.id) is p and cache.by_id(seeded, "nobody-at-all") is None


def test_the_cache_calls_its_refresh_hook_once_per_relinking(tmp_path) -> None:
    from docket.query.people import PeopleCache

    store = SQLiteStore(tmp_path / "hook.db")
    ingest_paths(store, seed_files()[:1])
    calls: list[int] = []
    cache = PeopleCache(
        on_refresh=lambda: calls.append(len(cache.get(store)))
    )  # re-entry sees no change
    first = cache.get(store)
    cache.get(store)
    cache.by_id(store, "nobody")
    assert calls == [len(first)]
    ingest_paths(store, seed_files()[1:2])
    cache.by_id(store, "nobody")
    assert len(calls) == 2 and calls[1] > calls[0]
    store.close()


def test_a_lookup_never_guesses(seeded: SQLiteStore) -> None:
    """Ids and full names find their person outright; a shared surname lists every carrier; a word
    inside a longer surname finds nobody by substring; spellings fold."""
    from docket.query.people import lookup_person
    from docket.resolve.fold import name_key

    records = people(seeded)
    for p in records:
        found = lookup_person(records, p.cluster.id)
        assert found.person is p and found.exact
        for form in p.cluster.forms:
            namesakes = [
                q for q in records if any(name_key(g) == name_key(form) for g in q.cluster.forms)
            ]
            if len(form.split()) >= 2 and namesakes == [p]:
                assert lookup_person(records, form).person is p, form
    found = lookup_person(records, "Mataev")
    assert found.ambiguous and len(found.matches) == 2
    longer = [p for p in records if len(p.cluster.canonical.split()[-1]) >= 9]
    assert longer
    for p in longer:
        assert p not in lookup_person(records, p.cluster.canonical.split()[-1][3:]).matches
    folded = [(p, f) for p in records for f in p.cluster.forms if "kh" in f and len(f.split()) >= 2]
    assert folded
    for p, form in folded:
        assert p in lookup_person(records, form.replace("kh", "h")).matches, form


def test_every_spelling_joined_across_reports_has_its_link(seeded: SQLiteStore) -> None:
    """explain's material: each spelling of a person is reached from another by a link saying why."""
    for p in people(seeded):
        forms = {f for f in p.cluster.forms}
        if len(forms) < 2:
            continue
        reached = {p.cluster.anchor} | {x for link in p.cluster.links for x in (link.a, link.b)}
        from docket.resolve.fold import name_key

        keys = {name_key(x) for x in reached}
        assert all(name_key(f) in keys for f in forms), (p.cluster.id, forms, p.cluster.links)
    [bokayev] = find_person(seeded, "Bokayev")
    assert any("across reports" in link.levels for link in bokayev.cluster.links)


def test_the_persons_are_stored_for_other_tools_and_kept_current(seeded_copy: Path) -> None:
    """`persons`, `person_spellings` and `person_links` hold what linking found (issue 17), for
    the database state they were computed from; a CLI write brings them up to date."""
    import json
    import sqlite3

    from typer.testing import CliRunner

    from docket.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["relink", "--db", str(seeded_copy)]).exit_code == 0

    def stored() -> tuple[str, dict, dict]:
        con = sqlite3.connect(seeded_copy)
        try:
            (state,) = con.execute("SELECT state FROM resolution").fetchone()
            persons = {
                r[0]: r[1:] for r in con.execute("SELECT id, name, side, documents FROM persons")
            }
            links = {}
            for pid, a, b, score, levels in con.execute(
                "SELECT person_id, a, b, score, levels FROM person_links"
            ):
                links.setdefault(pid, set()).add((a, b, score, tuple(json.loads(levels))))
            return state, persons, links
        finally:
            con.close()

    store = SQLiteStore(seeded_copy)
    state, persons, links = stored()
    records = people(store)
    assert state == store.state()
    assert persons == {
        p.cluster.id: (p.cluster.canonical, p.side, len(p.documents)) for p in records
    }
    assert links == {
        p.cluster.id: {(x.a, x.b, x.score, x.levels) for x in p.cluster.links}
        for p in records
        if p.cluster.links
    }
    two = [
        p for p in records if len(p.cluster.forms) == 1 and len(p.cluster.canonical.split()) >= 2
    ][:2]
    r = runner.invoke(
        app,
        ["merge", two[0].cluster.id, two[1].cluster.id, "--db", str(seeded_copy), "--why", "test"],
    )
    assert r.exit_code == 0, r.output
    after_state, after, _ = stored()
    assert after_state == store.state() != state
    assert (
        len(after) == len(persons) - 1
        and sum(pid in after for pid in (two[0].cluster.id, two[1].cluster.id)) == 1
    )
    store.close()


def test_a_curation_write_from_the_api_refreshes_the_stored_persons_too(seeded_copy: Path) -> None:
    """Every surface calls :func:`docket.query.curation.curate`, which brings the stored persons up to
    date after the write (the CLI did this on its own before; the API and the web did not)."""
    import sqlite3

    from fastapi.testclient import TestClient

    from docket.web import create_app
    from docket.web.settings import Settings

    store = SQLiteStore(seeded_copy)
    store_resolution(store)
    records = people(store)
    two = [
        p for p in records if len(p.cluster.forms) == 1 and len(p.cluster.canonical.split()) >= 2
    ][:2]
    store.close()
    with TestClient(create_app(Settings(db=str(seeded_copy), token="tok-123456"))) as client:
        r = client.post(
            "/api/v1/curation",
            json={
                "action": "merge",
                "name_a": two[0].cluster.id,
                "name_b": two[1].cluster.id,
                "why": "same person",
            },
            headers={"Authorization": "Bearer tok-123456"},
        )
        assert r.status_code == 201, r.text
    con = sqlite3.connect(seeded_copy)
    try:
        (state,) = con.execute("SELECT state FROM resolution").fetchone()
        ids = {r[0] for r in con.execute("SELECT id FROM persons")}
    finally:
        con.close()
    store = SQLiteStore(seeded_copy)
    assert state == store.state()
    assert sum(p.cluster.id in ids for p in two) == 1 and len(ids) == len(records) - 1
    store.close()

"""The PostgreSQL backend (issue 8): the same Store behaviour as SQLite, on a real server.

The server is started by the ``pg_server`` fixture (Debian's postgresql on loopback); every
test gets a fresh database. Results are compared with the SQLite store on the same reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import docket.store
from docket.errors import StoreError
from docket.models import SearchFilters
from docket.pipeline import ingest_paths
from docket.query.people import people
from docket.query.search import SearchTotal, find, search, search_total
from docket.store import SQLiteStore, open_store
from docket.store.postgres import PostgresStore
from tests.conftest import SEEDS, seed_files


@pytest.fixture
def pg(pg_url: str):
    store = open_store(pg_url)
    yield store
    store.close()


def test_open_store_selects_postgres_and_migrates_once(pg_url: str) -> None:
    first = open_store(pg_url)
    assert isinstance(first, PostgresStore) and first.counts()["documents"] == 0
    first.close()
    again = open_store(pg_url)
    migrations = len(list((Path(docket.store.__file__).parent / "migrations_pg").glob("*.sql")))
    assert again.conn.execute("SELECT count(*) FROM docket_schema").fetchone()[0] == migrations
    again.close()


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://nobody:secret@127.0.0.1:9/none")
    assert (
        "E200" in str(info.value)
        and "cannot connect" in str(info.value)
        and "secret" not in str(info.value)
    )


def test_seeds_store_the_same_facts_as_sqlite(pg: PostgresStore, seeded_template: Path) -> None:
    report = ingest_paths(pg, [SEEDS])
    assert [o.status for o in report.outcomes] == ["added"] * 5
    lite = SQLiteStore(seeded_template)
    assert pg.counts() == lite.counts()
    for d in lite.list_documents():
        assert pg.get_document(d.id) == lite.get_document(d.id)
        assert pg.document_facts(d.id) == lite.document_facts(d.id)
        assert pg.paragraph_topics(d.id) == lite.paragraph_topics(d.id)
        assert pg.paragraph_places(d.id) == lite.paragraph_places(d.id)
    assert [(p.cluster.id, p.role, p.side, len(p.events)) for p in people(pg)] == [
        (p.cluster.id, p.role, p.side, len(p.events)) for p in people(lite)
    ]
    assert pg.integrity_check() == "ok"
    again = ingest_paths(pg, [SEEDS])
    assert [o.status for o in again.outcomes] == ["unchanged"] * 5
    lite.close()


def test_search_finds_what_sqlite_finds(pg: PostgresStore, seeded_template: Path) -> None:
    ingest_paths(pg, [SEEDS])
    lite = SQLiteStore(seeded_template)
    cases = [
        ("journalist", SearchFilters()),
        ('"peaceful assembly"', SearchFilters()),
        ("detain*", SearchFilters()),
        ("court -appeal", SearchFilters()),
        ("Bokaev OR Bokayev", SearchFilters()),
        ("journalist", SearchFilters(publisher="human rights watch")),
        ("police", SearchFilters(year=2016)),
        ("court", SearchFilters(topic="refugees")),
        ("sentenced", SearchFilters(country="KAZAKHSTAN")),
        ("police", SearchFilters(section="Torture")),
    ]
    for q, f in cases:
        a = sorted(h.citation.paragraph_id for h in search(pg, q, f, limit=1000))
        b = sorted(h.citation.paragraph_id for h in search(lite, q, f, limit=1000))
        assert a == b, (q, f)
        assert (
            search_total(pg, q, f)
            == search_total(lite, q, f)
            == SearchTotal(len(a), len({pid.rsplit(":p", 1)[0] for pid in a}))
        ), (q, f)
    hits = search(pg, "Mukhammedkarim", limit=5)
    assert hits and all(h.snippet[x:y] == "Mukhammedkarim" for h in hits for x, y in h.highlights)
    assert all(h.highlights for h in hits)
    for q in ('"unbalanced', "a:b", "(x", "*", "'; DROP TABLE documents; --", "!& | <->", "ñ:*"):
        try:
            search(pg, q)
        except Exception as exc:
            assert "query" in str(exc)
    assert pg.counts()["documents"] == 5
    lite.close()


def test_search_pages_sort_range_fold_and_count_as_sqlite_does(
    pg: PostgresStore, seeded_template: Path, tmp_path: Path
) -> None:
    ingest_paths(pg, [SEEDS])
    source = sorted(SEEDS.glob("*.txt"))[-1]  # a reprint: its paragraphs are there twice
    (tmp_path / "reprint.txt").write_text(source.read_text("utf-8") + "\n\nA reprint.\n", "utf-8")
    ingest_paths(pg, [tmp_path])
    lite_path = tmp_path / "lite.db"
    lite_path.write_bytes(seeded_template.read_bytes())
    lite = SQLiteStore(lite_path)
    ingest_paths(lite, [tmp_path])
    years = sorted({d.period for d in lite.list_documents() if d.period})
    for q, f in [
        ("police", SearchFilters(year_from=years[1])),
        ("police", SearchFilters(year_to=years[-2], topic="torture")),
        ("journalist OR court", SearchFilters()),
    ]:
        for sort in ("newest", "oldest"):  # by date the order is defined: the same in both
            a = [h.citation.paragraph_id for h in search(pg, q, f, limit=1000, sort=sort)]
            b = [h.citation.paragraph_id for h in search(lite, q, f, limit=1000, sort=sort)]
            assert a == b and a, (q, f, sort)
        pa, pb = (find(s, q, f, limit=1000, facets=True) for s in (pg, lite))
        assert pa.total == pb.total and pa.facets == pb.facets, (q, f)
        fold = lambda page: {  # noqa: E731
            (h.citation.paragraph_id, tuple(c.paragraph_id for c in h.also)) for h in page.hits
        }
        assert len(pa.hits) == len(pb.hits) and fold(pa) == fold(pb), (q, f)
    assert any(h.also for h in find(pg, "journalist OR court", limit=1000).hits)
    lite.close()


def test_replace_curation_reviews_and_append_only_logs(pg: PostgresStore, tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text(
        "Report\n\nThe court sentenced Aidos Zhaksylykov, a blogger, on 3 May 2024.\n", "utf-8"
    )
    first = ingest_paths(pg, [f]).outcomes[0]
    f.write_text(
        "Report\n\nThe court acquitted Marzhan Tulegenova, a lawyer, on 4 May 2024.\n", "utf-8"
    )
    second = ingest_paths(pg, [f]).outcomes[0]
    assert second.status == "replaced" and second.replaced_id == first.document_id
    assert (
        pg.counts()["documents"] == 1 and not search(pg, "Zhaksylykov") and search(pg, "Tulegenova")
    )
    entry = pg.add_curation("split", "A B", "C D", "a b", "c d", "ana", "test")
    review = pg.add_review("x:1:2:sentenced:1", "verify", None, None, None, "ana", None)
    assert [e.id for e in pg.curation_log()] == [entry.id] and [r.id for r in pg.reviews()] == [
        review.id
    ]
    import psycopg

    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        pg.conn.execute("DELETE FROM curation")
    pg.set_curator("Alice", "$argon2id$fake")
    pg.set_curator("alice", "$argon2id$other")
    assert pg.curators() == ["alice"] and pg.curator_hash("ALICE") == "$argon2id$other"
    state = pg.state()
    ingest_paths(pg, [seed_files()[0]])
    assert pg.state() != state


def test_crash_halfway_leaves_nothing(pg: PostgresStore, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_paths(pg, [seed_files()[0]])
    before = pg.counts()
    real = pg._many

    def exploding(sql: str, rows: list) -> None:
        if "INSERT INTO paragraphs" in sql:
            raise pg._psycopg.OperationalError("connection lost (simulated)")
        real(sql, rows)

    monkeypatch.setattr(pg, "_many", exploding)
    with pytest.raises(StoreError, match="simulated"):
        ingest_paths(pg, [seed_files()[1]])
    monkeypatch.undo()
    assert pg.counts() == before and pg.integrity_check() == "ok"


def test_copy_a_sqlite_database_to_postgres_and_back(
    pg_url: str, seeded_template: Path, tmp_path: Path
) -> None:
    import shutil

    from typer.testing import CliRunner

    from docket.cli import app

    lite_path = tmp_path / "lite.db"
    shutil.copyfile(seeded_template, lite_path)
    lite = SQLiteStore(lite_path)
    lite.add_curation(
        "split",
        "Max Bokayev",
        "Talgat Ayan",
        "max bokayev",
        "talgat ayan",
        "ana",
        "brothers?",
        at="2026-01-02T03:04:05+00:00",
    )
    lite.add_review("k:1:2:sentenced:1", "verify", None, None, None, "ana", "checked")
    lite.set_curator("Ana", "$argon2id$v=19$fakehash")
    lite.close()
    r = CliRunner().invoke(app, ["copy", "--db", str(lite_path), "--to", pg_url])
    assert r.exit_code == 0, r.output
    assert (
        "copied 5 documents" in r.output and "1 curation" in r.output and "secret" not in r.output
    )
    pg, lite = open_store(pg_url), SQLiteStore(lite_path)
    assert pg.counts() == lite.counts()
    assert [(e.action, e.who, e.at, e.why) for e in pg.curation_log()] == [
        (e.action, e.who, e.at, e.why) for e in lite.curation_log()
    ]
    assert pg.curator_hash("ana") == "$argon2id$v=19$fakehash"
    assert [(p.cluster.id, len(p.events)) for p in people(pg)] == [
        (p.cluster.id, len(p.events)) for p in people(lite)
    ]
    pg.close()
    r = CliRunner().invoke(
        app, ["copy", "--db", str(lite_path), "--to", pg_url]
    )  # again: nothing twice
    assert "copied 0 documents (5 already there), 0 curation" in r.output
    back = tmp_path / "back.db"
    r = CliRunner().invoke(app, ["copy", "--db", pg_url, "--to", str(back)])
    assert r.exit_code == 0, r.output
    returned = SQLiteStore(back)
    assert returned.counts() == lite.counts() and returned.integrity_check() == "ok"
    for d in lite.list_documents():
        assert returned.get_document(d.id) == lite.get_document(d.id)
    returned.close()
    lite.close()

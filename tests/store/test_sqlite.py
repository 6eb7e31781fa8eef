"""The SQLite store through the pipeline: idempotent, replacing, atomic, consistent."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from docket.errors import StoreError
from docket.pipeline import ingest_paths
from docket.store import SQLiteStore, open_store
from tests.conftest import SEEDS, seed_files


def _snapshot(store: SQLiteStore) -> tuple:
    return (store.counts(), [d.id for d in store.list_documents()])


def test_ingest_seeds_and_reingest_is_a_no_op(store: SQLiteStore) -> None:
    report = ingest_paths(store, [SEEDS])
    assert report.counts() == {"added": 5, "replaced": 0, "unchanged": 0, "failed": 0}
    before = _snapshot(store)
    again = ingest_paths(store, [SEEDS])
    assert again.counts()["unchanged"] == 5
    assert _snapshot(store) == before
    assert store.integrity_check() == "ok"


def test_changed_file_replaces_its_previous_version(store: SQLiteStore, tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    shutil.copy(seed_files()[0], f)
    first = ingest_paths(store, [f]).outcomes[0]
    f.write_text(f.read_text() + "\n\nA paragraph added in a correction.\n")
    second = ingest_paths(store, [f]).outcomes[0]
    assert second.status == "replaced" and second.replaced_id == first.document_id
    assert [d.id for d in store.list_documents()] == [second.document_id]
    assert store.find_by_id(first.document_id) is None
    assert store.integrity_check() == "ok"


def test_bad_files_leave_the_database_unchanged(store: SQLiteStore, tmp_path: Path) -> None:
    ingest_paths(store, [seed_files()[0]])
    before = _snapshot(store)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.4 garbage")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (bad / "latin.txt").write_bytes(b"\xff\xfe\x00\xd8" * 10)
    report = ingest_paths(store, [bad])
    assert report.counts()["failed"] == 4
    for o in report.failed:
        assert Path(o.path).name in o.error and o.error_code
    assert _snapshot(store) == before
    assert store.integrity_check() == "ok"


def test_crash_halfway_through_a_file_leaves_nothing(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(store, [seed_files()[0]])
    before = _snapshot(store)
    real = store.conn

    class Exploding:
        """A connection that dies when paragraphs are written (after the document row)."""

        def __getattr__(self, name: str):
            return getattr(real, name)

        def executemany(self, sql: str, rows):
            if "INSERT INTO paragraphs" in sql:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            return real.executemany(sql, rows)

    monkeypatch.setattr(store, "conn", Exploding())
    with pytest.raises(StoreError) as info:  # the storage failed, not the file: the batch stops
        ingest_paths(store, [seed_files()[1], seed_files()[2]])
    monkeypatch.undo()
    assert (
        "simulated" in str(info.value)
        and store.path in str(info.value)
        and "rolled back" in str(info.value)
    )
    assert _snapshot(store) == before
    assert store.integrity_check() == "ok"
    # and re-running the batch completes it
    assert ingest_paths(store, [seed_files()[1], seed_files()[2]]).counts()["added"] == 2


def test_paragraph_offsets_survive_the_store(store: SQLiteStore) -> None:
    ingest_paths(store, [SEEDS])
    for summary in store.list_documents():
        doc = store.get_document(summary.id)
        assert doc is not None and doc.paragraphs
        for p in doc.paragraphs:
            assert doc.text[p.start : p.end] == p.text


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    s = open_store(tmp_path / "x.db")
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    s.close()
    s = open_store(tmp_path / "x.db")  # reopening does not re-run migrations
    assert s.counts()["documents"] == 0
    s.close()


def test_not_a_database(tmp_path: Path) -> None:
    from docket.errors import StoreError

    f = tmp_path / "notes.db"
    f.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="notes.db"):
        open_store(f)


def test_state_moves_with_every_commit_of_any_connection(tmp_path: Path) -> None:
    # state() is memoised on PRAGMA data_version: it must still move when this connection
    # writes (data_version does not) and when another connection does (it does), and stay put
    # otherwise, since every cached web page is keyed on it.
    path = tmp_path / "s.db"
    reader, writer = SQLiteStore(path), SQLiteStore(path)

    def generation() -> str:  # documents_state() read straight from the table
        with sqlite3.connect(path) as conn:
            return "{}:{}".format(
                *conn.execute("SELECT epoch, n FROM documents_generation").fetchone()
            )

    try:
        first = reader.state()
        assert reader.documents_state() == generation() == first.partition("|")[0]
        assert reader.state() == first
        ingest_paths(writer, [seed_files()[0]])  # another connection adds a document
        assert (
            reader.documents_state() == generation() != first.partition("|")[0]
        )  # before state() saw it
        second = reader.state()
        assert second != first and reader.state() == second == writer.state()
        writer.set_curator("alice", "$argon2id$fake")  # a commit, but no change a page shows
        assert reader.state() == second
        ingest_paths(reader, [seed_files()[1]])  # this connection writes
        assert reader.documents_state() == generation() == writer.documents_state()
        third = reader.state()
        assert third != second and writer.state() == third
        writer.add_curation("merge", "Ann Bee", "Anne Bee", "ann bee", "anne bee", "alice", None)
        fourth = reader.state()
        assert fourth not in (first, second, third)
        reader.add_review("s1", "verify", None, None, None, "alice", None)
        assert (
            reader.state() not in (first, second, third, fourth)
            and writer.state() == reader.state()
        )
        fourth = reader.state()
        writer.add_review("s1b", "verify", None, None, None, "alice", None)  # between two requests
        with (
            reader.steady()
        ):  # one web request: asked once, then that answer holds against other commits
            fifth = reader.state()
            assert fifth != fourth and fifth == writer.state()
            writer.add_review("s2", "verify", None, None, None, "alice", None)
            assert reader.state() == fifth and reader.documents_state() == fifth.partition("|")[0]
            reader.add_review(
                "s3", "verify", None, None, None, "alice", None
            )  # but not against its own
            sixth = reader.state()
            assert sixth not in (fifth, first) and sixth == writer.state()
        writer.add_review("s4", "verify", None, None, None, "alice", None)
        assert reader.state() != sixth  # after the request, asked again
    finally:
        reader.close()
        writer.close()


def test_confidence_is_stored_with_every_fact(tmp_path: Path) -> None:
    """Issue 16: the confidence of mentions and event statements survives the store."""
    from docket.pipeline import ingest_paths
    from tests.conftest import seed_files

    store = SQLiteStore(tmp_path / "c.db")
    ingest_paths(store, seed_files()[:1])
    doc_id = store.list_documents()[0].id
    mentions, events = store.document_facts(doc_id)
    assert mentions and events
    assert all(m.confidence is not None and 0 <= m.confidence <= 1 for m in mentions)
    assert all(e.confidence is not None and 0 < e.confidence <= 1 for e in events)
    assert len({e.confidence for e in events}) > 1  # graded, not one constant
    store.close()

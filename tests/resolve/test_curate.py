"""Curated merges and splits: applied on every resolution, surviving a full re-ingest, append-only."""

from __future__ import annotations

import sqlite3

import pytest

from docket.errors import DocketError
from docket.pipeline import ingest_paths
from docket.query.people import find_person
from docket.resolve.curate import record
from docket.store import SQLiteStore
from tests.conftest import seed_files, seed_folder


def _ids(store: SQLiteStore, name: str) -> set[str]:
    return {p.cluster.id for p in find_person(store, name)}


def _utambetov(store: SQLiteStore) -> set[str]:
    """The persons under either spelling of one activist's surname (a name lookup matches whole words)."""
    return _ids(store, "Utambetov") | _ids(store, "Utambekov")


def test_split_and_merge_survive_reingest(tmp_path) -> None:
    folder = seed_folder(tmp_path)
    store = SQLiteStore(tmp_path / "c.db")
    ingest_paths(store, [folder])
    assert len(_utambetov(store)) == 1  # linked automatically (one edit in a long surname)
    assert len(_ids(store, "Mataev")) == 2  # father and son apart

    record(
        store, "split", "Rinat Utambetov", "Rinat Utambekov", who="t", why="court records differ"
    )
    record(store, "merge", "Seitkazy Mataev", "Aset Mataev", who="t", why="test only")
    assert len(_utambetov(store)) == 2
    assert len(_ids(store, "Mataev")) == 1

    # a corrected report gets a new document id; the decisions still apply
    changed = folder / seed_files()[2].name
    changed.write_text(changed.read_text() + "\n\nA correction was published.\n")
    assert ingest_paths(store, [folder]).counts()["replaced"] == 1
    assert len(_utambetov(store)) == 2
    assert len(_ids(store, "Mataev")) == 1

    # the latest decision on a pair wins
    record(
        store, "merge", "Rinat Utambekov", "Rinat Utambetov", who="t", why="same person after all"
    )
    assert len(_utambetov(store)) == 1
    store.close()


def test_curation_log_is_append_only(tmp_path) -> None:
    store = SQLiteStore(tmp_path / "a.db")
    entry = record(store, "split", "Anna Example", "Anna Exampel", who="t")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM curation")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE curation SET who = 'x'")
    assert [e.id for e in store.curation_log()] == [entry.id]
    store.close()


def test_curation_needs_full_names(tmp_path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    with pytest.raises(DocketError, match="full name"):
        record(store, "merge", "Bokaev", "Max Bokayev")
    with pytest.raises(DocketError, match="always one person"):
        record(store, "split", "Maks Bokaev", "Max Bokayev")
    store.close()

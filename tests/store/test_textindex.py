"""The Tantivy search index beside the SQLite file (issue 8): the same hits as FTS5, kept in sync,
repaired after damage, and never the only copy of anything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.errors import QueryError
from docket.models import SearchFilters
from docket.pipeline import ingest_paths
from docket.query.search import parse_query, search
from docket.store import SQLiteStore
from docket.store.textindex import text_index_for

QUERIES = [
    ("journalist", SearchFilters()),
    ('"peaceful assembly"', SearchFilters()),
    ("detain*", SearchFilters()),
    ('"human rights def"*', SearchFilters()),
    ("Bokaev OR Bokayev OR Bokayev's", SearchFilters()),
    ("court -appeal", SearchFilters()),
    ("journalist", SearchFilters(publisher="Human Rights Watch")),
    ("police", SearchFilters(year=2016)),
    ("court", SearchFilters(topic="refugees")),
    ("sentenced", SearchFilters(country="KAZAKHSTAN")),
    ("Mukhammedkarim", SearchFilters(publisher="nobody publishes this")),
]


def _ids(store: SQLiteStore, q: str, f: SearchFilters) -> list[str]:
    return [h.citation.paragraph_id for h in search(store, q, f, limit=1000)]


@pytest.mark.parametrize(("q", "f"), QUERIES)
def test_tantivy_finds_the_paragraphs_fts5_finds(
    seeded: SQLiteStore, q: str, f: SearchFilters, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _ids(seeded, q, f)
    monkeypatch.setenv("DOCKET_SEARCH", "fts5")
    plain = _ids(seeded, q, f)
    assert sorted(fast) == sorted(plain)
    assert len(fast) == len(set(fast))
    if q in ("journalist", '"peaceful assembly"') and not f.publisher:
        assert fast  # the comparison is not vacuous


def test_hits_are_cited_and_highlighted(seeded: SQLiteStore) -> None:
    assert (Path(seeded.path + ".search") / "synced.json").exists() or search(seeded, "court")
    hits = search(seeded, "Mukhammedkarim", limit=5)
    assert hits and hits == sorted(hits, key=lambda h: h.rank)
    for h in hits:
        doc = seeded.get_document(h.citation.document_id)
        assert doc.text[h.citation.start : h.citation.end] == h.text
        assert [h.snippet[a:b] for a, b in h.highlights] == ["Mukhammedkarim"] * len(h.highlights)
        assert h.highlights and h.snippet.strip("…") in h.text


def test_accents_fold_as_in_fts5(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("Report\n\nThe court in Łódź heard the case of Zoë Déby on 3 May 2024.\n", "utf-8")
    store = SQLiteStore(tmp_path / "a.db")
    ingest_paths(store, [f])
    for q in ("Deby", "déby", "zoe", "lodz"):
        assert len(search(store, q)) == 1, q
    store.close()


def test_replaced_report_is_reindexed(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text(
        "Report\n\nThe court sentenced Aidos Zhaksylykov, a blogger, on 3 May 2024.\n", "utf-8"
    )
    store = SQLiteStore(tmp_path / "a.db")
    ingest_paths(store, [f])
    assert len(search(store, "Zhaksylykov")) == 1
    f.write_text(
        "Report\n\nThe court acquitted Marzhan Tulegenova, a lawyer, on 4 May 2024.\n", "utf-8"
    )
    ingest_paths(store, [f])
    assert search(store, "Zhaksylykov") == []
    assert len(search(store, "Tulegenova")) == 1
    store.close()


def test_damaged_or_stale_index_is_repaired(seeded: SQLiteStore) -> None:
    before = _ids(seeded, "journalist", SearchFilters())
    folder = Path(seeded.path + ".search")
    manifest = json.loads((folder / "synced.json").read_text())
    # a crash after the index commit but before the manifest: the manifest forgets two documents
    (folder / "synced.json").write_text(
        json.dumps({**manifest, "state": "stale", "documents": manifest["documents"][2:]})
    )
    text_index_for(seeded.path)._synced_state = None
    after = _ids(seeded, "journalist", SearchFilters())
    assert sorted(after) == sorted(before) and len(after) == len(
        set(after)
    )  # re-added, not duplicated


def test_a_copied_database_gets_its_own_index(seeded: SQLiteStore, tmp_path: Path) -> None:
    search(seeded, "court")
    copy = tmp_path / "copy.db"
    shutil.copyfile(seeded.path, copy)
    other = SQLiteStore(copy)
    assert sorted(_ids(other, "journalist", SearchFilters())) == sorted(
        _ids(seeded, "journalist", SearchFilters())
    )
    assert (tmp_path / "copy.db.search" / "synced.json").exists()
    other.close()


def test_garbage_in_the_index_folder_is_rebuilt(tmp_path: Path, seeded_template: Path) -> None:
    db = tmp_path / "g.db"
    shutil.copyfile(seeded_template, db)
    folder = tmp_path / "g.db.search"
    folder.mkdir()
    (folder / "meta.json").write_text("{ not json")
    (folder / "synced.json").write_text(json.dumps({"schema": 1, "state": None, "documents": []}))
    store = SQLiteStore(db)
    assert search(store, "journalist")
    store.close()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_is_a_safe_tantivy_query(seeded_template: Path, q: str) -> None:
    try:
        parsed = parse_query(q)
    except QueryError:
        return
    index = text_index_for(str(seeded_template))
    index.search(parsed, SearchFilters(), None, limit=5, offset=0)

"""Cited full-text search over the seeds; hostile query syntax never crashes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.errors import QueryError
from docket.models import SearchFilters
from docket.query.search import parse_query, search
from docket.store import SQLiteStore
from docket.store.sqlite import fts5_expression


def to_fts_query(query: str) -> str:
    """What the SQLite backend sends to FTS5 for a user query (parsed once, rendered there)."""
    return fts5_expression(parse_query(query))


@pytest.mark.parametrize("term", ["Mukhammedkarim", "Azattyq"])
def test_cited_hits(seeded: SQLiteStore, term: str) -> None:
    hits = search(seeded, term)
    assert hits
    for h in hits:
        c = h.citation
        assert (
            c.publisher and c.title and c.period and c.paragraph_id.startswith(c.document_id + ":p")
        )
        doc = seeded.get_document(c.document_id)
        assert doc.text[c.start : c.end] == h.text
        assert term.lower() in h.text.lower()
        assert any(h.snippet[a:b].lower() == term.lower() for a, b in h.highlights)


def test_filters(seeded: SQLiteStore) -> None:
    all_hits = search(seeded, "journalist", limit=100)
    hrw = search(seeded, "journalist", SearchFilters(publisher="Human Rights Watch"), limit=100)
    assert hrw and len(hrw) < len(all_hits)
    assert {h.citation.publisher for h in hrw} == {"Human Rights Watch"}
    y2016 = search(seeded, "journalist", SearchFilters(year=2016), limit=100)
    assert y2016 and {h.citation.period for h in y2016} == {2016}
    torture = search(seeded, "police", SearchFilters(section="Torture"), limit=100)
    assert torture and all("Torture" in (h.citation.section or "") for h in torture)


def test_ranking_prefers_dense_matches(seeded: SQLiteStore) -> None:
    hits = search(seeded, "Mukhammedkarim", limit=5)
    assert hits[0].text.count("Mukhammedkarim") >= hits[-1].text.count("Mukhammedkarim")


def test_query_language() -> None:
    assert to_fts_query("free speech") == '"free" AND "speech"'
    assert to_fts_query('"peaceful assembly" -police') == '"peaceful assembly" NOT "police"'
    assert to_fts_query("detain*") == '"detain"*'
    assert to_fts_query("Bokaev OR Bokayev") == '("Bokaev" OR "Bokayev")'
    with pytest.raises(QueryError):
        to_fts_query('-- ( ) : "')


@pytest.mark.parametrize(
    "q", ['"unbalanced', "a:b", "(x", "NEAR(", "*", "-", "^start", "AND OR NOT", "'; DROP TABLE x"]
)
def test_syntax_characters_never_crash(seeded: SQLiteStore, q: str) -> None:
    try:
        search(seeded, q)
    except QueryError as exc:
        assert "query" in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_is_a_safe_query(q: str) -> None:
    try:
        expr = to_fts_query(q)
    except QueryError:
        return
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    conn.execute("INSERT INTO t VALUES ('some text')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", (expr,)).fetchall()


def test_topic_filter(seeded: SQLiteStore) -> None:
    hits = search(seeded, "court", SearchFilters(topic="refugees"), limit=50)
    assert hits and all("refugees" in h.topics for h in hits)
    assert len(hits) < len(search(seeded, "court", limit=50))
    with pytest.raises(QueryError, match="unknown topic"):
        search(seeded, "court", SearchFilters(topic="nonsense"))


def test_a_name_finds_the_persons_linked_spellings(seeded: SQLiteStore) -> None:
    """Searching one spelling of a person finds the passages that print another (issue 19)."""
    from docket.query.people import people
    from docket.query.search import expand_names

    records = people(seeded)
    checked = 0
    for p in records:
        full = [f for f in p.cluster.forms if len(f.split()) >= 2]
        if len(full) < 2:
            continue
        typed, other = full[0], full[1]
        widened = expand_names(records, typed)
        assert other in widened.spellings and p.cluster.id in widened.persons, (typed, widened)
        texts = [h.snippet for h in search(seeded, widened.query, limit=200)]
        assert len(texts) >= len(search(seeded, f'"{typed}"', limit=200))
        checked += 1
    assert checked >= 2


def test_widening_never_adds_a_lone_given_name_or_rewrites_operators(seeded: SQLiteStore) -> None:
    from docket.query.people import people
    from docket.query.search import expand_names, may_be_name

    records = people(seeded)
    for p in records:
        surname = p.cluster.canonical.split()[-1]
        given = {f.split()[0] for f in p.cluster.forms if len(f.split()) >= 2}
        widened = expand_names(records, surname)
        assert not set(widened.spellings) & given, (surname, widened.spellings)
    assert expand_names(records, "Mukhammedkarim OR police").spellings == ()
    assert expand_names(records, "-Mukhammedkarim").spellings == ()
    assert not may_be_name("torture") and may_be_name("Мухаммедкарим")


def test_a_cyrillic_name_finds_the_latin_passages(seeded: SQLiteStore) -> None:
    from docket.query.people import people
    from docket.query.search import expand_names

    assert search(seeded, "Мухаммедкарим") == []
    widened = expand_names(people(seeded), "Мухаммедкарим")
    hits = search(seeded, widened.query)
    assert hits and all("Mukh" in h.snippet for h in hits)


@pytest.mark.parametrize("engine", ["tantivy", "fts5"])
def test_totals_count_every_hit_and_its_documents(seeded_copy, engine: str, monkeypatch) -> None:
    from docket.query.search import search_total

    if engine == "fts5":
        monkeypatch.setenv("DOCKET_SEARCH", "fts5")
    store = SQLiteStore(seeded_copy)
    for q, filters in (
        ("police", SearchFilters()),
        ("court OR prison", SearchFilters(year=2016)),
        ("torture -police", SearchFilters()),
        ("zzzznothing", SearchFilters()),
    ):
        hits = search(store, q, filters, limit=1000)
        total = search_total(store, q, filters)
        assert (total.paragraphs, total.documents) == (
            len(hits),
            len({h.citation.document_id for h in hits}),
        ), q
    store.close()

"""Cited full-text search over the seeds; hostile query syntax never crashes."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.errors import QueryError
from docket.models import Citation, SearchFilters, SearchHit
from docket.query.search import find, parse_query, search, search_total
from docket.store import SQLiteStore
from docket.store.sqlite import fts5_expression
from tests.conftest import SEEDS, copy_of


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


# -- one page of results as every surface shows it: sort, year range, folded duplicates, facets ---

BACKENDS = ["tantivy", "fts5"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs on the Tantivy index and on SQLite's FTS5 (the fallback)."""
    if request.param == "fts5":
        monkeypatch.setenv("DOCKET_SEARCH", "fts5")
    return str(request.param)


@pytest.fixture(scope="module")
def reprinted(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """The seeds, and one of them again as a reprint with one paragraph added: most of its
    paragraphs are in the database twice."""
    from docket.pipeline import ingest_paths

    path = copy_of(seeded_template, tmp_path_factory)
    folder = tmp_path_factory.mktemp("reprint")
    source = sorted(SEEDS.glob("*.txt"))[-1]
    (folder / "reprint.txt").write_text(
        source.read_text("utf-8") + "\n\nThis reprint adds one paragraph of its own.\n", "utf-8"
    )
    store = SQLiteStore(path)
    report = ingest_paths(store, [folder])
    assert [o.status for o in report.outcomes] == ["added"]
    yield store
    store.close()


def _quote(store: SQLiteStore, c: Citation) -> str:
    return store.get_document(c.document_id).text[c.start : c.end]


def _common_word(store: SQLiteStore) -> str:
    """A word of the reprint's first paragraph that the seeds share (read from the data, so the
    test does not depend on the wording of one report)."""
    doc = max(store.list_documents(), key=lambda d: d.ingested_at)
    text = store.get_document(doc.id).text
    for word in sorted(set(re.findall(r"[A-Za-z]{6,}", text)), key=text.index):
        if len(search(store, word, limit=1000)) >= 15:
            return word
    raise AssertionError("no shared word")


@pytest.mark.usefixtures("backend")
def test_duplicates_fold_into_the_first_hit_across_pages(reprinted: SQLiteStore) -> None:
    q = _common_word(reprinted)
    every = search(reprinted, q, limit=1000)
    by_text: dict[str, set[str]] = {}
    for h in every:
        by_text.setdefault(h.text, set()).add(h.citation.paragraph_id)
    assert len(by_text) < len(every)  # the reprint repeats matching passages: not vacuous
    shown: list[SearchHit] = []
    offset = 0
    while True:
        page = find(reprinted, q, limit=7, offset=offset)
        assert page.total.paragraphs == len(every)
        shown += page.hits
        if not page.more:
            break
        assert len(page.hits) == 7
        offset += 7
    texts = [h.text for h in shown]
    assert len(texts) == len(set(texts))  # no passage twice, on one page or across pages
    assert set(texts) == set(by_text)  # and none lost
    for h in shown:
        assert {h.citation.paragraph_id, *(c.paragraph_id for c in h.also)} == by_text[h.text]
        assert all(_quote(reprinted, c) == h.text for c in h.also)
    assert find(reprinted, q, limit=1000, fold=False).hits == tuple(every)
    past = find(reprinted, q, limit=7, offset=len(shown))
    assert not past.hits and not past.more and past.total.paragraphs == len(every)


@pytest.mark.usefixtures("backend")
def test_folded_copies_obey_the_filters(reprinted: SQLiteStore) -> None:
    q = _common_word(reprinted)
    reprint = max(reprinted.list_documents(), key=lambda d: d.ingested_at)
    years = {d.period for d in reprinted.list_documents() if d.period}
    for year in years:
        for h in find(reprinted, q, SearchFilters(year=year), limit=100).hits:
            assert all(c.period == year for c in h.also)
    others = [d for d in reprinted.list_documents() if d.publisher != reprint.publisher]
    if others:  # a publisher filter keeps only that publisher's copies
        one = SearchFilters(publisher=others[0].publisher)
        assert all(
            c.publisher == others[0].publisher
            for h in find(reprinted, q, one, limit=100).hits
            for c in h.also
        )


@pytest.mark.usefixtures("backend")
def test_year_range_and_sort_by_date(seeded: SQLiteStore) -> None:
    years = sorted({d.period for d in seeded.list_documents() if d.period})
    assert len(years) >= 3
    lo, hi = years[0], years[-2]
    q = "police"
    ranged = {
        h.citation.paragraph_id
        for h in search(seeded, q, SearchFilters(year_from=lo, year_to=hi), limit=1000)
    }
    union = {
        h.citation.paragraph_id
        for y in years
        if lo <= y <= hi
        for h in search(seeded, q, SearchFilters(year=y), limit=1000)
    }
    assert ranged == union and ranged
    after = search(seeded, q, SearchFilters(year_from=hi), limit=1000)
    assert after and all(h.citation.period >= hi for h in after)
    before = search(seeded, q, SearchFilters(year_to=lo), limit=1000)
    assert before and all(h.citation.period <= lo for h in before)
    relevance = search(seeded, q, limit=1000)
    newest = search(seeded, q, limit=1000, sort="newest")
    oldest = search(seeded, q, limit=1000, sort="oldest")
    assert sorted(h.citation.paragraph_id for h in newest) == sorted(
        h.citation.paragraph_id for h in relevance
    )
    periods = [h.citation.period for h in newest]
    assert periods == sorted(periods, reverse=True) and periods[0] > periods[-1]
    assert [h.citation.period for h in oldest] == sorted(periods)
    # paged by date, the pages join up to the whole list
    paged = [
        h
        for o in range(0, len(newest), 6)
        for h in search(seeded, q, limit=6, offset=o, sort="newest")
    ]
    assert paged == newest
    with pytest.raises(QueryError, match="empty"):
        find(seeded, q, SearchFilters(year_from=hi, year_to=lo))
    with pytest.raises(QueryError, match="sort"):
        find(seeded, q, sort="alphabetical")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "filters", [SearchFilters(), SearchFilters(year=2016), SearchFilters(topic="torture")]
)
@pytest.mark.usefixtures("backend")
def test_facet_counts_are_what_choosing_the_value_keeps(
    seeded: SQLiteStore, filters: SearchFilters
) -> None:
    q = "journalist OR police"
    page = find(seeded, q, filters, facets=True)
    assert page.facets is not None and set(page.facets) == {"publisher", "country", "year", "topic"}
    checked = 0
    for name, values in page.facets.items():
        assert values
        for v in values:
            value: object = int(v.value) if name == "year" else v.value
            chosen = replace(filters, **{name: value})
            if name == "year":
                chosen = replace(chosen, year_from=None, year_to=None)
            assert v.paragraphs == search_total(seeded, q, chosen).paragraphs, (name, v)
            checked += v.paragraphs > 0
    assert checked >= 5

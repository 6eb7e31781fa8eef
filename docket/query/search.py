"""Full-text search: user queries parsed into a safe structure, run by the store's search engine.

The query language is small and forgiving: words are ANDed; ``"a phrase"``
matches a phrase; ``word*`` matches a prefix; ``-word`` excludes; ``OR``
between terms means either. Every other character that FTS5 treats as syntax
(``:``, ``(``, ``)``, ``^``, ``+``, unbalanced quotes) is taken literally or
dropped, so no query can crash the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from docket.errors import QueryError
from docket.models import (
    SEARCH_SORTS,
    DocumentSummary,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchSort,
    SearchTerm,
)
from docket.store.base import SearchStore, Store

if TYPE_CHECKING:
    from docket.query.people import PersonRecord

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def parse_query(query: str) -> SearchQuery:
    """Parse a user query (see the module docstring); raise :class:`QueryError` if nothing is left."""
    if query.count('"') % 2:  # an unbalanced quote is a typo, not a phrase
        query = query.replace('"', " ")
    groups: list[list[SearchTerm]] = []
    excluded: list[SearchTerm] = []
    pending_or = False
    for m in _TOKEN.finditer(query):
        phrase, word = m.group(1), m.group(2)
        if word == "OR" and groups:
            pending_or = True
            continue
        negate = prefix = False
        if phrase is not None:
            words = _WORD.findall(phrase)
        else:
            negate = word.startswith("-") and len(word) > 1
            prefix = word.endswith("*")
            words = _WORD.findall(word)
        if not words:
            continue
        term = SearchTerm(tuple(words), prefix)
        if negate:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if not groups:
        raise QueryError(
            f"the query {query!r} has no words to search for",
            hint='type some words; use "quotes" for a phrase and -word to exclude',
        )
    return SearchQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def search(
    store: SearchStore,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 10,
    offset: int = 0,
    sort: SearchSort = "relevance",
) -> list[SearchHit]:
    """Ranked paragraphs (BM25, or by date) for ``query`` with snippets and citations, every
    paragraph on its own (:func:`find` folds duplicates and says what it found)."""
    _check_page(limit, offset, sort)
    return store.search(
        parse_query(query), _checked(filters), limit=limit, offset=offset, sort=sort
    )


def _check_page(limit: int, offset: int, sort: str) -> None:
    if limit < 1 or limit > 1000:
        raise QueryError(f"limit must be between 1 and 1000, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must not be negative, got {offset}")
    if sort not in SEARCH_SORTS:
        raise QueryError(f"unknown sort {sort!r}", hint="one of " + ", ".join(SEARCH_SORTS))


@dataclass(frozen=True)
class SearchTotal:
    """How much a query finds: matching paragraphs, and the documents they are in."""

    paragraphs: int
    documents: int


def search_total(
    store: SearchStore, query: str, filters: SearchFilters | None = None
) -> SearchTotal:
    """How many paragraphs ``query`` matches under ``filters``, and in how many documents."""
    return SearchTotal(*store.search_count(parse_query(query), _checked(filters)))


@dataclass(frozen=True)
class FacetValue:
    """One value of a filter, and how many matching paragraphs choosing it would keep."""

    value: str  # what the filter takes
    label: str
    paragraphs: int


@dataclass(frozen=True)
class SearchPage:
    """One page of search results, with what was searched and how much was found."""

    query: str  # as typed
    searched: str  # as run: widened to linked spellings unless ``exact``
    spellings: tuple[str, ...]  # spellings added to what was typed
    persons: tuple[str, ...]  # ids of the persons whose spellings were added
    sort: SearchSort
    offset: int  # hits (after folding duplicates) before this page
    limit: int
    total: SearchTotal  # matching paragraphs (duplicates counted) and documents
    hits: tuple[SearchHit, ...]  # duplicates of a hit are in its ``also``
    more: bool  # whether hits follow this page
    # per filter (publisher, country, year, topic): every value with the paragraphs it would keep
    # under the other filters; None unless asked for
    facets: dict[str, tuple[FacetValue, ...]] | None = None

    @property
    def folded(self) -> int:
        """Duplicates folded into this page's hits."""
        return sum(len(h.also) for h in self.hits)


MAX_WINDOW = 100_000  # ranked ids read to fold duplicates before a page; past it, pages may repeat


def find(
    store: Store,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 10,
    offset: int = 0,
    sort: SearchSort = "relevance",
    exact: bool = False,
    persons: Callable[[], list[PersonRecord]] | None = None,
    fold: bool = True,
    facets: bool = False,
    documents: Callable[[], Sequence[DocumentSummary]] | None = None,
) -> SearchPage:
    """The search every surface runs (CLI, API, web): ``query`` widened to the linked spellings of
    the person it names (unless ``exact``; ``persons`` gives the persons, by default all of
    them), ranked in ``sort`` order, paragraphs with the same text folded into the first one's
    ``also`` (unless not ``fold``), the page ``offset``/``limit`` of what is left, the totals, and
    with ``facets`` the counts per filter value (``documents``: the document list, if cached).

    Folding reads the ranking from the first hit to the end of the page (ids and text keys only,
    not the texts), so page 3 never repeats a passage page 1 showed.
    """
    _check_page(limit, offset, sort)
    widened = Expansion(query)
    if not exact and may_be_name(query):
        if persons is None:
            from docket.query.people import people

            widened = expand_names(people(store), query)
        else:
            widened = expand_names(persons(), query)
    parsed, checked = parse_query(widened.query), _checked(filters)
    need = offset + limit + 1  # one more than the page: is there a next page?
    window = max(2 * need, 50) if fold else need
    while True:
        ranked = store.search_keys(parsed, checked, limit=window, sort=sort)
        kept = _first_of_each_text(ranked) if fold else ranked
        if len(kept) >= need or len(ranked) < window or window >= MAX_WINDOW:
            break
        window = min(window * 4, MAX_WINDOW)
    page = kept[offset : offset + limit]
    hits = store.search_hits(parsed, [(pid, score) for pid, score, _ in page])
    if fold and hits:
        hits = _with_duplicates(store, [pid for pid, _, _ in page], hits, checked)
    return SearchPage(
        query=query,
        searched=widened.query,
        spellings=widened.spellings,
        persons=widened.persons,
        sort=sort,
        offset=offset,
        limit=limit,
        total=SearchTotal(*store.search_count(parsed, checked)),
        hits=tuple(hits),
        more=len(kept) > offset + limit,
        facets=_facets(store, parsed, checked, documents) if facets else None,
    )


def _first_of_each_text(ranked: list[tuple[int, float, int]]) -> list[tuple[int, float, int]]:
    """The ranking with every paragraph whose text came earlier left out."""
    seen: set[int] = set()
    out = []
    for row in ranked:
        if row[2] not in seen:
            seen.add(row[2])
            out.append(row)
    return out


def _with_duplicates(
    store: Store, ids: list[int], hits: list[SearchHit], filters: SearchFilters
) -> list[SearchHit]:
    """``hits`` (of paragraph row ids ``ids``) with the citations of every other paragraph under
    ``filters`` that has the same text."""
    same = store.search_same_text(ids, filters)
    if not same:
        return hits
    citations = store.paragraph_citations([*ids, *(d for ds in same.values() for d in ds)])
    row_of = {citations[i].paragraph_id: i for i in ids if i in citations}
    out = []
    for h in hits:
        dups = same.get(row_of.get(h.citation.paragraph_id, -1), [])
        out.append(replace(h, also=tuple(citations[d] for d in dups if d in citations)))
    return out


_Kind = tuple[str | None, str | None, int | None]  # a document's publisher, country, year


def _keeps(kind: _Kind, f: SearchFilters, but: str = "") -> bool:
    """Whether a document of ``kind`` passes the document-level filters of ``f`` (but the one
    named ``but``), as the stores apply them: publisher a case-insensitive substring, country
    exact."""
    publisher, country, period = kind
    if but != "publisher" and f.publisher and f.publisher.lower() not in (publisher or "").lower():
        return False
    if but != "country" and f.country and (country or "").lower() != f.country.lower():
        return False
    if but != "year":
        if f.year is not None and period != f.year:
            return False
        if f.year_from is not None and (period is None or period < f.year_from):
            return False
        if f.year_to is not None and (period is None or period > f.year_to):
            return False
    return True


def _facets(
    store: Store,
    query: SearchQuery,
    f: SearchFilters,
    documents: Callable[[], Sequence[DocumentSummary]] | None,
) -> dict[str, tuple[FacetValue, ...]]:
    """Per filter, every value with the matching paragraphs it would keep under the other
    filters (so a chosen publisher still shows what the other publishers hold)."""
    from docket.extract.topics import taxonomy

    # one count per document under the paragraph-level filters; document-level ones are applied
    # here, once per facet leaving its own out, over the few kinds of document there are
    per_doc = store.search_count_by(
        query, SearchFilters(section=f.section, topic=f.topic), "document"
    )
    every = documents() if documents else store.list_documents()
    kinds: dict[_Kind, int] = {}
    for d in every:
        if d.id in per_doc:
            kind = (d.publisher, d.country, d.period)
            kinds[kind] = kinds.get(kind, 0) + per_doc[d.id]

    def tally(but: str, position: int) -> dict[object, int]:
        out: dict[object, int] = {}
        for kind, n in kinds.items():
            if _keeps(kind, f, but):
                out[kind[position]] = out.get(kind[position], 0) + n
        return out

    publishers = tally("publisher", 0)
    countries = tally("country", 1)
    years = tally("year", 2)
    topics = store.search_count_by(query, replace(f, topic=None), "topic")
    return {
        "publisher": tuple(
            FacetValue(p, p, publishers.get(p, 0))
            for p in sorted({d.publisher for d in every if d.publisher})
        ),
        "country": tuple(
            FacetValue(c, c, countries.get(c, 0))
            for c in sorted({d.country for d in every if d.country})
        ),
        "year": tuple(
            FacetValue(str(y), str(y), years.get(y, 0))
            for y in sorted({d.period for d in every if d.period}, reverse=True)
        ),
        "topic": tuple(FacetValue(t.id, t.label, topics.get(t.id, 0)) for t in taxonomy()),
    }


def _checked(filters: SearchFilters | None) -> SearchFilters:
    """``filters`` checked (a known topic) and normalised (a canonical country)."""
    if filters and filters.topic:
        from docket.extract.topics import taxonomy

        ids = [t.id for t in taxonomy()]
        if filters.topic not in ids:
            raise QueryError(f"unknown topic {filters.topic!r}", hint="one of " + ", ".join(ids))
    filters = filters or SearchFilters()
    if filters.country:  # stored countries are canonical: "Kyrgyz Republic" asks for Kyrgyzstan
        from docket.ingest.metadata import canonical_country

        filters = replace(filters, country=canonical_country(filters.country))
    lo, hi = filters.year_from, filters.year_to
    if lo is not None and hi is not None and lo > hi:
        raise QueryError(f"the year range {lo}–{hi} is empty", hint="give the earlier year first")
    return filters


@dataclass(frozen=True)
class Expansion:
    """A query widened to the linked spellings of the persons it names."""

    query: str  # the query to run
    spellings: tuple[str, ...] = ()  # spellings added to what was typed (empty: nothing added)
    persons: tuple[str, ...] = ()  # ids of the persons whose spellings were added


MAX_EXPANDED_PERSONS = 3  # a name shared by more persons is too vague to widen


def may_be_name(query: str) -> bool:
    """Whether ``query`` could be a person's name (every word capitalised or in a cased non-Latin
    script, no operators): only then is it worth linking persons to widen it."""
    words = query.strip().strip('"').split()
    return bool(words) and len(words) <= 5 and all(w[:1].isupper() and w != "OR" for w in words)


def expand_names(records: list[PersonRecord], query: str) -> Expansion:
    """``query`` widened to every spelling of the persons it names, when the whole query is a name.

    "Mukhammedkarim" also finds "Mukhamedkarim" and "Mukhammadkarim" in the reports that print
    it so, and a Cyrillic spelling finds the Latin ones (names are matched by
    :func:`~docket.query.people.lookup_person`: folded transliterations, whole words). A query
    with operators (OR, -word, prefix*) is run as typed.
    """
    from docket.query.people import lookup_person
    from docket.resolve.fold import name_key

    typed = query.strip()
    bare = typed[1:-1].strip() if len(typed) > 1 and typed[0] == typed[-1] == '"' else typed
    if (
        not bare
        or '"' in bare
        or any(w == "OR" or w.startswith("-") or w.endswith("*") for w in bare.split())
    ):
        return Expansion(query)
    found = lookup_person(records, bare)
    if not found.matches or len(found.matches) > MAX_EXPANDED_PERSONS:
        return Expansion(query)
    typed_key = name_key(bare)
    full_name = len(bare.split()) >= 2

    def widens(p: PersonRecord, form: str) -> bool:
        # A full name, or a bare surname when the query is one word; never a lone given name
        # ("Aset"), and never a bare surname for a full-name query: both find other people.
        if typed_key in name_key(form):
            return False
        if len(form.split()) >= 2:
            return True
        surnames = {f.split()[-1] for f in p.cluster.forms if len(f.split()) >= 2}
        return not full_name and form in surnames

    extra = list(dict.fromkeys(f for p in found.matches for f in p.cluster.forms if widens(p, f)))
    if not extra:
        return Expansion(query)
    widened = " OR ".join(f'"{_WORD_ONLY.sub(" ", f).strip()}"' for f in [bare, *extra])
    return Expansion(widened, tuple(extra), tuple(p.cluster.id for p in found.matches))


_WORD_ONLY = re.compile(r'["*]')

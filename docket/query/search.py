"""Full-text search: user queries parsed into a safe structure, run by the store's search engine.

The query language is small and forgiving: words are ANDed; ``"a phrase"``
matches a phrase; ``word*`` matches a prefix; ``-word`` excludes; ``OR``
between terms means either. Every other character that FTS5 treats as syntax
(``:``, ``(``, ``)``, ``^``, ``+``, unbalanced quotes) is taken literally or
dropped, so no query can crash the search.
"""

from __future__ import annotations

import re

from docket.errors import QueryError
from docket.models import SearchFilters, SearchHit, SearchQuery, SearchTerm
from docket.store.base import Store

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


def to_fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a user query; raise :class:`QueryError` if nothing is left."""
    from docket.store.sqlite import fts5_expression

    return fts5_expression(parse_query(query))


def search(
    store: Store, query: str, filters: SearchFilters | None = None, *, limit: int = 10, offset: int = 0
) -> list[SearchHit]:
    """Ranked paragraphs (BM25) for ``query`` with snippets and citations."""
    if limit < 1 or limit > 1000:
        raise QueryError(f"limit must be between 1 and 1000, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must not be negative, got {offset}")
    if filters and filters.topic:
        from docket.extract.topics import taxonomy

        ids = [t.id for t in taxonomy()]
        if filters.topic not in ids:
            raise QueryError(f"unknown topic {filters.topic!r}", hint="one of " + ", ".join(ids))
    filters = filters or SearchFilters()
    if filters.country:  # stored countries are canonical: "Kyrgyz Republic" asks for Kyrgyzstan
        from dataclasses import replace

        from docket.ingest.metadata import canonical_country

        filters = replace(filters, country=canonical_country(filters.country))
    return store.search(parse_query(query), filters, limit=limit, offset=offset)

"""Full-text search: user queries turned into safe FTS5 queries, run through the store.

The query language is small and forgiving: words are ANDed; ``"a phrase"``
matches a phrase; ``word*`` matches a prefix; ``-word`` excludes; ``OR``
between terms means either. Every other character that FTS5 treats as syntax
(``:``, ``(``, ``)``, ``^``, ``+``, unbalanced quotes) is taken literally or
dropped, so no query can crash the search.
"""

from __future__ import annotations

import re

from docket.errors import QueryError
from docket.models import SearchFilters, SearchHit
from docket.store.base import Store

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def to_fts_query(query: str) -> str:
    """Translate a user query into an FTS5 MATCH expression; raise :class:`QueryError` if nothing is left."""
    if query.count('"') % 2:  # an unbalanced quote is a typo, not a phrase
        query = query.replace('"', " ")
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for m in _TOKEN.finditer(query):
        phrase, word = m.group(1), m.group(2)
        if word == "OR" and positive:
            pending_or = True
            continue
        negate = False
        prefix = False
        if phrase is not None:
            words = _WORD.findall(phrase)
            if not words:
                continue
            term = _quote(" ".join(words))
        else:
            negate = word.startswith("-") and len(word) > 1
            prefix = word.endswith("*")
            words = _WORD.findall(word)
            if not words:
                continue
            term = _quote(" ".join(words)) + ("*" if prefix else "")
        if negate:
            negative.append(term)
        elif pending_or:
            positive[-1] = f"({positive[-1]} OR {term})"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        raise QueryError(
            f"the query {query!r} has no words to search for",
            hint='type some words; use "quotes" for a phrase and -word to exclude',
        )
    expr = " AND ".join(positive)
    for term in negative:
        expr = f"{expr} NOT {term}"
    return expr


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
    return store.search(to_fts_query(query), filters or SearchFilters(), limit=limit, offset=offset)

"""Full-text search: user queries parsed into a safe structure, run by the store's search engine.

The query language is small and forgiving: words are ANDed; ``"a phrase"``
matches a phrase; ``word*`` matches a prefix; ``-word`` excludes; ``OR``
between terms means either. Every other character that FTS5 treats as syntax
(``:``, ``(``, ``)``, ``^``, ``+``, unbalanced quotes) is taken literally or
dropped, so no query can crash the search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docket.errors import QueryError
from docket.models import SearchFilters, SearchHit, SearchQuery, SearchTerm
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
    store: Store,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 10,
    offset: int = 0,
) -> list[SearchHit]:
    """Ranked paragraphs (BM25) for ``query`` with snippets and citations."""
    if limit < 1 or limit > 1000:
        raise QueryError(f"limit must be between 1 and 1000, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must not be negative, got {offset}")
    return store.search(parse_query(query), _checked(filters), limit=limit, offset=offset)


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


def _checked(filters: SearchFilters | None) -> SearchFilters:
    """``filters`` checked (a known topic) and normalised (a canonical country)."""
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

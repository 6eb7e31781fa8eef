"""Plain JSON-ready dictionaries for persons, case files, facts and citations.

One shape everywhere: ``docket person --json``, the web API and ``docket export --format json``
all serialise through these functions, and ``docket/data/export.schema.json`` describes it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docket.models import DocumentSummary, Event, statement_key
from docket.query.cases import CaseFile, Conflict, Fact
from docket.query.people import PersonRecord
from docket.query.search import SearchPage
from docket.store.base import DocumentStore

if TYPE_CHECKING:
    from docket.query.queue import QueueItem

SCHEMA_VERSION = "docket-export/1"


Places = dict[int, tuple[str | None, int | None]]


class SharedPlaces:
    """Paragraph places of the most recently cited documents, shared by the :class:`Citer` of
    many requests (a web server's), thread-safe. Valid for one database state: the caller drops
    it when the documents change. The default size holds a large corpus whole: the places of all
    2,552 documents of ../shared/corpus (93,000 paragraphs) take 17 MB; with 512, the case
    files of 200 persons kept reloading them (a twentieth of a fresh case file page)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._places: OrderedDict[str, Places] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, document_id: str, load: Callable[[], Places]) -> Places:
        """The places of a document, loaded by ``load`` when not kept."""
        with self._lock:
            hit = self._places.get(document_id)
            if hit is not None:
                self._places.move_to_end(document_id)
                return hit
        places = load()
        with self._lock:
            self._places[document_id] = places
            while len(self._places) > self.size:
                self._places.popitem(last=False)
        return places


class Citer:
    """Looks up the section heading and page of a cited paragraph (cached per document; in
    ``shared`` too when given, so that a web server loads a document's places once, not once per
    page that cites it)."""

    def __init__(self, store: DocumentStore | None, shared: SharedPlaces | None = None):
        self._store = store
        self._shared = shared
        self._places = lru_cache(maxsize=256)(self._load)

    def _load(self, document_id: str) -> Places:
        if self._store is None:
            return {}
        store = self._store
        if self._shared is not None:
            return self._shared.get(document_id, lambda: store.paragraph_places(document_id))
        return store.paragraph_places(document_id)

    def place(self, document_id: str, paragraph: int) -> tuple[str | None, int | None]:
        """(section heading, page) of a paragraph; ``(None, None)`` when unknown."""
        return self._places(document_id).get(paragraph, (None, None))


def search_page_dict(page: SearchPage) -> dict[str, Any]:
    """A page of search results as the API and ``docket search --json`` give it."""
    return {
        "query": page.query,
        "searched": page.searched,
        "linked_spellings": list(page.spellings),
        "persons": list(page.persons),
        "sort": page.sort,
        "total": {"paragraphs": page.total.paragraphs, "documents": page.total.documents},
        "limit": page.limit,
        "offset": page.offset,
        "more": page.more,
        "folded": page.folded,
        "hits": [
            {
                "rank": h.rank,
                "snippet": h.snippet,
                "highlights": [list(x) for x in h.highlights],
                "topics": list(h.topics),
                "citation": vars(h.citation),
                "also": [vars(c) for c in h.also],
            }
            for h in page.hits
        ],
        **(
            {
                "facets": {
                    name: [
                        {"value": v.value, "label": v.label, "paragraphs": v.paragraphs}
                        for v in values
                    ]
                    for name, values in page.facets.items()
                }
            }
            if page.facets is not None
            else {}
        ),
    }


def document_dict(d: DocumentSummary) -> dict[str, Any]:
    """A document's metadata."""
    return {
        "id": d.id,
        "file_name": d.file_name,
        "format": d.format,
        "publisher": d.publisher,
        "country": d.country,
        "period": d.period,
        "title": d.title,
        "sections": d.sections,
        "paragraphs": d.paragraphs,
        "ingested_at": d.ingested_at,
        "url": d.url,
        "published": d.published,
        "accessed": d.accessed,
        "language": d.language,
    }


def statement_dict(d: DocumentSummary, e: Event, citer: Citer | None = None) -> dict[str, Any]:
    """One source's statement of an event, with its full citation."""
    section, page = citer.place(d.id, e.paragraph) if citer else (None, None)
    return {
        "type": e.type,
        "date": e.date,
        "charge": e.charge,
        "sanction": e.sanction.as_dict() if e.sanction else None,
        "place": e.place,
        "name_as_printed": e.person.text,
        "key": statement_key(e),
        "confidence": e.confidence,
        "citation": {
            "document_id": d.id,
            "paragraph_id": f"{d.id}:p{e.paragraph}",
            "publisher": d.publisher,
            "title": d.title,
            "period": d.period,
            "section": section,
            "page": page,
            "start": e.start,
            "end": e.end,
            "quote": e.quote,
            "url": d.url,
            "published": d.published,
            "accessed": d.accessed,
        },
    }


def fact_dict(f: Fact, citer: Citer | None = None) -> dict[str, Any]:
    """A fact with its corroboration and every supporting statement."""
    return {
        "id": f.id,
        "type": f.type,
        "date": f.date,
        "sanction": f.sanction,
        "charge": f.charge,
        "place": f.place,
        "corroboration": {"publishers": len(f.publishers), "documents": len(f.documents)},
        "verified": f.verified,
        "confidence": f.confidence,
        "publishers": f.publishers,
        "documents": f.documents,
        "statements": [statement_dict(d, e, citer) for d, e in f.statements],
    }


def conflict_dict(x: Conflict, citer: Citer | None = None) -> dict[str, Any]:
    """A disagreement between sources, with both citations."""
    return {
        "kind": x.kind,
        "detail": x.detail,
        "statements": [statement_dict(*side, citer) for side in (x.a, x.b) if side],
    }


def person_dict(p: PersonRecord) -> dict[str, Any]:
    """A person: names, role, side, documents and why the names were linked."""
    return {
        "id": p.cluster.id,
        "aliases": list(p.aliases),
        "canonical": p.cluster.canonical,
        "variants": list(p.cluster.forms),
        "role": p.role,
        "side": p.side,
        "documents": [d.id for d in p.documents],
        "confidence": max(
            (m.confidence for _, m in p.cluster.mentions if m.confidence is not None), default=None
        ),
        "links": [asdict(link) for link in p.cluster.links],
    }


def case_dict(c: CaseFile, citer: Citer | None = None) -> dict[str, Any]:
    """A whole case file: the person, status (and the facts it rests on), timeline and conflicts."""
    out = person_dict(c.person)
    out["status"] = c.status
    out["status_rests_on"] = [c.facts.index(f) for f in c.status_facts if f in c.facts]
    out["facts"] = [fact_dict(f, citer) for f in c.facts]
    out["conflicts"] = [conflict_dict(x, citer) for x in c.conflicts]
    out["rejected"] = [statement_dict(d, e, citer) for d, e in c.person.rejected]
    return out


def case_summary(c: CaseFile) -> dict[str, Any]:
    """One row of a cases list: who, status, how many facts and sources, the latest report year."""
    pubs = sorted({p for f in c.facts for p in f.publishers})
    periods = [d.period for d in c.person.documents if d.period]
    return {
        "id": c.person.cluster.id,
        "canonical": c.person.cluster.canonical,
        "variants": list(c.person.cluster.forms),
        "role": c.person.role,
        "side": c.person.side,
        "status": c.status,
        "status_kind": c.status_kind,
        "facts": len(c.facts),
        "publishers": pubs,
        "documents": len(c.person.documents),
        "last_report": max(periods) if periods else None,
    }


def queue_item_dict(it: QueueItem) -> dict[str, Any]:
    """One entry of the review queue: whose fact, which, how sure, from how many publishers, why check it."""
    return {
        "person": it.case.person.cluster.id,
        "name": it.case.person.cluster.canonical,
        "fact": it.fact.id,
        "type": it.fact.type,
        "date": it.fact.date,
        "confidence": it.fact.confidence,
        "publishers": it.fact.publishers,
        "reasons": list(it.reasons),
        "priority": it.priority,
        "statements": [statement_key(e) for _, e in it.fact.statements],
    }

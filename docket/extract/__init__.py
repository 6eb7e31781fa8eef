"""Extraction: from structured Documents to cited facts: people, their links, and events."""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docket.extract.components import run_components
from docket.extract.persons import find_mentions
from docket.extract.roles import role_of, side_of
from docket.models import Document, Entity, Event, Mention
from docket.resolve.link import link_documents

__all__ = [
    "DocumentFacts",
    "analyse_document",
    "analyse_documents",
    "extract_documents",
    "find_mentions",
    "link_documents",
]


def _compatible(a: str | None, b: str | None) -> bool:
    """Dates that can describe one event: one missing, or one a prefix (refinement) of the other."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


_CASE_TYPES = {
    "detained",
    "charged",
    "convicted",
    "sentenced",
    "fined",
    "acquitted",
    "appeal_upheld",
    "appeal_changed",
    "extradition",
}


def _share_charges(events: list[dict[str, Any]]) -> None:
    """Within a paragraph, one person's case events share the charge one of them states."""
    by_case: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for e in events:
        if e["type"] in _CASE_TYPES:
            by_case.setdefault((e["paragraph_id"], e["person"]), []).append(e)
    for group in by_case.values():
        charge = next((e["charge"] for e in group if e["charge"]), None)
        for e in group:
            e["charge"] = e["charge"] or charge


@dataclass(frozen=True)
class DocumentFacts:
    """What one document yields on its own: person mentions and event statements."""

    document: Document
    mentions: list[Mention]
    events: list[Event]
    entities: list[Entity] = field(default_factory=list)


def analyse_document(doc: Document, disable: Iterable[str] = ()) -> DocumentFacts:
    """The per-document, pure part of extraction (safe to run in worker processes).

    Runs the components of the document's language (:mod:`docket.extract.components`);
    ``disable`` switches components off by name, for ablation.
    """
    state = run_components(doc, disable)
    return DocumentFacts(doc, state.mentions, state.events, state.entities)


def analyse_documents(
    docs: Iterable[Document], workers: int = 1, disable: Iterable[str] = ()
) -> Iterator[DocumentFacts]:
    """:func:`analyse_document` over ``docs``, in order, on ``workers`` local processes."""
    run = functools.partial(analyse_document, disable=tuple(disable))
    if workers <= 1:
        yield from map(run, docs)
        return
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork")
    ) as pool:
        yield from pool.map(run, docs, chunksize=4)


def extract_documents(
    docs: list[Document], workers: int = 1, disable: Iterable[str] = ()
) -> dict[str, Any]:
    """Extract people and events from ``docs`` into the gold-shaped JSON (documents, persons, events).

    Every mention and event keeps its citation (paragraph id, offsets, exact quote).
    """
    facts = list(analyse_documents(docs, workers, disable))
    clusters = link_documents(
        [(f.document.file_name, f.mentions) for f in facts],
        countries={f.document.file_name: f.document.metadata.country for f in facts},
    )
    ids = {doc.file_name: doc.id for doc in docs}
    person_of = {(f, m): c.id for c in clusters for f, m in c.mentions}
    events: list[dict[str, Any]] = []
    same_case: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for fact in facts:
        doc, file_name = fact.document, fact.document.file_name
        for e in fact.events:
            pid = person_of[(file_name, e.person)]
            sanction = e.sanction.as_dict() if e.sanction else None
            # An event mentioned twice in one document is one statement: same person, type and
            # sanction with compatible dates (one absent or refining the other) collapse, keeping
            # the most precise date.
            candidates = same_case.setdefault((file_name, pid, e.type, repr(sanction)), [])
            twin = next((x for x in candidates if _compatible(x["date"], e.date)), None)
            if twin is not None:
                if e.date and len(e.date) > len(twin["date"] or ""):
                    twin["date"] = e.date
                twin["charge"] = twin["charge"] or e.charge
                if e.confidence is not None and (twin["confidence"] or 0) < e.confidence:
                    twin["confidence"] = e.confidence  # the surest statement of the two
                continue
            record = {
                "file": file_name,
                "person": pid,
                "type": e.type,
                "date": e.date,
                "charge": e.charge,
                "sanction": sanction,
                "place": e.place,
                "quote": e.quote,
                "paragraph_id": f"{doc.id}:p{e.paragraph}",
                "start": e.start,
                "end": e.end,
                "confidence": e.confidence,
            }
            candidates.append(record)
            events.append(record)
    _share_charges(events)
    texts = {doc.file_name: doc.text for doc in docs}
    events_by_person: dict[str, list[Event]] = {}
    for fact in facts:
        for e in fact.events:
            events_by_person.setdefault(person_of[(fact.document.file_name, e.person)], []).append(
                e
            )
    from docket.resolve.orgs import named_only_as_organisation, organisation_names

    # A name another report uses only for an organisation is not a person anywhere ("Nur Otan").
    organisations = (
        frozenset().union(*(organisation_names(f.entities, f.mentions) for f in facts))
        if facts
        else frozenset()
    )
    dropped = {
        c.id
        for c in clusters
        if named_only_as_organisation(c.forms, [m.source for _, m in c.mentions], organisations)
    }
    events = [e for e in events if e["person"] not in dropped]
    persons = []
    for c in clusters:
        if c.id in dropped:
            continue
        role = role_of(texts, c.mentions)
        side = side_of(texts, c.mentions, events_by_person.get(c.id, []), role)
        mentions: dict[str, list[str]] = {}
        for file_name, m in c.mentions:
            forms = mentions.setdefault(file_name, [])
            if m.text not in forms:
                forms.append(m.text)
        persons.append(
            {
                "id": c.id,
                "canonical": c.canonical,
                "variants": c.forms,
                "mentions": mentions,
                "role": role,
                "side": side,
                "confidence": max(
                    (m.confidence for _, m in c.mentions if m.confidence is not None), default=None
                ),
                "links": [
                    {"a": link.a, "b": link.b, "score": link.score, "levels": list(link.levels)}
                    for link in c.links
                ],
                "citations": [
                    {
                        "file": f,
                        "paragraph_id": f"{ids[f]}:p{m.paragraph}",
                        "start": m.start,
                        "end": m.end,
                        "quote": m.text,
                        "source": m.source,
                        "confidence": m.confidence,
                    }
                    for f, m in c.mentions
                ],
            }
        )
    documents = [
        {
            "file": Path(d.file_name).name,
            "document_id": d.id,
            "publisher": d.metadata.publisher,
            "country": d.metadata.country,
            "period": d.metadata.period,
            "title": d.metadata.title,
        }
        for d in docs
    ]
    return {"documents": documents, "persons": persons, "events": events}

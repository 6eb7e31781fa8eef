"""Extraction: from a structured Document to cited facts (people so far)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docket.extract.events import find_events
from docket.extract.link import link_documents
from docket.extract.persons import find_mentions
from docket.models import Document

__all__ = ["extract_documents", "find_mentions", "link_documents"]


def _compatible(a: str | None, b: str | None) -> bool:
    """Dates that can describe one event: one missing, or one a prefix (refinement) of the other."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


_CASE_TYPES = {"detained", "charged", "convicted", "sentenced", "fined", "acquitted", "appeal_upheld",
               "appeal_changed", "extradition"}


def _share_charges(events: list[dict[str, Any]]) -> None:
    """Within a paragraph, one person's case events share the charge one of them states."""
    by_case: dict[tuple, list[dict[str, Any]]] = {}
    for e in events:
        if e["type"] in _CASE_TYPES:
            by_case.setdefault((e["paragraph_id"], e["person"]), []).append(e)
    for group in by_case.values():
        charge = next((e["charge"] for e in group if e["charge"]), None)
        for e in group:
            e["charge"] = e["charge"] or charge


def extract_documents(docs: list[Document]) -> dict[str, Any]:
    """Extract people from ``docs`` into the gold-shaped JSON (documents, persons, events).

    Every mention keeps its citation (paragraph id and offsets) under ``citations``.
    """
    per_doc = [(doc.file_name, find_mentions(doc)) for doc in docs]
    clusters = link_documents(per_doc)
    ids = {doc.file_name: doc.id for doc in docs}
    person_of = {(f, m): c.id for c in clusters for f, m in c.mentions}
    events: list[dict[str, Any]] = []
    for doc, (file_name, mentions) in zip(docs, per_doc):
        for e in find_events(doc, mentions):
            pid = person_of[(file_name, e.person)]
            sanction = e.sanction.as_dict() if e.sanction else None
            # An event mentioned twice in one document is one statement: same person, type and
            # sanction with compatible dates (one absent or refining the other) collapse, keeping
            # the most precise date.
            twin = next((x for x in events if x["file"] == file_name and x["person"] == pid and x["type"] == e.type
                         and x["sanction"] == sanction and _compatible(x["date"], e.date)), None)
            if twin is not None:
                if e.date and len(e.date) > len(twin["date"] or ""):
                    twin["date"] = e.date
                twin["charge"] = twin["charge"] or e.charge
                continue
            events.append({
                "file": file_name, "person": pid, "type": e.type, "date": e.date, "charge": e.charge,
                "sanction": sanction, "place": None, "quote": e.quote,
                "paragraph_id": f"{doc.id}:p{e.paragraph}", "start": e.start, "end": e.end,
            })
    persons = []
    for c in clusters:
        mentions: dict[str, list[str]] = {}
        for file_name, m in c.mentions:
            forms = mentions.setdefault(file_name, [])
            if m.text not in forms:
                forms.append(m.text)
        persons.append({
            "id": c.id,
            "canonical": c.canonical,
            "variants": c.forms,
            "mentions": mentions,
            "role": None,
            "side": None,
            "links": [{"a": link.a, "b": link.b, "score": link.score, "levels": list(link.levels)}
                      for link in c.links],
            "citations": [
                {"file": f, "paragraph_id": f"{ids[f]}:p{m.paragraph}", "start": m.start, "end": m.end,
                 "quote": m.text, "source": m.source}
                for f, m in c.mentions
            ],
        })
    _share_charges(events)
    documents = [
        {"file": Path(d.file_name).name, "document_id": d.id, "publisher": d.metadata.publisher,
         "country": d.metadata.country, "period": d.metadata.period, "title": d.metadata.title}
        for d in docs
    ]
    return {"documents": documents, "persons": persons, "events": events}

"""Extraction: from a structured Document to cited facts (people so far)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docket.extract.link import link_documents
from docket.extract.persons import find_mentions
from docket.models import Document

__all__ = ["extract_documents", "find_mentions", "link_documents"]


def extract_documents(docs: list[Document]) -> dict[str, Any]:
    """Extract people from ``docs`` into the gold-shaped JSON (documents, persons, events).

    Every mention keeps its citation (paragraph id and offsets) under ``citations``.
    """
    per_doc = [(doc.file_name, find_mentions(doc)) for doc in docs]
    clusters = link_documents(per_doc)
    ids = {doc.file_name: doc.id for doc in docs}
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
    documents = [
        {"file": Path(d.file_name).name, "document_id": d.id, "publisher": d.metadata.publisher,
         "country": d.metadata.country, "period": d.metadata.period, "title": d.metadata.title}
        for d in docs
    ]
    return {"documents": documents, "persons": persons, "events": []}

"""Copy a whole database into another store — from a laptop's SQLite file to a shared PostgreSQL
server, or back — through the Store interface only, so any two backends work.

Documents go with everything stored with them (sections, paragraphs, mentions with their
context, events, topics, entities), each document in its own transaction, in batches; the
curation and review logs keep their authors, times and order; curator accounts keep their
password hashes. Documents already in the target (same id) are skipped, so an interrupted
copy is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docket.models import DocumentRecord
from docket.store.base import Store


@dataclass(frozen=True)
class CopyReport:
    """What a copy did."""

    documents: int
    skipped: int
    curation: int
    reviews: int
    curators: int


def copy_store(
    source: Store,
    target: Store,
    *,
    batch: int = 20,
    on_document: Callable[[str], None] | None = None,
) -> CopyReport:
    """Copy every document, the curation and review logs and the curator accounts of ``source``
    into ``target`` (see the module docstring)."""
    copied = skipped = 0
    pending: list[DocumentRecord] = []
    for summary in source.list_documents():
        if (
            target.find_by_id(summary.id) is not None
            or target.find_by_path(summary.source_path) is not None
        ):
            skipped += 1
            continue
        doc = source.get_document(summary.id)
        if doc is None:  # removed from the source while copying
            continue
        mentions, events = source.document_facts(doc.id)
        pending.append(
            DocumentRecord(
                doc,
                None,
                mentions,
                events,
                source.paragraph_topics(doc.id),
                source.document_entities(doc.id),
            )
        )
        if len(pending) >= batch:
            target.save_documents(pending)
            copied += len(pending)
            pending = []
        if on_document:
            on_document(summary.id)
    if pending:
        target.save_documents(pending)
        copied += len(pending)
    have_curation = {(e.action, e.key_a, e.key_b, e.who, e.at) for e in target.curation_log()}
    curation = 0
    for e in source.curation_log():
        if (e.action, e.key_a, e.key_b, e.who, e.at) not in have_curation:
            target.add_curation(
                e.action, e.name_a, e.name_b, e.key_a, e.key_b, e.who, e.why, at=e.at
            )
            curation += 1
    have_reviews = {(r.statement, r.action, r.field, r.who, r.at) for r in target.reviews()}
    reviews = 0
    for r in source.reviews():
        if (r.statement, r.action, r.field, r.who, r.at) not in have_reviews:
            target.add_review(
                r.statement, r.action, r.field, r.before, r.after, r.who, r.why, at=r.at
            )
            reviews += 1
    # person ids, so that links to persons keep working in the new store (the target's own win)
    names, aliases = source.person_ids()
    have_names, have_aliases = target.person_ids()
    target.save_person_ids(
        [(k, pid, k) for k, pid in names.items() if k not in have_names],
        [(a, pid, "copied") for a, pid in aliases.items() if a not in have_aliases],
    )
    curators = 0
    for name in source.curators():
        if target.curator_hash(name) is None:
            target.set_curator(name, source.curator_hash(name))
            curators += 1
    target.refresh_search_index()
    return CopyReport(copied, skipped, curation, reviews, curators)

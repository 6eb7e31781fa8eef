"""Flat tables of a case database (documents, persons, facts, statements, conflicts).

The same rows feed the CSV export (one file per table) and the SQLite export (one table each),
so a spreadsheet user and a ``datasette`` user see the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from docket.export.serialize import Citer
from docket.models import DocumentSummary, Event
from docket.query.cases import CaseFile, sanction_text


@dataclass(frozen=True)
class Table:
    """A named table: column names and rows of plain values (str, int, float or None)."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def case_tables(
    documents: list[DocumentSummary], cases: list[CaseFile], citer: Citer | None = None
) -> list[Table]:
    """Every table of the export, keyed so rows join: ``person_id``, ``fact_id``, ``document_id``."""
    docs = Table(
        "documents",
        (
            "document_id",
            "publisher",
            "country",
            "period",
            "title",
            "file_name",
            "format",
            "sections",
            "paragraphs",
            "ingested_at",
            "url",
            "published",
            "accessed",
            "language",
        ),
        [
            (
                d.id,
                d.publisher,
                d.country,
                d.period,
                d.title,
                d.file_name,
                d.format,
                d.sections,
                d.paragraphs,
                d.ingested_at,
                d.url,
                d.published,
                d.accessed,
                d.language,
            )
            for d in documents
        ],
    )
    persons = Table(
        "persons",
        (
            "person_id",
            "name",
            "variants",
            "role",
            "side",
            "status_kind",
            "status",
            "facts",
            "publishers",
            "documents",
            "aliases",
        ),
        [],
    )
    facts = Table(
        "facts",
        (
            "fact_id",
            "person_id",
            "person",
            "type",
            "date",
            "sanction_kind",
            "years",
            "months",
            "days",
            "amount",
            "currency",
            "sanction",
            "charge",
            "place",
            "publishers",
            "documents",
            "sources",
        ),
        [],
    )
    statements = Table(
        "statements",
        (
            "fact_id",
            "person_id",
            "document_id",
            "paragraph_id",
            "publisher",
            "title",
            "period",
            "section",
            "page",
            "start",
            "end",
            "name_as_printed",
            "type",
            "date",
            "sanction",
            "charge",
            "place",
            "quote",
        ),
        [],
    )
    conflicts = Table(
        "conflicts",
        (
            "person_id",
            "person",
            "kind",
            "detail",
            "document_a",
            "paragraph_a",
            "quote_a",
            "document_b",
            "paragraph_b",
            "quote_b",
        ),
        [],
    )
    for c in cases:
        pid = c.person.cluster.id
        pubs = {p for f in c.facts for p in f.publishers}
        persons.rows.append(
            (
                pid,
                c.person.cluster.canonical,
                "; ".join(c.person.cluster.forms),
                c.person.role,
                c.person.side,
                c.status_kind,
                c.status,
                len(c.facts),
                len(pubs),
                len(c.person.documents),
                "; ".join(c.person.aliases),
            )
        )
        for f in c.facts:
            fid = f.id  # stable across reviews (an ordinal would renumber)
            s = f.sanction or {}
            facts.rows.append(
                (
                    fid,
                    pid,
                    c.person.cluster.canonical,
                    f.type,
                    f.date,
                    s.get("kind"),
                    s.get("years"),
                    s.get("months"),
                    s.get("days"),
                    s.get("amount"),
                    s.get("currency"),
                    sanction_text(f.sanction) or None,
                    f.charge,
                    f.place,
                    len(f.publishers),
                    len(f.documents),
                    "; ".join(f.publishers),
                )
            )
            for d, e in f.statements:
                statements.rows.append(_statement_row(fid, pid, d, e, citer))
        for x in c.conflicts:
            a = _side(x.a)
            b = _side(x.b)
            conflicts.rows.append((pid, c.person.cluster.canonical, x.kind, x.detail, *a, *b))
    return [docs, persons, facts, statements, conflicts]


def _statement_row(
    fid: str, pid: str, d: DocumentSummary, e: Event, citer: Citer | None
) -> tuple[Any, ...]:
    section, page = citer.place(d.id, e.paragraph) if citer else (None, None)
    sanction = json.dumps(e.sanction.as_dict(), ensure_ascii=False) if e.sanction else None
    return (
        fid,
        pid,
        d.id,
        f"{d.id}:p{e.paragraph}",
        d.publisher,
        d.title,
        d.period,
        section,
        page,
        e.start,
        e.end,
        e.person.text,
        e.type,
        e.date,
        sanction,
        e.charge,
        e.place,
        e.quote,
    )


def _side(side: tuple[DocumentSummary, Event] | None) -> tuple[Any, ...]:
    if side is None:
        return (None, None, None)
    d, e = side
    return (d.id, f"{d.id}:p{e.paragraph}", e.quote)

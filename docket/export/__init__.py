"""Exports of the case database: JSON, CSV tables, Markdown dossiers, ESF events, a SQLite file,
FollowTheMoney entities.

Built-in exporters are registered in :data:`EXPORTERS` (format name -> writer); each writer takes
an :class:`ExportData` and an output path and returns the files it wrote.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from docket import __version__
from docket.errors import ExportError
from docket.export.esf import esf_records
from docket.export.markdown import dossier, md_escape
from docket.export.serialize import SCHEMA_VERSION, Citer, case_dict, document_dict
from docket.export.tables import Table, case_tables
from docket.models import DocumentSummary
from docket.query.cases import CaseFile, case_file
from docket.query.people import PersonRecord, people
from docket.store.base import Store


@dataclass
class ExportData:
    """What an export holds: documents, case files, and the store for citations."""

    documents: list[DocumentSummary]
    cases: list[CaseFile]
    store: Store | None = None
    citer: Citer = field(init=False)

    def __post_init__(self) -> None:
        self.citer = Citer(self.store)


def collect(
    store: Store,
    *,
    person: str | None = None,
    country: str | None = None,
    records: list[PersonRecord] | None = None,
) -> ExportData:
    """Gather documents and case files, optionally only one person's (any spelling) or one country's."""
    from docket.query.people import lookup_person

    if person is not None:  # an empty name is refused, never "everyone"
        found = lookup_person(records if records is not None else people(store), person)
        if not found.matches:
            raise ExportError(
                f"nobody called {person!r} in the database", hint="see `docket people`"
            )
        if found.ambiguous:
            from docket.query.curation import candidates_text

            raise ExportError(
                f"{person!r} names {len(found.matches)} persons: {candidates_text(found.matches)}",
                hint="give the person id",
            )
        records = list(found.matches)
    elif records is None:
        records = people(store)
    docs = store.list_documents()
    if country:
        from docket.ingest.metadata import same_country

        docs = [d for d in docs if same_country(d.country, country)]
        ids = {d.id for d in docs}
        records = [p for p in records if any(d.id in ids for d in p.documents)]
    if person is not None:
        ids = {d.id for p in records for d in p.documents}
        docs = [d for d in docs if d.id in ids]
    return ExportData(docs, [case_file(p) for p in records], store)


def schema() -> dict[str, Any]:
    """The published JSON Schema of the JSON export (and of the API's case files)."""
    published: dict[str, Any] = json.loads(
        resources.files("docket.data").joinpath("export.schema.json").read_text("utf-8")
    )
    return published


def to_json(data: ExportData) -> dict[str, Any]:
    """Everything as one JSON-ready object, valid against :func:`schema`."""
    return {
        "schema": SCHEMA_VERSION,
        "generator": f"docket {__version__}",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": [document_dict(d) for d in data.documents],
        "persons": [case_dict(c, data.citer) for c in data.cases],
    }


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def write_json(data: ExportData, out: Path) -> list[Path]:
    """One JSON file with every document, person, fact, statement and conflict."""
    out.write_text(json.dumps(to_json(data), ensure_ascii=False, indent=1), "utf-8")
    return [out]


def write_csv(data: ExportData, out: Path) -> list[Path]:
    """One CSV file per table (UTF-8 with BOM so spreadsheets detect the encoding) in folder ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for t in case_tables(data.documents, data.cases, data.citer):
        path = out / f"{t.name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(t.columns)
            w.writerows([csv_cell(v) for v in row] for row in t.rows)
        written.append(path)
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "person"


def write_markdown(data: ExportData, out: Path) -> list[Path]:
    """A dossier per person with at least one fact (or the one person asked for), plus an index, in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    cases = data.cases if len(data.cases) == 1 else [c for c in data.cases if c.facts]
    written, index = [], ["# Case files", ""]
    for c in cases:
        name = f"{_slug(c.person.cluster.id)}.md"
        (out / name).write_text(dossier(c, data.citer), "utf-8")
        written.append(out / name)
        index.append(f"- [{md_escape(c.person.cluster.canonical)}]({name}) — {md_escape(c.status)}")
    (out / "index.md").write_text("\n".join(index) + "\n", "utf-8")
    return [out / "index.md", *written]


def write_esf(data: ExportData, out: Path) -> list[Path]:
    """Events → acts → victims/perpetrators → information/sources as one JSON file."""
    records = esf_records(data.documents, data.cases, data.citer)
    out.write_text(
        json.dumps(
            {"format": "HURIDOCS Events Standard Formats (docket mapping)", **records},
            ensure_ascii=False,
            indent=1,
        ),
        "utf-8",
    )
    return [out]


def _write_tables(out: Path, tables: dict[str, tuple[list[str], list[list[Any]]]]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in tables.items():
        path = out / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            w.writerows([csv_cell(v) for v in row] for row in rows)
        written.append(path)
    return written


def write_esf_csv(data: ExportData, out: Path) -> list[Path]:
    """The ESF records as one CSV per record type (events, acts, persons, involvements, court
    actions, chain of events, information, sources) in folder ``out``, for OpenEvSys-style imports."""
    records = esf_records(data.documents, data.cases, data.citer)
    tables = {}
    for name, rows in records.items():
        columns = list(dict.fromkeys(k for r in rows for k in r)) or ["record_number"]
        tables[name] = (
            columns,
            [
                [
                    json.dumps(r.get(k), ensure_ascii=False)
                    if isinstance(r.get(k), (dict, list))
                    else r.get(k)
                    for k in columns
                ]
                for r in rows
            ],
        )
    return _write_tables(out, tables)


def write_uwazi(data: ExportData, out: Path) -> list[Path]:
    """Uwazi CSV imports, one per template (Person.csv, Event.csv, Source.csv), in folder ``out``."""
    from docket.export.esf import uwazi_tables

    return _write_tables(out, uwazi_tables(esf_records(data.documents, data.cases, data.citer)))


def write_sqlite(data: ExportData, out: Path) -> list[Path]:
    """A standalone SQLite database of the case tables, for datasette, spreadsheets or SQL."""
    from docket.store.sqlite import write_tables

    write_tables(out, case_tables(data.documents, data.cases, data.citer))
    return [out]


def write_ftm(data: ExportData, out: Path) -> list[Path]:
    """FollowTheMoney entities as JSON lines, with their provenance statements beside them."""
    from docket.export.ftm import write_ftm as write  # followthemoney loads only for this format

    return write(data, out)


Exporter = Callable[[ExportData, Path], list[Path]]
EXPORTERS: dict[str, Exporter] = {
    "json": write_json,
    "csv": write_csv,
    "markdown": write_markdown,
    "esf": write_esf,
    "esf-csv": write_esf_csv,
    "uwazi": write_uwazi,
    "sqlite": write_sqlite,
    "ftm": write_ftm,
}
FILE_PAIR_FORMATS = frozenset({"sqlite", "ftm"})  # written to a path, never to stdout
DIRECTORY_FORMATS = frozenset({"csv", "markdown", "esf-csv", "uwazi"})

__all__ = [
    "DIRECTORY_FORMATS",
    "EXPORTERS",
    "FILE_PAIR_FORMATS",
    "ExportData",
    "Table",
    "collect",
    "csv_cell",
    "schema",
    "to_json",
]

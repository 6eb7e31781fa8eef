"""The one place that chains the stages to the store: each file prepared (:mod:`docket.prepare`:
read -> metadata -> structure -> extract), then written.

Each file is ingested in one store transaction, whole or not at all; a failing
file is reported with its path and reason and the batch goes on.
"""

from __future__ import annotations

import glob
import os
import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Literal

from docket.errors import (
    DocketError,
    DocumentConflict,
    InternalError,
    StoreError,
)
from docket.ingest.books import Book
from docket.models import (
    DocumentRecord,
    FileOutcome,
    IngestReport,
)
from docket.prepare import (
    IngestOptions,
    Prepared,
    _facts,
    load_document,
    load_documents,
    prepare_file,
)
from docket.resolve.fold import slug
from docket.store.base import Store

__all__ = [
    "IngestOptions",
    "Prepared",
    "expand_paths",
    "ingest_file",
    "ingest_paths",
    "iter_ingest",
    "load_document",
    "load_documents",
    "prepare_file",
    "split_book_file",
    "write_prepared",
]

_SKIP_NAMES = {"manifest.csv", "manifest.tsv", "readme.md", "readme.txt", "readme"}


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, found recursively in folders, or matched by glob patterns; sorted, de-duplicated.

    Sidecars (``*.meta.json``), manifests, READMEs and hidden files are metadata, not reports.
    Symlinked folders are not followed, so a link loop cannot hang the walk.
    """
    out: dict[str, Path] = {}
    for raw in paths:
        raw = str(raw)
        matches = (
            [Path(m) for m in sorted(glob.glob(raw, recursive=True))]
            if glob.has_magic(raw)
            else [Path(raw)]
        )
        if not matches:
            matches = [Path(raw)]  # reported as missing by read_file
        for p in matches:
            if p.is_dir():
                for root, dirs, files in os.walk(p, followlinks=False):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        f = Path(root) / name
                        if _is_report(f):
                            out.setdefault(str(f.resolve()), f)
            elif not p.exists() or _is_report(p):
                out.setdefault(str(p.resolve()) if p.exists() else str(p), p)
    return list(out.values())


def _is_report(p: Path) -> bool:
    name = p.name.lower()
    return not (name.startswith(".") or name.endswith(".meta.json") or name in _SKIP_NAMES)


def write_prepared(store: Store, prepared: Prepared, options: IngestOptions) -> FileOutcome:
    """Write a prepared file to ``store`` (one transaction: the whole file or nothing) and say what happened.

    Another ingest of the same files may store one between the look and the write: then the
    write is decided again, so the file is reported unchanged (or replaces what was stored)."""
    if prepared.failure is not None:
        return prepared.failure
    for attempt in range(3):
        try:
            return _write_once(store, prepared, options)
        except DocumentConflict as exc:
            conflict = exc
            time.sleep(0.05 * (attempt + 1))
    return FileOutcome(
        prepared.path,
        "failed",
        error=f"[{conflict.code}] {prepared.path}: {conflict.message}, "
        "three times (run the ingest again)",
        error_code=conflict.code,
        seconds=prepared.seconds,
    )


def _write_once(store: Store, prepared: Prepared, options: IngestOptions) -> FileOutcome:
    t0 = time.perf_counter()
    try:
        if prepared.book_note is not None:
            return _write_book(store, prepared, options, t0)
        record, extracted = prepared.records[0], prepared.extracted[0]
        doc = record.doc
        previous = store.find_by_path(doc.source_path)
        seconds = prepared.seconds + time.perf_counter() - t0
        if previous and previous.id == doc.id:
            return FileOutcome(
                prepared.path,
                "unchanged",
                document_id=doc.id,
                sections=len(doc.sections),
                paragraphs=len(doc.paragraphs),
                seconds=seconds,
            )
        if (same := store.find_by_id(doc.id)) is not None:
            return FileOutcome(
                prepared.path,
                "unchanged",
                document_id=doc.id,
                note=f"same text as {same.source_path}",
                seconds=seconds,
            )
        record = _with_facts(record, extracted)
        replaced = previous.id if previous else None
        store.save_document(
            doc,
            replaces=replaced,
            mentions=record.mentions,
            events=record.events,
            topics=record.topics,
            entities=record.entities,
        )
        return FileOutcome(
            prepared.path,
            "replaced" if replaced else "added",
            document_id=doc.id,
            replaced_id=replaced,
            note="; ".join(doc.notes) or None,  # a damaged page, said
            sections=len(doc.sections),
            paragraphs=len(doc.paragraphs),
            mentions=len(record.mentions),
            events=len(record.events),
            seconds=prepared.seconds + time.perf_counter() - t0,
        )
    except (StoreError, DocumentConflict):
        raise  # the database, not the file: the batch stops (a conflict is decided again by the caller)
    except DocketError as exc:
        return FileOutcome(
            prepared.path,
            "failed",
            error=str(exc),
            error_code=exc.code,
            seconds=prepared.seconds + time.perf_counter() - t0,
        )
    except Exception as exc:
        err = InternalError(
            f"internal error while storing {type(exc).__name__}: {exc} (please report this)",
            path=prepared.path,
        )
        return FileOutcome(
            prepared.path,
            "failed",
            error_code=err.code,
            error=str(err),
            seconds=prepared.seconds + time.perf_counter() - t0,
        )


def _with_facts(record: DocumentRecord, extracted: bool) -> DocumentRecord:
    """The record with its facts, extracting them now if it was thought to be stored already."""
    if extracted:
        return record
    mentions, events, entities = _facts(record.doc)
    return replace(record, mentions=mentions, events=events, entities=entities)


def ingest_file(store: Store, path: Path, options: IngestOptions) -> FileOutcome:
    """Ingest one file into ``store``; never raises for bad input, returns a failed outcome instead."""
    return write_prepared(store, prepare_file(path, options, _StoredIds(store)), options)


class _StoredIds:
    """The ids of stored documents, asked one at a time (no need to list a large database)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __contains__(self, document_id: object) -> bool:
        return isinstance(document_id, str) and self._store.find_by_id(document_id) is not None


def _write_book(store: Store, prepared: Prepared, options: IngestOptions, t0: float) -> FileOutcome:
    """Store a book's chapters (new or changed ones) in one transaction: the whole book or nothing."""
    records: list[DocumentRecord] = []
    replaced_any = False
    for record, extracted in zip(prepared.records, prepared.extracted):
        previous = store.find_by_path(record.doc.source_path)
        if previous and previous.id == record.doc.id:
            continue
        replaced_any = replaced_any or previous is not None
        record = _with_facts(record, extracted) if options.extract else record
        records.append(replace(record, replaces=previous.id if previous else None))
    store.save_documents(records)
    status: Literal["unchanged", "replaced", "added"] = (
        "unchanged" if not records else "replaced" if replaced_any else "added"
    )
    read_notes = list(dict.fromkeys(n for r in records for n in r.doc.notes))
    return FileOutcome(
        prepared.path,
        status,
        document_id=prepared.records[0].doc.id,
        note="; ".join([f"{prepared.book_note}, {len(records)} new or changed", *read_notes]),
        sections=sum(len(r.doc.sections) for r in records),
        paragraphs=sum(len(r.doc.paragraphs) for r in records),
        mentions=sum(len(r.mentions) for r in records),
        events=sum(len(r.events) for r in records),
        seconds=prepared.seconds + time.perf_counter() - t0,
    )


def iter_ingest(
    store: Store,
    files: list[Path],
    options: IngestOptions | None = None,
    *,
    workers: int = 1,
    cluster: str | None = None,
    isolate: bool = False,
    stop: threading.Event | None = None,
) -> Iterator[FileOutcome]:
    """Ingest ``files``, yielding each outcome in input order as it is written.

    Reading and extraction run in ``workers`` local processes (``isolate``: a separate process
    even for one worker), or on the Dask cluster at ``cluster`` (a scheduler address); writing
    stays here, one transaction per file. Setting ``stop`` (local processes) fails the files not
    yet read with E113, each whole: what was written stays, nothing half-read is.
    """
    from docket.parallel import prepared_in_order

    options = options or IngestOptions()
    known: Container[str] = _StoredIds(store)
    if workers > 1 or cluster or isolate:  # worker processes cannot ask the store
        known = frozenset(d.id for d in store.list_documents()) if options.extract else frozenset()
    for prepared in prepared_in_order(
        files, options, known, workers=workers, cluster=cluster, isolate=isolate, stop=stop
    ):
        yield write_prepared(store, prepared, options)


def ingest_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    options: IngestOptions | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    *,
    workers: int = 1,
    cluster: str | None = None,
) -> IngestReport:
    """Ingest every report under ``paths``; ``on_file`` is called after each file (for progress)."""
    report = IngestReport()
    for outcome in iter_ingest(
        store, expand_paths(paths), options, workers=workers, cluster=cluster
    ):
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    if any(o.status in ("added", "replaced") for o in report.outcomes):
        store.refresh_search_index()
    return report


MANIFEST_COLUMNS = (
    "file",
    "publisher",
    "country",
    "year_covered",
    "title",
    "source",
    "first_page",
    "last_page",
)


def split_book_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    options: IngestOptions | None = None,
) -> tuple[Book, list[Path]]:
    """Write each country chapter of a book PDF as a text file in ``out_dir``, with a MANIFEST.tsv
    (the shape of ../shared/corpus/amnesty-annual/MANIFEST.tsv, plus pages and the fact box)."""
    import csv

    from docket.errors import UnsupportedFormat

    options = options or IngestOptions()
    docs, book = load_documents(path, options)
    if book is None:
        raise UnsupportedFormat(
            "not a multi-country book: fewer than 8 country chapters found",
            path=str(path),
            hint="ingest it as one document with `docket ingest`",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fact_keys = sorted({k for doc in docs for k, _ in doc.metadata.attributes})
    written: list[Path] = []
    rows = []
    for doc, ch in zip(docs, book.chapters):
        m = doc.metadata
        name = (
            f"{slug(m.publisher or 'book')}_{slug(ch.country)}_{m.period or 'unknown'}.txt".replace(
                "-", "_"
            )
        )
        (out / name).write_text(doc.text + "\n", "utf-8")
        written.append(out / name)
        facts = dict(m.attributes)
        rows.append(
            [
                name,
                m.publisher or "",
                ch.country,
                m.period or "",
                m.title or "",
                f"{Path(path).name} pages {ch.first_page}-{ch.last_page}",
                ch.first_page or "",
                ch.last_page or "",
                *(facts.get(k, "") for k in fact_keys),
            ]
        )
    with (out / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow([*MANIFEST_COLUMNS, *(k.replace(" ", "_") for k in fact_keys)])
        w.writerows(rows)
    return book, [out / "MANIFEST.tsv", *written]

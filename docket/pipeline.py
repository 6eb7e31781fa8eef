"""The one place that chains the stages: read -> metadata -> structure -> store.

Each file is ingested in one store transaction, whole or not at all; a failing
file is reported with its path and reason and the batch goes on.
"""

from __future__ import annotations

import glob
import os
import signal
import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from docket.errors import (
    DocketError,
    DocumentConflict,
    InternalError,
    MemoryLimit,
    ReaderTimeout,
    StoreError,
)
from docket.extract.topics import paragraph_topics
from docket.ingest.books import Book, split_book
from docket.ingest.language import detect_language, mixed_note
from docket.ingest.metadata import infer_metadata, resolve_metadata
from docket.ingest.readers import DEFAULT_MAX_PDF_BYTES, DEFAULT_MAX_TEXT_BYTES, read_file
from docket.ingest.structure import build_document
from docket.models import (
    Document,
    DocumentRecord,
    Entity,
    Event,
    FileOutcome,
    IngestReport,
    Mention,
    Metadata,
)
from docket.resolve.fold import slug
from docket.store.base import Store

_SKIP_NAMES = {"manifest.csv", "manifest.tsv", "readme.md", "readme.txt", "readme"}


@dataclass(frozen=True)
class IngestOptions:
    """Options for a batch; ``metadata`` values override everything inferred or read from sidecars."""

    metadata: dict[str, object] = field(default_factory=dict)
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
    max_pdf_bytes: int = DEFAULT_MAX_PDF_BYTES
    extract: bool = True  # extract people and events and store them with the document
    split_books: bool = True  # a PDF holding many country chapters becomes one document per chapter
    read_timeout_s: float | None = (
        300.0  # reading one file, or extracting one document, longer fails it (E110)
    )
    read_memory_mb: int | None = (
        2048  # reading one file, or extracting one document, may allocate this much
    )
    # more; past it, E998; None: no cap


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


def load_document(path: str | os.PathLike[str], options: IngestOptions | None = None) -> Document:
    """Read, describe and structure one file as one document, even a book (no store involved)."""
    return load_documents(path, replace(options or IngestOptions(), split_books=False))[0][0]


def proc_status_bytes(field: str, pid: int | str = "self") -> int | None:
    """A memory figure of a process (``VmData``: heap and private mappings; ``VmRSS``: resident)
    in bytes, from /proc; None where there is none (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _data_bytes() -> int | None:
    """This process's data segment in bytes (see :func:`proc_status_bytes`)."""
    return proc_status_bytes("VmData")


@contextmanager
def memory_limit(extra_mb: int | None) -> Iterator[None]:
    """Let the code inside allocate at most ``extra_mb`` more MB; past it, allocations raise MemoryError.

    A last guard against hostile files that the readers' own caps miss (a run-length bomb, a
    parser's runaway list): the data-segment rlimit (``RLIMIT_DATA``, which Linux applies to the
    heap and private mappings) is lowered for the duration and restored after. Like
    :func:`time_limit` it acts in the main thread only (the CLI and the worker processes): an
    rlimit is per process, and a web server's threads share one.
    """
    used = (
        _data_bytes()
        if extra_mb and threading.current_thread() is threading.main_thread()
        else None
    )
    if used is None or extra_mb is None:
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = used + extra_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


class _Expired(BaseException):
    """The in-process alarm: a BaseException, so that a library's ``except Exception`` (a PDF
    reader's per-page guard, an HTML extractor's fallback) cannot swallow it and read on."""


@contextmanager
def time_limit(seconds: float | None, path: Path, doing: str = "reading") -> Iterator[None]:
    """Fail a file whose reading (or extraction: ``doing``) takes longer than ``seconds`` (a parser
    stuck on a hostile file, a text made of hundreds of thousands of sentences).

    Uses a real-time interval timer, so it applies in the main thread of the process; elsewhere
    (a web worker thread) the work runs without a limit. It repeats every second after it first
    fires, in case a bare ``except`` swallowed it. It cannot stop C code that never returns to
    the interpreter: the CLI and the web server read in supervised worker processes
    (:mod:`docket.parallel`) whose limits are kept from outside.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _Expired()

    def disarm() -> None:
        while True:  # the alarm may fire once more while it is being taken down
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                return
            except _Expired:
                continue

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        try:
            yield
        finally:
            disarm()
    except _Expired:
        disarm()  # again: the alarm may have fired before the first took it down
        raise ReaderTimeout(
            f"{doing} took longer than {seconds:g} s",
            path=str(path),
            hint="the file may be hostile or pathological; raise --timeout to allow more",
        ) from None


STAGE_HOOK: Callable[[str], None] | None = (
    None  # set in a supervised worker: told when each stage starts
)


@contextmanager
def file_limits(options: IngestOptions, path: Path, doing: str = "reading") -> Iterator[None]:
    """The per-file time limit and memory cap of ``options`` around one stage of one file."""
    if STAGE_HOOK is not None:
        STAGE_HOOK(doing)
    with time_limit(options.read_timeout_s, path, doing), memory_limit(options.read_memory_mb):
        yield


def load_documents(
    path: str | os.PathLike[str], options: IngestOptions | None = None
) -> tuple[list[Document], Book | None]:
    """Read one file into its documents: one, or one per country chapter when it is a multi-country book."""
    options = options or IngestOptions()
    p = Path(path)
    with file_limits(options, p):
        raw, result = read_file(
            p, max_text_bytes=options.max_text_bytes, max_pdf_bytes=options.max_pdf_bytes
        )
        book = (
            split_book(result, p.name) if result.format == "pdf" and options.split_books else None
        )
    if book is None:
        metadata = resolve_metadata(infer_metadata(result), p, options.metadata)
        return [
            _with_language_note(
                build_document(
                    type(raw)(path=str(p.resolve()), size=raw.size, sha256=raw.sha256),
                    result,
                    metadata,
                )
            )
        ], None
    publisher = options.metadata.get("publisher") or infer_metadata(result).publisher
    docs = []
    for ch in book.chapters:
        title = (
            f"{publisher} Report {book.edition}: {ch.country}"
            if publisher and book.edition
            else f"{p.stem}: {ch.country}"
        )
        period = options.metadata.get("period") or book.period
        language = options.metadata.get("language") or detect_language(ch.result.text)[0]
        metadata = Metadata(  # options.metadata holds values already coerced per field
            publisher,  # type: ignore[arg-type]
            ch.country,
            period,  # type: ignore[arg-type]
            title,
            (
                ("publisher", "flag" if "publisher" in options.metadata else "inferred"),
                ("country", "book chapter"),
                ("period", "flag" if "period" in options.metadata else "book edition"),
                ("title", "book chapter"),
                ("language", "flag" if "language" in options.metadata else "detected"),
            ),
            tuple(ch.facts.items()),
            language=language,  # type: ignore[arg-type]
        )
        where = type(raw)(
            path=f"{p.resolve()}#{slug(ch.country)}", size=raw.size, sha256=raw.sha256
        )
        docs.append(build_document(where, ch.result, metadata))
    return docs, book


def _with_language_note(doc: Document) -> Document:
    """``doc``, its notes saying so when its text mixes languages."""
    note = mixed_note(doc.metadata.language, [p.text for p in doc.paragraphs])
    return replace(doc, notes=(*doc.notes, note)) if note else doc


@dataclass(frozen=True)
class Prepared:
    """One file read and analysed, ready to be written: the pure half of ingesting it.

    ``records`` hold the file's documents; a record whose document id was already stored when
    the file was prepared carries no facts (``extracted`` is False) and is written only if it
    turns out to be new after all.
    """

    path: str
    records: tuple[DocumentRecord, ...] = ()
    extracted: tuple[bool, ...] = ()
    book_note: str | None = None  # set for a multi-country book
    failure: FileOutcome | None = None
    seconds: float = 0.0


def prepare_file(
    path: str | os.PathLike[str], options: IngestOptions, known_ids: Container[str] = frozenset()
) -> Prepared:
    """Read, structure and extract one file without touching a store; never raises for bad input.

    This is the expensive, parallel part of an ingest: it runs in a worker process or on a
    Dask worker. Documents whose id is in ``known_ids`` (already stored) are not re-extracted.
    """
    p = Path(path)
    t0 = time.perf_counter()
    try:
        docs, book = load_documents(p, options)
        records, extracted = [], []
        for doc in docs:
            fresh = options.extract and doc.id not in known_ids
            with file_limits(options, p, "extracting people and events"):
                mentions, events, entities = _facts(doc) if fresh else ([], [], [])
            records.append(
                DocumentRecord(doc, None, mentions, events, paragraph_topics(doc), entities)
            )
            extracted.append(fresh or not options.extract)
        note = None
        if book is not None:
            skipped = "; ".join(f"{label} (pp. {a}–{b})" for label, a, b in book.skipped)
            note = f"book of {len(docs)} country chapters, edition {book.edition}" + (
                f"; not chapters: {skipped}" if skipped else ""
            )
        return Prepared(
            str(p), tuple(records), tuple(extracted), note, seconds=time.perf_counter() - t0
        )
    except DocketError as exc:
        failure = FileOutcome(str(p), "failed", error=str(exc), error_code=exc.code)
    except MemoryError:
        cap = (
            f" (over the {options.read_memory_mb} MB allowed per file)"
            if options.read_memory_mb
            else ""
        )
        err: DocketError = MemoryLimit(
            f"out of memory while reading or extracting{cap}; raise --max-memory-mb if it is a "
            "genuine report",
            path=str(p),
        )
        failure = FileOutcome(str(p), "failed", error_code=err.code, error=str(err))
    except Exception as exc:
        err = InternalError(
            f"internal error {type(exc).__name__}: {exc} (please report this)", path=str(p)
        )
        failure = FileOutcome(str(p), "failed", error_code=err.code, error=str(err))
    return Prepared(
        str(p),
        failure=replace(failure, seconds=time.perf_counter() - t0),
        seconds=time.perf_counter() - t0,
    )


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


def _facts(doc: Document) -> tuple[list[Mention], list[Event], list[Entity]]:
    from docket.extract import analyse_document  # spaCy loads only when extraction runs

    facts = analyse_document(doc)
    return facts.mentions, facts.events, facts.entities


def iter_ingest(
    store: Store,
    files: list[Path],
    options: IngestOptions | None = None,
    *,
    workers: int = 1,
    cluster: str | None = None,
    isolate: bool = False,
) -> Iterator[FileOutcome]:
    """Ingest ``files``, yielding each outcome in input order as it is written.

    Reading and extraction run in ``workers`` local processes (``isolate``: a separate process
    even for one worker), or on the Dask cluster at ``cluster`` (a scheduler address); writing
    stays here, one transaction per file.
    """
    from docket.parallel import prepared_in_order

    options = options or IngestOptions()
    known: Container[str] = _StoredIds(store)
    if workers > 1 or cluster or isolate:  # worker processes cannot ask the store
        known = frozenset(d.id for d in store.list_documents()) if options.extract else frozenset()
    for prepared in prepared_in_order(
        files, options, known, workers=workers, cluster=cluster, isolate=isolate
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

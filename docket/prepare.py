"""The pure half of ingesting a file: read, describe, structure and analyse it, under limits.

Nothing here touches a store, so :mod:`docket.parallel` can run it in worker processes or on a
Dask cluster; :mod:`docket.pipeline` writes what it returns.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from docket.errors import DocketError, InternalError, MemoryLimit, ReaderTimeout
from docket.extract.topics import paragraph_topics
from docket.ingest.books import Book, split_book
from docket.ingest.language import detect_language, mixed_note
from docket.ingest.metadata import infer_metadata, resolve_metadata
from docket.ingest.readers import DEFAULT_MAX_PDF_BYTES, DEFAULT_MAX_TEXT_BYTES, read_file
from docket.ingest.structure import build_document
from docket.models import Document, DocumentRecord, Entity, Event, FileOutcome, Mention, Metadata
from docket.resolve.fold import slug


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


def _facts(doc: Document) -> tuple[list[Mention], list[Event], list[Entity]]:
    from docket.extract import analyse_document  # spaCy loads only when extraction runs

    facts = analyse_document(doc)
    return facts.mentions, facts.events, facts.entities

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
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from docket.errors import DocketError, ReaderTimeout
from docket.extract.link import slug
from docket.extract.topics import paragraph_topics
from docket.ingest.metadata import infer_metadata, resolve_metadata
from docket.ingest.readers import DEFAULT_MAX_PDF_BYTES, DEFAULT_MAX_TEXT_BYTES, read_file
from docket.ingest.structure import build_document
from docket.ingest.books import Book, split_book
from docket.models import Document, DocumentRecord, Entity, Event, FileOutcome, IngestReport, Mention, Metadata
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
    read_timeout_s: float | None = 300.0  # reading one file longer than this fails it (E110); None: no limit


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, found recursively in folders, or matched by glob patterns; sorted, de-duplicated.

    Sidecars (``*.meta.json``), manifests, READMEs and hidden files are metadata, not reports.
    Symlinked folders are not followed, so a link loop cannot hang the walk.
    """
    out: dict[str, Path] = {}
    for raw in paths:
        raw = str(raw)
        matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))] if glob.has_magic(raw) else [Path(raw)]
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


@contextmanager
def time_limit(seconds: float | None, path: Path) -> Iterator[None]:
    """Fail a file whose reading takes longer than ``seconds`` (a parser stuck on a hostile file).

    Uses a real-time interval timer, so it applies in the main thread of the process (the CLI);
    elsewhere (a web worker thread) the reader runs without a limit.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise ReaderTimeout(f"reading took longer than {seconds:g} s", path=str(path),
                            hint="the file may be hostile or pathological; raise --timeout to allow more")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_documents(path: str | os.PathLike[str], options: IngestOptions | None = None) -> tuple[list[Document], Book | None]:
    """Read one file into its documents: one, or one per country chapter when it is a multi-country book."""
    options = options or IngestOptions()
    p = Path(path)
    with time_limit(options.read_timeout_s, p):
        raw, result = read_file(p, max_text_bytes=options.max_text_bytes, max_pdf_bytes=options.max_pdf_bytes)
        book = split_book(result, p.name) if result.format == "pdf" and options.split_books else None
    if book is None:
        metadata = resolve_metadata(infer_metadata(result), p, options.metadata)
        return [build_document(type(raw)(path=str(p.resolve()), size=raw.size, sha256=raw.sha256), result,
                               metadata)], None
    publisher = options.metadata.get("publisher") or infer_metadata(result).publisher
    docs = []
    for ch in book.chapters:
        title = (f"{publisher} Report {book.edition}: {ch.country}" if publisher and book.edition
                 else f"{p.stem}: {ch.country}")
        period = options.metadata.get("period") or book.period
        metadata = Metadata(publisher, ch.country, period, title,  # type: ignore[arg-type]
                            (("publisher", "flag" if "publisher" in options.metadata else "inferred"),
                             ("country", "book chapter"), ("period", "flag" if "period" in options.metadata
                                                           else "book edition"), ("title", "book chapter")),
                            tuple(ch.facts.items()))
        where = type(raw)(path=f"{p.resolve()}#{slug(ch.country)}", size=raw.size, sha256=raw.sha256)
        docs.append(build_document(where, ch.result, metadata))
    return docs, book


def ingest_file(store: Store, path: Path, options: IngestOptions) -> FileOutcome:
    """Ingest one file into ``store``; never raises for bad input, returns a failed outcome instead."""
    t0 = time.perf_counter()
    try:
        docs, book = load_documents(path, options)
        if book is not None:
            return _ingest_book(store, path, docs, book, options, t0)
        doc = docs[0]
        previous = store.find_by_path(doc.source_path)
        if previous and previous.id == doc.id:
            status, replaced = "unchanged", None
        elif (same := store.find_by_id(doc.id)) is not None:
            return FileOutcome(str(path), "unchanged", document_id=doc.id,
                               note=f"same text as {same.source_path}", seconds=time.perf_counter() - t0)
        else:
            status, replaced = ("replaced", previous.id) if previous else ("added", None)
            mentions, events, entities = _facts(doc) if options.extract else ([], [], [])
            store.save_document(doc, replaces=replaced, mentions=mentions, events=events,
                                topics=paragraph_topics(doc), entities=entities)
            return FileOutcome(str(path), status, document_id=doc.id, replaced_id=replaced,
                               sections=len(doc.sections), paragraphs=len(doc.paragraphs), mentions=len(mentions),
                               events=len(events), seconds=time.perf_counter() - t0)
        return FileOutcome(str(path), status, document_id=doc.id, replaced_id=replaced,
                           sections=len(doc.sections), paragraphs=len(doc.paragraphs),
                           seconds=time.perf_counter() - t0)
    except DocketError as exc:
        return FileOutcome(str(path), "failed", error=str(exc), error_code=exc.code, seconds=time.perf_counter() - t0)
    except MemoryError:
        return FileOutcome(str(path), "failed", error=f"[E998] {path}: out of memory while reading",
                           error_code="E998", seconds=time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return FileOutcome(str(path), "failed",
                           error=f"[E999] {path}: internal error {type(exc).__name__}: {exc} (please report this)",
                           error_code="E999", seconds=time.perf_counter() - t0)


def _ingest_book(store: Store, path: Path, docs: list[Document], book: Book, options: IngestOptions,
                 t0: float) -> FileOutcome:
    """Store a book's chapters (new or changed ones) in one transaction: the whole book or nothing."""
    records: list[DocumentRecord] = []
    replaced_any = False
    for doc in docs:
        previous = store.find_by_path(doc.source_path)
        if previous and previous.id == doc.id:
            continue
        replaced_any = replaced_any or previous is not None
        mentions, events, entities = _facts(doc) if options.extract else ([], [], [])
        records.append(DocumentRecord(doc, previous.id if previous else None, mentions, events,
                                      paragraph_topics(doc), entities))
    store.save_documents(records)
    skipped = "; ".join(f"{label} (pp. {a}–{b})" for label, a, b in book.skipped)
    status = "unchanged" if not records else "replaced" if replaced_any else "added"
    return FileOutcome(str(path), status, document_id=docs[0].id,
                       note=f"book of {len(docs)} country chapters, edition {book.edition}, "
                            f"{len(records)} new or changed" + (f"; not chapters: {skipped}" if skipped else ""),
                       sections=sum(len(r.doc.sections) for r in records),
                       paragraphs=sum(len(r.doc.paragraphs) for r in records),
                       mentions=sum(len(r.mentions) for r in records), events=sum(len(r.events) for r in records),
                       seconds=time.perf_counter() - t0)


def _facts(doc: Document) -> tuple[list[Mention], list[Event], list[Entity]]:
    from docket.extract import analyse_document  # spaCy loads only when extraction runs

    facts = analyse_document(doc)
    return facts.mentions, facts.events, facts.entities


def iter_ingest(store: Store, files: list[Path], options: IngestOptions | None = None) -> Iterator[FileOutcome]:
    """Ingest ``files`` one by one, yielding each outcome as it completes."""
    options = options or IngestOptions()
    for f in files:
        yield ingest_file(store, f, options)


def ingest_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    options: IngestOptions | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest every report under ``paths``; ``on_file`` is called after each file (for progress)."""
    report = IngestReport()
    for outcome in iter_ingest(store, expand_paths(paths), options):
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return report


MANIFEST_COLUMNS = ("file", "publisher", "country", "year_covered", "title", "source", "first_page", "last_page")


def split_book_file(path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                    options: IngestOptions | None = None) -> tuple[Book, list[Path]]:
    """Write each country chapter of a book PDF as a text file in ``out_dir``, with a MANIFEST.tsv
    (the shape of ../shared/corpus/amnesty-annual/MANIFEST.tsv, plus pages and the fact box)."""
    import csv

    from docket.errors import UnsupportedFormat

    options = options or IngestOptions()
    docs, book = load_documents(path, options)
    if book is None:
        raise UnsupportedFormat("not a multi-country book: fewer than 8 country chapters found", path=str(path),
                                hint="ingest it as one document with `docket ingest`")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fact_keys = sorted({k for doc in docs for k, _ in doc.metadata.attributes})
    written: list[Path] = []
    rows = []
    for doc, ch in zip(docs, book.chapters):
        m = doc.metadata
        name = f"{slug(m.publisher or 'book')}_{slug(ch.country)}_{m.period or 'unknown'}.txt".replace("-", "_")
        (out / name).write_text(doc.text + "\n", "utf-8")
        written.append(out / name)
        facts = dict(m.attributes)
        rows.append([name, m.publisher or "", ch.country, m.period or "", m.title or "",
                     f"{Path(path).name} pages {ch.first_page}-{ch.last_page}", ch.first_page or "",
                     ch.last_page or "", *(facts.get(k, "") for k in fact_keys)])
    with (out / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow([*MANIFEST_COLUMNS, *(k.replace(" ", "_") for k in fact_keys)])
        w.writerows(rows)
    return book, [out / "MANIFEST.tsv", *written]

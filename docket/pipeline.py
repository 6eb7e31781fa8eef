"""The one place that chains the stages: read -> metadata -> structure -> store.

Each file is ingested in one store transaction, whole or not at all; a failing
file is reported with its path and reason and the batch goes on.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docket.errors import DocketError
from docket.extract.topics import paragraph_topics
from docket.ingest.metadata import infer_metadata, resolve_metadata
from docket.ingest.readers import DEFAULT_MAX_PDF_BYTES, DEFAULT_MAX_TEXT_BYTES, read_file
from docket.ingest.structure import build_document
from docket.models import Document, Entity, Event, FileOutcome, IngestReport, Mention
from docket.store.base import Store

_SKIP_NAMES = {"manifest.csv", "manifest.tsv", "readme.md", "readme.txt", "readme"}


@dataclass(frozen=True)
class IngestOptions:
    """Options for a batch; ``metadata`` values override everything inferred or read from sidecars."""

    metadata: dict[str, object] = field(default_factory=dict)
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
    max_pdf_bytes: int = DEFAULT_MAX_PDF_BYTES
    extract: bool = True  # extract people and events and store them with the document


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
    """Read, describe and structure one file (no store involved)."""
    options = options or IngestOptions()
    p = Path(path)
    raw, result = read_file(p, max_text_bytes=options.max_text_bytes, max_pdf_bytes=options.max_pdf_bytes)
    metadata = resolve_metadata(infer_metadata(result), p, options.metadata)
    raw = type(raw)(path=str(p.resolve()), size=raw.size, sha256=raw.sha256)
    return build_document(raw, result, metadata)


def ingest_file(store: Store, path: Path, options: IngestOptions) -> FileOutcome:
    """Ingest one file into ``store``; never raises for bad input, returns a failed outcome instead."""
    t0 = time.perf_counter()
    try:
        doc = load_document(path, options)
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

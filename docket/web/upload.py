"""The ingest page: curators upload reports; each is size- and type-checked, kept outside any served
path, read and analysed in a separate process under the per-file time and memory limits, and
ingested whole or not at all, with a per-file result."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from docket.errors import TooLarge, UnsupportedFormat
from docket.models import FileOutcome
from docket.numbers import parse_int
from docket.parallel import interrupted
from docket.pipeline import IngestOptions, iter_ingest
from docket.web.deps import SettingsDep, StoreDep, check_csrf, curator_of
from docket.web.pages import _page
from docket.web.settings import Settings

router = APIRouter(include_in_schema=False)
ALLOWED = {".txt", ".text", ".md", ".html", ".htm", ".pdf"}
MAX_FILES = 50


def upload_limiter(request: Request) -> anyio.CapacityLimiter:
    """The threads that wait on uploads being read ($DOCKET_UPLOADS, default 2): their own, so that
    slow or hostile uploads never hold the threads that render pages and the API."""
    state = request.app.state
    if getattr(state, "upload_limiter", None) is None:
        state.upload_limiter = anyio.CapacityLimiter(
            max(1, int(os.environ.get("DOCKET_UPLOADS", "2") or 2))
        )
    return state.upload_limiter


def safe_name(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no dots in front, only harmless characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    return base[:120] or "upload"


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    return _ingest_page(request, settings, None)


def _ingest_page(
    request: Request,
    settings: Settings,
    outcomes: list[FileOutcome | None] | None,
    status: int = 200,
) -> HTMLResponse:
    """The ingest form, with the outcomes of an upload when there was one."""
    return _page(
        request,
        "ingest.html",
        status_code=status,
        outcomes=outcomes,
        allowed=sorted(ALLOWED),
        max_mb=settings.max_upload_bytes // (1024 * 1024),
        limit_s=round(settings.upload_timeout_s),
    )


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_upload(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    published: Annotated[str, Form(max_length=10)] = "",
    accessed: Annotated[str, Form(max_length=10)] = "",
    publisher: Annotated[str, Form(max_length=200)] = "",
    country: Annotated[str, Form(max_length=100)] = "",
    period: Annotated[str, Form(max_length=4)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    language: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    if not curator_of(request):
        raise HTTPException(401, "log in with the curation token to ingest reports")
    check_csrf(request, csrf)
    if len(files) > MAX_FILES:
        raise HTTPException(413, f"at most {MAX_FILES} files per upload")
    # What the curator says about the reports, over what is read from them (as the CLI's flags): a
    # bad year is refused before any file is kept; a bad date fails the files, as in a manifest.
    source: dict[str, object] = {
        k: v.strip()
        for k, v in (
            ("url", url),
            ("published", published),
            ("accessed", accessed),
            ("publisher", publisher),
            ("country", country),
            ("title", title),
            ("language", language),
        )
        if v.strip()
    }
    if (
        period.strip()
    ):  # what the curator says overrides what is read from the text, as --period does
        year = parse_int(period.strip(), name="the year the events cover", maximum=2200)
        if year is not None and year < 1900:
            raise HTTPException(400, f"the year the events cover must be from 1900, got {year}")
        source["period"] = year
    outcomes: list[FileOutcome | None] = []  # in upload order; None: to be ingested (``paths``)
    paths: list[Path] = []
    for up in files:
        name = safe_name(up.filename or "")
        if Path(name).suffix.lower() not in ALLOWED:
            outcomes.append(
                FileOutcome(
                    name,
                    "failed",
                    error=f"{name}: not a report file (allowed: {', '.join(sorted(ALLOWED))})",
                    error_code=UnsupportedFormat.code,
                )
            )
            continue
        data = await up.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            outcomes.append(
                FileOutcome(
                    name,
                    "failed",
                    error=f"{name}: larger than the upload limit of "
                    f"{settings.max_upload_bytes // (1024 * 1024)} MB",
                    error_code=TooLarge.code,
                )
            )
            continue
        folder = settings.uploads / hashlib.sha256(data).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
        outcomes.append(None)
    status = 200
    if paths:  # read and extracted in a worker process, under the per-file time and memory limits
        options = IngestOptions(
            metadata=source,
            max_text_bytes=settings.max_upload_bytes,
            max_pdf_bytes=settings.max_upload_bytes,
            read_timeout_s=settings.upload_timeout_s,
        )
        stop, finished = threading.Event(), threading.Event()
        done: list[FileOutcome] = []

        def work() -> None:
            try:
                done.extend(iter_ingest(store, paths, options, isolate=True, stop=stop))
            finally:
                finished.set()

        try:
            await anyio.to_thread.run_sync(
                work, limiter=upload_limiter(request), abandon_on_cancel=True
            )
        except anyio.get_cancelled_exc_class():
            # The server is shutting down (SIGTERM, past its grace period): stop reading now so
            # that the process ends in seconds, and wait for the reading thread, so that the files
            # it finished are written (each whole) and the rest fail with E113. The answer (503)
            # reaches the curator only if the connection is still open.
            stop.set()
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(finished.wait, 30.0)
            status = 503
        outcome_of = list(done)  # the reading thread may still be ending: a copy of what it wrote
        for path in paths[len(outcome_of) :]:  # not reached in the time shutting down allows
            err = interrupted(path)
            outcome_of.append(FileOutcome(str(path), "failed", error=str(err), error_code=err.code))
        ingested = iter([_as_uploaded(o, path) for o, path in zip(outcome_of, paths)])
        outcomes = [o if o is not None else next(ingested) for o in outcomes]
    if any(o is not None and o.status in ("added", "replaced") for o in outcomes):
        await run_in_threadpool(store.refresh_search_index)
    return _ingest_page(request, settings, outcomes, status)


def _as_uploaded(outcome: FileOutcome, path: Path) -> FileOutcome:
    """The outcome as the curator should see it: named by the uploaded file, not by where the
    server keeps it; a refused file is not kept at all."""
    from dataclasses import replace

    if outcome.status == "failed":
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only when nothing else was kept there
    where = (str(path.resolve()), str(path))
    error = outcome.error
    for w in where:
        error = error.replace(w, path.name) if error else error
    note = outcome.note
    if note and note.startswith(
        "same text as "
    ):  # another stored file: its name, not its server path
        note = "same text as " + Path(note.removeprefix("same text as ")).name
    return replace(outcome, path=path.name, error=error, note=note)

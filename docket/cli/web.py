"""The web server command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from docket.cli import DbOption, _fail, app, err
from docket.errors import DocketError
from docket.store import open_store


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Server processes, each with its own caches (default: one per core and one more, at most 8).",
        ),
    ] = None,
    http: Annotated[
        str, typer.Option(help="HTTP parser: auto (httptools when installed), httptools or h11.")
    ] = "auto",
    loop: Annotated[
        str, typer.Option(help="Event loop: auto (uvloop when installed), uvloop or asyncio.")
    ] = "auto",
    data_dir: Annotated[
        str | None,
        typer.Option(
            "--data-dir",
            help="Where uploaded reports are kept (default: docket-data/ beside the database, or "
            "$DOCKET_DATA); never a served folder.",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Reverse proxies (comma-separated addresses) whose X-Forwarded-For names the client; "
            "none by default, so the header is ignored and cannot dodge the login throttle."
        ),
    ] = "",
) -> None:
    """The web UI and JSON API (/api/v1, docs at /api/docs). Curation needs a curator account or $DOCKET_TOKEN."""
    import os
    import secrets
    from pathlib import Path

    import uvicorn

    from docket.web.settings import Settings

    if http not in ("auto", "httptools", "h11") or loop not in ("auto", "uvloop", "asyncio"):
        _fail(
            DocketError(
                f"unknown --http {http!r} or --loop {loop!r}", hint="see docket serve --help"
            )
        )
    settings = Settings.from_env(db)
    workers = workers or default_workers()
    try:
        store = open_store(settings.db, create=False)
        curators = store.curators()
        store.close()
    except DocketError as exc:
        _fail(exc)
    # the worker processes build the app from the environment: one database, one session secret
    os.environ["DOCKET_DB"] = settings.db
    if data_dir:
        os.environ["DOCKET_DATA"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DOCKET_SECRET", secrets.token_urlsafe(32))
    if settings.token_hash:  # workers get the hash, never the plain token
        os.environ["DOCKET_TOKEN_HASH"] = settings.token_hash
        os.environ.pop("DOCKET_TOKEN", None)
    err.print(
        f"docket serving {escape(settings.db)} on http://{host}:{port}/ with {workers} "
        f"process{'es' if workers > 1 else ''} "
        + (
            "(curation enabled)"
            if settings.token_hash or curators
            else "(read-only: add a curator with `docket curator add NAME` or set DOCKET_TOKEN)"
        )
    )
    from docket.web.server import event_loop, http_protocol

    try:
        protocol = http_protocol(http)
    except ValueError as exc:
        _fail(DocketError(str(exc)))
    proxies = ",".join(p.strip() for p in forwarded_allow_ips.split(",") if p.strip())
    uvicorn.run(
        "docket.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        http=protocol,
        loop=event_loop(loop),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        # on SIGTERM, requests get this long to finish; uploads still being read are then stopped
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )


SHUTDOWN_GRACE_S = 5


def default_workers() -> int:
    """Server processes when ``--workers`` is not given: one per usable core and one more, at most 8.

    Measured on 2 cores over the whole ../shared corpus (bench/RESULTS.md, session 6): with 2
    processes, cached pages at 200 clients had p99 40-162 ms (each event loop holds many
    connections); with 4, pages rendered fresh lost a sixth of their throughput and their p99
    at 50 clients went from 90 to 160 ms (four processes sharing two cores). Three kept cached
    pages at 200 clients under 50 ms and fresh case files at 50 clients under 100 ms, with the
    most fresh pages per second. At most 8, because each process keeps its own caches (210-230
    MB over the whole corpus after serving its pages).
    """
    from docket.parallel import default_workers as cores  # one per usable core

    return min(8, cores() + 1)

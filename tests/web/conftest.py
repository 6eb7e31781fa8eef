"""Web fixtures: a database of the seed reports, an app on it, and a live server for the browser."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from docket.web.settings import Settings
from tests.conftest import copy_of, serve_in_thread

TOKEN = "test-token-5b1e"


@pytest.fixture(scope="package")
def seeded_db(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of(seeded_template, tmp_path_factory)


@pytest.fixture(scope="package")
def settings(seeded_db: Path) -> Settings:
    return Settings(db=str(seeded_db), token=TOKEN, data_dir=seeded_db.parent / "data")


@pytest.fixture(scope="package")
def live_server(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    base, stop = serve_in_thread(settings)
    yield base
    stop()


def start_docket_serve(
    db: Path, *flags: str, token: str, env: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start ``docket serve`` on ``db`` as a user does (a separate process, on a free loopback
    port, with ``flags``, curation by ``token``, and ``env`` added to the environment): its base
    URL once it answers, and the process (the caller stops it)."""
    import os
    import socket
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environment = {**os.environ, "DOCKET_TOKEN": token, "DOCKET_WARM_UP": "0", **(env or {})}
    environment.pop("DOCKET_DATA", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "docket", "serve", "--db", str(db), "--port", str(port), *flags],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/static/docket.css", timeout=2)
            return base, server
        except httpx.HTTPError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError("the server did not start") from None
            time.sleep(0.3)


@contextlib.contextmanager
def docket_serve(db: Path, *flags: str, token: str) -> Iterator[str]:
    """``docket serve`` on the database ``db`` (see :func:`start_docket_serve`): its base URL,
    stopped afterwards."""
    base, server = start_docket_serve(db, *flags, token=token)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)

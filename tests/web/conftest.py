"""Web fixtures: a database of the seed reports, an app on it, and a live server for the browser."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from docket.web import create_app
from docket.web.settings import Settings
from tests.conftest import copy_of

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

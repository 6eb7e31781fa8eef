"""Shared fixtures: the real reports in ../shared and a fresh store per test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from docket.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds"
CORPUS = SHARED / "corpus"

FLATTENED_HRW = SEEDS / "001_4bef5a0b70577191.txt"
STATE_DEPT = SEEDS / "002_ca87da13deb4d5d1.txt"


def seed_files() -> list[Path]:
    """The five seed reports."""
    return sorted(SEEDS.glob("0*.txt"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long fuzz and crash loops run only when asked for by name (``pytest -m long``)."""
    if "long" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="long loop: run with pytest -m long")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _require_shared() -> None:
    if not SEEDS.is_dir():
        pytest.exit(f"the real reports are expected in {SEEDS}", returncode=3)


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def gold_documents() -> dict[str, dict]:
    return {d["file"]: d for d in json.loads((GOLD / "documents.json").read_text())}


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds ingested once per run; tests get copies (``seeded``, ``seeded_copy``)."""
    from docket.pipeline import ingest_paths

    path = tmp_path_factory.mktemp("seeded") / "seeds.db"
    s = SQLiteStore(path)
    ingest_paths(s, [SEEDS])
    s.close()  # the last connection checkpoints the WAL into the file
    return path


def copy_of(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of a database file."""
    import shutil

    copy = tmp_path_factory.mktemp("db") / template.name
    shutil.copyfile(template, copy)
    return copy


@pytest.fixture(scope="module")
def seeded_copy(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the seeded database file, for one test module."""
    return copy_of(seeded_template, tmp_path_factory)


@pytest.fixture(scope="module")
def seeded(seeded_copy: Path):
    """A store over a private copy of the seeded database."""
    s = SQLiteStore(seeded_copy)
    yield s
    s.close()


def serve_in_thread(settings: object) -> tuple[str, Callable[[], None]]:
    """Serve the web app with ``settings`` on a free loopback port in a thread: (base URL, stop)."""
    import socket
    import threading
    import time

    import uvicorn

    from docket.web import create_app

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

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture
def live_server_factory():
    """Start the web app over a database (read-only settings); every server stops after the test."""
    from docket.web.settings import Settings

    stops = []

    def start(db: Path) -> str:
        base, stop = serve_in_thread(Settings(db=str(db)))
        stops.append(stop)
        return base

    yield start
    for stop in stops:
        stop()

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


def seed_folder(tmp_path: Path) -> Path:
    """A folder of copies of the seed reports, for tests that change a report and ingest it again."""
    import shutil

    folder = tmp_path / "reports"
    folder.mkdir()
    for f in seed_files():
        shutil.copy(f, folder / f.name)
    return folder


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
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
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


def _postgres_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory):
    """A throwaway PostgreSQL server on loopback for the backend tests: ``$DOCKET_TEST_PG`` if set,
    else Debian's ``postgresql`` (installed with apt-get when missing, as CI does), started from a
    fresh data folder and stopped at the end. Skipped where none can be had."""
    import os
    import shutil
    import socket
    import subprocess

    if os.environ.get("DOCKET_TEST_PG"):
        yield os.environ["DOCKET_TEST_PG"].rstrip("/")
        return
    bindir = _postgres_bindir()
    if bindir is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "postgresql"],
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql)")
    import tempfile

    folder = Path(
        tempfile.mkdtemp(prefix="docket-pg-")
    )  # not under pytest's 0700 folders: postgres must enter
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "docket",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://docket@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the test server (dropped afterwards)."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{pg_server}/{name}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

"""Concurrency (issue 9): two ingests at once, curation during an ingest, the web server reading
while an ingest writes. SQLite in WAL mode lets readers go on during a write; writers take the
write lock in turn (BEGIN IMMEDIATE with a busy timeout), so nothing is lost or half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from docket.resolve.curate import record
from docket.store import SQLiteStore
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]


def _folder(tmp: Path, name: str, files: list[Path]) -> Path:
    folder = tmp / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def _ingest(db: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docket.cli",
            "ingest",
            str(folder),
            "--db",
            str(db),
            "--json",
            "--no-extract",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_two_ingests_and_a_curator_at_once(tmp_path: Path) -> None:
    reports = sorted((CORPUS / "freedom-house").glob("*.txt"))
    a = _folder(tmp_path, "a", reports[:40])
    b = _folder(tmp_path, "b", reports[40:80])
    db = tmp_path / "shared.db"
    SQLiteStore(db).close()
    first, second = _ingest(db, a), _ingest(db, b)
    store = SQLiteStore(db)
    decisions = []
    while first.poll() is None or second.poll() is None:
        decisions.append(
            record(
                store,
                "split",
                "Aset Mataev",
                "Seitkazy Mataev",
                who="curator",
                why=f"during ingest {len(decisions)}",
            ).id
        )
        time.sleep(0.2)
    outputs = [json.loads(p.stdout.read()) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    assert [o["counts"]["added"] for o in outputs] == [40, 40]
    assert store.counts()["documents"] == 80 and store.integrity_check() == "ok"
    assert [e.id for e in store.curation_log()] == decisions and len(decisions) >= 2
    store.close()


def test_the_web_server_keeps_reading_during_an_ingest(live_server_factory, tmp_path: Path) -> None:
    reports = sorted((CORPUS / "freedom-house").glob("*.txt"))
    db = tmp_path / "served.db"
    SQLiteStore(db).close()
    base = live_server_factory(db)
    ingest = _ingest(db, _folder(tmp_path, "c", reports[:60]))
    statuses, seen = [], []
    while ingest.poll() is None:
        with urllib.request.urlopen(base + "/api/v1/documents", timeout=30) as r:
            statuses.append(r.status)
            seen.append(len(json.loads(r.read())))
        with urllib.request.urlopen(base + "/search?q=elections", timeout=30) as r:
            statuses.append(r.status)
    assert ingest.returncode == 0
    assert set(statuses) == {200} and len(statuses) >= 4
    assert seen == sorted(seen) and seen[-1] <= 60  # documents appear whole, one by one


def test_two_ingests_of_the_same_files_on_a_new_database(tmp_path: Path) -> None:
    """Both start on a database path that does not exist yet: the migrations are applied once
    (the second waits, then finds them done), and every file is stored once: added by one
    ingest, unchanged for the other; never an internal error."""
    reports = sorted((CORPUS / "freedom-house").glob("*.txt"))[:30]
    folder = _folder(tmp_path, "same", reports)
    db = tmp_path / "new.db"
    runs = [_ingest(db, folder) for _ in range(2)]
    outputs = [json.loads(p.communicate(timeout=600)[0]) for p in runs]
    assert [p.returncode for p in runs] == [0, 0]
    statuses = [sorted({f["path"]: f["status"] for f in o["files"]}.items()) for o in outputs]
    for (path, one), (_, two) in zip(*statuses):
        assert {one, two} == {"added", "unchanged"}, (path, one, two)
    store = SQLiteStore(db)
    assert store.counts()["documents"] == 30 and store.integrity_check() == "ok"
    store.close()


def test_a_document_stored_meanwhile_is_reported_unchanged(tmp_path: Path, monkeypatch) -> None:
    """The writer looked (nothing at this path), another process stored the file, then the write
    hit the unique path: it decides again instead of failing with E999."""
    from docket.pipeline import IngestOptions, prepare_file, write_prepared

    report = sorted((CORPUS / "freedom-house").glob("*.txt"))[0]
    options = IngestOptions(extract=False)
    prepared = prepare_file(report, options)
    other = SQLiteStore(tmp_path / "db.sqlite")
    assert write_prepared(other, prepared, options).status == "added"
    store = SQLiteStore(tmp_path / "db.sqlite")
    looks = []
    real = store.find_by_path

    def stale_once(path: str):
        looks.append(path)
        return None if len(looks) == 1 else real(path)

    monkeypatch.setattr(store, "find_by_path", stale_once)
    monkeypatch.setattr(
        store, "find_by_id", lambda i: None if len(looks) == 1 else SQLiteStore.find_by_id(store, i)
    )
    outcome = write_prepared(store, prepared, options)
    assert outcome.status == "unchanged" and outcome.error_code is None, outcome
    assert len(looks) == 2 and store.counts()["documents"] == 1
    store.close()
    other.close()


def _open_after(barrier, path: str, results) -> None:
    barrier.wait()
    try:
        SQLiteStore(path).close()
        results.put("ok")
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_database_at_once_apply_the_migrations_once(tmp_path: Path) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for attempt in range(10):
        path = str(tmp_path / f"fresh{attempt}.db")
        barrier, results = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_open_after, args=(barrier, path, results)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        assert sorted(results.get(timeout=5) for _ in procs) == ["ok"] * len(procs)
        store = SQLiteStore(path)
        assert store.integrity_check() == "ok"
        store.close()

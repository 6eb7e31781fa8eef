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
    return subprocess.Popen([sys.executable, "-m", "docket.cli", "ingest", str(folder), "--db", str(db), "--json",
                             "--no-extract"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


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
        decisions.append(record(store, "split", "Aset Mataev", "Seitkazy Mataev", who="curator",
                                why=f"during ingest {len(decisions)}").id)
        time.sleep(0.2)
    outputs = [json.loads(p.stdout.read()) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    assert [o["counts"]["added"] for o in outputs] == [40, 40]
    assert store.counts()["documents"] == 80 and store.integrity_check() == "ok"
    assert [e.id for e in store.curation_log()] == decisions and len(decisions) >= 2
    store.close()


def test_the_web_server_keeps_reading_during_an_ingest(live_server_factory, tmp_path: Path) -> None:  # noqa: ANN001
    reports = sorted((CORPUS / "freedom-house").glob("*.txt"))
    db = tmp_path / "served.db"
    SQLiteStore(db).close()
    base = live_server_factory(db)
    ingest = _ingest(db, _folder(tmp_path, "c", reports[:60]))
    statuses, seen = [], []
    while ingest.poll() is None:
        with urllib.request.urlopen(base + "/api/v1/documents", timeout=30) as r:  # noqa: S310 - loopback
            statuses.append(r.status)
            seen.append(len(json.loads(r.read())))
        with urllib.request.urlopen(base + "/search?q=elections", timeout=30) as r:  # noqa: S310 - loopback
            statuses.append(r.status)
    assert ingest.returncode == 0
    assert set(statuses) == {200} and len(statuses) >= 4
    assert seen == sorted(seen) and seen[-1] <= 60  # documents appear whole, one by one

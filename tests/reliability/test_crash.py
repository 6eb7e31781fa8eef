"""Crash safety (issue 9): ``docket ingest`` killed with SIGKILL at random points of a batch.

After every kill the database passes ``PRAGMA integrity_check`` (and FTS5's own check), every
document in it is complete (the same sections, paragraphs and facts as in an undisturbed
ingest), curated decisions made before the batch are intact, and running the batch again
completes it. The default run kills 4 batches; ``pytest -m long`` kills 50.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docket.pipeline import IngestOptions, ingest_paths
from docket.resolve.curate import record
from docket.store import SQLiteStore
from tests.conftest import CORPUS, SEEDS

ROOT = Path(__file__).resolve().parents[2]


def _batch(tmp: Path) -> Path:
    folder = tmp / "batch"
    folder.mkdir()
    for f in sorted((CORPUS / "freedom-house").glob("*.txt"))[:30]:
        shutil.copy(f, folder / f.name)
    for f in sorted(SEEDS.glob("0*.txt")):
        shutil.copy(f, folder / f.name)
    return folder


def _shape(store: SQLiteStore) -> dict[str, tuple]:
    """Per source file: (sections, paragraphs, mentions, events) of its document."""
    out = {}
    for d in store.list_documents():
        mentions, events = store.document_facts(d.id)
        out[Path(d.source_path).name] = (d.sections, d.paragraphs, len(mentions), len(events))
    return out


def _ingest(db: Path, folder: Path, extract: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "docket.cli", "ingest", str(folder), "--db", str(db), "--json"]
    if not extract:
        cmd.append("--no-extract")
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_loop(tmp_path: Path, runs: int, seed: int = 5) -> list[int]:
    """Kill ``runs`` ingests at random moments; return how many documents each left behind."""
    rng = random.Random(seed)
    folder = _batch(tmp_path)
    reference = {}
    for extract in (False, True):
        ref = SQLiteStore(tmp_path / f"reference-{extract}.db")
        ingest_paths(ref, [folder], IngestOptions(extract=extract))
        reference[extract] = _shape(ref)
        ref.close()
    left: list[int] = []
    for run in range(runs):
        extract = run % 3 == 2  # most runs without extraction, so kills land in writes more often
        db = tmp_path / f"crash-{run}.db"
        store = SQLiteStore(db)
        entry = record(
            store, "split", "Aset Mataev", "Seitkazy Mataev", who="tester", why=f"run {run}"
        )
        store.close()
        proc = _ingest(db, folder, extract)
        # Kill once a random number of documents is stored (plus a random few milliseconds, so the
        # kill lands inside the next document's write as often as between two): a fixed sleep
        # missed the batch entirely on a fast or a loaded machine.
        _wait_for_documents(db, rng.randint(1, 34), proc)
        time.sleep(rng.uniform(0.0, 0.08))
        workers = _children(proc.pid)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [
            w for w in workers if Path(f"/proc/{w}").exists() and _children_zombie(w) is False
        ], "worker processes outlived the killed ingest"
        store = SQLiteStore(db)
        assert store.integrity_check() == "ok", run
        shape = _shape(store)
        for name, counts in shape.items():
            assert counts == reference[extract][name], (run, name)  # complete, or absent
        assert [e.id for e in store.curation_log()] == [entry.id]
        left.append(len(shape))
        store.close()
        done = _ingest(db, folder, extract)
        assert done.wait(timeout=600) == 0, run
        store = SQLiteStore(db)
        assert _shape(store) == reference[extract] and store.integrity_check() == "ok"
        store.close()
    return left


def _wait_for_documents(db: Path, n: int, proc: subprocess.Popen, limit: float = 300.0) -> None:
    """Return once ``db`` holds ``n`` documents, the ingest has exited, or ``limit`` seconds passed."""
    import sqlite3

    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
            try:
                if con.execute("SELECT count(*) FROM documents").fetchone()[0] >= n:
                    return
            finally:
                con.close()
        except sqlite3.Error:
            pass  # locked or mid-migration: look again
        time.sleep(0.02)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the ingest's worker processes), read from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _children_zombie(pid: int) -> bool | None:
    """Whether ``pid`` is a zombie (dead, not yet reaped: it holds nothing); None when gone."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) == "Z"
    except OSError:
        return None


def test_killed_ingests_leave_a_consistent_database(tmp_path: Path) -> None:
    left = kill_loop(tmp_path, 4)
    assert any(0 < n < 35 for n in left), left  # at least one kill landed mid-batch


@pytest.mark.long
def test_fifty_killed_ingests(tmp_path: Path) -> None:
    left = kill_loop(tmp_path, 50, seed=2026)
    print("documents left by each killed batch:", left)

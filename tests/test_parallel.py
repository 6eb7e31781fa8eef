"""Parallel and distributed extraction (issue 8): the same database whichever way it ran."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Container
from pathlib import Path

import pytest
from conftest import SEEDS, seed_files
from typer.testing import CliRunner

from docket.cli import app
from docket.parallel import prepared_in_order
from docket.pipeline import IngestOptions, Prepared, ingest_paths, prepare_file
from docket.store import SQLiteStore


def _facts(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(q).fetchall()
            for q in (
                "SELECT id, text FROM documents ORDER BY id",
                'SELECT document_id, start, "end", text, source FROM mentions ORDER BY 1, 2, 3',
                'SELECT document_id, paragraph, start, "end", type, date, charge, sanction FROM events ORDER BY 1, 3, 5, 6',
                "SELECT count(*) FROM entities",
            )
        )
    finally:
        con.close()


def test_two_workers_store_what_one_stores(seeded_template: Path, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "w2.db")
    report = ingest_paths(store, [SEEDS], workers=2)
    assert [o.status for o in report.outcomes] == ["added"] * 5
    assert [Path(o.path).name for o in report.outcomes] == [
        f.name for f in seed_files()
    ]  # input order
    counts = store.counts()
    store.close()
    reference = SQLiteStore(seeded_template)
    assert counts == reference.counts()
    reference.close()
    assert _facts(tmp_path / "w2.db") == _facts(seeded_template)


def test_unchanged_files_are_not_extracted_again_in_workers(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "a.db")
    ingest_paths(store, seed_files()[:2], IngestOptions(extract=False))
    again = ingest_paths(store, seed_files()[:3], workers=2)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged", "added"]
    store.close()


def die_on_poison(path: str, options: IngestOptions, known: Container[str]) -> Prepared:
    """A preparer whose worker process dies on one file, as a parser crash or the OOM killer would."""
    if path.endswith("poison.txt"):
        os._exit(9)
    return prepare_file(path, options, known)


def _reports(folder: Path, n: int, *, poison_at: int) -> list[Path]:
    """``n`` small reports, the one at ``poison_at`` named poison.txt (see :func:`die_on_poison`)."""
    files = []
    for i in range(n):
        f = folder / ("poison.txt" if i == poison_at else f"r{i}.txt")
        f.write_text(
            f"Report {i}\n\nThe court in Almaty sentenced a journalist on {i + 1} May 2024.\n",
            "utf-8",
        )
        files.append(f)
    return files


def test_a_dying_worker_fails_only_its_file(tmp_path: Path) -> None:
    files = _reports(tmp_path, 5, poison_at=2)
    out = list(
        prepared_in_order(
            files, IngestOptions(extract=False), frozenset(), workers=2, prepare=die_on_poison
        )
    )
    assert [Path(p.path).name for p in out] == [f.name for f in files]
    failed = [p for p in out if p.failure is not None]
    assert [Path(p.path).name for p in failed] == ["poison.txt"]
    assert failed[0].failure.error_code == "E111" and "poison.txt" in failed[0].failure.error


def test_a_pool_broken_between_two_results_fails_only_the_culprit(tmp_path: Path) -> None:
    # The window is refilled after each result; when the poison file kills the pool while the
    # caller is busy with a result, the next submit finds the pool broken. That must go through
    # the same retry as a broken result (it once escaped as BrokenProcessPool, by timing).
    files = _reports(tmp_path, 6, poison_at=1)
    results = prepared_in_order(
        files, IngestOptions(extract=False), frozenset(), workers=2, prepare=die_on_poison
    )
    first = next(results)
    time.sleep(2.0)  # the poison file is read meanwhile, and the pool breaks
    out = [first, *results]
    assert [Path(p.path).name for p in out] == [f.name for f in files]
    assert [Path(p.path).name for p in out if p.failure is not None] == ["poison.txt"]
    assert all(p.failure is None for p in out if Path(p.path).name != "poison.txt")


def test_dask_local_cluster_stores_what_local_processes_store(
    seeded_template: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        store = SQLiteStore(tmp_path / "dask.db")
        report = ingest_paths(store, [SEEDS], cluster=cluster.scheduler_address)
        store.close()
    assert [o.status for o in report.outcomes] == ["added"] * 5
    assert _facts(tmp_path / "dask.db") == _facts(seeded_template)


def test_unreachable_cluster_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            str(seed_files()[0]),
            "--db",
            str(tmp_path / "x.db"),
            "--cluster",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code != 0
    assert "E700" in result.output and "tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_a_stop_fails_the_files_not_yet_read_and_keeps_those_read(tmp_path: Path) -> None:
    """Issue 18 (SIGTERM during uploads): once ``stop`` is set, the files being read and those
    not begun fail with E113, each naming its file; the files already read are kept as read."""
    import threading

    files = _reports(tmp_path, 6, poison_at=-1)  # none poisoned
    stop = threading.Event()
    results = prepared_in_order(
        files, IngestOptions(extract=False), frozenset(), workers=1, isolate=True, stop=stop
    )
    first = next(results)
    stop.set()
    out = [first, *results]
    assert [Path(p.path).name for p in out] == [f.name for f in files]
    assert first.failure is None and first.records
    stopped = [p for p in out if p.failure is not None]
    assert len(stopped) >= len(files) - 2  # at most one more file was done before the stop
    assert all(
        p.failure.error_code == "E113" and Path(p.path).name in p.failure.error for p in stopped
    )

"""``docket serve`` as a user runs it: two uvicorn worker processes (httptools on uvloop) serving
pages with their security headers, and stopping on SIGTERM with no process left."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _children(pid: int) -> set[int]:
    """Descendants of ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


def test_serve_answers_pages_and_stops_on_sigterm(seeded_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    shutil.copy(seeded_db, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docket",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/static/docket.css", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        for _ in range(4):  # both worker processes, most likely
            with urllib.request.urlopen(base + "/search?q=Bokayev", timeout=60) as r:
                assert r.status == 200 and "Bokayev" in r.read().decode()
                assert "default-src" in r.headers["content-security-policy"]
            with urllib.request.urlopen(base + "/persons/max-bokayev", timeout=60) as r:
                assert r.status == 200 and r.headers["x-frame-options"] == "DENY"
        workers = _children(proc.pid)
        assert workers
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code in (0, -signal.SIGTERM), proc.stderr.read().decode()  # type: ignore[union-attr]
    time.sleep(0.5)
    left = {
        p
        for p in workers
        if Path(f"/proc/{p}").exists()
        and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
    }
    assert not left, f"processes left behind: {left}"


def test_serve_runs_a_process_per_core_and_one_more_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docket.cli.web import default_workers

    for cores, expected in ((1, 2), (2, 3), (4, 5), (16, 8)):
        monkeypatch.setattr(
            os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False
        )
        assert default_workers() == expected


def test_serve_keeps_uploads_in_the_data_dir_it_is_given(seeded_db: Path, tmp_path: Path) -> None:
    import httpx

    from tests.web.conftest import docket_serve

    db = tmp_path / "served.db"
    shutil.copy(seeded_db, db)
    data = tmp_path / "kept-uploads"
    token = "t0ken-for-the-data-dir"
    with (
        docket_serve(db, "--workers", "1", "--data-dir", str(data), token=token) as base,
        httpx.Client(base_url=base, timeout=120) as c,
    ):
        csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        c.post("/login", data={"name": "ana", "token": token, "csrf": csrf})
        csrf = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        note = (
            b"A note\n\nOn 3 May 2024 the police in Almaty detained the journalist Aigul Utepova.\n"
        )
        r = c.post(
            "/ingest", files=[("files", ("note.txt", note, "text/plain"))], data={"csrf": csrf}
        )
        assert r.status_code == 200 and "added" in r.text
    assert [p.name for p in data.rglob("*") if p.is_file()] == ["note.txt"]
    assert not (db.parent / "docket-data").exists()

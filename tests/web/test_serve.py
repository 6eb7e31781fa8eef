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
    proc = subprocess.Popen([sys.executable, "-m", "docket", "serve", "--db", str(db), "--port", str(port),
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/static/docket.css", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        for _ in range(4):  # both worker processes, most likely
            with urllib.request.urlopen(base + "/search?q=Bokayev", timeout=60) as r:  # noqa: S310
                assert r.status == 200 and "Bokayev" in r.read().decode()
                assert "default-src" in r.headers["content-security-policy"]
            with urllib.request.urlopen(base + "/persons/max-bokayev", timeout=60) as r:  # noqa: S310
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
    left = {p for p in workers if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text()
            .rsplit(")", 1)[1].split()[0]}
    assert not left, f"processes left behind: {left}"


def test_serve_runs_a_process_per_core_and_one_more_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from docket.cli.web import default_workers

    for cores, expected in ((1, 2), (2, 3), (4, 5), (16, 8)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False)
        assert default_workers() == expected

"""Reading under limits no library can swallow (issue 18, findings 1-3).

Each hostile file is generated here (``generators``). The CLI and the web server read every file
in a supervised worker process whose time and memory limits are kept from outside; in-process
reading (the library's one-worker path) uses an alarm that a parser's ``except Exception``
cannot catch. Whatever happens, a file is stored whole or refused with one line naming it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from docket.ingest import pdf as pdf_reader
from docket.pipeline import IngestOptions, ingest_file
from tests.conftest import serve_in_thread
from tests.reliability.generators import (
    attribute_bomb_html,
    deep_tables_html,
    form_fanout_pdf,
    huge_attribute_html,
    many_pages_pdf,
    repeated_contents_pdf,
)

HANG_GUARD_S = 240  # far above any limit used here: reached only if a limit did not hold


def _ingest(*args: str | Path) -> tuple[list[dict], str, int]:
    """``docket ingest ARGS --json`` in a fresh process: its outcomes, standard error and exit code."""
    r = subprocess.run(
        [sys.executable, "-m", "docket", "ingest", *map(str, args), "--json"],
        capture_output=True,
        timeout=HANG_GUARD_S,
    )
    return json.loads(r.stdout)["files"], r.stderr.decode(errors="replace"), r.returncode


def test_an_attribute_bomb_fails_with_e110_within_the_time_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html"
    bomb.write_text(attribute_bomb_html(), "utf-8")
    files, stderr, code = _ingest(bomb, "--db", tmp_path / "x.db", "--timeout", "5")
    assert code == 1 and [f["error_code"] for f in files] == ["E110"], files
    assert "bomb.html" in files[0]["error"] and "took longer than 5 s" in files[0]["error"]
    assert (
        files[0]["seconds"] < HANG_GUARD_S / 4
    )  # the worker was stopped near the limit, not left to finish
    assert "Traceback" not in stderr


def test_pdfs_that_exhaust_memory_get_one_clean_error_alone_and_in_a_batch(tmp_path: Path) -> None:
    """7 levels of Form XObjects, each drawing the next 10 times (pdfminer recurses until memory
    runs out, and CPython may abort), and one stream named 100,000 times as the page's contents:
    each file fails alone, with no native stack dump on stderr."""
    good = tmp_path / "good.txt"
    good.write_text(
        "Kazakhstan\n\nOn 3 May 2024 the police in Almaty detained the journalist Aigul Utepova.\n"
    )
    limits = ("--max-memory-mb", "300", "--timeout", "60", "--no-extract")
    # and a 600 KB PDF whose /Contents names one stream 100,000 times
    for name, data in (
        ("fanout.pdf", form_fanout_pdf()),
        ("repeated.pdf", repeated_contents_pdf()),
    ):
        bomb = tmp_path / name
        bomb.write_bytes(data)
        for args in ((bomb,), (bomb, good)):
            files, stderr, code = _ingest(
                *args, "--db", tmp_path / f"{name}{len(args)}.db", *limits
            )
            by_name = {Path(f["path"]).name: f for f in files}
            assert code == 1 and by_name[name]["error_code"] in {"E998", "E111", "E110"}, files
            assert name in by_name[name]["error"] and "\n" not in by_name[name]["error"]
            assert "Fatal Python error" not in stderr and "Traceback" not in stderr, stderr[-2000:]
            if good in args:
                assert by_name["good.txt"]["status"] == "added"


def test_a_long_pdf_under_a_tight_limit_is_refused_whole_or_stored_whole(tmp_path: Path) -> None:
    """The alarm once fired inside one page, was filed as a damaged page, and the rest was read
    without a limit: a different page missing on each run. Now the same outcome every run."""
    book = tmp_path / "pages.pdf"
    book.write_bytes(many_pages_pdf(120))
    runs = [
        _ingest(book, "--db", tmp_path / f"r{i}.db", "--timeout", "1", "--no-extract")[0][0]
        for i in range(2)
    ]
    assert {(r["status"], r["error_code"], r["document_id"]) for r in runs} in (
        {("failed", "E110", None)},
        {("added", None, runs[0]["document_id"])},
    )
    whole, _, _ = _ingest(book, "--db", tmp_path / "whole.db", "--no-extract")
    assert whole[0]["status"] == "added" and not whole[0]["note"]
    import sqlite3

    con = sqlite3.connect(tmp_path / "whole.db")
    (text,) = con.execute("SELECT text FROM documents").fetchone()
    con.close()
    assert set(map(int, re.findall(r"Page marker (\d+)", text))) == set(range(1, 121))


def test_an_alarm_inside_a_page_fails_the_file_in_process(
    store, tmp_path: Path, monkeypatch
) -> None:
    """In-process reading: a page stuck past the limit fails the whole file (E110), though the PDF
    reader files any ``Exception`` from a page as damage and reads on."""
    book = tmp_path / "pages.pdf"
    book.write_bytes(many_pages_pdf(12))
    real = pdf_reader._page_lines

    def slow_on_page_6(page, number):
        if number == 6:
            time.sleep(HANG_GUARD_S / 8)
        return real(page, number)

    monkeypatch.setattr(pdf_reader, "_page_lines", slow_on_page_6)
    outcome = ingest_file(store, book, IngestOptions(extract=False, read_timeout_s=1))
    assert outcome.status == "failed" and outcome.error_code == "E110", outcome
    assert store.list_documents() == []


def test_the_server_answers_while_two_hostile_uploads_are_read(
    seeded_template: Path, tmp_path: Path
) -> None:
    import shutil

    from docket.web.settings import Settings

    db = tmp_path / "up.db"
    shutil.copy(seeded_template, db)
    base, stop = serve_in_thread(
        Settings(
            db=str(db), token="t0ken-for-tests", data_dir=tmp_path / "data", upload_timeout_s=8
        )
    )
    bomb = attribute_bomb_html(60_000).encode()
    results: list[httpx.Response] = []
    try:

        def upload(n: int) -> None:
            with httpx.Client(base_url=base, timeout=HANG_GUARD_S) as c:
                csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                c.post(
                    "/login", data={"name": f"curator{n}", "token": "t0ken-for-tests", "csrf": csrf}
                )
                csrf = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                results.append(
                    c.post(
                        "/ingest",
                        files=[("files", (f"bomb{n}.html", bomb, "text/html"))],
                        data={"csrf": csrf},
                    )
                )

        uploads = [threading.Thread(target=upload, args=(n,)) for n in range(2)]
        for t in uploads:
            t.start()
        time.sleep(3)  # both are being read now
        slowest = 0.0
        with httpx.Client(base_url=base, timeout=30) as c:
            for _i, path in enumerate(
                [
                    "/static/docket.css",
                    f"/search?q=court{time.time_ns()}",
                    "/api/v1/documents",
                    "/static/docket.css",
                ]
            ):
                t0 = time.perf_counter()
                assert c.get(path).status_code == 200, path
                slowest = max(slowest, time.perf_counter() - t0)
        busy = all(t.is_alive() for t in uploads)
        for t in uploads:
            t.join(timeout=HANG_GUARD_S)
    finally:
        stop()
    assert busy, (
        "the uploads finished before the server was asked anything: the probe proved nothing"
    )
    assert slowest < 2.0, slowest  # not held behind the uploads (they take the 8 s limit)
    assert len(results) == 2 and all(r.status_code == 200 and "E110" in r.text for r in results)


def test_sigterm_stops_the_server_in_seconds_while_an_upload_is_read(
    seeded_template: Path, tmp_path: Path
) -> None:
    """Issue 18: ``docket serve`` asked to stop (SIGTERM) while a hostile upload is being read
    under a long time limit: it exits within its grace period and a little more, its worker
    processes go with it, and nothing of the file is stored."""
    import shutil
    import signal

    import psutil

    from docket.cli.web import SHUTDOWN_GRACE_S
    from docket.store import SQLiteStore
    from tests.web.conftest import start_docket_serve

    db = tmp_path / "term.db"
    shutil.copy(seeded_template, db)
    before = len(SQLiteStore(db).list_documents())
    base, server = start_docket_serve(
        db,
        "--data-dir",
        str(tmp_path / "data"),
        "--workers",
        "1",
        token="t0ken-for-tests",
        env={"DOCKET_UPLOAD_TIMEOUT": "300"},
    )
    answers: list[object] = []
    try:

        def upload() -> None:
            with httpx.Client(base_url=base, timeout=HANG_GUARD_S) as c:
                csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                c.post("/login", data={"name": "ana", "token": "t0ken-for-tests", "csrf": csrf})
                csrf = c.get("/ingest").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                try:
                    answers.append(
                        c.post(
                            "/ingest",
                            files=[
                                ("files", ("bomb.html", attribute_bomb_html(60_000), "text/html"))
                            ],
                            data={"csrf": csrf},
                        ).status_code
                    )
                except httpx.HTTPError as exc:  # the server went away mid-request: expected
                    answers.append(type(exc).__name__)

        sender = threading.Thread(target=upload)
        sender.start()
        deadline = time.monotonic() + 30  # until a worker process is reading the file
        while len(psutil.Process(server.pid).children(recursive=True)) < 2:
            assert time.monotonic() < deadline, "the upload never started being read"
            time.sleep(0.2)
        time.sleep(1)
        family = psutil.Process(server.pid).children(recursive=True)
        t0 = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=SHUTDOWN_GRACE_S + 20)
        took = time.monotonic() - t0
        sender.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert took < SHUTDOWN_GRACE_S + 10, took
    assert answers and answers[0] != 200, answers  # the upload was still being read
    psutil.wait_procs(family, timeout=5)
    assert not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    store = SQLiteStore(db)
    assert len(store.list_documents()) == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_markup_beyond_the_html_parser_is_read_by_the_fallback(tmp_path: Path) -> None:
    """Tables 20,000 deep and a 15 MB attribute were refused as "no visible text": the text is
    there, lxml just stops. It is kept, with a note saying why the page was read that way."""
    from docket.pipeline import load_document

    for name, markup in (
        ("deep.html", deep_tables_html()),
        ("attribute.html", huge_attribute_html()),
    ):
        f = tmp_path / name
        f.write_text(markup, "utf-8")
        doc = load_document(f, IngestOptions(extract=False))
        assert "Kazakhstan: police detained a journalist." in [p.text for p in doc.paragraphs], name
        assert any("beyond what the HTML parser accepts" in n for n in doc.notes), doc.notes


def test_a_page_dropped_as_damaged_is_named_in_the_outcome(
    store, tmp_path: Path, monkeypatch
) -> None:
    """A book with one unreadable page is still stored, and the outcome (the ingest output and
    --json) names the page, not only the document's notes."""
    book = tmp_path / "pages.pdf"
    book.write_bytes(many_pages_pdf(40))
    real = pdf_reader._page_lines

    def broken_page_7(page, number):
        if number == 7:
            raise ValueError("bad content stream")
        return real(page, number)

    monkeypatch.setattr(pdf_reader, "_page_lines", broken_page_7)
    outcome = ingest_file(store, book, IngestOptions(extract=False))
    assert (
        outcome.status == "added" and outcome.note and "page 7 could not be read" in outcome.note
    ), outcome
    [doc] = store.list_documents()
    assert any("page 7" in n for n in store.get_document(doc.id).notes)

"""Hostile input (issue 9): mutated real reports, odd encodings, nested markup, bombs and slow readers.

Every file must be ingested or refused with a one-line error that names it: never an internal
error (E999), never a hang past the per-file time limit, never memory past the per-file cap,
never a partially stored document. The files go through the batch path of ``docket ingest``
(two worker processes) in folders that also hold a symlink loop, a dangling link and an
unreadable file. The default run throws a few hundred generated files; ``pytest -m long``
throws 10,000.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from docket.ingest import readers
from docket.pipeline import IngestOptions, ingest_file
from docket.store import SQLiteStore
from tests.conftest import SEEDS, seed_files
from tests.reliability.generators import (
    attribute_bomb_html,
    deep_tables_html,
    deflated_spaces,
    form_fanout_pdf,
)

OPTIONS = IngestOptions(
    extract=False,
    read_timeout_s=10,
    max_text_bytes=2 * 1024 * 1024,
    max_pdf_bytes=4 * 1024 * 1024,
    read_memory_mb=512,
)
BATCH = 250  # files per folder, one `docket ingest` batch each


@functools.cache
def flate_bomb_pdf(expanded_mb: int) -> bytes:
    """A valid one-page PDF whose content stream is ~1 KB per MB compressed and ``expanded_mb`` MB inflated."""
    stream = deflated_spaces(b"BT /F1 12 Tf 72 712 Td (Kazakhstan report) Tj ET\n", expanded_mb)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _zip_bomb() -> bytes:
    """A zip archive (named .pdf by the fuzz) holding 200 MB of zeros in 200 KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("report.pdf", b"\0" * (200 << 20))
    return buf.getvalue()


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    for n in range(3):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", size=16)
        pdf.cell(0, 10, f"Section {n}: Detentions")
        pdf.ln(12)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(
            0, 6, "In March the police detained the activist Ivan Petrov in Almaty. " * 8
        )
    return bytes(pdf.output())


def _seeds() -> list[tuple[str, bytes]]:
    out = [(f.name, f.read_bytes()[:60_000]) for f in seed_files()]
    html = (
        "<html><head><title>Kazakhstan report</title></head><body><h1>Kazakhstan</h1>"
        + "".join(
            f"<h2>Part {i}</h2><p>Journalist Aigul Utepova was fined in Astana on 3 May. {i}</p>"
            for i in range(30)
        )
        + "</body></html>"
    )
    return [*out, ("page.html", html.encode()), ("report.pdf", _pdf_bytes())]


def _mutants(rng: random.Random, seeds: list[tuple[str, bytes]]):
    """Endless (name, bytes) pairs: bit flips, truncations, splices, encodings, markup and
    decompression bombs, odd text; every 100th is 1.5 MB without a line break (a slow extraction),
    every 250th one of the hard-limit probes (``generators``) and every 500th a 100 MB
    single-line text."""
    kinds = [
        "flip",
        "truncate",
        "splice",
        "nul",
        "utf16",
        "nest",
        "rtl",
        "line",
        "garbage",
        "empty",
        "bomb",
    ]
    zip_bomb = _zip_bomb()
    n = 0
    while True:
        name, data = rng.choice(seeds)
        kind = (
            "huge"
            if n % 500 == 499
            else "longline"
            if n % 100 == 74
            else "limits"
            if n % 250 == 124
            else kinds[n % len(kinds)]
        )
        n += 1
        stem, ext = name.rsplit(".", 1)
        if kind == "flip":
            b = bytearray(data)
            for _ in range(rng.randint(1, 50)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
            data = bytes(b)
        elif kind == "truncate":
            data = data[: rng.randrange(1, len(data))]
        elif kind == "splice":
            _, other = rng.choice(seeds)
            i, j = rng.randrange(len(data)), rng.randrange(len(other))
            data = data[:i] + other[j : j + rng.randint(1, 5000)] + data[i:]
        elif kind == "nul":
            b = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                b.insert(rng.randrange(len(b)), 0)
            data = bytes(b)
        elif kind == "utf16":
            data, ext = data.decode("utf-8", "replace").encode("utf-16-le"), "txt"  # no BOM
        elif kind == "nest":
            depth = rng.choice([100, 5000, 20000])
            data, ext = (
                (
                    b"<html><body>"
                    + b"<div>" * depth
                    + b"<p>Kazakhstan: a report.</p>"
                    + b"</div>" * depth
                    + b"</body></html>"
                ),
                "html",
            )
        elif kind == "rtl":
            text = data.decode("utf-8", "replace")
            for word in ("Mukhammedkarim", "Bokayev", "Kazakhstan", "police"):
                text = text.replace(
                    word, rng.choice(["\u202e", "\u200b", "\u200d", "\ufeff", "\u2066"]).join(word)
                )
            data = text.encode("utf-8")
        elif kind == "line":
            data, ext = (
                (data.decode("utf-8", "replace").replace("\n", " ") * rng.randint(1, 3)).encode(),
                "txt",
            )
        elif kind == "garbage":
            data = rng.randbytes(rng.randint(1, 20_000))
        elif kind == "empty":
            data = rng.choice([b"", b"\n\n  \n", b"\xef\xbb\xbf"])
        elif kind == "bomb":  # a PDF whose stream inflates to 0.1-1 GB, or a zip archive named .pdf
            data, ext = (
                (flate_bomb_pdf(rng.choice([100, 400, 1000])) if rng.random() < 0.8 else zip_bomb),
                "pdf",
            )
        elif kind == "longline":  # 1.5 MB and 150,000 sentences on one line
            data, ext = (
                (b"Report %d. " % n + b"Police detained him. Ms Utepova was fined. " * 36_000)[
                    : 3 << 19
                ],
                "txt",
            )
        elif kind == "limits":  # the hard-limit probes of issue 18, in turn
            made = [
                lambda: (attribute_bomb_html(rng.choice([20_000, 40_000])).encode(), "html"),
                lambda: (form_fanout_pdf(rng.choice([6, 7]), 10), "pdf"),
                lambda: (deep_tables_html(rng.choice([300, 20_000])).encode(), "html"),
                lambda: (b"<svg><style>x</style><text>Kazakhstan</text></svg>", "html"),
            ]
            data, ext = made[n // 250 % len(made)]()
        elif kind == "huge":  # 100 MB on one line
            data, ext = (
                (b"Kazakhstan: the police detained a journalist in Almaty. " * 1_900_000)[
                    : 100 << 20
                ],
                "txt",
            )
        yield f"{stem}-{n}-{kind}.{ext}", data


def _odd_entries(folder: Path) -> set[str]:
    """A symlink loop, a dangling link and an unreadable file: what a batch folder may also hold."""
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    locked = folder / "locked.txt"
    locked.write_text("Report\n\nThe court in Almaty sentenced a blogger on 3 May 2024.\n", "utf-8")
    locked.chmod(0)
    return {"dangling.txt", "locked.txt"}


def _docket_ingest(folder: Path, db: Path, extract: bool) -> tuple[list[dict], int, float]:
    """Run ``docket ingest FOLDER --workers 2`` with the fuzz limits; its outcomes, exit code and the
    peak resident memory (MB) of the ingest process and its workers (rusage of the waited tree)."""
    cmd = [
        sys.executable,
        "-m",
        "docket",
        "ingest",
        str(folder),
        "--db",
        str(db),
        "--workers",
        "2",
        "--extract" if extract else "--no-extract",
        "--json",
        "--timeout",
        str(OPTIONS.read_timeout_s),
        "--max-mb",
        "2",
        "--max-memory-mb",
        str(OPTIONS.read_memory_mb),
    ]
    # A parent of its own, so that RUSAGE_CHILDREN covers exactly this ingest and its workers.
    meter = (
        "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
        "print('peak-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
        "sys.exit(code)"
    )
    r = subprocess.run([sys.executable, "-c", meter, *cmd], capture_output=True, timeout=1800)
    err = r.stderr.decode(errors="replace")
    assert "Traceback" not in err, err[-2000:]
    peak_kb = int(err.rsplit("peak-kb", 1)[1])
    return json.loads(r.stdout)["files"], r.returncode, peak_kb / 1024


def run_fuzz(tmp_path: Path, count: int, seed: int = 9) -> Counter[str]:
    """Throw ``count`` generated files at ``docket ingest``, a folder of them per batch, into one
    database (every tenth batch, from the second, also extracts people and events); check each
    outcome, the batches' peak memory and the database at the end."""
    rng = random.Random(seed)
    db = tmp_path / "fuzz.db"
    outcomes: Counter[str] = Counter()
    slowest = peak_mb = 0.0
    mutants = _mutants(rng, _seeds())
    for batch in range(0, count, BATCH):
        folder = tmp_path / f"in{batch}"
        folder.mkdir()
        names = set()
        for _, (name, data) in zip(range(min(BATCH, count - batch)), mutants):
            (folder / name).write_bytes(data)
            names.add(name)
        odd = _odd_entries(folder)
        files, code, mb = _docket_ingest(folder, db, extract=batch // BATCH % 10 == 1)
        peak_mb = max(peak_mb, mb)
        seen = {Path(f["path"]).name for f in files}
        assert names <= seen and seen - names <= odd, "every file gets an outcome"
        assert code == (1 if any(f["status"] == "failed" for f in files) else 0)
        for f in files:
            name = Path(f["path"]).name
            slowest = max(slowest, f["seconds"])
            assert f["error_code"] != "E999", f[
                "error"
            ]  # an internal error is a bug, whatever the input
            if f["status"] == "failed":
                assert (
                    name in f["error"] and "\n" not in f["error"] and "Traceback" not in f["error"]
                ), f["error"]
            if name not in odd:
                outcomes[
                    f["status"] if f["status"] != "failed" else f"failed {f['error_code']}"
                ] += 1
        for f in folder.rglob("*"):
            if f.is_file() and not f.is_symlink():
                f.unlink()
    assert (
        slowest < 2 * OPTIONS.read_timeout_s + 5
    )  # reading, then extracting, each within the limit
    # Peak memory of ingest and workers: the reader's own footprint plus at most the per-file cap,
    # never the gigabytes a bomb expands to.
    assert 0 < peak_mb < 600 + OPTIONS.read_memory_mb, peak_mb
    store = SQLiteStore(db)
    assert store.integrity_check() == "ok"
    for d in store.list_documents():  # every stored document is whole
        doc = store.get_document(d.id)
        assert doc.paragraphs and all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
        assert d.paragraphs == len(doc.paragraphs)
    store.close()
    outcomes["peak MB"] = round(peak_mb)
    return outcomes


def test_hostile_files_are_ingested_or_refused_cleanly(tmp_path: Path) -> None:
    outcomes = run_fuzz(tmp_path, 300)
    print("outcomes:", dict(sorted(outcomes.items())))
    assert (
        outcomes["added"] > 20
        and sum(n for k, n in outcomes.items() if k.startswith("failed")) > 20
    ), outcomes
    assert outcomes["failed E112"] > 0 and outcomes["failed E106"] > 0, (
        outcomes
    )  # both kinds of bomb were refused


@pytest.mark.long
def test_ten_thousand_hostile_files(tmp_path: Path) -> None:
    outcomes = run_fuzz(tmp_path, 10_000, seed=2026)
    print("outcomes:", dict(sorted(outcomes.items())))


def test_a_reader_stuck_past_the_time_limit_fails_that_file_only(
    store, tmp_path: Path, monkeypatch
) -> None:
    def stuck(data: bytes, path: str):
        time.sleep(30)

    (tmp_path / "slow.html").write_text("<html><body><p>x</p></body></html>")
    (tmp_path / "fine.txt").write_bytes((SEEDS / "000_a11a7f2bb672b657.txt").read_bytes())
    monkeypatch.setitem(readers.READERS, "html", stuck)
    options = IngestOptions(extract=False, read_timeout_s=0.5)
    t = time.perf_counter()
    slow = ingest_file(store, tmp_path / "slow.html", options)
    assert time.perf_counter() - t < 5
    assert slow.status == "failed" and slow.error_code == "E110" and "slow.html" in slow.error
    assert ingest_file(store, tmp_path / "fine.txt", options).status == "added"


def test_odd_folder_entries_are_refused_cleanly(tmp_path: Path) -> None:
    """Symlink loops, dangling links, a named pipe, an unreadable file, a folder named like a report:
    the batch completes, each bad entry is refused on one line naming it, nothing hangs."""
    import stat

    from typer.testing import CliRunner

    from docket.cli import app

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(
        "Report\n\nThe court in Almaty sentenced a blogger on 3 May 2024.\n", "utf-8"
    )
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # a symlink loop
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    locked = folder / "locked.txt"
    locked.write_text(
        "Report\n\nA second paragraph about a court in Astana on 4 May 2024.\n", "utf-8"
    )
    locked.chmod(0)
    (folder / "folder.txt").mkdir()
    r = CliRunner().invoke(
        app,
        [
            "ingest",
            str(folder),
            str(folder / "folder.txt"),
            "--db",
            str(tmp_path / "d.db"),
            "--workers",
            "1",
            "--timeout",
            "20",
        ],
    )
    lines = r.output
    assert "Traceback" not in lines and "E999" not in lines
    assert "good.txt" in lines and "added" in lines
    assert "dangling.txt" in lines and "pipe.txt" in lines and "not a regular file" in lines
    if os.geteuid() != 0:  # root reads a file whatever its mode
        assert "locked.txt" in lines and "Permission denied" in lines
    locked.chmod(stat.S_IRUSR | stat.S_IWUSR)

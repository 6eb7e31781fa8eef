"""Hostile input (issue 9): mutated real reports, odd encodings, nested markup and slow readers.

Every file must be ingested or refused with a one-line error that names it: never an internal
error (E999), never a hang past the per-file time limit, never a partially stored document. The
default run throws a few hundred generated files; ``pytest -m long`` throws 10,000.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest

from docket.ingest import readers
from docket.pipeline import IngestOptions, ingest_file
from docket.store import SQLiteStore
from tests.conftest import SEEDS, seed_files

OPTIONS = IngestOptions(extract=False, read_timeout_s=10, max_text_bytes=2 * 1024 * 1024,
                        max_pdf_bytes=4 * 1024 * 1024)


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    for n in range(3):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", size=16)
        pdf.cell(0, 10, f"Section {n}: Detentions")
        pdf.ln(12)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, "In March the police detained the activist Ivan Petrov in Almaty. " * 8)
    return bytes(pdf.output())


def _seeds() -> list[tuple[str, bytes]]:
    out = [(f.name, f.read_bytes()[:60_000]) for f in seed_files()]
    html = ("<html><head><title>Kazakhstan report</title></head><body><h1>Kazakhstan</h1>"
            + "".join(f"<h2>Part {i}</h2><p>Journalist Aigul Utepova was fined in Astana on 3 May. {i}</p>"
                      for i in range(30)) + "</body></html>")
    return [*out, ("page.html", html.encode()), ("report.pdf", _pdf_bytes())]


def _mutants(rng: random.Random, seeds: list[tuple[str, bytes]]):  # noqa: ANN202 - generator
    """Endless (name, bytes) pairs: bit flips, truncations, splices, encodings, markup bombs, odd text."""
    kinds = ["flip", "truncate", "splice", "nul", "utf16", "nest", "rtl", "line", "garbage", "empty"]
    n = 0
    while True:
        name, data = rng.choice(seeds)
        kind = kinds[n % len(kinds)]
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
            data, ext = (b"<html><body>" + b"<div>" * depth + b"<p>Kazakhstan: a report.</p>" + b"</div>" * depth
                         + b"</body></html>"), "html"
        elif kind == "rtl":
            text = data.decode("utf-8", "replace")
            for word in ("Mukhammedkarim", "Bokayev", "Kazakhstan", "police"):
                text = text.replace(word, rng.choice(["\u202e", "\u200b", "\u200d", "\ufeff", "\u2066"]).join(word))
            data = text.encode("utf-8")
        elif kind == "line":
            data, ext = (data.decode("utf-8", "replace").replace("\n", " ") * rng.randint(1, 3)).encode(), "txt"
        elif kind == "garbage":
            data = rng.randbytes(rng.randint(1, 20_000))
        elif kind == "empty":
            data = rng.choice([b"", b"\n\n  \n", b"\xef\xbb\xbf"])
        yield f"{stem}-{n}-{kind}.{ext}", data


def run_fuzz(tmp_path: Path, count: int, seed: int = 9) -> Counter[str]:
    """Ingest ``count`` generated files into one store; check each outcome and the store at the end."""
    rng = random.Random(seed)
    store = SQLiteStore(tmp_path / "fuzz.db")
    folder = tmp_path / "in"
    folder.mkdir()
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    for _, (name, data) in zip(range(count), _mutants(rng, _seeds())):
        path = folder / name
        path.write_bytes(data)
        t = time.perf_counter()
        o = ingest_file(store, path, OPTIONS)
        slowest = max(slowest, time.perf_counter() - t)
        outcomes[o.status if o.status != "failed" else f"failed {o.error_code}"] += 1
        assert o.error_code != "E999", o.error  # an internal error is a bug, whatever the input
        if o.status == "failed":
            assert name in o.error and "\n" not in o.error and "Traceback" not in o.error
        path.unlink()
    assert slowest < OPTIONS.read_timeout_s + 5
    assert store.integrity_check() == "ok"
    for d in store.list_documents():  # every stored document is whole
        doc = store.get_document(d.id)
        assert doc.paragraphs and all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
        assert d.paragraphs == len(doc.paragraphs)
    store.close()
    return outcomes


def test_hostile_files_are_ingested_or_refused_cleanly(tmp_path: Path) -> None:
    outcomes = run_fuzz(tmp_path, 300)
    assert outcomes["added"] > 20 and sum(n for k, n in outcomes.items() if k.startswith("failed")) > 20, outcomes


@pytest.mark.long
def test_ten_thousand_hostile_files(tmp_path: Path) -> None:
    outcomes = run_fuzz(tmp_path, 10_000, seed=2026)
    print("outcomes:", dict(sorted(outcomes.items())))


def test_a_reader_stuck_past_the_time_limit_fails_that_file_only(store, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    def stuck(data: bytes, path: str):  # noqa: ANN202
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
    import os
    import stat

    from typer.testing import CliRunner

    from docket.cli import app

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("Report\n\nThe court in Almaty sentenced a blogger on 3 May 2024.\n", "utf-8")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # a symlink loop
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    locked = folder / "locked.txt"
    locked.write_text("Report\n\nA second paragraph about a court in Astana on 4 May 2024.\n", "utf-8")
    locked.chmod(0)
    (folder / "folder.txt").mkdir()
    r = CliRunner().invoke(app, ["ingest", str(folder), str(folder / "folder.txt"), "--db", str(tmp_path / "d.db"),
                                 "--workers", "1", "--timeout", "20"])
    lines = r.output
    assert "Traceback" not in lines and "E999" not in lines
    assert "good.txt" in lines and "added" in lines
    assert "dangling.txt" in lines and "pipe.txt" in lines and "not a regular file" in lines
    if os.geteuid() != 0:  # root reads a file whatever its mode
        assert "locked.txt" in lines and "Permission denied" in lines
    locked.chmod(stat.S_IRUSR | stat.S_IWUSR)

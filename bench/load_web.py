#!/usr/bin/env python3
"""Load check of the web UI: requests/second and p50/p99 latency of the search and person
pages, against a static file served by the same process as the baseline of the same run.

Starts ``docket serve`` on a loopback port over ``--db`` (build it first, e.g.
``docket ingest ../shared/corpus --db corpus.db``), warms the person cache, then drives each
target with ``wrk`` (Debian's ``apt-get install wrk``; a Lua script rotates the URLs) at each
concurrency. Machines here are noisy: compare the ratios to the baseline, not the numbers.

usage: python bench/load_web.py --db corpus.db [--duration 10] [--connections 10 50] [--warm-up 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

QUERIES = [
    "torture",
    "Mukhammedkarim",
    "freedom of assembly",
    '"peaceful assembly"',
    "extremism",
    "journalist",
    "hunger strike",
    "defamation",
    "prison",
    "election observers",
    "death penalty",
    "detain*",
    "blogger sentenced",
    '"false information"',
    "asylum",
    "refugees",
    "trade union",
    "police -protest",
    "lawyer disbarred",
    "enforced disappearance",
    "Bokayev OR Bokaev",
    "Uzbekistan",
    "Belarus opposition",
    "internet shutdown",
    "women's rights",
    "LGBTI",
    "religious freedom",
    "child labour",
    "impunity",
    "extradition",
]


def _get(url: str, timeout: float = 600) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def _seconds(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(value)
    return float(m[1]) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m[2]]


def run_wrk(base: str, paths: list[str], connections: int, duration: int, threads: int) -> dict:
    """One wrk run over ``paths`` (rotated); returns req/s, p50, p99 (ms) and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(
            "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
        )
        script = fh.name
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            script,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if "50" not in pct or "99" not in pct:
        raise RuntimeError("unexpected wrk output:\n" + out)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)$", out, re.M)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors[1]))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50_ms": _seconds(pct["50"]) * 1000,
        "p99_ms": _seconds(pct["99"]) * 1000,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, nargs="+", default=[10, 50])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (docket serve --workers; default: docket serve's own)",
    )
    ap.add_argument("--http", default="auto", help="docket serve --http (auto, httptools, h11)")
    ap.add_argument("--loop", default="auto", help="docket serve --loop (auto, uvloop, asyncio)")
    ap.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every page (DOCKET_PAGE_CACHE=0) instead of once per database state",
    )
    ap.add_argument(
        "--warm-up",
        type=int,
        default=5,
        metavar="SECONDS",
        help="drive each target this long, unmeasured, before measuring (0: measure from cold, "
        "when each server process renders each page for the first time under load)",
    )
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    if args.workers is None:
        from docket.cli.web import default_workers

        args.workers = default_workers()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docket.cli",
            "serve",
            "--db",
            args.db,
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--http",
            args.http,
            "--loop",
            args.loop,
        ],
        stderr=subprocess.DEVNULL,
        env={**os.environ, **({"DOCKET_PAGE_CACHE": "0"} if args.no_page_cache else {})},
    )
    try:
        for _ in range(200):
            try:
                _get(base + "/static/docket.css", 1)
                break
            except OSError:
                time.sleep(0.1)
        t = time.perf_counter()
        cases = json.loads(_get(base + "/api/v1/cases?limit=200"))
        warm = time.perf_counter() - t
        people = [f"/persons/{c['id']}" for c in cases["cases"]]
        searches = [f"/search?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
        docs = json.loads(_get(base + "/api/v1/documents"))
        print(
            f"{args.workers} server process(es), --http {args.http} --loop {args.loop}, "
            f"page cache {'off' if args.no_page_cache else 'on'}, warm-up {args.warm_up} s per target; "
            f"database: {len(docs)} documents, {cases['total']} persons; "
            f"first request (linking every person) {warm:.1f} s",
            flush=True,
        )
        targets = {
            "static file (baseline)": ["/static/docket.css"],
            "search page": searches,
            "person page": people,
        }
        if args.warm_up:  # every URL of every target at least once in each server process
            for paths in targets.values():
                run_wrk(base, paths, 10, args.warm_up, args.threads)
        print(
            f"{'target':<24}{'clients':>8}{'req/s':>9}{'× baseline':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        )
        for c in args.connections:
            baseline = None
            for name, paths in targets.items():
                r = run_wrk(base, paths, c, args.duration, args.threads)
                baseline = baseline or r["rps"]
                print(
                    f"{name:<24}{c:>8}{r['rps']:>9.1f}{r['rps'] / baseline:>12.3f}{r['p50_ms']:>9.1f}"
                    f"{r['p99_ms']:>9.1f}{r['errors']:>8}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

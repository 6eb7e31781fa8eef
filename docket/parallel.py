"""Where the pure half of an ingest runs: inline, in local worker processes, or on a Dask cluster.

Reading and extracting a file is a pure function (path -> :class:`~docket.prepare.Prepared`),
so it can run anywhere the package is installed; the store is written by the calling process
only. Results come back in input order through a bounded window of files in flight, so memory
stays bounded however long the batch. Local workers are supervised: a file that runs past its
time or memory limit, or whose worker dies, fails alone (E110, E998, E111) and a fresh worker
takes the next one.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import re
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Container, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager, suppress
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from docket.errors import (
    ClusterError,
    DocketError,
    Interrupted,
    MemoryLimit,
    ReaderTimeout,
    WorkerDied,
)
from docket.models import FileOutcome
from docket.prepare import IngestOptions, Prepared, prepare_file, proc_status_bytes

IN_FLIGHT_PER_WORKER = 2  # enough to keep workers busy while the writer stores a result


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


Prepare = Callable[[str, IngestOptions, Container[str]], Prepared]


def die_with_parent(parent: int) -> None:
    """Run in each worker process: end it when the ingest process ends, even by SIGKILL (which
    leaves no chance to stop the pool), instead of leaving an orphan holding memory."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: watch the parent instead

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def prepared_in_order(
    files: Sequence[Path],
    options: IngestOptions,
    known_ids: Container[str],
    *,
    workers: int = 1,
    cluster: str | None = None,
    isolate: bool = False,
    prepare: Prepare = prepare_file,
    stop: threading.Event | None = None,
) -> Iterator[Prepared]:
    """Each file prepared (by ``prepare``, a picklable function), yielded in input order.

    ``stop`` (supervised workers only): once set, the files still being read and those not yet
    begun fail with E113 and the workers are killed, within :data:`WATCH_EVERY_S`.

    With ``workers`` > 1 or ``isolate`` (the CLI and the web server's uploads), every file is read
    in a supervised worker process whose time and memory limits are enforced from outside (see
    :class:`_Supervisor`); otherwise in this process, under the in-process limits of
    :func:`~docket.prepare.file_limits` only.
    """
    if cluster:
        with _dask_executor(cluster) as (executor, slots):
            yield from _windowed(files, options, known_ids, lambda: executor, slots, prepare)
        return
    workers = max(1, min(workers, len(files)))
    if workers == 1 and not isolate:
        for f in files:
            yield prepare(str(f), options, known_ids)
        return
    supervisor = _Supervisor(options, known_ids, prepare, workers, stop)
    try:
        yield from supervisor.run(files)
    finally:
        supervisor.close()


WATCH_EVERY_S = 0.2  # how often a worker's memory is looked at while it reads
MEMORY_SLACK_MB = 256  # over the in-process cap before the parent kills: that cap should act first
STDERR_TAIL = 4000  # bytes of a dead worker's stderr kept to tell why it died


class _Worker:
    """One worker process and the file it is reading (``job``: input index and path)."""

    def __init__(
        self,
        ctx: multiprocessing.context.SpawnContext,
        prepare: Prepare,
        options: IngestOptions,
        known_ids: Container[str],
    ) -> None:
        fd, self.log = tempfile.mkstemp(prefix="docket-worker-", suffix=".log")
        os.close(fd)
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve,
            args=(child, os.getpid(), self.log, prepare, options, known_ids),
            daemon=True,
        )
        self.process.start()
        child.close()
        self.job: tuple[int, Path] | None = None
        self.given_at = 0.0
        self.stage = "reading"
        self.deadline: float | None = None
        self.rss_base: int | None = None

    def give(self, index: int, path: Path) -> None:
        """Start reading the file at input ``index``; its clock starts when the worker says so."""
        self.conn.send((index, str(path)))
        self.job, self.stage, self.deadline, self.rss_base = (index, path), "reading", None, None
        self.given_at = time.monotonic()

    def stderr_tail(self) -> str:
        """The end of what the worker wrote to its standard error (a fatal error's first lines)."""
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log) - STDERR_TAIL))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, *, kill: bool) -> None:
        """End the process (politely when idle, by SIGKILL when busy) and remove its log."""
        try:
            if kill or self.job is not None:
                self.process.kill()
            else:
                self.conn.send(None)
            self.process.join(timeout=None if kill or self.job is not None else 5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        except (OSError, ValueError, BrokenPipeError):
            pass
        finally:
            self.conn.close()
            with suppress(OSError):
                os.unlink(self.log)


class _Supervisor:
    """Worker processes, one file each at a time, watched by this process.

    A library inside a worker can swallow an in-process alarm, recurse until the interpreter
    aborts, or spin in C code where no signal handler runs, so the limits are kept from here:
    each stage of a file (reading it, extracting each of its documents) gets
    ``options.read_timeout_s`` from the moment the worker starts it, and the worker's resident
    memory may grow ``options.read_memory_mb`` past what it held when the stage started. A
    worker past either is killed (E110, E998); one that dies by itself fails its file (E111, or
    E998 when it died of memory). Only that file fails: each worker reads one file at a time, so
    the culprit is known, and a fresh worker takes its place. Workers write their standard error
    to a file, so a native crash prints no stack dump on the terminal.
    """

    def __init__(
        self,
        options: IngestOptions,
        known_ids: Container[str],
        prepare: Prepare,
        workers: int,
        stop: threading.Event | None = None,
    ) -> None:
        self.options = options
        self.stop = stop
        # The worker keeps the in-process memory cap (a clean MemoryError is the better failure)
        # but not the alarm: time is kept from here, and an alarm a parser swallows once drops a page.
        self.inner = replace(options, read_timeout_s=None)
        # Callers pass a set or frozenset of ids; a frozenset crosses to the workers cheaply.
        self.known = known_ids if isinstance(known_ids, frozenset) else frozenset(known_ids)  # type: ignore[call-overload]
        self.prepare = prepare
        self.size = workers
        self.ctx = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []

    def run(self, files: Sequence[Path]) -> Iterator[Prepared]:
        """Each file prepared, in input order; at most ``2 × workers`` results wait to be taken."""
        done: dict[int, Prepared] = {}
        window = self.size * IN_FLIGHT_PER_WORKER
        given = taken = 0
        while taken < len(files):
            while taken in done:
                yield done.pop(taken)
                taken += 1
            if taken >= len(files):
                break
            if self.stop is not None and self.stop.is_set():
                self._interrupt(files, given, done)
                given = len(files)
                continue
            while (
                given < len(files) and given - taken < window and (idle := self._idle()) is not None
            ):
                idle.give(given, files[given])
                given += 1
            self._watch(done)

    def _idle(self) -> _Worker | None:
        for w in self.workers:
            if w.job is None:
                return w
        if len(self.workers) < self.size:
            self.workers.append(_Worker(self.ctx, self.prepare, self.inner, self.known))
            return self.workers[-1]
        return None

    def _watch(self, done: dict[int, Prepared]) -> None:
        """Wait a moment for news from the busy workers; record results and failures in ``done``."""
        busy = [w for w in self.workers if w.job is not None]
        now = time.monotonic()
        wait_s = min(
            [WATCH_EVERY_S, *(max(0.0, w.deadline - now) for w in busy if w.deadline is not None)]
        )
        ready = set(wait([w.conn for w in busy], timeout=wait_s)) if busy else set()
        for w in busy:
            if w.conn in ready:
                self._receive(w, done)
        now = time.monotonic()
        for w in [w for w in self.workers if w.job is not None]:
            if w.deadline is not None and now > w.deadline:
                seconds = self.options.read_timeout_s
                self._fail(
                    w,
                    done,
                    ReaderTimeout(
                        f"{w.stage} took longer than {seconds:g} s",
                        path=str(w.job[1]) if w.job else None,
                        hint="the file may be hostile or pathological; raise --timeout to allow more",
                    ),
                )
            elif (
                (rss := _rss(w.process.pid)) is not None
                and w.rss_base is not None
                and self.options.read_memory_mb
                and rss - w.rss_base > (self.options.read_memory_mb + MEMORY_SLACK_MB) * 1024 * 1024
            ):
                self._fail(w, done, None, memory=True)

    def _receive(self, w: _Worker, done: dict[int, Prepared]) -> None:
        assert w.job is not None
        while True:
            try:
                if not w.conn.poll():
                    return
                message = w.conn.recv()
            except (EOFError, OSError):
                return self._died(w, done)
            kind = message[0]
            if kind == "stage":
                _, started, w.stage = message
                if self.options.read_timeout_s:
                    w.deadline = started + self.options.read_timeout_s
                w.rss_base = _rss(w.process.pid)
            elif kind == "done":
                done[w.job[0]] = message[1]
                w.job, w.deadline = None, None
                return

    def _died(self, w: _Worker, done: dict[int, Prepared]) -> None:
        w.process.join(timeout=5)
        tail = w.stderr_tail()
        self._fail(
            w, done, None, memory="MemoryError" in tail, exitcode=w.process.exitcode, tail=tail
        )

    def _fail(
        self,
        w: _Worker,
        done: dict[int, Prepared],
        error: DocketError | None,
        *,
        memory: bool = False,
        exitcode: int | None = None,
        tail: str = "",
    ) -> None:
        """Fail the worker's file with ``error`` (or as died / out of memory), and retire the worker."""
        assert w.job is not None
        index, path = w.job
        if error is not None:
            outcome = FileOutcome(str(path), "failed", error=str(error), error_code=error.code)
        elif memory:
            cap = (
                f" (over the {self.options.read_memory_mb} MB allowed per file)"
                if self.options.read_memory_mb
                else ""
            )
            err = MemoryLimit(
                f"out of memory while {w.stage}{cap}; raise --max-memory-mb if it is a genuine "
                "report",
                path=str(path),
            )
            outcome = FileOutcome(str(path), "failed", error_code=err.code, error=str(err))
        else:
            err = WorkerDied(  # type: ignore[assignment]
                f"the worker process {w.stage} this file died ({_how(exitcode, tail)})",
                path=str(path),
                hint="the file is probably hostile or broken",
            )
            outcome = FileOutcome(str(path), "failed", error=str(err), error_code=err.code)
        seconds = time.monotonic() - w.given_at
        done[index] = Prepared(
            str(path), failure=replace(outcome, seconds=seconds), seconds=seconds
        )
        w.stop(kill=True)
        self.workers.remove(w)

    def _interrupt(self, files: Sequence[Path], given: int, done: dict[int, Prepared]) -> None:
        """Fail the files being read and those not yet begun (E113): the caller is stopping."""
        for w in [w for w in self.workers if w.job is not None]:
            assert w.job is not None
            self._fail(w, done, interrupted(w.job[1]))
        for index in range(given, len(files)):
            err = interrupted(files[index])
            outcome = FileOutcome(str(files[index]), "failed", error=str(err), error_code=err.code)
            done[index] = Prepared(str(files[index]), failure=outcome)

    def close(self) -> None:
        """Stop every worker (the caller may stop iterating early)."""
        for w in self.workers:
            w.stop(kill=False)
        self.workers.clear()


def interrupted(path: str | Path) -> DocketError:
    """The E113 error of a file whose reading was stopped (see ``stop`` above)."""
    return Interrupted(
        "reading was stopped before the file was done (the server is shutting down); nothing of "
        "it was stored",
        path=str(path),
        hint="upload it again",
    )


def _how(exitcode: int | None, tail: str) -> str:
    """A few words on how a worker died, from its exit code and the first fatal line it wrote."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    fatal = re.search(r"Fatal Python error: ([^\n]{1,120})", tail)
    return f"{how}: {fatal.group(1).strip()}" if fatal else how


def _rss(pid: int | None) -> int | None:
    """A process's resident memory in bytes; None where it cannot be read (or not started)."""
    return proc_status_bytes("VmRSS", pid) if pid is not None else None


def _serve(
    conn: Connection,
    parent: int,
    log: str,
    prepare: Prepare,
    options: IngestOptions,
    known_ids: Container[str],
) -> None:
    """A worker process: read the files it is given, one at a time, saying when each stage starts."""
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)  # a native crash's stack dump goes to the log, not the user's terminal
    os.close(fd)
    die_with_parent(parent)
    from docket import prepare as pure_half

    pure_half.STAGE_HOOK = lambda doing: conn.send(("stage", time.monotonic(), doing))
    while (job := conn.recv()) is not None:
        _, path = job
        conn.send(("stage", time.monotonic(), "reading"))
        conn.send(("done", prepare(path, options, known_ids)))


def _windowed(
    files: Sequence[Path],
    options: IngestOptions,
    known_ids: Container[str],
    new_executor: Callable[[], Executor],
    window: int,
    prepare: Prepare,
) -> Iterator[Prepared]:
    """Each file prepared on a cluster's executor, in input order, at most ``window`` in flight."""
    executor = new_executor()
    pending: deque[Future[Prepared]] = deque()
    todo = iter(files)

    def fill() -> None:
        while len(pending) < window and (f := next(todo, None)) is not None:
            pending.append(executor.submit(prepare, str(f), options, known_ids))

    fill()
    while pending:
        yield pending.popleft().result()
        fill()


@contextmanager
def _dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """A ``concurrent.futures`` executor on the Dask cluster whose scheduler listens at ``address``."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError(
            "--cluster needs Dask's distributed scheduler, which is not installed",
            hint="pip install 'docket[cluster]'",
        ) from exc
    try:
        client = Client(address, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`",
        ) from exc
    try:
        threads = sum(
            w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()
        )
        yield client.get_executor(pure=False), max(2, threads * IN_FLIGHT_PER_WORKER)
    finally:
        client.close()

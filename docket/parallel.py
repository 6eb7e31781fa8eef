"""Where the pure half of an ingest runs: inline, in local worker processes, or on a Dask cluster.

Reading and extracting a file is a pure function (path -> :class:`~docket.pipeline.Prepared`),
so it can run anywhere the package is installed; the store is written by the calling process
only. Results come back in input order through a bounded window of files in flight, so memory
stays bounded however long the batch. A worker process that dies (killed for memory, a parser
crashing) fails the file it was reading with E111 and the batch goes on in a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Container, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from docket.errors import ClusterError, WorkerDied
from docket.models import FileOutcome
from docket.pipeline import IngestOptions, Prepared, prepare_file

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


def prepared_in_order(files: Sequence[Path], options: IngestOptions, known_ids: Container[str], *,
                      workers: int = 1, cluster: str | None = None, isolate: bool = False,
                      prepare: Prepare = prepare_file) -> Iterator[Prepared]:
    """Each file prepared (by ``prepare``, a picklable function), yielded in input order.

    See the module docstring for where it runs. ``isolate``: even one worker is a separate
    process (the web server's uploads: the per-file time and memory limits act only in a
    process's main thread, and a parser crash must not take the server down).
    """
    if cluster:
        with _dask_executor(cluster) as (executor, slots):
            yield from _windowed(files, options, known_ids, lambda: executor, slots, prepare, local=False)
        return
    workers = max(1, min(workers, len(files)))
    if workers == 1 and not isolate:  # no pool for one file or one worker: the per-file timer works here
        for f in files:
            yield prepare(str(f), options, known_ids)
        return
    pools: list[ProcessPoolExecutor] = []

    def new_pool() -> Executor:
        for old in pools:
            old.shutdown(wait=False, cancel_futures=True)
        pools.append(ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=die_with_parent, initargs=(os.getpid(),)))
        return pools[-1]

    try:
        yield from _windowed(files, options, known_ids, new_pool, workers * IN_FLIGHT_PER_WORKER, prepare,
                             local=True)
    finally:
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _windowed(files: Sequence[Path], options: IngestOptions, known_ids: Container[str],
              new_executor: Callable[[], Executor], window: int, prepare: Prepare, *,
              local: bool) -> Iterator[Prepared]:
    executor = new_executor()
    pending: deque[tuple[Path, Future[Prepared]]] = deque()
    todo = iter(files)

    def submit(f: Path) -> Future[Prepared]:
        try:
            return executor.submit(prepare, str(f), options, known_ids)
        except BrokenProcessPool as exc:  # the pool broke since the last result: handled when its turn comes
            if not local:
                raise
            broken: Future[Prepared] = Future()
            broken.set_exception(exc)
            return broken

    def fill() -> None:
        while len(pending) < window and (f := next(todo, None)) is not None:
            pending.append((f, submit(f)))

    fill()
    while pending:
        path, future = pending.popleft()
        try:
            yield future.result()
        except BrokenProcessPool:
            if not local:
                raise
            # Which file killed the pool is unknown: retry each file that was in flight alone,
            # so only the culprit fails, then go on with a fresh pool. Files whose result came
            # back before the pool broke keep it.
            retry = [(path, None), *pending]
            pending.clear()
            for p, done in retry:
                if done is not None and done.done() and not done.cancelled() and done.exception() is None:
                    yield done.result()
                    continue
                executor = new_executor()
                try:
                    yield executor.submit(prepare, str(p), options, known_ids).result()
                except BrokenProcessPool:
                    err = WorkerDied("the worker process reading this file died (out of memory, or a crash in a "
                                     "parser library)", path=str(p), hint="the file is probably hostile or broken")
                    yield Prepared(str(p), failure=FileOutcome(str(p), "failed", error=str(err), error_code=err.code))
            executor = new_executor()
        fill()


@contextmanager
def _dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """A ``concurrent.futures`` executor on the Dask cluster whose scheduler listens at ``address``."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError("--cluster needs Dask's distributed scheduler, which is not installed",
                           hint="pip install 'docket[cluster]'") from exc
    try:
        client = Client(address, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}",
                           hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`") from exc
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        yield client.get_executor(pure=False), max(2, threads * IN_FLIGHT_PER_WORKER)
    finally:
        client.close()

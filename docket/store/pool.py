"""A pool of store connections for servers: one connection per request, kept between requests
when the backend allows it (:meth:`~docket.store.base.Connection.reusable`)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from docket.store import open_store
from docket.store.base import Store


class StorePool:
    """Idle connections per database, handed to one user (a web request) at a time.

    Opening a SQLite connection costs as much as rendering a small page (pragmas, the schema
    check). FastAPI runs a dependency's setup, the route and the teardown in whichever worker threads are
    free, so connections are pooled, not kept per thread: a thread-local pool lost a connection
    whenever two requests overlapped on one thread (one put back over the other), and under load
    it opened one for every other request. A connection is used by one request at a time and,
    between requests, holds no transaction, so each request reads the latest committed state (WAL).
    """

    def __init__(self, idle_per_db: int = 8, databases: int = 4) -> None:
        self.idle_per_db, self.databases = idle_per_db, databases
        self._idle: OrderedDict[str, list[Store]] = OrderedDict()  # most recently used last
        self._lock = threading.Lock()
        self.opened = 0  # connections opened so far (the tests check it stays small)

    def take_idle(self, db: str) -> Store | None:
        """An idle connection to ``db``, or None."""
        with self._lock:
            idle = self._idle.get(db)
            return idle.pop() if idle else None

    def open(self, db: str) -> Store:
        """A new connection to ``db`` (counted in :attr:`opened`)."""
        with self._lock:
            self.opened += 1
        return open_store(db)

    def take(self, db: str) -> Store:
        """An idle connection to ``db``, or a new one."""
        return self.take_idle(db) or self.open(db)

    def give_back(self, db: str, store: Store) -> list[Store]:
        """Keep ``store`` for the next request; the connections to close instead (``store`` when it
        is not SQLite, was left mid-transaction by an error, or more are idle than needed; and
        those of databases dropped from the pool). Closing is left to the caller."""
        to_close: list[Store] = [store]
        if store.reusable():
            with self._lock:
                idle = self._idle.setdefault(db, [])
                self._idle.move_to_end(db)
                if len(idle) < self.idle_per_db:
                    idle.append(store)
                    to_close.clear()
                while len(self._idle) > self.databases:  # a server serves one; tests open many
                    to_close.extend(self._idle.popitem(last=False)[1])
        return to_close

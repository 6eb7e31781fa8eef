"""Storage behind one narrow interface. SQLite is the default backend."""

from __future__ import annotations

import os
from pathlib import Path

from docket.store.base import Store
from docket.store.sqlite import SQLiteStore

DEFAULT_DB = "docket.db"

__all__ = ["DEFAULT_DB", "SQLiteStore", "Store", "default_db", "open_store"]


def default_db() -> str:
    """The database location: ``$DOCKET_DB`` or ``./docket.db``."""
    return os.environ.get("DOCKET_DB") or DEFAULT_DB


def open_store(db: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at ``db``: a SQLite file path, or a
    ``postgresql://`` address for a shared PostgreSQL database. ``create=False`` (commands that
    only read or curate) refuses a SQLite file that does not exist instead of creating it."""
    target = str(db or default_db())
    if target.startswith(("postgres://", "postgresql://")):
        from docket.store.postgres import PostgresStore

        return PostgresStore(target)
    if target.startswith("sqlite:///"):
        target = target[len("sqlite:///") :]
    return SQLiteStore(target, create=create)

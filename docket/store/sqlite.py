"""The default embedded store: SQLite in WAL mode with an FTS5 index over paragraphs."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from docket.errors import (
    DatabaseBusy,
    DiskFull,
    DocumentConflict,
    QueryError,
    ReadOnlyDatabase,
    SchemaTooNew,
    StoreError,
)
from docket.models import (
    SearchField,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchSort,
    SearchTerm,
)
from docket.store.sql import SQLStore, _hit
from docket.store.textindex import IndexUnavailable, TextIndex, text_index_for, text_key


def _migrations() -> list[tuple[int, str]]:
    out = []
    for f in resources.files("docket.store.migrations").iterdir():
        name = f.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), f.read_text("utf-8")))
    return sorted(out)


class SQLiteStore(SQLStore):
    """SQLite implementation of :class:`docket.store.base.Store`."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = str(path)
        if not create and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(
                f"no database at {self.path}",
                path=None,
                hint=f"ingest reports first (docket ingest PATH --db {self.path}), or give --db",
            )
        self._state_memo: tuple[int, str] | None = None  # (PRAGMA data_version, state)
        self._steady = False  # inside steady()
        self._asked = False  # inside steady(), and the memo was checked: it answers without asking
        self._index: TextIndex | None = None  # the process-wide text index of this file, once found
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._refuse_foreign()
            if self.path != ":memory:":
                self._wal()
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.OperationalError as exc:
            if not self._read_only_media():
                raise StoreError(
                    f"cannot open the database: {exc}",
                    path=self.path,
                    hint="is it a docket database? use --db to pick another",
                ) from exc
            self._open_read_only()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the database: {exc}",
                path=self.path,
                hint="is it a docket database? use --db to pick another",
            ) from exc

    def _wal(self) -> None:
        """Switch to WAL. The switch needs the file to itself and SQLite does not wait for it (no
        busy handler), so several processes opening a new database at once retry for a while."""
        import time

        deadline = time.monotonic() + 30
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if (
                    "locked" not in str(exc) and "busy" not in str(exc)
                ) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _read_only_media(self) -> bool:
        """Whether the database file exists but cannot be written (read-only file system or file)."""
        p = Path(self.path)
        if self.path == ":memory:" or not p.is_file():
            return False
        try:
            return bool(os.statvfs(p).f_flag & os.ST_RDONLY) or not os.access(p, os.W_OK)
        except OSError:
            return False

    def _open_read_only(self) -> None:
        """Open a database on read-only media for reading (``immutable``: SQLite needs no -shm file)."""
        uri = Path(self.path).resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            self.conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise ReadOnlyDatabase(
                f"cannot open the read-only database: {exc}",
                path=self.path,
                hint="is it a docket database?",
            ) from exc
        if current != _migrations()[-1][0]:
            raise ReadOnlyDatabase(
                f"the database is read-only and at schema v{current}, not v{_migrations()[-1][0]}",
                path=self.path,
                hint="open it once where it is writable to upgrade it, or use a matching docket",
            )

    # -- schema ----------------------------------------------------------------------------------
    def _refuse_foreign(self) -> None:
        """Another program's database (tables, but no docket schema version) is left as it is: not
        even its journal mode is changed."""
        # One statement, so one snapshot: read apart, another process's first migration could
        # commit between the two reads (tables seen, version still 0: "not a docket database").
        current, tables = self.conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), "
            "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%')"
        ).fetchone()
        if current == 0 and tables:
            self.conn.close()
            raise StoreError(
                "this SQLite file is not a docket database",
                path=self.path,
                hint="give --db a new file or a docket database",
            )

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        migrations = _migrations()
        latest = migrations[-1][0]
        if current > latest:
            raise SchemaTooNew(
                f"database schema v{current} is newer than this docket (v{latest})",
                path=self.path,
                hint="upgrade docket",
            )
        for version, sql in migrations:
            if version <= current:
                continue
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                    self.conn.execute(
                        "COMMIT"
                    )  # another process opening the same new file got here first
                    continue
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version:d}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def integrity_check(self) -> str:
        result = self.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result == "ok":
            self.conn.execute(
                "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('integrity-check', 1)"
            )
        return str(result)

    def state(self) -> str:
        """As :meth:`Store.state`, read again only when the database changed: ``PRAGMA data_version``
        (one cheap statement) moves when another connection commits, and this connection's own
        writes drop the memo. Every cached page checks the state, and its three queries had been
        about a seventh of a cached page's CPU time."""
        memo = self._state_memo
        if memo is not None and self._asked:
            return memo[1]
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if memo is None or memo[0] != version:
            memo = self._state_memo = (version, super().state())
        self._asked = self._steady
        return memo[1]

    def documents_state(self) -> str:
        """As :meth:`SQLStore.documents_state`, from the memo of :meth:`state` (which starts with
        it) while the database has not changed: every search checks it against the text index."""
        if self._steady:  # the whole state once, then its memo for the rest of the request
            return self.state().partition("|")[0]
        memo = self._state_memo
        if memo is not None and memo[0] == self.conn.execute("PRAGMA data_version").fetchone()[0]:
            return memo[1].partition("|")[0]
        return super().documents_state()

    def reusable(self) -> bool:
        """As :meth:`Store.reusable`: pooled unless an error left a transaction open."""
        return not self.conn.in_transaction

    @contextmanager
    def steady(self) -> Iterator[None]:
        """As :meth:`Store.steady`: a web request asks for the state several times (the page
        cache, facets, name index, persons, text index), and each statement lets the worker
        thread lose Python's lock to the event loop, which costs far more than the statement."""
        self._steady, self._asked = True, False
        try:
            yield
        finally:
            self._steady = self._asked = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: committed whole, or rolled back with the storage error translated."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite may already have rolled back (a full disk does)
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._storage_error(exc) from exc
            if isinstance(exc, sqlite3.IntegrityError) and re.search(
                r"\bdocuments\.(id|source_path)\b", str(exc)
            ):
                raise DocumentConflict(
                    "another ingest stored this document meanwhile", path=self.path
                ) from exc
            raise
        finally:
            self._state_memo = None  # own commits leave data_version as it was

    def _storage_error(self, exc: sqlite3.Error) -> StoreError:
        """A write that failed for a reason outside docket, as an error that says what to do."""
        msg = str(exc).lower()
        kept = "documents already stored are kept; the one being written was rolled back"
        if "full" in msg:
            return DiskFull(
                "the disk holding the database is full",
                path=self.path,
                hint=f"free some space, then run the same command again ({kept})",
            )
        if "readonly" in msg or "read-only" in msg or "read only" in msg:
            return ReadOnlyDatabase(
                "the database is read-only",
                path=self.path,
                hint="use a writable copy with --db, or fix the file's permissions",
            )
        if "locked" in msg or "busy" in msg:
            return DatabaseBusy(
                "the database is busy: another process has been writing for over 30 s",
                path=self.path,
                hint=f"wait for the other ingest to finish and retry ({kept})",
            )
        return StoreError(f"the database could not be written: {exc}", path=self.path, hint=kept)

    # -- the dialect ---------------------------------------------------------------------------
    def _sql(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def _many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return self.conn.execute(sql, params).lastrowid  # type: ignore[return-value]

    # -- search ----------------------------------------------------------------------------------
    def _text_index(self) -> TextIndex | None:
        """The Tantivy index, synced with the documents; ``None`` when FTS5 must serve instead."""
        if self.path == ":memory:" or os.environ.get("DOCKET_SEARCH", "").lower() == "fts5":
            return None
        try:
            if self._index is None:  # the path is resolved once per connection, not per search
                self._index = text_index_for(self.path)
            index = self._index
            state = self.documents_state()
            if not index.is_synced(state):
                index.sync(state, self._paragraph_blocks(), self._index_rows)
            return index
        except IndexUnavailable:
            return None
        except OSError:  # a read-only or full disk: the index cannot be written, FTS5 still works
            return None

    def _publishers(self) -> list[str]:
        """The distinct publishers, read once per documents state (a scan of every document otherwise)."""
        state = self.documents_state()
        cached = _PUBLISHERS.get(self.path)
        if cached is None or cached[0] != state:
            names = [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT publisher FROM documents INDEXED BY "
                    "documents_facets WHERE publisher IS NOT NULL"
                )
            ]
            cached = _PUBLISHERS[self.path] = (state, names)
        return cached[1]

    def refresh_search_index(self) -> int:
        """Bring the search index up to date now (after an ingest); the number of documents changed."""
        if self.path == ":memory:":
            return 0
        try:
            return text_index_for(self.path).sync(
                self.documents_state(), self._paragraph_blocks(), self._index_rows
            )
        except (IndexUnavailable, OSError):
            return 0

    def _paragraph_blocks(self) -> set[str]:
        """Each document's paragraphs as one key: document id, first rowid, count (see TextIndex.sync)."""
        return {
            f"{r[0]}@{r[1]}+{r[2]}"
            for r in self.conn.execute(
                "SELECT document_id, MIN(id), COUNT(*) FROM paragraphs GROUP BY document_id"
            )
        }

    def _index_rows(self, document_ids: list[str]) -> Iterator[tuple[Any, ...]]:
        for i in range(0, len(document_ids), 500):
            chunk = document_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.conn.execute(
                f"""
                SELECT p.id, p.document_id, p.text, d.publisher, d.country, d.period,
                       {_TOPICS}
                FROM paragraphs p JOIN documents d ON d.id = p.document_id
                WHERE p.document_id IN ({marks})""",
                chunk,
            )

    def _ranking_index(self, filters: SearchFilters) -> tuple[TextIndex | None, list[str] | None]:
        """The text index to rank with (``None``: FTS5) and the exact publisher values the
        publisher filter stands for (``[]``: none, so nothing matches)."""
        index = None if filters.section else self._text_index()  # section: FTS5's substring filter
        if index is None or not filters.publisher:
            return index, None
        wanted = filters.publisher.lower()  # LIKE '%x%' over the few distinct publishers
        return index, [p for p in self._publishers() if wanted in p.lower()]

    def search(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int,
        sort: SearchSort = "relevance",
    ) -> list[SearchHit]:
        ranked = self.search_keys(query, filters, limit=limit, offset=offset, sort=sort)
        return self.search_hits(query, [(pid, score) for pid, score, _ in ranked])

    def search_keys(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int = 0,
        sort: SearchSort = "relevance",
    ) -> list[tuple[int, float, int]]:
        index, publishers = self._ranking_index(filters)
        if publishers == []:
            return []
        if index is None:
            return self._keys_fts5(query, filters, limit=limit, offset=offset, sort=sort)
        try:
            ranked = index.search(query, filters, publishers, limit=limit, offset=offset, sort=sort)
        except ValueError as exc:
            raise QueryError(f"the search query could not be run: {exc}") from exc
        return [(pid, -score, key) for pid, score, key in ranked]

    def search_hits(
        self, query: SearchQuery, ranked: Sequence[tuple[int, float]]
    ) -> list[SearchHit]:
        if not ranked:
            return []
        rows = self._hit_rows([pid for pid, _ in ranked])
        index = self._text_index()
        if index is None:  # FTS5 marks the matches itself
            snippets = self._snippets_fts5(query, [pid for pid, _ in ranked])
        else:
            snippets = {
                pid: index.snippet(rows[pid]["text"], query) for pid, _ in ranked if pid in rows
            }
        return [
            _hit(rows[pid], score, snippets.get(pid, rows[pid]["text"]))
            for pid, score in ranked
            if pid in rows
        ]  # a paragraph removed since the index was synced is skipped

    def search_count(self, query: SearchQuery, filters: SearchFilters) -> tuple[int, int]:
        index, publishers = self._ranking_index(filters)
        if publishers == []:
            return 0, 0
        if index is not None:
            try:
                return index.count(query, filters, publishers)
            except ValueError as exc:
                raise QueryError(f"the search query could not be run: {exc}") from exc
        (row,) = self._fts5_rows(query, filters, "count(*), count(DISTINCT p.document_id)", "")
        return int(row[0]), int(row[1])

    def search_count_by(
        self, query: SearchQuery, filters: SearchFilters, field: SearchField
    ) -> dict[str, int]:
        index, publishers = self._ranking_index(filters)
        if publishers == []:
            return {}
        if index is not None:
            try:
                return index.count_by(
                    query, filters, publishers, "doc" if field == "document" else "topic"
                )
            except ValueError as exc:
                raise QueryError(f"the search query could not be run: {exc}") from exc
        if field == "document":
            rows = self._fts5_rows(query, filters, "p.document_id, count(*)", "GROUP BY 1")
        else:
            rows = self._fts5_rows(
                query,
                filters,
                "t.topic, count(*)",
                "GROUP BY 1",
                join="JOIN paragraph_topics t ON t.document_id = p.document_id"
                " AND t.paragraph = p.ordinal",
            )
        return {str(r[0]): int(r[1]) for r in rows}

    def _fts5_rows(
        self, query: SearchQuery, filters: SearchFilters, columns: str, tail: str, join: str = ""
    ) -> list[sqlite3.Row]:
        """``SELECT columns`` over the paragraphs FTS5 matches under ``filters``, then ``tail``."""
        where, args = self._filter_clauses(filters)
        where.insert(0, "paragraphs_fts MATCH ?")
        args.insert(0, fts5_expression(query))
        sql = f"""
            SELECT {columns}
            FROM paragraphs_fts
            JOIN paragraphs p ON p.id = paragraphs_fts.rowid
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            {join}
            WHERE {" AND ".join(where)} {tail}"""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"the search query could not be run: {exc}") from exc

    def _hit_rows(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The rows of paragraphs ``ids`` with their document's metadata, section and topics, by id.

        Fetched as one JSON array: SQLite then hands the rows over in one step instead of one step
        per row, and the sqlite3 module releases the GIL around each step. In a web server the
        event loop takes the GIL at each release, and the render thread waits for it back: with
        a busy second thread, 21 rows one step at a time took 62 ms, and as one JSON value 9 ms
        (0.27 and 0.21 ms without that thread). Fresh search pages at 50 clients: p99 156-244 ms
        against 240-361 ms in three alternating runs, at the same throughput.
        """
        marks = ",".join("?" * len(ids))
        (rows,) = self.conn.execute(
            f"""
            SELECT json_group_array(json_array(
                   p.id, p.text, p.ordinal, p.start, p."end", p.document_id, d.publisher, d.title, d.period,
                   s.heading,
                   {_TOPICS}))
            FROM paragraphs p
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            WHERE p.id IN ({marks})""",
            ids,
        ).fetchone()
        return {r[0]: dict(zip(_HIT_COLUMNS, r)) for r in json.loads(rows)}

    def _keys_fts5(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int,
        sort: SearchSort,
    ) -> list[tuple[int, float, int]]:
        rows = self._fts5_page(query, filters, limit=limit, offset=offset, sort=sort)
        return [
            (int(r[0]), float(r[1]) if sort == "relevance" else 0.0, text_key(r[2])) for r in rows
        ]

    def _fts5_page(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int,
        sort: SearchSort,
    ) -> list[sqlite3.Row]:
        where, args = self._filter_clauses(filters)
        where.insert(0, "paragraphs_fts MATCH ?")
        args.insert(0, fts5_expression(query))
        sql = f"""
            SELECT p.id, bm25(paragraphs_fts) AS rank, p.text
            FROM paragraphs_fts
            JOIN paragraphs p ON p.id = paragraphs_fts.rowid
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            WHERE {" AND ".join(where)}
            ORDER BY {self._sort_sql(sort)} LIMIT ? OFFSET ?"""
        try:
            return self.conn.execute(sql, (*args, limit, offset)).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"the search query could not be run: {exc}") from exc

    def _snippets_fts5(self, query: SearchQuery, ids: list[int]) -> dict[int, str]:
        """FTS5's marked snippets of paragraphs ``ids`` for ``query``."""
        marks = ",".join("?" * len(ids))
        try:
            rows = self.conn.execute(
                f"""SELECT rowid, snippet(paragraphs_fts, 0, char(2), char(3), '…', 24)
                    FROM paragraphs_fts WHERE paragraphs_fts MATCH ? AND rowid IN ({marks})""",
                (fts5_expression(query), *ids),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"the search query could not be run: {exc}") from exc
        return {int(r[0]): str(r[1]) for r in rows}

    def close(self) -> None:
        self.conn.close()


_PUBLISHERS: dict[str, tuple[str, list[str]]] = {}  # database path -> (documents state, publishers)


_TOPICS = (
    "(SELECT group_concat(t.topic, ',') FROM paragraph_topics t "
    "WHERE t.document_id = p.document_id AND t.paragraph = p.ordinal)"
)  # a paragraph's topics, comma-separated
_HIT_COLUMNS = (
    "id",
    "text",
    "ordinal",
    "start",
    "end",
    "document_id",
    "publisher",
    "title",
    "period",
    "section",
    "topics",
)


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression for a parsed query (every word quoted, so nothing is syntax)."""

    def term(t: SearchTerm) -> str:
        return '"' + " ".join(t.words).replace('"', '""') + '"' + ("*" if t.prefix else "")

    groups = [
        term(g[0]) if len(g) == 1 else "(" + " OR ".join(term(x) for x in g) + ")"
        for g in query.groups
    ]
    expr = " AND ".join(groups)
    for t in query.excluded:
        expr = f"{expr} NOT {term(t)}"
    return expr


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN … END;) whole."""
    statements: list[str] = []
    buf: list[str] = []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        chunk = "\n".join(buf).strip()
        if chunk.endswith(";") and sqlite3.complete_statement(chunk):
            statements.append(chunk)
            buf = []
    if "\n".join(buf).strip():
        statements.append("\n".join(buf))
    return statements


def write_tables(path: str | Path, tables: list[Any]) -> None:
    """Write plain tables (``docket.export.tables.Table``) to a new SQLite file, replacing it whole.

    The file is built under a temporary name and renamed, so a crash never leaves half an export.
    Columns ending in ``_id`` get indexes, and ``person_id``/``document_id`` become foreign keys
    where the parent table is present, so datasette shows links between the tables.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    names = {t.name for t in tables}
    parents = {"person_id": "persons", "document_id": "documents"}
    conn = sqlite3.connect(tmp)
    try:
        with conn:
            for t in tables:
                cols = []
                for c in t.columns:
                    parent = parents.get(c)
                    if parent and parent in names and parent != t.name:
                        cols.append(f'"{c}" REFERENCES "{parent}"("{c}")')
                    elif (
                        t.columns[0] == c
                        and c.endswith("_id")
                        and t.name in ("documents", "persons", "facts")
                    ):
                        cols.append(f'"{c}" PRIMARY KEY')
                    else:
                        cols.append(f'"{c}"')
                conn.execute(f'CREATE TABLE "{t.name}" ({", ".join(cols)})')
                conn.executemany(
                    f'INSERT INTO "{t.name}" VALUES ({", ".join("?" * len(t.columns))})', t.rows
                )
                for c in t.columns[1:]:
                    if c.endswith("_id"):
                        conn.execute(f'CREATE INDEX "{t.name}_{c}" ON "{t.name}"("{c}")')
    finally:
        conn.close()
    tmp.replace(path)

"""PostgreSQL implementation of :class:`docket.store.base.Store`, for shared, multi-user deployments.

Same tables, columns and migration versions as SQLite (``migrations_pg/``: the same schema in
PostgreSQL's dialect). Full-text search is PostgreSQL's own: a ``tsvector`` column generated from
the paragraph text (``simple`` configuration, lower-cased and unaccented, like FTS5's
``unicode61 remove_diacritics``) with a GIN index, ranked with ``ts_rank_cd``. Writers are
serialised with a transaction-level advisory lock, as SQLite's ``BEGIN IMMEDIATE`` does.

Select it with ``--db postgresql://user:password@host/dbname`` or ``$DOCKET_DB``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
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
from docket.models import SearchField, SearchFilters, SearchHit, SearchQuery, SearchSort, SearchTerm
from docket.store.sql import SQLStore, _hit
from docket.store.textindex import text_key

_WRITE_LOCK = 0x646F636B  # "dock": the advisory lock every docket writer takes


def _migrations() -> list[tuple[int, str]]:
    out = []
    for f in resources.files("docket.store.migrations_pg").iterdir():
        if f.name.endswith(".sql") and f.name[:4].isdigit():
            out.append((int(f.name[:4]), f.read_text("utf-8")))
    return sorted(out)


class _Row:
    """A row readable by column name and by position, like ``sqlite3.Row``."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names, self._values = names, values

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        """Column names, in order."""
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or [])}
    return lambda values: _Row(names, values)


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|(\?)|(%)")


def _pg(sql: str) -> str:
    """``?`` placeholders as ``%s`` and literal ``%`` doubled, outside quoted strings and names."""
    return _PLACEHOLDER.sub(
        lambda m: "%s" if m.group(1) else "%%" if m.group(2) else m.group(0), sql
    )


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def tsquery_text(query: SearchQuery) -> str | None:
    """The ``to_tsquery('simple', …)`` text for a parsed query: every lexeme is letters and digits
    only and quoted, so nothing a user types is syntax. ``None`` when no word is left."""

    def term(t: SearchTerm) -> str | None:
        lexemes = [f"'{_fold(x)}'" for w in t.words for x in re.findall(r"[^\W_]+", w)]
        if not lexemes:
            return None
        if t.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"

    groups = []
    for g in query.groups:
        terms = [x for x in map(term, g) if x]
        if not terms:
            return None
        groups.append("(" + " | ".join(terms) + ")")
    excluded = [x for x in map(term, query.excluded) if x]
    return " & ".join(groups + [f"!{x}" for x in excluded])


def _first(row: Any) -> Any:
    """The first column of a row a statement always returns (an aggregate, ``RETURNING``)."""
    if row is None:
        raise StoreError("PostgreSQL returned no row where one is always returned")
    return row[0]


class PostgresStore(SQLStore):
    """PostgreSQL implementation of :class:`docket.store.base.Store`."""

    _ROW_ORDER = "id"
    _ILIKE = "ILIKE"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError as exc:
            raise StoreError(
                "PostgreSQL needs psycopg, which is not installed",
                path=url,
                hint="pip install 'docket[postgres]'",
            ) from exc
        self._psycopg = psycopg
        try:
            info = conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"not a PostgreSQL address: {exc}", path=url) from exc
        self.path = (
            "postgresql://{user}@{host}:{port}/{dbname}".format(  # shown in messages: no password
                user=info.get("user", ""),
                host=info.get("host", ""),
                port=info.get("port", "5432"),
                dbname=info.get("dbname", ""),
            )
        )
        try:
            self.conn = psycopg.connect(
                url, autocommit=True, row_factory=_row_factory, connect_timeout=10
            )
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"cannot connect to PostgreSQL: {str(exc).strip()}",
                path=self.path,
                hint="is the server running, and are the address and credentials right?",
            ) from exc
        self._migrate()

    # -- schema ----------------------------------------------------------------------------------
    def _migrate(self) -> None:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            self.conn.execute("CREATE TABLE IF NOT EXISTS docket_schema (version INTEGER NOT NULL)")
            row = self.conn.execute("SELECT max(version) FROM docket_schema").fetchone()
            current = _first(row) or 0
            migrations = _migrations()
            latest = migrations[-1][0]
            if current > latest:
                raise SchemaTooNew(
                    f"database schema v{current} is newer than this docket (v{latest})",
                    path=self.path,
                    hint="upgrade docket",
                )
            for version, sql in migrations:
                if version > current:
                    self.conn.execute(sql)
                    self.conn.execute("INSERT INTO docket_schema (version) VALUES (%s)", (version,))

    # -- the dialect -----------------------------------------------------------------------------
    def _sql(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_pg(sql), params)

    def _many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(_pg(sql), rows)

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return int(_first(self.conn.execute(_pg(sql) + " RETURNING id", params).fetchone()))

    @contextmanager
    def _write(self) -> Iterator[None]:
        errors = self._psycopg.errors
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
                yield
        except errors.UniqueViolation as exc:
            if "documents" in str(getattr(exc.diag, "table_name", "") or ""):
                raise DocumentConflict(
                    "another ingest stored this document meanwhile", path=self.path
                ) from exc
            raise
        except errors.DiskFull as exc:
            raise DiskFull(
                "the disk holding the database is full",
                path=self.path,
                hint="free some space, then run the same command again",
            ) from exc
        except errors.ReadOnlySqlTransaction as exc:
            raise ReadOnlyDatabase(
                "the database is read-only",
                path=self.path,
                hint="connect to the primary server, or as a user allowed to write",
            ) from exc
        except (errors.LockNotAvailable, errors.DeadlockDetected) as exc:
            raise DatabaseBusy("the database is busy", path=self.path, hint="retry") from exc
        except self._psycopg.OperationalError as exc:
            raise StoreError(
                f"the database could not be written: {str(exc).strip()}",
                path=self.path,
                hint="documents already stored are kept; the one being written was rolled back",
            ) from exc

    # -- checks ----------------------------------------------------------------------------------
    def integrity_check(self) -> str:
        """ "ok" when every paragraph, mention and event quote is the exact slice of its document's text."""
        bad = self.conn.execute("""
            SELECT (SELECT count(*) FROM paragraphs p JOIN documents d ON d.id = p.document_id
                     WHERE substr(d.text, p.start + 1, p."end" - p.start) <> p.text)
                 + (SELECT count(*) FROM events e JOIN documents d ON d.id = e.document_id
                     WHERE substr(d.text, e.start + 1, e."end" - e.start) <> e.quote)
                 + (SELECT count(*) FROM mentions m JOIN documents d ON d.id = m.document_id
                     WHERE substr(d.text, m.start + 1, m."end" - m.start) <> m.text)""").fetchone()
        bad = _first(bad)
        return "ok" if bad == 0 else f"{bad} stored passages differ from their document's text"

    # -- search ----------------------------------------------------------------------------------
    def refresh_search_index(self) -> int:
        """PostgreSQL keeps its tsvector index current in each transaction; after a batch, refresh
        the planner's statistics so searches use the index (a fresh bulk load has none)."""
        self.conn.execute("ANALYZE documents, paragraphs, paragraph_topics")
        return 0

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
        text = tsquery_text(query)
        if text is None:
            return []
        # ranked and cut first; the headline (costly) is made for a page's rows only (search_hits)
        rows = self._matching(
            text,
            filters,
            "p.id, -ts_rank_cd(p.tsv, q.q) AS rank, p.text",
            f"ORDER BY {self._sort_sql(sort)} LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [
            (int(r["id"]), float(r["rank"]) if sort == "relevance" else 0.0, text_key(r["text"]))
            for r in rows
        ]

    def search_hits(
        self, query: SearchQuery, ranked: Sequence[tuple[int, float]]
    ) -> list[SearchHit]:
        text = tsquery_text(query)
        if text is None or not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        sql = f"""
            WITH q AS (SELECT to_tsquery('simple', ?) AS q)
            SELECT p.id, ts_headline('simple', p.text, q.q, ?) AS snip,
                   p.text, p.ordinal, p.start, p."end", p.document_id,
                   d.publisher, d.title, d.period, s.heading AS section,
                   (SELECT string_agg(t.topic, ',' ORDER BY t.id) FROM paragraph_topics t
                     WHERE t.document_id = p.document_id AND t.paragraph = p.ordinal) AS topics
            FROM paragraphs p CROSS JOIN q
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            WHERE p.id IN ({marks})
        """
        headline = "StartSel=\x02, StopSel=\x03, MaxWords=35, MinWords=15, MaxFragments=1, FragmentDelimiter=…"
        try:
            rows = self._sql(sql, (text, headline, *(pid for pid, _ in ranked))).fetchall()
        except self._psycopg.Error as exc:
            raise QueryError(f"the search query could not be run: {str(exc).strip()}") from exc
        by_id = {int(r["id"]): r for r in rows}
        return [
            _hit(by_id[pid], score, _with_ellipses(by_id[pid]["snip"], by_id[pid]["text"]))
            for pid, score in ranked
            if pid in by_id
        ]

    def search_count(self, query: SearchQuery, filters: SearchFilters) -> tuple[int, int]:
        text = tsquery_text(query)
        if text is None:
            return 0, 0
        (row,) = self._matching(
            text, filters, "count(*) AS n, count(DISTINCT p.document_id) AS docs", ""
        )
        return int(row["n"]), int(row["docs"])

    def search_count_by(
        self, query: SearchQuery, filters: SearchFilters, field: SearchField
    ) -> dict[str, int]:
        text = tsquery_text(query)
        if text is None:
            return {}
        if field == "document":
            rows = self._matching(text, filters, "p.document_id AS k, count(*) AS n", "GROUP BY 1")
        else:
            rows = self._matching(
                text,
                filters,
                "t.topic AS k, count(*) AS n",
                "GROUP BY 1",
                join="JOIN paragraph_topics t ON t.document_id = p.document_id"
                " AND t.paragraph = p.ordinal",
            )
        return {str(r["k"]): int(r["n"]) for r in rows}

    def _matching(
        self,
        text: str,
        filters: SearchFilters,
        columns: str,
        tail: str,
        extra: tuple[Any, ...] = (),
        join: str = "",
    ) -> list[Any]:
        """``SELECT columns`` over the paragraphs the tsquery ``text`` matches under ``filters``
        (aliases ``p``, ``d``, ``s``, ``q``), then ``tail`` with its values ``extra``."""
        where, args = self._filter_clauses(filters)
        where.insert(0, "p.tsv @@ q.q")
        sql = f"""
            WITH q AS (SELECT to_tsquery('simple', ?) AS q)
            SELECT {columns}
            FROM paragraphs p CROSS JOIN q
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            {join}
            WHERE {" AND ".join(where)} {tail}"""
        try:
            return list(self._sql(sql, (text, *args, *extra)).fetchall())
        except self._psycopg.Error as exc:
            raise QueryError(f"the search query could not be run: {str(exc).strip()}") from exc

    def close(self) -> None:
        self.conn.close()


def _with_ellipses(snippet: str, text: str) -> str:
    """Mark a headline cut from a longer paragraph with ``…`` where it was cut (as FTS5 does)."""
    plain = snippet.replace("\x02", "").replace("\x03", "")
    head = "" if text.startswith(plain[:20]) else "…"
    tail = "" if text.rstrip().endswith(plain[-20:].rstrip()) else "…"
    return head + snippet + tail

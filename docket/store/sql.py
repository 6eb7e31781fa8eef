"""What every SQL backend shares: the schema's tables are the same, so are most statements.

A backend subclasses :class:`SQLStore` and supplies the few things that differ (the Splink
idea of a small dialect): how a statement runs (:meth:`_sql`, :meth:`_many`, with ``?``
placeholders), how an insert returns its new id, the write transaction, migrations and
full-text search. Only ``docket.store`` holds SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from docket.models import (
    Citation,
    CurationEntry,
    Document,
    DocumentRecord,
    DocumentSummary,
    Entity,
    Event,
    Mention,
    Metadata,
    Paragraph,
    Review,
    Sanction,
    SearchFilters,
    SearchHit,
    SearchSort,
    Section,
)


class Row(Protocol):
    """A result row readable by column name and by position (``sqlite3.Row`` and docket's psycopg rows)."""

    def __getitem__(self, key: str | int) -> Any: ...


class SQLStore:
    """The backend-independent part of a SQL :class:`docket.store.base.Store`."""

    _ROW_ORDER = "rowid"  # a column that orders rows of one table as they were inserted

    # -- the dialect: what each backend supplies -------------------------------------------------
    def _sql(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders); a cursor to iterate or fetch from."""
        raise NotImplementedError

    def _many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        """Run one statement for each of ``rows``."""
        raise NotImplementedError

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT and return the new row's ``id``."""
        raise NotImplementedError

    _ILIKE = "LIKE"  # case-insensitive LIKE (SQLite's LIKE already is, for ASCII)

    def _filter_clauses(self, filters: SearchFilters) -> tuple[list[str], list[Any]]:
        """WHERE clauses (``?`` placeholders) and their values for search filters, over the aliases
        ``p`` (paragraphs), ``d`` (documents) and ``s`` (sections)."""
        where: list[str] = []
        args: list[Any] = []
        if filters.publisher:
            where.append(f"d.publisher {self._ILIKE} ?")
            args.append(f"%{filters.publisher}%")
        if filters.country:
            where.append("lower(d.country) = lower(?)")
            args.append(filters.country)
        if filters.year is not None:
            where.append("d.period = ?")
            args.append(filters.year)
        if filters.year_from is not None:
            where.append("d.period >= ?")
            args.append(filters.year_from)
        if filters.year_to is not None:
            where.append("d.period <= ?")
            args.append(filters.year_to)
        if filters.section:
            where.append(f"s.path {self._ILIKE} ?")
            args.append(f"%{filters.section}%")
        if filters.topic:
            where.append(
                "EXISTS (SELECT 1 FROM paragraph_topics t WHERE t.document_id = p.document_id"
                " AND t.paragraph = p.ordinal AND t.topic = ?)"
            )
            args.append(filters.topic)
        return where, args

    @staticmethod
    def _sort_sql(sort: SearchSort) -> str:
        """The ORDER BY of a search in ``sort`` order over the aliases ``rank`` (a score, lower
        is better), ``p`` and ``d``: by date, the year covered then the paragraph's place in the
        database (the order of the text index's sort keys), an unknown year last."""
        if sort == "newest":
            return "(d.period IS NULL), d.period DESC, p.id"
        if sort == "oldest":
            return "(d.period IS NULL), d.period, p.id"
        return "rank, p.id"

    def search_same_text(self, ids: Sequence[int], filters: SearchFilters) -> dict[int, list[int]]:
        """For each paragraph of ``ids``, the other paragraphs under ``filters`` with exactly its
        text (the same text matches the same query, so no query is needed), in database order."""
        if not ids:
            return {}
        where, args = self._filter_clauses(filters)
        marks = ",".join("?" * len(ids))
        # substr(): the indexed prefix (migration 23) finds the candidates, equality decides
        rows = self._sql(
            f"""
            SELECT src.id AS src, p.id AS dup
            FROM paragraphs src
            JOIN paragraphs p ON substr(p.text, 1, 40) = substr(src.text, 1, 40)
                 AND p.text = src.text AND p.id <> src.id
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            WHERE src.id IN ({marks}){"".join(" AND " + w for w in where)}
            ORDER BY src.id, p.id""",
            (*ids, *args),
        ).fetchall()
        out: dict[int, list[int]] = {}
        for r in rows:
            out.setdefault(int(r["src"]), []).append(int(r["dup"]))
        return out

    def paragraph_citations(self, ids: Sequence[int]) -> dict[int, Citation]:
        """The citations of paragraphs ``ids`` (database row ids), by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f"""
            SELECT p.id, p.ordinal, p.start, p."end", p.document_id,
                   d.publisher, d.title, d.period, s.heading AS section
            FROM paragraphs p
            JOIN documents d ON d.id = p.document_id
            LEFT JOIN sections s ON s.document_id = p.document_id AND s.ordinal = p.section
            WHERE p.id IN ({marks})""",
            tuple(ids),
        ).fetchall()
        return {int(r["id"]): _citation(r) for r in rows}

    def _write(self) -> AbstractContextManager[None]:
        """One write transaction, serialised with other writers; storage errors translated."""
        raise NotImplementedError

    # -- reads -----------------------------------------------------------------------------------
    _SUMMARY_SQL = """
        SELECT d.id, d.file_name, d.source_path, d.format, d.publisher, d.country, d.period, d.title,
               d.ingested_at, d.url, d.published, d.accessed, d.language,
               (SELECT COUNT(*) FROM sections s WHERE s.document_id = d.id) AS n_sections,
               (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS n_paragraphs
        FROM documents d
    """

    @staticmethod
    def _summary(row: Row) -> DocumentSummary:
        return DocumentSummary(
            id=row["id"],
            file_name=row["file_name"],
            source_path=row["source_path"],
            format=row["format"],
            publisher=row["publisher"],
            country=row["country"],
            period=row["period"],
            title=row["title"],
            sections=row["n_sections"],
            paragraphs=row["n_paragraphs"],
            ingested_at=row["ingested_at"],
            url=row["url"],
            published=row["published"],
            accessed=row["accessed"],
            language=row["language"],
        )

    def find_by_path(self, source_path: str) -> DocumentSummary | None:
        row = self._sql(self._SUMMARY_SQL + " WHERE d.source_path = ?", (source_path,)).fetchone()
        return self._summary(row) if row else None

    def find_by_id(self, document_id: str) -> DocumentSummary | None:
        row = self._sql(self._SUMMARY_SQL + " WHERE d.id = ?", (document_id,)).fetchone()
        return self._summary(row) if row else None

    def list_documents(self) -> list[DocumentSummary]:
        rows = self._sql(
            self._SUMMARY_SQL + " ORDER BY d.publisher, d.period, d.file_name"
        ).fetchall()
        return [self._summary(r) for r in rows]

    def get_document(self, document_id: str) -> Document | None:
        row = self._sql("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            return None
        sections = tuple(
            Section(
                r["ordinal"],
                r["heading"],
                r["level"],
                tuple(json.loads(r["path"])),
                r["start"],
                r["end"],
            )
            for r in self._sql(
                "SELECT * FROM sections WHERE document_id = ? ORDER BY ordinal", (document_id,)
            )
        )
        paragraphs = tuple(
            Paragraph(r["ordinal"], r["section"], r["start"], r["end"], r["text"], r["page"])
            for r in self._sql(
                "SELECT * FROM paragraphs WHERE document_id = ? ORDER BY ordinal", (document_id,)
            )
        )
        sources = json.loads(row["metadata_sources"])
        return Document(
            id=row["id"],
            source_path=row["source_path"],
            file_name=row["file_name"],
            format=row["format"],
            sha256=row["sha256"],
            size=row["size"],
            text=row["text"],
            metadata=Metadata(
                row["publisher"],
                row["country"],
                row["period"],
                row["title"],
                tuple(sorted(sources.items())),
                tuple(json.loads(row["attributes"]).items()),
                row["url"],
                row["published"],
                row["accessed"],
                row["language"],
            ),
            sections=sections,
            paragraphs=paragraphs,
            encoding=row["encoding"],
            pages=row["pages"],
            notes=tuple(json.loads(row["notes"])),
        )

    def paragraph_places(self, document_id: str) -> dict[int, tuple[str | None, int | None]]:
        rows = self._sql(
            "SELECT p.ordinal, s.heading, p.page FROM paragraphs p LEFT JOIN sections s "
            "ON s.document_id = p.document_id AND s.ordinal = p.section WHERE p.document_id = ?",
            (document_id,),
        )
        headings: dict[str, str] = {}  # one string per section, not one per paragraph
        return {r[0]: (headings.setdefault(r[1], r[1]) if r[1] else r[1], r[2]) for r in rows}

    def counts(self) -> dict[str, int]:
        return {
            t: self._sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("documents", "sections", "paragraphs", "mentions", "events", "entities")
        }

    def state(self) -> str:
        curated = self._sql("SELECT COUNT(*), MAX(id) FROM curation").fetchone()
        reviewed = self._sql("SELECT MAX(id) FROM reviews").fetchone()
        return f"{self._documents_generation()}|{curated[0]}|{curated[1]}|{reviewed[0]}"

    @contextmanager
    def steady(self) -> Iterator[None]:
        """As :meth:`Store.steady`; here :meth:`state` always asks the database."""
        yield

    def reusable(self) -> bool:
        """As :meth:`Store.reusable`: server backends get a fresh connection per request."""
        return False

    def documents_state(self) -> str:
        """A token that changes whenever a document is added, replaced or removed."""
        return self._documents_generation()

    def _documents_generation(self) -> str:
        """:meth:`documents_state` read from its table (a backend may answer the former from a memo)."""
        row = self._sql("SELECT epoch, n FROM documents_generation").fetchone()
        return f"{row[0]}:{row[1]}"

    # -- writes ----------------------------------------------------------------------------------
    def save_document(
        self,
        doc: Document,
        *,
        replaces: str | None = None,
        mentions: list[Mention] | None = None,
        events: list[Event] | None = None,
        topics: dict[int, tuple[str, ...]] | None = None,
        entities: list[Entity] | None = None,
    ) -> None:
        self.save_documents(
            [
                DocumentRecord(
                    doc, replaces, mentions or [], events or [], topics or {}, entities or []
                )
            ]
        )

    def save_documents(self, records: list[DocumentRecord]) -> None:
        with self._write():
            for r in records:
                self._insert(r)

    def _insert(self, r: DocumentRecord) -> None:
        doc = r.doc
        if r.replaces:
            self._delete(r.replaces)
        m = doc.metadata
        self._sql(
            "INSERT INTO documents (id, source_path, file_name, format, sha256, size, encoding, pages,"
            " publisher, country, period, title, metadata_sources, notes, text, ingested_at, attributes,"
            " url, published, accessed, language)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id,
                doc.source_path,
                doc.file_name,
                doc.format,
                doc.sha256,
                doc.size,
                doc.encoding,
                doc.pages,
                m.publisher,
                m.country,
                m.period,
                m.title,
                json.dumps(dict(m.sources)),
                json.dumps(list(doc.notes)),
                doc.text,
                datetime.now(UTC).isoformat(timespec="seconds"),
                json.dumps(dict(m.attributes), ensure_ascii=False),
                m.url,
                m.published,
                m.accessed,
                m.language,
            ),
        )
        self._many(
            'INSERT INTO sections (document_id, ordinal, heading, level, path, start, "end")'
            " VALUES (?,?,?,?,?,?,?)",
            [
                (doc.id, s.ordinal, s.heading, s.level, json.dumps(list(s.path)), s.start, s.end)
                for s in doc.sections
            ],
        )
        self._many(
            'INSERT INTO paragraphs (document_id, ordinal, section, start, "end", page, text)'
            " VALUES (?,?,?,?,?,?,?)",
            [
                (doc.id, p.ordinal, p.section, p.start, p.end, p.page, p.text)
                for p in doc.paragraphs
            ],
        )
        self._save_facts(doc.id, r.mentions, r.events)
        self._many(
            'INSERT INTO entities (document_id, paragraph, start, "end", text, label) VALUES (?,?,?,?,?,?)',
            [(doc.id, e.paragraph, e.start, e.end, e.text, e.label) for e in r.entities],
        )
        self._many(
            "INSERT INTO paragraph_topics (document_id, paragraph, topic) VALUES (?,?,?)",
            [(doc.id, para, t) for para, ts in r.topics.items() for t in ts],
        )

    def _save_facts(self, document_id: str, mentions: list[Mention], events: list[Event]) -> None:
        ids: dict[Mention, int] = {}
        for m in mentions:
            ids[m] = self._insert_id(
                'INSERT INTO mentions (document_id, paragraph, start, "end", text, source, role, foreign_body,'
                " confidence, normal) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    document_id,
                    m.paragraph,
                    m.start,
                    m.end,
                    m.text,
                    m.source,
                    m.role,
                    None if m.foreign is None else int(m.foreign),
                    m.confidence,
                    m.normal,
                ),
            )
        self._many(
            'INSERT INTO events (document_id, mention_id, paragraph, start, "end", type, date, charge, sanction, quote,'
            " place, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    document_id,
                    ids[e.person],
                    e.paragraph,
                    e.start,
                    e.end,
                    e.type,
                    e.date,
                    e.charge,
                    json.dumps(e.sanction.as_dict()) if e.sanction else None,
                    e.quote,
                    e.place,
                    e.confidence,
                )
                for e in events
            ],
        )

    def document_facts(self, document_id: str) -> tuple[list[Mention], list[Event]]:
        mentions: dict[int, Mention] = {}
        for r in self._sql(
            "SELECT * FROM mentions WHERE document_id = ? ORDER BY start", (document_id,)
        ):
            mentions[r["id"]] = Mention(
                document_id,
                r["paragraph"],
                r["start"],
                r["end"],
                r["text"],
                r["source"],
                r["role"],
                None if r["foreign_body"] is None else bool(r["foreign_body"]),
                r["confidence"],
                r["normal"],
            )
        events = [
            Event(
                document_id,
                r["paragraph"],
                r["start"],
                r["end"],
                mentions[r["mention_id"]],
                r["type"],
                r["date"],
                r["charge"],
                Sanction(**json.loads(r["sanction"])) if r["sanction"] else None,
                r["quote"],
                r["place"],
                r["confidence"],
            )
            for r in self._sql(
                "SELECT * FROM events WHERE document_id = ? ORDER BY start, id", (document_id,)
            )
        ]
        return list(mentions.values()), events

    def paragraph_topics(self, document_id: str) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for r in self._sql(
            f"SELECT paragraph, topic FROM paragraph_topics WHERE document_id = ? ORDER BY paragraph, {self._ROW_ORDER}",
            (document_id,),
        ):
            out.setdefault(r["paragraph"], []).append(r["topic"])
        return {k: tuple(v) for k, v in out.items()}

    def document_entities(self, document_id: str) -> list[Entity]:
        return [
            Entity(document_id, r["paragraph"], r["start"], r["end"], r["text"], r["label"])
            for r in self._sql(
                "SELECT * FROM entities WHERE document_id = ? ORDER BY start", (document_id,)
            )
        ]

    def add_curation(
        self,
        action: str,
        name_a: str,
        name_b: str,
        key_a: str,
        key_b: str,
        who: str,
        why: str | None,
        *,
        at: str | None = None,
    ) -> CurationEntry:
        at = at or datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            new_id = self._insert_id(
                "INSERT INTO curation (action, name_a, name_b, key_a, key_b, who, at, why) VALUES (?,?,?,?,?,?,?,?)",
                (action, name_a, name_b, key_a, key_b, who, at, why),
            )
        return CurationEntry(new_id, action, name_a, name_b, key_a, key_b, who, at, why)

    def set_curator(self, name: str, password_hash: str | None) -> None:
        """Create or change a curator account (``password_hash``: an Argon2 hash), or remove it (``None``)."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            self._sql("DELETE FROM curators WHERE lower(name) = lower(?)", (name,))
            # a removed account, or a changed password, ends every session the account had
            self._sql(
                "UPDATE sessions SET ended_at = ? WHERE lower(curator) = lower(?) AND via = 'account'"
                " AND ended_at IS NULL",
                (at, name),
            )
            if password_hash is not None:
                self._sql(
                    "INSERT INTO curators (name, password_hash, created_at) VALUES (?, ?, ?)",
                    (name, password_hash, at),
                )

    def open_session(self, curator: str, via: str) -> str:
        import secrets

        sid = secrets.token_urlsafe(24)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            self._sql(
                "INSERT INTO sessions (id, curator, via, created_at) VALUES (?, ?, ?, ?)",
                (sid, curator, via, at),
            )
        return sid

    def session_curator(self, session_id: str) -> str | None:
        row = self._sql(
            "SELECT curator FROM sessions WHERE id = ? AND ended_at IS NULL", (session_id,)
        ).fetchone()
        return row[0] if row else None

    def end_session(self, session_id: str) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            self._sql(
                "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (at, session_id),
            )

    def resolution_state(self) -> str | None:
        row = self._sql("SELECT state FROM resolution").fetchone()
        return row[0] if row else None

    def save_resolution(
        self,
        state: str,
        persons: Sequence[tuple[Any, ...]],
        spellings: Sequence[tuple[Any, ...]],
        links: Sequence[tuple[Any, ...]],
    ) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            for table in ("person_links", "person_spellings", "persons", "resolution"):
                self._sql(f"DELETE FROM {table}")
            self._many(
                "INSERT INTO persons (id, name, role, side, documents, events) VALUES (?, ?, ?, ?, ?, ?)",
                list(persons),
            )
            self._many(
                "INSERT INTO person_spellings (person_id, form, document_id, mentions) VALUES (?, ?, ?, ?)",
                list(spellings),
            )
            self._many(
                "INSERT INTO person_links (person_id, a, b, score, levels) VALUES (?, ?, ?, ?, ?)",
                list(links),
            )
            self._sql(
                "INSERT INTO resolution (state, at, persons) VALUES (?, ?, ?)",
                (state, at, len(persons)),
            )

    def auth_failures(self, keys: Sequence[str], since: float) -> int:
        counts = [
            self._sql(
                "SELECT count(*) FROM auth_failures WHERE key = ? AND at >= ?", (k, since)
            ).fetchone()[0]
            for k in keys
        ]
        return max(counts, default=0)

    def record_auth_failure(self, keys: Sequence[str], at: float, keep_s: float) -> None:
        with self._write():
            self._sql("DELETE FROM auth_failures WHERE at < ?", (at - keep_s,))
            for k in keys:
                self._sql("INSERT INTO auth_failures (key, at) VALUES (?, ?)", (k, at))

    def curator_hash(self, name: str) -> str | None:
        """The password hash of a curator account, if it exists."""
        row = self._sql(
            "SELECT password_hash FROM curators WHERE lower(name) = lower(?)", (name,)
        ).fetchone()
        return row[0] if row else None

    def curators(self) -> list[str]:
        """The names of all curator accounts."""
        return [r[0] for r in self._sql("SELECT name FROM curators ORDER BY name")]

    def curation_log(self) -> list[CurationEntry]:
        return [
            CurationEntry(
                r["id"],
                r["action"],
                r["name_a"],
                r["name_b"],
                r["key_a"],
                r["key_b"],
                r["who"],
                r["at"],
                r["why"],
            )
            for r in self._sql("SELECT * FROM curation ORDER BY id")
        ]

    def add_review(
        self,
        statement: str,
        action: str,
        field: str | None,
        before: str | None,
        after: str | None,
        who: str,
        why: str | None,
        *,
        at: str | None = None,
    ) -> Review:
        at = at or datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            new_id = self._insert_id(
                "INSERT INTO reviews (statement, action, field, before, after, who, at, why) VALUES (?,?,?,?,?,?,?,?)",
                (statement, action, field, before, after, who, at, why),
            )
        return Review(new_id, statement, action, field, before, after, who, at, why)

    def person_ids(self) -> tuple[dict[str, str], dict[str, str]]:
        names = {
            r["key"]: r["person_id"] for r in self._sql("SELECT key, person_id FROM person_names")
        }
        aliases = {
            r["alias"]: r["person_id"]
            for r in self._sql("SELECT alias, person_id FROM person_aliases")
        }
        return names, aliases

    def save_person_ids(
        self, names: list[tuple[str, str, str]], aliases: list[tuple[str, str, str]]
    ) -> None:
        if not names and not aliases:
            return
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write():
            self._many(
                "INSERT INTO person_names (key, person_id, form, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET person_id = excluded.person_id",
                [(k, pid, form, at) for k, pid, form in names],
            )
            self._many(
                "INSERT INTO person_aliases (alias, person_id, at, why) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (alias) DO UPDATE SET person_id = excluded.person_id, why = excluded.why",
                [(a, pid, at, why) for a, pid, why in aliases],
            )

    def reviews(self) -> list[Review]:
        return [
            Review(
                r["id"],
                r["statement"],
                r["action"],
                r["field"],
                r["before"],
                r["after"],
                r["who"],
                r["at"],
                r["why"],
            )
            for r in self._sql("SELECT * FROM reviews ORDER BY id")
        ]

    def _delete(self, document_id: str) -> None:
        self._sql("DELETE FROM entities WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM paragraph_topics WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM events WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM mentions WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM paragraphs WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM sections WHERE document_id = ?", (document_id,))
        self._sql("DELETE FROM documents WHERE id = ?", (document_id,))


_MARKERS = re.compile("([\x02\x03])")


def _hit(r: Row | Mapping[str, Any], rank: float, marked_snippet: str) -> SearchHit:
    """A search hit from a paragraph row and its snippet marked with ``\\x02`` … ``\\x03``."""
    snippet, highlights = _highlighted(marked_snippet)
    return SearchHit(
        rank=rank,
        snippet=snippet,
        highlights=highlights,
        text=r["text"],
        topics=tuple(r["topics"].split(",")) if r["topics"] else (),
        citation=_citation(r),
    )


def _citation(r: Row | Mapping[str, Any]) -> Citation:
    """The citation of a paragraph row (its document's metadata and section heading joined)."""
    return Citation(
        document_id=r["document_id"],
        paragraph_id=f"{r['document_id']}:p{r['ordinal']}",
        publisher=r["publisher"],
        title=r["title"],
        period=r["period"],
        section=r["section"],
        start=r["start"],
        end=r["end"],
    )


def _highlighted(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Turn an FTS5 snippet with \\x02/\\x03 markers into plain text plus highlight spans."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = start = 0
    for piece in _MARKERS.split(" ".join(marked.split())):
        if piece == "\x02":
            start = pos
        elif piece == "\x03":
            spans.append((start, pos))
        else:
            plain.append(piece)
            pos += len(piece)
    return "".join(plain), tuple(spans)

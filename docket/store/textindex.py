"""A Tantivy full-text index of paragraphs beside the SQLite database: top-k search that stays fast at scale.

SQLite's FTS5 scores every matching row before it can sort (about 2 µs per match: a
common word over a million paragraphs takes ~80 ms). Tantivy's block-max WAND skips blocks
that cannot reach the top k, so the same queries stay under a few milliseconds.

The index is derived data, never the source of truth: it lives in ``<database>.search/``
and records in ``synced.json`` which documents it holds and the database state it reflects.
:meth:`TextIndex.sync` brings it up to date (deleting by document id before adding, so a
crash between the index commit and the manifest write is repaired by the next sync). When
the index cannot be used (Tantivy missing, the folder read-only, another process holding
the writer lock) the store falls back to FTS5, which gives the same hits in a different order.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from docket.models import SearchFilters, SearchQuery, SearchSort, SearchTerm

SCHEMA_VERSION = 3  # 2: the document field is a fast field (document counts); 3: sort keys,
# text keys (duplicates) and fast topics (facet counts)
_WRITER_HEAP = 128_000_000


class IndexUnavailable(Exception):
    """The Tantivy index cannot serve this query; use FTS5."""


class TextIndex:
    """The paragraphs of one database in a Tantivy index (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        try:
            import tantivy
        except (
            ImportError
        ) as exc:  # pragma: no cover - tantivy is a dependency; kept optional at run time
            raise IndexUnavailable("tantivy is not installed") from exc
        self._t = tantivy
        self.path = Path(path)
        self._lock = threading.Lock()
        self._synced_state: str | None = None
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._open()
        except (OSError, ValueError) as exc:
            raise IndexUnavailable(f"cannot open the search index at {self.path}: {exc}") from exc

    def _schema(self) -> Any:
        sb = self._t.SchemaBuilder()
        sb.add_unsigned_field("pid", stored=True, indexed=True, fast=True)
        sb.add_text_field("doc", tokenizer_name="raw", index_option="basic", fast=True)
        sb.add_text_field("text", tokenizer_name="docket_folded", index_option="position")
        sb.add_text_field("publisher", tokenizer_name="raw", index_option="basic")
        sb.add_text_field("country", tokenizer_name="raw", index_option="basic")
        sb.add_integer_field("year", indexed=True, fast=True)
        sb.add_text_field("topic", tokenizer_name="raw", index_option="basic", fast=True)
        sb.add_unsigned_field("key", indexed=True, fast=True)  # the text's key: duplicates share it
        sb.add_unsigned_field("newest", fast=True)  # sort keys (see chronological_keys)
        sb.add_unsigned_field("oldest", fast=True)
        return sb.build()

    def _open(self) -> None:
        manifest = self._manifest()
        if (
            manifest.get("schema") != SCHEMA_VERSION
        ):  # new, or written by another docket: start again
            self._wipe()
        self.schema = self._schema()
        try:
            self.index = self._t.Index(self.schema, path=str(self.path))
        except ValueError:  # damaged files: the index is derived data, so start it again
            self._wipe()
            self.index = self._t.Index(self.schema, path=str(self.path))
        t = self._t
        analyzer = (
            t.TextAnalyzerBuilder(t.Tokenizer.simple())
            .filter(t.Filter.remove_long(100))
            .filter(t.Filter.lowercase())
            .filter(t.Filter.ascii_fold())
            .build()
        )
        self.index.register_tokenizer("docket_folded", analyzer)
        self.analyzer = analyzer

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        self._write_manifest({"schema": SCHEMA_VERSION, "state": None, "documents": []})

    # -- the manifest: what the index holds ------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        try:
            manifest: dict[str, Any] = json.loads((self.path / "synced.json").read_text("utf-8"))
            return manifest
        except (OSError, ValueError):
            return {}

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.path / "synced.json.tmp"
        tmp.write_text(json.dumps(manifest), "utf-8")
        os.replace(tmp, self.path / "synced.json")

    def is_synced(self, state: str) -> bool:
        """Whether the index reflects the database state ``state`` (see ``SQLiteStore.documents_state``)."""
        if self._synced_state == state:
            return True
        if self._manifest().get("state") == state:
            self.index.reload()  # another process synced it: see its segments
            self._synced_state = state
            return True
        return False

    def sync(
        self,
        state: str,
        stored: set[str],
        paragraphs: Callable[[list[str]], Iterator[tuple[Any, ...]]],
    ) -> int:
        """Make the index hold exactly the ``stored`` paragraph blocks, each ``"<document id>@<first
        paragraph rowid>+<count>"`` (so a database rebuilt with other rowids is re-indexed);
        ``paragraphs(document_ids)`` yields rows ``(pid, document_id, text, publisher, country,
        period, topics)``. Returns the number of blocks changed.

        Raises :class:`IndexUnavailable` when another process holds the writer.
        """
        with self._lock:
            manifest = self._manifest()
            indexed = set(manifest.get("documents") or [])
            add, remove = sorted(stored - indexed), sorted(indexed - stored)
            if add or remove:
                try:
                    writer = self.index.writer(_WRITER_HEAP, 1)
                except ValueError as exc:  # LockBusy: another process is writing the index
                    raise IndexUnavailable(
                        f"the search index is being written by another process: {exc}"
                    ) from exc
                try:
                    ids = [key.split("@")[0] for key in add]
                    for doc_id in (
                        *(key.split("@")[0] for key in remove),
                        *ids,
                    ):  # delete first: no duplicates
                        writer.delete_documents_by_term("doc", doc_id)
                    for row in paragraphs(ids):
                        writer.add_document(self._document(*row))
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
                self.index.reload()
            self._write_manifest(
                {"schema": SCHEMA_VERSION, "state": state, "documents": sorted(stored)}
            )
            self._synced_state = state
            return len(add) + len(remove)

    def _document(
        self,
        pid: int,
        doc_id: str,
        text: str,
        publisher: str | None,
        country: str | None,
        period: int | None,
        topics: str | None,
    ) -> Any:
        d = self._t.Document()
        d.add_unsigned("pid", pid)
        d.add_text("doc", doc_id)
        d.add_text("text", text)
        d.add_text("publisher", publisher or "")
        d.add_text("country", (country or "").lower())
        d.add_integer("year", period if period is not None else -1)
        d.add_unsigned("key", text_key(text))
        newest, oldest = chronological_keys(period, pid)
        d.add_unsigned("newest", newest)
        d.add_unsigned("oldest", oldest)
        for topic in (topics or "").split(","):
            if topic:
                d.add_text("topic", topic)
        return d

    # -- search ----------------------------------------------------------------------------------
    def search(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        publishers: Iterable[str] | None,
        *,
        limit: int,
        offset: int,
        sort: SearchSort = "relevance",
    ) -> list[tuple[int, float, int]]:
        """``(paragraph id, score, text key)`` of the best matches in ``sort`` order. ``publishers``:
        the exact publisher values the publisher filter stands for (``None``: no publisher filter).
        Sorted by date, the score is 0. Ids and keys are read from fast fields, not stored
        documents, so a long window (collapsing duplicates from the first hit on) stays cheap."""
        searcher = self.index.searcher()
        q = self._query(query, filters, publishers)
        if sort == "relevance":
            result = searcher.search(q, limit, count=False, offset=offset)
        else:
            result = searcher.search(
                q, limit, count=False, offset=offset, order_by_field=sort, order=self._t.Order.Asc
            )
        addresses = [address for _, address in result.hits]
        pids = searcher.fast_field_values("pid", addresses)
        keys = searcher.fast_field_values("key", addresses)
        scores = [float(score) if sort == "relevance" else 0.0 for score, _ in result.hits]
        # every document has both fields (the schema version guarantees it)
        return [(int(p or 0), s, int(k or 0)) for p, s, k in zip(pids, scores, keys)]

    def count_by(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        publishers: Iterable[str] | None,
        field: str,
    ) -> dict[str, int]:
        """Matching paragraphs per value of ``field`` ("doc" or "topic"): Tantivy's terms
        aggregation over the fast field, exact (every bucket is kept)."""
        searcher = self.index.searcher()
        result = searcher.aggregate(
            self._query(query, filters, publishers),
            {"by": {"terms": {"field": field, "size": _MAX_BUCKETS}}},
        )
        return {b["key"]: int(b["doc_count"]) for b in result["by"]["buckets"]}

    def count(
        self, query: SearchQuery, filters: SearchFilters, publishers: Iterable[str] | None
    ) -> tuple[int, int]:
        """How many paragraphs match, and in how many documents (Tantivy's cardinality
        aggregation: exact for the sizes a search shows, an estimate past tens of thousands)."""
        searcher = self.index.searcher()
        q = self._query(query, filters, publishers)
        paragraphs = searcher.search(q, 1, count=True).count  # type: ignore[attr-defined]  # not in tantivy's stubs
        return paragraphs, round(searcher.cardinality(q, "doc")) if paragraphs else 0

    def _query(
        self, query: SearchQuery, filters: SearchFilters, publishers: Iterable[str] | None
    ) -> Any:
        t, s = self._t, self.schema
        must = [self._group(g) for g in query.groups]
        if publishers is not None:
            must.append(t.Query.term_set_query(s, "publisher", list(publishers)))
        if filters.country:
            must.append(t.Query.term_query(s, "country", filters.country.lower()))
        if filters.year is not None:
            must.append(t.Query.term_query(s, "year", int(filters.year)))
        if filters.year_from is not None or filters.year_to is not None:
            must.append(
                t.Query.range_query(
                    s, "year", t.FieldType.Integer, filters.year_from, filters.year_to
                )
            )
            if filters.year_from is None:  # an unknown year is stored as -1: not "before" any year
                must.append(t.Query.range_query(s, "year", t.FieldType.Integer, 0, None))
        if filters.topic:
            must.append(t.Query.term_query(s, "topic", filters.topic))
        clauses = [(t.Occur.Must, q) for q in must] + [
            (t.Occur.MustNot, self._term(x)) for x in query.excluded
        ]
        return t.Query.boolean_query(clauses)

    def _group(self, group: tuple[SearchTerm, ...]) -> Any:
        if len(group) == 1:
            return self._term(group[0])
        return self._t.Query.boolean_query([(self._t.Occur.Should, self._term(x)) for x in group])

    def snippet(self, text: str, query: SearchQuery, size: int = 24) -> str:
        """About ``size`` words of ``text`` around its best run of matches, the matches marked
        with ``\x02`` … ``\x03`` and cuts with ``…`` (the shape of FTS5's ``snippet()``)."""
        exact: set[str] = set()
        prefixes: list[str] = []
        for term in (x for g in query.groups for x in g):
            words = [w for word in term.words for w in self.analyzer.analyze(word)]
            exact.update(words[:-1] if term.prefix else words)
            if term.prefix and words:
                prefixes.append(words[-1])
        tokens = self.analyzer.pre_tokenize(text).tokens
        if not tokens:
            return text
        if prefixes:
            hit = [tok.text in exact or tok.text.startswith(tuple(prefixes)) for tok in tokens]
        else:
            hit = [tok.text in exact for tok in tokens]
        n = len(tokens)
        starts = [i for i, h in enumerate(hit) if h]
        running = [0]
        for h in hit:
            running.append(running[-1] + h)
        # the best window of ``size`` tokens starts at a match: the one covering most matches (earliest on a tie)
        best = (
            max(starts, key=lambda i: (running[min(n, i + size)] - running[i], -i)) if starts else 0
        )
        inside = [i for i in range(best, min(n, best + size)) if hit[i]]
        if inside:  # centre the matches in the window, as a reader expects
            slack = size - (inside[-1] - inside[0] + 1)
            best = max(0, min(inside[0] - slack // 2, n - size))
        window = range(best, min(n, best + size))
        start = 0 if best == 0 else tokens[best].char_offset_from
        end = len(text) if window.stop >= len(tokens) else tokens[window.stop - 1].char_offset_to
        out, pos = [], start
        for i in window:
            if hit[i]:
                tok = tokens[i]
                out += [
                    text[pos : tok.char_offset_from],
                    "\x02",
                    text[tok.char_offset_from : tok.char_offset_to],
                    "\x03",
                ]
                pos = tok.char_offset_to
        out.append(text[pos:end])
        return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")

    def _term(self, term: SearchTerm) -> Any:
        t, s = self._t, self.schema
        words = [w for word in term.words for w in self.analyzer.analyze(word)]
        if not words:
            return t.Query.empty_query()
        if term.prefix:
            if len(words) == 1:
                return t.Query.regex_query(s, "text", re.escape(words[0]) + ".*")
            return t.Query.phrase_prefix_query(s, "text", words)
        if len(words) == 1:
            return t.Query.term_query(s, "text", words[0])
        return t.Query.phrase_query(s, "text", words)


def text_key(text: str) -> int:
    """A 63-bit key of a paragraph's exact text: paragraphs that share it are the same passage
    printed again (a report added twice, boilerplate repeated across editions)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()) >> 1


_MAX_BUCKETS = 65_000  # Tantivy's default bucket limit for one aggregation


def chronological_keys(period: int | None, pid: int) -> tuple[int, int]:
    """The ``newest`` and ``oldest`` sort keys of a paragraph (both sorted ascending): the year
    covered, newest or oldest first, then the paragraph's place in the database (reports in the
    order they were added, paragraphs in reading order); an unknown year sorts last either way."""
    unknown = 1 << 20
    newest = (9999 - period) if period is not None and period >= 0 else unknown
    oldest = period if period is not None and period >= 0 else unknown
    return (newest << 32) | pid, (oldest << 32) | pid


_INDEXES: dict[str, TextIndex] = {}
_INDEXES_LOCK = threading.Lock()


def text_index_for(db_path: str) -> TextIndex:
    """The process-wide :class:`TextIndex` of a database file (opened once; many stores share it)."""
    key = str(Path(db_path).resolve())
    with _INDEXES_LOCK:
        if key not in _INDEXES:
            _INDEXES[key] = TextIndex(key + ".search")
        return _INDEXES[key]

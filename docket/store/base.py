"""The Store interface every backend implements, as narrow protocols by concern (documents,
search, curation, resolution, accounts, the connection). Only ``docket.store`` holds SQL."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
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
    Review,
    SearchField,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchSort,
)


class DocumentStore(Protocol):
    """Documents with their structure, metadata and extracted facts."""

    def find_by_path(self, source_path: str) -> DocumentSummary | None:
        """The document last ingested from ``source_path``, if any."""
        ...

    def find_by_id(self, document_id: str) -> DocumentSummary | None:
        """The document with this id, if stored."""
        ...

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
        """Store ``doc`` and its facts whole in one transaction, removing document ``replaces`` in it too."""
        ...

    def save_documents(self, records: list[DocumentRecord]) -> None:
        """Store several documents (a book's chapters) whole, all in one transaction or none."""
        ...

    def get_document(self, document_id: str) -> Document | None:
        """A stored document with its sections and paragraphs."""
        ...

    def list_documents(self) -> list[DocumentSummary]:
        """All documents, ordered by publisher, period and file name."""
        ...

    def paragraph_places(self, document_id: str) -> dict[int, tuple[str | None, int | None]]:
        """Per paragraph ordinal: the heading of its section and its page (for citations)."""
        ...

    def paragraph_topics(self, document_id: str) -> dict[int, tuple[str, ...]]:
        """Topic ids per paragraph ordinal of a document."""
        ...

    def document_entities(self, document_id: str) -> list[Entity]:
        """Organisations and places named in a document."""
        ...

    def document_facts(self, document_id: str) -> tuple[list[Mention], list[Event]]:
        """The person mentions and event statements stored with a document."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts: documents, sections, paragraphs, mentions, events, entities."""
        ...


class SearchStore(Protocol):
    """Full-text search over paragraphs."""

    def search(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int,
        sort: SearchSort = "relevance",
    ) -> list[SearchHit]:
        """Paragraphs matching a parsed query in ``sort`` order (relevance: BM25), with marked
        snippets and citations."""
        ...

    def search_keys(
        self,
        query: SearchQuery,
        filters: SearchFilters,
        *,
        limit: int,
        offset: int = 0,
        sort: SearchSort = "relevance",
    ) -> list[tuple[int, float, int]]:
        """The ranking alone: ``(paragraph row id, score, text key)`` in ``sort`` order (score:
        lower is better, 0 by date; text key: equal for paragraphs with the same text)."""
        ...

    def search_hits(
        self, query: SearchQuery, ranked: Sequence[tuple[int, float]]
    ) -> list[SearchHit]:
        """The hits of ranked ``(paragraph row id, score)`` pairs, in that order, with snippets."""
        ...

    def search_same_text(self, ids: Sequence[int], filters: SearchFilters) -> dict[int, list[int]]:
        """For each paragraph of ``ids``, the other paragraphs under ``filters`` with its exact text."""
        ...

    def paragraph_citations(self, ids: Sequence[int]) -> dict[int, Citation]:
        """The citations of paragraphs ``ids`` (row ids), by id."""
        ...

    def search_count(self, query: SearchQuery, filters: SearchFilters) -> tuple[int, int]:
        """How many paragraphs match ``query`` under ``filters``, and in how many documents."""
        ...

    def search_count_by(
        self, query: SearchQuery, filters: SearchFilters, field: SearchField
    ) -> dict[str, int]:
        """Matching paragraphs per document id or per topic id (only those with a match)."""
        ...

    def refresh_search_index(self) -> int:
        """Bring any derived search index up to date now (after an ingest); documents changed."""
        ...


class CurationStore(Protocol):
    """The append-only logs of curated decisions and statement reviews."""

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
        """Append a curated linking decision to the (append-only) curation log (``at``: when, default now)."""
        ...

    def curation_log(self) -> list[CurationEntry]:
        """Every curated decision, oldest first."""
        ...

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
        """Append a review of an event statement (verify, reject, correct a field) to the review log."""
        ...

    def reviews(self) -> list[Review]:
        """Every review, oldest first."""
        ...


class ResolutionStore(Protocol):
    """What linking found, kept for other tools: stable person ids and the stored persons."""

    def person_ids(self) -> tuple[dict[str, str], dict[str, str]]:
        """The stored person ids: (name key -> person id, retired id -> the id it resolves to)."""
        ...

    def save_person_ids(
        self, names: list[tuple[str, str, str]], aliases: list[tuple[str, str, str]]
    ) -> None:
        """Store (key, person id, spelling) rows (a key moves to the id given) and (alias, person id,
        why) rows, in one transaction."""
        ...

    def resolution_state(self) -> str | None:
        """The database state the stored persons were computed from (None: never stored)."""
        ...

    def save_resolution(
        self,
        state: str,
        persons: Sequence[tuple[Any, ...]],
        spellings: Sequence[tuple[Any, ...]],
        links: Sequence[tuple[Any, ...]],
    ) -> None:
        """Replace the stored persons: rows of ``persons`` (id, name, role, side, documents,
        events), ``person_spellings`` (person id, form, document id, mentions) and
        ``person_links`` (person id, a, b, score, levels JSON), computed from ``state``."""
        ...


class AccountStore(Protocol):
    """Curator accounts, login sessions and failed-login counts."""

    def set_curator(self, name: str, password_hash: str | None) -> None:
        """Create or change a curator account (``password_hash``: an Argon2 hash), or remove it (``None``)."""
        ...

    def curator_hash(self, name: str) -> str | None:
        """The password hash of a curator account, if it exists."""
        ...

    def curators(self) -> list[str]:
        """The names of all curator accounts."""
        ...

    def open_session(self, curator: str, via: str) -> str:
        """Start a curator's session (``via``: "account" or "token"); its random id."""
        ...

    def session_curator(self, session_id: str) -> str | None:
        """The curator of a session still open (None: unknown, logged out, or its account changed)."""
        ...

    def end_session(self, session_id: str) -> None:
        """End a session (logout)."""
        ...

    def auth_failures(self, keys: Sequence[str], since: float) -> int:
        """The most failed logins recorded under any one of ``keys`` since ``since`` (epoch seconds)."""
        ...

    def record_auth_failure(self, keys: Sequence[str], at: float, keep_s: float) -> None:
        """Record one failed login under each of ``keys``; forget failures older than ``keep_s``."""
        ...


class Connection(Protocol):
    """The connection itself: its state token, request scope, pooling and health."""

    def state(self) -> str:
        """A token that changes whenever documents or curated decisions change (for caches)."""
        ...

    def steady(self) -> AbstractContextManager[None]:
        """Within this context (one web request), :meth:`state` may answer what it answered first
        without asking the database again; this store's own writes still move it."""
        ...

    def reusable(self) -> bool:
        """Whether this connection may serve another request as it is (no transaction left open;
        a backend that does not pool its connections answers False)."""
        ...

    def integrity_check(self) -> str:
        """The backend's own consistency check; ``"ok"`` when healthy."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Store(
    DocumentStore, SearchStore, CurationStore, ResolutionStore, AccountStore, Connection, Protocol
):
    """Everything a backend implements (SQLite, PostgreSQL). Code that needs only a part types
    against the narrow protocol: search against :class:`SearchStore`, logins against
    :class:`AccountStore`, and so on."""

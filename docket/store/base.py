"""The narrow Store interface every backend implements. Only ``docket.store`` holds SQL."""

from __future__ import annotations

from typing import Protocol

from docket.models import Document, DocumentSummary, SearchFilters, SearchHit


class Store(Protocol):
    """Persistence for documents, their structure and full-text search."""

    def find_by_path(self, source_path: str) -> DocumentSummary | None:
        """The document last ingested from ``source_path``, if any."""
        ...

    def find_by_id(self, document_id: str) -> DocumentSummary | None:
        """The document with this id, if stored."""
        ...

    def save_document(self, doc: Document, *, replaces: str | None = None) -> None:
        """Store ``doc`` whole in one transaction, removing document ``replaces`` in the same transaction."""
        ...

    def get_document(self, document_id: str) -> Document | None:
        """A stored document with its sections and paragraphs."""
        ...

    def list_documents(self) -> list[DocumentSummary]:
        """All documents, ordered by publisher, period and file name."""
        ...

    def search(self, fts_query: str, filters: SearchFilters, *, limit: int, offset: int) -> list[SearchHit]:
        """Paragraphs matching an FTS5 query (already escaped), best first (BM25)."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts: documents, sections, paragraphs."""
        ...

    def integrity_check(self) -> str:
        """The backend's own consistency check; ``"ok"`` when healthy."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

"""Plain dataclasses that the stages of docket pass to each other.

Readers produce a :class:`ReadResult` (text plus typed blocks with offsets);
``ingest.structure`` turns it into a :class:`Document` with sections and
paragraphs; the store persists documents; queries return :class:`SearchHit`.
Every offset is a character offset into ``Document.text``, the text docket
stores, so any later fact can be cited and its quote recovered exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

BlockKind = Literal["heading", "paragraph"]


if TYPE_CHECKING:
    from docket.resolve.fold import NameParts


@dataclass(frozen=True)
class Block:
    """A heading or paragraph found by a reader, as offsets into its text."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0  # heading depth, 1 = top; 0 for paragraphs
    page: int | None = None  # 1-based page number for paged formats


@dataclass(frozen=True)
class ReadResult:
    """What a reader returns: the text to store and the blocks found in it."""

    text: str
    blocks: tuple[Block, ...]
    format: str  # "txt", "html", "pdf", "flattened-web"
    encoding: str | None = None
    title_hint: str | None = None  # e.g. an HTML <title> or PDF metadata title
    pages: int | None = None
    notes: tuple[str, ...] = ()  # what the reader dropped or repaired, for the user


@dataclass(frozen=True)
class Metadata:
    """Document metadata: inferred from the text, overridable by sidecars and flags."""

    publisher: str | None = None
    country: str | None = None
    period: int | None = None  # the year the events cover
    title: str | None = None
    sources: tuple[tuple[str, str], ...] = ()  # (field, "inferred"|"sidecar"|"manifest"|"flag")
    attributes: tuple[
        tuple[str, str], ...
    ] = ()  # e.g. a book chapter's fact box: ("death penalty", "retentionist")
    # Where the report came from, for a reference list: never inferred, given by a manifest, a
    # sidecar, ingest flags or the upload form.
    url: str | None = None  # the report's source URL
    published: str | None = None  # its publication date (YYYY, YYYY-MM or YYYY-MM-DD)
    accessed: str | None = None  # when it was retrieved (YYYY-MM-DD)
    language: str | None = (
        None  # ISO 639-1 code: detected from the text, or given (manifest, sidecar, flag)
    )


@dataclass(frozen=True)
class Section:
    """A heading path segment; paragraphs refer to sections by ordinal."""

    ordinal: int
    heading: str
    level: int
    path: tuple[str, ...]  # heading path from the top, including this heading
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A citable paragraph: ``{document_id}:p{ordinal}``."""

    ordinal: int
    section: int | None  # ordinal of the enclosing section, None before the first heading
    start: int
    end: int
    text: str
    page: int | None = None

    def pid(self, document_id: str) -> str:
        """The stable, citable id of this paragraph within ``document_id``."""
        return f"{document_id}:p{self.ordinal}"


@dataclass(frozen=True)
class Document:
    """One ingested report, whole: text, metadata, structure."""

    id: str  # content hash of the stored text (first 16 hex digits of SHA-256)
    source_path: str
    file_name: str
    format: str
    sha256: str  # of the raw file bytes
    size: int
    text: str
    metadata: Metadata
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    encoding: str | None = None
    pages: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """A document with everything extracted from it, saved together in one transaction."""

    doc: Document
    replaces: str | None = (
        None  # id of the previous version of the same file, removed in the same transaction
    )
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    topics: dict[int, tuple[str, ...]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentSummary:
    """A row of the documents list."""

    id: str
    file_name: str
    source_path: str
    format: str
    publisher: str | None
    country: str | None
    period: int | None
    title: str | None
    sections: int
    paragraphs: int
    ingested_at: str
    url: str | None = None
    published: str | None = None
    accessed: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Citation:
    """Where a passage sits: enough for a reader to find and quote it."""

    document_id: str
    paragraph_id: str
    publisher: str | None
    title: str | None
    period: int | None
    section: str | None
    start: int
    end: int


@dataclass(frozen=True)
class SearchHit:
    """A ranked paragraph for a full-text query."""

    rank: float
    snippet: str  # an excerpt around the matches, plain text
    highlights: tuple[tuple[int, int], ...]  # (start, end) of matched terms within ``snippet``
    text: str
    citation: Citation
    topics: tuple[str, ...] = ()
    also: tuple[Citation, ...] = ()  # the same text elsewhere (duplicates folded into this hit)


@dataclass(frozen=True)
class SearchTerm:
    """One term of a parsed query: a word, or a phrase when it has several words."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word matches any word it begins


@dataclass(frozen=True)
class SearchQuery:
    """A parsed user query: every group must match (a group matches when any of its terms
    does) and no excluded term may. Backends render it in their own syntax."""

    groups: tuple[tuple[SearchTerm, ...], ...]
    excluded: tuple[SearchTerm, ...] = ()


@dataclass(frozen=True)
class SearchFilters:
    """Optional filters for search; ``None`` means no filter."""

    publisher: str | None = None
    country: str | None = None
    year: int | None = None
    section: str | None = None
    topic: str | None = None  # a topic id from docket/data/topics.json
    year_from: int | None = None  # reports covering this year or later
    year_to: int | None = None  # reports covering this year or earlier


SearchSort = Literal["relevance", "newest", "oldest"]
SEARCH_SORTS: tuple[SearchSort, ...] = ("relevance", "newest", "oldest")
SearchField = Literal["document", "topic"]  # what search hits can be counted by


IngestStatus = Literal["added", "replaced", "unchanged", "failed"]


@dataclass(frozen=True)
class FileOutcome:
    """The result of ingesting one file."""

    path: str
    status: IngestStatus
    document_id: str | None = None
    replaced_id: str | None = None
    error: str | None = None
    error_code: str | None = None
    note: str | None = None
    sections: int = 0
    paragraphs: int = 0
    mentions: int = 0
    events: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Outcomes of a batch, in input order."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FileOutcome]:
        """Outcomes of files that could not be ingested."""
        return [o for o in self.outcomes if o.status == "failed"]

    def counts(self) -> dict[str, int]:
        """Number of files per status."""
        out: dict[str, int] = {"added": 0, "replaced": 0, "unchanged": 0, "failed": 0}
        for o in self.outcomes:
            out[o.status] += 1
        return out


# --- extracted facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One occurrence of a person's name in a document."""

    document_id: str
    paragraph: int
    start: int  # offsets into Document.text
    end: int
    text: str  # surface form as printed, without title or possessive
    source: str  # "ner", "cue", "backref"
    # Read from the text around the mention at extraction (None: not read yet, e.g. an older
    # database): the role phrase ("" when none) and whether a foreign or international body is
    # named just before it. Not part of a mention's identity.
    role: str | None = field(default=None, compare=False)
    foreign: bool | None = field(default=None, compare=False)
    # How sure extraction is that this is a person, 0-1 (None: stored before confidence existed).
    confidence: float | None = field(default=None, compare=False)
    # The name in the nominative, read in its sentence, for languages whose names decline
    # ("Сергея Удальцова" -> "Сергей Удальцов"); None where none was read (English).
    normal: str | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        """The form linking compares: the nominative where one was read, else the printed form."""
        return self.normal or self.text

    def parts(self) -> NameParts:
        """The name split and folded for comparison (:func:`docket.resolve.fold.name_parts`)."""
        from docket.resolve.fold import name_parts

        return name_parts(self.normal, nominative=True) if self.normal else name_parts(self.text)


@dataclass(frozen=True)
class Entity:
    """An organisation or place named in a document."""

    document_id: str
    paragraph: int
    start: int  # offsets into Document.text
    end: int
    text: str
    label: str  # "org" or "place"


@dataclass(frozen=True)
class Sanction:
    """One sanction component, as in the gold's ``sanction`` object."""

    kind: str
    years: float | None = None
    months: int | None = None
    days: int | None = None
    hours: int | None = None
    amount: float | None = None
    currency: str | None = None
    start: int = 0  # position in the sentence, to pair with persons ("respectively")

    def as_dict(self) -> dict[str, object]:
        """The gold's shape: only fields that are set."""
        out: dict[str, object] = {"kind": self.kind}
        for k in ("years", "months", "days", "hours", "amount", "currency"):
            v = getattr(self, k)
            if v is not None:
                out[k] = int(v) if isinstance(v, float) and v.is_integer() else v
        return out


@dataclass(frozen=True)
class Event:
    """One event statement: a person, a type, and what the sentence says about it, cited."""

    document_id: str
    paragraph: int
    start: int  # the sentence quoted, as offsets into Document.text
    end: int
    person: Mention  # the mention the event is attached to (its person is resolved later)
    type: str
    date: str | None
    charge: str | None
    sanction: Sanction | None
    quote: str
    place: str | None = None
    # How sure extraction is that the sentence states this event of this person, 0-1: how the
    # person was tied to the cue (its argument in the parse, a pronoun's antecedent, or only named
    # beside it) times the confidence of the mention. None: stored before confidence existed.
    confidence: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CurationEntry:
    """A curator's linking decision: two names are one person (merge) or two (split)."""

    id: int
    action: str  # "merge" | "split"
    name_a: str
    name_b: str
    key_a: str
    key_b: str
    who: str
    at: str
    why: str | None


@dataclass(frozen=True)
class Review:
    """A curator's review of one event statement: verified, rejected, or one field corrected."""

    id: int
    statement: str  # statement_key() of the event
    action: str  # "verify" | "reject" | "correct"
    field: str | None  # for "correct": date | charge | place
    before: str | None
    after: str | None
    who: str
    at: str
    why: str | None


def statement_key(e: Event) -> str:
    """A stable key of an event statement: document, quoted sentence, type and the person's mention."""
    return f"{e.document_id}:{e.start}:{e.end}:{e.type}:{e.person.start}"


def statement_anchor(key: str) -> str:
    """A short HTML anchor for the statement ``key`` (``s-`` and 12 hex digits)."""
    import hashlib

    return "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

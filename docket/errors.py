"""Error types with numbered codes and messages that say what to do next.

Every error raised for a user's input names the input and the reason; the CLI
prints ``str(error)`` on one line. Codes are stable so scripts can match them.
"""

from __future__ import annotations


class DocketError(Exception):
    """Base class: ``code`` is stable, ``str()`` is one actionable line."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.message = message
        self.path = path
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"[{self.code}] {where}{self.message}{hint}"


class InputError(DocketError):
    """A file that cannot be ingested as given."""

    code = "E100"


class EmptyFile(InputError):
    """The file is empty (or only whitespace)."""

    code = "E101"


class TooLarge(InputError):
    """The file is over the size limit (``--max-mb``; a PDF may be ten times it)."""

    code = "E102"


class BinaryFile(InputError):
    """The file is binary data, not a report."""

    code = "E103"


class Undecodable(InputError):
    """The text's encoding was not recognised."""

    code = "E104"


class UnsupportedFormat(InputError):
    """The file is in a format docket does not read (text, HTML and PDF are read)."""

    code = "E105"


class CorruptPDF(InputError):
    """The PDF is damaged beyond reading."""

    code = "E106"


class EncryptedPDF(InputError):
    """The PDF is encrypted."""

    code = "E107"


class NoText(InputError):
    """The file decoded but holds no usable text (e.g. a scanned PDF)."""

    code = "E108"


class BadMetadata(InputError):
    """A sidecar or manifest that cannot be read."""

    code = "E109"


class ReaderTimeout(InputError):
    """Reading or extracting the file took longer than ``--timeout``."""

    code = "E110"


class Interrupted(InputError):
    """Reading stopped before the file was done because the server is shutting down; nothing of
    the file was stored (upload it again)."""

    code = "E113"


class WorkerDied(InputError):
    """The process reading a file died (killed for memory, or a crash inside a parser library)."""

    code = "E111"


class DecompressionBomb(CorruptPDF):
    """A compressed stream inside the file expands past the cap (a "zip bomb")."""

    code = "E112"


class MemoryLimit(InputError):
    """Reading or extracting the file needed more memory than ``--max-memory-mb``."""

    code = "E998"


class ModelMissing(DocketError):
    """The spaCy model docket uses is not installed (the message says how to install it)."""

    code = "E400"


class ComponentError(DocketError):
    """An extraction component failed or returned something other than its Analysis (names the component)."""

    code = "E401"


class GoldError(DocketError):
    """A gold set for ``docket eval``, or a report it annotates, cannot be found."""

    code = "E402"


class ClusterError(DocketError):
    """Parallel or distributed extraction cannot start (no Dask installed, scheduler unreachable)."""

    code = "E700"


class StoreError(DocketError):
    """The database cannot be opened or written."""

    code = "E200"


class SchemaTooNew(StoreError):
    """The database was written by a newer docket than this one."""

    code = "E201"


class DiskFull(StoreError):
    """The disk holding the database is full: the batch stops and what was stored is kept."""

    code = "E202"


class ReadOnlyDatabase(StoreError):
    """The database is read-only: reading works, writing is refused."""

    code = "E203"


class DatabaseBusy(StoreError):
    """The database stayed locked by another writer for over 30 s."""

    code = "E204"


class DocumentConflict(DocketError):
    """Another process stored the same document (path or text) between the check and the write;
    the writer looks again and reports it unchanged or replaces it."""

    code = "E205"


class QueryError(DocketError):
    """A search query that cannot be run."""

    code = "E300"


class CaseQueryError(DocketError):
    """A case list asked for with filters that cannot be answered (a bad date, a reversed range)."""

    code = "E301"


class NumberError(DocketError):
    """A number that is not one: only ASCII digits within bounds ("²" or 10²⁰ are refused)."""

    code = "E302"


class CurationError(DocketError):
    """A merge, split or not-a-person refused (nobody or several persons under a name, a
    surname-only person, a missing reason)."""

    code = "E500"


class ReviewError(DocketError):
    """A review that cannot be recorded as asked (no such statement, a correction without a
    value or a reason, a bad date)."""

    code = "E501"


class ExportError(DocketError):
    """An export that cannot be written as asked."""

    code = "E600"


class InternalError(DocketError):
    """A bug in docket: please report it with the file that caused it."""

    code = "E999"


def catalogue() -> list[tuple[str, str, str]]:
    """Every error code with its class name and meaning, in code order: the one list the docs'
    error table is generated from."""
    out: dict[str, tuple[str, str, str]] = {}
    todo: list[type[DocketError]] = [DocketError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__ == __name__ and cls is not DocketError:
            meaning = " ".join((cls.__doc__ or "").split())
            out.setdefault(cls.code, (cls.code, cls.__name__, meaning))
    return [out[c] for c in sorted(out)]

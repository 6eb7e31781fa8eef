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
    code = "E101"


class TooLarge(InputError):
    code = "E102"


class BinaryFile(InputError):
    code = "E103"


class Undecodable(InputError):
    code = "E104"


class UnsupportedFormat(InputError):
    code = "E105"


class CorruptPDF(InputError):
    code = "E106"


class EncryptedPDF(InputError):
    code = "E107"


class NoText(InputError):
    """The file decoded but holds no usable text (e.g. a scanned PDF)."""

    code = "E108"


class BadMetadata(InputError):
    """A sidecar or manifest that cannot be read."""

    code = "E109"


class ReaderTimeout(InputError):
    code = "E110"


class WorkerDied(InputError):
    """The process reading a file died (killed for memory, or a crash inside a parser library)."""

    code = "E111"


class DecompressionBomb(CorruptPDF):
    """A compressed stream inside the file expands past the cap (a "zip bomb")."""

    code = "E112"


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
    code = "E201"


class DiskFull(StoreError):
    code = "E202"


class ReadOnlyDatabase(StoreError):
    code = "E203"


class DatabaseBusy(StoreError):
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


class ExportError(DocketError):
    """An export that cannot be written as asked."""

    code = "E600"

"""One reading of numbers typed by users (URL parameters, path parts, CLI arguments).

``str.isdigit()`` accepts "²" and other digits ``int()`` refuses, and an unbounded integer
overflows when bound to SQLite: both turned cheap input into a server error. Every surface reads
numbers here: ASCII digits only, within a bound.
"""

from __future__ import annotations

import re

from docket.errors import NumberError

_DIGITS = re.compile(r"[0-9]{1,18}")
LIMIT = 10**12  # far above any year, page, offset or paragraph number, far below SQLite's 2**63


def parse_int(value: str | None, *, name: str = "number", maximum: int = LIMIT) -> int | None:
    """``value`` as a non-negative integer (None when absent or empty); a :class:`NumberError`
    naming ``name`` when it is not ASCII digits or is above ``maximum``."""
    if value is None or value == "":
        return None
    if not _DIGITS.fullmatch(value) or int(value) > maximum:
        raise NumberError(f"{name} must be a whole number from 0 to {maximum}, got {value[:40]!r}")
    return int(value)

"""Curated decisions on names: merge two into one person, split two apart, or mark one as not a person.

Decisions are stored as transliteration-folded name keys in an append-only log, so they
survive re-ingest and re-resolution (a changed report gets a new document id, but the
names in it fold to the same keys). For each pair of keys the latest decision wins;
automatic linking never overrides one. A name marked ``not_person`` (an organisation, a place
taken for a person) leaves every case file, list and export until marked ``person`` again.
"""

from __future__ import annotations

import getpass
import os

from docket.errors import CurationError
from docket.models import CurationEntry
from docket.resolve.cluster import Constraints, folded_key
from docket.resolve.fold import name_parts
from docket.store.base import Store


def curator() -> str:
    """Who is curating: ``$DOCKET_USER``, else the login name."""
    return os.environ.get("DOCKET_USER") or getpass.getuser()


def _key(name: str) -> str:
    parts = name_parts(name)
    if not parts.full:
        raise CurationError(
            f"{name!r} is not a full name", hint="give the given name and the surname"
        )
    return folded_key(parts)


def record(
    store: Store,
    action: str,
    name_a: str,
    name_b: str,
    *,
    who: str | None = None,
    why: str | None = None,
) -> CurationEntry:
    """Append a ``merge`` or ``split`` decision between two full names to the curation log."""
    if action not in ("merge", "split"):
        raise CurationError(f"unknown curation action {action!r}", hint="merge or split")
    key_a, key_b = _key(name_a), _key(name_b)
    if key_a == key_b:
        raise CurationError(
            f"{name_a!r} and {name_b!r} are spellings of one name: they are always one person"
        )
    return store.add_curation(action, name_a, name_b, key_a, key_b, who or curator(), why)


def constraints(store: Store) -> Constraints:
    """The decisions in force: the latest per pair of keys."""
    latest: dict[frozenset[str], CurationEntry] = {}
    for entry in store.curation_log():
        latest[frozenset((entry.key_a, entry.key_b))] = entry
    merges = tuple((e.key_a, e.key_b) for e in latest.values() if e.action == "merge")
    splits = tuple((e.key_a, e.key_b) for e in latest.values() if e.action == "split")
    return Constraints(merges=merges, splits=splits)


def name_key_of(name: str) -> str:
    """The folded key of any name, a full name or a single word ("Nur Otan", "Amhara")."""
    parts = name_parts(name)
    key = folded_key(parts) if parts.full else parts.surname
    if not key:
        raise CurationError(f"{name!r} has no letters to match a name by")
    return key


def mark_names(
    store: Store, action: str, names: list[str], *, who: str | None = None, why: str | None = None
) -> list[CurationEntry]:
    """Append ``not_person`` (or its undoing, ``person``) for each of ``names``, one entry per distinct key."""
    if action not in ("not_person", "person"):
        raise CurationError(f"unknown action {action!r}", hint="not_person or person")
    keys = {name_key_of(n): n for n in names}
    who = who or curator()
    return [store.add_curation(action, name, "", key, "", who, why) for key, name in keys.items()]


def dismissed(store: Store) -> frozenset[str]:
    """The folded keys of names currently marked as not a person (the latest mark per key wins)."""
    latest: dict[str, str] = {}
    for entry in store.curation_log():
        if entry.action in ("not_person", "person"):
            latest[entry.key_a] = entry.action
    return frozenset(k for k, a in latest.items() if a == "not_person")

"""Stable person ids over a linking that is recomputed whenever the database changes.

Linking runs again after every ingest and curation, so the persons it finds are new objects
each time. Their ids must not move: an analyst's link to ``/persons/aset-mataev`` has to reach
the same person tomorrow, after a namesake appears in a new report, a report is corrected and
re-ingested, or two other persons are merged. So ids are kept by name: every folded full name a
person holds is stored with the person's id, and a person found by linking takes the stored id
of its names. When linking or a curator folds two persons into one, the id the merged person
keeps is the one most of its names had, and the other id becomes an alias that resolves to it;
when a person is split, the part with most of the old names keeps the id and the other part is
given a new one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from docket.errors import DocketError
from docket.resolve.cluster import folded_key
from docket.resolve.curate import name_key_of
from docket.resolve.fold import name_parts, slug
from docket.resolve.link import PersonCluster


@dataclass(frozen=True)
class Identities:
    """Ids for a list of clusters, with what to store so that they stay."""

    ids: list[str]  # one per cluster, in the clusters' order
    names: list[tuple[str, str, str]]  # (name key, person id, spelling) rows to store
    aliases: list[tuple[str, str, str]]  # (retired id, the id it resolves to, why) rows to store


def cluster_keys(c: PersonCluster) -> list[str]:
    """The name keys a cluster is known by: its folded full names, in order of appearance; a
    person named only by a surname is keyed by that surname and the first document naming them."""
    keys = _keyed_forms(c)
    if keys:
        return list(keys)
    try:
        bare = name_key_of(c.anchor)
    except DocketError:
        bare = slug(c.anchor)
    first = c.mentions[0][0] if c.mentions else ""
    return [f"{bare}@{first}"]


def resolve_alias(person_id: str, aliases: dict[str, str]) -> str:
    """The live id an id resolves to (following chains of aliases; itself when not an alias)."""
    seen = {person_id}
    while person_id in aliases and aliases[person_id] not in seen:
        person_id = aliases[person_id]
        seen.add(person_id)
    return person_id


def assign_ids(
    clusters: list[PersonCluster], stored: dict[str, str], aliases: dict[str, str]
) -> Identities:
    """Ids for ``clusters`` (oldest first) from the ``stored`` name keys and ``aliases`` (see the
    module docstring); a cluster with no stored name gets the slug of its first full name,
    numbered past every id already used."""
    keys = [cluster_keys(c) for c in clusters]
    forms = [_keyed_forms(c) for c in clusters]
    # which clusters hold the names of each stored id, and how many of them
    holders: dict[str, dict[int, int]] = defaultdict(dict)
    for i, ks in enumerate(keys):
        for k in ks:
            if k in stored:
                pid = resolve_alias(stored[k], aliases)
                holders[pid][i] = holders[pid].get(i, 0) + 1
    # an id stays with the cluster holding most of its names (the earliest on a tie)
    owner = {pid: max(held, key=lambda i: (held[i], -i)) for pid, held in holders.items()}
    owned: dict[int, list[str]] = defaultdict(list)
    for pid, i in owner.items():
        owned[i].append(pid)
    used = set(stored.values()) | set(aliases) | set(aliases.values())
    ids: list[str] = []
    names: list[tuple[str, str, str]] = []
    retired: list[tuple[str, str, str]] = []
    for i, c in enumerate(clusters):
        mine = owned.get(i, [])
        if mine:
            first = keys[i][0]
            chosen = max(
                mine,
                key=lambda pid: (
                    holders[pid][i],
                    stored.get(first) == pid,
                    -sorted(mine).index(pid),
                ),
            )
            for other in sorted(set(mine) - {chosen}):
                retired.append(
                    (other, chosen, f"folded into {chosen} (linking or a curated merge)")
                )
        else:
            chosen = _fresh(slug(c.anchor), used)
        used.add(chosen)
        ids.append(chosen)
        names.extend(
            (k, chosen, forms[i].get(k, c.anchor)) for k in keys[i] if stored.get(k) != chosen
        )
    return Identities(ids, names, retired)


@lru_cache(maxsize=65536)
def _full_key(text: str) -> str | None:
    """The folded key of a full name as printed (None for a single word)."""
    parts = name_parts(text)
    return folded_key(parts) if parts.full and " " in text.strip() else None


def _keyed_forms(c: PersonCluster) -> dict[str, str]:
    """The cluster's folded full-name keys, each with the first spelling seen under it."""
    by_key: dict[str, str] = {}
    for text in dict.fromkeys(m.text for _, m in c.mentions):
        key = _full_key(text)
        if key:
            by_key.setdefault(key, text)
    return by_key


def _fresh(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever no one has had."""
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"

"""Clustering names into persons: exact folded keys, blocked comparisons, curated constraints.

1. Names with the same folded key (given names + surname after transliteration folding)
   are one person: a dictionary, linear in the number of names.
2. Distinct keys are compared only inside blocks: same folded surname (or alias), or the
   same surname with one letter deleted (which finds one-edit variants without comparing all
   pairs), each sub-blocked by the first letter of the first given name. Blocks stay small,
   so the work grows with the number of names, not its square.
3. Curated decisions win: a *merge* joins two keys whatever the comparison says; a *split*
   forbids two keys from ever sharing a cluster, and no automatic link may bridge them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from docket.resolve.compare import Context, Decision, compare
from docket.resolve.fold import NameParts


@dataclass(frozen=True)
class Constraints:
    """Curated decisions as pairs of folded name keys ("given surname")."""

    merges: tuple[tuple[str, str], ...] = ()
    splits: tuple[tuple[str, str], ...] = ()


@dataclass
class Clustering:
    """Result: a cluster id per item, and the accepted links with their reasons."""

    cluster_of: list[int]
    links: list[tuple[int, int, Decision]] = field(default_factory=list)


def folded_key(parts: NameParts) -> str:
    """The exact-match key of a full name: folded given names and surname."""
    return " ".join((*parts.given, parts.surname))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _blocking_keys(parts: NameParts) -> set[Hashable]:
    initial = parts.given[0][0] if parts.given and parts.given[0] else ""
    keys: set[Hashable] = {("s", parts.surname, initial)}
    keys.update(("s", alias, initial) for alias in parts.aliases)
    if len(parts.surname) >= 9:  # compare() accepts one edit only in long surnames
        keys.update(("d", d, initial) for d in _deletions(parts.surname))
    return keys


def cluster_names(items: Sequence[NameParts | None], constraints: Constraints | None = None,
                  contexts: Sequence[Context | None] | None = None) -> Clustering:
    """Cluster ``items`` (full names' parts; ``None`` for items that stay alone).

    ``contexts`` (one per item) back uncertain matches; see :func:`docket.resolve.compare.compare`.
    """
    constraints = constraints or Constraints()
    n = len(items)
    parent = list(range(n))
    keys_of: dict[int, set[str]] = {}
    forbidden: dict[str, set[str]] = defaultdict(set)
    for a, b in constraints.splits:
        forbidden[a].add(b)
        forbidden[b].add(a)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int, force: bool = False) -> bool:
        ri, rj = find(i), find(j)
        if ri == rj:
            return False
        ki, kj = keys_of.get(ri, set()), keys_of.get(rj, set())
        if not force and any(forbidden.get(k, set()) & kj for k in ki):
            return False
        if len(ki) < len(kj):
            ri, rj, ki, kj = rj, ri, kj, ki
        parent[rj] = ri
        ki |= kj
        keys_of[ri] = ki
        keys_of.pop(rj, None)
        return True

    representative: dict[str, int] = {}
    for i, parts in enumerate(items):
        if parts is None or not parts.full:
            continue
        key = folded_key(parts)
        keys_of[i] = {key}
        if key in representative:
            union(representative[key], i)
        else:
            representative[key] = i
    result = Clustering(cluster_of=[])
    for a, b in constraints.merges:
        if a in representative and b in representative:
            if union(representative[a], representative[b], force=True):
                result.links.append((representative[a], representative[b],
                                     Decision(True, 1.0, ("curated merge",))))
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for key, i in representative.items():
        for block in _blocking_keys(items[i]):  # type: ignore[arg-type]
            blocks[block].append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                pair = (i, j) if i < j else (j, i)
                if pair in seen or find(i) == find(j):
                    continue
                seen.add(pair)
                decision = compare(items[i], items[j], *((contexts[i], contexts[j]) if contexts else ()))  # type: ignore[arg-type]
                if decision.link and union(i, j):
                    result.links.append((i, j, decision))
    result.cluster_of = [find(i) for i in range(n)]
    return result

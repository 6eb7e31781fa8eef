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
from collections.abc import Hashable, Iterable, Sequence
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


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Connected components of ``n`` items joined by ``pairs``: a representative index per item."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[find(i)] = find(j)
    return [find(i) for i in range(n)]


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


class Clusterer:
    """Clusters full names' parts (``None`` for items that stay alone) and can take more items
    later (issue 8: incremental linking).

    A new item is compared only with the names in the blocks it falls in, so adding a
    document's names costs what its blocks hold, not the whole database. Adding items in
    several calls gives the same clusters as adding them at once (curated splits aside,
    where which of two competing links wins depends on the order of comparison).
    """

    def __init__(self, constraints: Constraints | None = None) -> None:
        self.constraints = constraints or Constraints()
        self.items: list[NameParts | None] = []
        self.contexts: list[Context | None] = []
        self._parent: list[int] = []
        self._keys_of: dict[int, set[str]] = {}
        self._forbidden: dict[str, set[str]] = defaultdict(set)
        for a, b in self.constraints.splits:
            self._forbidden[a].add(b)
            self._forbidden[b].add(a)
        self._representative: dict[str, int] = {}
        self._blocks: dict[Hashable, list[int]] = defaultdict(list)
        self._merged: set[tuple[str, str]] = set()
        self.links: list[tuple[int, int, Decision]] = []
        self.comparisons = 0

    def _find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _union(self, i: int, j: int, force: bool = False) -> bool:
        ri, rj = self._find(i), self._find(j)
        if ri == rj:
            return False
        ki, kj = self._keys_of.get(ri, set()), self._keys_of.get(rj, set())
        if not force and any(self._forbidden.get(k, set()) & kj for k in ki):
            return False
        if len(ki) < len(kj):
            ri, rj, ki, kj = rj, ri, kj, ki
        self._parent[rj] = ri
        ki |= kj
        self._keys_of[ri] = ki
        self._keys_of.pop(rj, None)
        return True

    def add(
        self, items: Sequence[NameParts | None], contexts: Sequence[Context | None] | None = None
    ) -> None:
        """Add items (and their contexts) and link them to everything added so far."""
        first = len(self.items)
        self.items.extend(items)
        self.contexts.extend(contexts if contexts is not None else [None] * len(items))
        new_keys: list[int] = []
        for i in range(first, len(self.items)):
            self._parent.append(i)
            parts = self.items[i]
            if parts is None or not parts.full:
                continue
            key = folded_key(parts)
            self._keys_of[i] = {key}
            if key in self._representative:
                rep = self._representative[key]
                if self._union(
                    rep, i
                ):  # kept, so that explain can show spellings joined across reports
                    self.links.append(
                        (rep, i, Decision(True, 1.0, ("same transliteration-folded name",)))
                    )
            else:
                self._representative[key] = i
                new_keys.append(i)
        for a, b in self.constraints.merges:
            if (
                (a, b) not in self._merged
                and a in self._representative
                and b in self._representative
            ):
                self._merged.add((a, b))
                ra, rb = self._representative[a], self._representative[b]
                if self._union(ra, rb, force=True):
                    self.links.append((ra, rb, Decision(True, 1.0, ("curated merge",))))
        for i in new_keys:
            for block in _blocking_keys(self.items[i]):  # type: ignore[arg-type]
                members = self._blocks[block]
                for j in members:
                    if self._find(i) == self._find(j):
                        continue
                    self.comparisons += 1
                    x, y = (j, i)  # earlier item first, as a batch would compare them
                    decision = compare(
                        self.items[x],  # type: ignore[arg-type]
                        self.items[y],  # type: ignore[arg-type]
                        self.contexts[x],
                        self.contexts[y],
                    )
                    if decision.link and self._union(x, y):
                        self.links.append((x, y, decision))
                members.append(i)

    def result(self) -> Clustering:
        """A cluster id per item so far, and the accepted links with their reasons."""
        return Clustering(
            cluster_of=[self._find(i) for i in range(len(self.items))], links=list(self.links)
        )

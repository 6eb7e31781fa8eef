"""Grouping mentions into persons, within a document and across documents.

Within a document, full names group by their transliteration-folded key, and a bare
surname or given name joins the one full name that has it; a bare surname two full names share
joins the one the report introduced first, with a lower score that names the other.
Across documents, groups are blocked on the folded surname and compared with the
labelled levels of :mod:`docket.resolve.compare`; every accepted link keeps the levels
that fired, so ``explain`` can say why two names were joined.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from docket.models import Mention
from docket.resolve.cluster import Clusterer, Constraints, folded_key
from docket.resolve.compare import Context
from docket.resolve.fold import NameParts, declension_stem, misspelling_key, name_key, slug
from docket.resolve.morph import is_cyrillic


@dataclass(frozen=True)
class Link:
    """Why two name forms were put in one person."""

    a: str
    b: str
    score: float
    levels: tuple[str, ...]


@dataclass
class PersonCluster:
    """Mentions believed to be one person."""

    id: str
    mentions: list[tuple[str, Mention]] = field(default_factory=list)  # (file name, mention)
    links: list[Link] = field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        """Distinct surface forms, in first-seen order."""
        # Mentions are only ever added to a cluster: the forms of as many mentions as before
        # are the forms seen before (persons are listed, and their forms read, on every request).
        cached = self.__dict__.get("_forms")
        if cached is None or cached[0] != len(self.mentions):
            cached = (len(self.mentions), list(dict.fromkeys(m.text for _, m in self.mentions)))
            self.__dict__["_forms"] = cached
        return list(cached[1])

    @property
    def anchor(self) -> str:
        """The first full-name form among the mentions, in their order (else the first form)."""
        return next(
            (m.text for _, m in self.mentions if len(m.text.split()) >= 2),
            self.mentions[0][1].text if self.mentions else "",
        )

    @property
    def canonical(self) -> str:
        """The most frequent full-name form (ties: the longest); a Latin spelling where the person
        has one (the reports' readers search in Latin), else the nominative of a name that declines
        ("Алена Попова", not the printed dative "Алене Поповой")."""
        names = [m.normal or m.text for _, m in self.mentions]
        latin = [n for n in names if not is_cyrillic(n)]
        pool = latin or names
        full = [n for n in pool if len(n.split()) >= 2] or pool
        counts = Counter(full)
        return max(counts, key=lambda f: (counts[f], len(f)))


def _full_parts(g: _Group) -> NameParts:
    """The parts of a full name's group (every full name has them; short forms have none)."""
    assert g.parts is not None
    return g.parts


@dataclass
class _Group:
    file: str
    mentions: list[Mention]
    parts: NameParts | None  # the full name's parts; None for an unlinked short form
    links: list[Link] = field(default_factory=list)

    @property
    def display(self) -> str:
        full = [m.text for m in self.mentions if len(m.text.split()) >= 2]
        return Counter(full).most_common(1)[0][0] if full else self.mentions[0].text

    # A group is complete once its document is grouped (and is kept for later linkings, see
    # ``within_cache``): what every listing of the persons reads from it is worked out once.
    @cached_property
    def pairs(self) -> list[tuple[str, Mention]]:
        """The group's mentions as a person lists them: (document, mention)."""
        return [(self.file, m) for m in self.mentions]

    @cached_property
    def display_key(self) -> tuple[str, str]:
        """:attr:`display`, and its folded key."""
        shown = self.display
        return shown, name_key(shown)


def link_documents(
    docs: list[tuple[str, list[Mention]]],
    constraints: Constraints | None = None,
    countries: dict[str, str | None] | None = None,
    within_cache: dict[Any, Any] | None = None,
) -> list[PersonCluster]:
    """Cluster mentions of several documents: (file name, mentions) pairs in, persons out.

    ``constraints`` are curated merges and splits (folded name keys); they always win.
    ``countries`` (document key -> country reported on) adds context to uncertain matches.
    ``within_cache`` keeps each document's own grouping between calls; pass one only when a
    key always stands for the same mentions (stored documents: ids are hashes of their text).
    """
    linker = Linker(constraints, within_cache)
    linker.add(docs, countries)
    return linker.clusters()


class Linker:
    """:func:`link_documents` that can take more documents later: a new document's names are
    compared only inside the blocks they fall in (issue 8: incremental linking)."""

    def __init__(
        self, constraints: Constraints | None = None, within_cache: dict[Any, Any] | None = None
    ) -> None:
        self.constraints = constraints or Constraints()
        self._clusterer = Clusterer(self.constraints)
        self._groups: list[_Group] = []
        self._cache = within_cache
        self.documents: list[str] = []

    @property
    def comparisons(self) -> int:
        """Name pairs compared so far (the work linking did)."""
        return self._clusterer.comparisons

    def add(
        self, docs: list[tuple[str, list[Mention]]], countries: dict[str, str | None] | None = None
    ) -> None:
        """Group each new document's mentions and link them to everything added before."""
        groups = [
            g for file_name, mentions in docs for g in _within(file_name, mentions, self._cache)
        ]
        self._clusterer.add([g.parts for g in groups], _contexts(groups, countries or {}))
        self._groups.extend(groups)
        self.documents.extend(file_name for file_name, _ in docs)

    def clusters(self, order: list[str] | None = None) -> list[PersonCluster]:
        """The persons so far, listed (and numbered, for equal names) as if the documents had been
        added in ``order`` (default: the order they were added); ids are slugs of each person's
        first full name in that order."""
        result = self._clusterer.result()
        indices: list[int] = list(range(len(self._groups)))
        if order is not None:
            rank = {key: i for i, key in enumerate(order)}
            indices = sorted(indices, key=lambda i: (rank.get(self._groups[i].file, len(rank)), i))
        clusters: dict[int, PersonCluster] = {}
        out: list[PersonCluster] = []
        for i in indices:
            g, root = self._groups[i], result.cluster_of[i]
            if root not in clusters:
                clusters[root] = PersonCluster(id="")
                out.append(clusters[root])
            clusters[root].mentions.extend(g.pairs)
            clusters[root].links.extend(g.links)
        for i, j, decision in result.links:
            (a, key_a), (b, key_b) = self._groups[i].display_key, self._groups[j].display_key
            if key_a == key_b:
                continue  # the same spelling in two reports: nothing to explain
            levels = (
                decision.levels
                if self._groups[i].file == self._groups[j].file
                else ("across reports", *decision.levels)
            )
            clusters[result.cluster_of[i]].links.append(Link(a, b, decision.score, levels))
        # Ids stay put as documents are added (pass ``order`` oldest first): a person's id is the
        # slug of the first full name it was seen under (not of the most frequent spelling, which
        # a new report can change), and namesakes are numbered by who was seen first.
        used: Counter[str] = Counter()
        for c in out:
            base = slug(c.anchor)
            used[base] += 1
            c.id = base if used[base] == 1 else f"{base}-{used[base]}"
        return out


def _within(file_name: str, mentions: list[Mention], cache: dict[Any, Any] | None) -> list[_Group]:
    if cache is None:
        return _link_within(file_name, mentions)
    key = (file_name, len(mentions), mentions[0].start if mentions else -1)
    if key not in cache:
        cache[key] = _link_within(file_name, mentions)
    groups: list[_Group] = cache[key]
    return groups


def _contexts(groups: list[_Group], countries: dict[str, str | None]) -> list[Context | None]:
    """Per group: the country of its document and the full names in that document (one shared
    object per document, so building contexts stays linear)."""
    by_file: dict[str, list[_Group]] = defaultdict(list)
    for g in groups:
        if g.parts is not None:
            by_file[g.file].append(g)
    per_file: dict[str, Context] = {}
    for file, members in by_file.items():
        country = countries.get(file)
        per_file[file] = Context(
            countries=frozenset({country}) if country else frozenset(),
            co_mentioned=frozenset(folded_key(h.parts) for h in members),  # type: ignore[arg-type]
            display=tuple((folded_key(h.parts), h.display) for h in members),  # type: ignore[arg-type]
        )
    return [per_file[g.file] if g.parts is not None else None for g in groups]


def _gender_fits(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _link_within(file_name: str, mentions: list[Mention]) -> list[_Group]:
    """Full names group by folded key; a short form joins the one full name containing it, if unique.

    Names are compared in the nominative where extraction read one (``Mention.name``), so the
    Russian case forms of one name ("Вере Лаврешиной", "Лаврешину") meet; a short form joins only
    a full name of a gender it can have.
    """
    full: dict[str, _Group] = {}
    for m in mentions:
        parts = m.parts()
        if parts.full and (len(m.name.split()) >= 2 or "." in m.name):
            key = folded_key(parts)
            group = full.setdefault(key, _Group(file_name, [], parts))
            if group.mentions and name_key(group.mentions[0].text) != name_key(m.text):
                group.links.append(
                    Link(
                        group.mentions[0].text,
                        m.text,
                        1.0,
                        ("same document", "same transliteration-folded name"),
                    )
                )
            group.mentions.append(m)
    owners: dict[str, set[str]] = defaultdict(set)
    stems: dict[str, set[str]] = defaultdict(
        set
    )  # declension stems of Cyrillic surnames ("стецур")
    for key, g in full.items():
        for part in (*_full_parts(g).given[:1], _full_parts(g).surname, *_full_parts(g).aliases):
            owners[part].add(key)
        if _full_parts(g).cyrillic and len(_full_parts(g).surname) >= 5:
            stems[declension_stem(_full_parts(g).surname)].add(key)
    short: dict[str, _Group] = {}
    swapped: dict[str | None, set[str]] | None = (
        None  # full names by misspelling key, built when first needed
    )
    in_full = {x for g in full.values() for x in g.mentions}
    for m in mentions:
        if m in in_full:
            continue
        parts = m.parts()
        folded = parts.surname or (parts.given[0] if parts.given else "")
        candidates = {
            k
            for k in owners.get(folded, set())
            if _gender_fits(_full_parts(full[k]).gender, parts.gender)
        }
        if len(candidates) > 1 and parts.lean:  # "Попова": his genitive before her nominative
            leaning = {k for k in candidates if _full_parts(full[k]).gender == parts.lean}
            candidates = leaning if len(leaning) == 1 else candidates
        declined = not candidates and parts.cyrillic and len(parts.surname) >= 5
        if (
            declined
        ):  # "Стецуре", "Стецуру" of "Татьяна Стецура": a case ending the dictionary lacks
            candidates = {
                k
                for k in stems.get(declension_stem(parts.surname), set())
                if _gender_fits(_full_parts(full[k]).gender, parts.gender)
            }
        typo = not candidates and misspelling_key(m.text) is not None
        if typo:  # "Gurtabi" after "Abdullo Gurbati": letters swapped in typing
            if swapped is None:
                swapped = defaultdict(set)
                for k, g in full.items():
                    swapped[misspelling_key(_full_parts(g).surname)].add(k)
            candidates = swapped.get(misspelling_key(m.text), set())
        if len(candidates) == 1:
            target = full[next(iter(candidates))]
            why = (
                "the only full name with that surname, letters swapped"
                if typo
                else "the only full name whose surname declines to it"
                if declined
                else "short form of the only full name containing it"
            )
            target.links.append(
                Link(target.mentions[0].text, m.text, 0.8 if typo else 0.9, ("same document", why))
            )
            target.mentions.append(m)
        elif (
            len(candidates) > 1
            and parts.surname
            and folded == parts.surname
            and len(m.text.split()) == 1
            and not any(
                _full_parts(full[k]).given and _full_parts(full[k]).given[0] == folded
                for k in candidates
            )
        ):
            # A surname two people of the report share ("A Surname" and later his wife "B Surname"):
            # reports call the person they introduced first by it; the link says it was a choice.
            target = min(
                (full[k] for k in candidates), key=lambda g: min(x.start for x in g.mentions)
            )
            others = sorted(
                {full[k].mentions[0].text for k in candidates} - {target.mentions[0].text}
            )
            target.links.append(
                Link(
                    target.mentions[0].text,
                    m.text,
                    0.6,
                    (
                        "same document",
                        "surname shared with "
                        + ", ".join(others)
                        + ": the first of them introduced",
                    ),
                )
            )
            target.mentions.append(m)
        else:
            short.setdefault(folded, _Group(file_name, [], None)).mentions.append(m)
    groups = list(full.values()) + list(short.values())
    for g in groups:
        g.mentions.sort(key=lambda m: m.start)
    return groups

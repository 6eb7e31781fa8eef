"""People across the database: stored mentions linked into persons, with their events and reasons."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from docket.errors import DocketError
from docket.extract.roles import role_of, side_of
from docket.models import DocumentSummary, Event, Mention, statement_key
from docket.query.reviews import apply_reviews
from docket.resolve.cluster import Constraints
from docket.resolve.curate import constraints, dismissed, name_key_of
from docket.resolve.fold import name_key, slug
from docket.resolve.link import Linker, PersonCluster
from docket.resolve.orgs import named_only_as_organisation, organisation_names
from docket.store.base import Store


@dataclass(frozen=True)
class PersonRecord:
    """A person as the database knows them: every mention, every event statement, why linked."""

    cluster: PersonCluster
    events: tuple[tuple[DocumentSummary, Event], ...]
    documents: tuple[DocumentSummary, ...]
    role: str | None = None
    side: str = "other"
    rejected: tuple[tuple[DocumentSummary, Event], ...] = ()  # statements a curator rejected
    verified: frozenset[str] = frozenset()  # keys of statements a curator verified
    aliases: tuple[str, ...] = ()  # retired ids that resolve to this person (folded into it)


def people(store: Store) -> list[PersonRecord]:
    """All persons, linked across every stored document (most-documented first)."""
    with _no_collection():
        return _people(store, None)[0]


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Linking allocates a few objects per mention and frees almost none: the cycle collector's
    passes over the growing heap then cost more than the linking itself, so it waits until the
    end (nothing here makes reference cycles worth collecting early)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def store_resolution(store: Store, records: list[PersonRecord] | None = None) -> bool:
    """Store the persons, their spellings per document and their links (levels and score) for
    SQL users and other tools, unless they are stored for the database's current state already;
    whether anything was written. ``records``: ``people(store)`` when the caller has it."""
    import json

    state = store.state()
    if store.resolution_state() == state:
        return False
    records = records if records is not None else people(store)
    persons = [
        (p.cluster.id, p.cluster.canonical, p.role, p.side, len(p.documents), len(p.events))
        for p in records
    ]
    spellings: dict[tuple[str, str, str], int] = {}
    for p in records:
        for _, m in p.cluster.mentions:
            key = (p.cluster.id, m.text, m.document_id)
            spellings[key] = spellings.get(key, 0) + 1
    links = [
        (
            p.cluster.id,
            link.a,
            link.b,
            link.score,
            json.dumps(list(link.levels), ensure_ascii=False),
        )
        for p in records
        for link in p.cluster.links
    ]
    store.save_resolution(state, persons, [(*k, n) for k, n in spellings.items()], links)
    return True


@dataclass(frozen=True)
class Relinked:
    """What linking the whole database again did to the stored person ids."""

    persons: int
    new_ids: int  # persons seen for the first time, given an id
    retired: int  # ids folded into another person (they resolve to it)


def relink(store: Store) -> Relinked:
    """Link every person from scratch (as after a change of the linking rules) and store the ids of
    persons not seen before; ids already given stay with the names they were given to."""
    names, aliases = store.person_ids()
    records = people(store)
    _, aliases_after = store.person_ids()
    store_resolution(store, records)
    known = set(names.values())
    return Relinked(
        len(records),
        len({p.cluster.id for p in records} - known),
        len(set(aliases_after) - set(aliases)),
    )


@dataclass
class Linking:
    """What linking a database left behind, for the next call to extend (see :class:`PeopleCache`)."""

    linker: Linker
    constraints: Constraints
    facts: dict[str, tuple[list[Mention], list[Event]]]
    added: int = 0  # documents added incrementally by the last call (0: linked from scratch)
    orgs: dict[str, frozenset[str]] = field(default_factory=dict)  # organisation names per document
    # The last call's records by person id, with what each was built from (see ``_Built``), and
    # the reviews they were built under: an extension rebuilds only the persons that changed.
    built: dict[str, _Built] = field(default_factory=dict)
    reviews: tuple[Any, ...] = ()
    organisations: frozenset[str] = frozenset()
    rebuilt: int = 0  # records the last call built (the others were kept as they were)


@dataclass(frozen=True)
class _Built:
    """One person's record (None: left out as an organisation's name) and what it depends on
    beyond the reviews: the mentions (the same objects, held by ``Linking.facts``) and the
    retired ids that resolve to the person."""

    mentions: tuple[tuple[str, int], ...]
    aliases: tuple[str, ...]
    record: PersonRecord | None
    order: tuple[int, int, str] = (0, 0, "")  # the record's place in the list (see ``_people``)


def _people(store: Store, previous: Linking | None) -> tuple[list[PersonRecord], Linking]:
    """Persons of ``store``, extending ``previous`` when the database only gained documents since
    (their names are compared inside their blocks only), linking from scratch otherwise."""
    docs = store.list_documents()
    by_id = {d.id: d for d in docs}
    rules = constraints(store)
    if (
        previous is not None
        and previous.constraints == rules
        and previous.facts.keys() <= by_id.keys()
    ):
        linking = previous
        new = [d for d in docs if d.id not in linking.facts]
    else:
        linking = Linking(Linker(rules, within_cache=_WITHIN), rules, {})
        new = docs
    for d in new:
        linking.facts[d.id] = store.document_facts(d.id)
        linking.orgs[d.id] = organisation_names(
            store.document_entities(d.id), linking.facts[d.id][0]
        )
    organisations = frozenset().union(*linking.orgs.values()) if linking.orgs else frozenset()
    linking.linker.add(
        [(d.id, linking.facts[d.id][0]) for d in new], countries={d.id: d.country for d in new}
    )
    linking.added = len(new) if linking is previous else 0
    # Oldest first, so that a report ingested later never renumbers the persons already there.
    clusters = linking.linker.clusters(
        order=[d.id for d in sorted(docs, key=lambda d: (d.ingested_at, d.source_path))]
    )
    aliases_of = _stable_ids(store, clusters)
    events_of: dict[tuple[str, object], list[Event]] = {}
    for doc_id, (_, events) in linking.facts.items():
        for e in events:
            events_of.setdefault((doc_id, e.person), []).append(e)
    texts = _LazyTexts(
        store
    )  # read only for mentions stored without their context (older databases)
    reviews = store.reviews()
    not_persons = dismissed(store)
    statements_of = _statements_by_person(clusters, events_of, by_id, reviews, aliases_of)
    # What an extension may keep: a person whose mentions and retired ids are what they were,
    # under the same reviews, none of whose names a new report calls an organisation, keeps its
    # record (its events come from its mentions and the reviews; its role and side from its
    # mentions and events). Everyone else is built again.
    same_reviews = linking.added and tuple(reviews) == linking.reviews
    before = linking.built if same_reviews else {}
    new_orgs = organisations - linking.organisations
    built: dict[str, _Built] = {}
    out: list[tuple[tuple[int, int, str], PersonRecord]] = []
    for c in clusters:
        mentions = tuple((d, id(m)) for d, m in c.mentions)
        als = tuple(aliases_of.get(c.id, ()))
        old = before.get(c.id)
        if (
            old is not None
            and old.mentions == mentions
            and old.aliases == als
            and not (new_orgs and new_orgs.intersection(c.forms))
            and (old.record is None or all(by_id.get(d.id) == d for d in old.record.documents))
        ):
            done = old
            if old.record is not None and old.record.cluster.links != c.links:
                # the same mentions, put together through other pairs: explain what linked them now
                done = _Built(mentions, als, replace(old.record, cluster=c), old.order)
        else:
            done = _Built(mentions, als, None)
            if not named_only_as_organisation(
                c.forms, [m.source for _, m in c.mentions], organisations
            ):
                record = _record(c, statements_of[c.id], reviews, als, by_id, texts)
                key = (-len(record.documents), -len(record.events), c.canonical)
                done = _Built(mentions, als, record, key)
        built[c.id] = done
        if done.record is None:
            continue
        if not_persons and any(_key_or_none(f) in not_persons for f in c.forms):
            continue  # a curator said this name is not a person (kept in the curation log)
        out.append((done.order, done.record))
    linking.rebuilt = sum(b is not before.get(pid) for pid, b in built.items())
    linking.built, linking.reviews, linking.organisations = built, tuple(reviews), organisations
    out.sort(key=lambda pair: pair[0])
    return [record for _, record in out], linking


def _record(
    c: PersonCluster,
    statements: list[tuple[DocumentSummary, Event]],
    reviews: list[Any],
    aliases: tuple[str, ...],
    by_id: dict[str, DocumentSummary],
    texts: Mapping[str, str],
) -> PersonRecord:
    """One person's record: the statements of their mentions as the reviews leave them (by date),
    their documents, role and side."""
    applied = apply_reviews(statements, reviews, {c.id, *aliases})
    evs = applied.kept
    evs.sort(key=lambda x: (x[1].date or str(x[0].period or ""), x[0].id, x[1].start))
    doc_ids = list(dict.fromkeys(d for d, _ in c.mentions))
    role = role_of(texts, c.mentions)
    side = side_of(texts, c.mentions, [e for _, e in evs], role)
    return PersonRecord(
        c,
        tuple(evs),
        tuple(by_id[d] for d in doc_ids),
        role,
        side,
        tuple(applied.rejected),
        applied.verified,
        aliases,
    )


def _statements_by_person(
    clusters: list[PersonCluster],
    events_of: dict[tuple[str, Any], list[Event]],
    by_id: dict[str, DocumentSummary],
    reviews: list[Any],
    aliases_of: dict[str, list[str]],
) -> dict[str, list[tuple[DocumentSummary, Event]]]:
    """Each person's statements: those of their mentions, less those a curator said are about
    someone else ("wrong person"), plus those said to be about them."""
    from docket.query.reviews import moved_statements

    out = {
        c.id: [(by_id[d], e) for d, m in c.mentions for e in events_of.get((d, m), [])]
        for c in clusters
    }
    moved = moved_statements(reviews)
    if not moved:
        return out
    successor = {
        a: pid for pid, als in aliases_of.items() for a in als
    }  # every alias to its live id
    incoming: dict[str, list[tuple[DocumentSummary, Event]]] = {}
    for c in clusters:
        kept = []
        for pair in out[c.id]:
            target = moved.get(statement_key(pair[1]))
            target = successor.get(target, target) if target else None
            if target and target != c.id and target in out:
                incoming.setdefault(target, []).append(pair)
            else:
                kept.append(pair)
        out[c.id] = kept
    for pid, pairs in incoming.items():
        out[pid] = out[pid] + pairs
    return out


def _stable_ids(store: Store, clusters: list[PersonCluster]) -> dict[str, list[str]]:
    """Give ``clusters`` their stored ids (:mod:`docket.resolve.identity`), storing the ids of persons
    seen for the first time; the retired ids that resolve to each person, by person id.

    A read-only database still gets stable ids for every person it stored ids for; new persons
    then get computed ones until a writer stores them.
    """
    from docket.errors import StoreError
    from docket.resolve.identity import assign_ids, resolve_alias

    stored, aliases = store.person_ids()
    found = assign_ids(clusters, stored, aliases)
    for c, pid in zip(clusters, found.ids, strict=True):
        c.id = pid
    # Read-only: ids are computed the same way until someone can write them.
    with contextlib.suppress(StoreError):
        store.save_person_ids(found.names, found.aliases)
    aliases = {**aliases, **{a: pid for a, pid, _ in found.aliases}}
    live = set(found.ids)
    out: dict[str, list[str]] = {}
    for alias in aliases:
        if alias not in live:
            out.setdefault(resolve_alias(alias, aliases), []).append(alias)
    return out


def _key_or_none(form: str) -> str | None:
    try:
        return name_key_of(form)
    except DocketError:
        return None


# Document ids are hashes of their text, and a stored document's mentions never change, so the
# within-document grouping of a document is computed once per process: after an ingest, only
# the new documents are grouped again.
_WITHIN: dict[str, Any] = {}


class _LazyTexts(Mapping[str, str]):
    """Document texts by id, read from the store on first use."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._texts: dict[str, str] = {}

    def __getitem__(self, document_id: str) -> str:
        if document_id not in self._texts:
            doc = self._store.get_document(document_id)
            if doc is None:
                raise KeyError(document_id)
            self._texts[document_id] = doc.text
        return self._texts[document_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


@dataclass(frozen=True)
class Lookup:
    """What a name or id typed by a user finds: one person, several to choose among, or nobody.

    ``exact``: the query was a person id or one person's full name as printed (that wins outright
    over partial matches of other persons).
    """

    query: str
    matches: tuple[PersonRecord, ...]
    exact: bool = False

    @property
    def person(self) -> PersonRecord | None:
        """The person, when exactly one matched."""
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Several persons matched: the caller must list them and ask for an id."""
        return len(self.matches) > 1


def lookup_person(records: list[PersonRecord], query: str) -> Lookup:
    """The persons ``query`` names, never guessed among several.

    In order, the first rule that matches anyone decides: a person id (a retired id resolves to
    the person it was folded into), or the slug of a full name
    the person appears under); a full name as printed (case and accents aside); a full name through
    transliteration folding ("Max Bokayev" finds "Maks Bokaev", Cyrillic finds Latin); every word of
    the query equal to a folded word of one of the person's names ("Karimov" finds "Islam Karimov"
    and a bare "Karimov", never "Abdukarimov"). Several persons under the deciding rule are all
    returned.
    """
    from docket.resolve.fold import fold_token

    q = query.strip()
    if not q:
        return Lookup(query, ())
    ids = [p for p in records if p.cluster.id == q] or [p for p in records if q in p.aliases]
    if not ids:
        ids = [
            p for p in records if any(slug(f) == q for f in p.cluster.forms if len(f.split()) >= 2)
        ]
    if ids:
        return Lookup(query, tuple(ids), exact=len(ids) == 1)
    key = name_key(q)
    # a one-word query is a part of many names: it goes to the word rule, which lists them all
    printed = (
        [p for p in records if any(name_key(f) == key for f in p.cluster.forms)]
        if len(q.split()) >= 2
        else []
    )
    if printed:
        return Lookup(query, tuple(printed), exact=len(printed) == 1)
    words = [fold_token(w) for w in q.split()]
    words = [w for w in words if w]
    if not words:
        return Lookup(query, ())
    folded = [
        p
        for p in records
        if any(
            len(f.split()) >= 2 and [fold_token(w) for w in f.split()] == words
            for f in p.cluster.forms
        )
    ]
    if folded:
        return Lookup(query, tuple(folded), exact=len(folded) == 1)
    hits = [
        p
        for p in records
        if any(set(words) <= {fold_token(w) for w in f.split()} for f in p.cluster.forms)
    ]
    return Lookup(query, tuple(hits))


def find_person(store: Store, query: str) -> list[PersonRecord]:
    """The persons :func:`lookup_person` finds for ``query`` (several when the name is ambiguous)."""
    return list(lookup_person(people(store), query).matches)


class PeopleCache:
    """``people(store)`` computed once per database state: linking the whole database is the
    expensive step, and a web server answers many requests between two ingests."""

    def __init__(self, on_refresh: Callable[[], None] | None = None) -> None:
        self.on_refresh = on_refresh  # called (outside the lock) after each relinking
        self._state: tuple[str, str] | None = None
        self._records: list[PersonRecord] = []
        self._linking: Linking | None = None
        self._lock = threading.Lock()
        self._by_id: dict[str, PersonRecord] = {}
        self._by_form: dict[str, list[PersonRecord]] = {}

    def get(self, store: Store, key: str = "") -> list[PersonRecord]:
        """The persons of ``store`` (``key`` tells apart databases sharing one cache). After an
        ingest that only added documents, only their names are linked (see :func:`_people`)."""
        state = (key, store.state())
        with self._lock:
            refreshed = state != self._state
            if refreshed:
                same_db = self._state is not None and self._state[0] == key
                with _no_collection():
                    self._records, self._linking = _people(
                        store, self._linking if same_db else None
                    )
                self._by_id = {a: p for p in self._records for a in p.aliases}
                self._by_id.update({p.cluster.id: p for p in self._records})
                self._by_form = {}
                for p in self._records:  # namesakes share a slug: a lookup by it lists them all
                    for form in dict.fromkeys(
                        slug(f) for f in p.cluster.forms if len(f.split()) >= 2
                    ):
                        self._by_form.setdefault(form, []).append(p)
                self._state = state
            records = self._records
        if refreshed and self.on_refresh is not None:
            self.on_refresh()
        return records

    @property
    def last_rebuilt(self) -> int:
        """Person records the last refresh built (the others were kept from the one before)."""
        return self._linking.rebuilt if self._linking else 0

    @property
    def last_added(self) -> int:
        """Documents the last refresh linked incrementally (0: it linked from scratch)."""
        return self._linking.added if self._linking else 0

    def lookup(self, store: Store, person_id: str, key: str = "") -> Lookup:
        """The person of an id, or those appearing under a full name with this slug (``max-bokayev``
        finds the person whose id, from the first spelling seen, is ``maks-bokaev``; namesakes
        sharing the slug are all returned, for the caller to list); failing both, the persons the
        query names by :func:`lookup_person`'s rules."""
        records = self.get(store, key)  # refreshed when stale
        with self._lock:
            if person_id in self._by_id:
                return Lookup(person_id, (self._by_id[person_id],), exact=True)
            found = tuple(self._by_form.get(person_id, ()))
        if found:
            return Lookup(person_id, found, exact=len(found) == 1)
        # not an address: a name typed into the URL ("/persons/Karimov"), looked up by the name rules
        return lookup_person(
            records, person_id.replace("-", " ") if " " not in person_id else person_id
        )

    def by_id(self, store: Store, person_id: str, key: str = "") -> PersonRecord | None:
        """The one person :meth:`lookup` finds (None when nobody or several)."""
        return self.lookup(store, person_id, key).person

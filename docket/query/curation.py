"""Curation writes as every surface makes them (CLI, API, web): validated once, here.

A write that is refused raises a :class:`~docket.errors.DocketError` that says why and changes
nothing; the store is only written after every check has passed.
"""

from __future__ import annotations

from docket.errors import CurationError, DocketError
from docket.models import CurationEntry, Review, statement_key
from docket.query.people import PersonRecord, lookup_person, people
from docket.resolve.cluster import folded_key
from docket.resolve.curate import mark_names, name_key_of, record
from docket.resolve.fold import name_key, name_parts
from docket.store.base import Store


def candidates_text(matches: tuple[PersonRecord, ...], limit: int = 10) -> str:
    """A one-line list of persons to choose among: name, role, side, id."""
    shown = [
        f"{p.cluster.canonical} ({p.role or 'no role'}, {p.side}, {len(p.documents)} reports; id {p.cluster.id})"
        for p in matches[:limit]
    ]
    more = f"; and {len(matches) - limit} more" if len(matches) > limit else ""
    return "; ".join(shown) + more


def resolve_one(records: list[PersonRecord], name: str) -> PersonRecord:
    """The one person ``name`` names, or a :class:`CurationError` saying there is none or several."""
    found = lookup_person(records, name)
    if not found.matches:
        raise CurationError(f"nobody called {name!r} in the database", hint="see `docket people`")
    if found.ambiguous:
        raise CurationError(
            f"{name!r} names {len(found.matches)} persons: {candidates_text(found.matches)}",
            hint="give the person id (or the full name as printed)",
        )
    assert found.person is not None
    return found.person


def _full_form(person: PersonRecord, typed: str) -> str:
    """The full name to record for ``person``: the typed one when it is one of theirs (by folding)."""
    parts = name_parts(typed)
    if parts.full and " " in typed.strip():  # (an id or a slug is not a name as printed)
        key = folded_key(parts)
        for form in person.cluster.forms:
            fp = name_parts(form)
            if fp.full and (folded_key(fp) == key or name_key(form) == name_key(typed)):
                return typed
    full = [f for f in person.cluster.forms if name_parts(f).full]
    if not full:
        raise CurationError(
            f"{person.cluster.canonical!r} ({person.cluster.id}) is known by a surname only",
            hint="merge and split take persons with a full name",
        )
    return person.cluster.canonical if person.cluster.canonical in full else full[0]


def curate_names(
    store: Store,
    action: str,
    name_a: str,
    name_b: str,
    *,
    who: str | None = None,
    why: str | None = None,
    records: list[PersonRecord] | None = None,
) -> CurationEntry:
    """Record a ``merge`` or ``split`` between two existing persons, named by id or name.

    Refused (nothing written): an unknown action, a name that matches nobody or several persons,
    a person known by a surname only, both names one person for a split.
    """
    if action not in ("merge", "split"):
        raise CurationError(f"unknown curation action {action!r}", hint="merge or split")
    records = records if records is not None else people(store)
    a, b = resolve_one(records, name_a), resolve_one(records, name_b)
    form_a, form_b = _full_form(a, name_a), _full_form(b, name_b)
    if (
        action == "split"
        and a.cluster.id == b.cluster.id
        and folded_key(name_parts(form_a)) == folded_key(name_parts(form_b))
    ):
        raise CurationError(
            f"{name_a!r} and {name_b!r} are spellings of one name: they cannot be split"
        )
    return record(store, action, form_a, form_b, who=who, why=why)


def mark_not_person(
    store: Store,
    name: str,
    *,
    who: str | None = None,
    why: str | None = None,
    records: list[PersonRecord] | None = None,
) -> list[CurationEntry]:
    """Mark the person ``name`` names (an id or a name) as not a person: every spelling of theirs
    leaves case files, lists and exports, now and after any re-ingest. Needs a reason."""
    if not (why or "").strip():
        raise CurationError(
            "marking a name as not a person needs a reason", hint="say what it is instead"
        )
    person = resolve_one(records if records is not None else people(store), name)
    return mark_names(store, "not_person", list(person.cluster.forms), who=who, why=why)


def mark_person_again(
    store: Store, name: str, *, who: str | None = None, why: str | None = None
) -> list[CurationEntry]:
    """Undo :func:`mark_not_person` for a name (as it was marked: the person is not listed meanwhile)."""
    key = name_key_of(name)
    log = store.curation_log()
    marked = [e for e in log if e.action in ("not_person", "person") and e.key_a == key]
    if not marked or marked[-1].action != "not_person":
        raise CurationError(f"{name!r} is not marked as not a person", hint="see the curation log")
    # every spelling marked with it (one decision: same curator, same moment) is a person again
    last = marked[-1]
    forms = [
        e.name_a for e in log if e.action == "not_person" and (e.at, e.who) == (last.at, last.who)
    ]
    return mark_names(store, "person", forms, who=who, why=why)


ACTIONS = ("merge", "split", "not_person", "person")


def curate(
    store: Store,
    action: str,
    name_a: str,
    name_b: str | None = None,
    *,
    who: str | None = None,
    why: str | None = None,
    records: list[PersonRecord] | None = None,
) -> list[CurationEntry]:
    """One curation write as any surface asks for it: ``merge``/``split`` two persons, or mark one
    ``not_person`` / ``person`` again; the entries appended (refused: nothing written)."""
    if action in ("merge", "split"):
        if not (name_b or "").strip():
            raise CurationError(f"{action} needs a second person", hint="an id or a full name")
        entries = [
            curate_names(store, action, name_a, name_b or "", who=who, why=why, records=records)
        ]
    elif action == "not_person":
        entries = mark_not_person(store, name_a, who=who, why=why, records=records)
    elif action == "person":
        entries = mark_person_again(store, name_a, who=who, why=why)
    else:
        raise CurationError(
            f"unknown curation action {action!r}", hint="one of " + ", ".join(ACTIONS)
        )
    refresh_resolution(store)
    return entries


def refresh_resolution(store: Store) -> bool:
    """After a curation write: the stored persons, spellings and links as they now are (for SQL
    users and other tools), whichever surface wrote; whether they were refreshed. A refresh that
    fails leaves the decision recorded and the tables to catch up on the next write."""
    from docket.query.people import store_resolution

    try:
        return store_resolution(store)
    except DocketError:
        return False


def reject_claim(
    store: Store,
    person: str,
    fact_id: str,
    *,
    who: str,
    why: str | None = None,
    records: list[PersonRecord] | None = None,
) -> list[Review]:
    """Reject one fact of a person everywhere: every statement of it, in every report, at once (one
    review per statement in the append-only log, with the same reason), and the claim itself (its
    type, sanction and date), which rejects the same statement in any report ingested later or
    corrected. Needs a reason."""
    from docket.errors import ReviewError
    from docket.query.cases import case_file

    if not (why or "").strip():
        raise ReviewError(
            "rejecting a claim everywhere needs a reason", hint="say why the reports are wrong"
        )
    record_ = resolve_one(records if records is not None else people(store), person)
    facts = case_file(record_).facts
    fact = next((f for f in facts if f.id == fact_id), None)
    if fact is None:
        raise ReviewError(
            f"{record_.cluster.canonical} has no fact {fact_id!r}",
            hint="fact ids are shown in the case file ("
            + ", ".join(f.id for f in facts[:5])
            + (", …" if len(facts) > 5 else "")
            + ")",
        )
    from docket.query.reviews import claim_key

    keys = [statement_key(e) for _, e in fact.statements]
    # the claim itself too, so that the same statement in a corrected or a new report is rejected as well
    claim = claim_key(record_.cluster.id, fact.type, fact.sanction, fact.date)
    return [store.add_review(k, "reject", None, None, None, who, why) for k in [*keys, claim]]

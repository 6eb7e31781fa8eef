"""Curators' reviews of event statements: verify one, reject one (a misreading), or correct a field.

Reviews never change what was extracted: they sit in an append-only log keyed by the
statement, and are applied when persons are assembled, so the original statement, the
correction, who made it and why all stay visible. The latest review per statement (and per
field, for corrections) wins.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from docket.errors import DocketError, ReviewError
from docket.models import DocumentSummary, Event, Review, statement_key
from docket.store.base import DocumentStore, Store

FIELDS = ("date", "charge", "place", "person")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def find_statement(store: DocumentStore, key: str) -> Event | None:
    """The stored event statement with this key (``document_id:start:end:type:mention_start``)."""
    document_id = key.split(":", 1)[0]
    _, events = store.document_facts(document_id)
    return next((e for e in events if statement_key(e) == key), None)


def review(
    store: Store,
    key: str,
    action: str,
    *,
    who: str,
    field: str | None = None,
    value: str | None = None,
    why: str | None = None,
) -> Review:
    """Record a review of the statement ``key``: ``verify``, ``reject`` or ``correct`` ``field`` to ``value``."""
    event = find_statement(store, key)
    if event is None:
        raise ReviewError(
            f"no event statement {key!r}",
            hint="statement keys come with every statement in the API",
        )
    if action in ("verify", "reject"):
        return store.add_review(key, action, None, None, None, who, why)
    if action != "correct":
        raise ReviewError(f"unknown review action {action!r}", hint="verify, reject or correct")
    if field not in FIELDS:
        raise ReviewError(f"cannot correct field {field!r}", hint="one of " + ", ".join(FIELDS))
    value = (value or "").strip() or None
    # An empty correction would wipe the field (a wrong statement is rejected instead), and a
    # correction without a reason cannot be checked by the next reader of the audit log.
    if value is None:
        raise ReviewError(
            f"a correction of the {field} needs the corrected value",
            hint="to remove a wrong statement, reject it",
        )
    if not (why or "").strip():
        raise ReviewError(
            "a correction needs a reason", hint="say where the right value comes from"
        )
    if field == "date" and not _DATE.match(value):
        raise ReviewError(f"{value!r} is not a date", hint="YYYY, YYYY-MM or YYYY-MM-DD")
    if len(value) > 300:
        raise ReviewError("the corrected value is too long (300 characters at most)")
    if field == "person":  # "wrong person": the statement is about someone else (an id or a name)
        return _reassign(store, key, value, who, why)
    return store.add_review(key, "correct", field, getattr(event, field), value, who, why)


def _reassign(store: Store, key: str, target: str, who: str, why: str | None) -> Review:
    """A "wrong person" correction: the statement ``key`` is about the person ``target`` names."""
    from docket.query.curation import resolve_one
    from docket.query.people import people

    records = people(store)
    owner = next(
        (p for p in records if any(statement_key(e) == key for _, e in (*p.events, *p.rejected))),
        None,
    )
    try:
        person = resolve_one(records, target)
    except DocketError as exc:
        raise ReviewError(exc.message, hint=exc.hint) from exc
    if owner is not None and owner.cluster.id == person.cluster.id:
        raise ReviewError(
            f"the statement is already {person.cluster.canonical}'s ({person.cluster.id})"
        )
    return store.add_review(
        key, "correct", "person", owner.cluster.id if owner else None, person.cluster.id, who, why
    )


@dataclasses.dataclass(frozen=True)
class Applied:
    """Statements after reviews: kept (corrected where reviewed), rejected, and the verified keys."""

    kept: list[tuple[DocumentSummary, Event]]
    rejected: list[tuple[DocumentSummary, Event]]
    verified: frozenset[str]


CLAIM = "claim:"  # a review's ``statement`` naming a claim of a person, not one statement (see claim_key)


def claim_key(person_id: str, kind: str, sanction: dict[str, Any] | None, date: str | None) -> str:
    """The review key of one claim about a person: every statement of that type, sanction and a
    compatible date, in any report, now or ingested later ("reject this claim everywhere")."""
    import json

    return f"{CLAIM}{person_id}|{kind}|{json.dumps(sanction, sort_keys=True)}|{date or ''}"


def _claims(reviews: list[Review], person_ids: set[str]) -> list[tuple[str, str, str]]:
    """(type, sanction JSON, date) of the claims rejected about any of ``person_ids`` (latest wins)."""
    latest: dict[str, str] = {}
    for r in reviews:
        if r.statement.startswith(CLAIM):
            latest[r.statement] = r.action
    out = []
    for key, action in latest.items():
        person, kind, sanction, date = key[len(CLAIM) :].split("|", 3)
        if action == "reject" and person in person_ids:
            out.append((kind, sanction, date))
    return out


def _in_claim(e: Event, claims: list[tuple[str, str, str]]) -> bool:
    import json

    if not claims:
        return False
    sanction = json.dumps(e.sanction.as_dict() if e.sanction else None, sort_keys=True)
    return any(
        e.type == kind
        and sanction == s
        and (not date or not e.date or e.date.startswith(date) or date.startswith(e.date))
        for kind, s, date in claims
    )


def apply_reviews(
    statements: list[tuple[DocumentSummary, Event]],
    reviews: list[Review],
    person_ids: set[str] | None = None,
) -> Applied:
    """Apply the latest review of each statement (and field) to ``statements``; claims rejected
    about ``person_ids`` (the person's id and aliases) reject every statement of theirs they match."""
    claims = _claims(reviews, person_ids) if person_ids else []
    status: dict[str, str] = {}
    fixes: dict[str, dict[str, str | None]] = {}
    for r in reviews:
        if r.action == "correct" and r.field == "person":
            continue  # which person a statement is about is settled before (see moved_statements)
        if r.action == "correct" and r.field:
            fixes.setdefault(r.statement, {})[r.field] = r.after
        else:
            status[r.statement] = r.action
    kept, rejected = [], []
    for d, e in statements:
        key = statement_key(e)
        if status.get(key) == "reject" or (status.get(key) != "verify" and _in_claim(e, claims)):
            rejected.append((d, e))
            continue
        # ``fixes`` holds only the reviewable fields (FIELDS), each as the Event stores it.
        kept.append((d, dataclasses.replace(e, **fixes[key]) if key in fixes else e))  # type: ignore[arg-type]
    return Applied(kept, rejected, frozenset(k for k, a in status.items() if a == "verify"))


def moved_statements(reviews: list[Review]) -> dict[str, str]:
    """Statement key -> the person id a curator said it is about ("wrong person"; the latest wins)."""
    out: dict[str, str] = {}
    for r in reviews:
        if r.action == "correct" and r.field == "person" and r.after:
            out[r.statement] = r.after
    return out

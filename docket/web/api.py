"""The JSON API under ``/api/v1``: documents, paragraphs, search, persons and case files, stats, curation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam
from pydantic import AfterValidator, BaseModel, Field

from docket.export.serialize import (
    Citer,
    case_dict,
    case_summary,
    document_dict,
    queue_item_dict,
    search_page_dict,
)
from docket.models import SearchFilters, SearchSort, statement_key
from docket.numbers import parse_int
from docket.query.cases import CaseFilter, select_cases, sort_cases, year_diff
from docket.query.curation import curate as curate_write
from docket.query.curation import reject_claim
from docket.query.reviews import review
from docket.query.search import find
from docket.query.stats import persons_by_status, statistics
from docket.web.deps import (
    SettingsDep,
    StoreDep,
    citer_for,
    document_list,
    person_case,
    persons,
    require_bearer,
)

router = APIRouter(prefix="/api/v1", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
Text = Annotated[str | None, Query(max_length=200)]


def _no_surrogates(value: str | None) -> str | None:
    """Refuse text that is not valid Unicode (a lone surrogate, "\\ud800", that JSON allows and a
    database cannot store) with a 422, before anything is written."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("text holds a lone surrogate (not valid Unicode)") from exc
    return value


Body = Annotated[str, AfterValidator(_no_surrogates)]
OptionalBody = Annotated[str | None, AfterValidator(_no_surrogates)]


@router.get("/documents", summary="Every document with its metadata")
def documents(store: StoreDep) -> list[dict[str, Any]]:
    return [document_dict(d) for d in store.list_documents()]


@router.get(
    "/documents/{document_id}", summary="A document: metadata, sections, paragraphs with topics"
)
def document(
    document_id: Annotated[str, PathParam(max_length=64)], store: StoreDep
) -> dict[str, Any]:
    doc = store.get_document(document_id)
    summary = store.find_by_id(document_id)
    if doc is None or summary is None:
        raise HTTPException(404, f"no document with id {document_id!r}")
    topics = store.paragraph_topics(document_id)
    return {
        **document_dict(summary),
        "attributes": dict(doc.metadata.attributes),
        "sections": [
            {"ordinal": s.ordinal, "heading": s.heading, "level": s.level, "path": list(s.path)}
            for s in doc.sections
        ],
        "paragraphs": [
            {
                "id": p.pid(document_id),
                "ordinal": p.ordinal,
                "section": p.section,
                "page": p.page,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "topics": list(topics.get(p.ordinal, ())),
            }
            for p in doc.paragraphs
        ],
    }


@router.get("/paragraphs/{paragraph_id}", summary="One paragraph with its citation")
def paragraph(
    paragraph_id: Annotated[str, PathParam(max_length=80)], store: StoreDep
) -> dict[str, Any]:
    doc_id, _, ordinal = paragraph_id.partition(":p")
    number = parse_int(ordinal, name="the paragraph number") if ordinal else None
    doc = store.get_document(doc_id) if number is not None else None
    para = next((p for p in doc.paragraphs if p.ordinal == number), None) if doc else None
    if doc is None or para is None:
        raise HTTPException(404, f"no paragraph {paragraph_id!r} (ids look like DOCUMENT_ID:p12)")
    section, page = Citer(store).place(doc_id, para.ordinal)
    return {
        "id": paragraph_id,
        "text": para.text,
        "start": para.start,
        "end": para.end,
        "section": section,
        "page": page,
        "document": document_dict(summary) if (summary := store.find_by_id(doc_id)) else None,
    }


@router.get(
    "/search",
    summary="Full-text search (BM25 or by date) with filters and facet counts; hits carry "
    "citations, duplicates are folded into the first hit's `also`",
)
def search(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    publisher: Text = None,
    country: Text = None,
    year: Year = None,
    year_from: Year = None,
    year_to: Year = None,
    section: Text = None,
    topic: Text = None,
    sort: SearchSort = "relevance",
    limit: Limit = 20,
    offset: Offset = 0,
    exact: bool = False,
    fold: Annotated[
        bool, Query(description="Fold paragraphs with the same text into one hit.")
    ] = True,
    facets: Annotated[bool, Query(description="Count the hits per filter value.")] = True,
) -> dict[str, Any]:
    filters = SearchFilters(
        publisher=publisher,
        country=country,
        year=year,
        section=section,
        topic=topic,
        year_from=year_from,
        year_to=year_to,
    )
    page = find(
        store,
        q,
        filters,
        limit=limit,
        offset=offset,
        sort=sort,
        exact=exact,
        persons=lambda: persons(store, settings),
        fold=fold,
        facets=facets,
        documents=lambda: document_list(store, settings),
    )
    return search_page_dict(page)


@router.get("/persons", summary="Persons with status and sources (filters as for /cases)")
@router.get("/cases", summary="Case list: persons with status, facts, sources; filterable")
def cases(
    store: StoreDep,
    settings: SettingsDep,
    name: Text = None,
    country: Text = None,
    year: Year = None,
    publisher: Text = None,
    status: Text = None,
    topic: Text = None,
    with_facts: bool = False,
    event: Text = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    side: Annotated[Literal["target", "state", "other", "any"], Query()] = "target",
    role: Text = None,
    min_publishers: Annotated[int | None, Query(ge=0, le=1000)] = None,
    max_publishers: Annotated[int | None, Query(ge=0, le=1000)] = None,
    last_reported: Year = None,
    sort: Annotated[str, Query(max_length=20)] = "documents",
    desc: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    where = CaseFilter(
        country=country,
        year=year,
        publisher=publisher,
        status=status,
        topic=topic,
        name=name,
        event=event,
        date_from=date_from,
        date_to=date_to,
        side=None if side == "any" else side,
        role=role,
        min_publishers=min_publishers,
        max_publishers=max_publishers,
        last_reported=last_reported,
    )
    rows = [
        c
        for c in sort_cases(
            select_cases(persons(store, settings), where, store.paragraph_topics), sort, desc
        )
        if c.facts or not with_facts
    ]
    return {
        "total": len(rows),
        "limit": limit,
        "offset": offset,
        "cases": [case_summary(c) for c in rows[offset : offset + limit]],
    }


@router.get(
    "/persons/{person_id}", summary="A person's case file: status, cited timeline, conflicts"
)
def person(
    person_id: Annotated[str, PathParam(max_length=200)], store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    case = person_case(store, settings, person_id)
    out = case_dict(case, citer_for(store, settings))
    out["curation"] = [
        vars(e)
        for e in store.curation_log()
        if {e.name_a, e.name_b} & set(case.person.cluster.forms)
    ]
    keys = {statement_key(e) for _, e in (*case.person.events, *case.person.rejected)}
    out["reviews"] = [vars(r) for r in store.reviews() if r.statement in keys]
    return out


@router.get("/stats", summary="Counts by topic × year × publisher, event type, charge, status")
def stats(store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    st = statistics(store)
    from docket.query.cases import case_files

    return {
        "topic_year_publisher": [
            {"topic": t, "year": y, "publisher": p, "paragraphs": n}
            for (t, y, p), n in sorted(st.topic_year_publisher.items(), key=str)
        ],
        "events_by_type": dict(st.events_by_type.most_common()),
        "events_by_type_year": [
            {"type": t, "year": y, "events": n}
            for (t, y), n in sorted(st.events_by_type_year.items(), key=str)
        ],
        "charges": dict(st.charges.most_common(50)),
        "persons_by_status": dict(
            persons_by_status(case_files(persons(store, settings))).most_common()
        ),
    }


@router.get("/diff", summary="Year over year: new, continuing and no longer mentioned cases")
def diff(
    store: StoreDep,
    settings: SettingsDep,
    start: Annotated[int, Query(alias="from", ge=1900, le=2100)],
    end: Annotated[int, Query(alias="to", ge=1900, le=2100)],
    country: Text = None,
) -> dict[str, Any]:
    d = year_diff(
        persons(store, settings),
        start=start,
        end=end,
        country=country,
        documents=store.list_documents(),
    )
    return {
        "from": start,
        "to": end,
        "country": country,
        "compared": {
            "from": [document_dict(x) for x in d.reports_from],
            "to": [document_dict(x) for x in d.reports_to],
        },
        "warnings": d.warnings,
        "new": [case_summary(c) for c in d.new],
        "continuing": [
            {**case_summary(c), "added": [f"{f.type} {f.date or ''}".strip() for f in added]}
            for c, added in d.continuing
        ],
        "no_longer_mentioned": [case_summary(c) for c in d.dropped],
    }


class CurationIn(BaseModel):
    """A curated decision: merge or split two persons (ids or full names), or mark one as not a person
    (``not_person``, undone by ``person``; ``name_b`` unused)."""

    action: Literal["merge", "split", "not_person", "person"]
    name_a: Body = Field(min_length=2, max_length=200)
    name_b: OptionalBody = Field(default=None, max_length=200)
    why: OptionalBody = Field(default=None, max_length=2000)


@router.get("/curation", summary="The curation (audit) log, oldest first")
def curation_log(store: StoreDep) -> list[dict[str, Any]]:
    return [vars(e) for e in store.curation_log()]


@router.post(
    "/curation",
    status_code=201,
    summary="Merge, split, or mark not a person (needs the bearer token)",
)
def curate(
    body: CurationIn,
    store: StoreDep,
    settings: SettingsDep,
    who: Annotated[str, Depends(require_bearer)],
) -> dict[str, Any]:
    entries = curate_write(
        store,
        body.action,
        body.name_a,
        body.name_b,
        who=who,
        why=body.why,
        records=persons(store, settings),
    )
    return {**vars(entries[0]), "entries": [vars(e) for e in entries]}


class ReviewIn(BaseModel):
    """A review of one event statement (its ``key`` comes with every statement)."""

    statement: Body = Field(min_length=5, max_length=200)
    action: Literal["verify", "reject", "correct"]
    field: Literal["date", "charge", "place", "person"] | None = (
        None  # person: "wrong person" (value: id or name)
    )
    value: OptionalBody = Field(default=None, max_length=300)
    why: OptionalBody = Field(default=None, max_length=2000)


@router.get(
    "/reviews",
    summary="The review log of event statements (verify / reject / correct), oldest first",
)
def review_log(store: StoreDep) -> list[dict[str, Any]]:
    return [vars(r) for r in store.reviews()]


@router.post(
    "/reviews",
    status_code=201,
    summary="Verify, reject or correct an event statement (needs the token)",
)
def add_review(
    body: ReviewIn, store: StoreDep, who: Annotated[str, Depends(require_bearer)]
) -> dict[str, Any]:
    return vars(
        review(
            store,
            body.statement,
            body.action,
            who=who,
            field=body.field,
            value=body.value,
            why=body.why,
        )
    )


class RejectIn(BaseModel):
    """A claim to reject everywhere: one fact of one person, every statement of it in every report."""

    person: Body = Field(min_length=1, max_length=200)
    fact: Body = Field(min_length=5, max_length=40)
    why: Body = Field(min_length=1, max_length=2000)


@router.post(
    "/facts/reject",
    status_code=201,
    summary="Reject a claim everywhere: every statement of one fact",
)
def reject_fact(
    body: RejectIn,
    store: StoreDep,
    settings: SettingsDep,
    who: Annotated[str, Depends(require_bearer)],
) -> dict[str, Any]:
    reviews = reject_claim(
        store, body.person, body.fact, who=who, why=body.why, records=persons(store, settings)
    )
    return {"fact": body.fact, "rejected": [vars(r) for r in reviews]}


@router.get(
    "/review-queue",
    summary="Unverified facts most worth checking first (status-deciding, unsure, single-source)",
)
def review_queue_api(
    store: StoreDep,
    settings: SettingsDep,
    country: Text = None,
    side: Annotated[Literal["target", "state", "other", "any"], Query()] = "target",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    from docket.query.queue import review_queue

    items = review_queue(
        persons(store, settings), country=country, side=None if side == "any" else side
    )
    return {
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "items": [queue_item_dict(it) for it in items[offset : offset + limit]],
    }

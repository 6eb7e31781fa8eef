"""Server-rendered pages: search, documents and the reader, case files, cases, analytics, curation, ingest."""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from docket.auth import verify_secret
from docket.export import csv_cell
from docket.export.serialize import case_summary
from docket.extract.topics import taxonomy
from docket.models import (
    Citation,
    DocumentSummary,
    Event,
    SearchFilters,
    statement_anchor,
    statement_key,
)
from docket.numbers import parse_int
from docket.query.cases import (
    EVENT_TYPES,
    STATUS_MIN_CONFIDENCE,
    CaseFile,
    CaseFilter,
    case_file,
    case_files,
    sanction_text,
    select_cases,
    sort_cases,
    year_diff,
)
from docket.query.curation import curate, reject_claim
from docket.query.people import PersonRecord
from docket.query.reviews import review
from docket.query.stats import Stats, persons_by_status, statistics
from docket.store.base import Store
from docket.web import charts
from docket.web.deps import (
    AmbiguousPerson,
    SettingsDep,
    StoreDep,
    cache,
    check_csrf,
    citer_for,
    csrf_token,
    curation_enabled,
    curator_of,
    document_list,
    failed_login,
    person_record,
    persons,
    throttled,
    token_ok,
)
from docket.web.pagecache import cached_page
from docket.web.render import Span, cite_href, segments
from docket.web.settings import Settings

router = APIRouter(include_in_schema=False)
PAGE = 20
Text = Annotated[str | None, Query(max_length=200)]


def _page(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    context.update(request=request, curator=curator_of(request), csrf=LazyToken(request))
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


class LazyToken:
    """The session's CSRF token, created when a template writes it into a form. Pages without a
    form (everything an anonymous visitor reads, but the login page) then start no session: no
    cookie to sign on every fresh page, and none handed to readers who never log in."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __html__(self) -> str:
        return csrf_token(self.request)  # URL-safe base64: nothing to escape

    __str__ = __html__


def _facets(store: Store, settings: Settings) -> dict[str, list[Any]]:
    return cache.get(store, settings, "facets", lambda: _compute_facets(store))


def _compute_facets(store: Store) -> dict[str, list[Any]]:
    docs = store.list_documents()
    return {
        "publisher": sorted({d.publisher for d in docs if d.publisher}),
        "country": sorted({d.country for d in docs if d.country}),
        "year": sorted({d.period for d in docs if d.period}, reverse=True),
        "topic": [(t.id, t.label) for t in taxonomy()],
    }


def _int(value: str | None) -> int | None:
    """A filter's number (ASCII digits, bounded); refused with a 400 otherwise."""
    return parse_int(value, name="a numeric filter")


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
@cached_page
def search_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=500)] = "",
    publisher: Text = None,
    country: Text = None,
    year: Text = None,
    year_from: Text = None,
    year_to: Text = None,
    section: Text = None,
    topic: Text = None,
    sort: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    exact: Annotated[str, Query(max_length=1)] = "",
) -> HTMLResponse:
    from docket.errors import DocketError
    from docket.query.search import SearchPage, SearchTotal, find

    filters = SearchFilters(
        publisher=publisher or None,
        country=country or None,
        year=_int(year),
        section=section or None,
        topic=topic or None,
        year_from=_int(year_from),
        year_to=_int(year_to),
    )
    found: SearchPage | None = None
    error = None
    if q.strip():
        try:
            found = find(
                store,
                q,
                filters,
                limit=PAGE,
                offset=(page - 1) * PAGE,
                sort=sort or "relevance",  # type: ignore[arg-type]  # checked by find
                exact=bool(exact),
                persons=lambda: persons(store, settings),
                facets=True,
                documents=lambda: document_list(store, settings),
            )
        except DocketError as exc:
            error = exc.message + (f" ({exc.hint})" if exc.hint else "")
    args = {
        k: v
        for k, v in {
            "q": q,
            "publisher": publisher,
            "country": country,
            "year": year,
            "year_from": year_from,
            "year_to": year_to,
            "section": section,
            "topic": topic,
            "sort": sort,
            "exact": exact,
        }.items()
        if v
    }
    toggle = None
    spellings = found.spellings if found else ()
    if exact and q.strip() and not error:  # what the toggle offers back: the linked spellings
        from docket.query.search import expand_names, may_be_name

        spellings = expand_names(persons(store, settings), q).spellings if may_be_name(q) else ()
    if spellings and not error:  # say what was searched, and offer the other way
        others = {k: v for k, v in args.items() if k not in ("exact", "page")}
        toggle = {
            "spellings": spellings,
            "exact": bool(exact),
            "href": f"/search?{urlencode({**others, 'exact': '1'})}"
            if not exact
            else f"/search?{urlencode(others)}",
        }
    hits = found.hits if found else ()
    results = [
        {
            "hit": h,
            "segments": segments(h.snippet, [Span(a, b, "hl") for a, b in h.highlights]),
            "href": _paragraph_href(h.citation),
            "also": [{"citation": c, "href": _paragraph_href(c)} for c in h.also],
            "also_reports": len(
                {c.document_id for c in h.also if c.document_id != h.citation.document_id}
            ),
            "also_here": sum(c.document_id == h.citation.document_id for c in h.also),
        }
        for h in hits
    ]
    named = (
        _persons_named(_name_index(store, settings), q, filters, found.persons if found else ())
        if q.strip() and not error
        else []
    )
    more = bool(found and found.more)
    return _page(
        request,
        "search.html",
        q=q,
        args=args,
        results=results,
        error=error,
        facets=_facet_options(store, settings, found),
        named=named,
        toggle=toggle,
        total=found.total if found else SearchTotal(0, 0),
        folded=found.folded if found else 0,
        page=page,
        more=more,
        sorts=[
            ("relevance", "most relevant"),
            ("newest", "newest first"),
            ("oldest", "oldest first"),
        ],
        counts=cache.get(store, settings, "counts", store.counts),
        prev_url=f"/search?{urlencode({**args, 'page': page - 1})}" if page > 1 else None,
        next_url=f"/search?{urlencode({**args, 'page': page + 1})}" if more else None,
    )


def _paragraph_href(c: Citation) -> str:
    return cite_href(c.document_id, int(c.paragraph_id.rsplit(":p", 1)[1]))


def _facet_options(store: Store, settings: Settings, found: Any) -> dict[str, list[Any]]:
    """The filter menus: each value, with the hits it would keep when a search has run."""
    plain = _facets(store, settings)
    if found is None or found.facets is None:
        return plain
    return {
        name: [(v.value, f"{v.label} ({v.paragraphs})") for v in values]
        for name, values in found.facets.items()
    }


def _name_index(store: Store, settings: Settings) -> tuple[list[Any], list[tuple[str, int]]]:
    """Persons, and the sorted (name token, person index) pairs of every spelling, once per database state."""
    from docket.resolve.fold import name_key

    def build() -> tuple[list[Any], list[tuple[str, int]]]:
        records = persons(store, settings)
        tokens = sorted(
            {
                (t, i)
                for i, p in enumerate(records)
                for f in p.cluster.forms
                for t in name_key(f).split()
            }
        )
        return records, tokens

    return cache.get(store, settings, "names", build)


def _persons_named(
    index: tuple[list[Any], list[tuple[str, int]]],
    q: str,
    filters: SearchFilters,
    widened: tuple[str, ...] = (),
    limit: int = 6,
) -> list[dict[str, Any]]:
    """Persons with a name word starting with every word of the query (transliteration-folded), or
    whose spellings the search was widened to (a Cyrillic query), named in a report the search's
    filters keep, with status."""
    import bisect

    from docket.ingest.metadata import same_country
    from docket.query.cases import case_file
    from docket.resolve.fold import name_key

    records, tokens = index

    def kept(p: PersonRecord) -> bool:
        return any(
            (not filters.country or same_country(d.country, filters.country))
            and (not filters.publisher or filters.publisher.lower() in (d.publisher or "").lower())
            and (filters.year is None or d.period == filters.year)
            and (filters.year_from is None or (d.period or 0) >= filters.year_from)
            and (filters.year_to is None or (d.period is not None and d.period <= filters.year_to))
            for d in p.documents
        )

    first = [i for i, p in enumerate(records) if p.cluster.id in widened]
    words = [
        name_key(w) for w in q.replace('"', " ").split() if len(w) > 2 and not w.startswith("-")
    ]
    words = [w for w in words if w]
    if not words and not first:
        return []
    hits: set[int] | None = None if words else set()
    for w in words:
        lo = bisect.bisect_left(tokens, (w, -1))
        hi = bisect.bisect_left(tokens, (w + "\uffff", -1))
        found = {i for _, i in tokens[lo:hi]}
        hits = found if hits is None else hits & found
    out: list[dict[str, Any]] = []
    for i in [*first, *(i for i in sorted(hits or ()) if i not in first)]:
        p = records[i]
        if not kept(p):
            continue
        if len(out) == limit:
            break
        row = case_summary(case_file(p))
        spellings = sorted({f.split()[-1] for f in p.cluster.forms})
        if len(spellings) > 1:
            row["all_spellings"] = "/search?" + urlencode(
                {"q": " OR ".join(f'"{x}"' for x in spellings)}
            )
        out.append(row)
    return out


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, store: StoreDep) -> HTMLResponse:
    return _page(request, "documents.html", documents=store.list_documents())


@router.get("/documents/{document_id}", response_class=HTMLResponse)
@cached_page
def reader_page(
    request: Request,
    document_id: str,
    store: StoreDep,
    settings: SettingsDep,
    mark: Annotated[str | None, Query(max_length=40, pattern=r"^[0-9]{1,12}-[0-9]{1,12}$")] = None,
) -> HTMLResponse:
    doc = store.get_document(document_id)
    summary = store.find_by_id(document_id)
    if doc is None or summary is None:
        raise HTTPException(404, f"no document with id {document_id!r}")
    mentions, events = store.document_facts(document_id)
    who = cache.get(
        store,
        settings,
        "mention-person",
        lambda: {
            (d, m.start): p.cluster.id
            for p in persons(store, settings)
            for d, m in p.cluster.mentions
        },
    )
    marked = tuple(int(x) for x in mark.split("-")) if mark else None
    topics = store.paragraph_topics(document_id)
    entities = store.document_entities(document_id)
    sections = {s.ordinal: s for s in doc.sections}
    blocks, seen_sections = [], set()
    last_level = 1  # the page title
    for p in doc.paragraphs:
        spans = [
            Span(
                m.start - p.start,
                m.end - p.start,
                "person",
                f"/persons/{who[(document_id, m.start)]}",
                "person",
            )
            for m in mentions
            if p.start <= m.start and m.end <= p.end and (document_id, m.start) in who
        ]
        spans += [
            Span(x.start - p.start, x.end - p.start, x.label, None, x.label)
            for x in entities
            if p.start <= x.start and x.end <= p.end
        ]
        if marked and p.start <= marked[0] < p.end:
            # the cited passage wins over the names inside it; names around it keep their links
            a, b = marked[0] - p.start, min(marked[1], p.end) - p.start
            spans = [s for s in spans if s.end <= a or s.start >= b]
            spans.append(Span(a, b, "cited", None, "cited passage"))
        if p.section is not None and p.section not in seen_sections:
            seen_sections.add(p.section)
            s = sections.get(p.section)
            if s:
                # a heading goes at most one level below the one before it (the page title is
                # h1): a section without paragraphs of its own draws no heading, and its
                # subsections must not skip a level for screen readers
                level = min(s.level + 1, last_level + 1, 4)
                last_level = level
                blocks.append({"heading": s.heading, "level": level})
        blocks.append(
            {
                "paragraph": p,
                "segments": segments(p.text, spans),
                "topics": topics.get(p.ordinal, ()),
                "cited": bool(marked and p.start <= marked[0] < p.end),
                "events": list(
                    dict.fromkeys((e.type, e.date) for e in events if e.paragraph == p.ordinal)
                ),
            }
        )
    return _page(
        request,
        "document.html",
        doc=summary,
        blocks=blocks,
        notes=doc.notes,
        attributes=list(doc.metadata.attributes),
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
@cached_page
def person_page(
    request: Request, person_id: str, store: StoreDep, settings: SettingsDep
) -> Response:
    try:
        record = person_record(store, settings, person_id)
    except AmbiguousPerson as exc:  # a name several persons share: say so and let the reader choose
        return _page(
            request,
            "choose.html",
            asked=person_id,
            status_code=409,
            candidates=[
                {"p": p, "countries": sorted({d.country for d in p.documents if d.country})}
                for p in exc.matches
            ],
        )
    if record.cluster.id != person_id:  # another spelling's slug: the person's own address
        return RedirectResponse(f"/persons/{record.cluster.id}", status_code=301)
    case = case_file(record)
    citer = citer_for(store, settings)
    log = [e for e in store.curation_log() if {e.name_a, e.name_b} & set(case.person.cluster.forms)]
    keys = {statement_key(e) for _, e in (*case.person.events, *case.person.rejected)}
    reviews = [r for r in store.reviews() if r.statement in keys]
    facts = [
        {
            "fact": f,
            "sanction": sanction_text(f.sanction),
            "statements": [
                {
                    "doc": d,
                    "event": e,
                    "href": cite_href(d.id, e.paragraph, e.start, e.end),
                    "key": statement_key(e),
                    "citation_text": citation_text(d, e, citer.place(d.id, e.paragraph)[0]),
                    "anchor": statement_anchor(statement_key(e)),
                    "section": citer.place(d.id, e.paragraph)[0],
                    "page": citer.place(d.id, e.paragraph)[1],
                }
                for d, e in f.statements
            ],
        }
        for f in case.facts
    ]
    rejected = [
        {
            "doc": d,
            "event": e,
            "href": cite_href(d.id, e.paragraph, e.start, e.end),
            "anchor": statement_anchor(statement_key(e)),
        }
        for d, e in case.person.rejected
    ]
    return _page(
        request,
        "person.html",
        case=case,
        facts=facts,
        timeline=_timeline(case),
        log=log,
        reviews=reviews,
        rejected=rejected,
        min_confidence=STATUS_MIN_CONFIDENCE,
        conflicts=[
            {
                "c": x,
                "sides": [
                    {"doc": d, "event": e, "href": cite_href(d.id, e.paragraph, e.start, e.end)}
                    for d, e in (s for s in (x.a, x.b) if s)
                    if d
                ],
            }
            for x in case.conflicts
            if x.a
        ],
        spelling=[x for x in case.conflicts if x.kind == "spelling"],
    )


@router.get("/persons/{person_id}/dossier.md")
def person_dossier(
    request: Request, person_id: str, store: StoreDep, settings: SettingsDep
) -> Response:
    """The person's Markdown dossier (as `docket export -f markdown`), as a download."""
    from docket.export.markdown import dossier

    record = person_record(store, settings, person_id)
    if record.cluster.id != person_id:
        return RedirectResponse(f"/persons/{record.cluster.id}/dossier.md", status_code=301)
    text = dossier(case_file(record), citer_for(store, settings))
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{record.cluster.id}.md"'},
    )


@router.get("/persons/{person_id}/statements.csv")
def person_statements_csv(
    request: Request, person_id: str, store: StoreDep, settings: SettingsDep
) -> Response:
    """Every statement of the person's facts with its citation, as CSV (the export's statements table)."""
    import csv
    import io

    from docket.export import csv_cell
    from docket.export.tables import case_tables

    record = person_record(store, settings, person_id)
    if record.cluster.id != person_id:
        return RedirectResponse(f"/persons/{record.cluster.id}/statements.csv", status_code=301)
    [table] = [
        t
        for t in case_tables(
            list(record.documents), [case_file(record)], citer_for(store, settings)
        )
        if t.name == "statements"
    ]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(table.columns)
    w.writerows([csv_cell(v) for v in row] for row in table.rows)
    return Response(
        "\ufeff" + buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{record.cluster.id}-statements.csv"'
        },
    )


def citation_text(d: DocumentSummary, e: Event, section: str | None) -> str:
    """A statement's citation as plain text, to paste into a brief: publisher, title, year
    covered, section, paragraph id, source URL and access date, then the quote."""
    parts = [d.publisher or "unknown publisher", d.title or d.file_name]
    if d.period:
        parts.append(f"events of {d.period}")
    if d.published:
        parts.append(f"published {d.published}")
    if section:
        parts.append(f"section “{section}”")
    parts.append(f"paragraph {d.id}:p{e.paragraph}")
    if d.url:
        parts.append(d.url + (f" (accessed {d.accessed})" if d.accessed else ""))
    return ", ".join(parts) + f". “{e.quote}”"


_LABEL_CHAR = 6.6  # px per character of an 11 px label (a generous mean for the sans-serif face)
_LABEL_GAP = 8  # px kept free between labels, and between a label and a stem
_ROW = 22  # px between label rows
_AXIS_MARGIN = 40  # px left of the first year, right of the last


def _fact_x(date: str) -> float:
    """A fact's date as a fractional year (a year alone sits mid-year, a month mid-month)."""
    y, m, d = (
        (int(p) for p in (date + "-07-15")[:10].split("-"))
        if len(date) == 4
        else (int(p) for p in (date + "-15")[:10].split("-"))
        if len(date) == 7
        else (int(p) for p in date.split("-"))
    )
    return y + (m - 1) / 12 + (d - 1) / 365


def layout_labels(xs: list[float], widths: list[float], max_rows: int) -> list[int] | None:
    """Label rows for points at ``xs`` (sorted) whose labels, ``widths`` wide, start at the
    point and run right; each point has a stem from the axis up to its label's row. A label may
    not overlap another label of its row, and no stem may rise through a label: so a label that
    reaches over later points sits above all of their rows (a staircase down to the right).
    ``None`` when ``max_rows`` rows are not enough, or two points are too close to tell apart.

    From the right, each point takes the lowest row above every later point its label (and the
    gap after it) reaches: the lowest rows any layout could give, in one look per reached point.
    """
    rows = [0] * len(xs)
    for j in range(len(xs) - 1, -1, -1):
        reach = xs[j] + widths[j] + _LABEL_GAP  # where this label and its gap end
        row = 0
        for i in range(j + 1, len(xs)):
            if xs[i] - _LABEL_GAP / 2 >= reach:
                break
            if xs[i] - _LABEL_GAP / 2 <= xs[j]:
                return None  # a stem against this label's start: widen the axis
            row = max(row, rows[i] + 1)
        if row >= max_rows:
            return None
        rows[j] = row
    return rows


_SAME_PLACE = 12  # px: facts this close on the axis share one dot, stem and label


def _timeline(case: CaseFile) -> dict[str, Any]:
    """The dated facts on a horizontal SVG axis (years from the first to the last fact), and the
    same facts by year for the vertical timeline that narrow screens show instead.

    Facts that fall on one spot (the same day, or days apart) share a dot and a label that names
    each of them, each its own link. Labels are laid out by :func:`layout_labels` so that none
    overlaps another, a stem or a dot: the axis is widened (its box scrolls) until they fit in
    six rows, and where even a wide axis is too crowded, labels shrink to the facts' numbers.
    """
    at = {id(f): _fact_x(f.date) for f in case.facts if f.date}  # each date read once
    dated = sorted((f for f in case.facts if f.date), key=lambda f: at[id(f)])
    if not dated:
        return {"groups": [], "years": [], "by_year": []}
    lo = int(at[id(dated[0])])
    hi = int(at[id(dated[-1])]) + 1
    number = {id(f): n for n, f in enumerate(case.facts, 1)}

    def place(width: float, short: bool) -> tuple[list[dict[str, Any]], list[int] | None, Any]:
        def texts(g: list[Any]) -> list[str]:
            if short:
                return [str(number[id(f)]) for f in g]
            return [f"{number[id(f)]}. {f.type.replace('_', ' ')}" for f in g]

        def label_width(g: list[Any]) -> float:
            return (len(" · ".join(texts(g))) + 1) * _LABEL_CHAR

        # positions depend on the widest label, which depends on the grouping: twice is enough
        groups: list[list[Any]] = [[f] for f in dated]
        for _ in range(2):
            span = width - 2 * _AXIS_MARGIN - max(label_width(g) for g in groups)
            span = max(span, 100.0)

            def scale(v: float, span: float = span) -> float:
                return _AXIS_MARGIN + (v - lo) / (hi - lo) * span

            merged: list[list[Any]] = []
            for f in dated:
                if merged and scale(at[id(f)]) - scale(at[id(merged[-1][0])]) < _SAME_PLACE:
                    merged[-1].append(f)
                else:
                    merged.append([f])
            groups = merged
        xs = [scale(at[id(g[0])]) for g in groups]
        out = [
            {
                "x": round(x, 1),
                "facts": g,
                "parts": [{"fact": f, "text": t} for f, t in zip(g, texts(g))],
                "title": "; ".join(f"{f.date} {f.type.replace('_', ' ')}" for f in g),
            }
            for x, g in zip(xs, groups)
        ]
        return out, layout_labels(xs, [label_width(g) for g in groups], 6), scale

    width, rows, short = 900.0, None, False
    for step in range(40):  # widen; past 2,700 px use numbers; past 40 steps give up on rows
        short = step >= 5
        groups, rows, scale = place(width, short)
        if rows is not None:
            break
        width *= 1.25
    if rows is None:
        rows = [i % 6 for i in range(len(groups))]  # unreachable in practice; never loop forever
    axis_y = 30 + (max(rows) + 1) * _ROW + 12
    for g, r in zip(groups, rows):
        g["label_y"] = axis_y - 18 - r * _ROW
    by_year: dict[str, list[dict[str, Any]]] = {}
    for f in dated:
        by_year.setdefault((f.date or "")[:4], []).append(
            {"fact": f, "text": f"{number[id(f)]}. {f.type.replace('_', ' ')}"}
        )
    return {
        "groups": groups,
        "years": [{"x": round(scale(y), 1), "year": y} for y in range(lo, hi + 1)],
        "width": round(width),
        "height": axis_y + 30,
        "axis_y": axis_y,
        "short": short,
        "by_year": list(by_year.items()),
    }


@router.post("/persons/{person_id}/curate")
def curate_page(
    request: Request,
    person_id: str,
    store: StoreDep,
    settings: SettingsDep,
    action: Annotated[str, Form(pattern="^(merge|split|not_person)$")],
    name_a: Annotated[str, Form(max_length=200)],
    name_b: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    why: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    who = curator_of(request)
    if not who:
        raise HTTPException(401, "log in with the curation token to change a case")
    check_csrf(request, csrf)
    curate(
        store,
        action,
        person_id if action == "not_person" else name_a,
        name_b or None,
        who=who,
        why=why or None,
        records=persons(store, settings),
    )
    if (
        action == "not_person"
    ):  # the person is gone from the lists; the decision is in the curation log
        return RedirectResponse("/cases", status_code=303)
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/persons/{person_id}/review")
def review_page(
    request: Request,
    person_id: str,
    store: StoreDep,
    statement: Annotated[str, Form(max_length=200)],
    action: Annotated[
        str,
        Form(pattern="^(verify|reject|correct-date|correct-charge|correct-place|correct-person)$"),
    ],
    csrf: Annotated[str, Form(max_length=100)] = "",
    value: Annotated[str, Form(max_length=300)] = "",
    why: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    who = curator_of(request)
    if not who:
        raise HTTPException(401, "log in with the curation token to review a statement")
    check_csrf(request, csrf)
    verb, _, field = action.partition("-")
    review(
        store, statement, verb, who=who, field=field or None, value=value or None, why=why or None
    )
    # back to the statement just reviewed (in its fact, or among the rejected ones), not the top
    return RedirectResponse(f"/persons/{person_id}#{statement_anchor(statement)}", status_code=303)


@router.post("/persons/{person_id}/reject")
def reject_page(
    request: Request,
    person_id: str,
    store: StoreDep,
    settings: SettingsDep,
    fact: Annotated[str, Form(max_length=40)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    why: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    who = curator_of(request)
    if not who:
        raise HTTPException(401, "log in with the curation token to reject a claim")
    check_csrf(request, csrf)
    reviews = reject_claim(
        store, person_id, fact, who=who, why=why or None, records=persons(store, settings)
    )
    return RedirectResponse(
        f"/persons/{person_id}#{statement_anchor(reviews[0].statement)}", status_code=303
    )


@router.get("/review", response_class=HTMLResponse)
def review_queue_page(
    request: Request, store: StoreDep, settings: SettingsDep, country: Text = None
) -> HTMLResponse:
    from docket.query.queue import review_queue

    items = review_queue(persons(store, settings), country=country or None)
    return _page(
        request,
        "review.html",
        items=items[:200],
        total=len(items),
        country=country or "",
        countries=_facets(store, settings)["country"],
    )


_CASE_ARGS = (
    "name",
    "country",
    "publisher",
    "status",
    "topic",
    "year",
    "sort",
    "facts",
    "event",
    "from",
    "to",
    "side",
    "role",
    "min_publishers",
    "max_publishers",
    "last_reported",
    "order",
)


def _case_rows(
    store: Store, settings: Settings, request: Request
) -> tuple[list[Any], dict[str, Any]]:
    """Every case the page's filters select, sorted (the page shows a slice; the CSV has them all)."""
    qp = request.query_params
    args = {k: qp[k][:200] for k in _CASE_ARGS if qp.get(k)}
    side = args.get("side", "target")
    where = CaseFilter(
        country=args.get("country"),
        year=_int(args.get("year")),
        publisher=args.get("publisher"),
        status=args.get("status"),
        topic=args.get("topic"),
        name=args.get("name"),
        event=args.get("event"),
        date_from=args.get("from"),
        date_to=args.get("to"),
        side=None if side == "any" else side,
        role=args.get("role"),
        min_publishers=_int(args.get("min_publishers")),
        max_publishers=_int(args.get("max_publishers")),
        last_reported=_int(args.get("last_reported")),
    )
    order = {"asc": False, "desc": True}.get(args.get("order", ""))
    matched = sort_cases(
        select_cases(persons(store, settings), where, store.paragraph_topics),
        args.get("sort", "documents"),
        order,
    )
    rows = [case_summary(c) for c in matched if c.facts or args.get("facts") == "any"]
    return rows, args


_PAGE_ROWS = 100


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    rows, args = _case_rows(store, settings, request)
    base = {k: v for k, v in args.items() if k not in ("sort", "order")}
    first = (page - 1) * _PAGE_ROWS
    shown = rows[first : first + _PAGE_ROWS]

    def page_url(n: int) -> str:
        return "/cases?" + urlencode({**args, "page": n})

    return _page(
        request,
        "cases.html",
        rows=shown,
        total=len(rows),
        first=first,
        args=args,
        facets=_facets(store, settings),
        event_types=EVENT_TYPES,
        csv_url="/cases.csv?" + urlencode(args),
        sort_url=lambda s: "/cases?" + urlencode({**base, "sort": s}),
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if first + _PAGE_ROWS < len(rows) else None,
    )


@router.get("/cases.csv")
def cases_csv(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    rows, _ = _case_rows(store, settings, request)
    buf = io.StringIO()
    w = csv.writer(buf)
    cols = [
        "id",
        "canonical",
        "variants",
        "role",
        "side",
        "status_kind",
        "status",
        "facts",
        "publishers",
        "documents",
        "last_report",
    ]
    w.writerow(cols)
    for r in rows:
        w.writerow([csv_cell("; ".join(r[c]) if isinstance(r[c], list) else r[c]) for c in cols])
    return Response(
        "\ufeff" + buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="docket-cases.csv"'},
    )


def _stats(store: Store, settings: Settings, country: str | None = None) -> Stats:
    return cache.get(store, settings, f"stats:{country or ''}", lambda: statistics(store, country))


def _by_status(store: Store, settings: Settings, country: str | None = None) -> Counter[str]:
    return cache.get(
        store,
        settings,
        f"by-status:{country or ''}",
        lambda: persons_by_status(
            select_cases(persons(store, settings), CaseFilter(country=country))
            if country
            else case_files(persons(store, settings))
        ),
    )


def _cases_link(country: str | None) -> charts.Link:
    """The cases view behind one plotted value, in the plot's country."""

    def link(**where: object) -> str:
        args = {k: str(v) for k, v in where.items() if v is not None}
        if "topic" in args:
            args["facts"] = "any"  # a topic tags paragraphs, not facts: any named person
        if country:
            args["country"] = country
        return "/cases?" + urlencode(args)

    return link


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    start: Annotated[int | None, Query(alias="from", ge=1900, le=2100)] = None,
    end: Annotated[int | None, Query(alias="to", ge=1900, le=2100)] = None,
    country: Text = None,
    per: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    per_report = per == "report"
    place = country or None
    st = _stats(store, settings, place)
    by_status = _by_status(store, settings, place)
    diff = (
        year_diff(
            persons(store, settings),
            start=start,
            end=end,
            country=place,
            documents=store.list_documents(),
        )
        if start and end
        else None
    )
    span, rows = charts.topic_year_table(
        st, _reports_per_year(store, settings, place) if per_report else None
    )
    link = _cases_link(place)
    publishers, topic_publisher = charts.topic_publisher_table(st)
    event_years, event_rows = charts.event_year_table(st)
    chart_query = urlencode({k: v for k, v in {"per": per, "country": country}.items() if v})
    return _page(
        request,
        "analytics.html",
        charts=list(charts.CHARTS),
        chart_query=("?" + chart_query) if chart_query else "",
        link=link,
        publishers=publishers,
        topic_publisher=topic_publisher,
        event_years=event_years,
        event_rows=event_rows,
        by_status=by_status.most_common(),
        per_report=per_report,
        topic_years=span,
        topic_rows=rows,
        events=st.events_by_type.most_common(),
        charges=st.charges.most_common(15),
        diff=diff,
        start=start,
        end=end,
        country=country or "",
        years=_facets(store, settings)["year"],
        countries=_facets(store, settings)["country"],
    )


def _reports_per_year(store: Store, settings: Settings, country: str | None = None) -> Counter[int]:
    """How many reports cover each year (the divisor of the per-report view), in ``country``."""
    from docket.ingest.metadata import same_country

    return cache.get(
        store,
        settings,
        f"reports-per-year:{country or ''}",
        lambda: Counter(
            d.period
            for d in store.list_documents()
            if d.period and (not country or same_country(d.country, country))
        ),
    )


@router.get("/analytics/{name}.svg")
def chart(
    name: str,
    store: StoreDep,
    settings: SettingsDep,
    per: Annotated[str, Query(max_length=10)] = "",
    country: Text = None,
) -> Response:
    place = country or None
    link = _cases_link(place)
    if name not in charts.CHARTS and name != "persons-by-status":
        raise HTTPException(404, f"no chart {name!r}")

    def draw() -> str:
        if name == "persons-by-status":
            return charts.persons_by_status(_by_status(store, settings, place), link)
        st = _stats(store, settings, place)
        if name == "topics-by-year":
            reports = _reports_per_year(store, settings, place) if per == "report" else None
            return charts.topics_by_year(st, reports, link)
        return charts.CHARTS[name](st, link=link)

    svg = cache.get(store, settings, f"chart-{name}:{per == 'report'}:{place or ''}", draw)
    # The SVG carries its own <style>: allow that, and nothing else, for this response. The
    # analytics page frames it (so that each bar links to its cases): framing by this site only.
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "frame-ancestors 'self'",
            "X-Frame-Options": "SAMEORIGIN",
        },
    )


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only (never "//host" or "/\\host", which
    browsers treat as another site), else the home page."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or len(value) > 2000
        or any(ord(c) < 32 or c == "\\" for c in value)
        or value.split("?")[0] in ("/login", "/logout")
    ):
        return "/"
    return value


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> HTMLResponse:
    return _page(
        request,
        "login.html",
        enabled=curation_enabled(settings, store),
        error=None,
        next=safe_next(next),
    )


@router.post("/login", response_model=None)
def login(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    token: Annotated[str, Form(max_length=500)],
    name: Annotated[str, Form(min_length=1, max_length=80)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    check_csrf(request, csrf)
    back = safe_next(next)
    who = name.strip()
    throttled(request, store, who)
    account = store.curator_hash(who)
    via = (
        "account"
        if account is not None and verify_secret(account, token)
        else "token"
        if token_ok(settings, token)
        else None
    )
    if via is None:
        failed_login(request, store, who)
        return _page(
            request,
            "login.html",
            enabled=curation_enabled(settings, store),
            error="wrong token",
            next=back,
        )
    if via == "token" and account is not None:  # the audit log's "who" must be the account's holder
        return _page(
            request,
            "login.html",
            enabled=curation_enabled(settings, store),
            next=back,
            error="that name belongs to a curator account: log in with its password",
        )
    # a fresh session, with a fresh CSRF token (the one of the login form is not carried over)
    request.session.clear()
    request.session.update(
        curator=who, sid=store.open_session(who, via), csrf=secrets.token_urlsafe(24)
    )
    return RedirectResponse(back, status_code=303)  # back to the page the curator came from


@router.post("/logout")
def logout(
    request: Request, store: StoreDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(request, csrf)
    if request.session.get("sid"):
        store.end_session(request.session["sid"])
    request.session.clear()
    return RedirectResponse("/", status_code=303)

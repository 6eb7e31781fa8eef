"""Commands on persons and case files: people, person, cases, diff, stats, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from docket.cli import DbOption, JsonOption, _fail, app, clipped, err, find_or_exit, out
from docket.errors import DocketError
from docket.export.serialize import Citer, case_dict, fact_dict
from docket.store import open_store


@app.command("people")
def people_(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many persons.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Persons in the database, linked across reports and spellings, with their number of sources and events."""
    from docket.export.serialize import person_dict
    from docket.query.people import people

    try:
        store = open_store(db, create=False)
        records = people(store)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(
            json.dumps(
                [{**person_dict(p), "events": len(p.events)} for p in records[:limit]],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    table = Table(title=f"{len(records)} persons")
    for col in ("id", "name", "role", "side", "spellings", "documents", "events", "last event"):
        table.add_column(col, overflow="fold")
    for p in records[:limit]:
        last = p.events[-1][1] if p.events else None
        table.add_row(
            p.cluster.id,
            escape(p.cluster.canonical),
            escape(p.role or ""),
            p.side,
            escape(", ".join(p.cluster.forms)),
            str(len(p.documents)),
            str(len(p.events)),
            f"{last.type} {last.date or ''}" if last else "",
        )
    out.print(table)


@app.command()
def person(
    name: Annotated[
        str, typer.Argument(help="A name, any spelling or part of it, or a person id.")
    ],
    db: DbOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Print whole quotes (else cut at about 150 characters, with …)."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """One person's case file: status, a timeline of facts with their sources, and conflicts between sources."""
    from docket.query.cases import STATUS_MIN_CONFIDENCE, case_file, sanction_text

    store, hits = find_or_exit(db, name)
    cases = [case_file(p) for p in hits]
    if as_json:
        citer = Citer(store)
        print(json.dumps([case_dict(c, citer) for c in cases], ensure_ascii=False, indent=1))
        return
    for c in cases:
        p = c.person
        out.print(
            f"[bold]{escape(p.cluster.canonical)}[/bold] ({p.cluster.id}) — {escape(p.role or 'no role stated')}, "
            f"side: {p.side} — {len(p.documents)} documents, {len(c.facts)} facts"
        )
        out.print("spellings: " + escape(", ".join(p.cluster.forms)))
        out.print(f"[bold]status:[/bold] {escape(c.status)}")
        for f in c.facts:
            sanction = f" ({sanction_text(f.sanction)})" if f.sanction else ""
            charge = f" — {f.charge}" if f.charge else ""
            place = f" in {f.place}" if f.place else ""
            sources = f"{len(f.publishers)} publisher{'s' if len(f.publishers) > 1 else ''}"
            sure = (
                ""
                if f.confidence is None
                else (
                    f" [yellow]confidence {f.confidence:.2f}, low: not counted for the status[/yellow]"
                    if f.confidence < STATUS_MIN_CONFIDENCE
                    else f" [dim]confidence {f.confidence:.2f}[/dim]"
                )
            )
            out.print(
                f"  {f.date or '(no date)':<10} [bold]{f.type}[/bold]{escape(sanction)}{escape(charge)}"
                f"{escape(place)} [green]({sources})[/green]{sure} [dim]{f.id}[/dim]"
            )
            for d, e in f.statements:
                out.print(
                    f"      [dim]{escape(d.publisher or '?')}, {escape(d.title or '?')} — {d.id}:p{e.paragraph} "
                    f"[{e.start}:{e.end}][/dim] “{escape(clipped(e.quote, None if full else 150))}”"
                )
        for x in c.conflicts:
            out.print(f"  [yellow]conflict ({x.kind}):[/yellow] {escape(x.detail)}")
            for side in (x.a, x.b):
                if side:
                    d, e = side
                    out.print(
                        f"      [dim]{escape(d.publisher or '?')} — {d.id}:p{e.paragraph}[/dim] “{escape(clipped(e.quote, None if full else 150))}”"
                    )


@app.command()
def cases(
    db: DbOption = None,
    country: Annotated[
        str | None, typer.Option(help="Only persons named in reports on this country.")
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Only persons named in reports covering this year.")
    ] = None,
    publisher: Annotated[
        str | None, typer.Option(help="Only persons named by this publisher (substring).")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Only statuses containing this (e.g. imprisoned).")
    ] = None,
    topic: Annotated[
        str | None, typer.Option(help="Only persons named in paragraphs on this topic id.")
    ] = None,
    event: Annotated[
        str | None, typer.Option(help="Only persons with a fact of this type (e.g. sentenced).")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="… dated on or after this (YYYY[-MM[-DD]]).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="… dated on or before this (YYYY[-MM[-DD]]).")
    ] = None,
    side: Annotated[str, typer.Option(help="target (default), state, other, or any.")] = "target",
    role: Annotated[
        str | None, typer.Option(help="Only roles containing these words (e.g. journalist).")
    ] = None,
    min_publishers: Annotated[
        int | None, typer.Option(help="At least this many independent publishers.")
    ] = None,
    max_publishers: Annotated[
        int | None, typer.Option(help="At most this many (1: single-source cases).")
    ] = None,
    last_reported: Annotated[
        int | None, typer.Option(help="Only persons last reported on this year.")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="name, status, side, facts, publishers, documents, last_report or last_event."
        ),
    ] = "documents",
    descending: Annotated[
        bool | None,
        typer.Option(
            "--desc/--asc",
            help="Sort order (default: counts and dates high first, names A-Z).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many first (pagination).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Persons with their status, number of facts and sources, and last report; filter and sort as an analyst asks."""
    from docket.query.cases import CaseFilter, case_publishers, select_cases, sort_cases
    from docket.query.people import people

    try:
        store = open_store(db, create=False)
        where = CaseFilter(
            country=country,
            year=year,
            publisher=publisher,
            status=status,
            topic=topic,
            event=event,
            date_from=date_from,
            date_to=date_to,
            side=None if side == "any" else side,
            role=role,
            min_publishers=min_publishers,
            max_publishers=max_publishers,
            last_reported=last_reported,
        )
        matched = sort_cases(
            select_cases(people(store), where, store.paragraph_topics), sort, descending
        )
    except DocketError as exc:
        _fail(exc)
    files = matched[max(0, offset) : max(0, offset) + max(0, limit)]
    if as_json:
        citer = Citer(store)
        print(
            json.dumps(
                {
                    "total": len(matched),
                    "offset": offset,
                    "limit": limit,
                    "cases": [case_dict(c, citer) for c in files],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    shown = f"{offset + 1}–{offset + len(files)}" if files else "none"
    table = Table(title=f"showing {shown} of {len(matched)} cases")
    for col in ("person", "side", "status", "facts", "publishers", "documents"):
        table.add_column(col, overflow="fold")
    for c in files:
        table.add_row(
            escape(c.person.cluster.canonical),
            c.person.side,
            escape(c.status),
            str(len(c.facts)),
            str(len(case_publishers(c))),
            str(len(c.person.documents)),
        )
    out.print(table)
    if offset + len(files) < len(matched):
        out.print(
            f"[dim]{len(matched) - offset - len(files)} more: --offset {offset + len(files)}[/dim]"
        )


@app.command()
def diff(
    start: Annotated[int, typer.Option("--from", help="The earlier year covered.")],
    end: Annotated[int, typer.Option("--to", help="The later year covered.")],
    db: DbOption = None,
    country: Annotated[str | None, typer.Option(help="Only reports on this country.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Year over year: new cases, continuing cases (with what the later reports add), cases no longer mentioned."""
    from docket.query.cases import year_diff
    from docket.query.people import people

    try:
        store = open_store(db, create=False)
        result = year_diff(
            people(store), start=start, end=end, country=country, documents=store.list_documents()
        )
    except DocketError as exc:
        _fail(exc)
    if as_json:
        citer = Citer(store)
        from docket.export.serialize import document_dict

        print(
            json.dumps(
                {
                    "from": start,
                    "to": end,
                    "country": country,
                    "compared": {
                        "from": [document_dict(d) for d in result.reports_from],
                        "to": [document_dict(d) for d in result.reports_to],
                    },
                    "warnings": result.warnings,
                    "new": [case_dict(c, citer) for c in result.new],
                    "continuing": [
                        {**case_dict(c, citer), "added": [fact_dict(f, citer) for f in added]}
                        for c, added in result.continuing
                    ],
                    "no_longer_mentioned": [case_dict(c, citer) for c in result.dropped],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    out.print(f"[bold]{start} → {end}[/bold]{' — ' + escape(country) if country else ''}")
    for year, side in ((start, result.reports_from), (end, result.reports_to)):
        listed = (
            "; ".join(f"{d.publisher or 'unknown'}, {d.title or d.file_name}" for d in side)
            or "no report"
        )
        out.print(f"  compared {year}: {escape(listed)}")
    for w in result.warnings:
        out.print(f"  [yellow]warning:[/yellow] {escape(w)}")
    out.print(f"[bold]continuing ({len(result.continuing)})[/bold]")
    for c, added in result.continuing:
        news = "; ".join(f"{f.type} {f.date or ''}".strip() for f in added) or "nothing new"
        out.print(
            f"  {escape(c.person.cluster.canonical)} — {escape(c.status)} — new in {end}: {escape(news)}"
        )
    out.print(f"[bold]new in {end} ({len(result.new)})[/bold]")
    for c in result.new:
        out.print(f"  {escape(c.person.cluster.canonical)} — {escape(c.status)}")
    out.print(f"[bold]no longer mentioned ({len(result.dropped)})[/bold]")
    for c in result.dropped:
        out.print(f"  {escape(c.person.cluster.canonical)} — {escape(c.status)}")


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts: paragraphs by topic × year × publisher, event statements by type and year, charges."""
    from docket.query.cases import case_files
    from docket.query.people import people
    from docket.query.stats import persons_by_status, statistics

    try:
        store = open_store(db, create=False)
        st = statistics(store)
        by_status = persons_by_status(case_files(people(store)))
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(
            json.dumps(
                {
                    "topic_year_publisher": [
                        {"topic": t, "year": y, "publisher": p, "paragraphs": n}
                        for (t, y, p), n in sorted(st.topic_year_publisher.items(), key=str)
                    ],
                    "events_by_type": dict(st.events_by_type.most_common()),
                    "events_by_type_year": [
                        {"type": t, "year": y, "events": n}
                        for (t, y), n in sorted(st.events_by_type_year.items(), key=str)
                    ],
                    "charges": dict(st.charges.most_common()),
                    "persons_by_status": dict(by_status.most_common()),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    years = sorted({y for (_, y, _) in st.topic_year_publisher if y is not None})
    table = Table(title="paragraphs by topic and year")
    table.add_column("topic")
    for y in years:
        table.add_column(str(y), justify="right")
    for topic in sorted({t for (t, _, _) in st.topic_year_publisher}):
        table.add_row(
            topic,
            *(
                str(
                    sum(
                        n
                        for (t, yy, _), n in st.topic_year_publisher.items()
                        if t == topic and yy == y
                    )
                    or ""
                )
                for y in years
            ),
        )
    out.print(table)
    publishers = sorted({p for (_, _, p) in st.topic_year_publisher}, key=lambda p: p or "")
    by_publisher = Table(
        title="topic tags by publisher and year (a paragraph counts once per topic)"
    )
    by_publisher.add_column("publisher")
    for y in years:
        by_publisher.add_column(str(y), justify="right")
    for pub in publishers:
        by_publisher.add_row(
            escape(pub or "unknown"),
            *(
                str(
                    sum(
                        n
                        for (_, yy, pp), n in st.topic_year_publisher.items()
                        if pp == pub and yy == y
                    )
                    or ""
                )
                for y in years
            ),
        )
    out.print(by_publisher)
    event_years = sorted({y for (_, y) in st.events_by_type_year if y is not None})
    by_year = Table(title="event statements by type and year covered")
    by_year.add_column("type")
    for y in event_years:
        by_year.add_column(str(y), justify="right")
    for t, _ in st.events_by_type.most_common():
        by_year.add_row(
            t.replace("_", " "),
            *(str(st.events_by_type_year.get((t, y), "") or "") for y in event_years),
        )
    out.print(by_year)
    out.print(
        "events by type: " + ", ".join(f"{t} {n}" for t, n in st.events_by_type.most_common())
    )
    out.print("persons by status: " + ", ".join(f"{s} {n}" for s, n in by_status.most_common()))
    out.print(
        "most frequent charges: "
        + "; ".join(f"{escape(c)} ({n})" for c, n in st.charges.most_common(10))
    )


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="json | csv | markdown | esf | esf-csv | uwazi | sqlite | ftm."
        ),
    ] = "json",
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File (json, esf, sqlite, ftm) or folder "
            "(csv, markdown, esf-csv, uwazi); default: stdout for json/esf.",
        ),
    ] = None,
    db: DbOption = None,
    person_name: Annotated[
        str | None, typer.Option("--person", help="Only this person (any spelling).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Only reports on this country.")] = None,
    print_schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of the JSON export.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --out: what was written, as JSON on stdout.")
    ] = False,
) -> None:
    """Export case files: JSON (with a published JSON Schema), CSV tables, Markdown dossiers, HURIDOCS ESF (JSON or
    CSV), Uwazi CSV imports, SQLite, FollowTheMoney."""
    import tempfile

    from docket.errors import ExportError
    from docket.export import DIRECTORY_FORMATS, EXPORTERS, FILE_PAIR_FORMATS, collect, schema

    if print_schema:
        print(json.dumps(schema(), ensure_ascii=False, indent=1))
        return
    try:
        if fmt not in EXPORTERS:
            raise ExportError(f"unknown format {fmt!r}", hint="one of " + ", ".join(EXPORTERS))
        if out_path is None and (fmt in DIRECTORY_FORMATS or fmt in FILE_PAIR_FORMATS):
            raise ExportError(f"--format {fmt} writes files", hint="give --out PATH")
        store = open_store(db, create=False)
        data = collect(store, person=person_name, country=country)
        if out_path is None:
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / "export.json"
                EXPORTERS[fmt](data, target)
                sys.stdout.write(target.read_text("utf-8") + "\n")
            return
        written = EXPORTERS[fmt](data, out_path)
    except DocketError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(ExportError(f"cannot write the export: {exc.strerror or exc}", path=str(out_path)))
    if as_json:
        print(
            json.dumps(
                {
                    "files": [str(w) for w in written],
                    "persons": len(data.cases),
                    "documents": len(data.documents),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    err.print(
        f"wrote {len(written)} file{'s' if len(written) != 1 else ''} "
        f"({len(data.cases)} persons, {len(data.documents)} documents): {escape(str(written[0]))}"
        + (" …" if len(written) > 1 else "")
    )

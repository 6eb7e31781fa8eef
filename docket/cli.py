"""The ``docket`` command: a thin shell that parses options, calls the library, formats results."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from docket import __version__
from docket.errors import DocketError
from docket.export.serialize import Citer, case_dict, fact_dict
from docket.models import FileOutcome, IngestReport, SearchFilters
from docket.pipeline import IngestOptions, expand_paths, iter_ingest
from docket.query.search import search as run_search
from docket.store import open_store

app = typer.Typer(
    help="docket: turn human-rights reports into a cross-referenced, cited case database.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="DOCKET_DB", help="Database file (default ./docket.db, or $DOCKET_DB)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _fail(exc: DocketError) -> None:
    err.print(f"[red]error:[/red] {escape(str(exc))}")
    raise typer.Exit(2)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"docket {__version__}")
        raise typer.Exit(0)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or glob patterns.")],
    db: DbOption = None,
    publisher: Annotated[Optional[str], typer.Option(help="Override the publisher of every file.")] = None,
    country: Annotated[Optional[str], typer.Option(help="Override the country of every file.")] = None,
    period: Annotated[Optional[int], typer.Option(help="Override the year the events cover.")] = None,
    title: Annotated[Optional[str], typer.Option(help="Override the title (only sensible for one file).")] = None,
    max_mb: Annotated[float, typer.Option(help="Size limit for text/HTML files, in MB (PDF: 10x).")] = 20.0,
    summary: Annotated[bool, typer.Option("--summary", help="Print the database summary afterwards.")] = False,
    extract_facts: Annotated[bool, typer.Option("--extract/--no-extract",
                                                help="Extract people and events (default) or only store text.")] = True,
    split_books: Annotated[bool, typer.Option("--split-books/--no-split-books",
                                              help="Store a multi-country PDF book as one document per chapter.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds allowed to read one file (0: no limit).")] = 300.0,
    as_json: JsonOption = False,
) -> None:
    """Ingest reports (text, HTML, PDF): each file whole or not at all; bad files are reported, not fatal."""
    explicit = {k: v for k, v in {"publisher": publisher, "country": country, "period": period,
                                  "title": title}.items() if v is not None}
    options = IngestOptions(metadata=explicit, max_text_bytes=int(max_mb * 1024 * 1024),
                            max_pdf_bytes=int(max_mb * 10 * 1024 * 1024), extract=extract_facts,
                            split_books=split_books, read_timeout_s=timeout or None)
    try:
        store = open_store(db)
    except DocketError as exc:
        _fail(exc)
    files = expand_paths(paths)
    outcomes: list[FileOutcome] = []
    if as_json:
        outcomes = list(iter_ingest(store, files, options))
    elif err.is_terminal:
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as progress:
            task = progress.add_task("", total=len(files))
            for f, outcome in zip(files, iter_ingest(store, files, options)):
                progress.update(task, advance=1, description=escape(f.name))
                outcomes.append(outcome)
                if outcome.status == "failed":
                    progress.console.print(f"[red]failed[/red] {escape(outcome.error or '')}")
    else:
        for outcome in iter_ingest(store, files, options):
            outcomes.append(outcome)
            err.print(_outcome_line(outcome))
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        print(json.dumps({"files": [asdict(o) for o in outcomes], "counts": _counts(outcomes)}, indent=1))
    else:
        _print_outcomes(outcomes)
        if summary:
            _print_summary(store)
    store.close()
    if failed:
        raise typer.Exit(1)


def _counts(outcomes: list[FileOutcome]) -> dict[str, int]:
    return IngestReport(outcomes=list(outcomes)).counts()


def _outcome_line(o: FileOutcome) -> str:
    if o.status == "failed":
        return f"failed    {escape(o.error or '')}"
    extra = f" (replaces {o.replaced_id})" if o.replaced_id else ""
    extra += f" ({escape(o.note)})" if o.note else ""
    return f"{o.status:<9} {escape(o.path)} -> {o.document_id}{extra}"


def _print_outcomes(outcomes: list[FileOutcome]) -> None:
    table = Table(title="Ingest", show_lines=False)
    for col in ("file", "status", "document", "sections", "paragraphs", "mentions", "events", "seconds", "detail"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        detail = o.error or o.note or (f"replaces {o.replaced_id}" if o.replaced_id else "")
        style = {"failed": "red", "replaced": "yellow", "added": "green"}.get(o.status, "")
        table.add_row(escape(Path(o.path).name), f"[{style}]{o.status}[/{style}]" if style else o.status,
                      o.document_id or "", str(o.sections or ""), str(o.paragraphs or ""), str(o.mentions or ""),
                      str(o.events or ""), f"{o.seconds:.2f}",
                      escape(detail))
    out.print(table)
    c = _counts(outcomes)
    out.print(", ".join(f"{v} {k}" for k, v in c.items()))


def _print_summary(store) -> None:  # noqa: ANN001 - Store protocol
    docs = store.list_documents()
    table = Table(title=f"docket: {len(docs)} documents")
    for col in ("id", "file", "publisher", "country", "period", "title", "sections", "paragraphs"):
        table.add_column(col, overflow="fold", no_wrap=col in ("id", "period", "sections", "paragraphs"))
    for d in docs:
        table.add_row(d.id, escape(d.file_name), escape(d.publisher or "?"), escape(d.country or "?"),
                      str(d.period or "?"), escape(d.title or ""), str(d.sections), str(d.paragraphs))
    out.print(table)
    counts = store.counts()
    out.print(f"{counts['documents']} documents, {counts['sections']} sections, {counts['paragraphs']} paragraphs, "
              f"{counts['mentions']} person mentions, {counts['events']} event statements")


@app.command()
def summary(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Documents in the database with publisher, period, title, sections and paragraphs."""
    try:
        store = open_store(db)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"documents": [asdict(d) for d in store.list_documents()], "counts": store.counts()},
                         indent=1))
    else:
        _print_summary(store)
    store.close()


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (ANDed), "a phrase", prefix*, -exclude, a OR b.')],
    db: DbOption = None,
    publisher: Annotated[Optional[str], typer.Option(help="Only this publisher (substring).")] = None,
    country: Annotated[Optional[str], typer.Option(help="Only this country.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Only reports covering this year.")] = None,
    section: Annotated[Optional[str], typer.Option(help="Only sections whose heading path contains this.")] = None,
    topic: Annotated[Optional[str], typer.Option(help="Only paragraphs tagged with this topic id (see docs).")] = None,
    limit: Annotated[int, typer.Option(help="Number of hits.")] = 10,
    offset: Annotated[int, typer.Option(help="Skip this many hits (paging).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over paragraphs, ranked by BM25, each hit with its citation."""
    try:
        store = open_store(db)
        hits = run_search(store, query, SearchFilters(publisher, country, year, section, topic), limit=limit, offset=offset)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"query": query, "hits": [asdict(h) for h in hits]}, indent=1))
        return
    if not hits:
        out.print("no hits")
    for i, h in enumerate(hits, start=offset + 1):
        c = h.citation
        line = Text(f"{i}. ", style="bold")
        snippet = Text(h.snippet)
        for a, b in h.highlights:
            snippet.stylize("bold yellow", a, b)
        out.print(line + snippet)
        out.print(f"   [dim]{escape(c.publisher or '?')}, {escape(c.title or '?')} ({c.period or '?'})"
                  f" — {escape(c.section or '(no section)')} — {c.paragraph_id} [{c.start}:{c.end}]"
                  f"{' — ' + ', '.join(h.topics) if h.topics else ''}[/dim]")


@app.command()
def show(
    document_id: Annotated[str, typer.Argument(help="Document id, or a paragraph id DOC:pN.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a document's structure, or one paragraph with its citation."""
    doc_id, _, para = document_id.partition(":p")
    try:
        store = open_store(db)
    except DocketError as exc:
        _fail(exc)
    doc = store.get_document(doc_id)
    if doc is None:
        err.print(f"[red]error:[/red] no document {escape(doc_id)} (see `docket summary`)")
        raise typer.Exit(2)
    if para:
        if not para.isdigit() or int(para) >= len(doc.paragraphs):
            err.print(f"[red]error:[/red] {escape(doc_id)} has paragraphs p0..p{len(doc.paragraphs) - 1}")
            raise typer.Exit(2)
        p = doc.paragraphs[int(para)]
        sec = doc.sections[p.section].path if p.section is not None else ()
        if as_json:
            print(json.dumps({"paragraph_id": p.pid(doc.id), "section": list(sec), **asdict(p)}, indent=1))
        else:
            out.print(f"[bold]{p.pid(doc.id)}[/bold] — {escape(' > '.join(sec) or '(no section)')} "
                      f"[{p.start}:{p.end}]")
            out.print(escape(p.text))
        return
    if as_json:
        d = asdict(doc)
        d.pop("text")
        print(json.dumps(d, indent=1))
        return
    m = doc.metadata
    out.print(f"[bold]{escape(m.title or doc.file_name)}[/bold]")
    out.print(f"{escape(m.publisher or '?')} · {escape(m.country or '?')} · events of {m.period or '?'} · "
              f"{doc.format} · {len(doc.sections)} sections · {len(doc.paragraphs)} paragraphs")
    for s in doc.sections:
        n = sum(1 for p in doc.paragraphs if p.section == s.ordinal)
        out.print(f"{'  ' * (s.level - 1)}- {escape(s.heading)} [dim]({n} paragraphs)[/dim]")


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="Report files or folders (no database needed).")],
    workers: Annotated[int, typer.Option(help="Local processes for per-document extraction.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Extract people and events from reports; --json prints the gold-shaped JSON (documents, persons, events)."""
    from docket.extract import extract_documents
    from docket.pipeline import load_documents

    docs, failed = [], 0
    for f in expand_paths(files):
        try:
            docs.extend(load_documents(f)[0])  # a book: one document per country chapter
        except DocketError as exc:
            err.print(f"[red]failed[/red] {escape(str(exc))}")
            failed += 1
    try:
        result = extract_documents(docs, workers=max(1, workers))
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        table = Table(title=f"{len(result['persons'])} persons in {len(docs)} documents")
        for col in ("person", "forms", "files"):
            table.add_column(col, overflow="fold")
        for p in result["persons"]:
            table.add_row(escape(p["canonical"]), escape(", ".join(p["variants"])), ", ".join(p["mentions"]))
        out.print(table)
    if failed:
        raise typer.Exit(1)


_EVAL_ROWS = [
    ("person mentions P", ("mentions", "p")), ("person mentions R", ("mentions", "r")),
    ("person mentions F1", ("mentions", "f1")), ("person-file recall", ("person_file_recall",)),
    ("linking pairwise P", ("resolution", "p")), ("linking pairwise R", ("resolution", "r")),
    ("linking pairwise F1", ("resolution", "f1")), ("linking B-cubed F1", ("resolution", "bcubed_f1")),
    ("hard-negative merges", ("resolution", "hard_negative_merges")),
    ("person side accuracy", ("person_side_acc",)),
    ("events P", ("events", "p")), ("events R", ("events", "r")), ("events F1", ("events", "f1")),
    ("event date accuracy", ("events", "date_acc")), ("event sanction accuracy", ("events", "sanction_acc")),
    ("event charge accuracy", ("events", "charge_acc")),
    ("event place accuracy", ("events", "place_acc")),
    ("documents publisher", ("documents", "publisher")), ("documents country", ("documents", "country")),
    ("documents period", ("documents", "period")), ("documents title", ("documents", "title")),
]


def _metric(scores: dict, path: tuple[str, ...]) -> str:
    value = scores
    for key in path:
        value = value.get(key, 0) if isinstance(value, dict) else 0
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Option(help="Gold directory (documents.json, persons.json, events.jsonl).")],
    reports: Annotated[Path, typer.Option(help="Folder with the reports the gold annotates.")],
    as_json: JsonOption = False,
) -> None:
    """Precision/recall/F1 against gold annotations, beside a spaCy-only baseline from the same run."""
    from docket.evaluate import fuzzy_linking_baseline, load_gold, place_accuracy, score, side_accuracy, spacy_baseline
    from docket.extract import extract_documents
    from docket.pipeline import load_document

    try:
        g = load_gold(gold)
        docs = [load_document(reports / d["file"]) for d in g["documents"]]
        prediction, baseline = extract_documents(docs), spacy_baseline(docs)
        ours, base = score(g, prediction), score(g, baseline)
        fuzzy = score(g, fuzzy_linking_baseline(prediction))
        ours["person_side_acc"] = side_accuracy(g, prediction)
        base["person_side_acc"] = side_accuracy(g, baseline)
        ours["events"]["place_acc"] = place_accuracy(g, prediction)
        base["events"]["place_acc"] = place_accuracy(g, baseline)
    except (DocketError, OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps({"docket": ours, "baseline": base, "fuzzy_linking_baseline": fuzzy}, indent=1))
        return
    table = Table(title=f"docket eval: {len(docs)} documents vs {gold}")
    for col in ("metric", "docket", "spaCy baseline", "rapidfuzz linking"):
        table.add_column(col, no_wrap=True)
    for label, path in _EVAL_ROWS:
        linking = path[0] == "resolution"
        table.add_row(label, *(_metric(s, path) for s in (ours, base)), _metric(fuzzy, path) if linking else "")
    out.print(table)


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
        store = open_store(db)
        records = people(store)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps([{**person_dict(p), "events": len(p.events)} for p in records[:limit]], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(records)} persons")
    for col in ("id", "name", "role", "side", "spellings", "documents", "events", "last event"):
        table.add_column(col, overflow="fold")
    for p in records[:limit]:
        last = p.events[-1][1] if p.events else None
        table.add_row(p.cluster.id, escape(p.cluster.canonical), escape(p.role or ""), p.side,
                      escape(", ".join(p.cluster.forms)),
                      str(len(p.documents)), str(len(p.events)),
                      f"{last.type} {last.date or ''}" if last else "")
    out.print(table)


@app.command()
def person(
    name: Annotated[str, typer.Argument(help="A name, any spelling or part of it, or a person id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One person's case file: status, a timeline of facts with their sources, and conflicts between sources."""
    from docket.query.cases import case_file, sanction_text
    from docket.query.people import find_person

    try:
        store = open_store(db)
        hits = find_person(store, name)
    except DocketError as exc:
        _fail(exc)
    if not hits:
        err.print(f"[red]error:[/red] nobody called {escape(name)!r} (see `docket people`)")
        raise typer.Exit(2)
    cases = [case_file(p) for p in hits]
    if as_json:
        citer = Citer(store)
        print(json.dumps([case_dict(c, citer) for c in cases], ensure_ascii=False, indent=1))
        return
    for c in cases:
        p = c.person
        out.print(f"[bold]{escape(p.cluster.canonical)}[/bold] ({p.cluster.id}) — {escape(p.role or 'no role stated')}, "
                  f"side: {p.side} — {len(p.documents)} documents, {len(c.facts)} facts")
        out.print("spellings: " + escape(", ".join(p.cluster.forms)))
        out.print(f"[bold]status:[/bold] {escape(c.status)}")
        for f in c.facts:
            sanction = f" ({sanction_text(f.sanction)})" if f.sanction else ""
            charge = f" — {f.charge}" if f.charge else ""
            place = f" in {f.place}" if f.place else ""
            sources = f"{len(f.publishers)} publisher{'s' if len(f.publishers) > 1 else ''}"
            out.print(f"  {f.date or '(no date)':<10} [bold]{f.type}[/bold]{escape(sanction)}{escape(charge)}"
                      f"{escape(place)} [green]({sources})[/green]")
            for d, e in f.statements:
                out.print(f"      [dim]{escape(d.publisher or '?')}, {escape(d.title or '?')} — {d.id}:p{e.paragraph} "
                          f"[{e.start}:{e.end}][/dim] “{escape(e.quote[:150])}”")
        for x in c.conflicts:
            out.print(f"  [yellow]conflict ({x.kind}):[/yellow] {escape(x.detail)}")
            for side in (x.a, x.b):
                if side:
                    d, e = side
                    out.print(f"      [dim]{escape(d.publisher or '?')} — {d.id}:p{e.paragraph}[/dim] “{escape(e.quote[:150])}”")


@app.command()
def cases(
    db: DbOption = None,
    country: Annotated[Optional[str], typer.Option(help="Only persons named in reports on this country.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Only persons named in reports covering this year.")] = None,
    publisher: Annotated[Optional[str], typer.Option(help="Only persons named by this publisher (substring).")] = None,
    status: Annotated[Optional[str], typer.Option(help="Only statuses containing this (e.g. imprisoned).")] = None,
    topic: Annotated[Optional[str], typer.Option(help="Only persons named in paragraphs on this topic id.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Persons with their status, number of facts and sources, and last report."""
    from docket.query.cases import CaseFilter, select_cases
    from docket.query.people import people

    try:
        store = open_store(db)
        where = CaseFilter(country=country, year=year, publisher=publisher, status=status, topic=topic)
        files = select_cases(people(store), where, store.paragraph_topics)[:limit]
    except DocketError as exc:
        _fail(exc)
    if as_json:
        citer = Citer(store)
        print(json.dumps([case_dict(c, citer) for c in files], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(files)} cases")
    for col in ("person", "side", "status", "facts", "publishers", "documents"):
        table.add_column(col, overflow="fold")
    for c in files:
        pubs = {pub for f in c.facts for pub in f.publishers}
        table.add_row(escape(c.person.cluster.canonical), c.person.side, escape(c.status), str(len(c.facts)),
                      str(len(pubs)), str(len(c.person.documents)))
    out.print(table)


@app.command()
def diff(
    start: Annotated[int, typer.Option("--from", help="The earlier year covered.")],
    end: Annotated[int, typer.Option("--to", help="The later year covered.")],
    db: DbOption = None,
    country: Annotated[Optional[str], typer.Option(help="Only reports on this country.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Year over year: new cases, continuing cases (with what the later reports add), cases no longer mentioned."""
    from docket.query.cases import year_diff
    from docket.query.people import people

    try:
        store = open_store(db)
        result = year_diff(people(store), start=start, end=end, country=country)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        citer = Citer(store)
        print(json.dumps({"new": [case_dict(c, citer) for c in result.new],
                          "continuing": [{**case_dict(c, citer), "added": [fact_dict(f, citer) for f in added]}
                                         for c, added in result.continuing],
                          "no_longer_mentioned": [case_dict(c, citer) for c in result.dropped]},
                         ensure_ascii=False, indent=1))
        return
    out.print(f"[bold]{start} → {end}[/bold]{' — ' + escape(country) if country else ''}")
    out.print(f"[bold]continuing ({len(result.continuing)})[/bold]")
    for c, added in result.continuing:
        news = "; ".join(f"{f.type} {f.date or ''}".strip() for f in added) or "nothing new"
        out.print(f"  {escape(c.person.cluster.canonical)} — {escape(c.status)} — new in {end}: {escape(news)}")
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
        store = open_store(db)
        st = statistics(store)
        by_status = persons_by_status(case_files(people(store)))
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({
            "topic_year_publisher": [{"topic": t, "year": y, "publisher": p, "paragraphs": n}
                                     for (t, y, p), n in sorted(st.topic_year_publisher.items(), key=str)],
            "events_by_type": dict(st.events_by_type.most_common()),
            "events_by_type_year": [{"type": t, "year": y, "events": n}
                                    for (t, y), n in sorted(st.events_by_type_year.items(), key=str)],
            "charges": dict(st.charges.most_common()),
            "persons_by_status": dict(by_status.most_common()),
        }, ensure_ascii=False, indent=1))
        return
    years = sorted({y for (_, y, _) in st.topic_year_publisher if y is not None})
    table = Table(title="paragraphs by topic and year")
    table.add_column("topic")
    for y in years:
        table.add_column(str(y), justify="right")
    for topic in sorted({t for (t, _, _) in st.topic_year_publisher}):
        table.add_row(topic, *(str(sum(n for (t, yy, _), n in st.topic_year_publisher.items() if t == topic and yy == y)
                                   or "") for y in years))
    out.print(table)
    out.print("events by type: " + ", ".join(f"{t} {n}" for t, n in st.events_by_type.most_common()))
    out.print("persons by status: " + ", ".join(f"{s} {n}" for s, n in by_status.most_common()))
    out.print("most frequent charges: " + "; ".join(f"{escape(c)} ({n})" for c, n in st.charges.most_common(10)))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | csv | markdown | esf | sqlite.")] = "json",
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="File (json, esf, sqlite) or folder "
                                                     "(csv, markdown); default: stdout for json/esf.")] = None,
    db: DbOption = None,
    person_name: Annotated[Optional[str], typer.Option("--person", help="Only this person (any spelling).")] = None,
    country: Annotated[Optional[str], typer.Option(help="Only reports on this country.")] = None,
    print_schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of the JSON export.")] = False,
) -> None:
    """Export case files: JSON (with a published JSON Schema), CSV tables, Markdown dossiers, ESF events, SQLite."""
    import tempfile

    from docket.export import DIRECTORY_FORMATS, EXPORTERS, collect, schema
    from docket.errors import ExportError

    if print_schema:
        print(json.dumps(schema(), ensure_ascii=False, indent=1))
        return
    try:
        if fmt not in EXPORTERS:
            raise ExportError(f"unknown format {fmt!r}", hint="one of " + ", ".join(EXPORTERS))
        if out_path is None and (fmt in DIRECTORY_FORMATS or fmt == "sqlite"):
            raise ExportError(f"--format {fmt} writes files", hint="give --out PATH")
        store = open_store(db)
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
    err.print(f"wrote {len(written)} file{'s' if len(written) != 1 else ''} "
              f"({len(data.cases)} persons, {len(data.documents)} documents): {escape(str(written[0]))}"
              + (" …" if len(written) > 1 else ""))


def _curate(action: str, name_a: str, name_b: str, db: str | None, who: str | None, why: str | None) -> None:
    from docket.query.people import find_person
    from docket.resolve.curate import record

    try:
        store = open_store(db)
        for name in (name_a, name_b):
            if not find_person(store, name):
                err.print(f"[red]error:[/red] nobody called {escape(name)!r} in the database (see `docket people`)")
                raise typer.Exit(2)
        entry = record(store, action, name_a, name_b, who=who, why=why)
    except DocketError as exc:
        _fail(exc)
    out.print(f"{entry.action} #{entry.id}: {escape(entry.name_a)!r} and {escape(entry.name_b)!r} "
              f"by {escape(entry.who)} at {entry.at}" + (f" — {escape(entry.why)}" if entry.why else ""))


WhoOption = Annotated[Optional[str], typer.Option(help="Curator name (default $DOCKET_USER or login).")]
WhyOption = Annotated[Optional[str], typer.Option(help="Reason, kept in the audit log.")]


@app.command()
def merge(
    name_a: Annotated[str, typer.Argument(help="A full name as printed in a report.")],
    name_b: Annotated[str, typer.Argument(help="Another full name of the same person.")],
    db: DbOption = None, who: WhoOption = None, why: WhyOption = None,
) -> None:
    """Curate: the two names are one person (kept across re-ingest; automatic linking never undoes it)."""
    _curate("merge", name_a, name_b, db, who, why)


@app.command()
def split(
    name_a: Annotated[str, typer.Argument(help="A full name as printed in a report.")],
    name_b: Annotated[str, typer.Argument(help="A full name of a different person.")],
    db: DbOption = None, who: WhoOption = None, why: WhyOption = None,
) -> None:
    """Curate: the two names are different people, never to be linked (kept across re-ingest)."""
    _curate("split", name_a, name_b, db, who, why)


@app.command()
def explain(
    name: Annotated[str, typer.Argument(help="A name, any spelling or part of it, or a person id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why the names of a person were linked: the comparison levels that fired, and curated decisions."""
    from docket.query.people import find_person

    try:
        store = open_store(db)
        hits = find_person(store, name)
        log = store.curation_log()
    except DocketError as exc:
        _fail(exc)
    if not hits:
        err.print(f"[red]error:[/red] nobody called {escape(name)!r} (see `docket people`)")
        raise typer.Exit(2)
    if as_json:
        print(json.dumps([{"id": p.cluster.id, "variants": p.cluster.forms,
                           "links": [asdict(link) for link in dict.fromkeys(p.cluster.links)],
                           "curation": [asdict(e) for e in log if {e.name_a, e.name_b} & set(p.cluster.forms)]}
                          for p in hits], ensure_ascii=False, indent=1))
        return
    for p in hits:
        out.print(f"[bold]{escape(p.cluster.canonical)}[/bold] ({p.cluster.id}): " + escape(", ".join(p.cluster.forms)))
        for link in dict.fromkeys(p.cluster.links):
            out.print(f"  {escape(link.a)!r} ~ {escape(link.b)!r} score {link.score:.2f}: " + escape("; ".join(link.levels)))
        if len(p.cluster.forms) == 1:
            out.print("  (one spelling, nothing linked)")
        for e in log:
            if {e.name_a, e.name_b} & set(p.cluster.forms):
                out.print(f"  curated {e.action} #{e.id} {escape(e.name_a)!r} / {escape(e.name_b)!r} by {escape(e.who)}"
                          f" at {e.at}" + (f": {escape(e.why)}" if e.why else ""))


@app.command()
def orgs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many organisations.")] = 40,
    as_json: JsonOption = False,
) -> None:
    """Organisations named in the reports, linked across spellings and acronyms."""
    from docket.resolve.orgs import link_organisations

    try:
        store = open_store(db)
        entities = [e for d in store.list_documents() for e in store.document_entities(d.id)]
    except DocketError as exc:
        _fail(exc)
    clusters = link_organisations(entities)[:limit]
    if as_json:
        print(json.dumps([{"name": c.name, "forms": dict(c.forms), "documents": sorted(c.documents)} for c in clusters],
                         ensure_ascii=False, indent=1))
        return
    table = Table(title="organisations")
    for col in ("name", "spellings", "documents", "mentions"):
        table.add_column(col, overflow="fold")
    for c in clusters:
        table.add_row(escape(c.name), escape(", ".join(c.forms)), str(len(c.documents)), str(sum(c.forms.values())))
    out.print(table)


@app.command("split-book")
def split_book_(
    path: Annotated[Path, typer.Argument(help="A PDF book with many country chapters (e.g. an Amnesty annual report).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for one text file per chapter and MANIFEST.tsv.")],
    publisher: Annotated[Optional[str], typer.Option(help="Override the publisher.")] = None,
    period: Annotated[Optional[int], typer.Option(help="Override the year the events cover.")] = None,
) -> None:
    """Split a multi-country report book into one text file per country chapter, with a MANIFEST.tsv."""
    from docket.pipeline import split_book_file

    explicit = {k: v for k, v in {"publisher": publisher, "period": period}.items() if v is not None}
    try:
        book, files = split_book_file(path, out_dir, IngestOptions(metadata=explicit))
    except DocketError as exc:
        _fail(exc)
    out.print(f"{len(book.chapters)} country chapters, edition {book.edition} (events of {book.period}) → "
              f"{escape(str(out_dir))}/ ({len(files) - 1} files and MANIFEST.tsv)")
    for label, a, b in book.skipped:
        out.print(f"  not a chapter: {escape(label)} (pages {a}–{b})")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (each keeps its own caches).")] = 1,
) -> None:
    """The web UI and JSON API (/api/v1, docs at /api/docs). Curation needs $DOCKET_TOKEN; without it, read-only."""
    import os
    import secrets

    import uvicorn

    from docket.web.settings import Settings

    settings = Settings.from_env(db)
    try:
        open_store(settings.db).close()
    except DocketError as exc:
        _fail(exc)
    # the worker processes build the app from the environment: one database, one session secret
    os.environ["DOCKET_DB"] = settings.db
    os.environ.setdefault("DOCKET_SECRET", secrets.token_urlsafe(32))
    err.print(f"docket serving {escape(settings.db)} on http://{host}:{port}/ "
              + ("(curation enabled)" if settings.token else "(read-only: set DOCKET_TOKEN to curate)"))
    uvicorn.run("docket.web:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

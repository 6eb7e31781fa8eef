"""Commands on documents: ingest, summary, search, show, extract, eval, split-book."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from docket.cli import DbOption, JsonOption, _fail, app, err, out, shown
from docket.errors import DocketError
from docket.models import FileOutcome, IngestReport, SearchFilters
from docket.numbers import parse_int
from docket.parallel import default_workers
from docket.pipeline import IngestOptions, expand_paths, iter_ingest
from docket.store import Store, open_store


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders (recursive) or glob patterns.")
    ],
    db: DbOption = None,
    publisher: Annotated[
        str | None, typer.Option(help="Override the publisher of every file.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Override the country of every file.")] = None,
    period: Annotated[int | None, typer.Option(help="Override the year the events cover.")] = None,
    title: Annotated[
        str | None, typer.Option(help="Override the title (only sensible for one file).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="The report's source URL, for citations (one file).")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Its publication date, YYYY[-MM[-DD]].")
    ] = None,
    accessed: Annotated[str | None, typer.Option(help="When it was retrieved, YYYY-MM-DD.")] = None,
    language: Annotated[
        str | None,
        typer.Option(
            help="The language of every file (a code or a name: ru, "
            "Kazakh); default: detected from the text."
        ),
    ] = None,
    max_mb: Annotated[
        float, typer.Option(help="Size limit for text/HTML files, in MB (PDF: 10x).")
    ] = 20.0,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the database summary afterwards.")
    ] = False,
    extract_facts: Annotated[
        bool,
        typer.Option(
            "--extract/--no-extract", help="Extract people and events (default) or only store text."
        ),
    ] = True,
    split_books: Annotated[
        bool,
        typer.Option(
            "--split-books/--no-split-books",
            help="Store a multi-country PDF book as one document per chapter.",
        ),
    ] = True,
    timeout: Annotated[
        float,
        typer.Option(
            help="Seconds allowed to read one file, and to extract each of its documents (0: no limit)."
        ),
    ] = 300.0,
    max_memory_mb: Annotated[
        int,
        typer.Option(
            help="Memory reading one file, or extracting one document, may take, in MB (0: no cap)."
        ),
    ] = 2048,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Local processes reading and extracting in parallel (default: one per core).",
            min=1,
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Extract on the Dask cluster whose scheduler listens here, e.g. tcp://scheduler:8786."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest reports (text, HTML, PDF): each file whole or not at all; bad files are reported, not fatal."""
    explicit: dict[str, object] = {
        k: v
        for k, v in {
            "publisher": publisher,
            "country": country,
            "period": period,
            "title": title,
            "url": url,
            "published": published,
            "accessed": accessed,
            "language": language,
        }.items()
        if v is not None
    }
    options = IngestOptions(
        metadata=explicit,
        max_text_bytes=int(max_mb * 1024 * 1024),
        max_pdf_bytes=int(max_mb * 10 * 1024 * 1024),
        extract=extract_facts,
        split_books=split_books,
        read_timeout_s=timeout or None,
        read_memory_mb=max_memory_mb or None,
    )
    try:
        store = open_store(db)
    except DocketError as exc:
        _fail(exc)
    files = expand_paths(paths)
    run = partial(
        iter_ingest,
        store,
        files,
        options,
        workers=workers or default_workers(),
        cluster=cluster,
        isolate=True,
    )  # even one file is read in a supervised process: its limits hold
    outcomes: list[FileOutcome] = []
    try:
        _run_ingest(run, files, outcomes, as_json)
    except DocketError as exc:
        store.close()
        err.print(
            f"stopped after {len(outcomes)} of {len(files)} files "
            f"({sum(o.status in ('added', 'replaced') for o in outcomes)} stored)"
        )
        _fail(exc)
    if any(o.status in ("added", "replaced") for o in outcomes):
        store.refresh_search_index()
        from docket.query.people import store_resolution

        try:  # persons seen for the first time get their ids now, by the writer, and the persons are stored
            store_resolution(store)
        except (
            DocketError
        ) as exc:  # the documents are stored; the ids will be given on the next read
            err.print(f"[yellow]warning:[/yellow] persons not stored yet: {escape(str(exc))}")
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        print(
            json.dumps(
                {"files": [asdict(o) for o in outcomes], "counts": _counts(outcomes)}, indent=1
            )
        )
    else:
        _print_outcomes(outcomes)
        if summary:
            _print_summary(store)
    store.close()
    if failed:
        raise typer.Exit(1)


def _run_ingest(
    run: Callable[[], Iterator[FileOutcome]],
    files: list[Path],
    outcomes: list[FileOutcome],
    as_json: bool,
) -> None:
    """Collect the outcomes of ``run`` into ``outcomes``, with a progress bar on a terminal."""
    if as_json:
        outcomes.extend(run())
    elif err.is_terminal:
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(files))
            for f, outcome in zip(files, run()):
                progress.update(task, advance=1, description=shown(f.name))
                outcomes.append(outcome)
                if outcome.status == "failed":
                    progress.console.print(f"[red]failed[/red] {shown(outcome.error or '')}")
    else:
        for outcome in run():
            outcomes.append(outcome)
            err.print(_outcome_line(outcome))


def _counts(outcomes: list[FileOutcome]) -> dict[str, int]:
    return IngestReport(outcomes=list(outcomes)).counts()


def _outcome_line(o: FileOutcome) -> str:
    if o.status == "failed":
        return f"failed    {shown(o.error or '')}"
    extra = f" (replaces {o.replaced_id})" if o.replaced_id else ""
    extra += f" ({shown(o.note)})" if o.note else ""
    return f"{o.status:<9} {shown(o.path)} -> {o.document_id}{extra}"


def _print_outcomes(outcomes: list[FileOutcome]) -> None:
    table = Table(title="Ingest", show_lines=False)
    for col in (
        "file",
        "status",
        "document",
        "sections",
        "paragraphs",
        "mentions",
        "events",
        "seconds",
        "detail",
    ):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        detail = o.error or o.note or (f"replaces {o.replaced_id}" if o.replaced_id else "")
        style = {"failed": "red", "replaced": "yellow", "added": "green"}.get(o.status, "")
        table.add_row(
            shown(Path(o.path).name),
            f"[{style}]{o.status}[/{style}]" if style else o.status,
            o.document_id or "",
            str(o.sections or ""),
            str(o.paragraphs or ""),
            str(o.mentions or ""),
            str(o.events or ""),
            f"{o.seconds:.2f}",
            shown(detail),
        )
    out.print(table)
    c = _counts(outcomes)
    out.print(", ".join(f"{v} {k}" for k, v in c.items()))


def _print_summary(store: Store) -> None:
    docs = store.list_documents()
    table = Table(title=f"docket: {len(docs)} documents")
    for col in (
        "id",
        "file",
        "publisher",
        "country",
        "period",
        "lang",
        "title",
        "paras",
    ):  # sections: --json
        table.add_column(col, overflow="fold", no_wrap=col in ("id", "period", "lang", "paras"))
    for d in docs:
        table.add_row(
            d.id,
            shown(d.file_name),
            shown(d.publisher or "?"),
            shown(d.country or "?"),
            str(d.period or "?"),
            d.language or "?",
            shown(d.title or ""),
            str(d.paragraphs),
        )
    out.print(table)
    counts = store.counts()
    out.print(
        f"{counts['documents']} documents, {counts['sections']} sections, {counts['paragraphs']} paragraphs, "
        f"{counts['mentions']} person mentions, {counts['events']} event statements"
    )


@app.command()
def summary(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Documents in the database with publisher, country, period, language, title and paragraphs."""
    try:
        store = open_store(db, create=False)
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(
            json.dumps(
                {
                    "documents": [asdict(d) for d in store.list_documents()],
                    "counts": store.counts(),
                },
                indent=1,
            )
        )
    else:
        _print_summary(store)
    store.close()


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help='Words (ANDed), "a phrase", prefix*, -exclude, a OR b.')
    ],
    db: DbOption = None,
    publisher: Annotated[str | None, typer.Option(help="Only this publisher (substring).")] = None,
    country: Annotated[str | None, typer.Option(help="Only this country.")] = None,
    year: Annotated[int | None, typer.Option(help="Only reports covering this year.")] = None,
    year_from: Annotated[
        int | None, typer.Option(help="Only reports covering this year or later.")
    ] = None,
    year_to: Annotated[
        int | None, typer.Option(help="Only reports covering this year or earlier.")
    ] = None,
    section: Annotated[
        str | None, typer.Option(help="Only sections whose heading path contains this.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option(help="Only paragraphs tagged with this topic id (see docs).")
    ] = None,
    sort: Annotated[
        str, typer.Option(help="relevance (BM25), newest or oldest (the year a report covers).")
    ] = "relevance",
    limit: Annotated[int, typer.Option(help="Number of hits.", min=1, max=1000)] = 10,
    offset: Annotated[
        int, typer.Option(help="Skip this many hits (paging).", min=0, max=1_000_000)
    ] = 0,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact", help="Search only the spelling typed, not a person's linked spellings."
        ),
    ] = False,
    every_copy: Annotated[
        bool,
        typer.Option(
            "--every-copy",
            help="Show each paragraph with the same text as its own hit (by default they are "
            "folded into the first).",
        ),
    ] = False,
    facets: Annotated[
        bool,
        typer.Option("--facets", help="Also count the hits per publisher, country, year, topic."),
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Print whole paragraphs, not snippets.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over paragraphs, ranked by BM25 (or by date), each hit with its citation;
    a person's name also finds the person's other spellings (--exact: only what was typed), and
    the same passage printed in several reports is one hit that names the others."""
    from docket.export.serialize import search_page_dict
    from docket.query.search import find

    try:
        store = open_store(db, create=False)
        filters = SearchFilters(
            publisher, country, year, section, topic, year_from=year_from, year_to=year_to
        )
        page = find(
            store,
            query,
            filters,
            limit=limit,
            offset=offset,
            sort=sort,  # type: ignore[arg-type]  # checked by find
            exact=exact,
            fold=not every_copy,
            facets=facets,
        )
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(search_page_dict(page), ensure_ascii=False, indent=1))
        return
    total, hits = page.total, page.hits
    if page.spellings:
        err.print(
            f"also searched the linked spellings {escape(', '.join(page.spellings))} "
            f"({', '.join(page.persons)}; --exact for only {escape(query)!r})"
        )
    if not hits:
        out.print(
            "no hits" if not total.paragraphs else f"no hits past {offset} (of {total.paragraphs})"
        )
    else:
        out.print(
            f"[bold]{total.paragraphs}[/bold] paragraph{'s' if total.paragraphs != 1 else ''} in "
            f"[bold]{total.documents}[/bold] document{'s' if total.documents != 1 else ''}; "
            f"showing {offset + 1}–{offset + len(hits)}"
            + ("" if page.more else " (the last)")
            + (
                f"; {page.folded} repeated passage{'s' if page.folded != 1 else ''} folded"
                if page.folded
                else ""
            )
        )
    for i, h in enumerate(hits, start=offset + 1):
        c = h.citation
        line = Text(f"{i}. ", style="bold")
        if full:
            out.print(line + Text(h.text))
        else:
            snippet = Text(h.snippet)
            for a, b in h.highlights:
                snippet.stylize("bold yellow", a, b)
            out.print(line + snippet)
        out.print(
            f"   [dim]{escape(c.publisher or '?')}, {escape(c.title or '?')} ({c.period or '?'})"
            f" — {escape(c.section or '(no section)')} — {c.paragraph_id} [{c.start}:{c.end}]"
            f"{' — ' + ', '.join(h.topics) if h.topics else ''}[/dim]"
        )
        if h.also:
            shown = ", ".join(f"{x.paragraph_id} ({x.period or '?'})" for x in h.also[:5])
            more = f" and {len(h.also) - 5} more" if len(h.also) > 5 else ""
            out.print(f"   [dim]same text also at {escape(shown)}{more}[/dim]")
    if page.facets:
        for name, values in page.facets.items():
            counted = [v for v in values if v.paragraphs]
            if counted:
                out.print(
                    f"[bold]{name}[/bold]: "
                    + escape(", ".join(f"{v.label} {v.paragraphs}" for v in counted))
                )


@app.command()
def show(
    document_id: Annotated[str, typer.Argument(help="Document id, or a paragraph id DOC:pN.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a document's structure, or one paragraph with its citation."""
    doc_id, _, para = document_id.partition(":p")
    try:
        store = open_store(db, create=False)
    except DocketError as exc:
        _fail(exc)
    doc = store.get_document(doc_id)
    if doc is None:
        err.print(f"[red]error:[/red] no document {escape(doc_id)} (see `docket summary`)")
        raise typer.Exit(2)
    if para:
        try:
            number = parse_int(para, name="the paragraph number")
        except DocketError:
            number = None
        if number is None or number >= len(doc.paragraphs):
            err.print(
                f"[red]error:[/red] {escape(doc_id)} has paragraphs p0..p{len(doc.paragraphs) - 1}"
            )
            raise typer.Exit(2)
        p = doc.paragraphs[number]
        sec = doc.sections[p.section].path if p.section is not None else ()
        if as_json:
            print(
                json.dumps(
                    {"paragraph_id": p.pid(doc.id), "section": list(sec), **asdict(p)}, indent=1
                )
            )
        else:
            out.print(
                f"[bold]{p.pid(doc.id)}[/bold] — {escape(' > '.join(sec) or '(no section)')} "
                f"[{p.start}:{p.end}]"
            )
            out.print(escape(p.text))
        return
    if as_json:
        d = asdict(doc)
        d.pop("text")
        print(json.dumps(d, indent=1))
        return
    m = doc.metadata
    out.print(f"[bold]{escape(m.title or doc.file_name)}[/bold]")
    out.print(
        f"{escape(m.publisher or '?')} · {escape(m.country or '?')} · events of {m.period or '?'} · "
        f"{doc.format} · {len(doc.sections)} sections · {len(doc.paragraphs)} paragraphs"
    )
    for s in doc.sections:
        n = sum(1 for p in doc.paragraphs if p.section == s.ordinal)
        out.print(f"{'  ' * (s.level - 1)}- {escape(s.heading)} [dim]({n} paragraphs)[/dim]")


@app.command()
def extract(
    files: Annotated[
        list[str], typer.Argument(help="Report files or folders (no database needed).")
    ],
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
            table.add_row(
                escape(p["canonical"]), escape(", ".join(p["variants"])), ", ".join(p["mentions"])
            )
        out.print(table)
    if failed:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: Annotated[
        list[Path],
        typer.Option(
            help="A gold directory (documents.json, persons.json, events.jsonl); "
            "repeat for several sets."
        ),
    ],
    reports: Annotated[
        list[Path] | None,
        typer.Option(
            help="Folders with the reports the gold annotates (searched by file name, recursively; repeatable). "
            "Default: ../seeds and ../corpus/* beside the gold's parent folder."
        ),
    ] = None,
    ablation: Annotated[
        bool, typer.Option(help="Also score with each switchable component off in turn.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Precision/recall/F1 per gold set and pooled, per publisher, beside a spaCy-only baseline from the same run."""
    from dataclasses import asdict

    from docket.evalsets import evaluate_sets

    try:
        report = evaluate_sets(gold, reports or [], ablation=ablation)
    except (DocketError, OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(asdict(report), indent=1))
        return
    for title, rows in (
        ("docket", [*report.sets, report.pooled]),
        (
            "spaCy-only baseline (PERSON entities, exact-string linking, no events)",
            [*report.baseline, report.baseline_pooled],
        ),
        ("docket by publisher family (pooled over the sets)", report.publishers),
        (
            "docket by report language (pooled over the sets)",
            report.languages if len(report.languages) > 1 else [],
        ),
        ("ablation: pooled, one component off", [r for _, r in report.ablation]),
    ):
        if not rows:
            continue
        table = Table(title=title)
        for col in (
            "set",
            "docs",
            "mentions F1 (P/R)",
            "events F1 (P/R)",
            "date",
            "sanction",
            "charge",
            "linking F1",
            "hard-neg. merges",
        ):
            table.add_column(col, no_wrap=True)
        names = (
            [n for n, _ in report.ablation]
            if rows and rows[0] is (report.ablation[0][1] if report.ablation else None)
            else None
        )
        for i, r in enumerate(rows):
            m, e = r.mentions, r.events
            label = f"without {names[i]}" if names else r.name
            table.add_row(
                label,
                str(r.documents),
                f"{m['f1']:.3f} ({m['p']:.2f}/{m['r']:.2f})",
                f"{e['f1']:.3f} ({e['p']:.2f}/{e['r']:.2f})",
                f"{r.date_acc:.2f}",
                f"{r.sanction_acc:.2f}",
                f"{r.charge_acc:.2f}",
                f"{r.linking['f1']:.3f}",
                str(r.hard_negative_merges),
            )
        out.print(table)
    if len(report.pair_kinds) > 1:
        table = Table(
            title="linking by the languages of the two names (pairwise, over the items found)"
        )
        for col in ("pair", "F1", "precision", "recall", "gold pairs"):
            table.add_column(col, no_wrap=True)
        for kind, scores in report.pair_kinds:
            table.add_row(
                kind,
                f"{scores['f1']:.3f}",
                f"{scores['p']:.3f}",
                f"{scores['r']:.3f}",
                str(scores["gold"]),
            )
        out.print(table)


@app.command("split-book")
def split_book_(
    path: Annotated[
        Path,
        typer.Argument(
            help="A PDF book with many country chapters (e.g. an Amnesty annual report)."
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for one text file per chapter and MANIFEST.tsv."),
    ],
    publisher: Annotated[str | None, typer.Option(help="Override the publisher.")] = None,
    period: Annotated[int | None, typer.Option(help="Override the year the events cover.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Split a multi-country report book into one text file per country chapter, with a MANIFEST.tsv."""
    from docket.pipeline import split_book_file

    explicit: dict[str, object] = {
        k: v for k, v in {"publisher": publisher, "period": period}.items() if v is not None
    }
    try:
        with (
            err.status(
                "reading the book (a few minutes for an Amnesty annual report)", spinner="dots"
            )
            if err.is_terminal and not as_json
            else nullcontext()
        ):
            book, files = split_book_file(path, out_dir, IngestOptions(metadata=explicit))
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(
            json.dumps(
                {
                    "chapters": [
                        {
                            "country": ch.country,
                            "first_page": ch.first_page,
                            "last_page": ch.last_page,
                        }
                        for ch in book.chapters
                    ],
                    "edition": book.edition,
                    "period": book.period,
                    "files": [str(f) for f in files],
                    "skipped": [
                        {"label": label, "first_page": a, "last_page": b}
                        for label, a, b in book.skipped
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    out.print(
        f"{len(book.chapters)} country chapters, edition {book.edition} (events of {book.period}) → "
        f"{escape(str(out_dir))}/ ({len(files) - 1} files and MANIFEST.tsv)"
    )
    for label, a, b in book.skipped:
        out.print(f"  not a chapter: {escape(label)} (pages {a}–{b})")


@app.command()
def copy(
    to: Annotated[
        str, typer.Option("--to", help="The target: a SQLite file or a postgresql:// address.")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Copy the whole database (documents, facts, curation and review logs, curators) into another one."""
    from docket.store.copy import copy_store

    try:
        source, target = open_store(db, create=False), open_store(to)
    except DocketError as exc:
        _fail(exc)
    total = source.counts()["documents"]
    try:
        with Progress(
            TextColumn("[bold]copy"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("", total=total)
            report = copy_store(source, target, on_document=lambda _: progress.advance(task))
    except DocketError as exc:
        _fail(exc)
    finally:
        source.close()
        target.close()
    if as_json:
        print(json.dumps(asdict(report), indent=1))
        return
    out.print(
        f"copied {report.documents} documents ({report.skipped} already there), {report.curation} curation "
        f"decisions, {report.reviews} reviews, {report.curators} curator accounts to {escape(to.split('@')[-1])}"
    )

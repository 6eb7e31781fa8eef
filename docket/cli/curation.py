"""Curation commands: merge, split, not-a-person, reject, review, queue, relink, explain, orgs."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from docket.cli import DbOption, JsonOption, _fail, app, err, find_or_exit, out
from docket.errors import DocketError
from docket.store import open_store


def _emit(as_json: bool, data: object, text: str) -> None:
    """``data`` as JSON on stdout (``--json``), or ``text`` for a person."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        out.print(text)


def _persons_restored(store: object) -> None:
    """After a curation write: store the persons as they now are (for SQL users and other tools)."""
    from docket.query.people import store_resolution

    try:
        store_resolution(store)  # type: ignore[arg-type]
    except (
        DocketError
    ) as exc:  # the decision is recorded; the stored persons catch up on the next write
        err.print(f"[yellow]warning:[/yellow] stored persons not refreshed: {escape(str(exc))}")


def _curate(
    action: str,
    name_a: str,
    name_b: str,
    db: str | None,
    who: str | None,
    why: str | None,
    as_json: bool,
) -> None:
    from docket.query.curation import curate_names

    try:
        store = open_store(db, create=False)
        entry = curate_names(store, action, name_a, name_b, who=who, why=why)
    except DocketError as exc:
        _fail(exc)
    _persons_restored(store)
    _emit(
        as_json,
        asdict(entry),
        f"{entry.action} #{entry.id}: {escape(entry.name_a)!r} and {escape(entry.name_b)!r} "
        f"by {escape(entry.who)} at {entry.at}" + (f" — {escape(entry.why)}" if entry.why else ""),
    )


WhoOption = Annotated[
    str | None, typer.Option(help="Curator name (default $DOCKET_USER or login).")
]
WhyOption = Annotated[str | None, typer.Option(help="Reason, kept in the audit log.")]


@app.command()
def merge(
    name_a: Annotated[
        str, typer.Argument(help="A full name as printed in a report, or a person id.")
    ],
    name_b: Annotated[str, typer.Argument(help="Another full name of the same person, or its id.")],
    db: DbOption = None,
    who: WhoOption = None,
    why: WhyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Curate: the two names are one person (kept across re-ingest; automatic linking never undoes it)."""
    _curate("merge", name_a, name_b, db, who, why, as_json)


@app.command()
def split(
    name_a: Annotated[
        str, typer.Argument(help="A full name as printed in a report, or a person id.")
    ],
    name_b: Annotated[str, typer.Argument(help="A full name of a different person, or its id.")],
    db: DbOption = None,
    who: WhoOption = None,
    why: WhyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Curate: the two names are different people, never to be linked (kept across re-ingest)."""
    _curate("split", name_a, name_b, db, who, why, as_json)


@app.command("not-a-person")
def not_a_person(
    name: Annotated[str, typer.Argument(help="A person id, or a name that names one person.")],
    db: DbOption = None,
    who: WhoOption = None,
    why: WhyOption = None,
    undo: Annotated[bool, typer.Option("--undo", help="List the name as a person again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Curate: this "person" is an organisation, a place or a title: every spelling leaves case files, lists
    and exports (kept across re-ingest; in the curation log; --undo lists it again)."""
    from docket.query.curation import curate

    try:
        store = open_store(db, create=False)
        entries = curate(store, "person" if undo else "not_person", name, who=who, why=why)
    except DocketError as exc:
        _fail(exc)
    _persons_restored(store)
    _emit(
        as_json,
        [asdict(e) for e in entries],
        "\n".join(
            f"{e.action} #{e.id}: {escape(e.name_a)!r} by {escape(e.who)} at {e.at}"
            + (f" — {escape(e.why)}" if e.why else "")
            for e in entries
        ),
    )


@app.command()
def reject(
    name: Annotated[str, typer.Argument(help="A person id, or a name that names one person.")],
    fact: Annotated[str, typer.Argument(help="The fact id shown in `docket person` (fact-…).")],
    db: DbOption = None,
    who: WhoOption = None,
    why: WhyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Curate: this claim is false: reject every statement of the fact, in every report, at once."""
    from docket.query.curation import reject_claim
    from docket.resolve.curate import curator

    try:
        store = open_store(db, create=False)
        reviews = reject_claim(store, name, fact, who=who or curator(), why=why)
    except DocketError as exc:
        _fail(exc)
    _persons_restored(store)
    n = len(reviews) - 1  # the last review is the claim itself
    _emit(
        as_json,
        [asdict(r) for r in reviews],
        f"rejected {n} statement{'s' if n != 1 else ''} of {escape(fact)} and the claim, for reports "
        f"ingested later (reviews #{reviews[0].id}–#{reviews[-1].id})"
        + (f" — {escape(why)}" if why else ""),
    )


@app.command("review")
def review_cmd(
    statement: Annotated[
        str,
        typer.Argument(help="The statement's key (`docket person NAME --json`: statements[].key)."),
    ],
    action: Annotated[str, typer.Argument(help="verify, reject, or correct.")],
    field: Annotated[
        str | None, typer.Option(help="For correct: date, charge, place, or person (wrong person).")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="The corrected value (for person: an id or a name).")
    ] = None,
    db: DbOption = None,
    who: WhoOption = None,
    why: WhyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Curate one statement: verify it, reject it as a misreading, or correct its date, charge, place or person."""
    from docket.query.reviews import review
    from docket.resolve.curate import curator

    try:
        store = open_store(db, create=False)
        r = review(
            store, statement, action, who=who or curator(), field=field, value=value, why=why
        )
    except DocketError as exc:
        _fail(exc)
    _persons_restored(store)
    change = f" {r.field}: {r.before or '∅'} → {r.after or '∅'}" if r.action == "correct" else ""
    _emit(
        as_json,
        asdict(r),
        f"{r.action} #{r.id}{escape(change)} by {escape(r.who)} at {r.at}"
        + (f" — {escape(r.why)}" if r.why else ""),
    )


@app.command()
def queue(
    db: DbOption = None,
    country: Annotated[
        str | None, typer.Option(help="Only persons named in reports on this country.")
    ] = None,
    side: Annotated[str, typer.Option(help="target (default), state, other, or any.")] = "target",
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """The review queue: unverified facts most worth checking first (status-deciding, unsure, single-source)."""
    from docket.query.people import people
    from docket.query.queue import review_queue

    try:
        items = review_queue(
            people(open_store(db, create=False)),
            country=country,
            side=None if side == "any" else side,
        )
    except DocketError as exc:
        _fail(exc)
    if as_json:
        from docket.export.serialize import queue_item_dict

        print(
            json.dumps(
                {"total": len(items), "items": [queue_item_dict(it) for it in items[:limit]]},
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    table = Table(title=f"review queue: {min(limit, len(items))} of {len(items)} facts to check")
    for col in ("person", "fact", "confidence", "publishers", "why", "id"):
        table.add_column(col, overflow="fold")
    for it in items[:limit]:
        f = it.fact
        table.add_row(
            escape(it.case.person.cluster.canonical),
            f"{f.type} {f.date or ''}".strip(),
            "" if f.confidence is None else f"{f.confidence:.2f}",
            str(len(f.publishers)),
            escape(", ".join(it.reasons)),
            f"{it.case.person.cluster.id} {f.id}",
        )
    out.print(table)


@app.command()
def relink(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Link every person again (after an upgrade that changed the linking rules); ids already given stay."""
    from docket.query.people import relink as run

    try:
        r = run(open_store(db, create=False))
    except DocketError as exc:
        _fail(exc)
    _emit(
        as_json,
        asdict(r),
        f"{r.persons} persons; {r.new_ids} given a new id; {r.retired} ids folded into "
        "another person (they resolve to it)",
    )


@app.command()
def explain(
    name: Annotated[
        str, typer.Argument(help="A name, any spelling or part of it, or a person id.")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why the names of a person were linked: the comparison levels that fired, and curated decisions."""
    store, hits = find_or_exit(db, name)
    log = store.curation_log()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": p.cluster.id,
                        "variants": p.cluster.forms,
                        "links": [asdict(link) for link in dict.fromkeys(p.cluster.links)],
                        "curation": [
                            asdict(e) for e in log if {e.name_a, e.name_b} & set(p.cluster.forms)
                        ],
                    }
                    for p in hits
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    for p in hits:
        out.print(
            f"[bold]{escape(p.cluster.canonical)}[/bold] ({p.cluster.id}): "
            + escape(", ".join(p.cluster.forms))
        )
        for link in dict.fromkeys(p.cluster.links):
            out.print(
                f"  {escape(link.a)!r} ~ {escape(link.b)!r} score {link.score:.2f}: "
                + escape("; ".join(link.levels))
            )
        if len(p.cluster.forms) == 1:
            out.print("  (one spelling, nothing linked)")
        for e in log:
            if {e.name_a, e.name_b} & set(p.cluster.forms):
                out.print(
                    f"  curated {e.action} #{e.id} {escape(e.name_a)!r} / {escape(e.name_b)!r} by {escape(e.who)}"
                    f" at {e.at}" + (f": {escape(e.why)}" if e.why else "")
                )


@app.command()
def orgs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many organisations.")] = 40,
    as_json: JsonOption = False,
) -> None:
    """Organisations named in the reports, linked across spellings and acronyms."""
    from docket.resolve.orgs import link_organisations

    try:
        store = open_store(db, create=False)
        entities = [e for d in store.list_documents() for e in store.document_entities(d.id)]
    except DocketError as exc:
        _fail(exc)
    clusters = link_organisations(entities)[:limit]
    if as_json:
        print(
            json.dumps(
                [
                    {"name": c.name, "forms": dict(c.forms), "documents": sorted(c.documents)}
                    for c in clusters
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    table = Table(title="organisations")
    for col in ("name", "spellings", "documents", "mentions"):
        table.add_column(col, overflow="fold")
    for c in clusters:
        table.add_row(
            escape(c.name),
            escape(", ".join(c.forms)),
            str(len(c.documents)),
            str(sum(c.forms.values())),
        )
    out.print(table)


curator_app = typer.Typer(
    help="Curator accounts: who may log in to curate (passwords kept as Argon2id hashes).",
    no_args_is_help=True,
)
app.add_typer(curator_app, name="curator")


@curator_app.command("add")
def curator_add(
    name: Annotated[str, typer.Argument(help="The curator's name (shown in the audit log).")],
    db: DbOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a curator account, or set a new password for it."""
    import sys

    from docket.auth import MIN_PASSWORD, hash_secret

    name = name.strip()
    if not name or len(name) > 80:
        err.print("[red]error:[/red] a curator name has 1 to 80 characters")
        raise typer.Exit(2)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        err.print(f"[red]error:[/red] the password needs at least {MIN_PASSWORD} characters")
        raise typer.Exit(2)
    try:
        store = open_store(db)
        existed = store.curator_hash(name) is not None
        store.set_curator(name, hash_secret(password))
        store.close()
    except DocketError as exc:
        _fail(exc)
    _emit(
        as_json,
        {"curator": name, "action": "password changed" if existed else "added"},
        f"{'password changed for' if existed else 'added'} curator {escape(name)}",
    )


@curator_app.command("remove")
def curator_remove(
    name: Annotated[str, typer.Argument(help="The curator's name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove a curator account (their past decisions stay in the audit log)."""
    try:
        store = open_store(db, create=False)
        if store.curator_hash(name) is None:
            err.print(
                f"[red]error:[/red] no curator called {escape(name)!r} (see `docket curator list`)"
            )
            raise typer.Exit(2)
        store.set_curator(name, None)
        store.close()
    except DocketError as exc:
        _fail(exc)
    _emit(as_json, {"curator": name, "action": "removed"}, f"removed curator {escape(name)}")


@curator_app.command("list")
def curator_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The curator accounts (names only: passwords are stored as hashes)."""
    try:
        store = open_store(db, create=False)
        names = store.curators()
        store.close()
    except DocketError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"curators": names}, ensure_ascii=False, indent=1))
        return
    for n in names:
        out.print(escape(n))
    if not names:
        err.print("no curator accounts (add one with `docket curator add NAME`)")

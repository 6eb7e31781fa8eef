"""The ``docket`` command: a thin shell that parses options, calls the library, formats results.

``app`` and the shared options live here; the commands are in ``documents``, ``cases``,
``curation`` and ``web`` (imported at the bottom, which registers them).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from docket import __version__
from docket.errors import DocketError

if TYPE_CHECKING:
    from docket.query.people import PersonRecord
    from docket.store import Store

app = typer.Typer(
    help="docket: turn human-rights reports into a cross-referenced, cited case database.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="DOCKET_DB", help="Database file (default ./docket.db, or $DOCKET_DB)."
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", envvar="DOCKET_JSON", show_envvar=False, help="Machine-readable JSON on stdout."
    ),
]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (an escape sequence in a file name,
    a newline that would split a one-line error) written as ``\\xNN``, Rich markup escaped."""
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def clipped(quote: str, limit: int | None = 150) -> str:
    """``quote`` cut at the last word boundary within ``limit`` characters, marked with "…"
    (``None``: whole)."""
    if limit is None or len(quote) <= limit:
        return quote
    cut = quote[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def _fail(exc: DocketError) -> None:
    err.print(f"[red]error:[/red] {shown(str(exc))}")
    raise typer.Exit(2)


def find_or_exit(db: str | None, name: str) -> tuple[Store, list[PersonRecord]]:
    """The store and the one person ``name`` names (an id or a name, see
    :func:`docket.query.people.lookup_person`). When nobody or several persons match, says so
    (listing the candidates with their ids) and exits 2: a name is never guessed."""
    from docket.query.people import lookup_person, people
    from docket.store import open_store

    try:
        store = open_store(db, create=False)
        found = lookup_person(people(store), name)
    except DocketError as exc:
        _fail(exc)
    if not found.matches:
        err.print(f"[red]error:[/red] nobody called {escape(name)!r} (see `docket people`)")
        raise typer.Exit(2)
    if found.ambiguous:
        from rich.table import Table

        table = Table(title=f"{escape(name)!r} names {len(found.matches)} persons: give the id")
        table.add_column("id", no_wrap=True)
        for col in ("name", "role", "side", "country", "reports"):
            table.add_column(col, overflow="fold")
        for p in found.matches:
            countries = sorted({d.country for d in p.documents if d.country})
            table.add_row(
                p.cluster.id,
                escape(p.cluster.canonical),
                escape(p.role or ""),
                p.side,
                escape(", ".join(countries)),
                str(len(p.documents)),
            )
        err.print(table)
        err.print(
            f"[red]error:[/red] {escape(name)!r} is ambiguous; run again with one of the ids: "
            + ", ".join(p.cluster.id for p in found.matches)
        )
        raise typer.Exit(2)
    return store, list(found.matches)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"docket {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Database for the command: the same as its own --db.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON output, for commands that print results.")
    ] = False,
) -> None:
    """Options given before the command reach it as if given after it (``docket --db X summary``).

    They travel as the environment variables the commands' own options read, set for this run
    only: an option given after the command still wins."""
    import os

    given = {"DOCKET_DB": db, "DOCKET_JSON": "1" if as_json else None}
    saved = {k: os.environ.get(k) for k, v in given.items() if v is not None}
    if not saved:
        return
    os.environ.update({k: v for k, v in given.items() if v is not None})

    def restore() -> None:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    ctx.call_on_close(restore)


def main() -> None:
    """Console-script entry point."""
    import sqlite3

    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except (
        sqlite3.DatabaseError
    ) as exc:  # a damaged file found after it opened: the store's error, not a traceback
        err.print(
            f"[red]error:[/red] [E200] the database cannot be read: {shown(str(exc))} "
            "(restore it from a copy; `sqlite3 FILE .recover` may save its rows)"
        )
        sys.exit(2)


# The commands live in these modules; importing them registers them on ``app``.
from docket.cli import documents, cases, curation, web  # noqa: E402, F401, I001 - this order is the order of --help

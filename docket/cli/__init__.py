"""The ``docket`` command: a thin shell that parses options, calls the library, formats results.

``app`` and the shared options live here; the commands are in ``documents``, ``cases``,
``curation`` and ``web`` (imported at the bottom, which registers them).
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from docket import __version__
from docket.errors import DocketError

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


def find_or_exit(db: str | None, name: str):  # noqa: ANN201 - (Store, list[PersonRecord])
    """The store and the persons matching ``name``; a one-line error and exit 2 when nobody matches."""
    from docket.query.people import find_person
    from docket.store import open_store

    try:
        store = open_store(db)
        hits = find_person(store, name)
    except DocketError as exc:
        _fail(exc)
    if not hits:
        err.print(f"[red]error:[/red] nobody called {escape(name)!r} (see `docket people`)")
        raise typer.Exit(2)
    return store, hits


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"docket {__version__}")
        raise typer.Exit(0)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


# The commands live in these modules; importing them registers them on ``app``.
from docket.cli import documents, cases, curation, web  # noqa: E402, F401, I001 - this order is the order of --help

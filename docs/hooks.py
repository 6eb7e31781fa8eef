"""MkDocs hook: the reference pages are generated from the code at build time, never kept by hand.

- ``reference/cli.md`` from the Typer commands themselves (every command, argument and option);
- ``reference/errors.md`` from :func:`docket.errors.catalogue`, the one place the codes live;
- ``reference/api.md`` (and ``reference/openapi.json``) from the web application's own OpenAPI.

A command, option, code or route added to the code appears in the docs on the next build; the
docs test (``tests/test_docs.py``) fails when one is missing from the built site.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files


def _cell(text: str) -> str:
    """``text`` fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


# Typer builds its commands on its own copy of Click's classes, so they are read by their
# attributes (``param_type_name``, ``commands``) rather than by isinstance checks.


def _subcommands(cmd: Any) -> list[tuple[str, Any]]:
    """The visible subcommands of a command group, in the order they were registered."""
    return [(n, c) for n, c in (getattr(cmd, "commands", None) or {}).items() if not c.hidden]


def _param_row(p: Any) -> str:
    if p.param_type_name == "argument":
        name = f"`{(p.metavar or p.name).upper()}`"
        kind = _cell(p.help or "") or "argument"
        several = " (one or more)" if p.nargs == -1 else ""
        return f"| {name} | {kind}{several} | {'yes' if p.required else 'no'} | |"
    opts = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
    default = "" if p.default in (None, False, (), []) or callable(p.default) else f"{p.default}"
    shown = isinstance(p.envvar, str) and p.show_envvar and f"${p.envvar}" not in (p.help or "")
    env = f" (`${p.envvar}`)" if shown else ""
    return f"| {opts} | {_cell(p.help or '')}{env} | {'yes' if p.required else 'no'} | {_cell(default)} |"


def _command_section(path: str, cmd: Any, level: int) -> list[str]:
    lines = [f"{'#' * level} `{path}`", ""]
    if cmd.help:
        lines += [cmd.help.strip().replace("\b\n", ""), ""]
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        lines += [
            "| argument or option | what it does | required | default |",
            "|---|---|---|---|",
            *(_param_row(p) for p in params),
            "",
        ]
    for name, sub in _subcommands(cmd):
        lines += _command_section(f"{path} {name}", sub, level + 1)
    return lines


def commands() -> list[str]:
    """Every command path (``docket ingest``, ``docket curator add``, …) the CLI has."""
    from docket.cli import app

    root = typer.main.get_command(app)
    out: list[str] = []

    def walk(path: str, cmd: Any) -> None:
        for name, sub in _subcommands(cmd):
            out.append(f"{path} {name}")
            walk(f"{path} {name}", sub)

    walk("docket", root)
    return out


def cli_page() -> str:
    """The CLI reference, one section per command."""
    from docket.cli import app

    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands themselves at every docs build. Every command also takes "
        "`--db PATH` (or `$DOCKET_DB`) and, but for `serve`, `--json`; `docket COMMAND --help` "
        "prints the same on a terminal.",
        "",
    ]
    for name, cmd in _subcommands(root):
        lines += _command_section(f"docket {name}", cmd, 2)
    return "\n".join(lines) + "\n"


def errors_page() -> str:
    """The error-code catalogue from :func:`docket.errors.catalogue`."""
    from docket.errors import catalogue

    lines = [
        "# Error codes",
        "",
        "Every error docket reports for a user's input starts with its code and names the input: "
        "`[E106] reports/x.pdf: …`. Codes are stable, so scripts can match them; `--json` output "
        "carries them as `error_code`, API errors as `error.code`. Generated from "
        "`docket/errors.py` at every docs build.",
        "",
        "| code | error | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {code} | `{name}` | {_cell(meaning)} |" for code, name, meaning in catalogue()]
    return "\n".join(lines) + "\n"


def openapi() -> dict[str, Any]:
    """The web application's OpenAPI document (no database is opened to build it)."""
    from docket.web import create_app

    return create_app().openapi()


def api_page(spec: dict[str, Any]) -> str:
    """The HTTP API reference: every operation with its parameters, from the OpenAPI."""
    lines = [
        "# HTTP API reference",
        "",
        f"{spec['info'].get('description', '')} Generated from the application's own OpenAPI "
        "([openapi.json](openapi.json)) at every docs build; a running server publishes the same "
        "at `/api/v1/openapi.json` and interactive docs at `/api/docs`. Errors are JSON: "
        '`{"error": {"status", "code", "message"}}` (codes: [Error codes](errors.md)).',
        "",
    ]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            lines += [f"## `{method.upper()} {path}`", "", op.get("summary", ""), ""]
            if op.get("description"):
                lines += [op["description"].strip(), ""]
            params = op.get("parameters", [])
            if params:
                lines += ["| parameter | in | required | description |", "|---|---|---|---|"]
                for p in params:
                    lines.append(
                        f"| `{p['name']}` | {p['in']} | {'yes' if p.get('required') else 'no'} "
                        f"| {_cell(p.get('description', ''))} |"
                    )
                lines.append("")
            if "requestBody" in op:
                lines += ["Takes a JSON body (schema in the OpenAPI document).", ""]
            codes = ", ".join(sorted(op.get("responses", {})))
            lines += [f"Answers: {codes}.", ""]
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated reference pages to the site."""
    spec = openapi()
    pages = {
        "reference/cli.md": cli_page(),
        "reference/errors.md": errors_page(),
        "reference/api.md": api_page(spec),
        "reference/openapi.json": json.dumps(spec, indent=2, ensure_ascii=False),
    }
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    return files

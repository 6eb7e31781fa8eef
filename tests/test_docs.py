"""The documentation site: it builds in strict mode, its reference pages cover every command,
error code and API route the code has, and the user guide mentions every command."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import docket
from docket.errors import DocketError, catalogue

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))
import hooks  # noqa: E402  (docs/hooks.py, the generator the build runs)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=out,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "WARNING" not in r.stderr, r.stderr[-3000:]
    return out


def test_every_command_is_in_the_cli_reference(site: Path) -> None:
    page = (site / "reference" / "cli" / "index.html").read_text()
    commands = hooks.commands()
    assert {"docket ingest", "docket person", "docket export", "docket curator add"} <= set(
        commands
    )
    missing = [c for c in commands if f"<code>{c}</code>" not in page]
    assert not missing, f"commands missing from the CLI reference: {missing}"


def test_every_error_code_is_in_the_catalogue_page(site: Path) -> None:
    page = (site / "reference" / "errors" / "index.html").read_text()
    codes = [code for code, _, _ in catalogue()]
    assert {"E101", "E112", "E302", "E500", "E998", "E999"} <= set(codes)
    assert not [c for c in codes if f"<td>{c}</td>" not in page]


def test_every_api_route_is_in_the_api_reference(site: Path) -> None:
    page = (site / "reference" / "api" / "index.html").read_text()
    spec = hooks.openapi()
    missing = [
        f"{m.upper()} {p}"
        for p, ops in spec["paths"].items()
        for m in ops
        if f"{m.upper()} {p}" not in page
    ]
    assert spec["paths"] and not missing
    assert (site / "reference" / "openapi.json").is_file()


def test_the_user_guide_mentions_every_command() -> None:
    """The generated reference lists options; a newcomer also needs to be told when to use a
    command, so each one must appear in a hand-written page."""
    written = "\n".join(p.read_text() for p in DOCS.rglob("*.md"))
    top = sorted({c.split()[1] for c in hooks.commands()})
    assert not [c for c in top if f"docket {c}" not in written]


def test_every_error_class_lives_in_the_one_catalogue() -> None:
    """Codes are defined in ``docket/errors.py`` only: an error class declared elsewhere would be
    missing from the generated table, and two modules could hand out the same code."""
    for mod in pkgutil.walk_packages(docket.__path__, "docket."):
        if mod.name.startswith(("docket.web.server", "docket.cli.__main__", "docket.__main__")):
            continue
        importlib.import_module(mod.name)
    todo, seen = [DocketError], []
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        seen.append(cls)
    assert [c.__name__ for c in seen if c.__module__ != "docket.errors"] == []
    codes = [c.code for c in seen]
    assert len(codes) == len(set(codes)), "two error classes share a code"
    assert all(c.__doc__ for c in seen), "every error says what it means"


def test_the_readme_is_a_front_door() -> None:
    """The README starts with the two commands and points to the docs; the manual lives there."""
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```sh\n")
    assert (
        blocks[1]
        .split("\n")[0]
        .startswith("python3 -m venv .venv && .venv/bin/pip install -q -e . &&")
    )
    assert blocks[2].split("\n")[0].endswith(".venv/bin/python -m pytest -q")
    assert "docs/" in readme and len(readme.encode()) < 12_000

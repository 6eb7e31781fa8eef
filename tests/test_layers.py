"""The packages import each other one way: no cycle between them, counting the imports made
inside functions (a lazy import hides a cycle from Python, not from a reader)."""

from __future__ import annotations

import ast
from pathlib import Path

import docket

ROOT = Path(docket.__file__).parent

# Known upward edges, each a lazy import kept on purpose; a new one must be added here, with why.
ALLOWED = {
    # Mention.parts(): a mention folds its own name for comparison (resolve.fold), a convenience
    # every linking step uses; the import runs only when called.
    ("docket.models", "docket.resolve"),
    # resolve.orgs asks extract.personness whether a name has person evidence before calling
    # it an organisation's acronym.
    ("docket.resolve", "docket.extract"),
}


def _package_of(module: str) -> str:
    """``docket.resolve.link`` -> ``docket.resolve``; top-level modules stand for themselves."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for f in ROOT.rglob("*.py"):
        module = ".".join(f.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        )
        edges = graph.setdefault(_package_of(module), set())
        tree = ast.parse(f.read_text("utf-8"))
        type_only = {  # imports under ``if TYPE_CHECKING:`` never run
            id(n)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
            for n in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                if name == "docket" or name.startswith("docket."):
                    edges.add(_package_of(name))
    for pkg, edges in graph.items():
        edges.discard(pkg)
        edges.discard("docket")  # the package root holds only the version
        edges -= {b for a, b in ALLOWED if a == pkg}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return [*path[path.index(w) :], w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        path.pop()
        return None

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_the_packages_import_each_other_one_way() -> None:
    graph = _graph()
    assert {"docket.pipeline", "docket.parallel", "docket.prepare", "docket.store"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None

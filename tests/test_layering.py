"""The package's layering: every import, TYPE_CHECKING ones included, points down the data flow, and none cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kbchat.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "kbchat"
# From the bottom up: a unit imports only units below it, and modules of its own package.
LAYERS = (
    ("kbchat", "kbchat.errors"),
    ("kbchat.config",),
    ("kbchat.text",),
    ("kbchat.corpus",),
    ("kbchat.index",),
    ("kbchat.ask",),
    ("kbchat.knowledge_base",),
    ("kbchat.generation",),
    ("kbchat.evaluation",),
    ("kbchat.ui", "kbchat.cli"),
    ("kbchat.__main__",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that one module imports, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def unit(name: str) -> str:
    """The layer unit a module belongs to: its package below kbchat, or the module itself."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else name


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    found = modules(root)
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Imports that point up or sideways between units."""
    bad = []
    for source, targets in edges.items():
        for target in targets:
            if unit(target) == unit(source) or target == "kbchat":
                continue
            if RANK[unit(target)] >= RANK[unit(source)]:
                bad.append(f"{source} imports {target}")
    return sorted(bad)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk."""
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    return found


def test_every_module_belongs_to_a_layer() -> None:
    assert {unit(name) for name in modules()} <= set(RANK)


def test_imports_point_down_the_data_flow() -> None:
    assert violations(graph()) == []


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_language_layer_imports_nothing_else_of_kbchat() -> None:
    edges = graph()
    assert all(
        target.startswith("kbchat.text") for name in edges if name.startswith("kbchat.text") for target in edges[name]
    )


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        ("text/analyzer.py", "from kbchat.ask.query import Query\n", ["kbchat.text.analyzer imports kbchat.ask.query"]),
        (
            "ask/fusion.py",
            "if TYPE_CHECKING:\n    from kbchat.knowledge_base import KnowledgeBase\n",
            ["kbchat.ask.fusion imports kbchat.knowledge_base"],
        ),
        (
            "index/snapshot.py",
            "from ..ui import rendering\n",
            ["kbchat.index.snapshot imports kbchat.ui", "kbchat.index.snapshot imports kbchat.ui.rendering"],
        ),
        ("ask/fusion.py", "from kbchat.text.analyzer import words\n", []),
    ],
)
def test_the_check_catches_an_upward_import(tmp_path: Path, source: str, text: str, expected: list[str]) -> None:
    import shutil

    copy = tmp_path / "kbchat"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / source).write_text((copy / source).read_text(encoding="utf-8") + text, encoding="utf-8")
    assert violations(graph(copy)) == expected


def test_the_check_catches_a_cycle_inside_a_package(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "kbchat"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    analyzer = copy / "text" / "analyzer.py"
    analyzer.write_text(analyzer.read_text(encoding="utf-8") + "from kbchat.text.acronyms import find_acronyms\n")
    assert [set(cycle) for cycle in cycles(graph(copy))] == [{"kbchat.text.acronyms", "kbchat.text.analyzer"}]

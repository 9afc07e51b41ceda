"""The layering docs/architecture.md promises, checked on the source (nothing is imported).

Every module of ``relscale`` is parsed, imports inside functions included: no import cycle
within ``relscale``, nothing outside ``relscale.cli`` (scripts and benchmarks included)
imports ``relscale.cli``, core imports no plugin, no module grows past the size limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "core" / "relscale"
MAX_LINES = 500
"""A module over this many lines holds more than one thing (docs/development.md)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, source: str, modules: set[str]) -> set[str]:
    """The relscale modules (and plugin packages) one module's source imports, anywhere in it.

    ``from relscale.x import y`` counts as ``relscale.x.y`` when that is a module, else as
    ``relscale.x``; relative imports are resolved against ``name``.
    """
    package = name if MODULES.get(name, Path()).name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}".rstrip(".")
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        for target in targets:
            if target.startswith("relscale_"):
                found.add(target.split(".")[0])
                continue
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    names = set(MODULES)
    return {n: imported(n, p.read_text(encoding="utf-8"), names) for n, p in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_planted_cycle() -> None:
    """The check itself can fail: a loop through an import inside a function is found."""
    names = {"relscale.a", "relscale.b", "relscale.c"}
    edges = {
        "relscale.a": imported("relscale.a", "from relscale.b import f\n", names),
        "relscale.b": imported("relscale.b", "def g():\n    from relscale import c\n", names),
        "relscale.c": imported("relscale.c", "import relscale.a\n", names),
    }
    assert cycles(edges) == [["relscale.a", "relscale.b", "relscale.c"]]


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_only_cli_imports_cli() -> None:
    offenders = [
        name for name, deps in graph().items()
        if not name.startswith("relscale.cli") and name != "relscale.__main__"
        and any(d == "relscale.cli" or d.startswith("relscale.cli.") for d in deps)
    ]
    for folder in ("scripts", "benchmarks"):
        for path in sorted((ROOT / folder).glob("*.py")):
            deps = imported(path.stem, path.read_text(encoding="utf-8"), set(MODULES))
            if any(d.startswith("relscale.cli") for d in deps):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_core_imports_no_plugin() -> None:
    offenders = {n: sorted(d for d in deps if d.startswith("relscale_"))
                 for n, deps in graph().items()}
    assert {n: d for n, d in offenders.items() if d} == {}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_size(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines (split it by what it holds)"


CSV_WRITERS_ALLOWED = {
    "relscale.io.csv_safety": "the one guarded writer",
    "relscale.scoring.profile": "a filtered copy of the user's own CSV, read back at once",
}


def test_every_csv_is_written_through_the_guard() -> None:
    """Issue 25, finding 7: every CSV/TSV relscale writes guards its text cells, headers
    included, through relscale.io.csv_safety.writer; no module writes with csv directly."""
    offenders = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name) and node.value.id == "csv"
                    and name not in CSV_WRITERS_ALLOWED):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []

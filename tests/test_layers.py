"""Imports point down the layers (docs/architecture.md), imports inside functions included:
model -> registry/adapt -> io, store -> scoring -> workbooks -> rounds -> cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core" / "relscale"

# layer (a module or a folder of core) -> what it may never import
FORBIDDEN = {
    "model": ("relscale.registry", "relscale.adapt", "relscale.io", "relscale.scoring",
              "relscale.workbooks", "relscale.excel", "relscale.cli", "relscale.plugins"),
    "io": ("relscale.scoring", "relscale.outputs", "relscale.cli", "relscale.store",
           "relscale.rounds"),
    "scoring": ("relscale.workbooks", "relscale.excel", "relscale.outputs", "relscale.cli",
                "openpyxl", "relscale.store", "relscale.rounds", "sqlalchemy"),
    "workbooks": ("relscale.store", "relscale.rounds", "relscale.cli", "sqlalchemy"),
    # the store knows tables and transactions, not instruments, scoring or forms
    "store": ("relscale.scoring", "relscale.workbooks", "relscale.excel", "relscale.io",
              "relscale.outputs", "relscale.cli", "relscale.rounds", "relscale.adapt"),
    "rounds": ("relscale.cli",),
    "catalog.py": ("relscale.cli",),
    "outputs.py": ("relscale.cli",),
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _files(layer: str) -> list[Path]:
    where = CORE / layer
    return sorted(where.rglob("*.py")) if where.is_dir() else [where]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer: str) -> None:
    upward = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _files(layer)
        for name in sorted(_imports(path))
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert upward == []


def test_scripts_and_benchmarks_use_only_the_library() -> None:
    users = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py")]
        if any(n == "relscale.cli" or n.startswith("relscale.cli.") for n in _imports(path))
    ]
    assert users == []

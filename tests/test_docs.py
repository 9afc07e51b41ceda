"""Docs that must move with the code."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from relscale.model import hookspecs
from relscale.plugins import make_plugin_manager

ROOT = Path(__file__).resolve().parents[1]


def _hookspecs() -> dict[str, str]:
    pm = make_plugin_manager(entrypoints=False)
    names = [name for name in dir(pm.hook) if not name.startswith("_")]
    return {
        name: ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        for name in names
    }


@pytest.mark.parametrize("hook", sorted(_hookspecs()))
def test_every_hook_documented_with_signature(hook: str) -> None:
    doc = (ROOT / "docs" / "hooks.md").read_text()
    signature = f"{hook}({_hookspecs()[hook]})"
    assert re.search(rf"^## {re.escape(signature)}$", doc, re.M), (
        f"docs/hooks.md has no heading '## {signature}'"
    )


def test_every_hookspec_has_a_docstring() -> None:
    for hook in _hookspecs():
        doc = getattr(hookspecs, hook).__doc__ or ""
        assert ":param" in doc and ":return:" in doc, hook


def test_readme_starts_with_the_two_commands() -> None:
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "relscale form" in head or "relscale show" in head
    assert "pytest" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pytest" in ci


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text().splitlines()
    test_line = next(line for line in readme[:10] if "pytest" in line and "pip install" in line)
    assert test_line.strip() in (ROOT / ".ci" / "run").read_text()

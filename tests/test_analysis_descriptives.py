"""Per-group descriptives and the house rules of the relscale.analysis package."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from analysis_data import by_group, factors

from relscale import analysis
from relscale.reliability.classical import scale_reliability

PACKAGE = Path(analysis.__file__).parent


def test_group_descriptives_per_group() -> None:
    items, data = by_group("cfa12_weak")
    a = data["A"]
    half = {"first": a[:250], "second": a[250:]}
    out = analysis.group_descriptives(half, items, factors("cfa12_weak"))
    assert [d.group for d in out] == ["first", "second"]
    first = out[0]
    assert first.n == 250
    assert first.n_complete == int((~np.isnan(a[:250])).all(axis=1).sum())
    assert first.item_means["w01"] == pytest.approx(np.nanmean(a[:250, 0]))
    assert first.item_n["w01"] == int((~np.isnan(a[:250, 0])).sum())
    cols = [j for j, it in enumerate(items) if factors("cfa12_weak")[it] == "conflict"]
    expected = scale_reliability(a[250:, cols], [items[j] for j in cols])
    assert out[1].reliability["conflict"]["alpha"] == pytest.approx(expected.alpha)
    assert out[1].reliability["conflict"]["omega"] == pytest.approx(expected.omega)


def test_reliability_that_cannot_be_computed_is_nan_not_a_crash() -> None:
    items, data = by_group("cfa12_weak")
    out = analysis.group_descriptives({"tiny": data["A"][:2]}, items, factors("cfa12_weak"))
    assert np.isnan(out[0].reliability["closeness"]["alpha"])


def test_modules_are_small_and_import_few_relscale_modules() -> None:
    outside: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert len(path.read_text(encoding="utf-8").splitlines()) < 500, path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.startswith("relscale"):
                    outside.add(node.module)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("relscale") for a in node.names), path.name
    # the only ways into the rest of relscale (rewritten when the package is restructured);
    # messages are said in the user's language (relscale.i18n, relscale.messages' numbers)
    assert outside == {"relscale.errors", "relscale.reliability.classical", "relscale.i18n",
                       "relscale.messages"}

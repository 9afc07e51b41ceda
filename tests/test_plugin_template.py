"""docs/plugin-template/ keeps up with relscale: it loads, registers, and passes the
contract suite a third-party plugin runs (so the skeleton cannot rot)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import relscale
from relscale.model import hookspecs
from relscale.plugins import get_registry, make_plugin_manager
from relscale.registry import build_registry
from relscale.testing import SectorContract

TEMPLATE = Path(__file__).resolve().parents[1] / "docs" / "plugin-template"
PACKAGE = TEMPLATE / "relscale_my_sector"


def _template_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relscale_my_sector", PACKAGE / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _template_plugin() -> Any:
    return _template_module().plugin


def test_pyproject_entry_point_names_the_package_and_sector() -> None:
    project = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["version"]
    entry_points = project["project"]["entry-points"]["relscale"]
    sector = relscale.load_sector(PACKAGE / "sector.toml")
    assert entry_points == {sector.id: f"{PACKAGE.name}:plugin"}


def test_hooks_are_relscale_hooks() -> None:
    plugin = _template_plugin()
    hooks = [name for name in dir(plugin) if name.startswith("register_")]
    assert hooks and all(hasattr(hookspecs, name) for name in hooks)


def test_template_is_a_three_line_data_plugin() -> None:
    code = [line for line in (PACKAGE / "__init__.py").read_text().splitlines() if line.strip()]
    assert code[1:] == ["import relscale", "plugin = relscale.data_plugin(__file__)"]
    assert isinstance(_template_plugin(), relscale.DataPlugin)


def test_sector_registers_beside_the_builtins() -> None:
    pm = make_plugin_manager()
    pm.register(_template_plugin(), name="my_sector")
    registry = build_registry(pm)  # cross-checks every offering against the instruments
    assert registry.origin[("sector", "my_sector")] == "my_sector"
    offered = {(o.instrument, o.perspective) for o in registry.sector("my_sector").offerings}
    assert offered == {(i.id, p) for i in registry.instruments.values() for p in i.perspectives}


def test_slot_comments_match_the_instrument() -> None:
    text = (PACKAGE / "sector.toml").read_text()
    instrument = get_registry().instrument("working_alliance")
    comments = re.findall(r'^item = "(\w+)"\s+# (\w+), keyed ([+-])$', text, re.M)
    assert [c[0] for c in comments] == [s.id for s in instrument.slots("client")]
    for item, dimension, keying in comments:
        slot = next(s for s in instrument.items if s.id == item)
        assert (slot.dimension, slot.keying) == (dimension, keying), item


def test_template_tests_name_the_sector() -> None:
    tests = TEMPLATE / "tests"
    assert 'sector_id = "my_sector"' in (tests / "test_contract.py").read_text()
    assert '"education,my_sector"' in (tests / "conftest.py").read_text()


class TestTemplateContract(SectorContract):
    """The template's own tests/test_contract.py, run here against the template."""

    sector_id = "my_sector"

    @pytest.fixture(autouse=True)
    def _template_registered(
        self, register_plugin: Callable[[Any, str], None]
    ) -> Iterator[None]:
        register_plugin(_template_plugin(), "my_sector")
        yield

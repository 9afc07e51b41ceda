"""relscale.data_plugin: a plugin made of data files, registered in one line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

import relscale
from fixtures_content import instrument_dict, mini_sector_dict
from relscale.plugins import get_plugin_manager, get_registry

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ("education", "foster_homes", "disability_care", "youth_care")


def test_builtin_sectors_are_data_plugins() -> None:
    pm = get_plugin_manager()
    for name in BUILTIN:
        plugin = pm.get_plugin(name)
        assert isinstance(plugin, relscale.DataPlugin), name
        assert plugin.folder == ROOT / "plugins" / name / f"relscale_{name}"


def test_data_plugin_registers_sector_norms_and_catalog_of_its_folder() -> None:
    reg = get_registry()
    sector = reg.sector("foster_homes")
    assert Path(sector.locale_dir) == ROOT / "plugins/foster_homes/relscale_foster_homes/locale"
    assert sector.domain == "relscale_foster_homes"
    shipped = sorted((ROOT / "plugins/foster_homes/relscale_foster_homes/norms").glob("*.toml"))
    assert len([t for t in reg.norms if t.sector == "foster_homes"]) == len(shipped) > 0


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tomli_w.dumps(data).encode())


def test_instrument_and_sector_from_files(
    tmp_path: Path, register_plugin: Callable[[Any, str], None]
) -> None:
    folder = tmp_path / "relscale_mini"
    _write(folder / "instruments" / "mini.toml", instrument_dict())
    _write(folder / "sector.toml", mini_sector_dict())
    (folder / "__init__.py").write_text("")
    register_plugin(relscale.data_plugin(folder / "__init__.py"), "mini")
    reg = get_registry()
    assert reg.origin[("instrument", "mini")] == "mini"
    assert reg.origin[("sector", "test_sector")] == "mini"
    adapted = relscale.adapt("mini", "test_sector")
    worded = [w["item"] for w in mini_sector_dict()["offerings"][0]["items"]
              if w["provenance"] != "dropped"]
    assert list(adapted.item_ids) == worded  # the sector's wording, from the file


def test_a_copied_builtin_folder_is_a_plugin(
    tmp_path: Path, register_plugin: Callable[[Any, str], None]
) -> None:
    """A sector folder copied elsewhere registers from its new place (nothing is hard-wired)."""
    source = ROOT / "plugins" / "youth_care" / "relscale_youth_care"
    folder = tmp_path / "relscale_copy"
    shutil.copytree(source, folder)
    plugin = relscale.data_plugin(folder / "__init__.py")
    assert plugin.sector_file == folder / "sector.toml"
    with pytest.raises(relscale.PluginError, match="youth_care"):  # same id as the original
        register_plugin(plugin, "copy")
        get_registry()


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    with pytest.raises(relscale.ContentError, match=r"needs sector\.toml or instruments/\*\.toml"):
        relscale.data_plugin(tmp_path / "__init__.py")

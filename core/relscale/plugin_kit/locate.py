"""Finding the plugins to check: installed ones by entry-point name, or a plugin folder.

A plugin is checked in a registry of its own: core's built-ins, ``education`` (the
reference for provenance) and the plugin, whatever else is installed.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from relscale.data_plugin import DataPlugin
from relscale.errors import PluginError, RelscaleError
from relscale.i18n import _
from relscale.plugin_kit.contract import REFERENCE_SECTOR
from relscale.registry import Registry, build_registry

GROUP = "relscale"


@dataclass
class PluginSource:
    """One plugin to check, and where its files are (when known)."""

    name: str
    """Its entry-point name (the name ``RELSCALE_PLUGINS`` lists)."""
    plugin: Any
    project_dir: Path | None = None
    """The folder with its ``pyproject.toml``: a path given, or an editable install."""

    @property
    def package_dir(self) -> Path | None:
        """The data plugin's folder (``sector.toml``, ``norms/``, ``locale/``)."""
        return self.plugin.folder if isinstance(self.plugin, DataPlugin) else None


def installed_plugins(names: list[str] | None = None) -> list[PluginSource]:
    """The installed plugins named (default: all, as ``RELSCALE_PLUGINS`` allows)."""
    from relscale.plugins import excluded_plugins

    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            raise RelscaleError(_("no installed plugin named {name!r} (installed: {known})")
                                .format(name=unknown[0], known=", ".join(sorted(found))))
        chosen = list(dict.fromkeys(names))
    else:
        left_out = set(excluded_plugins())
        chosen = [n for n in found if n not in left_out]
    return [PluginSource(n, _load(found[n]), _editable_project(found[n])) for n in chosen]


def folder_plugins(path: Path) -> list[PluginSource]:
    """The plugins of a project folder (its ``pyproject.toml`` entry points), or of a
    package folder holding ``sector.toml``; loaded from the files, not the installation."""
    path = Path(path)
    pyproject = path / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as fh:
            project = tomllib.load(fh).get("project", {})
        points = project.get("entry-points", {}).get(GROUP, {})
        if not points:
            raise RelscaleError(_("{path}: no [project.entry-points.relscale] table").format(
                path=pyproject))
        return [PluginSource(name, _load_from(path, value), path)
                for name, value in points.items()]
    if (path / "sector.toml").is_file() or (path / "instruments").is_dir():
        name = path.name.removeprefix("relscale_")
        parent = path.parent if (path.parent / "pyproject.toml").is_file() else None
        return [PluginSource(name, DataPlugin(path.resolve()), parent)]
    raise RelscaleError(_("{path}: neither a plugin project (pyproject.toml) nor a plugin "
                          "package (sector.toml)").format(path=path))


def plugin_registry(source: PluginSource, *, include: bool = True) -> Registry:
    """The registry of core, ``education`` and (with ``include``) the plugin."""
    from relscale.plugins import make_plugin_manager

    pm = make_plugin_manager(entrypoints=False)
    if source.name != REFERENCE_SECTOR:
        for ep in entry_points(group=GROUP, name=REFERENCE_SECTOR):
            pm.register(ep.load(), name=ep.name)
    if include:
        pm.register(source.plugin, name=source.name)
    return build_registry(pm)


def _load(ep: EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as exc:  # the plugin's own import error, as relscale reports it
        raise PluginError(_("plugin {plugin!r} could not be loaded: {error_type}: {error}")
                          .format(plugin=ep.name, error_type=type(exc).__name__,
                                  error=exc)) from exc


def _load_from(root: Path, value: str) -> Any:
    """``module:attr`` of an entry point, imported from ``root`` (not from sys.path)."""
    module, _sep, attr = value.partition(":")
    top = module.split(".")[0]
    folder = next((d for d in (root / top, root / "src" / top) if d.is_dir()), None)
    if folder is None or "." in module:
        raise RelscaleError(_("{path}: cannot find the package {module!r} of the entry "
                              "point").format(path=root, module=module))
    spec = importlib.util.spec_from_file_location(
        module, folder / "__init__.py", submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        raise RelscaleError(_("{path}: cannot find the package {module!r} of the entry "
                              "point").format(path=root, module=module))
    loaded = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(loaded)
    except Exception as exc:
        raise PluginError(_("plugin {plugin!r} could not be loaded: {error_type}: {error}")
                          .format(plugin=module, error_type=type(exc).__name__,
                                  error=exc)) from exc
    return getattr(loaded, attr) if attr else loaded


def _editable_project(ep: EntryPoint) -> Path | None:
    """The project folder of an editable install (PEP 610 ``direct_url.json``)."""
    dist = ep.dist
    text = dist.read_text("direct_url.json") if dist is not None else None
    if not text:
        return None
    try:
        info = json.loads(text)
    except ValueError:
        return None
    if not info.get("dir_info", {}).get("editable"):
        return None
    url = urlparse(info.get("url", ""))
    folder = Path(unquote(url.path)) if url.scheme == "file" else None
    return folder if folder and (folder / "pyproject.toml").is_file() else None

"""The names of a new plugin (sector id, package, distribution, folder), validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.registry import Registry

SECTOR_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class PluginNames:
    """Every name of one plugin, derived from its sector id ``care_farms``."""

    sector: str
    """``care_farms``: the sector id and the entry-point name."""

    @property
    def package(self) -> str:
        """``relscale_care_farms``: the import name, also the catalog domain."""
        return f"relscale_{self.sector}"

    @property
    def distribution(self) -> str:
        """``relscale-care-farms``: the project name (and the folder ``plugin new`` makes)."""
        return f"relscale-{self.sector.replace('_', '-')}"

    @property
    def label(self) -> str:
        """``Care farms``: a first English label."""
        return self.sector.replace("_", " ").capitalize()

    @property
    def test_class(self) -> str:
        return "Test" + "".join(part.capitalize() for part in self.sector.split("_"))


def suggest_id(name: str) -> str:
    """``Care Farms`` -> ``care_farms``."""
    text = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    return text if text and text[0].isalpha() else f"sector_{text}".rstrip("_")


def plugin_names(name: str, registry: Registry, directory: Path) -> PluginNames:
    """Validate the name of a new plugin; each refusal is one line saying what to do.

    :raises RelscaleError: not a sector id (``Care Farms``), a sector that exists, an
        installed plugin of that name, or a target folder that exists.
    """
    if not SECTOR_ID.fullmatch(name):
        raise RelscaleError(_(
            "{name!r} is not a sector id: use lower-case letters, digits and underscores, "
            "starting with a letter (e.g. {suggestion})").format(
                name=name, suggestion=suggest_id(name)))
    if name in registry.sectors:
        raise RelscaleError(_(
            "sector {name!r} already exists (plugin {plugin!r}); choose another name, or "
            "start from it with --from {name}").format(
                name=name, plugin=registry.origin.get(("sector", name), "?")))
    if name in {ep.name for ep in entry_points(group="relscale")}:
        raise RelscaleError(_("a plugin named {name!r} is already installed").format(name=name))
    names = PluginNames(name)
    target = directory / names.distribution
    if target.exists():
        raise RelscaleError(_(
            "{path}: already exists; plugin new never overwrites (remove it or use --dir)"
        ).format(path=target))
    return names

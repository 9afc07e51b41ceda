"""Plugin loading: built-ins, entry points, and an allow-list.

The plugin manager is created once, lazily. Installed plugins are found through the
``relscale`` entry-point group; ``RELSCALE_PLUGINS`` (comma-separated entry-point names)
limits which of them load, and an empty value loads none, so tests and scripted runs are
not affected by whatever else is installed.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import entry_points

import pluggy

from relscale import hookspecs

ENV_ALLOW = "RELSCALE_PLUGINS"
BUILTIN_PLUGINS = ("relscale.builtin", "relscale.user_content")
"""Core's own plugin modules: the item bank, and the user's content files."""

_pm: pluggy.PluginManager | None = None


def make_plugin_manager(*, entrypoints: bool = True) -> pluggy.PluginManager:
    """A fresh plugin manager with core's built-ins and (optionally) installed plugins."""
    pm = pluggy.PluginManager("relscale")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if entrypoints:
        allowed = _allow_list()
        for ep in entry_points(group="relscale"):
            if allowed is not None and ep.name not in allowed:
                continue
            if pm.get_plugin(ep.name) is not None:
                continue
            pm.register(ep.load(), name=ep.name)
    return pm


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, created on first use."""
    global _pm
    if _pm is None:
        _pm = make_plugin_manager()
    return _pm


def reset() -> None:
    """Forget the plugin manager and registry (tests use this after (un)registering)."""
    global _pm
    _pm = None
    from relscale import registry

    registry.reset()


def _allow_list() -> set[str] | None:
    value = os.environ.get(ENV_ALLOW)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}

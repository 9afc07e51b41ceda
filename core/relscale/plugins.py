"""Plugin loading (built-ins, entry points, an allow-list) and the process-wide registry.

The plugin manager is created once, lazily. Installed plugins are found through the
``relscale`` entry-point group; ``RELSCALE_PLUGINS`` (comma-separated entry-point names)
limits which of them load, and an empty value loads none, so tests and scripted runs are
not affected by whatever else is installed.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

import pluggy

from relscale.errors import PluginError
from relscale.i18n import _
from relscale.model import hookspecs

if TYPE_CHECKING:
    from relscale.registry import Registry

ENV_ALLOW = "RELSCALE_PLUGINS"
BUILTIN_PLUGINS = ("relscale.builtin", "relscale.user_content")
"""Core's own plugin modules: the item bank, and the user's content files."""

_pm: pluggy.PluginManager | None = None
_registry: Registry | None = None


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
            _register_entry_point(pm, ep)
    _check_hook_names(pm)
    return pm


def _register_entry_point(pm: pluggy.PluginManager, ep: EntryPoint) -> None:
    """Import and register one installed plugin; a failure is one line naming it."""
    try:
        plugin = ep.load()
    except Exception as exc:  # the plugin's own import error: name it, keep the cause
        raise PluginError(
            _("plugin {plugin!r} could not be loaded: {error_type}: {error} (set {env} "
              "to the plugins to load, to leave it out)").format(
                plugin=ep.name, error_type=type(exc).__name__, error=exc, env=ENV_ALLOW
            )
        ) from exc
    try:
        pm.register(plugin, name=ep.name)
    except pluggy.PluginValidationError as exc:  # e.g. a hook argument not named `register`
        raise PluginError(
            _("plugin {plugin!r}: {error}").format(plugin=ep.name, error=_one_line(exc))
        ) from None


def _check_hook_names(pm: pluggy.PluginManager) -> None:
    """A misspelt hook would otherwise be ignored without a word (pluggy keeps it pending)."""
    for name, caller in vars(pm.hook).items():
        if name.startswith("_") or caller.has_spec():
            continue
        impls = [impl for impl in caller.get_hookimpls() if not impl.optionalhook]
        if impls:
            raise PluginError(
                _("plugin {plugin!r}: unknown hook {hook!r} (relscale's hooks: {hooks})").format(
                    plugin=impls[0].plugin_name, hook=name, hooks=", ".join(_hook_names())
                )
            )


def _hook_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("register_"))


def _one_line(exc: Exception) -> str:
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def excluded_plugins() -> list[str]:
    """Installed plugins that ``RELSCALE_PLUGINS`` keeps from loading (for error hints)."""
    allowed = _allow_list()
    if allowed is None:
        return []
    return sorted({ep.name for ep in entry_points(group="relscale")} - allowed)


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, created on first use."""
    global _pm
    if _pm is None:
        _pm = make_plugin_manager()
    return _pm


def get_registry() -> Registry:
    """The process-wide registry, built from the plugin manager on first use."""
    global _registry
    if _registry is None:
        from relscale.registry import build_registry

        _registry = build_registry(
            get_plugin_manager(), not_loaded=_not_loaded_note, lazy_norms=True
        )
    return _registry


def built_registry() -> Registry | None:
    """The process-wide registry if it has been built, else None (nothing is built)."""
    return _registry


def _not_loaded_note() -> str | None:
    excluded = excluded_plugins()
    if not excluded:
        return None
    return _("(not loaded because of {env}: {plugins})").format(
        env=ENV_ALLOW, plugins=", ".join(excluded)
    )


def reset_registry() -> None:
    """Forget the registry, so the next :func:`get_registry` rebuilds it from the plugin
    manager (after a plugin was registered or unregistered, or content files changed)."""
    global _registry
    _registry = None


def reset() -> None:
    """Forget the plugin manager and the registry: plugins are loaded again on next use."""
    global _pm
    _pm = None
    reset_registry()


def _allow_list() -> set[str] | None:
    value = os.environ.get(ENV_ALLOW)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}

"""The registry: everything plugins registered, validated and cross-checked.

Built once from the plugin manager. Each hook implementation gets its own ``register``
callable, so every error names the plugin that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pluggy
from pydantic import BaseModel, ValidationError

from relscale.errors import PluginError, RelscaleError, pydantic_summary
from relscale.models import Instrument, NormTable, Perspective, Sector

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Exporter:
    """Writes one :class:`relscale.AdaptedInstrument` to a file."""

    name: str
    suffix: str
    description: str
    export: Callable[..., None]


def _norm_key(t: NormTable) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    return (t.instrument, t.sector, t.perspective, tuple(sorted(t.group.items())))


@dataclass
class Registry:
    instruments: dict[str, Instrument] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)
    norms: list[NormTable] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, id) -> name of the plugin that registered it."""

    # --- look-ups with user-facing errors -------------------------------------------

    def instrument(self, instrument_id: str) -> Instrument:
        try:
            return self.instruments[instrument_id]
        except KeyError:
            known = ", ".join(sorted(self.instruments)) or "none"
            raise RelscaleError(
                f"unknown instrument {instrument_id!r} (known: {known})"
            ) from None

    def sector(self, sector_id: str) -> Sector:
        try:
            return self.sectors[sector_id]
        except KeyError:
            known = ", ".join(sorted(self.sectors)) or "none"
            raise RelscaleError(f"unknown sector {sector_id!r} (known: {known})") from None

    def exporter(self, name: str) -> Exporter:
        try:
            return self.exporters[name]
        except KeyError:
            known = ", ".join(sorted(self.exporters)) or "none"
            raise RelscaleError(f"unknown export format {name!r} (known: {known})") from None

    def norms_for(
        self, instrument: str, sector: str, perspective: Perspective
    ) -> tuple[NormTable, ...]:
        return tuple(
            t
            for t in self.norms
            if (t.instrument, t.sector, t.perspective) == (instrument, sector, perspective)
        )

    def offerings(self) -> Iterator[tuple[Sector, Instrument, Perspective]]:
        """Every (sector, instrument, perspective) a sector offers, in a stable order."""
        for sector in self.sectors.values():
            for instrument in self.instruments.values():
                for perspective in instrument.perspectives:
                    offering = sector.offering(instrument.id, perspective)
                    if offering is not None and not offering.declined:
                        yield sector, instrument, perspective

    # --- building -------------------------------------------------------------------

    def add(self, kind: str, obj: Any, plugin: str) -> None:
        models: dict[str, type[BaseModel]] = {
            "instrument": Instrument,
            "sector": Sector,
            "norm table": NormTable,
        }
        model = models.get(kind)
        if model is not None and not isinstance(obj, model):
            obj = _validate(model, obj, plugin, kind)
        if kind == "instrument":
            self._add_unique(self.instruments, kind, obj.id, obj, plugin)
        elif kind == "sector":
            self._add_unique(self.sectors, kind, obj.id, obj, plugin)
        elif kind == "norm table":
            key = _norm_key(obj)
            for other in self.norms:
                if _norm_key(other) == key:
                    raise PluginError(
                        f"plugin {plugin!r}: norm table {'/'.join(key[:3])} "
                        f"(group {obj.group_label}) is already registered by "
                        f"{self.origin[('norm table', repr(key))]!r}"
                    )
            self.norms.append(obj)
            self.origin[(kind, repr(key))] = plugin
        elif kind == "exporter":
            if not isinstance(obj, Exporter):
                raise PluginError(f"plugin {plugin!r}: exporter must be a relscale.Exporter")
            self._add_unique(self.exporters, kind, obj.name, obj, plugin)

    def _add_unique(
        self, store: dict[str, Any], kind: str, key: str, obj: Any, plugin: str
    ) -> None:
        if key in store:
            raise PluginError(
                f"plugin {plugin!r}: {kind} {key!r} is already registered by "
                f"plugin {self.origin[(kind, key)]!r}"
            )
        store[key] = obj
        self.origin[(kind, key)] = plugin

    def check(self) -> None:
        """Cross-check sectors and norms against instruments."""
        for sector in self.sectors.values():
            plugin = self.origin[("sector", sector.id)]
            for offering in sector.offerings:
                _check_offering(self, sector, offering, plugin)
        for table in self.norms:
            plugin = self.origin[("norm table", repr(_norm_key(table)))]
            _check_norms(self, table, plugin)


def _validate(model: type[M], obj: Any, plugin: str, kind: str) -> M:
    if not isinstance(obj, dict):
        raise PluginError(
            f"plugin {plugin!r}: {kind} must be a {model.__name__} or a dict, "
            f"got {type(obj).__name__}"
        )
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        name = obj.get("id") or obj.get("instrument") or "?"
        raise PluginError(
            f"plugin {plugin!r}: {kind} {name!r}: {pydantic_summary(exc)}"
        ) from None


def _check_offering(reg: Registry, sector: Sector, offering: Any, plugin: str) -> None:
    where = f"plugin {plugin!r}: sector {sector.id!r}: {offering.instrument}/{offering.perspective}"
    instrument = reg.instruments.get(offering.instrument)
    if instrument is None:
        raise PluginError(f"{where}: unknown instrument {offering.instrument!r}")
    if offering.perspective not in instrument.perspectives:
        raise PluginError(f"{where}: the instrument has no {offering.perspective!r} perspective")
    if offering.declined:
        return
    slots = {s.id: s for s in instrument.slots(offering.perspective)}
    other_slots = {s.id for s in instrument.items} - set(slots)
    covered = set()
    for wording in offering.items:
        if wording.provenance == "added":
            if wording.item in slots or wording.item in other_slots:
                raise PluginError(
                    f"{where}: added item {wording.item!r} reuses an id of the instrument"
                )
            if wording.dimension not in {d.id for d in instrument.dimensions}:
                raise PluginError(
                    f"{where}: added item {wording.item!r}: unknown dimension "
                    f"{wording.dimension!r}"
                )
        elif wording.item not in slots:
            raise PluginError(
                f"{where}: item {wording.item!r} is not a slot of this instrument perspective "
                "(new items need provenance 'added')"
            )
        covered.add(wording.item)
    missing = [s for s in slots if s not in covered]
    if missing:
        raise PluginError(
            f"{where}: item slots neither worded nor dropped: {', '.join(missing)}"
        )


def _check_norms(reg: Registry, table: NormTable, plugin: str) -> None:
    where = (
        f"plugin {plugin!r}: norm table {table.instrument}/{table.sector}/{table.perspective} "
        f"({table.group_label})"
    )
    instrument = reg.instruments.get(table.instrument)
    if instrument is None:
        raise PluginError(f"{where}: unknown instrument {table.instrument!r}")
    if table.perspective not in instrument.perspectives:
        raise PluginError(f"{where}: the instrument has no {table.perspective!r} perspective")
    dims = {d.id for d in instrument.dimensions}
    for d in table.dimensions:
        if d.dimension not in dims:
            raise PluginError(f"{where}: unknown dimension {d.dimension!r}")


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Call every registration hook, plugin by plugin, and cross-check the result."""
    reg = Registry()
    hooks = (
        ("register_instruments", "instrument"),
        ("register_sectors", "sector"),
        ("register_norms", "norm table"),
        ("register_exporters", "exporter"),
    )
    for hook_name, kind in hooks:
        hook = getattr(pm.hook, hook_name)
        # get_hookimpls() is in registration order: built-ins first, then plugins.
        for impl in hook.get_hookimpls():
            plugin = impl.plugin_name

            def register(obj: Any, _kind: str = kind, _plugin: str = plugin) -> None:
                reg.add(_kind, obj, _plugin)

            try:
                impl.function(register=register)
            except RelscaleError:
                raise
            except Exception as exc:  # a plugin's own bug: name it, keep the cause
                raise PluginError(
                    f"plugin {plugin!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
                ) from exc
    reg.check()
    return reg


_registry: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built from the plugin manager on first use."""
    global _registry
    if _registry is None:
        from relscale.plugins import get_plugin_manager

        _registry = build_registry(get_plugin_manager())
    return _registry


def reset() -> None:
    """Forget the registry so the next :func:`get_registry` rebuilds it."""
    global _registry
    _registry = None

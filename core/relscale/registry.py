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

from relscale.errors import PluginError, RelscaleError
from relscale.i18n import N_, _
from relscale.messages import pydantic_summary
from relscale.model.models import Instrument, NormTable, Offering, Perspective, Sector

M = TypeVar("M", bound=BaseModel)

_KINDS = {
    "instrument": N_("instrument"),
    "sector": N_("sector"),
    "norm table": N_("norm table"),
    "exporter": N_("exporter"),
}
"""What a plugin registers, as named in messages (the keys are internal)."""


def _kind(kind: str) -> str:
    return _(_KINDS[kind]) if kind in _KINDS else kind


@dataclass(frozen=True)
class Exporter:
    """Writes one :class:`relscale.AdaptedInstrument` to a file.

    ``export(adapted, path, *, overwrite=False)`` is called by ``relscale export``; it
    must refuse an existing ``path`` unless ``overwrite`` (:func:`relscale.atomic_write`
    does that, and leaves no half-written file). ``description`` is shown in
    ``relscale exporters``.
    """

    name: str
    suffix: str
    description: str
    export: Callable[..., None]


T = TypeVar("T")


def _look_up(
    store: dict[str, T],
    key: str,
    message: str,
    placeholder: str,
    not_loaded: Callable[[], str | None] | None,
) -> T:
    """``store[key]``, or a :class:`RelscaleError` from ``message`` (marked ``N_()``, with
    ``key`` as ``{placeholder}``) naming the known keys, and what ``not_loaded`` says of
    installed plugins left out."""
    try:
        return store[key]
    except KeyError:
        known = ", ".join(sorted(store)) or _("none")
        text = _(message).format(known=known, **{placeholder: key})
        note = not_loaded() if not_loaded else None
        if note:
            text += " " + note
        raise RelscaleError(text) from None


def _norm_key(t: NormTable) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    return (t.instrument, t.sector, t.perspective, tuple(sorted(t.group.items())))


USER_CONTENT = "relscale.user_content"
"""The plugin name of the user's content files (``--content``): its norm tables replace a
plugin's table for the same instrument, sector, perspective and group."""


@dataclass
class Registry:
    """Everything the plugins registered: instruments, sectors, norm tables, exporters.

    Built by :func:`build_registry`; :func:`relscale.plugins.get_registry` holds the
    process-wide one.
    """

    instruments: dict[str, Instrument] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)
    _norms: list[NormTable] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, id) -> name of the plugin that registered it."""
    not_loaded: Callable[[], str | None] | None = None
    """Says which installed plugins the allow-list keeps out, for look-up errors."""
    load_norms: Callable[[Registry], None] | None = None
    """Registers the norm tables on first use of :attr:`norms` (parsing every norm file
    costs more than ``relscale sectors`` or ``--help`` should pay)."""

    @property
    def norms(self) -> list[NormTable]:
        """Every registered norm table (read and checked on first use)."""
        if self.load_norms is not None:
            load, self.load_norms = self.load_norms, None
            try:
                load(self)
            except BaseException:
                self._norms.clear()
                self.load_norms = load
                raise
        return self._norms

    # --- look-ups with user-facing errors -------------------------------------------

    def instrument(self, instrument_id: str) -> Instrument:
        """The instrument with this id; an error listing the known ids if there is none."""
        return _look_up(
            self.instruments,
            instrument_id,
            N_("unknown instrument {instrument!r} (known: {known})"),
            "instrument",
            self.not_loaded,
        )

    def sector(self, sector_id: str) -> Sector:
        """The sector with this id; an error listing the known ids if there is none."""
        return _look_up(
            self.sectors, sector_id, N_("unknown sector {sector!r} (known: {known})"), "sector",
            self.not_loaded,
        )

    def exporter(self, name: str) -> Exporter:
        """The exporter with this name; an error listing the known names if there is none."""
        return _look_up(
            self.exporters, name, N_("unknown export format {name!r} (known: {known})"), "name",
            self.not_loaded,
        )

    def norms_for(
        self, instrument: str, sector: str, perspective: Perspective
    ) -> tuple[NormTable, ...]:
        """The registered norm tables for one instrument x sector x perspective (every group)."""
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
        """Validate ``obj`` (a model, or a dict of its fields) and store it as registered by
        ``plugin``; ``kind`` is ``instrument``, ``sector``, ``norm table`` or ``exporter``."""
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
            for k, other in enumerate(self._norms):
                if _norm_key(other) == key:
                    # the user's own table (--content FILE) stands in for a plugin's
                    # table of the same group: that is what loading it is for
                    origin = self.origin[("norm table", repr(key))]
                    if origin == USER_CONTENT and plugin != USER_CONTENT:
                        return
                    if plugin == USER_CONTENT and origin != USER_CONTENT:
                        self._norms[k] = obj
                        self.origin[(kind, repr(key))] = plugin
                        return
                    raise PluginError(
                        _("plugin {plugin!r}: norm table {table} (group {group}) is already "
                          "registered by {other!r}").format(
                            plugin=plugin,
                            table="/".join(key[:3]),
                            group=obj.group_label,
                            other=self.origin[("norm table", repr(key))],
                        )
                    )
            self._norms.append(obj)
            self.origin[(kind, repr(key))] = plugin
        elif kind == "exporter":
            if not isinstance(obj, Exporter):
                raise PluginError(
                    _("plugin {plugin!r}: exporter must be a relscale.Exporter").format(
                        plugin=plugin
                    )
                )
            self._add_unique(self.exporters, kind, obj.name, obj, plugin)

    def _add_unique(
        self, store: dict[str, Any], kind: str, key: str, obj: Any, plugin: str
    ) -> None:
        if key in store:
            raise PluginError(
                _("plugin {plugin!r}: {kind} {key!r} is already registered by plugin "
                  "{other!r}").format(
                    plugin=plugin, kind=_kind(kind), key=key, other=self.origin[(kind, key)]
                )
            )
        store[key] = obj
        self.origin[(kind, key)] = plugin

    def check(self) -> None:
        """Cross-check sectors against instruments (norms: :meth:`check_norms`)."""
        for sector in self.sectors.values():
            plugin = self.origin[("sector", sector.id)]
            for offering in sector.offerings:
                _check_offering(self, sector, offering, plugin)

    def check_norms(self) -> None:
        """Cross-check norm tables against instruments and sectors."""
        for table in self._norms:
            plugin = self.origin[("norm table", repr(_norm_key(table)))]
            _check_norms(self, table, plugin)


def _validate(model: type[M], obj: Any, plugin: str, kind: str) -> M:
    if not isinstance(obj, dict):
        raise PluginError(
            _("plugin {plugin!r}: {kind} must be a {model} or a dict, got {type}").format(
                plugin=plugin, kind=_kind(kind), model=model.__name__, type=type(obj).__name__
            )
        )
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        name = obj.get("id") or obj.get("instrument") or "?"
        raise PluginError(
            _("plugin {plugin!r}: {kind} {name!r}: {problem}").format(
                plugin=plugin, kind=_kind(kind), name=name, problem=pydantic_summary(exc)
            )
        ) from None


def _instrument_with(
    reg: Registry, instrument_id: str, perspective: str, where: str
) -> Instrument:
    """The registered instrument, which must have ``perspective``; errors start ``where``."""
    instrument = reg.instruments.get(instrument_id)
    if instrument is None:
        raise PluginError(
            _("{where}: unknown instrument {instrument!r}").format(
                where=where, instrument=instrument_id
            )
        )
    if perspective not in instrument.perspectives:
        raise PluginError(
            _("{where}: the instrument has no {perspective!r} perspective").format(
                where=where, perspective=perspective
            )
        )
    return instrument


def _check_offering(reg: Registry, sector: Sector, offering: Offering, plugin: str) -> None:
    where = _("plugin {plugin!r}: sector {sector!r}: {instrument}/{perspective}").format(
        plugin=plugin,
        sector=sector.id,
        instrument=offering.instrument,
        perspective=offering.perspective,
    )
    instrument = _instrument_with(reg, offering.instrument, offering.perspective, where)
    if offering.declined:
        return
    slots = {s.id: s for s in instrument.slots(offering.perspective)}
    other_slots = {s.id for s in instrument.items} - set(slots)
    covered = set()
    for wording in offering.items:
        if wording.provenance == "added":
            if wording.item in slots or wording.item in other_slots:
                raise PluginError(
                    _("{where}: added item {item!r} reuses an id of the instrument").format(
                        where=where, item=wording.item
                    )
                )
            if wording.dimension not in {d.id for d in instrument.dimensions}:
                raise PluginError(
                    _("{where}: added item {item!r}: unknown dimension {dimension!r}").format(
                        where=where, item=wording.item, dimension=wording.dimension
                    )
                )
        elif wording.item not in slots:
            raise PluginError(
                _("{where}: item {item!r} is not a slot of this instrument perspective "
                  "(new items need provenance 'added')").format(where=where, item=wording.item)
            )
        covered.add(wording.item)
    missing = [s for s in slots if s not in covered]
    if missing:
        raise PluginError(
            _("{where}: item slots neither worded nor dropped: {items}").format(
                where=where, items=", ".join(missing)
            )
        )


def _check_norms(reg: Registry, table: NormTable, plugin: str) -> None:
    where = _(
        "plugin {plugin!r}: norm table {instrument}/{sector}/{perspective} ({group})"
    ).format(
        plugin=plugin,
        instrument=table.instrument,
        sector=table.sector,
        perspective=table.perspective,
        group=table.group_label,
    )
    instrument = _instrument_with(reg, table.instrument, table.perspective, where)
    # A table no sector can use would be ignored without a word (a typo in `sector`).
    sector = reg.sectors.get(table.sector)
    if sector is None:
        raise PluginError(
            _("{where}: unknown sector {sector!r}").format(where=where, sector=table.sector)
        )
    offering = sector.offering(table.instrument, table.perspective)
    if offering is None or offering.declined:
        raise PluginError(
            _("{where}: the sector does not offer this instrument perspective").format(
                where=where
            )
        )
    dims = {d.id for d in instrument.dimensions}
    for d in table.dimensions:
        if d.dimension not in dims:
            raise PluginError(
                _("{where}: unknown dimension {dimension!r}").format(
                    where=where, dimension=d.dimension
                )
            )


def build_registry(
    pm: pluggy.PluginManager,
    *,
    not_loaded: Callable[[], str | None] | None = None,
    lazy_norms: bool = False,
) -> Registry:
    """Call every registration hook, plugin by plugin, and cross-check the result.

    ``not_loaded`` says, at look-up time, which installed plugins were left out.
    ``lazy_norms``: register (and check) the norm tables when :attr:`Registry.norms` is
    first used, not now (the process-wide registry: ``relscale sectors`` shows no norms).
    """
    reg = Registry(not_loaded=not_loaded)
    for hook_name, kind in (
        ("register_instruments", "instrument"),
        ("register_sectors", "sector"),
        ("register_exporters", "exporter"),
    ):
        _call_hooks(pm, reg, hook_name, kind)
    reg.check()

    def load_norms(reg: Registry) -> None:
        _call_hooks(pm, reg, "register_norms", "norm table")
        reg.check_norms()

    reg.load_norms = load_norms
    if not lazy_norms:
        reg.norms  # noqa: B018 - registers and checks them now
    return reg


def _call_hooks(pm: pluggy.PluginManager, reg: Registry, hook_name: str, kind: str) -> None:
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
                _("plugin {plugin!r} failed in {hook}: {error_type}: {error}").format(
                    plugin=plugin, hook=hook_name, error_type=type(exc).__name__, error=exc
                )
            ) from exc

"""relscale: adapt relationship instruments from education to other care sectors.

The public API for plugins and scripts. Plugins import only from here.

Names are imported on first use (PEP 562), so ``import relscale`` (and ``relscale --help``)
does not load pydantic, numpy or the content files until something needs them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from relscale.__about__ import __version__

_EXPORTS: dict[str, str] = {
    "PERSPECTIVES": "relscale.model.models",
    "AdaptedDimension": "relscale.model.models",
    "AdaptedInstrument": "relscale.model.models",
    "AdaptedItem": "relscale.model.models",
    "Band": "relscale.model.models",
    "ContentError": "relscale.errors",
    "DataError": "relscale.errors",
    "DataPlugin": "relscale.data_plugin",
    "Dimension": "relscale.model.models",
    "DimensionNorm": "relscale.model.models",
    "Exporter": "relscale.registry",
    "Instrument": "relscale.model.models",
    "ItemSlot": "relscale.model.models",
    "ItemWording": "relscale.model.models",
    "LocaleError": "relscale.errors",
    "LocalizedExporter": "relscale.exporters.localized",
    "NormTable": "relscale.model.models",
    "Offering": "relscale.model.models",
    "PercentilePoint": "relscale.model.models",
    "Perspective": "relscale.model.models",
    "PluginError": "relscale.errors",
    "Population": "relscale.model.models",
    "Registry": "relscale.registry",
    "ReliabilityReport": "relscale.scoring",
    "RelscaleError": "relscale.errors",
    "ResponseScale": "relscale.model.models",
    "Role": "relscale.model.models",
    "ScalePoint": "relscale.model.models",
    "ScoreRun": "relscale.scoring",
    "ScoringRule": "relscale.model.models",
    "Sector": "relscale.model.models",
    "adapt": "relscale.adapt",
    "atomic_write": "relscale.io.atomic",
    "build_norms_from_file": "relscale.scoring",
    "data_plugin": "relscale.data_plugin",
    "get_registry": "relscale.plugins",
    "hookimpl": "relscale.model.hookspecs",
    "instrument_reliability": "relscale.scoring",
    "item_reliability": "relscale.scoring",
    "load_instrument": "relscale.model.content",
    "load_norm_table": "relscale.model.content",
    "load_norm_tables": "relscale.model.content",
    "load_sector": "relscale.model.content",
    "read_toml": "relscale.model.content",
    "score_files": "relscale.scoring",
    "write_norm_groups": "relscale.scoring",
    "write_reliability": "relscale.outputs",
    "write_scores": "relscale.outputs",
}

if TYPE_CHECKING:
    from relscale.adapt import adapt
    from relscale.data_plugin import DataPlugin, data_plugin
    from relscale.errors import ContentError, DataError, LocaleError, PluginError, RelscaleError
    from relscale.exporters.localized import LocalizedExporter
    from relscale.io.atomic import atomic_write
    from relscale.model.content import (
        load_instrument,
        load_norm_table,
        load_norm_tables,
        load_sector,
        read_toml,
    )
    from relscale.model.hookspecs import hookimpl
    from relscale.model.models import (
        PERSPECTIVES,
        AdaptedDimension,
        AdaptedInstrument,
        AdaptedItem,
        Band,
        Dimension,
        DimensionNorm,
        Instrument,
        ItemSlot,
        ItemWording,
        NormTable,
        Offering,
        PercentilePoint,
        Perspective,
        Population,
        ResponseScale,
        Role,
        ScalePoint,
        ScoringRule,
        Sector,
    )
    from relscale.outputs import write_reliability, write_scores
    from relscale.plugins import get_registry
    from relscale.registry import Exporter, Registry
    from relscale.scoring import (
        ReliabilityReport,
        ScoreRun,
        build_norms_from_file,
        instrument_reliability,
        item_reliability,
        score_files,
        write_norm_groups,
    )

__all__ = [
    "PERSPECTIVES",
    "AdaptedDimension",
    "AdaptedInstrument",
    "AdaptedItem",
    "Band",
    "ContentError",
    "DataError",
    "DataPlugin",
    "Dimension",
    "DimensionNorm",
    "Exporter",
    "Instrument",
    "ItemSlot",
    "ItemWording",
    "LocaleError",
    "LocalizedExporter",
    "NormTable",
    "Offering",
    "PercentilePoint",
    "Perspective",
    "PluginError",
    "Population",
    "Registry",
    "ReliabilityReport",
    "RelscaleError",
    "ResponseScale",
    "Role",
    "ScalePoint",
    "ScoreRun",
    "ScoringRule",
    "Sector",
    "__version__",
    "adapt",
    "atomic_write",
    "build_norms_from_file",
    "data_plugin",
    "get_registry",
    "hookimpl",
    "instrument_reliability",
    "item_reliability",
    "load_instrument",
    "load_norm_table",
    "load_norm_tables",
    "load_sector",
    "read_toml",
    "score_files",
    "write_norm_groups",
    "write_reliability",
    "write_scores",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'relscale' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """``relscale.adapt`` and ``relscale.data_plugin`` are functions, as when they were
    imported eagerly: importing the submodule of the same name must not replace them."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

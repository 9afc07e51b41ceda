"""relscale: adapt relationship instruments from education to other care sectors.

The public API for plugins and scripts. Plugins import only from here.
"""

from relscale.__about__ import __version__
from relscale.adapt import adapt
from relscale.data_plugin import DataPlugin, data_plugin
from relscale.errors import ContentError, DataError, LocaleError, PluginError, RelscaleError
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
from relscale.plugins import get_registry
from relscale.registry import Exporter, Registry

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
    "NormTable",
    "Offering",
    "PercentilePoint",
    "Perspective",
    "PluginError",
    "Population",
    "Registry",
    "RelscaleError",
    "ResponseScale",
    "Role",
    "ScalePoint",
    "ScoringRule",
    "Sector",
    "__version__",
    "adapt",
    "atomic_write",
    "data_plugin",
    "get_registry",
    "hookimpl",
    "load_instrument",
    "load_norm_table",
    "load_norm_tables",
    "load_sector",
    "read_toml",
]

"""relscale: adapt relationship instruments from education to other care sectors.

The public API for plugins and scripts. Plugins import only from here.
"""

from relscale.__about__ import __version__
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

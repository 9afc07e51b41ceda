"""relscale sector plugin: my sector.

Registers the sector (roles, wording, provenance, catalog) and its norm tables from the
data files beside this module, through relscale's public API only.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import relscale

HERE = Path(__file__).parent


@relscale.hookimpl
def register_sectors(register: Callable[[Any], None]) -> None:
    register(relscale.load_sector(HERE / "sector.toml"))


@relscale.hookimpl
def register_norms(register: Callable[[Any], None]) -> None:
    for table in relscale.load_norm_tables(HERE / "norms"):
        register(table)

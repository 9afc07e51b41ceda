"""Core's own plugin: the three instruments of relscale's item bank."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from relscale.content import load_instrument
from relscale.hookspecs import hookimpl

INSTRUMENT_DIR = Path(__file__).parent / "instruments"


@hookimpl
def register_instruments(register: Callable[[Any], None]) -> None:
    for path in sorted(INSTRUMENT_DIR.glob("*.toml")):
        register(load_instrument(path))

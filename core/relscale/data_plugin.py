"""A plugin without code: the data files beside a module, registered in one line.

Most sector plugins hold only data: a ``sector.toml`` (roles, wording, provenance), norm
tables in ``norms/*.toml``, PO catalogs in ``locale/<lang>/LC_MESSAGES/``, and, for a
plugin that brings its own (for example licensed) instrument, ``instruments/*.toml``.
Such a plugin's ``__init__.py`` is three lines::

    \"\"\"relscale sector plugin: care farms.\"\"\"
    import relscale
    plugin = relscale.data_plugin(__file__)

and its entry point names the object: ``care_farms = "relscale_care_farms:plugin"``.
A plugin that needs code implements the hooks itself (``docs/hooks.md``); it can still
call :func:`data_plugin` for its data and register its own objects beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from relscale.errors import ContentError
from relscale.i18n import _
from relscale.model.hookspecs import hookimpl

SECTOR_FILE = "sector.toml"
NORMS_DIR = "norms"
INSTRUMENTS_DIR = "instruments"


class DataPlugin:
    """Registers what lies in ``folder``: instruments, the sector and its norm tables.

    The sector's catalogs are found by the sector itself (``locale/`` beside
    ``sector.toml``, domain ``relscale_<sector id>``), as :func:`relscale.load_sector`
    sets them.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sector_file = folder / SECTOR_FILE
        self.instrument_files = sorted((folder / INSTRUMENTS_DIR).glob("*.toml"))
        if not self.sector_file.is_file() and not self.instrument_files:
            raise ContentError(
                _("{folder}: a data plugin needs {sector} or {instruments}/*.toml").format(
                    folder=folder, sector=SECTOR_FILE, instruments=INSTRUMENTS_DIR
                )
            )

    def __repr__(self) -> str:
        return f"DataPlugin({str(self.folder)!r})"

    @hookimpl
    def register_instruments(self, register: Callable[[Any], None]) -> None:
        # The loaders import pydantic: only when the registry is built, not at plugin load.
        from relscale.model.content import load_instrument

        for path in self.instrument_files:
            register(load_instrument(path))

    @hookimpl
    def register_sectors(self, register: Callable[[Any], None]) -> None:
        from relscale.model.content import load_sector

        if self.sector_file.is_file():
            register(load_sector(self.sector_file))

    @hookimpl
    def register_norms(self, register: Callable[[Any], None]) -> None:
        from relscale.model.content import load_norm_tables

        for table in load_norm_tables(self.folder / NORMS_DIR):
            register(table)


def data_plugin(module_file: str | Path) -> DataPlugin:
    """The plugin for the data files beside ``module_file`` (pass ``__file__``).

    :param module_file: a file in the plugin's package folder, normally its
        ``__init__.py``; the folder holding it is searched for ``sector.toml``,
        ``norms/*.toml`` and ``instruments/*.toml``.
    :raises ContentError: the folder has neither a sector nor an instrument file.
    """
    return DataPlugin(Path(module_file).resolve().parent)

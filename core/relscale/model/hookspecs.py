"""Every hook a relscale plugin can implement.

Hooks receive a ``register`` callable (the style of ``llm``): the plugin calls it once
per object, and core validates, de-duplicates and orders what was registered. An object
may be passed as a model instance or as a plain ``dict`` of the model's fields.
The reference with examples is ``docs/hooks.md``; a test fails when a hook is missing
from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("relscale")
hookimpl = pluggy.HookimplMarker("relscale")


# --- content ---------------------------------------------------------------------------


@hookspec
def register_instruments(register: Callable[[Any], None]) -> None:
    """Register abstract instruments.

    :param register: call ``register(instrument)`` with a :class:`relscale.Instrument`
        (or a dict of its fields) for every instrument the plugin defines. Ids must be
        unique across all plugins.
    :return: nothing; results are collected through ``register``.
    """


@hookspec
def register_sectors(register: Callable[[Any], None]) -> None:
    """Register care sectors: roles, item wording per instrument and perspective,
    provenance of each item relative to education, and the sector's gettext catalog.

    :param register: call ``register(sector)`` with a :class:`relscale.Sector`; most
        plugins build it with :func:`relscale.load_sector` from a TOML file. Every item
        slot of an offered instrument perspective must be worded or dropped.
    :return: nothing.
    """


@hookspec
def register_norms(register: Callable[[Any], None]) -> None:
    """Register norm tables.

    :param register: call ``register(norm_table)`` with a :class:`relscale.NormTable`
        (usually from :func:`relscale.load_norm_table`). One table per instrument x
        sector x perspective x norm group; a second table for the same key is an error.
    :return: nothing.
    """


@hookspec
def register_exporters(register: Callable[[Any], None]) -> None:
    """Register exporters that turn an :class:`relscale.AdaptedInstrument` into a file.

    :param register: call ``register(exporter)`` with a :class:`relscale.Exporter`:
        a unique ``name``, a file ``suffix``, a ``description`` and an
        ``export(adapted, path, *, overwrite=False)`` function that refuses an existing
        ``path`` unless ``overwrite`` (write through :func:`relscale.atomic_write`).
    :return: nothing.
    """


# --- command line ----------------------------------------------------------------------


@hookspec
def register_commands(cli: Any) -> None:
    """Add commands to the ``relscale`` command line.

    :param cli: the root :class:`typer.Typer` application. Add commands with
        ``@cli.command()`` or groups with ``cli.add_typer(...)``. Keep heavy imports
        inside the command functions so ``relscale --help`` stays fast.
    :return: nothing.
    """

"""Core's plugin for the user's own content files (``--content FILE`` / ``RELSCALE_CONTENT``).

A researcher who holds a licence for published item wording, or who is drafting a new
sector, writes it in the same TOML formats the built-in plugins use and passes the files;
no Python package is needed. The kind of each file is told by its keys: ``offerings``
(a sector), ``items`` (an instrument) or ``population`` (a norm table).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from relscale.errors import ContentError
from relscale.i18n import _
from relscale.model.hookspecs import hookimpl

ENV_CONTENT = "RELSCALE_CONTENT"
"""Content files, separated by the platform's path separator (``:`` or ``;``)."""

_added: list[Path] = []


def add_content_files(paths: Iterable[Path | str]) -> None:
    """Load these content files too (what ``--content FILE`` does), after those named in
    ``RELSCALE_CONTENT``.

    The registry is built once: call :func:`relscale.plugins.reset_registry` afterwards
    if it may have been built already.
    """
    _added.extend(Path(p) for p in paths)


def clear_content_files() -> None:
    """Forget the files added with :func:`add_content_files` (the variable still counts)."""
    _added.clear()


def content_files() -> list[Path]:
    """The content files named in ``RELSCALE_CONTENT``, then those added with
    :func:`add_content_files`."""
    named = [Path(p) for p in os.environ.get(ENV_CONTENT, "").split(os.pathsep) if p.strip()]
    # The same file named twice (by the variable and by --content) loads once.
    unique: dict[Path, Path] = {}
    for p in (*named, *_added):
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def _kind(path: Path) -> str:
    from relscale.model.content import read_toml

    data = read_toml(path)
    if "offerings" in data:
        return "sector"
    if "population" in data:
        return "norms"
    if "items" in data:
        return "instrument"
    raise ContentError(
        _("{path}: not a relscale content file (expected a sector with 'offerings', "
          "an instrument with 'items', or a norm table with 'population')").format(path=path)
    )


def _of_kind(kind: str) -> list[Path]:
    return [p for p in content_files() if _kind(p) == kind]


@hookimpl
def register_instruments(register: Callable[[Any], None]) -> None:
    for path in _of_kind("instrument"):
        from relscale.model.content import load_instrument

        register(load_instrument(path))


@hookimpl
def register_sectors(register: Callable[[Any], None]) -> None:
    for path in _of_kind("sector"):
        from relscale.model.content import load_sector

        register(load_sector(path))


@hookimpl
def register_norms(register: Callable[[Any], None]) -> None:
    for path in _of_kind("norms"):
        from relscale.model.content import load_norm_table

        register(load_norm_table(path))

"""Loading content files: instruments, sectors and norm tables as TOML.

The same formats serve built-in plugins and users: a researcher with licensed wording
can put it in a sector file and pass it with ``--content FILE`` (see docs/content.md).
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from relscale.errors import ContentError
from relscale.i18n import _, pydantic_summary
from relscale.model.models import (
    DEPRECATED_PROVENANCE,
    Instrument,
    NormTable,
    RelscaleDeprecationWarning,
    Sector,
    deprecated_provenance_note,
)

M = TypeVar("M", bound=BaseModel)


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; errors name the file and line."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ContentError(_("{path}: no such file").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(
            _("{path}: not valid TOML: {error}").format(path=path, error=exc)
        ) from None


def _validate(model: type[M], data: dict[str, Any], path: str | Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(f"{path}: {pydantic_summary(exc)}") from None


def load_instrument(path: str | Path) -> Instrument:
    """Load an :class:`Instrument` from a TOML file."""
    return _validate(Instrument, read_toml(path), path)


def load_sector(
    path: str | Path, *, domain: str | None = None, locale_dir: str | Path | None = None
) -> Sector:
    """Load a :class:`Sector` from a TOML file.

    :param domain: gettext domain of the sector's catalog; default ``relscale_<id>``.
    :param locale_dir: folder with ``<lang>/LC_MESSAGES/<domain>.po``; default the
        ``locale`` folder beside the TOML file.
    """
    path = Path(path)
    data = read_toml(path)
    sector_id = data.get("id", "")
    data.setdefault("domain", domain or f"relscale_{sector_id}")
    data.setdefault("locale_dir", str(locale_dir or path.parent / "locale"))
    _upgrade_provenance(data, path)
    return _validate(Sector, data, path)


def _upgrade_provenance(data: dict[str, Any], path: Path) -> None:
    """Read deprecated provenance names (``verbatim``) as their new names, warning once
    per file with the file and the items concerned."""
    found: dict[str, list[str]] = {}
    for offering in data.get("offerings") or ():
        for item in offering.get("items") or () if isinstance(offering, dict) else ():
            old = item.get("provenance") if isinstance(item, dict) else None
            if isinstance(old, str) and old in DEPRECATED_PROVENANCE:
                found.setdefault(old, []).append(str(item.get("item")))
                item["provenance"] = DEPRECATED_PROVENANCE[old]
    for old, items in found.items():
        shown = ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
        warnings.warn(f"{path}: {deprecated_provenance_note(old)} (items {shown})",
                      RelscaleDeprecationWarning, stacklevel=3)


def load_norm_table(path: str | Path) -> NormTable:
    """Load a :class:`NormTable` from a TOML file."""
    return _validate(NormTable, read_toml(path), path)


def load_norm_tables(folder: str | Path) -> list[NormTable]:
    """Load every ``*.toml`` norm table in a folder (none if the folder does not exist)."""
    return [load_norm_table(p) for p in sorted(Path(folder).glob("*.toml"))]

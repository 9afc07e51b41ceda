"""JSON Schemas of the content files (instrument, sector, norm table), from the models.

The schemas are generated from the pydantic models (``model_json_schema()``), so they say
exactly what :func:`relscale.load_sector` and friends accept. relscale ships them as files
(``relscale/schemas/<kind>.schema.json``; a test keeps them equal to the generated ones),
for editors: a ``#:schema`` line at the top of a TOML file (taplo, Even Better TOML) gives
completion and validation while writing ``sector.toml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.model.models import Instrument, NormTable, Sector
from relscale.model.roster import RosterRows

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

CONTENT_KINDS: dict[str, type[BaseModel]] = {
    "instrument": Instrument,
    "sector": Sector,
    "norm_table": NormTable,
    "roster": RosterRows,
}
"""The content file kinds, as named on the command line and in the schema file names
(``roster``: the rows of a round's roster, :mod:`relscale.model.roster`)."""

FILE_DEFAULTS: dict[str, tuple[str, ...]] = {"sector": ("domain",)}
"""Fields a file may leave out because the loader fills them in (``load_sector`` sets
``domain`` to ``relscale_<id>``): not required in the file's schema."""


def content_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of content file.

    :param kind: ``instrument``, ``sector``, ``norm_table`` or ``roster``.
    :raises RelscaleError: an unknown kind, naming the known ones.
    """
    model = _model(kind)
    schema = model.model_json_schema(mode="validation")
    optional = FILE_DEFAULTS.get(kind, ())
    if optional and "required" in schema:
        schema["required"] = [f for f in schema["required"] if f not in optional]
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_text(kind: str) -> str:
    """The schema as written to the shipped file: indented JSON, one trailing newline."""
    return json.dumps(content_schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def shipped_schema_path(kind: str) -> Path:
    """The schema file shipped inside the relscale package."""
    _model(kind)
    return SCHEMA_DIR / schema_file_name(kind)


def write_schema(kind: str, path: Path, *, overwrite: bool = False) -> Path:
    """Write the schema of ``kind`` to ``path`` (an existing file only with ``overwrite``)."""
    text = schema_text(kind)
    path = Path(path)
    if path.exists() and not overwrite:
        raise RelscaleError(
            _("{path}: already exists (use --force to overwrite)").format(path=path)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _model(kind: str) -> type[BaseModel]:
    try:
        return CONTENT_KINDS[kind]
    except KeyError:
        raise RelscaleError(
            _("unknown content kind {kind!r} (known: {known})").format(
                kind=kind, known=", ".join(CONTENT_KINDS)
            )
        ) from None

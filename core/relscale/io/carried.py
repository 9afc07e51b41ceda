"""What response data say about themselves: the instrument, sector and perspective they
were answered on.

relscale's forms and scoring sheets carry these in their metadata, and ``relscale read``
writes them as columns (``instrument``, ``sector``, ``perspective``) of its CSV; a round's
export can do the same. :func:`carried_key` finds them, so that such data are scored only as
what they are (:func:`relscale.scoring.run.scoring_key`). A plain table without them
carries nothing: it is scored as the user asks, and the output says what was assumed.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from relscale.errors import DataError
from relscale.i18n import _

KEY_COLUMNS = ("instrument", "sector", "perspective")
SMALL_CSV = 1 << 20
"""Below this size a CSV's key columns are read with :mod:`csv`; above, with polars."""


@dataclass(frozen=True)
class CarriedKey:
    """The instrument, sector and perspective response data name themselves (None where a
    part is not named), and where that was read (for messages)."""

    instrument: str | None
    sector: str | None
    perspective: str | None
    source: str
    """``the forms' metadata``, ``column sector of x.csv``: where the sector was read."""


def carried_key(paths: Sequence[Path]) -> CarriedKey | None:
    """The key the inputs carry, or None for data that do not name their sector.

    A filled scoring sheet and relscale's forms name theirs in their metadata; a CSV names
    it in a ``sector`` column (as ``relscale read`` writes it) whose every value is a
    registered sector (values that are not are some other ``sector`` column, not relscale's).

    :raises DataError: a CSV whose key column holds more than one registered value (answers
        of several sectors: score each separately).
    """
    data = [Path(p) for p in paths]
    if len(data) == 1 and data[0].is_file():
        suffix = data[0].suffix.lower()
        if suffix == ".csv":
            return _csv_key(data[0])
        if suffix == ".xlsx":
            key = _sheet_key(data[0])
            if key is not None:
                return key
    return _form_key(data)


def _sheet_key(path: Path) -> CarriedKey | None:
    from relscale.io.responses import SCORING_SHEET_KIND, sheet_kind

    kind = sheet_kind(path)
    if kind is None or kind.kind != SCORING_SHEET_KIND:
        return None
    meta = kind.metadata
    if not meta.get("sector"):
        return None
    return CarriedKey(meta.get("instrument"), meta.get("sector"), meta.get("perspective"),
                      _("the scoring sheet {path}").format(path=path))


def _form_key(data: list[Path]) -> CarriedKey | None:
    """The key of the first relscale form among the inputs (the forms reader checks later
    that every form has the same key, so one is enough)."""
    if not any(p.is_dir() or p.suffix.lower() == ".xlsx" for p in data):
        return None
    from relscale.io.readback import collect_form_paths, read_form

    for path in collect_form_paths(data):
        if path.suffix.lower() != ".xlsx":
            continue
        form, _problems = read_form(path)
        if form is None:
            return None
        key = form.key
        return CarriedKey(key.instrument, key.sector, key.perspective,
                          _("the form {path}").format(path=path))
    return None


def _registered() -> dict[str, set[str]]:
    from relscale.plugins import get_registry

    reg = get_registry()
    return {"instrument": set(reg.instruments), "sector": set(reg.sectors),
            "perspective": {"professional", "client"}}


def _csv_key(path: Path) -> CarriedKey | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return None  # the reader reports it
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
        wanted = [c for c in KEY_COLUMNS if c in header]
        if "sector" not in wanted:
            return None
        values = _distinct(path, header, wanted, delimiter)
    except (csv.Error, OSError, UnicodeDecodeError):
        return None  # not a table this can read: the reader names the problem
    registered = _registered()
    found: dict[str, str | None] = dict.fromkeys(KEY_COLUMNS)
    for column in wanted:
        distinct = sorted(v for v in values[column] if v)
        if not distinct or not set(distinct) <= registered[column]:
            if column == "sector":
                return None  # not relscale's column: the data carry no sector
            continue
        if len(distinct) > 1:
            raise DataError(_(
                "{path}: column {column} holds answers of several: {values}; score each "
                "separately").format(path=path, column=column, values=", ".join(distinct)))
        found[column] = distinct[0]
    return CarriedKey(found["instrument"], found["sector"], found["perspective"],
                      _("column sector of {path}").format(path=path))


def _distinct(path: Path, header: list[str], wanted: list[str],
              delimiter: str) -> dict[str, set[str]]:
    """The distinct (stripped) values of the ``wanted`` columns."""
    index = {c: header.index(c) for c in wanted}
    if path.stat().st_size >= SMALL_CSV:
        try:
            import polars as pl

            frame = pl.read_csv(path, separator=delimiter, columns=wanted,
                                infer_schema=False, quote_char='"').select(
                pl.col(c).str.strip_chars().unique().implode() for c in wanted)
            return {c: {v for v in frame[c][0] if v is not None} for c in wanted}
        except Exception:  # a file polars cannot split: the csv module reads it
            pass
    values: dict[str, set[str]] = {c: set() for c in wanted}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh, delimiter=delimiter)
        next(rows, None)
        for row in rows:
            for c, j in index.items():
                if j < len(row):
                    values[c].add(row[j].strip())
    return values

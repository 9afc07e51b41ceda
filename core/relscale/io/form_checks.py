"""What a returned form must still be, beyond its metadata checksum.

The checksum covers the hidden metadata sheet only. A respondent (or a careless day) can
still change what relscale reads or what the respondent read:

- **formulas**: any cell relscale reads (an answer, a code, a date, an item id) holding a
  formula is refused, whatever value the client saved with it (user data is data, never
  code: :mod:`relscale.io.sheet_formulas`); the metadata sheet too;
- **codes typed into number cells**: forms since issue 25 make the code cells text cells
  (and say so: ``field_format = text``), so a typed ``007`` or ``1/2`` stays as typed; a
  code that comes back as a date, a truth value, a fraction or a number too long to keep
  (``123456789012345678``) was changed by the spreadsheet and is refused, on any form;
- **visible wording**: forms since issue 25 keep a digest of every text shown on the
  form sheet (``texts``: title, instructions, statements, legend, answer labels); a form
  whose wording was edited is refused, since its answers answer another question.

Forms written before issue 25 carry neither pair: their codes are read as before and
their wording cannot be checked.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relscale.excel.identity import (
    FORM_FIELDS,
    FORM_META_SHEET,
    TEXTS_KEY,
    text_digest,
)
from relscale.i18n import _

TEXT_FIELDS = ("respondent_code", "subject_code")
"""The header fields that hold codes (text); ``date`` is a date cell."""


def form_problems(path: Path, wb: Any, ws: Any, meta: dict[str, str],
                  table: Sequence[Sequence[str]]) -> list[str]:
    """Formulas in the cells relscale reads and codes the spreadsheet changed, one line
    each (see the module docstring; the wording: :func:`wording_problems`)."""
    return _formula_problems(path, wb, ws, meta, table) + _field_problems(path, ws, meta)


def wording_problems(path: Path, ws: Any, meta: dict[str, str],
                     table: Sequence[Sequence[str]]) -> list[str]:
    """The cells whose shown text differs from the form as made (one line), or none;
    nothing to check on a form made before issue 25."""
    listed = meta.get(TEXTS_KEY)
    return _text_problems(path, ws, listed, table) if listed else []


def _read_cells(meta: dict[str, str], table: Sequence[Sequence[str]]
                ) -> dict[tuple[int, int], str]:
    """Every cell the reader reads -> what it is, for messages."""
    from relscale.excel.identity import FORM_ITEM_ID_COLUMN
    from relscale.excel.sheet import parse_ref

    id_col = int(meta.get("item_id_column") or FORM_ITEM_ID_COLUMN)
    cells: dict[tuple[int, int], str] = {}
    for item_id, *_rest, refs in table:
        for ref in refs.split():
            r, c = parse_ref(ref)
            cells[(r, c)] = _("item {item}").format(item=item_id)
            cells[(r, id_col)] = _("item {item}").format(item=item_id)
    for name in FORM_FIELDS:
        if meta.get(f"field.{name}"):
            cells[parse_ref(meta[f"field.{name}"])] = name
    return cells


def _formula_problems(path: Path, wb: Any, ws: Any, meta: dict[str, str],
                      table: Sequence[Sequence[str]]) -> list[str]:
    formula_cells = getattr(wb, "formula_cells", None)
    if formula_cells is None or not getattr(ws, "has_formulas", True):
        return []
    from relscale.io.sheet_formulas import cell_name

    problems = []
    if formula_cells(FORM_META_SHEET):
        problems.append(_("{path}: the form's metadata sheet holds formulas; export a fresh "
                          "form").format(path=path))
    read = _read_cells(meta, table)
    for position in formula_cells(ws.title):
        if position is None or position in read:
            what = read.get(position, "?") if position is not None else "?"
            problems.append(_("{path}: cell {cell} ({what}): a formula; relscale reads what "
                              "was typed, not formulas: type the answer or code itself")
                            .format(path=path, cell=cell_name(position), what=what))
    return problems


def _field_problems(path: Path, ws: Any, meta: dict[str, str]) -> list[str]:
    """A code that is a date, a truth value, a fraction or a number too long to be kept
    exactly: the spreadsheet turned what was typed into something else. A whole number
    is read as its digits (a script may fill codes as numbers; in a text cell a typed
    ``007`` stays text)."""
    problems = []
    for name in TEXT_FIELDS:
        ref = meta.get(f"field.{name}")
        value = ws[ref].value if ref else None
        if value is not None and not _plain_code(value):
            problems.append(_(
                "{path}: cell {cell} ({field}) holds {value!r}, not the text typed: the "
                "spreadsheet changed the code (007 becomes 7, 1/2 a date); type it again "
                "in the text cell").format(path=path, cell=ref, field=name,
                                           value=str(value)))
    return problems


def _plain_code(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False  # a date, a time, TRUE
    return float(value).is_integer() and abs(value) < 10**15


def _text_problems(path: Path, ws: Any, listed: str, table: Sequence[Sequence[str]]
                   ) -> list[str]:
    cells = _listed(listed)
    raw = getattr(ws, "raw_rows", None)
    grid = raw() if raw is not None else None
    shown = []
    for ref, row, column, _digest in cells:
        if grid is not None:  # as calamine gives them: text is text
            try:
                value = grid[row - 1][column - 1]
            except IndexError:
                value = ""
            shown.append(value if type(value) is str else str(ws[ref].value or ""))
        else:
            value = ws[ref].value
            shown.append(value if isinstance(value, str) else "" if value is None
                         else str(value))
    changed = _changed(listed, tuple(shown))  # the forms of one layout show one wording
    if not changed:
        return []
    rows = _item_rows(tuple(refs.split()[0] for *_rest, refs in table),
                      tuple(row[0] for row in table))
    names = []
    for k in changed:
        ref, row, _column, _digest = cells[k]
        item = rows.get(row) or rows.get(row + 1)
        names.append(f"{ref} ({_('item {item}').format(item=item)})" if item else ref)
    return [_("{path}: the wording on the form was changed (cells {cells}): answers to "
              "other wording cannot be scored; export a fresh form").format(
        path=path, cells=", ".join(names[:8]) + (" ..." if len(names) > 8 else ""))]


@functools.lru_cache(maxsize=256)
def _changed(listed: str, shown: tuple[str, ...]) -> tuple[int, ...]:
    """The positions in :func:`_listed` whose shown text has another digest."""
    return tuple(k for k, (text, cell) in enumerate(zip(shown, _listed(listed), strict=True))
                 if text_digest(text) != cell[3])


@functools.lru_cache(maxsize=64)
def _listed(listed: str) -> tuple[tuple[str, int, int, str], ...]:
    """The ``texts`` pair as (cell, row, column, digest), parsed once per layout."""
    from relscale.excel.sheet import parse_ref

    found = []
    for pair in listed.split():
        ref, _sep, digest = pair.partition("=")
        try:
            row, column = parse_ref(ref)
        except ValueError:
            continue  # a checksummed metadata sheet lists only cells
        found.append((ref, row, column, digest))
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _item_rows(first_cells: tuple[str, ...], items: tuple[str, ...]) -> dict[int, str]:
    """Row of each item's (first) answer cell -> the item."""
    from relscale.excel.sheet import parse_ref

    return {parse_ref(ref)[0]: item for ref, item in zip(first_cells, items, strict=True)}

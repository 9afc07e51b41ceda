"""The layouts of a filled form, for :func:`relscale.io.readback.read_form`.

- :func:`form_layout`: the form's metadata sheet, checked (checksum, header, item table,
  cells), as a :class:`Layout`; the forms of one layout share it, so reading many forms
  checks each distinct metadata sheet once (kept by its cells, compared in full);
- :func:`read_compact_answers`: the answers of a compact form (numbers in a column), with
  :func:`answer_cell_problems` (merged cells) before;
- :func:`read_respondent_answers`: the respondent layouts, answers in words, as boxes to
  mark (one per row) or a drop-down.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relscale.excel.identity import (
    FORM_FIELDS,
    FORM_ITEM_ID_COLUMN,
    FORM_KIND,
    FORM_META_SHEET,
    ITEM_TABLE_HEADER,
    cell_text,
    recognise,
)
from relscale.i18n import _


def _options(meta: dict[str, str]) -> list[tuple[int, str]]:
    """(value, label) of each answer on a respondent form, in form order."""
    options = []
    k = 0
    while f"option.{k}" in meta:
        value, _sep, label = meta[f"option.{k}"].partition("=")
        options.append((int(value), label))
        k += 1
    return options


def read_respondent_answers(
    path: Path, ws: Any, meta: dict[str, str], table: Sequence[Sequence[str]],
    row: dict[str, Any], *, strict: bool = False,
) -> tuple[list[str], list[str]]:
    """Answers of a ``boxes`` or ``dropdown`` form into ``row``; (item ids, problems).

    ``boxes``: a row's answer is the box holding a mark (any text: x, X, a tick); two or
    more marks are an error naming the row; no mark is a missing answer (the scoring rule
    decides whether the scale still has a score), or with ``strict`` an error too. ``dropdown``: the
    cell holds one of the answers in words (or its number); anything else is an error.
    """
    from relscale.excel.sheet import parse_ref

    options = _options(meta)
    layout = meta.get("layout")
    id_col = int(meta.get("item_id_column") or 0)
    by_label = {_norm_label(label): value for value, label in options}
    problems: list[str] = []
    item_ids: list[str] = []
    for item_id, position, _dimension, _keying, cells in table:
        item_ids.append(item_id)
        addresses = cells.split()
        r, _c = parse_ref(addresses[0])
        found_id = cell_text(ws.cell(row=r, column=id_col).value)
        if found_id != item_id:
            problems.append(_(
                "{path}: cell {cell} should hold the answer to item {item}, but the row "
                "belongs to {found}: rows were moved; export a fresh form"
            ).format(path=path, cell=addresses[0], item=item_id, found=found_id or "-"))
            continue
        if layout == "boxes":
            marked = [k for k, a in enumerate(addresses) if cell_text(ws[a].value).strip()]
            if len(marked) > 1:
                problems.append(_(
                    "{path}: statement {position} (item {item}): {n} boxes are marked "
                    "({labels}); mark exactly one box per row"
                ).format(path=path, position=position, item=item_id, n=len(marked),
                         labels=", ".join(options[k][1] for k in marked)))
                row[item_id] = None
                continue
            if not marked and strict:
                problems.append(_(
                    "{path}: statement {position} (item {item}): no box is marked; mark "
                    "exactly one box per row (--strict)"
                ).format(path=path, position=position, item=item_id))
            row[item_id] = options[marked[0]][0] if marked else None
            continue
        text = cell_text(ws[addresses[0]].value).strip()
        if not text:
            row[item_id] = None
        elif _norm_label(text) in by_label:
            row[item_id] = by_label[_norm_label(text)]
        elif text.lstrip("-").isdigit() and int(text) in {v for v, _l in options}:
            row[item_id] = int(text)
        else:
            row[item_id] = None
            problems.append(_(
                "{path}: cell {cell} (item {item}): {value!r} is not one of the answers "
                "({labels})"
            ).format(path=path, cell=addresses[0], item=item_id, value=text,
                     labels=", ".join(label for _v, label in options)))
    return item_ids, problems


def _norm_label(text: str) -> str:
    """A label as compared: drop-down entries replace commas and quotes."""
    return " ".join(text.replace("\u201a", ",").replace("'", '"').split()).casefold()


@dataclass(frozen=True)
class FormKey:
    instrument: str
    version: str
    sector: str
    perspective: str

    def __str__(self) -> str:
        return f"{self.instrument} {self.version} / {self.sector} / {self.perspective}"


@dataclass(frozen=True)
class Layout:  # frozen: one per metadata sheet, shared by the forms that hold it
    """A form's metadata sheet, checked: what all forms of one layout share."""

    meta: dict[str, str]
    table: tuple[tuple[str, ...], ...]
    key: FormKey
    lo: int
    hi: int
    na: int | None
    cells: dict[str, str]
    """Answer cell -> item of a compact form (one cell per item)."""
    items: tuple[tuple[str, str, int, int], ...]
    """(item, answer cell, row, column) of a compact form, in form order."""
    positions: tuple[tuple[str, int, int], ...]
    """(answer cell, row, column), each cell once, in the order of :attr:`cells`."""

    @functools.cached_property
    def box(self) -> tuple[int, int, int, int] | None:
        """(top, bottom, left, right) of :attr:`positions`; None without them."""
        from relscale.io.cells import bounding_box

        return bounding_box(self.positions) if self.positions else None


Layouts = dict[Hashable, Layout]
"""Checked layouts by their metadata sheet: its part as stored when the sheet's XML alone
gives its values (:meth:`relscale.io.cells.ValueBook.sheet_key`), and its cells (all
text) exactly as read."""


def form_layout(path: Path, wb: Any, layouts: Layouts | None) -> Layout | list[str]:
    """The form's metadata, checked, or its problems.

    A form's metadata sheet holds text only, and the forms of one layout hold the same
    sheet; ``layouts`` keeps the checked layout of each one seen, by the sheet's stored
    bytes (then calamine need not read the sheet again) and by its cells, compared in
    full (not by the checksum), so a sheet that differs in anything is checked again.
    Other metadata sheets, and problems, are not kept."""
    keys: list[Hashable] = []
    if layouts is not None and FORM_META_SHEET in wb.sheetnames:
        sheet_key = getattr(wb, "sheet_key", None)
        stored = sheet_key(FORM_META_SHEET) if sheet_key is not None else None
        if stored is not None:
            if stored in layouts:
                return layouts[stored]
            keys.append(stored)
        rows: list[list[Any]] = getattr(wb[FORM_META_SHEET], "raw_rows", list)()
        cells = tuple(map(tuple, rows))
        if cells in layouts:  # kept keys hold text only, and text equals text only
            known = layouts[cells]
            layouts.update(dict.fromkeys(keys, known))
            return known
        try:  # all text (a join takes nothing else): read as the converted values are
            "".join(map("".join, rows))
            keys.append(cells)
        except TypeError:
            pass
    layout = _check_layout(path, wb)
    if layouts is not None and isinstance(layout, Layout):
        layouts.update(dict.fromkeys(keys, layout))
    return layout


def _check_layout(path: Path, wb: Any) -> Layout | list[str]:
    """Every check of the metadata sheet (:func:`form_layout`)."""
    from relscale.excel.sheet import parse_ref

    identity = recognise(wb)
    if identity is None or identity.kind != FORM_KIND:
        return [_("{path}: not a relscale form (no {sheet} sheet)").format(
            path=path, sheet=FORM_META_SHEET)]
    meta, table = identity.metadata, identity.table
    if not identity.has_form_header:
        return [_("{path}: not a relscale form (sheet {sheet} has no form header)").format(
            path=path, sheet=FORM_META_SHEET)]
    if not identity.checksum_matches:
        return [_(
            "{path}: form metadata does not match its checksum: the form was edited or is "
            "not a relscale form; export a fresh form"
        ).format(path=path)]
    bad_meta = _meta_problem(path, meta, table)
    if bad_meta is not None:
        return [bad_meta]
    required = ("instrument", "instrument_version", "sector", "perspective", "locale",
                "form_sheet", "scale_min", "scale_max", "item_ids")
    missing = [k for k in required if not meta.get(k)]
    if missing or meta.get("item_ids", "").split(",") != [r[0] for r in table]:
        return [_("{path}: form metadata is incomplete ({missing})").format(
            path=path, missing=", ".join(missing) or "item_ids")]
    items: list[tuple[str, str, int, int]] = []
    if meta.get("layout", "compact") == "compact":
        for item_id, _position, _dimension, _keying, cell in table:
            try:
                items.append((item_id, cell, *parse_ref(cell)))
            except ValueError:  # two cells where a compact form has one
                return [_("{path}: form metadata names {cell!r}, which is not a cell; export "
                          "a fresh form").format(path=path, cell=cell)]
    return Layout(
        meta, table,
        FormKey(meta["instrument"], meta["instrument_version"], meta["sector"],
                meta["perspective"]),
        int(meta["scale_min"]), int(meta["scale_max"]),
        int(meta["not_applicable"]) if meta.get("not_applicable") else None,
        {cell: item_id for item_id, cell, _r, _c in items}, tuple(items),
        tuple({cell: (cell, r, c) for _item, cell, r, c in items}.values()))


def _meta_problem(path: Path, meta: dict[str, str], table: Sequence[Sequence[str]]
                  ) -> str | None:
    """A form whose checksum matches but whose metadata relscale cannot use (a forged or
    hand-built form): a scale bound that is no whole number, a cell that is no cell."""
    from relscale.excel.sheet import parse_ref

    if any(len(row) != len(ITEM_TABLE_HEADER) for row in table):
        return _("{path}: the form's item table is malformed; export a fresh form").format(
            path=path)
    for name in ("scale_min", "scale_max", "not_applicable"):
        if not meta.get(name):
            continue  # reported as incomplete metadata
        try:
            int(meta[name])
        except ValueError:
            return _("{path}: form metadata {name}={value!r} is not a whole number; export a "
                     "fresh form").format(path=path, name=name, value=meta[name])
    # a respondent layout lists one box per answer (``B11 D11 F11 H11``)
    cells = [ref for row in table for ref in row[4].split()]
    cells += [meta[f"field.{name}"] for name in FORM_FIELDS if meta.get(f"field.{name}")]
    for cell in cells:
        try:
            r, c = parse_ref(cell)
        except ValueError:
            r, c = 0, 0
        if not (1 <= r <= 1_048_576 and 1 <= c <= 16_384):
            return _("{path}: form metadata names {cell!r}, which is not a cell; export a "
                     "fresh form").format(path=path, cell=cell)
    return None


def answer_cell_problems(path: Path, ws: Any, layout: Layout) -> list[str]:
    """Answer cells read back wrong: merged cells (only the first holds a value). A
    formula in an answer cell is refused before (:mod:`relscale.io.form_checks`)."""
    cells = layout.cells
    problems = []
    merged_cells = ws.merged_cells
    if hasattr(merged_cells, "covering"):  # a form merges title rows, not answer cells
        merged = merged_cells.covering(layout.positions, layout.box)
    else:
        merged = [cell for cell in cells if cell in merged_cells]
    for cell in merged:
        problems.append(_("{path}: cell {cell} (item {item}): the answer cell is merged with "
                          "other cells; unmerge it or export a fresh form").format(
            path=path, cell=cell, item=cells[cell]))
    return problems


def _compact_raw(path: Path, rows: list[list[Any]], layout: Layout, row: dict[str, Any]
                 ) -> list[str]:
    """The answers of a compact form into ``row`` from the sheet's raw rows
    (:meth:`relscale.io.cells.ValueSheet.raw_rows`); the problems. The same checks and
    answers as :func:`_compact_by_cell`, the common cells (text, a whole number in
    range, empty) tested inline."""
    from relscale.io.cells import value

    lo, hi, na = layout.lo, layout.hi, layout.na
    problems: list[str] = []
    id_col = FORM_ITEM_ID_COLUMN - 1
    for item_id, cell, r, c in layout.items:
        raw = _raw(rows, r, id_col)
        found_id = raw.strip() if type(raw) is str else cell_text(value(raw))
        if found_id != item_id:
            problems.append(_moved(path, cell, item_id, found_id))
            continue
        raw = _raw(rows, r, c - 1)
        if raw == "":
            row[item_id] = None
        elif type(raw) is float and raw.is_integer() and (lo <= raw <= hi or raw == na):
            row[item_id] = int(raw)
        else:
            row[item_id] = _checked_answer(path, cell, item_id, value(raw), layout, problems)
    return problems


def _raw(rows: list[list[Any]], r: int, c0: int) -> Any:
    """The raw cell at row ``r`` (1-based), column ``c0`` (0-based); ``""`` outside."""
    try:
        return rows[r - 1][c0]
    except IndexError:
        return ""


def _compact_by_cell(path: Path, ws: Any, layout: Layout, row: dict[str, Any]
                     ) -> list[str]:
    """:func:`_compact_raw` through ``ws.cell`` (a sheet without raw rows)."""
    problems: list[str] = []
    for item_id, cell, r, _c in layout.items:
        found_id = cell_text(ws.cell(row=r, column=FORM_ITEM_ID_COLUMN).value)
        if found_id != item_id:
            problems.append(_moved(path, cell, item_id, found_id))
            continue
        row[item_id] = _checked_answer(path, cell, item_id, ws[cell].value, layout, problems)
    return problems


def _moved(path: Path, cell: str, item_id: str, found_id: str) -> str:
    return _("{path}: cell {cell} should hold the answer to item {item}, but the row "
             "belongs to {found}: rows were moved; export a fresh form"
             ).format(path=path, cell=cell, item=item_id, found=found_id or "-")


def _checked_answer(path: Path, cell: str, item_id: str, value: Any, layout: Layout,
                    problems: list[str]) -> int | None:
    answer, problem = _answer(value, layout.lo, layout.hi, layout.na)
    if problem:
        problems.append(_("{path}: cell {cell} (item {item}): {problem}").format(
            path=path, cell=cell, item=item_id, problem=problem))
    return answer


def _answer(value: Any, lo: int, hi: int, na: int | None = None) -> tuple[int | None, str | None]:
    """The answer, or a problem. The 'does not apply' code ``na`` is returned as given:
    the row keeps why an answer is absent, and scoring counts it as missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    expected = _("expected a whole number from {lo} to {hi}").format(lo=lo, hi=hi)
    if na is not None:
        expected = _("expected a whole number from {lo} to {hi}, or {na} (does not apply)"
                     ).format(lo=lo, hi=hi, na=na)
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        return None, _("{value!r} is not a number; {expected}").format(
            value=str(value), expected=expected)
    if isinstance(value, str):
        return None, _("{value!r} is text; {expected}").format(
            value=value.strip(), expected=expected)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, _("{value} is not a whole number; {expected}").format(
                value=value, expected=expected)
        value = int(value)
    if not isinstance(value, int):
        return None, _("{value!r} is not a number; {expected}").format(
            value=str(value), expected=expected)
    if not lo <= value <= hi and value != na:
        return None, _("{value} is out of range; {expected}").format(
            value=value, expected=expected)
    return value, None



def read_compact_answers(path: Path, ws: Any, layout: Layout, row: dict[str, Any]
                         ) -> list[str]:
    """The answers of a compact form into ``row``; the problems (a moved row, an answer
    that is not a whole number in range)."""
    if hasattr(ws, "raw_rows"):
        return _compact_raw(path, ws.raw_rows(), layout, row)
    return _compact_by_cell(path, ws, layout, row)

"""Which sheet of a workbook a table is read from, and its header and rows.

Every table reader (responses, ad hoc columns, platform exports) reads a workbook through
:func:`sheet_rows`: the first sheet unless the user names one (``--sheet``), a
hidden first sheet refused (an old or scratch copy more often than the data), a note
naming the sheet read when there are others, and any formula in it refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from relscale.errors import DataError
from relscale.i18n import _

Rows = Iterable[tuple[int, Sequence[Any]]]
"""(file row, cells) pairs; the header is row 1 (as :data:`relscale.io.tables.Rows`)."""


def pick_sheet(wb: Any, path: Path, sheet: str | None = None) -> tuple[Any, str | None]:
    """The sheet a table is read from, and a note naming it when the workbook has others.

    ``sheet`` names it; else the first sheet, refused when hidden (a hidden first sheet
    is an old or scratch copy more often than the data). Every cell of the sheet is read,
    so a formula in it is refused (:mod:`relscale.io.sheet_formulas`).

    :raises DataError: no such sheet, a hidden first sheet, a formula.
    """
    from relscale.io.sheet_formulas import refuse_formulas

    names = list(wb.sheetnames)
    visible = getattr(wb, "visible", lambda _name: True)
    if sheet is not None:
        if sheet not in names:
            raise DataError(_("{path}: no sheet {sheet!r} (sheets: {names})").format(
                path=path, sheet=sheet, names=", ".join(map(repr, names))))
        name = sheet
    else:
        name = names[0]
        if not visible(name):
            shown = [n for n in names if visible(n)]
            raise DataError(_("{path}: the first sheet {sheet!r} is hidden; name the sheet "
                              "to read with --sheet (visible sheets: {names})").format(
                path=path, sheet=name, names=", ".join(map(repr, shown)) or "-"))
    others = [repr(n) if visible(n) else _("{sheet} (hidden)").format(sheet=repr(n))
              for n in names if n != name]
    note = _("{path}: read sheet {sheet!r}; not read: {others} (--sheet names another)"
             ).format(path=path, sheet=name, others=", ".join(others)) if others else None
    ws = wb[name]
    if hasattr(wb, "formula_cells"):
        refuse_formulas(f"{path} [{ws.title}]", wb.formula_cells(name))
    return ws, note


def sheet_rows(wb: Any, path: Path, empty: str, sheet: str | None = None
               ) -> tuple[list[str], Rows, str, str | None]:
    """The header, numbered rows and source name (``file [sheet]``) of a workbook's sheet
    (:func:`pick_sheet`), and the note naming it; ``empty`` is the error for a sheet
    without a header row."""
    ws, note = pick_sheet(wb, path, sheet)
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise DataError(empty.format(path=path))
    header = ["" if h is None else str(h) for h in header_row]
    while header and not header[-1]:
        header.pop()
    from relscale.io.sheet_limits import check_width

    check_width(f"{path} [{ws.title}]", len(header))
    numbered = ((r, list(cells)) for r, cells in enumerate(rows, start=2))
    return header, numbered, f"{path} [{ws.title}]", note


def first_sheet_rows(wb: Any, path: Path, empty: str) -> tuple[list[str], Rows, str]:
    """:func:`sheet_rows` of the first sheet (refused when hidden), without the note:
    the header, the numbered rows and the source name (``file [sheet]``)."""
    header, rows, source, _note = sheet_rows(wb, path, empty)
    return header, rows, source

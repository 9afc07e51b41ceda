"""Which cells of a sheet hold a formula, and the refusal of any formula relscale would read.

A spreadsheet keeps a formula and, beside it, the value it last computed; calamine reads
the value. A respondent who types ``=1+2`` into an answer cell, or a table whose id column
is ``=A2&B2``, would be read as whatever the client computed (or as empty, when it saved
no value): user data is data, never code. So every cell relscale reads (a form's answer,
code and item-id cells, every cell of a table's sheet, a scoring sheet's input columns)
is refused when it holds a formula, whatever value was saved with it.

Found from the file itself: in an .xlsx sheet's XML each ``<f>`` element and the cell it
sits in (:func:`xlsx_formula_cells`); in an .ods the ``table:formula`` attribute and in an
.xls the Formula records, noted while :mod:`relscale.io.sheet_limits` measures the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from relscale.errors import DataError
from relscale.i18n import _

_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]+)([0-9]+)["\']')
_OTHER = re.compile(rb"</?(?:[A-Za-z_][\w.-]*:)?(?:row|c)(?=[\s/>])")

Position = tuple[int, int] | None
"""(row, column), 1-based; None: a formula whose cell has no reference."""


def xlsx_formula_cells(xml: bytes, limit: int = 100) -> list[Position]:
    """The cells of a sheet's XML that hold a formula (at most ``limit``), in order."""
    found: list[Position] = []
    for match in _FORMULA.finditer(xml):
        start = xml.rfind(b"<", 0, match.start())
        position: Position = None
        while start >= 0:
            cell = _CELL.match(xml, start)
            if cell is not None:
                ref = _R_ATTR.search(cell.group(1))
                if ref is not None:
                    position = (int(ref.group(2)), _column(ref.group(1)))
                break
            if _OTHER.match(xml, start):
                break  # a row or a cell's end before any cell: not in a cell we can name
            start = xml.rfind(b"<", 0, start)
        found.append(position)
        if len(found) >= limit:
            break
    return found


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def cell_name(position: Position) -> str:
    """``(14, 3)`` -> ``C14``; ``?`` for a cell without a reference."""
    if position is None:
        return "?"
    from relscale.io.sheet_limits import column_letters

    return f"{column_letters(position[1])}{position[0]}"


def refuse_formulas(source: object, formulas: Iterable[Position],
                    columns: set[int] | None = None, first_row: int = 1) -> None:
    """Refuse the first formula among the cells relscale reads: any cell from
    ``first_row`` down, in ``columns`` (1-based; None: every column).

    :raises DataError: naming the source (``file [sheet]``) and the cell."""
    for position in formulas:
        if position is not None and (position[0] < first_row or (
                columns is not None and position[1] not in columns)):
            continue
        raise DataError(_("{where}, cell {cell}: a formula; relscale reads values typed in, "
                          "not formulas: save a copy with values only (copy, then paste "
                          "values)").format(where=source, cell=cell_name(position)))

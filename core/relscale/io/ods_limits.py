"""The grid of every table of an .ods file, measured from ``content.xml`` before
python-calamine reads it (calamine reads every table on opening, and repeats a row or a
cell as often as ``number-rows-repeated`` / ``number-columns-repeated`` say: a 1 KB file
can ask for a hundred million cells). :mod:`relscale.io.sheet_limits` refuses a grid
over the limit.
"""

from __future__ import annotations

from typing import IO

REPEAT_CAP = 1_048_576 * 16_384
"""A repeat past every cell of a sheet counts as that many (only the limit matters)."""

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_extents(stream: IO[bytes], formulas: dict[str, list[tuple[int, int]]] | None = None
                ) -> dict[str, tuple[int, int]]:
    """Every table's grid (rows, columns) in an .ods ``content.xml``: rows and cells
    repeated as ``number-rows-repeated`` / ``number-columns-repeated`` say, to the last cell
    that holds a value or text (empty repeated cells, which calamine does not keep, do
    not count). A document type declaration is refused (no entity is expanded).
    ``formulas`` receives, per table, the first cells (row, column) with a formula.

    :raises ValueError: not well-formed XML (the reader's own message follows).
    """
    from xml.parsers import expat

    formulas = {} if formulas is None else formulas
    tables: dict[str, tuple[int, int]] = {}
    state = _OdsState()
    found: list[tuple[int, int]] = []
    cell_tags = {f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if state.depth:
            state.depth += 1
            state.cell_value = True  # anything inside a cell (text:p) is content
            return
        if tag == f"{_TABLE} table":
            state.name = attrs.get(f"{_TABLE} name", "")
            state.row = state.rows = state.cols = 0
            found.clear()
        elif tag == f"{_TABLE} table-row":
            state.col = state.row_cols = 0
            state.row_repeat = _repeat(attrs.get(f"{_TABLE} number-rows-repeated"))
        elif tag in cell_tags:
            state.cell_repeat = _repeat(attrs.get(f"{_TABLE} number-columns-repeated"))
            state.cell_value = f"{_OFFICE} value-type" in attrs
            state.depth = 1
            if f"{_TABLE} formula" in attrs and len(found) < 100:
                found.append((state.row + 1, state.col + 1))

    def end(tag: str) -> None:
        if state.depth > 1:
            state.depth -= 1
            return
        if state.depth == 1 and tag in cell_tags:
            state.depth = 0
            state.col += state.cell_repeat
            if state.cell_value:
                state.row_cols = state.col
        elif tag == f"{_TABLE} table-row":
            state.row += state.row_repeat
            if state.row_cols:
                state.rows = state.row
                state.cols = max(state.cols, state.row_cols)
        elif tag == f"{_TABLE} table":
            tables[state.name] = (state.rows, state.cols)
            if found:
                formulas[state.name] = list(found)

    def doctype(*_args: object) -> None:
        raise ValueError("a document type declaration")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        while True:
            block = stream.read(1 << 20)
            parser.Parse(block, not block)
            if not block:
                break
    except expat.ExpatError as exc:
        raise ValueError(str(exc)) from None
    return tables


class _OdsState:
    """Where :func:`ods_extents` is in ``content.xml``."""

    name = ""
    row = rows = cols = col = row_cols = cell_repeat = depth = 0
    row_repeat = 1
    cell_value = False


def _repeat(value: str | None) -> int:
    """A repeat count as calamine takes it: at least 1; past the sheet's rows it is only
    the limit that matters, so it is capped there."""
    if not value:
        return 1
    text = value.strip()
    return min(int(text[:12]), REPEAT_CAP) if text.isdigit() else 1

"""Render a :class:`relscale.excel.sheet.Workbook` with openpyxl.

The only module that imports openpyxl for writing (lazily, inside the functions).
Each named style is converted once per render into openpyxl objects and reused for
every cell that names it (openpyxl then de-duplicates them in the file's style table).

``render(book, path)`` writes the file; ``to_openpyxl(book)`` returns the openpyxl
workbook for callers that need to inspect or post-process it. Builders and commands write
through :func:`relscale.workbooks.write`, which checks the output and renders inside
:func:`relscale.io.atomic.atomic_write`, so a failure leaves no half-written file::

    from relscale.workbooks import write

    write(book, out, overwrite=force)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from relscale.excel.sheet import (
    ChartSpec,
    PrintSetup,
    Sheet,
    Style,
    Validation,
    Workbook,
    column_letter,
)
from relscale.excel.stream import splice_streams, stream_start, text_problem

_TOKENS = {"{page}": "&P", "{pages}": "&N", "{sheet}": "&A", "{file}": "&F"}
_TOKEN_RE = re.compile("|".join(re.escape(t) for t in _TOKENS))
_CM_PER_INCH = 2.54


def header_footer_code(text: str) -> str:
    """Plain text with ``{page}`` / ``{pages}`` tokens -> Excel header/footer codes."""
    parts = []
    last = 0
    for m in _TOKEN_RE.finditer(text):
        parts.append(text[last : m.start()].replace("&", "&&"))
        parts.append(_TOKENS[m.group(0)])
        last = m.end()
    parts.append(text[last:].replace("&", "&&"))
    return "".join(parts)


def set_value(xc: Any, value: Any, sheet: str, row: int, col: int) -> None:
    """Put a plain value into an openpyxl cell: text stays text, never a formula.

    openpyxl turns any string starting with ``=`` into a formula (and ``#N/A`` into an
    error value); relscale's own formulas are :attr:`relscale.excel.sheet.Cell.formula`,
    so every other string is written with the string type. Text a spreadsheet cannot
    hold is refused with the cell named.
    """
    if isinstance(value, str):
        problem = text_problem(value, f"{sheet}!{column_letter(col)}{row}")
        if problem is not None:
            raise problem
        xc.value = value
        xc.data_type = "s"
    else:
        xc.value = value


class _StyleCache:
    """Named style -> openpyxl attribute objects, converted once."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self.styles = styles
        self._cache: dict[str, dict[str, Any]] = {}
        from openpyxl.styles import Protection

        self.locked = Protection(locked=True)
        self.unlocked = Protection(locked=False)
        self.arrays: dict[tuple[str | None, bool], Any] = {}
        """(style, locked) -> the openpyxl style array of a cell given them: set once
        attribute by attribute, then copied (openpyxl would look each object up again)."""

    def get(self, name: str) -> dict[str, Any]:
        found = self._cache.get(name)
        if found is None:
            found = self._cache[name] = self._convert(self.styles[name])
        return found

    @staticmethod
    def _convert(style: Style) -> dict[str, Any]:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        attrs: dict[str, Any] = {}
        font_args: dict[str, Any] = {}
        if style.font:
            font_args["name"] = style.font
        if style.size:
            font_args["size"] = style.size
        if style.bold:
            font_args["bold"] = True
        if style.italic:
            font_args["italic"] = True
        if style.color:
            font_args["color"] = style.color
        if font_args:
            attrs["font"] = Font(**font_args)
        if style.fill:
            attrs["fill"] = PatternFill("solid", start_color=style.fill, end_color=style.fill)
        if style.horizontal or style.vertical or style.wrap or style.shrink or style.indent:
            attrs["alignment"] = Alignment(
                horizontal=style.horizontal,
                vertical=style.vertical,
                wrap_text=style.wrap or None,
                shrink_to_fit=style.shrink or None,
                indent=style.indent,
            )
        if style.border or style.border_bottom:
            side = Side(style=style.border or style.border_bottom, color=style.border_color)
            if style.border:
                attrs["border"] = Border(left=side, right=side, top=side, bottom=side)
            else:
                attrs["border"] = Border(bottom=side)
        if style.number_format:
            attrs["number_format"] = style.number_format
        return attrs


def to_openpyxl(book: Workbook, *, streams: bool = True) -> Any:
    """Build and return an ``openpyxl.Workbook`` for ``book``; with ``streams`` the rows of
    streamed sheets are added as cells (for inspection; :func:`render` streams them)."""
    from openpyxl import Workbook as XLWorkbook

    book.check()
    wb = XLWorkbook()
    wb.remove(wb.active)
    cache = _StyleCache(book.styles)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        _render_sheet(ws, sheet, cache)
        if streams and sheet.stream is not None:
            start = stream_start(sheet)
            for r, values in enumerate(sheet.stream(), start=start):
                for c, (value, style) in enumerate(values, start=1):
                    if value is None:
                        continue
                    xc = ws.cell(row=r, column=c)
                    set_value(xc, value, sheet.name, r, c)
                    _style(xc, style, True, None, cache)
    _workbook_parts(wb, book)
    return wb


def _workbook_parts(wb: Any, book: Workbook) -> None:
    """Defined names, properties, structure protection and the active sheet."""
    from openpyxl.workbook.defined_name import DefinedName as XLDefinedName

    for name in book.defined_names:
        wb.defined_names[name.name] = XLDefinedName(name.name, attr_text=name.reference)
    if book.title:
        wb.properties.title = book.title
    if book.creator:
        wb.properties.creator = book.creator
    if book.protect_structure:
        from openpyxl.workbook.protection import WorkbookProtection

        wb.security = WorkbookProtection(lockStructure=True)
        if book.structure_password:
            wb.security.workbookPassword = book.structure_password
    if book.sheets:
        visible = [i for i, s in enumerate(book.sheets) if s.visibility == "visible"]
        active = book.active if book.active in visible else (visible[0] if visible else 0)
        wb.active = active


def render(book: Workbook, path: Path | str) -> None:
    """Write ``book`` to ``path`` as .xlsx; :func:`relscale.workbooks.write` does it atomically.

    The rows of a streamed sheet (:attr:`relscale.excel.sheet.Sheet.stream`) are written
    straight into the file as they are produced: openpyxl renders the workbook without
    them (in memory, small), then its sheet XML is copied with the rows spliced in, so
    memory does not grow with the number of rows.
    """
    streamed = [sheet for sheet in book.sheets if sheet.stream is not None]
    wb = to_openpyxl(book, streams=False)
    if not streamed:
        wb.save(str(path))
        return
    import io

    style_ids = _style_ids(wb, book)
    # openpyxl numbers worksheet parts by position when saving (sheet1.xml, ...)
    targets = {f"xl/worksheets/sheet{i}.xml": sheet
               for i, sheet in enumerate(book.sheets, start=1) if sheet.stream is not None}
    base = io.BytesIO()
    wb.save(base)
    splice_streams(base, Path(path), targets, style_ids)


def _style_ids(wb: Any, book: Workbook) -> dict[str | None, int]:
    """The cell-format index of every named style in ``wb`` (registered through scratch
    cells, one per style so no style inherits another's settings; removed again)."""
    cache = _StyleCache(book.styles)
    ws = wb.create_sheet("relscale-scratch")
    ids: dict[str | None, int] = {None: 0}
    for row, name in enumerate(book.styles, start=1):
        xc = ws.cell(row=row, column=1)
        _style(xc, name, True, None, cache)
        ids[name] = xc.style_id
    wb.remove(ws)
    return ids


def _style(xc: Any, style: str | None, locked: bool, comment: str | None,
           cache: _StyleCache) -> None:
    from copy import copy

    if style is not None or not locked:
        array = cache.arrays.get((style, locked))
        if array is not None:
            xc._style = copy(array)
        else:
            if style is not None:
                for attr, value in cache.get(style).items():
                    setattr(xc, attr, value)
            if not locked:
                xc.protection = cache.unlocked
            cache.arrays[(style, locked)] = copy(xc._style)
    if comment:
        from openpyxl.comments import Comment

        xc.comment = Comment(comment, "relscale")


def _render_sheet(ws: Any, sheet: Sheet, cache: _StyleCache) -> None:
    for (row, col), cell in sorted(sheet.cells.items()):
        xc = ws.cell(row=row, column=col)
        if cell.formula is not None:
            xc.value = cell.formula
        else:
            set_value(xc, cell.value, sheet.name, row, col)
        _style(xc, cell.style, cell.locked, cell.comment, cache)
    _sheet_settings(ws, sheet, cache)


def _sheet_settings(ws: Any, sheet: Sheet, cache: _StyleCache) -> None:
    """Everything of a sheet but its cells."""
    for rng in sheet.merges:
        ws.merge_cells(rng)
    for col, width in sheet.column_widths.items():
        ws.column_dimensions[column_letter(col)].width = width
    for col in sheet.hidden_columns:
        ws.column_dimensions[column_letter(col)].hidden = True
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row].height = height
    for validation in sheet.validations:
        ws.add_data_validation(_validation(validation))
    if sheet.protection is not None:
        p = sheet.protection
        ws.protection.sheet = True
        ws.protection.selectLockedCells = not p.select_locked_cells
        ws.protection.selectUnlockedCells = False
        ws.protection.formatColumns = not p.format_columns
        ws.protection.formatRows = not p.format_rows
        if p.password:
            ws.protection.password = p.password
    if sheet.print_setup is not None:
        _print_setup(ws, sheet.print_setup)
    for chart in sheet.charts:
        ws.add_chart(_chart(chart), chart.anchor)
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.visibility != "visible":
        ws.sheet_state = sheet.visibility
    if sheet.tab_color:
        ws.sheet_properties.tabColor = sheet.tab_color
    ws.sheet_view.showGridLines = sheet.show_grid_lines


def _validation(v: Validation) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    def num(x: float | None) -> str | None:
        if x is None:
            return None
        return str(int(x)) if float(x).is_integer() else repr(float(x))

    if v.kind == "list":
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(v.options) + '"',
            allow_blank=v.allow_blank,
            showDropDown=not v.in_cell_dropdown,  # OOXML's flag means *hide* the arrow
        )
    else:
        dv = DataValidation(
            type=v.kind,
            operator="between",
            formula1=num(v.minimum),
            formula2=num(v.maximum),
            allow_blank=v.allow_blank,
        )
    dv.errorStyle = v.error_style
    dv.showErrorMessage = True
    dv.showInputMessage = bool(v.prompt)
    dv.promptTitle = v.prompt_title
    dv.prompt = v.prompt
    dv.errorTitle = v.error_title
    dv.error = v.error
    for part in v.ranges.split():  # the model's ranges are space-separated
        dv.add(part)
    return dv


def _print_setup(ws: Any, p: PrintSetup) -> None:
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    ws.page_setup.paperSize = 9 if p.paper == "A4" else 1  # OOXML paper sizes: A4, letter
    ws.page_setup.orientation = p.orientation
    if p.fit_width is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = p.fit_width
        ws.page_setup.fitToHeight = p.fit_height or 0
    elif p.scale:
        ws.page_setup.scale = p.scale
    if p.title_rows:
        ws.print_title_rows = f"{p.title_rows[0]}:{p.title_rows[1]}"
    if p.title_columns:
        ws.print_title_cols = (f"{column_letter(p.title_columns[0])}:"
                               f"{column_letter(p.title_columns[1])}")
    if p.print_area:
        ws.print_area = p.print_area
    if p.row_breaks:
        breaks = RowBreak()
        for row in p.row_breaks:
            breaks.append(Break(id=row))
        ws.row_breaks = breaks
    left, right, top, bottom = (m / _CM_PER_INCH for m in p.margins_cm)
    ws.page_margins.left = left
    ws.page_margins.right = right
    ws.page_margins.top = top
    ws.page_margins.bottom = bottom
    ws.page_margins.header = p.header_margin_cm / _CM_PER_INCH
    ws.page_margins.footer = p.footer_margin_cm / _CM_PER_INCH
    ws.print_options.horizontalCentered = p.center_horizontally
    ws.print_options.gridLines = p.grid_lines
    for part, text in (
        (ws.oddHeader.left, p.header_left),
        (ws.oddHeader.center, p.header_center),
        (ws.oddHeader.right, p.header_right),
        (ws.oddFooter.left, p.footer_left),
        (ws.oddFooter.center, p.footer_center),
        (ws.oddFooter.right, p.footer_right),
    ):
        if text:
            part.text = header_footer_code(text)
            part.size = 9


def _split_ref(reference: str) -> tuple[str, str]:
    """``'My sheet'!B2:B9`` -> (``My sheet``, ``B2:B9``)."""
    sheet, _, rng = reference.rpartition("!")
    if not sheet:
        raise ValueError(f"chart ranges need a sheet name: {reference!r}")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, rng.replace("$", "")


def _chart(spec: ChartSpec) -> Any:
    from openpyxl.chart import BarChart, LineChart, Reference, Series
    from openpyxl.utils.cell import range_boundaries

    chart: Any
    if spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    if spec.title:
        chart.title = spec.title
    if spec.x_title:
        chart.x_axis.title = spec.x_title
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if spec.y_min is not None:
        chart.y_axis.scaling.min = spec.y_min
    if spec.y_max is not None:
        chart.y_axis.scaling.max = spec.y_max
    # openpyxl >= 3.1 hides axes unless told otherwise
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    def add_series(target: Any, s: Any) -> None:
        sheet_name, rng = _split_ref(s.values)
        min_col, min_row, max_col, max_row = range_boundaries(rng)

        class _Ws:  # Reference needs only a title
            title = sheet_name

        values = Reference(_Ws, min_col=min_col, min_row=min_row, max_col=max_col,
                           max_row=max_row)
        series = Series(values, title=s.title, title_from_data=s.title_from_first)
        if isinstance(target, LineChart):
            series.smooth = False  # categories are not a continuum: no curves between them
        target.series.append(series)

    for s in spec.series:
        add_series(chart, s)
    if spec.lines:
        overlay = chart if spec.kind == "line" else LineChart()
        for s in spec.lines:
            add_series(overlay, s)
        if overlay is not chart:
            chart += overlay
    if spec.categories:
        sheet_name, rng = _split_ref(spec.categories)
        min_col, min_row, max_col, max_row = range_boundaries(rng)

        class _Cs:
            title = sheet_name

        chart.set_categories(
            Reference(_Cs, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
        )
    if not spec.legend:
        chart.legend = None
    return chart

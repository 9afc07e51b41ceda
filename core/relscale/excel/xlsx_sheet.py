"""Worksheet XML of the workbook writer (:mod:`relscale.excel.xlsx`), and cell text rules.

:func:`sheet_xml` writes one :class:`relscale.excel.sheet.Sheet`: its cells (every string an
inline string, text and never a formula; relscale's own formulas as formulas), merged cells,
columns, rows, frozen panes, protection, data validation, print setup, and its streamed rows
(:attr:`relscale.excel.sheet.Sheet.stream`) produced while the part is written, so memory
does not grow with a table's length. :func:`text_problem` says why a string cannot go into a
cell (Excel's 32,767-character limit, control characters XML 1.0 cannot carry). No openpyxl.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from relscale.errors import DataError, RelscaleError
from relscale.excel.sheet import Cell, PrintSetup, Sheet, column_letter
from relscale.excel.xlsx_styles import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    BorderSides,
    StyleTable,
    escape_attr,
    escape_text,
    number,
    style_border,
)
from relscale.i18n import _

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EPOCH = dt.datetime(1899, 12, 30)
_CM_PER_INCH = 2.54
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_TOKENS = {"{page}": "&P", "{pages}": "&N", "{sheet}": "&A", "{file}": "&F"}
_TOKEN_RE = re.compile("|".join(re.escape(t) for t in _TOKENS))


# --- cell text -------------------------------------------------------------------------

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters in one cell (openpyxl would cut longer text)."""
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problem(text: str, where: str) -> RelscaleError | None:
    """Why ``text`` cannot be written into a cell (too long, a control character)."""
    if len(text) > MAX_CELL_TEXT:
        return DataError(
            _("{cell}: text of {n} characters is longer than a spreadsheet cell holds "
              "({limit})").format(cell=where, n=len(text), limit=MAX_CELL_TEXT)
        )
    bad = _ILLEGAL.search(text)
    if bad:
        return DataError(
            _("{cell}: text contains the control character U+{code:04X}, which a "
              "spreadsheet cannot hold; remove it from the input").format(
                cell=where, code=ord(bad.group(0)))
        )
    return None


def texts_fit(texts: Iterable[Any]) -> bool:
    """Whether every string in ``texts`` fits a cell (:func:`text_problem` finds none);
    other values are passed over. One pass in C, for a column of any length."""
    strings = [t for t in texts if isinstance(t, str)]
    if not strings:
        return True
    return max(map(len, strings)) <= MAX_CELL_TEXT and not _ILLEGAL.search("\n".join(strings))


def checked(text: str, where: str) -> str:
    """``text`` when a cell, name or attribute can hold it; else the problem is raised."""
    problem = text_problem(text, where)
    if problem is not None:
        raise problem
    return text


def password_hash(password: str) -> str:
    """Excel's legacy 16-bit sheet/structure password hash (as openpyxl computes it)."""
    value = 0
    for i, ch in enumerate(password, 1):
        bits = ord(ch) << i
        value ^= (bits & 0x7FFF) | (bits >> 15)
    return format(value ^ len(password) ^ 0xCE4B, "X")


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


# --- worksheets ------------------------------------------------------------------------


def _merged_cells(sheet: Sheet, table: StyleTable
                  ) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """The cell formats merges give, and the cells they cover (whose values are dropped):
    the covered cells on an edge keep that edge of the top-left cell's border, every cell
    the top-left cell's protection; a top-left cell takes the bottom-right cell's right or
    bottom border when it has none (as openpyxl draws them)."""
    styles = table.styles
    formats: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for rng in sheet.merges:
        first, _, last = rng.partition(":")
        (r1, c1), (r2, c2) = cell_position(first), cell_position(last or first)
        start = sheet.cells.get((r1, c1)) or Cell()
        end = sheet.cells.get((r2, c2))
        own = style_border(None if start.style is None else styles[start.style])
        sides = list(own)
        if end is not None and (r2, c2) != (r1, c1):
            end_sides = style_border(None if end.style is None else styles[end.style])
            for k in (1, 3):  # right, bottom
                if sides[k] is None:
                    sides[k] = end_sides[k]
            if tuple(sides) != own:
                formats[(r1, c1)] = table.index(start.style, start.locked, tuple(sides))
        left, right, top, bottom = sides
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    edge: BorderSides = (left if c == c1 else None, right if c == c2 else None,
                                         top if r == r1 else None, bottom if r == r2 else None)
                    formats[(r, c)] = table.index(None, start.locked, edge)
                    covered.add((r, c))
    return formats, covered


def cell_position(a1: str) -> tuple[int, int]:
    """``B12`` (or ``$B$12``) -> (row 12, column 2)."""
    m = CELL_REF.fullmatch(a1.strip())
    if m is None:
        raise ValueError(f"not a cell reference: {a1!r}")
    index = 0
    for ch in m.group(1).upper():
        index = index * 26 + ord(ch) - 64
    return int(m.group(2)), index


def _cell_xml(sheet: Sheet, where: str, cell: Cell, table: StyleTable, fmt: int | None) -> str:
    value = cell.value
    implied = None
    if cell.formula is None and isinstance(value, dt.date):
        implied = DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
    s = fmt if fmt is not None else table.index(cell.style, cell.locked, None, implied)
    attr = f' s="{s}"' if s else ""
    if cell.formula is not None:
        formula = escape_text(checked(cell.formula[1:], f"{sheet.name}!{where}"))
        return f'<c r="{where}"{attr}><f>{formula}</f></c>'
    if value is None or value == "":  # an empty text is an empty cell, as spreadsheets keep it
        return f'<c r="{where}"{attr}/>'
    if isinstance(value, str):
        text = escape_text(checked(value, f"{sheet.name}!{where}"))
        return (f'<c r="{where}"{attr} t="inlineStr"><is><t xml:space="preserve">{text}'
                "</t></is></c>")
    if isinstance(value, bool):
        return f'<c r="{where}"{attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{where}"{attr}><v>{value}</v></c>'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{sheet.name}!{where}: {value} cannot be written to a cell")
        return f'<c r="{where}"{attr}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
    elif isinstance(value, dt.date):
        serial = (value - _EPOCH.date()).days
    else:
        raise TypeError(f"{sheet.name}!{where}: cannot write {value!r}")
    return f'<c r="{where}"{attr}><v>{number(serial)}</v></c>'


def sheet_xml(sheet: Sheet, table: StyleTable, *, drawing: str | None = None,
              comments: str | None = None) -> Iterator[bytes]:
    """The worksheet part in UTF-8 chunks; streamed rows are produced between them.

    :param drawing: the relationship id of the sheet's drawing (its charts), if any.
    :param comments: the relationship id of its comments' VML drawing, if any.
    """
    merged, covered = _merged_cells(sheet, table)
    cells: dict[tuple[int, int], Cell] = dict(sheet.cells)
    for key in covered:
        cells[key] = Cell()
    letters: dict[int, str] = {}
    rows: dict[int, list[str]] = {}
    for (r, c), cell in sorted(cells.items()):
        letter = letters.get(c) or letters.setdefault(c, column_letter(c))
        rows.setdefault(r, []).append(_cell_xml(sheet, f"{letter}{r}", cell, table,
                                                merged.get((r, c))))
    out = [f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
    fit = sheet.print_setup is not None and sheet.print_setup.fit_width is not None
    tab = f'<tabColor rgb="{_argb(sheet.tab_color)}"/>' if sheet.tab_color else ""
    out.append(f"<sheetPr>{tab}<outlinePr summaryBelow=\"1\" summaryRight=\"1\"/>"
               + ('<pageSetUpPr fitToPage="1"/>' if fit else "<pageSetUpPr/>") + "</sheetPr>")
    if cells and sheet.stream is None:  # a streamed sheet's extent is known only at the end
        rs = [r for r, _ in cells]
        cs = [c for _, c in cells]
        out.append(f'<dimension ref="{column_letter(min(cs))}{min(rs)}:'
                   f'{column_letter(max(cs))}{max(rs)}"/>')
    grid = f' showGridLines="{int(sheet.show_grid_lines)}"'
    out.append(f'<sheetViews><sheetView{grid} workbookViewId="0">{_panes(sheet.freeze)}'
               '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    out.append(_cols(sheet))
    out.append("<sheetData>")
    for r in sorted(set(rows) | set(sheet.row_heights)):
        height = sheet.row_heights.get(r)
        ht = f' ht="{number(height)}" customHeight="1"' if height is not None else ""
        out.append(f'<row r="{r}"{ht}>{"".join(rows.get(r, ()))}</row>')
    yield "".join(out).encode("utf-8")
    if sheet.stream is not None:
        style_ids = {name: table.index(name) for name in (None, *table.styles)}
        yield from stream_xml(sheet, style_ids)
    out = ["</sheetData>"]
    if sheet.protection is not None:
        out.append(_protection(sheet))
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">'
                   + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges) + "</mergeCells>")
    if sheet.validations:
        out.append(_validations(sheet))
    if sheet.print_setup is not None:
        out.append(_print_setup(sheet, sheet.print_setup))
    if drawing is not None:
        out.append(f'<drawing r:id="{drawing}"/>')
    if comments is not None:
        out.append(f'<legacyDrawing r:id="{comments}"/>')
    out.append("</worksheet>")
    yield "".join(out).encode("utf-8")


def _panes(freeze: str | None) -> str:
    """The frozen pane and selections, as openpyxl's ``freeze_panes`` writes them."""
    selection = '<selection{pane} activeCell="A1" sqref="A1"/>'
    row, col = cell_position(freeze) if freeze else (1, 1)
    if row == 1 and col == 1:
        return selection.format(pane="")
    split = (f' xSplit="{col - 1}"' if col > 1 else "") + (f' ySplit="{row - 1}"' if row > 1
                                                              else "")
    active = ("bottomRight" if row > 1 and col > 1 else "bottomLeft" if row > 1
              else "topRight")
    extra = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if active == \
        "bottomRight" else ""
    return (f'<pane{split} topLeftCell="{escape_attr(freeze or "")}" activePane="{active}" '
            f'state="frozen"/>{extra}' + selection.format(pane=f' pane="{active}"'))


def _argb(rgb: str) -> str:
    return rgb if len(rgb) == 8 else "00" + rgb


def _cols(sheet: Sheet) -> str:
    columns = sorted(set(sheet.column_widths) | sheet.hidden_columns)
    if not columns:
        return ""
    parts = []
    for c in columns:
        width = sheet.column_widths.get(c)
        hidden = ' hidden="1"' if c in sheet.hidden_columns else ""
        w = f' width="{number(width)}" customWidth="1"' if width is not None else ""
        parts.append(f'<col min="{c}" max="{c}"{w}{hidden}/>')
    return "<cols>" + "".join(parts) + "</cols>"


def _protection(sheet: Sheet) -> str:
    p = sheet.protection
    assert p is not None
    pw = f' password="{password_hash(p.password)}"' if p.password else ""
    return (f'<sheetProtection{pw} sheet="1" objects="0" scenarios="0" '
            f'formatCells="1" formatColumns="{int(not p.format_columns)}" '
            f'formatRows="{int(not p.format_rows)}" insertColumns="1" insertRows="1" '
            'insertHyperlinks="1" deleteColumns="1" deleteRows="1" '
            f'selectLockedCells="{int(not p.select_locked_cells)}" sort="1" autoFilter="1" '
            'pivotTables="1" selectUnlockedCells="0"/>')


def _validations(sheet: Sheet) -> str:
    parts = []
    for v in sheet.validations:
        where = f"{sheet.name}: data validation"
        attrs = f'type="{v.kind}" errorStyle="{v.error_style}"'
        if v.kind == "list":
            formulas = ('<formula1>' + escape_text(checked('"' + ",".join(v.options) + '"',
                                                            where)) + "</formula1>")
        else:
            attrs += ' operator="between"'
            formulas = "".join(f"<formula{i}>{number(x)}</formula{i}>"
                               for i, x in ((1, v.minimum), (2, v.maximum)) if x is not None)
        attrs += ' allowBlank="1"' if v.allow_blank else ""
        attrs += f' showDropDown="{int(not v.in_cell_dropdown)}"'
        attrs += f' showInputMessage="{int(bool(v.prompt))}" showErrorMessage="1"'
        for name, text in (("errorTitle", v.error_title), ("error", v.error),
                           ("promptTitle", v.prompt_title), ("prompt", v.prompt)):
            if text is not None:
                attrs += f' {name}="{escape_attr(checked(text, where))}"'
        parts.append(f'<dataValidation {attrs} sqref="{escape_attr(v.ranges)}">{formulas}'
                     "</dataValidation>")
    return f'<dataValidations count="{len(parts)}">{"".join(parts)}</dataValidations>'


def _print_setup(sheet: Sheet, p: PrintSetup) -> str:
    left, right, top, bottom = (_inches(m) for m in p.margins_cm)
    out = [f'<printOptions horizontalCentered="{int(p.center_horizontally)}" '
           f'gridLines="{int(p.grid_lines)}"/>',
           f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
           f'header="{_inches(p.header_margin_cm)}" footer="{_inches(p.footer_margin_cm)}"/>']
    setup = f'paperSize="{9 if p.paper == "A4" else 1}" orientation="{p.orientation}"'
    if p.fit_width is not None:
        setup += f' fitToWidth="{p.fit_width}" fitToHeight="{p.fit_height or 0}"'
    elif p.scale:
        setup += f' scale="{p.scale}"'
    out.append(f"<pageSetup {setup}/>")
    where = f"{sheet.name}: header/footer"
    header = _header_footer((p.header_left, p.header_center, p.header_right), where)
    footer = _header_footer((p.footer_left, p.footer_center, p.footer_right), where)
    if header or footer:
        out.append("<headerFooter>"
                   + (f"<oddHeader>{header}</oddHeader>" if header else "")
                   + (f"<oddFooter>{footer}</oddFooter>" if footer else "")
                   + "</headerFooter>")
    if p.row_breaks:
        out.append(f'<rowBreaks count="{len(p.row_breaks)}" '
                   f'manualBreakCount="{len(p.row_breaks)}">'
                   + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in p.row_breaks)
                   + "</rowBreaks>")
    return "".join(out)


def _inches(cm: float) -> str:
    return f"{cm / _CM_PER_INCH:.16g}"  # 16 digits, as openpyxl writes floats


def _header_footer(texts: tuple[str | None, str | None, str | None], where: str) -> str:
    """``&L&9 left&C&9 centre&R&9 right`` (9 points)."""
    return escape_text("".join(
        f"&{pos}&9 {header_footer_code(checked(text, where))}"
        for pos, text in zip("LCR", texts, strict=True) if text
    ))


# --- streamed rows ---------------------------------------------------------------------


STREAM_DEFLATE_LEVEL = 1
"""zlib level of a streamed sheet's part: its XML is most of the work of writing a large
workbook; level 1 deflates the Scores of 100,000 respondents (179 MB of XML) in a third
of the time of the default level 6, to a file 40% larger (21 MB instead of 15 MB;
benchmarks/RESULTS-results-xlsx.md)."""


def stream_start(sheet: Sheet) -> int:
    start = sheet.stream_start or sheet.max_row + 1
    if start <= sheet.max_row:
        raise ValueError(f"{sheet.name}: streamed rows start at {start}, inside the cells")
    return start


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stream_xml(sheet: Sheet, style_ids: dict[str | None, int]) -> Iterator[bytes]:
    """The streamed rows as ``<row>`` XML in UTF-8 chunks: column-wise for a
    :class:`relscale.excel.stream_table.StreamTable`, else row by row."""
    from relscale.excel.stream_table import StreamTable, table_xml

    start = stream_start(sheet)
    assert sheet.stream is not None
    rows = sheet.stream()
    if isinstance(rows, StreamTable):
        letters = [column_letter(c) for c in range(1, len(rows.columns) + 1)]
        yield from table_xml(rows, start, letters, style_ids,
                             lambda part, first: rows_xml(part, first, sheet.name, style_ids))
        return
    for chunk in rows_xml(rows, start, sheet.name, style_ids):
        yield chunk.encode("utf-8")


def rows_xml(rows: Iterable[Sequence[tuple[Any, str | None]]], start: int, sheet_name: str,
             style_ids: Mapping[str | None, int]) -> Iterator[str]:
    """``rows`` from sheet row ``start`` as ``<row>`` XML, about a thousand rows per chunk;
    every string an inline string (text, never a formula)."""
    letters: list[str] = []
    parts: list[str] = []
    for r, values in enumerate(rows, start=start):
        cells = []
        for c, (value, style) in enumerate(values, start=1):
            if value is None:
                continue
            while len(letters) < c:
                letters.append(column_letter(len(letters) + 1))
            where = f"{letters[c - 1]}{r}"
            s = style_ids[style]
            attr = f' s="{s}"' if s else ""
            if isinstance(value, str):
                problem = text_problem(value, f"{sheet_name}!{where}")
                if problem is not None:
                    raise problem
                cells.append(f'<c r="{where}"{attr} t="inlineStr"><is><t xml:space="preserve">'
                             f"{_xml_text(value)}</t></is></c>")
            elif isinstance(value, bool):
                cells.append(f'<c r="{where}"{attr} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, numbers.Integral):
                cells.append(f'<c r="{where}"{attr}><v>{int(value)}</v></c>')
            elif isinstance(value, numbers.Real):
                if math.isfinite(value):
                    cells.append(f'<c r="{where}"{attr}><v>{float(value)!r}</v></c>')
            else:
                raise TypeError(f"streamed cells hold str, int, float or bool, not {value!r}")
        parts.append(f'<row r="{r}">' + "".join(cells) + "</row>")
        if len(parts) >= 1000:
            yield "".join(parts)
            parts = []
    if parts:
        yield "".join(parts)

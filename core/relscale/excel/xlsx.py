"""A direct SpreadsheetML writer for the sheet model: no openpyxl, one pass, plain strings.

:func:`write_xlsx` writes a :class:`relscale.excel.sheet.Workbook` as .xlsx with what the
openpyxl renderer (:mod:`relscale.excel.render`) writes for the same book: cells (every
string an inline string, text and never a formula; relscale's own formulas as formulas),
named styles (:mod:`relscale.excel.xlsx_styles`), merged cells (covered cells keep the
top-left cell's edge borders and protection, as openpyxl draws them), column widths and
hidden columns, row heights, data validation, sheet and structure protection, print
setup, headers and footers, defined names, document title and author, visibility and
tab colours. Charts, comments, frozen panes and streamed rows are not written here:
:func:`supports` says False and the caller renders with openpyxl instead.

Every text is XML-escaped; text a spreadsheet cannot hold (control characters, over
32,767 characters) is refused with the place named (:func:`relscale.excel.stream.text_problem`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

from relscale.excel.render import header_footer_code
from relscale.excel.sheet import Cell, PrintSetup, Sheet, Workbook, column_letter, quote_sheet
from relscale.excel.stream import text_problem
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

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_EPOCH = dt.datetime(1899, 12, 30)
_CM_PER_INCH = 2.54
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_THEME = Path(__file__).with_name("theme1.xml")


def supports(book: Workbook) -> bool:
    """True when :func:`write_xlsx` writes everything in ``book``."""
    return not any(
        sheet.charts or sheet.stream is not None or sheet.freeze
        or any(cell.comment for cell in sheet.cells.values())
        for sheet in book.sheets
    )


def password_hash(password: str) -> str:
    """Excel's legacy 16-bit sheet/structure password hash (as openpyxl computes it)."""
    value = 0
    for i, ch in enumerate(password, 1):
        bits = ord(ch) << i
        value ^= (bits & 0x7FFF) | (bits >> 15)
    return format(value ^ len(password) ^ 0xCE4B, "X")


def _checked(text: str, where: str) -> str:
    problem = text_problem(text, where)
    if problem is not None:
        raise problem
    return text


def write_xlsx(book: Workbook, path: Path | str) -> None:
    """Write ``book`` to ``path`` as .xlsx (:func:`relscale.workbooks.write` for atomic
    writing). Raises ValueError for a book :func:`supports` refuses."""
    if not supports(book):
        raise ValueError("charts, comments, frozen panes and streamed rows need the "
                         "openpyxl renderer (relscale.excel.render)")
    book.check()
    table = StyleTable(book.styles)
    parts = [(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet, table))
             for i, sheet in enumerate(book.sheets, start=1)]
    n = len(book.sheets)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", _content_types(n))
        out.writestr("_rels/.rels", _ROOT_RELS)
        out.writestr("docProps/app.xml", _APP)
        out.writestr("docProps/core.xml", _core(book))
        out.writestr("xl/workbook.xml", _workbook_xml(book))
        out.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
        out.writestr("xl/styles.xml", table.xml())
        out.writestr("xl/theme/theme1.xml", _THEME.read_bytes())
        for name, xml in parts:
            out.writestr(name, xml)


# --- package parts ---------------------------------------------------------------------

_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>relscale</Application></Properties>')


def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                     f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, n + 1))
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook_rels(n: int) -> str:
    rels = [f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)]
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{_REL}/theme" '
                'Target="theme/theme1.xml"/>')
    return f'{_XML}<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'


def _core(book: Workbook) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    creator = (f"<dc:creator>{escape_text(_checked(book.creator, 'creator'))}</dc:creator>"
               if book.creator else "")
    title = (f"<dc:title>{escape_text(_checked(book.title, 'title'))}</dc:title>"
             if book.title else "")
    return (
        f"{_XML}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{creator}{title}"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook_xml(book: Workbook) -> str:
    visible = [i for i, s in enumerate(book.sheets) if s.visibility == "visible"]
    active = book.active if book.active in visible else (visible[0] if visible else 0)
    protection = ""
    if book.protect_structure:
        pw = (f' workbookPassword="{password_hash(book.structure_password)}"'
              if book.structure_password else "")
        protection = f'<workbookProtection lockStructure="1"{pw}/>'
    sheets = "".join(
        f'<sheet name="{escape_attr(_checked(s.name, "sheet name"))}" sheetId="{i}" '
        f'state="{s.visibility}" r:id="rId{i}"/>'
        for i, s in enumerate(book.sheets, start=1)
    )
    names: list[tuple[str, int | None, str]] = [
        (n.name, None, n.reference) for n in book.defined_names]
    for i, sheet in enumerate(book.sheets):
        names.extend((name, i, value) for name, value in _print_names(sheet))
    defined = "".join(
        f'<definedName name="{escape_attr(_checked(name, "defined name"))}"'
        + ("" if local is None else f' localSheetId="{local}"')
        + f">{escape_text(_checked(value, name))}</definedName>"
        for name, local, value in names
    )
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>{protection}'
        f'<bookViews><workbookView activeTab="{active}"/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _print_names(sheet: Sheet) -> list[tuple[str, str]]:
    p = sheet.print_setup
    if p is None:
        return []
    q = quote_sheet(sheet.name)
    names = []
    titles = []
    if p.title_columns:
        titles.append(f"{q}!${column_letter(p.title_columns[0])}:"
                      f"${column_letter(p.title_columns[1])}")
    if p.title_rows:
        titles.append(f"{q}!${p.title_rows[0]}:${p.title_rows[1]}")
    if titles:
        names.append(("_xlnm.Print_Titles", ",".join(titles)))
    if p.print_area:
        ranges = [_CELL_REF.sub(lambda m: f"${m.group(1).upper()}${m.group(2)}", part.strip())
                  for part in p.print_area.split(",")]
        names.append(("_xlnm.Print_Area", ",".join(f"{q}!{r}" for r in ranges)))
    return names


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
        (r1, c1), (r2, c2) = _rc(first), _rc(last or first)
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


def _rc(a1: str) -> tuple[int, int]:
    m = _CELL_REF.fullmatch(a1.strip())
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
        formula = escape_text(_checked(cell.formula[1:], f"{sheet.name}!{where}"))
        return f'<c r="{where}"{attr}><f>{formula}</f></c>'
    if value is None:
        return f'<c r="{where}"{attr}/>'
    if isinstance(value, str):
        text = escape_text(_checked(value, f"{sheet.name}!{where}"))
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


def _sheet_xml(sheet: Sheet, table: StyleTable) -> str:
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
    if cells:
        rs = [r for r, _ in cells]
        cs = [c for _, c in cells]
        out.append(f'<dimension ref="{column_letter(min(cs))}{min(rs)}:'
                   f'{column_letter(max(cs))}{max(rs)}"/>')
    grid = f' showGridLines="{int(sheet.show_grid_lines)}"'
    out.append(f'<sheetViews><sheetView{grid} workbookViewId="0">'
               '<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
               '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    out.append(_cols(sheet))
    out.append("<sheetData>")
    for r in sorted(set(rows) | set(sheet.row_heights)):
        height = sheet.row_heights.get(r)
        ht = f' ht="{number(height)}" customHeight="1"' if height is not None else ""
        out.append(f'<row r="{r}"{ht}>{"".join(rows.get(r, ()))}</row>')
    out.append("</sheetData>")
    if sheet.protection is not None:
        out.append(_protection(sheet))
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">'
                   + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges) + "</mergeCells>")
    if sheet.validations:
        out.append(_validations(sheet))
    if sheet.print_setup is not None:
        out.append(_print_setup(sheet, sheet.print_setup))
    out.append("</worksheet>")
    return "".join(out)


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
            formulas = ('<formula1>' + escape_text(_checked('"' + ",".join(v.options) + '"',
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
                attrs += f' {name}="{escape_attr(_checked(text, where))}"'
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
    """``&L&9 left&C&9 centre&R&9 right`` (9 points, as the openpyxl renderer sets)."""
    return escape_text("".join(
        f"&{pos}&9 {header_footer_code(_checked(text, where))}"
        for pos, text in zip("LCR", texts, strict=True) if text
    ))

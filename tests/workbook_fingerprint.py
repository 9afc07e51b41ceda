"""What a workbook holds, as openpyxl reads it back: a JSON-able fingerprint.

Cells (values, types, fonts, fills, borders, alignment, number formats, protection,
comments), and sheet by sheet every feature relscale uses: merged cells, column widths,
row heights, data validation, protection, print setup, headers and footers, frozen panes,
visibility, charts (kind, series and their ranges, titles, axis scaling, legend, anchor);
and for the book its sheets, active sheet, defined names, properties and structure
protection. ``tests/test_workbook_writer.py`` compares the workbooks relscale writes with
stored fingerprints of what they were when an openpyxl renderer wrote them.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

VOLATILE = "<volatile>"


def _rgb(color: Any) -> str | None:
    """A colour's ARGB text (None for none, or a theme or indexed colour)."""
    rgb = getattr(color, "rgb", None)
    return rgb if isinstance(rgb, str) else None


def _side(side: Any) -> list[Any]:
    if side is None or side.style is None:
        return [None, None]
    return [side.style, _rgb(side.color)]


def _value(v: Any) -> Any:
    if isinstance(v, dt.datetime | dt.date):
        return VOLATILE  # dates of writing (the form's metadata) differ run to run
    return v


def _style(c: Any) -> str:
    f, fill, b, a = c.font, c.fill, c.border, c.alignment
    return json.dumps(_plain([
        [f.name, f.sz, bool(f.b), bool(f.i), _rgb(f.color),
         f.color.theme if f.color is not None else None],
        [fill.fill_type, _rgb(fill.fgColor) if fill.fill_type else None],
        [_side(getattr(b, s)) for s in ("left", "right", "top", "bottom")],
        [a.horizontal, a.vertical, bool(a.wrap_text), bool(a.shrink_to_fit), a.indent or 0],
        c.number_format, c.protection.locked,
    ]))


def _cells(ws: Any, styles: dict[str, int]) -> dict[str, list[Any]]:
    """Cells with a value, a comment or a style other than the default: value, type, the
    style's number in the book's style list, comment."""
    out = {}
    for row in ws.iter_rows():
        for c in row:
            style = styles.setdefault(_style(c), len(styles))
            if c.value is None and c.comment is None and style == 0:
                continue
            kind = None if c.value is None else c.data_type  # an empty cell has no type
            out[f"{c.row},{c.column}"] = [_value(c.value), kind, style,
                                          c.comment.text if c.comment is not None else None]
    return out


def _dv(dv: Any) -> list[Any]:
    return [str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.allow_blank,
            bool(dv.showDropDown), dv.showErrorMessage, dv.showInputMessage, dv.promptTitle,
            dv.prompt, dv.errorTitle, dv.error, dv.errorStyle]


def _hf(hf: Any) -> list[Any]:
    return [[p.text, p.size] for p in (hf.left, hf.center, hf.right)]


def _text(title: Any) -> str | None:
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))


def _series(s: Any) -> list[Any]:
    tx = None
    if s.tx is not None:
        tx = s.tx.strRef.f if s.tx.strRef is not None else s.tx.v
    cat = None
    if s.cat is not None:
        ref = s.cat.numRef or s.cat.strRef
        cat = ref.f if ref is not None else None
    return [tx, s.val.numRef.f if s.val is not None and s.val.numRef else None, cat,
            bool(s.smooth) if s.smooth is not None else None]


def _chart(ch: Any) -> dict[str, Any]:
    frm = ch.anchor._from
    ext = getattr(ch.anchor, "ext", None)
    return {
        "anchor": [frm.row, frm.col, ext.width if ext else None, ext.height if ext else None],
        "title": _text(ch.title),
        "parts": [[type(c).__name__, getattr(c, "type", None) or getattr(c, "barDir", None),
                   getattr(c, "grouping", None), [_series(s) for s in c.series]]
                  for c in ch._charts],
        "x": [_text(ch.x_axis.title), ch.x_axis.delete],
        "y": [_text(ch.y_axis.title), ch.y_axis.delete, ch.y_axis.scaling.min,
              ch.y_axis.scaling.max],
        "legend": ch.legend is not None,
    }


def _sheet(ws: Any, styles: dict[str, int]) -> dict[str, Any]:
    ps, pm, po, pr = ws.page_setup, ws.page_margins, ws.print_options, ws.protection
    return {
        "cells": _cells(ws, styles),
        "merges": sorted(str(r) for r in ws.merged_cells.ranges),
        "columns": {k: [d.width, bool(d.hidden)] for k, d in ws.column_dimensions.items()
                    if d.customWidth or d.hidden},
        "rows": {str(k): d.height for k, d in ws.row_dimensions.items() if d.height},
        "validations": sorted(_dv(dv) for dv in ws.data_validations.dataValidation),
        "protection": [pr.sheet, pr.password, pr.selectLockedCells, pr.selectUnlockedCells,
                       pr.formatColumns, pr.formatRows, pr.formatCells, pr.insertRows,
                       pr.deleteRows, pr.objects, pr.scenarios],
        "page": [ps.paperSize, ps.orientation, ps.fitToWidth, ps.fitToHeight, ps.scale,
                 ws.sheet_properties.pageSetUpPr.fitToPage if
                 ws.sheet_properties.pageSetUpPr else None],
        "margins": [pm.left, pm.right, pm.top, pm.bottom, pm.header, pm.footer],
        "options": [po.horizontalCentered, po.gridLines],
        "titles": [ws.print_title_rows, ws.print_title_cols, ws.print_area],
        "breaks": [b.id for b in ws.row_breaks.brk],
        "header_footer": [_hf(ws.oddHeader), _hf(ws.oddFooter)],
        "view": [ws.sheet_view.showGridLines, ws.sheet_state, ws.freeze_panes,
                 _rgb(ws.sheet_properties.tabColor)],
        "charts": [_chart(ch) for ch in ws._charts],
    }


def _plain(x: Any) -> Any:
    """JSON values; openpyxl's unset descriptors (class attributes) read as None."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if x is None or isinstance(x, str | bool | int | float):
        return x
    return None


def fingerprint(path: Path) -> dict[str, Any]:
    """The workbook at ``path`` as openpyxl reads it (see the module docstring)."""
    from relscale.excel.identity import recognise

    wb = openpyxl.load_workbook(path)
    identity = recognise(wb)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    default = openpyxl.Workbook().active["A1"]
    styles = {_style(default): 0}
    sheets = {ws.title: _sheet(ws, styles) for ws in wb.worksheets}
    return _plain({
        "sheets": wb.sheetnames,
        "active": wb.active.title if wb.active is not None else None,
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
        "props": [wb.properties.title, wb.properties.creator],
        "security": [wb.security.lockStructure, wb.security.workbookPassword]
        if wb.security and (wb.security.lockStructure or wb.security.workbookPassword)
        else None,
        "identity": None if identity is None else [identity.kind, identity.checksum_matches],
        "sheet": sheets,
        "styles": [json.loads(k) for k in styles],
    })


# --- the sheet model against what openpyxl reads back ----------------------------------


def _color_of(rgb: str | None) -> str | None:
    return None if rgb is None else (rgb if len(rgb) == 8 else "00" + rgb)


def assert_round_trip(book: Any, path: Path) -> None:
    """Every cell, style and sheet feature of the model ``book`` is what openpyxl reads
    from ``path`` (a check of the writer against the model, not against a second writer).
    Streamed rows are compared with the rows the stream produces again."""
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [s.name for s in book.sheets]
    assert wb.properties.title == book.title
    if book.creator is not None:  # openpyxl reads a missing creator as "openpyxl"
        assert wb.properties.creator == book.creator
    assert bool(wb.security and wb.security.lockStructure) == book.protect_structure
    for name in book.defined_names:
        assert wb.defined_names[name.name].attr_text == name.reference
    for sheet in book.sheets:
        ws = wb[sheet.name]
        covered = _covered(sheet.merges)
        for (r, c), cell in sheet.cells.items():
            xc = ws.cell(row=r, column=c)
            where = f"{sheet.name}!{xc.coordinate}"
            if (r, c) in covered:
                continue
            if cell.formula is not None:
                assert xc.value == cell.formula, where
            elif cell.value == "" or cell.value is None:
                assert xc.value is None, where
            elif isinstance(cell.value, dt.datetime | dt.date):
                assert xc.value is not None, where
            else:
                assert xc.value == cell.value and type(xc.value) is type(cell.value), where
            _style_matches(book.styles.get(cell.style) if cell.style else None, xc, where)
            assert xc.protection.locked == cell.locked, where
            assert (xc.comment.text if xc.comment else None) == cell.comment, where
        if sheet.stream is not None:
            start = sheet.stream_start or max(r for r, _ in sheet.cells) + 1
            for r, row in enumerate(sheet.stream(), start=start):
                for c, (value, _style) in enumerate(row, start=1):
                    got = ws.cell(row=r, column=c).value
                    if value is None or value == "" or (isinstance(value, float)
                                                        and value != value):
                        assert got is None, (sheet.name, r, c)
                    else:
                        assert got == value, (sheet.name, r, c, got, value)
        assert sorted(str(m) for m in ws.merged_cells.ranges) == sorted(sheet.merges)
        for col, width in sheet.column_widths.items():
            assert ws.column_dimensions[_letter(col)].width == _approx(width), (sheet.name, col)
        for col in sheet.hidden_columns:
            assert ws.column_dimensions[_letter(col)].hidden
        for row, height in sheet.row_heights.items():
            assert ws.row_dimensions[row].height == _approx(height)
        read = sorted((str(dv.sqref), dv.type) for dv in ws.data_validations.dataValidation)
        assert read == sorted((v.ranges, v.kind) for v in sheet.validations)
        assert bool(ws.protection.sheet) == (sheet.protection is not None)
        assert (ws.freeze_panes or None) == (sheet.freeze if sheet.freeze != "A1" else None)
        assert ws.sheet_state == sheet.visibility
        assert bool(ws.sheet_view.showGridLines) == sheet.show_grid_lines
        assert len(ws._charts) == len(sheet.charts)
        for chart, spec in zip(ws._charts, sheet.charts, strict=True):
            assert _text(chart.title) == spec.title
            n = sum(len(c.series) for c in chart._charts)
            assert n == len(spec.series) + len(spec.lines)
        p = sheet.print_setup
        if p is not None:
            assert ws.page_setup.orientation == p.orientation
            assert int(ws.page_setup.paperSize) == (9 if p.paper == "A4" else 1)
            assert ws.page_margins.left * 2.54 == _approx(p.margins_cm[0])


def _approx(x: float) -> Any:
    import pytest

    return pytest.approx(x, rel=1e-12)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _covered(merges: list[str]) -> set[tuple[int, int]]:
    from openpyxl.utils.cell import range_boundaries

    out = set()
    for m in merges:
        c1, r1, c2, r2 = range_boundaries(m)
        out |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    return out


def _style_matches(style: Any, xc: Any, where: str) -> None:
    f, a, b = xc.font, xc.alignment, xc.border
    if style is None:
        assert not f.b and not f.i and xc.fill.fill_type is None, where
        return
    if style.font:
        assert f.name == style.font, where
    if style.size:
        assert f.sz == style.size, where
    assert bool(f.b) == style.bold and bool(f.i) == style.italic, where
    if style.color:
        assert _rgb(f.color) == _color_of(style.color), where
    if style.fill:
        assert xc.fill.fill_type == "solid" and _rgb(xc.fill.fgColor) == _color_of(style.fill)
    else:
        assert xc.fill.fill_type is None, where
    assert (a.horizontal, a.vertical) == (style.horizontal, style.vertical), where
    assert bool(a.wrap_text) == style.wrap and bool(a.shrink_to_fit) == style.shrink, where
    assert (a.indent or 0) == style.indent, where
    if style.border:
        assert {b.left.style, b.right.style, b.top.style, b.bottom.style} == {style.border}
    elif style.border_bottom:
        assert b.bottom.style == style.border_bottom, where
    assert xc.number_format == (style.number_format or "General") or (
        style.number_format is None and xc.number_format.startswith("yyyy")), where

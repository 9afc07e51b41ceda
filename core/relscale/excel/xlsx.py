"""The workbook writer: the sheet model to .xlsx in one pass, with plain strings.

:func:`write_xlsx` writes a :class:`relscale.excel.sheet.Workbook` -- every workbook relscale
makes: forms, scoring sheets, codebooks, results, profiles, reports -- as .xlsx: the
package, the workbook part (sheets, defined names, print titles and areas, structure
protection, properties), the style table (:mod:`relscale.excel.xlsx_styles`), the worksheets
(:mod:`relscale.excel.xlsx_sheet`: cells, merges, validation, protection, print setup, frozen
panes, streamed rows), and here the charts (bar, column and line, with line overlays) and
cell comments. It is the only writer: openpyxl is used for reading only.

It replaced an openpyxl renderer (and the splice of streamed rows into its output): the
same books came out the same when read back (``tests/test_workbook_writer.py`` keeps what
they were as stored expected files), at a fraction of the time and memory, and one path
means a feature of the sheet model is written once.

Every text is XML-escaped; text a spreadsheet cannot hold (control characters, over
32,767 characters) is refused with the place named (:func:`relscale.excel.xlsx_sheet.text_problem`).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from relscale.excel.sheet import (
    ChartSpec,
    SeriesSpec,
    Sheet,
    Workbook,
    column_letter,
    quote_sheet,
)
from relscale.excel.xlsx_sheet import (
    CELL_REF,
    STREAM_DEFLATE_LEVEL,
    cell_position,
    checked,
    password_hash,
    sheet_xml,
)
from relscale.excel.xlsx_styles import StyleTable, escape_attr, escape_text

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_DML = "http://schemas.openxmlformats.org/drawingml/2006"
_THEME = Path(__file__).with_name("theme1.xml")
_EMU_PER_CM = 360_000


@dataclass
class _Parts:
    """Which drawing, chart and comment parts each sheet has (numbered from 1)."""

    drawings: dict[int, int] = field(default_factory=dict)  # sheet index -> drawing
    charts: dict[int, list[int]] = field(default_factory=dict)  # sheet index -> charts
    comments: dict[int, int] = field(default_factory=dict)  # sheet index -> comments

    @classmethod
    def of(cls, book: Workbook) -> _Parts:
        parts = cls()
        chart = 0
        for i, sheet in enumerate(book.sheets):
            if sheet.charts:
                parts.drawings[i] = len(parts.drawings) + 1
                parts.charts[i] = list(range(chart + 1, chart + 1 + len(sheet.charts)))
                chart += len(sheet.charts)
            if any(cell.comment for cell in sheet.cells.values()):
                parts.comments[i] = len(parts.comments) + 1
        return parts


def write_xlsx(book: Workbook, path: Path | str) -> None:
    """Write ``book`` to ``path`` as .xlsx (:func:`relscale.workbooks.write` writes it
    atomically). Streamed rows are produced while their sheet is written."""
    book.check()
    table = StyleTable(book.styles)
    plan = _Parts.of(book)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", _content_types(book, plan))
        out.writestr("_rels/.rels", _ROOT_RELS)
        out.writestr("docProps/app.xml", _APP)
        out.writestr("docProps/core.xml", _core(book))
        out.writestr("xl/workbook.xml", _workbook_xml(book))
        out.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(book.sheets)))
        out.writestr("xl/theme/theme1.xml", _THEME.read_bytes())
        for i, sheet in enumerate(book.sheets):
            _write_sheet(out, i, sheet, table, plan)
        out.writestr("xl/styles.xml", table.xml())  # last: the sheets registered the formats


def _write_sheet(out: zipfile.ZipFile, i: int, sheet: Sheet, table: StyleTable,
                 plan: _Parts) -> None:
    rels: list[tuple[str, str]] = []
    drawing = comments = None
    if i in plan.drawings:
        d = plan.drawings[i]
        rels.append(("drawing", f"../drawings/drawing{d}.xml"))
        drawing = f"rId{len(rels)}"
        out.writestr(f"xl/drawings/drawing{d}.xml", _drawing_xml(sheet.charts, plan.charts[i]))
        out.writestr(f"xl/drawings/_rels/drawing{d}.xml.rels", _rels_xml(
            [("chart", f"../charts/chart{c}.xml") for c in plan.charts[i]]))
        for spec, c in zip(sheet.charts, plan.charts[i], strict=True):
            out.writestr(f"xl/charts/chart{c}.xml", chart_xml(spec))
    if i in plan.comments:
        c = plan.comments[i]
        rels.append(("comments", f"../comments{c}.xml"))
        rels.append(("vmlDrawing", f"../drawings/vmlDrawing{c}.vml"))
        comments = f"rId{len(rels)}"
        notes = sorted((rc, cell.comment) for rc, cell in sheet.cells.items() if cell.comment)
        out.writestr(f"xl/comments{c}.xml", _comments_xml(sheet, notes))
        out.writestr(f"xl/drawings/vmlDrawing{c}.vml", _vml_xml(notes, c))
    n = i + 1
    if rels:
        out.writestr(f"xl/worksheets/_rels/sheet{n}.xml.rels", _rels_xml(rels))
    info = zipfile.ZipInfo(f"xl/worksheets/sheet{n}.xml", dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    if sheet.stream is not None:
        # a streamed table is most of the work of a large workbook (the module's docs)
        level = "compress_level" if hasattr(info, "compress_level") else "_compresslevel"
        setattr(info, level, STREAM_DEFLATE_LEVEL)
    with out.open(info, "w", force_zip64=sheet.stream is not None) as fh:
        for chunk in sheet_xml(sheet, table, drawing=drawing, comments=comments):
            fh.write(chunk)


def _rels_xml(rels: list[tuple[str, str]]) -> str:
    items = "".join(f'<Relationship Id="rId{k}" Type="{_REL}/{kind}" Target="{target}"/>'
                    for k, (kind, target) in enumerate(rels, start=1))
    return f'{_XML}<Relationships xmlns="{_PKG_REL}">{items}</Relationships>'


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


def _content_types(book: Workbook, plan: _Parts) -> str:
    overrides = [(f"/xl/worksheets/sheet{i}.xml", f"{_CT}.spreadsheetml.worksheet+xml")
                 for i in range(1, len(book.sheets) + 1)]
    overrides += [(f"/xl/drawings/drawing{d}.xml", f"{_CT}.drawing+xml")
                  for d in plan.drawings.values()]
    overrides += [(f"/xl/charts/chart{c}.xml", f"{_CT}.drawingml.chart+xml")
                  for charts in plan.charts.values() for c in charts]
    overrides += [(f"/xl/comments{c}.xml", f"{_CT}.spreadsheetml.comments+xml")
                  for c in plan.comments.values()]
    vml = (f'<Default Extension="vml" ContentType="{_CT}.vmlDrawing"/>'
           if plan.comments else "")
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{vml}'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>'
                  for name, kind in overrides)
        + "</Types>"
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
    creator = (f"<dc:creator>{escape_text(checked(book.creator, 'creator'))}</dc:creator>"
               if book.creator else "")
    title = (f"<dc:title>{escape_text(checked(book.title, 'title'))}</dc:title>"
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
        f'<sheet name="{escape_attr(checked(s.name, "sheet name"))}" sheetId="{i}" '
        f'state="{s.visibility}" r:id="rId{i}"/>'
        for i, s in enumerate(book.sheets, start=1)
    )
    names: list[tuple[str, int | None, str]] = [
        (n.name, None, n.reference) for n in book.defined_names]
    for i, sheet in enumerate(book.sheets):
        names.extend((name, i, value) for name, value in _print_names(sheet))
    defined = "".join(
        f'<definedName name="{escape_attr(checked(name, "defined name"))}"'
        + ("" if local is None else f' localSheetId="{local}"')
        + f">{escape_text(checked(value, name))}</definedName>"
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
        ranges = [CELL_REF.sub(lambda m: f"${m.group(1).upper()}${m.group(2)}", part.strip())
                  for part in p.print_area.split(",")]
        names.append(("_xlnm.Print_Area", ",".join(f"{q}!{r}" for r in ranges)))
    return names



# --- charts ----------------------------------------------------------------------------


def _drawing_xml(charts: list[ChartSpec], numbers: list[int]) -> str:
    """The sheet's drawing: each chart anchored at its top-left cell, sized in cm."""
    anchors = []
    for k, spec in enumerate(charts, start=1):
        row, col = cell_position(spec.anchor)
        cx, cy = round(spec.width_cm * _EMU_PER_CM), round(spec.height_cm * _EMU_PER_CM)
        anchors.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col - 1}</xdr:col><xdr:colOff>0"
            f"</xdr:colOff><xdr:row>{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{cx}" cy="{cy}"/><xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{k + 1}" name="Chart {k}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{_DML}/chart"><c:chart r:id="rId{k}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:oneCellAnchor>")
    del numbers  # the drawing's own relationships number its charts 1..n
    return (f'{_XML}<xdr:wsDr xmlns:xdr="{_DML}/spreadsheetDrawing" xmlns:a="{_DML}/main" '
            f'xmlns:c="{_DML}/chart" xmlns:r="{_REL}">{"".join(anchors)}</xdr:wsDr>')


def _reference(reference: str, *, first_only: bool = False, skip_first: bool = False) -> str:
    """``Sheet!B2:B9`` as a chart formula: the sheet quoted, the cells absolute (the first
    cell alone, relative, for a series title; the rest of the range for its values)."""
    sheet, _, rng = reference.rpartition("!")
    if not sheet:
        raise ValueError(f"chart ranges need a sheet name: {reference!r}")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    first, _, last = rng.replace("$", "").partition(":")
    (r1, c1), (r2, c2) = cell_position(first), cell_position(last or first)
    if first_only:
        return escape_text(f"{quote_sheet(sheet)}!{column_letter(c1)}{r1}")
    if skip_first:
        r1, c1 = (r1 + 1, c1) if c1 == c2 else (r1, c1 + 1)
    return escape_text(f"{quote_sheet(sheet)}!${column_letter(c1)}${r1}:"
                       f"${column_letter(c2)}${r2}")


def _rich(text: str) -> str:
    return ("<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r><a:t>"
            f"{escape_text(checked(text, 'chart title'))}</a:t></a:r></a:p></c:rich></c:tx>")


def _series(s: SeriesSpec, index: int, categories: str | None, line: bool) -> str:
    if s.title_from_first:
        tx = f"<c:tx><c:strRef><c:f>{_reference(s.values, first_only=True)}</c:f></c:strRef></c:tx>"
    elif s.title is not None:
        tx = f"<c:tx><c:v>{escape_text(checked(s.title, 'chart series'))}</c:v></c:tx>"
    else:
        tx = ""
    solid = '<c:spPr><a:ln><a:prstDash val="solid"/></a:ln></c:spPr>'
    marker = f'<c:marker><c:symbol val="none"/>{solid}</c:marker>' if line else ""
    cat = (f"<c:cat><c:numRef><c:f>{_reference(categories)}</c:f></c:numRef></c:cat>"
           if categories and not line else "")
    values = _reference(s.values, skip_first=s.title_from_first)
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>{tx}{solid}{marker}{cat}'
            f"<c:val><c:numRef><c:f>{values}</c:f></c:numRef></c:val>"
            + ('<c:smooth val="0"/>' if line else "") + "</c:ser>")


def chart_xml(spec: ChartSpec) -> str:
    """One chart part: bars, columns or lines, and lines drawn over bars or columns."""
    axes = '<c:axId val="10"/><c:axId val="100"/>'
    bars = [s for s in spec.series] if spec.kind != "line" else []
    lines = ([*spec.series, *spec.lines] if spec.kind == "line" else list(spec.lines))
    plot = []
    index = 0
    if bars:
        direction = "bar" if spec.kind == "bar" else "col"
        body = "".join(_series(s, index + k, spec.categories, False) for k, s in enumerate(bars))
        index += len(bars)
        plot.append(f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="clustered"/>'
                    f'{body}<c:gapWidth val="150"/>{axes}</c:barChart>')
    if lines:
        body = "".join(_series(s, index + k, spec.categories if not bars else None, True)
                       for k, s in enumerate(lines))
        plot.append(f'<c:lineChart><c:grouping val="standard"/>{body}{axes}</c:lineChart>')
    scaling = '<c:orientation val="minMax"/>'
    if spec.y_max is not None:
        scaling += f'<c:max val="{spec.y_max:g}"/>'
    if spec.y_min is not None:
        scaling += f'<c:min val="{spec.y_min:g}"/>'
    x_title = f"<c:title>{_rich(spec.x_title)}</c:title>" if spec.x_title else ""
    y_title = f"<c:title>{_rich(spec.y_title)}</c:title>" if spec.y_title else ""
    ticks = '<c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
    plot.append(f'<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/>'
                f'</c:scaling><c:delete val="0"/><c:axPos val="l"/>{x_title}{ticks}'
                '<c:crossAx val="100"/><c:lblOffset val="100"/></c:catAx>')
    plot.append(f'<c:valAx><c:axId val="100"/><c:scaling>{scaling}</c:scaling>'
                f'<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>{y_title}{ticks}'
                '<c:crossAx val="10"/></c:valAx>')
    title = f"<c:title>{_rich(spec.title)}</c:title>" if spec.title else ""
    legend = '<c:legend><c:legendPos val="r"/></c:legend>' if spec.legend else ""
    return (f'{_XML}<c:chartSpace xmlns:c="{_DML}/chart" xmlns:a="{_DML}/main" '
            f'xmlns:r="{_REL}"><c:chart>{title}<c:plotArea>{"".join(plot)}</c:plotArea>'
            f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
            "</c:chartSpace>")


# --- comments --------------------------------------------------------------------------


def _comments_xml(sheet: Sheet, notes: list[tuple[tuple[int, int], str]]) -> str:
    items = "".join(
        f'<comment ref="{column_letter(c)}{r}" authorId="0"><text><t xml:space="preserve">'
        f"{escape_text(checked(text, f'{sheet.name}!{column_letter(c)}{r} (comment)'))}"
        "</t></text></comment>"
        for (r, c), text in notes)
    return (f'{_XML}<comments xmlns="{_MAIN}"><authors><author>relscale</author></authors>'
            f"<commentList>{items}</commentList></comments>")


def _vml_xml(notes: list[tuple[tuple[int, int], str]], part: int) -> str:
    """The legacy drawing Excel needs to show comments: a hidden note box per comment."""
    shapes = "".join(
        f'<v:shape id="_x0000_s{1024 * part + k + 1}" type="#_x0000_t202" '
        'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:144px;'
        'height:79px;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
        '<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
        '<div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note">'
        "<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>"
        f"<x:Row>{r - 1}</x:Row><x:Column>{c - 1}</x:Column></x:ClientData></v:shape>"
        for k, ((r, c), _text) in enumerate(notes))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{part}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f"{shapes}</xml>")

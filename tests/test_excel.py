"""The writer-neutral sheet model and the workbook writer (relscale.excel.xlsx)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from relscale.excel.sheet import (
    ChartSpec,
    DefinedName,
    PrintSetup,
    SeriesSpec,
    SheetProtection,
    Style,
    Validation,
    Workbook,
    column_index,
    column_letter,
    parse_ref,
    quote_sheet,
    range_ref,
    ref,
)
from relscale.excel.xlsx import write_xlsx
from relscale.excel.xlsx_sheet import header_footer_code


@pytest.mark.parametrize(
    ("n", "letters"), [(1, "A"), (2, "B"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")]
)
def test_column_letters_round_trip(n: int, letters: str) -> None:
    assert column_letter(n) == letters
    assert column_index(letters) == n


def test_references() -> None:
    assert ref(14, 2) == "B14"
    assert ref(14, 2, absolute=True) == "$B$14"
    assert range_ref(1, 1, 3, 2) == "A1:B3"
    assert parse_ref("$C$7") == (7, 3)
    assert quote_sheet("Jan's") == "'Jan''s'"
    with pytest.raises(ValueError):
        parse_ref("C")
    with pytest.raises(ValueError):
        ref(0, 1)


def test_header_footer_tokens_and_ampersands() -> None:
    assert header_footer_code("Page {page} of {pages}") == "Page &P of &N"
    assert header_footer_code("R&D {sheet}") == "R&&D &A"


def test_validation_messages_are_clipped_to_excel_limits() -> None:
    v = Validation.whole("C1:C9", 1, 5, prompt_title="t" * 40, prompt="p" * 300, error="e" * 9)
    assert v.prompt_title is not None and len(v.prompt_title) == 32
    assert v.prompt is not None and len(v.prompt) == 255
    assert v.error == "e" * 9
    with pytest.raises(ValueError):
        Validation.list("A1", ["a,b"])


def test_undefined_style_and_bad_names_are_builder_errors() -> None:
    book = Workbook()
    sheet = book.add_sheet("S")
    sheet.set(1, 1, "x", style="nope")
    with pytest.raises(ValueError, match="undefined style"):
        book.check()
    with pytest.raises(ValueError):
        book.add_sheet("S")
    with pytest.raises(ValueError):
        book.add_sheet("a/b")
    with pytest.raises(ValueError):
        sheet.set(1, 1, formula="SUM(A1)")


def _sample_book() -> Workbook:
    book = Workbook(
        styles={
            "head": Style(bold=True, fill="D9D9D9", border="thin", wrap=True),
            "num": Style(number_format="0.00", horizontal="right"),
        },
        title="Sample",
        protect_structure=True,
    )
    data = book.add_sheet("Scores")
    data.set(1, 1, "dimension", style="head")
    data.set(1, 2, "score", style="head")
    for i, (name, value) in enumerate([("closeness", 4.5), ("conflict", 1.25), ("dep", 2)], 2):
        data.set(i, 1, name)
        data.set(i, 2, value, style="num", locked=False)
    data.set(5, 1, "total")
    data.set(5, 2, formula="=SUM(B2:B4)", style="num")
    data.set(6, 2, formula="=AVERAGE(B2:B4)", style="num")
    data.merge(8, 1, 8, 3, style="head")
    data.column_widths[1] = 20
    data.row_heights[8] = 30
    data.hidden_columns.add(4)
    data.validations.append(Validation.whole("B2:B4", 1, 5, prompt="1 to 5"))
    data.validations.append(Validation.list("C2:C4", ["yes", "no"]))
    data.protection = SheetProtection(password="pw")
    data.print_setup = PrintSetup(
        title_rows=(1, 1), print_area="A1:C8", row_breaks=(4,), footer_right="p {page}/{pages}"
    )
    data.charts.append(
        ChartSpec(kind="column", anchor="E2", categories="Scores!A2:A4",
                  series=(SeriesSpec("Scores!B1:B4", title_from_first=True),), title="Scores")
    )
    data.freeze = "A2"
    book.add_sheet("meta", visibility="veryHidden").set(1, 1, "secret")
    book.defined_names.append(DefinedName("scores", "'Scores'!$B$2:$B$4"))
    return book


def test_the_writer_maps_every_feature(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "book.xlsx"
    write_xlsx(_sample_book(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    assert wb.sheetnames == ["Scores", "meta"]
    assert wb["meta"].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("D9D9D9")
    assert ws["A1"].alignment.wrap_text and ws["A1"].border.left.style == "thin"
    assert ws["B2"].number_format == "0.00"
    assert ws["B2"].protection.locked is False and ws["A2"].protection.locked is True
    assert ws["B5"].value == "=SUM(B2:B4)"
    assert "A8:C8" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A8"].fill.fgColor.rgb.endswith("D9D9D9")
    assert ws.column_dimensions["A"].width == 20
    assert ws.column_dimensions["D"].hidden
    assert ws.row_dimensions[8].height == 30
    kinds = {(dv.type, str(dv.sqref)): dv for dv in ws.data_validations.dataValidation}
    whole = kinds[("whole", "B2:B4")]
    assert (whole.formula1, whole.formula2, whole.prompt) == ("1", "5", "1 to 5")
    assert kinds[("list", "C2:C4")].formula1 == '"yes,no"'
    assert ws.protection.sheet and ws.protection.password  # hashed
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_area == "'Scores'!$A$1:$C$8"
    assert [b.id for b in ws.row_breaks.brk] == [4]
    assert ws.oddFooter.right.text == "p &P/&N"
    assert ws.freeze_panes == "A2"
    assert len(ws._charts) == 1
    assert wb.defined_names["scores"].attr_text == "'Scores'!$B$2:$B$4"


def test_a_style_is_one_cell_format(tmp_path: Path) -> None:
    """Cells naming one style share one cell format (styles.xml does not grow with cells)."""
    import zipfile

    book = Workbook(styles={"s": Style(bold=True)})
    sheet = book.add_sheet("S")
    for r in range(1, 200):
        sheet.set(r, 1, r, style="s")
    write_xlsx(book, tmp_path / "s.xlsx")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        styles = z.read("xl/styles.xml").decode()
        cells = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<cellXfs count="2">' in styles
    assert cells.count(' s="1"') == 199


@pytest.mark.libreoffice
def test_libreoffice_recalculates_written_formulas(tmp_path: Path) -> None:
    """An independent client computes our formulas: LibreOffice converts to CSV."""
    path = tmp_path / "book.xlsx"
    book = _sample_book()
    book.protect_structure = False
    write_xlsx(book, path)
    subprocess.run(
        [shutil.which("soffice") or "soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )
    rows = list(csv.reader((tmp_path / "book.csv").open(encoding="utf-8")))
    assert rows[4][:2] == ["total", "7.75"]
    assert float(rows[5][1]) == pytest.approx(7.75 / 3, abs=0.005)


def test_column_chart_with_threshold_lines(tmp_path: Path) -> None:
    """Bars with straight lines over them land in one chart part (read as raw XML)."""
    import re
    import zipfile

    book = Workbook()
    sheet = book.add_sheet("P")
    for r, (name, pct, edge) in enumerate([("dim", "pct", "P10"), ("a", 80, 10), ("b", 20, 10)],
                                          start=1):
        sheet.set(r, 1, name)
        sheet.set(r, 2, pct)
        sheet.set(r, 3, edge)
    sheet.charts.append(ChartSpec(
        kind="column", anchor="E2", categories="P!A2:A3",
        series=(SeriesSpec("P!B1:B3", title_from_first=True),),
        lines=(SeriesSpec("P!C1:C3", title_from_first=True),),
    ))
    path = tmp_path / "chart.xlsx"
    write_xlsx(book, path)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    xml = re.sub(r"<(/?)c:", r"<\1", xml)  # with or without the c: namespace prefix
    assert "<barChart>" in xml and "<lineChart>" in xml
    line = xml[xml.index("<lineChart>"):xml.index("</lineChart>")]
    assert "P!$C$2:$C$3" in line.replace("'", "") and '<smooth val="0"' in line
    bar = xml[xml.index("<barChart>"):xml.index("</barChart>")]
    assert "P!$B$2:$B$3" in bar.replace("'", "")


@pytest.mark.libreoffice
def test_libreoffice_draws_the_charts(tmp_path: Path) -> None:
    """LibreOffice opens the chart parts and draws them: their titles reach the PDF."""
    from relscale.io.libreoffice import convert_to_pdf

    book = Workbook()
    sheet = book.add_sheet("P")
    for r, (name, pct, edge) in enumerate([("dim", "pct", "P10"), ("warm", 80, 10),
                                           ("calm", 20, 10)], start=1):
        sheet.set(r, 1, name)
        sheet.set(r, 2, pct)
        sheet.set(r, 3, edge)
    sheet.charts.append(ChartSpec(
        kind="column", anchor="E2", categories="P!A2:A3", title="Bars and lines",
        y_title="Percent axis", y_min=0, y_max=100,
        series=(SeriesSpec("P!B1:B3", title_from_first=True),),
        lines=(SeriesSpec("P!C1:C3", title_from_first=True),),
    ))
    sheet.charts.append(ChartSpec(kind="line", anchor="E20", categories="P!A2:A3",
                                  title="Only lines", series=(SeriesSpec("P!B2:B3"),),
                                  legend=False))
    path = tmp_path / "charts.xlsx"
    write_xlsx(book, path)
    (pdf,) = convert_to_pdf([path], tmp_path, timeout=120)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("Bars and lines", "Percent axis", "Only lines", "warm", "calm", "P10"):
        assert words in text, words


def test_sheet_names_are_unique_ignoring_case() -> None:
    from relscale.excel.sheet import Sheet, SheetNameError

    book = Workbook()
    for k in range(300):
        book.add_sheet(f"Pair {k}")
    with pytest.raises(SheetNameError, match="two sheets named"):
        book.add_sheet("pair 7")
    book.sheets.append(Sheet(name="Appended"))  # added without add_sheet: still counted
    with pytest.raises(SheetNameError, match="two sheets named"):
        book.add_sheet("APPENDED")
    assert book.add_sheet("Pair 300").name == "Pair 300"
    assert len(book.sheets) == 302

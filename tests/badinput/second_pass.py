"""The bad-input corpus, second pass (issue 25): what an attacker and a careless day still
got through after the first pass. Each case fails on the code before issue 25's fixes
(the report in benchmarks/RESULTS-fuzz.md says how that was checked) and names its
finding in its docstring.
"""

from __future__ import annotations

from pathlib import Path

from badinput import INSTRUMENT, LOCALE_PATH, SCORE, SECTOR, Case, case, catalog, write_data

SECRET = "hunter2-relscale-secret"


def _line_of(path: Path, text: bytes) -> int:
    return path.read_bytes().split(b"\n").index(text) + 1


# --- 1, 2: catalogs: every form checked, no format specs --------------------------------


@case
def catalog_plural_form_reads_environment(d: Path) -> Case:
    """1: msgstr[1] of a plural entry was used without the placeholder check."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{path}: form with {n} item written"\n'
                    b'msgid_plural "{path}: form with {n} items written"\n'
                    b'msgstr[0] "{path}: vragenlijst met {n} item"\n'
                    b'msgstr[1] "{path.__class__.__init__.__globals__[os].environ'
                    b'[RELSCALE_TEST_SECRET]}"\n')
    return Case(["--locale", "nl", "form", INSTRUMENT, "-s", SECTOR, "-o", "form.xlsx"],
                f"{po}: vermelding '{{path}}: form with {{n}} item written' niet gebruikt",
                code=0, env={**LOCALE_PATH, "RELSCALE_TEST_SECRET": SECRET}, lacks=[SECRET],
                present=["form.xlsx"])


@case
def catalog_format_spec_pads_output(d: Path) -> Case:
    """2: a width in a translation's field was obeyed (300 MB on stderr)."""
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\n'
                    b'msgid "{scored} scored, {incomplete} with missing scales, {rejected} '
                    b'rejected"\n'
                    b'msgstr "{scored:>3000000} gescoord, {incomplete} onvolledig, {rejected} '
                    b'afgewezen"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding '{{scored}} "
                "scored, {incomplete} with missing scales, {rejected' niet gebruikt (veld "
                "{scored} heeft een opmaak", code=0, env=LOCALE_PATH, present=["out.csv"])


@case
def catalog_format_spec_on_a_path(d: Path) -> Case:
    """2: ``{path:>10}`` gave a traceback after the output was written."""
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{path:>10} geschreven"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding "
                "'{path} written' niet gebruikt", code=0, env=LOCALE_PATH, present=["out.csv"])


@case
def i18n_check_reports_a_plural_form(d: Path) -> Case:
    """1: ``relscale i18n check`` read msgstr[0] only and reported 0 errors."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{n} form written to {path}"\n'
                    b'msgid_plural "{n} forms written to {path}"\n'
                    b'msgstr[0] "{n} vragenlijst geschreven naar {path}"\n'
                    b'msgstr[1] "{path.__class__}"\n')
    line = _line_of(po, b'msgid "{n} form written to {path}"')
    return Case(["i18n", "check", "-d", "relscale", "-l", "nl"], f"{po}, line {line}: error: "
                "'{n} form written to {path}' msgstr[1]: unsafe placeholder {path.__class__}",
                env=LOCALE_PATH, raw=True)


@case
def i18n_check_reports_a_format_spec(d: Path) -> Case:
    """2: ``relscale i18n check`` let a translator's format spec through."""
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{path:>300000000} geschreven"\n')
    line = _line_of(po, b'msgid "{path} written"')
    return Case(["i18n", "check", "-d", "relscale", "-l", "nl"], f"{po}, line {line}: error: "
                "'{path} written': unsafe placeholder {path}", env=LOCALE_PATH, raw=True)


# --- 3: grids built from what a file declares -------------------------------------------


def _answers_row() -> list[object]:
    from badinput import items

    return ["r1", *[3] * len(items())]


def _header() -> list[str]:
    from badinput import items

    return ["respondent_code", *items()]


XLSX_SCORE = ["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"]


@case
def xlsx_two_cells_at_the_corners(d: Path) -> Case:
    """3: a 5 KB table with a cell at XFD1048576: calamine aborted (549 GB)."""
    from badinput.hostile import sheet_xml, table_cells, xlsx

    cells = [*table_cells(_header(), [_answers_row()]), ("XFD1048576", 1)]
    xlsx(d / "data.xlsx", [("Sheet1", sheet_xml(cells))])
    return Case(XLSX_SCORE, "data.xlsx [Sheet1]: the sheet reaches cell XFD1048576 "
                "(1048576 rows x 16384 columns", absent=["out.csv"], isolated=True)


@case
def xlsx_far_cell_written_another_way(d: Path) -> Case:
    """3: the same cell with its attributes in another order and a namespace prefix."""
    from badinput.hostile import sheet_xml, table_cells, xlsx

    xml = sheet_xml(table_cells(_header(), [_answers_row()])).replace(
        "</sheetData>", '<row r="900000"><x:c xmlns:x="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" t="n" r="ZZ900000"><x:v>1</x:v></x:c></row></sheetData>')
    xlsx(d / "data.xlsx", [("Sheet1", xml)])
    return Case(XLSX_SCORE, "data.xlsx [Sheet1]: the sheet reaches cell ZZ900000",
                absent=["out.csv"], isolated=True)


@case
def xlsx_shared_strings_declare_billions(d: Path) -> Case:
    """3: ``uniqueCount="4000000000"``: calamine reserved 96 GB on opening and aborted."""
    from badinput.hostile import _NS, sheet_xml, table_cells, xlsx

    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="4000000000" '
              'uniqueCount="4000000000"><si><t>x</t></si></sst>')
    xlsx(d / "data.xlsx", [("Sheet1", sheet_xml(table_cells(_header(), [_answers_row()])))],
         shared=shared)
    return Case(XLSX_SCORE, "data.xlsx: not a readable .xlsx workbook (the shared strings "
                "declare 4000000000 strings in", absent=["out.csv"], isolated=True)


@case
def form_returned_with_a_far_cell(d: Path) -> Case:
    """3: ``read`` of a respondent's returned form with one cell at XFD1048576."""
    import openpyxl

    from badinput import filled_form

    path, _cells = filled_form(d)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["XFD1048576"] = 1
    wb.save(path)
    return Case(["read", "form.xlsx", "-o", "out.csv"], "form.xlsx [Form]: the sheet reaches "
                "cell XFD1048576", absent=["out.csv"], isolated=True)


@case
def ods_one_row_repeated_a_million_times(d: Path) -> Case:
    """3: a 1 KB .ods whose one row of 100 numbers is repeated 1,000,000 times (GBs)."""
    from badinput.hostile import ods, ods_cell, ods_row

    header = "".join(ods_cell(h) for h in _header())
    ods(d / "data.ods", [("Data", ods_row(header) + ods_row(ods_cell(3, 100), 1_000_000))])
    return Case(["score", "data.ods", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.ods [Data]: the sheet reaches cell CV1000001 (1000001 rows x 100 "
                "columns", absent=["out.csv"], isolated=True)


def _xls_table(dimensions: tuple[int, int, int, int] | None = None,
               far: tuple[int, int] | None = None) -> bytes:
    from badinput.hostile import biff_sheet, biff_workbook

    cells: list[tuple[int, int, object]] = [(0, c, h) for c, h in enumerate(_header())]
    cells += [(1, c, v) for c, v in enumerate(_answers_row())]
    if far is not None:
        cells.append((*far, 1))
    return biff_workbook([("Data", biff_sheet(cells, dimensions))])


XLS_SCORE = ["score", "data.xls", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"]


@case
def xls_dimensions_declare_billions(d: Path) -> Case:
    """3: an .xls whose DIMENSIONS record declares 4 billion rows (calamine reserves them)."""
    from badinput.hostile import xls

    xls(d / "data.xls", _xls_table(dimensions=(0, 0xFFFFFFF0, 0, 200)))
    return Case(XLS_SCORE, "data.xls [Data]: the sheet reaches cell", absent=["out.csv"],
                isolated=True)


@case
def xls_cell_at_the_far_corner(d: Path) -> Case:
    """3: an .xls with a cell at row 65536, column 16384 (a grid of a billion cells)."""
    from badinput.hostile import xls

    xls(d / "data.xls", _xls_table(far=(0xFFFF, 0x3FFF)))
    return Case(XLS_SCORE, "data.xls [Data]: the sheet reaches cell XFD65536",
                absent=["out.csv"], isolated=True)


@case
def xls_sector_chain_that_loops(d: Path) -> Case:
    """3: a DIFAT chain that points to itself: calamine grew its table for ever (OOM)."""
    from badinput.hostile import xls

    xls(d / "data.xls", _xls_table(), header={68: 0, 72: 1}, fat_patch={127: 0})
    return Case(XLS_SCORE, "data.xls: not a readable .xls workbook (a sector chain that loops",
                absent=["out.csv"], isolated=True)


# --- 14: limits set to no number, a link to /dev/zero -------------------------------------


@case
def unzipped_limit_set_to_infinity(d: Path) -> Case:
    """14: ``RELSCALE_MAX_UNZIPPED_MB=inf`` ended in a traceback (int(inf))."""
    from badinput import table_xlsx

    table_xlsx(d)
    return Case(XLSX_SCORE, "RELSCALE_MAX_UNZIPPED_MB='inf' is not a limit",
                env={"RELSCALE_MAX_UNZIPPED_MB": "inf"}, absent=["out.csv"])


@case
def unzipped_limit_set_to_nan(d: Path) -> Case:
    """14: ``RELSCALE_MAX_UNZIPPED_MB=nan`` ended in a traceback."""
    from badinput import table_xlsx

    table_xlsx(d)
    return Case(XLSX_SCORE, "RELSCALE_MAX_UNZIPPED_MB='nan' is not a limit",
                env={"RELSCALE_MAX_UNZIPPED_MB": "nan"}, absent=["out.csv"])


@case
def content_limit_set_to_minus_one(d: Path) -> Case:
    """14: ``RELSCALE_MAX_CONTENT_MB=-1`` ended in a traceback."""
    write_data(d, ["a"])
    return Case([*SCORE, "-o", "out.csv"], "RELSCALE_MAX_CONTENT_MB='-1' is not a limit",
                env={"RELSCALE_MAX_CONTENT_MB": "-1", "RELSCALE_CACHE_DIR": ""},
                absent=["out.csv"], isolated=True)


@case
def content_limit_set_to_infinity(d: Path) -> Case:
    """14: ``RELSCALE_MAX_CONTENT_MB=inf`` ended in a traceback."""
    write_data(d, ["a"])
    return Case([*SCORE, "-o", "out.csv"], "RELSCALE_MAX_CONTENT_MB='inf' is not a limit",
                env={"RELSCALE_MAX_CONTENT_MB": "inf", "RELSCALE_CACHE_DIR": ""},
                absent=["out.csv"], isolated=True)


@case
def cell_limit_set_to_nan(d: Path) -> Case:
    """14: the new grid limit refuses what is no number, as the others do."""
    from badinput import table_xlsx

    table_xlsx(d)
    return Case(XLSX_SCORE, "RELSCALE_MAX_CELLS='nan' is not a limit",
                env={"RELSCALE_MAX_CELLS": "nan"}, absent=["out.csv"])


@case
def data_is_a_link_to_dev_zero(d: Path) -> Case:
    """14: ``score`` of a link to /dev/zero read for ever (or ended in a traceback)."""
    (d / "data.csv").symlink_to("/dev/zero")
    return Case([*SCORE, "-o", "out.csv"], "data.csv: not a regular file", absent=["out.csv"],
                isolated=True)

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


# --- 4: codes as typed, no formula in any cell read -------------------------------------


def _field_cell(path: Path, name: str) -> str:
    import openpyxl

    from relscale.excel.identity import FORM_META_SHEET

    wb = openpyxl.load_workbook(path)
    meta = {str(r[0].value): r[1].value for r in wb[FORM_META_SHEET].iter_rows(max_col=2)}
    return str(meta[f"field.{name}"])


def _set_cell(path: Path, ref: str, value: object) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.worksheets[0][ref] = value
    wb.save(path)


def _cell_xml(path: Path, ref: str, xml: str) -> None:
    """Replace cell ``ref`` of the form sheet's XML (a cell openpyxl cannot write: a
    formula with the value a spreadsheet program saved beside it)."""
    import re

    from badinput import rewrite_zip_member

    def change(data: bytes) -> bytes:
        cell = re.compile(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode(), re.S)
        assert cell.search(data), ref
        return cell.sub(xml.encode(), data, count=1)

    rewrite_zip_member(path, "xl/worksheets/sheet1.xml", change)


READ = ["read", "form.xlsx", "-o", "out.csv"]


@case
def form_code_turned_into_a_date(d: Path) -> Case:
    """4: ``1/2`` typed into a General code cell came back as a date (46024)."""
    import datetime as dt

    from badinput import filled_form

    path, _cells = filled_form(d)
    ref = _field_cell(path, "subject_code")
    _set_cell(path, ref, dt.datetime(2026, 1, 2))
    return Case(READ, f"form.xlsx: cell {ref} (subject_code) holds '2026-01-02 00:00:00', "
                "not the text typed", absent=["out.csv"])


@case
def form_code_too_long_for_a_number(d: Path) -> Case:
    """4: ``123456789012345678`` came back as 123456789012346000."""
    from badinput import filled_form

    path, _cells = filled_form(d)
    ref = _field_cell(path, "respondent_code")
    _cell_xml(path, ref, f'<c r="{ref}"><v>1.2345678901234568E+17</v></c>')
    return Case(READ, f"form.xlsx: cell {ref} (respondent_code) holds '1.2345678901234568e+17'",
                absent=["out.csv"])


@case
def form_code_cell_is_a_formula_without_value(d: Path) -> Case:
    """4: a formula in a code cell with no saved value was read as an empty code."""
    from badinput import filled_form

    path, _cells = filled_form(d)
    ref = _field_cell(path, "respondent_code")
    _cell_xml(path, ref, f'<c r="{ref}" t="str"><f>A1&amp;"x"</f></c>')
    return Case(READ, f"form.xlsx: cell {ref} (respondent_code): a formula",
                absent=["out.csv"])


@case
def form_answer_is_a_formula_with_its_value(d: Path) -> Case:
    """4: a formula in an answer cell that LibreOffice had calculated was accepted."""
    from badinput import filled_form

    path, cells = filled_form(d)
    item, ref = next(iter(cells.items()))
    _cell_xml(path, ref, f'<c r="{ref}"><f>1+2</f><v>3</v></c>')
    return Case(READ, f"form.xlsx: cell {ref} (item {item}): a formula", absent=["out.csv"])


@case
def form_codes_are_text_cells(d: Path) -> Case:
    """4: the code cells of a new form are text cells (``007`` stays ``007``), and the
    form says so; a code typed as text reads back exactly."""
    import openpyxl

    from badinput import filled_form

    path, _cells = filled_form(d)
    for name in ("respondent_code", "subject_code"):
        assert openpyxl.load_workbook(path).worksheets[0][
            _field_cell(path, name)].number_format == "@"
    _set_cell(path, _field_cell(path, "respondent_code"), "007")
    return Case([*READ, "--strict"], "out.csv: 1 form of", code=0, raw=True, present=["out.csv"],
                lacks=["error:"])


@case
def table_cell_is_a_formula(d: Path) -> Case:
    """4: a formula in a table's cell was read as its saved value."""
    from badinput.hostile import sheet_xml, table_cells, xlsx

    xml = sheet_xml(table_cells(_header(), [_answers_row()])).replace(
        '<c r="B2"><v>3</v></c>', '<c r="B2"><f>1+2</f><v>3</v></c>')
    assert "<f>" in xml
    xlsx(d / "data.xlsx", [("Sheet1", xml)])
    return Case(XLSX_SCORE, "data.xlsx [Sheet1], cell B2: a formula", absent=["out.csv"])


@case
def ods_table_cell_is_a_formula(d: Path) -> Case:
    """4: the same in an .ods table (``table:formula``)."""
    from badinput.hostile import ods, ods_cell, ods_row

    row = ods_cell("r1") + ods_cell(3).replace(
        "<table:table-cell ", '<table:table-cell table:formula="of:=1+2" ') + "".join(
        ods_cell(3) for _ in _header()[2:])
    ods(d / "data.ods", [("Data", ods_row("".join(ods_cell(h) for h in _header()))
                          + ods_row(row))])
    return Case(["score", "data.ods", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.ods [Data], cell B2: a formula", absent=["out.csv"])


# --- 6: which sheet is read ---------------------------------------------------------------


def _two_sheets(d: Path) -> None:
    from badinput.hostile import sheet_xml, table_cells, xlsx

    old = sheet_xml(table_cells(_header(), [["old", *[1] * (len(_header()) - 1)]]))
    current = sheet_xml(table_cells(_header(), [_answers_row()]))
    xlsx(d / "data.xlsx", [("old", old), ("current", current)], hidden=["old"])


@case
def hidden_first_sheet_is_refused(d: Path) -> Case:
    """6: a hidden 'old' first sheet was scored instead of the visible 'current' one."""
    _two_sheets(d)
    return Case(XLSX_SCORE, "data.xlsx: the first sheet 'old' is hidden; name the sheet to "
                "read with --sheet (visible sheets: 'current')", absent=["out.csv"])


@case
def named_sheet_is_read_and_said(d: Path) -> Case:
    """6: ``--sheet current`` reads it, and a note says which sheet was read."""
    _two_sheets(d)
    return Case([*XLSX_SCORE, "--sheet", "current"], "relscale: note: data.xlsx: read sheet "
                "'current'; not read: 'old' (hidden)", code=0, raw=True, present=["out.csv"])


# --- 10: another version, edited wording --------------------------------------------------


@case
def form_of_an_older_item_bank(d: Path) -> Case:
    """10: a form of item bank 0.1.0 (checksum matching) was scored with 0.2.0 keys."""
    from badinput import filled_form, forge_form, set_pair

    path, _cells = filled_form(d)
    forge_form(path, set_pair("instrument_version", "0.1.0"))
    return Case(["score", "form.xlsx", "-o", "out.csv"], "form.xlsx: answers to "
                f"{INSTRUMENT} 0.1.0, but this relscale scores version", absent=["out.csv"])


@case
def read_output_of_an_older_item_bank(d: Path) -> Case:
    """10: the same through the CSV ``relscale read`` wrote for such forms."""
    from badinput import items

    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["instrument", "version", "respondent_code", *items()]) + "\n")
        fh.write(",".join([INSTRUMENT, "0.1.0", "r1", *["3"] * len(items())]) + "\n")
    return Case([*SCORE, "-o", "out.csv"], f"data.csv, row 2, column version: answers to "
                f"{INSTRUMENT} 0.1.0", absent=["out.csv"])


@case
def form_wording_edited(d: Path) -> Case:
    """10: a form whose visible statement was edited read back with exit 0."""
    import openpyxl

    from badinput import filled_form

    path, cells = filled_form(d)
    item, ref = next(iter(cells.items()))
    text_ref = "B" + ref[1:]
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0][text_ref] = "The child is never a problem."
    wb.save(path)
    return Case(READ, f"form.xlsx: the wording on the form was changed (cells {text_ref} "
                f"(item {item}))", absent=["out.csv"])


@case
def form_legend_edited(d: Path) -> Case:
    """10: the answers' legend (which number means what) edited, protection removed."""
    import openpyxl

    from badinput import filled_form

    path, _cells = filled_form(d)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    legend = next(c for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str) and c.value.startswith("Answers:"))
    assert "1\u00a0=" in legend.value
    legend.value = legend.value.replace("1\u00a0=", "5\u00a0=", 1)
    wb.save(path)
    return Case(READ, f"form.xlsx: the wording on the form was changed (cells "
                f"{legend.coordinate})", absent=["out.csv"])


# --- 8: wide tables -------------------------------------------------------------------------


@case
def csv_wider_than_the_limit(d: Path) -> Case:
    """8: 6,000 columns: the per-column steps were quadratic (10,000 took 238 s); now a
    documented limit (5,000) refuses it before any work per column."""
    from badinput import items

    extra = [f"x{k}" for k in range(6000 - len(items()) - 1)]
    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["respondent_code", *items(), *extra]) + "\n")
        fh.write(",".join(["r1", *["3"] * len(items()), *[""] * len(extra)]) + "\n")
    return Case([*SCORE, "-o", "out.csv"], "data.csv, row 1: 6000 columns, more than the "
                "limit of 5000 (set RELSCALE_MAX_COLUMNS to raise it)", absent=["out.csv"],
                isolated=True)


# --- 11, 15: codes compared in NFC, sheet names from codes -----------------------------------


@case
def duplicate_codes_typed_two_ways(d: Path) -> Case:
    """11: ``José`` with a combined and with a separate accent were two respondents."""
    import unicodedata

    write_data(d, [unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")])
    return Case([*SCORE, "-o", "out.csv", "--strict"], "data.csv: rows 2 and 3 have the same "
                f"respondent_code ({unicodedata.normalize('NFC', 'José')})",
                absent=["out.csv"])


def _pair_data(d: Path, name: str, instrument: str, perspective: str,
               pairs: list[tuple[str, str]]) -> None:
    from relscale.adapt import adapt

    ids = adapt(instrument, SECTOR, perspective).item_ids
    with (d / name).open("w", encoding="utf-8") as fh:
        fh.write(",".join(["respondent_code", "subject_code", *ids]) + "\n")
        for me, other in pairs:
            fh.write(",".join([me, other, *["3"] * len(ids)]) + "\n")


@case
def profile_pairs_that_do_not_match(d: Path) -> Case:
    """11: a client code ``7`` against ``007`` made two one-sided profiles without a word."""
    _pair_data(d, "prof.csv", INSTRUMENT, "professional", [("t1", "007")])
    _pair_data(d, "client.csv", f"{INSTRUMENT}_client", "client", [("7", "t1")])
    return Case(["profile", "prof.csv", "-i", INSTRUMENT, "-s", SECTOR, "--client-data",
                 "client.csv", "-o", "p.xlsx"], "prof.csv: pair t1 / 007 has no match in "
                "client.csv; its profile shows one view (there: t1 / 7, which differs in case "
                "or leading zeros only)", code=0, present=["p.xlsx"])


@case
def sheet_names_from_codes_clash(d: Path) -> Case:
    """15: codes ``a1`` and ``A1`` and ``b'`` broke ``score -o .xlsx`` (two sheets named
    'a1'; a name ending in a quote)."""
    write_data(d, ["a1", "A1", "b'"])
    return Case([*SCORE, "-o", "out.xlsx"], "out.xlsx written", code=0, raw=True,
                present=["out.xlsx"])


@case
def profile_sheet_names_from_codes_clash(d: Path) -> Case:
    """15: the same for ``relscale profile``."""
    write_data(d, ["a1", "A1", "b'"])
    return Case(["profile", "data.csv", "-i", INSTRUMENT, "-s", SECTOR, "-o", "p.xlsx"],
                "p.xlsx: 3 profiles written", code=0, raw=True, present=["p.xlsx"])


# --- 12: a norms file is used or refused ------------------------------------------------------


@case
def norms_file_for_a_group_nobody_is_in(d: Path) -> Case:
    """12: ``--norms`` with a group table was set aside for the illustrative norms."""
    from badinput import norm_toml

    write_data(d, ["a"])
    norm_toml(d, lambda t: t.replace("[group]\n", '[group]\ngender = "female"\n', 1))
    return Case([*SCORE, "--norms", "norms.toml", "-o", "out.csv"], "norms.toml: a norm "
                "table for group gender=female, which no respondent belongs to",
                absent=["out.csv"])


@case
def norms_file_for_another_fixed_group(d: Path) -> Case:
    """12: the same with ``--group gender=male``: the file's table is not for them."""
    from badinput import norm_toml

    write_data(d, ["a"])
    norm_toml(d, lambda t: t.replace("[group]\n", '[group]\ngender = "female"\n', 1))
    return Case([*SCORE, "--norms", "norms.toml", "--group", "gender=male", "-o", "out.csv"],
                "norms.toml: a norm table for group gender=female", absent=["out.csv"])


# --- 13: platform exports recognised on several signals ------------------------------------


@case
def plain_table_with_a_complete_column(d: Path) -> Case:
    """13: a plain CSV with ``intake_complete`` was taken for a REDCap export: its first
    column (``site``) became the key, ``intake_complete`` was dropped."""
    from badinput import items

    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["site", "respondent_code", *items(), "intake_complete"]) + "\n")
        for code in ("a", "b"):
            fh.write(",".join(["A", code, *["3"] * len(items()), "yes"]) + "\n")
    return Case([*SCORE, "-o", "out.csv", "--strict"], "out.csv written", code=0, raw=True,
                present=["out.csv"], lacks=["REDCap"])


@case
def redcap_longitudinal_export_keeps_its_events(d: Path) -> Case:
    """13: ``redcap_event_name`` was dropped, so baseline and follow-up rows of a record
    could not be told apart (and were the same respondent twice)."""
    from badinput import items

    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["record_id", "redcap_event_name", *items(),
                           f"{INSTRUMENT}_complete"]) + "\n")
        for event in ("baseline_arm_1", "followup_arm_1"):
            fh.write(",".join(["1", event, *["3"] * len(items()), "2"]) + "\n")
    return Case([*SCORE, "-o", "out.csv", "--strict"], "relscale: note: kept: "
                "redcap_event_name -> wave", code=0, raw=True, present=["out.csv"])


# --- 17: reliability's arguments ---------------------------------------------------------------


def _abc(d: Path, rows: list[list[str]]) -> None:
    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write("a,b,c\n")
        for row in rows:
            fh.write(",".join(row) + "\n")


RELIABILITY = ["reliability", "data.csv", "--items", "a,b,c"]
ROWS = [["1", "2", "3"], ["99", "2", "2"], ["2", "3", "3"], ["3", "3", "2"]]


@case
def reliability_answer_outside_the_scale(d: Path) -> Case:
    """17: 99 (a missing-data code) with ``--scale-max 3`` was reverse-keyed as -95."""
    _abc(d, ROWS)
    return Case([*RELIABILITY, "--reverse", "a", "--scale-min", "1", "--scale-max", "3",
                 "-o", "out.json"], "data.csv, row 3, column a: 99 is outside the scale "
                "given (--scale-min 1, --scale-max 3)", absent=["out.json"])


@case
def reliability_bounds_the_wrong_way_round(d: Path) -> Case:
    """17: ``--scale-min 5 --scale-max 1`` was accepted."""
    _abc(d, ROWS[:1] + ROWS[2:])
    return Case([*RELIABILITY, "--reverse", "a", "--scale-min", "5", "--scale-max", "1",
                 "-o", "out.json"], "--scale-min 5 is not below --scale-max 1",
                absent=["out.json"])


@case
def reliability_item_named_twice(d: Path) -> Case:
    """17: ``--items a,a,b`` counted one column twice."""
    _abc(d, ROWS[:1] + ROWS[2:])
    return Case(["reliability", "data.csv", "--items", "a,a,b", "-o", "out.json"],
                "--items: 'a' is named twice", absent=["out.json"])


# --- 18: text printed where it goes ----------------------------------------------------------


OSC = "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07"


@case
def escape_sequence_in_a_kept_column_name(d: Path) -> Case:
    """18: an OSC sequence in a column name reached the terminal through the ``kept:``
    note of a platform export."""
    from badinput import items

    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["record_id", f"site{OSC}", *items(), f"{INSTRUMENT}_complete"])
                 + "\n")
        fh.write(",".join(["1", "A", *["3"] * len(items()), "2"]) + "\n")
    return Case([*SCORE, "-o", "out.csv"], "relscale: note: kept: site\\x1b]8;;", code=0,
                raw=True, present=["out.csv"], lacks=["\x1b"])


@case
def escape_sequence_in_a_norm_group(d: Path) -> Case:
    """18: a CSI sequence in a group value reached the terminal in the ``norms build``
    table."""
    from badinput import items

    with (d / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["respondent_code", "site", *items()]) + "\n")
        for k in range(12):
            site = "\x1b[2J\x1b[Hclean" if k % 2 else "B"
            fh.write(",".join([f"r{k}", site, *[str(1 + (k + j) % 5)
                                                for j in range(len(items()))]]) + "\n")
    return Case(["norms", "build", "data.csv", "-i", INSTRUMENT, "-s", SECTOR, "--group-by",
                 "site", "--min-n", "5", "-o", "norms"], "Local norms (N=", code=0, raw=True,
                present=["norms"], lacks=["\x1b"])


@case
def nul_in_an_id_written_to_csv(d: Path) -> Case:
    """18: a NUL in an id was refused for .xlsx but written into the CSV."""
    write_data(d, ["a\x00b"])
    return Case([*SCORE, "-o", "out.csv"], "data.csv, row 2, column respondent_code: text "
                "contains the control character U+0000", absent=["out.csv"])


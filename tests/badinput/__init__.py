"""The bad-input corpus: every input issue 16 found breaking relscale, built in code.

Each case writes its inputs into a fresh folder and says how relscale must answer: the
command line, the exact start of the one ``relscale: error: ...`` line (or, for inputs
that are only suspicious, of a ``relscale: warning: ...`` line and exit 0), the exit
code, and the outputs that must not exist afterwards. tests/test_bad_input.py runs them
all and also checks that no input changed and that nothing printed a traceback.

Write the whole corpus into a folder, to try by hand::

    python tests/badinput/__init__.py /tmp/corpus     # one sub-folder per case
"""

from __future__ import annotations

import csv
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"
SCORE = ["score", "data.csv", "-i", INSTRUMENT, "-s", SECTOR]


@dataclass
class Case:
    """How relscale must answer one bad input (paths relative to the case folder)."""

    args: list[str]
    expect: str
    """Start of the ``relscale: error:`` line (``relscale: warning:`` with ``code=0``),
    without that prefix; ``{dir}`` stands for the case folder."""
    code: int = 1
    absent: list[str] = field(default_factory=list)
    """Outputs that must not exist afterwards (nothing half-written)."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment for the run; ``{dir}`` stands for the case folder."""
    owner: str | None = None
    """Set when the fix belongs to another module (the case is an expected failure)."""
    isolated: bool = False
    """Run in a child process (``--content`` registers content for the whole process)."""
    raw: bool = False
    """``expect`` starts some stderr line as printed (a report such as ``i18n check``'s),
    not a ``relscale: error:`` line."""
    lacks: list[str] = field(default_factory=list)
    """Text that must not appear in stdout or stderr (a secret, an escape sequence)."""
    present: list[str] = field(default_factory=list)
    """Outputs that must exist afterwards (a run that warns and goes on)."""


CASES: dict[str, Callable[[Path], Case]] = {}


def case(fn: Callable[[Path], Case]) -> Callable[[Path], Case]:
    CASES[fn.__name__] = fn
    return fn


# --- helpers ----------------------------------------------------------------------------


def items() -> tuple[str, ...]:
    from relscale.adapt import adapt

    return adapt(INSTRUMENT, SECTOR).item_ids


def write_data(folder: Path, ids: list[str], name: str = "data.csv") -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", *items()])
        for r, code in enumerate(ids):
            w.writerow([code, *[str((r + 2 * k) % 5 + 1) for k in range(len(items()))]])
    return path


def table_xlsx(folder: Path, name: str = "data.xlsx") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["respondent_code", *items()])
    ws.append(["a", *[1] * len(items())])
    path = folder / name
    wb.save(path)
    return path


def rewrite_zip_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, change(data) if info.filename == member else data)
    tmp.replace(path)


def filled_form(folder: Path, name: str = "form.xlsx") -> tuple[Path, dict[str, str]]:
    """A form filled with openpyxl, and its answer cells (item -> cell)."""
    from helpers import answer_cells, fill_with_openpyxl, make_form, random_answers

    blank, adapted = make_form(folder / "blank")
    target = folder / name
    fill_with_openpyxl(blank, target, random_answers(adapted.item_ids, 1, 5),
                       {"respondent_code": "r1", "subject_code": "s1"})
    cells = answer_cells(blank)
    shutil.rmtree(folder / "blank")
    return target, cells


def forge_form(path: Path, change: Callable[[list[tuple[str, str]], list[list[str]]], None]
               ) -> None:
    """Change a form's metadata and give it a matching checksum (a forged form)."""
    import openpyxl

    from relscale.excel.identity import (
        CHECKSUM,
        FORM_META_SHEET,
        ITEM_TABLE_HEADER,
        layout_checksum,
        read_metadata,
    )

    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_META_SHEET]
    pairs, table = read_metadata(ws.iter_rows(values_only=True))
    pairs = [p for p in pairs if p[0] != CHECKSUM]
    rows = [list(r) for r in table]
    change(pairs, rows)
    pairs.append((CHECKSUM, layout_checksum(pairs, [tuple(r) for r in rows])))
    ws.delete_rows(1, ws.max_row)
    r = 1
    for key, value in pairs:
        ws.cell(r, 1, key).data_type = "s"
        ws.cell(r, 2, value).data_type = "s"
        r += 1
    for c, name in enumerate(ITEM_TABLE_HEADER, start=1):
        ws.cell(r, c, name)
    for record in rows:
        r += 1
        for c, value in enumerate(record, start=1):
            ws.cell(r, c, value).data_type = "s"
    wb.save(path)


def set_pair(key: str, value: str) -> Callable[[list[tuple[str, str]], list[list[str]]], None]:
    def change(pairs: list[tuple[str, str]], _rows: list[list[str]]) -> None:
        pairs[:] = [(k, value if k == key else v) for k, v in pairs]

    return change


def catalog(folder: Path, body: bytes, header: bytes = b"") -> Path:
    """A relscale.po for nl on a locale path folder."""
    path = folder / "locale" / "nl" / "LC_MESSAGES" / "relscale.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                     + header + b"\n" + body)
    return path


LOCALE_PATH = {"RELSCALE_LOCALE_PATH": "{dir}/locale"}


def norm_toml(folder: Path, change: Callable[[str], str], name: str = "norms.toml") -> Path:
    from relscale.adapt import adapt
    from relscale.scoring.norms import norm_table_to_toml

    table = adapt(INSTRUMENT, SECTOR).norms[0]
    path = folder / name
    path.write_text(change(norm_table_to_toml(table)), encoding="utf-8")
    return path


# --- formula and text limits ------------------------------------------------------------


@case
def id_with_control_character(d: Path) -> Case:
    write_data(d, ["ok", "a\x01b"])
    return Case([*SCORE, "-o", "out.xlsx"], "data.csv, row 3, column respondent_code: text "
                "contains the control "
                "character U+0001", absent=["out.xlsx"])


@case
def id_with_nul(d: Path) -> Case:
    write_data(d, ["a\x00b"])
    return Case([*SCORE, "-o", "out.xlsx"], "data.csv, row 2, column respondent_code: text "
                "contains the control "
                "character U+0000", absent=["out.xlsx"])


@case
def id_longer_than_a_cell(d: Path) -> Case:
    write_data(d, ["x" * 40_000])
    return Case([*SCORE, "-o", "out.xlsx"], "data.csv, row 2, column respondent_code: text of "
                "40000 characters "
                "is longer than a spreadsheet cell holds (32767)", absent=["out.xlsx"])


@case
def header_field_over_128k(d: Path) -> Case:
    write_data(d, ["a"])
    text = (d / "data.csv").read_text(encoding="utf-8")
    (d / "data.csv").write_text("y" * 140_000 + "," + text, encoding="utf-8")
    return Case([*SCORE, "-o", "out.csv"], "data.csv", absent=["out.csv"])


# --- workbooks that are not what they seem ----------------------------------------------


@case
def malformed_sheet_xml(d: Path) -> Case:
    path = table_xlsx(d)
    rewrite_zip_member(path, "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2])
    return Case(["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.xlsx", absent=["out.csv"])


@case
def undefined_entity_in_sheet(d: Path) -> Case:
    path = table_xlsx(d)
    rewrite_zip_member(path, "xl/worksheets/sheet1.xml",
                       lambda b: b.replace(b"<v>1</v>", b"<v>&foo;</v>", 1))
    return Case(["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.xlsx", absent=["out.csv"])


@case
def number_cell_holding_text(d: Path) -> Case:
    path = table_xlsx(d)
    rewrite_zip_member(path, "xl/worksheets/sheet1.xml",
                       lambda b: b.replace(b"<v>1</v>", b"<v>abc</v>", 1))
    return Case(["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.xlsx", absent=["out.csv"])


@case
def encrypted_workbook(d: Path) -> Case:
    (d / "data.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    return Case(["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"],
                "data.xlsx: not a readable .xlsx workbook (an encrypted/password-protected "
                "workbook", absent=["out.csv"])


@case
def encrypted_form(d: Path) -> Case:
    (d / "form.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    return Case(["read", "form.xlsx", "-o", "out.csv"], "form.xlsx: not a readable .xlsx "
                "workbook (an encrypted/password-protected workbook", absent=["out.csv"])


@case
def scoring_sheet_header_row_not_a_number(d: Path) -> Case:
    import openpyxl

    from relscale.adapt import adapt
    from relscale.excel.identity import SCORING_META_SHEET
    from relscale.workbooks.scoring_sheet import write_scoring_sheet

    path = write_scoring_sheet(adapt(INSTRUMENT, SECTOR), d / "sheet.xlsx", rows=3)
    wb = openpyxl.load_workbook(path)
    ws = wb[SCORING_META_SHEET]
    for row in ws.iter_rows():
        if row[0].value == "header_row":
            row[1].value = "abc"
    wb.save(path)
    return Case(["score", "sheet.xlsx", "-o", "out.csv"], "sheet.xlsx: relscale metadata "
                "header_row='abc' is not a row number", absent=["out.csv"])


# --- filled forms -----------------------------------------------------------------------


@case
def forged_form_scale_max(d: Path) -> Case:
    path, _cells = filled_form(d)
    forge_form(path, set_pair("scale_max", "5.5"))
    return Case(["read", "form.xlsx", "-o", "out.csv"], "form.xlsx: form metadata "
                "scale_max='5.5' is not a whole number", absent=["out.csv"])


@case
def forged_form_cell_c0(d: Path) -> Case:
    path, _cells = filled_form(d)

    def change(_pairs: list[tuple[str, str]], rows: list[list[str]]) -> None:
        rows[0][4] = "C0"

    forge_form(path, change)
    return Case(["read", "form.xlsx", "-o", "out.csv"], "form.xlsx: form metadata names "
                "'C0', which is not a cell", absent=["out.csv"])


@case
def merged_answer_cell(d: Path) -> Case:
    import openpyxl

    path, cells = filled_form(d)
    first = next(iter(cells.values()))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = ws[first].row
    ws.merge_cells(start_row=row, start_column=ws[first].column - 1, end_row=row,
                   end_column=ws[first].column)
    wb.save(path)
    return Case(["read", "form.xlsx", "-o", "out.csv"], f"form.xlsx: cell {first} (item ",
                absent=["out.csv"])


@case
def formula_answer_without_value(d: Path) -> Case:
    import openpyxl

    path, cells = filled_form(d)
    item, cell = next(iter(cells.items()))
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0][cell] = "=1+2"  # openpyxl saves no cached value
    wb.save(path)
    return Case(["read", "form.xlsx", "-o", "out.csv"], f"form.xlsx: cell {cell} (item "
                f"{item}): a formula; relscale reads what was typed", absent=["out.csv"])


@case
def symlink_loop_in_forms_folder(d: Path) -> Case:
    filled_form(d / "forms")
    (d / "forms" / "loop.xlsx").symlink_to("loop.xlsx")
    return Case(["read", "forms", "-o", "out.csv"], "forms/loop.xlsx: cannot be followed",
                absent=["out.csv"])


@case
def same_form_twice_strict(d: Path) -> Case:
    path, _cells = filled_form(d / "forms")
    shutil.copy(path, d / "forms" / "form copy.xlsx")
    return Case(["read", "forms", "-o", "out.csv", "--strict"], "forms/form.xlsx: the same "
                "form as forms/form copy.xlsx", absent=["out.csv"])


@case
def same_form_twice_warns(d: Path) -> Case:
    path, _cells = filled_form(d / "forms")
    shutil.copy(path, d / "forms" / "form copy.xlsx")
    return Case(["read", "forms", "-o", "out.csv"], "forms/form.xlsx: the same form as "
                "forms/form copy.xlsx", code=0)


@case
def duplicate_respondents_strict(d: Path) -> Case:
    write_data(d, ["a", "b", "a"])
    return Case([*SCORE, "-o", "out.csv", "--strict"], "data.csv: rows 2 and 4 have the same "
                "respondent_code (a)", absent=["out.csv"])


@case
def duplicate_respondents_warn(d: Path) -> Case:
    write_data(d, ["a", "b", "a"])
    return Case([*SCORE, "-o", "out.csv"], "data.csv: rows 2 and 4 have the same "
                "respondent_code (a)", code=0)


# --- norm tables ------------------------------------------------------------------------


@case
def norms_not_utf8(d: Path) -> Case:
    write_data(d, ["a"])
    norm_toml(d, lambda t: t)
    path = d / "norms.toml"
    path.write_bytes(path.read_bytes().replace(b'source = "', b'source = "\xe9', 1))
    return Case([*SCORE, "--norms", "norms.toml", "-o", "out.csv"], "norms.toml: not UTF-8 "
                "text", absent=["out.csv"])


@case
def norms_nan_mean(d: Path) -> Case:
    import re

    write_data(d, ["a"])
    norm_toml(d, lambda t: re.sub(r"(?m)^mean = .*$", "mean = nan", t, count=1))
    return Case([*SCORE, "--norms", "norms.toml", "-o", "out.csv"], "norms.toml: "
                "dimensions.0.mean: Input should be a finite number",
                absent=["out.csv"])


@case
def norms_inf_percentile(d: Path) -> Case:
    import re

    write_data(d, ["a"])
    norm_toml(d, lambda t: re.sub(r"percentile = [0-9.]+", "percentile = inf", t, count=1))
    return Case([*SCORE, "--norms", "norms.toml", "-o", "out.csv"], "norms.toml: "
                "dimensions.0.percentiles.0.percentile: Input should be a finite number",
                absent=["out.csv"])


@case
def norms_band_gap_via_content(d: Path) -> Case:
    write_data(d, ["a"])
    norm_toml(d, lambda t: t.replace("lower = 10.0", "lower = 11.0", 1))
    return Case(["--content", "norms.toml", *SCORE, "-o", "out.csv"], "norms.toml: bands "
                "'very low' and 'low' leave a gap or overlap (10 vs 11)",
                absent=["out.csv"], isolated=True)


# --- catalogs ---------------------------------------------------------------------------


@case
def catalog_bad_plural_forms(d: Path) -> Case:
    write_data(d, ["a"])
    po = catalog(d, b'msgid "Scores"\nmsgstr "Scores"\n',
                 b'"Plural-Forms: nplurals=abc; plural=(n!=1);\\n"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.xlsx"], f"{po}: not a readable PO file",
                absent=["out.xlsx"], env=LOCALE_PATH)


@case
def catalog_bad_utf8(d: Path) -> Case:
    write_data(d, ["a"])
    po = catalog(d, b'msgid "Scores"\nmsgstr "Sc\xff\xfeores"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.xlsx"], f"{po}: not a readable PO file",
                absent=["out.xlsx"], env=LOCALE_PATH)


@case
def catalog_invalid_sheet_name(d: Path) -> Case:
    write_data(d, ["a"])
    catalog(d, b'msgid "Scores"\nmsgstr "A/B"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.xlsx"], "'A/B' is geen geldige "
                "werkbladnaam", absent=["out.xlsx"], env=LOCALE_PATH)


@case
def catalog_duplicate_sheet_names(d: Path) -> Case:
    write_data(d, ["a"])
    catalog(d, b'msgid "Scores"\nmsgstr "Uitslag"\n\nmsgid "Summary"\nmsgstr "uitslag"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.xlsx"], "twee werkbladen met de naam "
                "'uitslag'",
                absent=["out.xlsx"], env=LOCALE_PATH)


@case
def catalog_reads_an_environment_variable(d: Path) -> Case:
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{path.__class__.__init__.__globals__[os].environ[HOME]}"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding "
                "'{path} written' niet gebruikt", code=0, env=LOCALE_PATH)


@case
def catalog_placeholder_mismatch(d: Path) -> Case:
    write_data(d, ["a"])
    po = catalog(d, b'#, python-brace-format\nmsgid "{path} written"\n'
                    b'msgstr "{pad} geschreven"\n')
    return Case(["--locale", "nl", *SCORE, "-o", "out.csv"], f"{po}: vermelding "
                "'{path} written' niet gebruikt", code=0, env=LOCALE_PATH)


# --- outputs ----------------------------------------------------------------------------


@case
def forms_out_dir_is_a_file(d: Path) -> Case:
    (d / "afile").write_text("x", encoding="utf-8")
    return Case(["forms", "-i", INSTRUMENT, "-s", SECTOR, "--out-dir", "afile"],
                "afile: is a file, expected a folder")


@case
def forms_out_dir_under_a_file(d: Path) -> Case:
    (d / "afile").write_text("x", encoding="utf-8")
    return Case(["forms", "-i", INSTRUMENT, "-s", SECTOR, "--out-dir", "afile/sub"],
                "afile/sub: cannot write the output here (afile is a file, not a folder)")


@case
def huge_scoring_sheet(d: Path) -> Case:
    import tomli_w

    from fixtures_content import instrument_dict, sector_dict

    n = 10_000
    inst = instrument_dict(id="huge", title="Huge")
    inst["items"] = [{"id": f"h{i}", "perspective": "professional", "keying": "+",
                      "dimension": "warmth" if i % 2 else "friction", "intent": "x"}
                     for i in range(n)]
    sector = sector_dict(id="huge_sector", domain="relscale_huge_sector")
    sector["offerings"] = [{"instrument": "huge", "perspective": "professional",
                            "instructions": "Think.",
                            "items": [{"item": f"h{i}", "text": f"Item {i}.",
                                       "provenance": "reworded", "rationale": "r"}
                                      for i in range(n)]}]
    (d / "inst.toml").write_text(tomli_w.dumps(inst), encoding="utf-8")
    (d / "sector.toml").write_text(tomli_w.dumps(sector), encoding="utf-8")
    return Case(["--content", "inst.toml", "--content", "sector.toml", "scoring-sheet", "huge",
                 "-s", "huge_sector", "-o", "huge.xlsx"], "huge: a scoring sheet of 10000 "
                "items x 100 rows is too large", absent=["huge.xlsx"], isolated=True)


from badinput import second_pass  # noqa: E402  (issue 25's cases register themselves)

assert second_pass


def build(name: str, folder: Path) -> Case:
    """Write case ``name``'s inputs into ``folder`` (created) and return the case."""
    folder.mkdir(parents=True, exist_ok=True)
    return CASES[name](folder)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    root = Path(sys.argv[1])
    for name in CASES:
        c = build(name, root / name)
        print(f"{name}: relscale {' '.join(c.args)}")

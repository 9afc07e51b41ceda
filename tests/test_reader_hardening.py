"""The response readers refuse what they used to guess at (issue 16, reader part).

Malformed CSV shapes are errors naming the line; only plain ASCII decimal numbers are
numbers; workbooks have an unpacked-size limit and broken sheet XML is one clear line.
Every check runs on both CSV paths: the bulk reader (large plain files) and the csv
module (the rest), which must agree cell for cell.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.errors import DataError
from relscale.io import bulk_csv
from relscale.io.responses import read_csv, read_responses
from relscale.io.tables import cell_number, read_columns

ADAPTED = adapt("relationship_quality", "education")
ITEMS = list(ADAPTED.item_ids)
FIXTURE = [HealthCheck.function_scoped_fixture]


@pytest.fixture(params=["csv module", "bulk"])
def path_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on both CSV paths: the bulk reader takes any size when the limit is 0."""
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0 if request.param == "bulk" else 1 << 60)
    return str(request.param)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def rows(n: int = 5, value: str = "3") -> list[str]:
    return [f"r{i}," + ",".join([value] * len(ITEMS)) for i in range(n)]


HEADER = "respondent_code," + ",".join(ITEMS)


@pytest.mark.parametrize("cell", ["٤", "４", "0_4", "4e0", "+4", "3.9999999999999999",
                                  "NaN", "nan", "inf", "4.5", "0x4", "4 4", "½"])
def test_only_plain_whole_numbers_are_answers(tmp_path: Path, path_kind: str, cell: str) -> None:
    lines = [HEADER, *rows(3)]
    lines[3] = lines[3].replace(",3", "," + cell, 1)
    with pytest.raises(DataError, match=rf"row 4, column {ITEMS[0]}: .* is not an answer"):
        read_csv(write(tmp_path / "d.csv", lines), ADAPTED)


@pytest.mark.parametrize("cell", ["4", "4.0", "4,0", " 4 ", "4.00"])
def test_scale_points_as_spss_writes_them(tmp_path: Path, path_kind: str, cell: str) -> None:
    lines = [HEADER, *rows(2)]
    lines[1] = lines[1].replace(",3", "," + cell, 1)
    lines = [line.replace(",", ";") for line in lines]  # ; so that 4,0 is one cell
    lines[1] = lines[1].replace(cell.replace(",", ";"), cell)
    table = read_csv(write(tmp_path / "d.csv", lines), ADAPTED)
    assert table.values[0, 0] == 4.0 and table.values[1, 0] == 3.0


def test_semicolon_header_over_comma_rows_names_the_line(tmp_path: Path, path_kind: str) -> None:
    data = write(tmp_path / "d.csv", [HEADER.replace(",", ";"), *rows(3)])
    with pytest.raises(DataError, match=r"d\.csv, row 2: 1 cells but the header has 22"):
        read_csv(data, ADAPTED)


def test_short_row_names_the_line(tmp_path: Path, path_kind: str) -> None:
    lines = [HEADER, *rows(4)]
    lines[3] = lines[3].rsplit(",", 2)[0]
    with pytest.raises(DataError, match=r"row 4: 20 cells but the header has 22"):
        read_csv(write(tmp_path / "d.csv", lines), ADAPTED)


def test_unbalanced_quote_names_the_line_it_opens(tmp_path: Path, path_kind: str) -> None:
    lines = [HEADER, *rows(6)]
    lines[2] = '"r1' + lines[2][2:]
    with pytest.raises(DataError, match=r"row 3: .*quote not closed"):
        read_csv(write(tmp_path / "d.csv", lines), ADAPTED)


def test_cli_shape_error_is_one_line_and_exit_1(tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", [HEADER.replace(",", ";"), *rows(3)])
    result = runner().invoke(app, ["score", str(data), "-i", "relationship_quality", "-s",
                                   "education", "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "row 2" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_read_columns_takes_plain_decimals_only(tmp_path: Path, path_kind: str) -> None:
    data = write(tmp_path / "d.csv", ["id,x", "a,-1.5", "b,2,5", "c,", "d,NA"])
    with pytest.raises(DataError, match="3 cells but the header has 2"):
        read_columns(data, ["x"])
    data = write(tmp_path / "d.csv", ["id;x", "a;-1.5", "b;2,5", "c;", "d;NA"])
    got = read_columns(data, ["x"]).values[:, 0]
    assert got[:2].tolist() == [-1.5, 2.5] and np.isnan(got[2:]).all()
    for bad in ("1e3", "NaN", "+1", "١"):
        write(data, ["id;x", f"a;{bad}"])
        with pytest.raises(DataError, match="is not a number"):
            read_columns(data, ["x"])


# --- property-based: the number reader and the two CSV paths -------------------------

DECIMAL = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


@given(st.text(max_size=8))
def test_number_reader_accepts_exactly_plain_decimals(text: str) -> None:
    s = text.strip()
    try:
        got = cell_number(text)
    except ValueError:
        assert s not in ("", "NA", "N/A", "na", ".") and not DECIMAL.fullmatch(s)
        return
    if math.isnan(got):
        assert s in ("", "NA", "N/A", "na", ".")
    else:
        assert DECIMAL.fullmatch(s) and s.isascii()
        assert got == float(s.replace(",", "."))


@given(st.from_regex(DECIMAL, fullmatch=True))
def test_every_plain_decimal_is_a_number(text: str) -> None:
    assert cell_number(text) == float(text.replace(",", "."))


SPELLINGS = ["", "NA", ".", "1", "2", "3", "4", "5", "4.0", "2,0", " 3 "]


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(
    cells=st.lists(st.lists(st.sampled_from(SPELLINGS), min_size=len(ITEMS),
                            max_size=len(ITEMS)), min_size=1, max_size=12),
    ids=st.lists(st.text(alphabet="abcxyz é-_0123456789", max_size=6), min_size=12,
                 max_size=12),
    sep=st.sampled_from([",", ";"]),
)
def test_both_csv_paths_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[list[str]], ids: list[str],
    sep: str,
) -> None:
    if sep == ",":  # a decimal comma needs ; as the separator
        cells = [[c for c in row] for row in cells]
        cells = [[c.replace("2,0", "2") for c in row] for row in cells]
    lines = [HEADER.replace(",", sep)]
    lines += [sep.join([ids[i] or f"id{i}", *row]) for i, row in enumerate(cells)]
    data = write(tmp_path / "d.csv", lines)
    expected = np.array([[np.nan if c.strip() in ("", "NA", ".") else
                          float(c.strip().replace(",", ".")) for c in row] for row in cells])
    got = {}
    for name, limit in (("bulk", 0), ("csv", 1 << 60)):
        monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", limit)
        got[name] = read_csv(data, ADAPTED)
    for table in got.values():
        nonblank = [i for i, row in enumerate(cells)]
        np.testing.assert_array_equal(table.values, expected[nonblank])
    assert got["bulk"].ids == got["csv"].ids
    assert got["bulk"].rows.tolist() == got["csv"].rows.tolist()
    assert got["bulk"].blank_rows == got["csv"].blank_rows


# --- workbooks ------------------------------------------------------------------------


def xlsx(path: Path, values: list[list[object]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in values:
        wb.active.append(row)
    wb.save(path)
    return path


def test_workbook_over_the_unpacked_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = xlsx(tmp_path / "t.xlsx", [["respondent_code", *ITEMS], ["r1", *[3] * len(ITEMS)]])
    assert read_responses([book], ADAPTED).n == 1
    monkeypatch.setenv("RELSCALE_MAX_UNZIPPED_MB", "0.001")
    with pytest.raises(DataError, match=r"more than the limit of 0 MB.*RELSCALE_MAX_UNZIPPED_MB"):
        read_responses([book], ADAPTED)


def _replace_in_sheet(book: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(book) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old in parts[sheet]
    parts[sheet] = parts[sheet].replace(old, new, 1)
    with zipfile.ZipFile(book, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


@pytest.mark.parametrize("old, new", [
    (b"<v>3</v>", b"<v>abc</v>"),
    (b"</sheetData>", b"<row"),
])
def test_broken_sheet_xml_is_one_clear_line(tmp_path: Path, old: bytes, new: bytes) -> None:
    book = xlsx(tmp_path / "t.xlsx", [["respondent_code", *ITEMS], ["r1", *[3] * len(ITEMS)]])
    _replace_in_sheet(book, old, new)
    result = runner().invoke(app, ["score", str(book), "-i", "relationship_quality", "-s",
                                   "education", "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relscale: error: "), result.stderr
    assert "t.xlsx" in lines[0]


def test_undefined_entity_is_no_traceback(tmp_path: Path) -> None:
    """calamine skips an undefined entity: the cell is read as empty, nothing crashes."""
    book = xlsx(tmp_path / "t.xlsx", [["respondent_code", *ITEMS], ["r1", *[3] * len(ITEMS)]])
    _replace_in_sheet(book, b"<v>3</v>", b"<v>&undefined;</v>")
    result = runner().invoke(app, ["score", str(book), "-i", "relationship_quality", "-s",
                                   "education", "-o", str(tmp_path / "o.csv")])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr


# --- content files -------------------------------------------------------------------


def test_content_files_have_a_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relscale.errors import ContentError
    from relscale.i18n import _read_catalog
    from relscale.model.content import read_toml

    monkeypatch.setenv("RELSCALE_MAX_CONTENT_MB", "1")
    with pytest.raises(ContentError, match=r"/dev/zero: larger than 1 MB.*MAX_CONTENT_MB"):
        read_toml("/dev/zero")
    with pytest.raises(ContentError, match="larger than 1 MB"):
        _read_catalog("/dev/zero", 0.0)
    small = tmp_path / "a.toml"
    small.write_text('x = "' + "y" * 2000 + '"\n', encoding="utf-8")
    assert len(read_toml(small)["x"]) == 2000
    monkeypatch.setenv("RELSCALE_MAX_CONTENT_MB", "0.001")
    with pytest.raises(ContentError, match="larger than 0 MB"):
        read_toml(small)


def test_cli_content_and_norms_from_dev_zero(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    from relscale import plugins
    from relscale.user_content import clear_content_files

    monkeypatch.setenv("RELSCALE_MAX_CONTENT_MB", "1")
    try:
        result = runner().invoke(app, ["--content", "/dev/zero", "sectors"])
    finally:  # --content is process-wide: leave no content file to the next test
        clear_content_files()
        plugins.reset_registry()
    assert result.exit_code != 0 and "larger than 1 MB" in result.stderr
    data = write(tmp_path / "d.csv", [HEADER, *rows(3)])
    result = runner().invoke(app, ["score", str(data), "-i", "relationship_quality", "-s",
                                   "education", "--norms", "/dev/zero", "-o",
                                   str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "larger than 1 MB" in result.stderr


def test_score_without_instrument_does_not_read_the_data_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It used to load a million-row sheet (7.5 GB) only to ask for --instrument."""
    from relscale.errors import RelscaleError
    from relscale.io import cells
    from relscale.scoring.run import scoring_key

    book = xlsx(tmp_path / "t.xlsx", [["respondent_code", *ITEMS], ["r1", *[3] * len(ITEMS)]])

    def no_data(self: object) -> None:
        raise AssertionError("the data sheet was read")

    monkeypatch.setattr(cells.ValueSheet, "_raw_rows", no_data)
    with pytest.raises(RelscaleError, match="give --instrument and --sector"):
        scoring_key([book])


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_tables_are_read(tmp_path: Path, fmt: str) -> None:
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    values = [["respondent_code", *ITEMS], ["r1", *[3] * len(ITEMS)],
              ["r2", *[None, *[4] * (len(ITEMS) - 1)]]]
    book = xlsx(tmp_path / "t.xlsx", values)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    fmt, "--outdir", str(tmp_path / "out"), str(book)], check=True,
                   capture_output=True, timeout=180)
    converted = tmp_path / "out" / f"t.{fmt}"
    table = read_responses([converted], ADAPTED)
    expected = read_responses([book], ADAPTED)
    np.testing.assert_array_equal(table.values, expected.values)
    assert table.ids == expected.ids == {"respondent_code": ["r1", "r2"]}

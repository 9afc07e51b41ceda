"""Acceptance: messy real-world response files for ``score``, ``norms build`` and
``reliability``.

Each variant is written from one clean table; it must either give exactly the clean
table's scores (the reference) or fail with one line naming the file (and row and
column where there is one), writing nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"
ITEMS = adapt(INSTRUMENT, SECTOR).item_ids
SCORE = ["-i", INSTRUMENT, "-s", SECTOR]



def _clean_rows(n: int = 8) -> list[list[str]]:
    rows = [["respondent_code", "gender", *ITEMS]]
    for r in range(n):
        answers = [str((r * 3 + k * 7) % 5 + 1) for k in range(len(ITEMS))]
        if r == 2:
            answers[0] = ""  # one gap
        rows.append([f"r{r}", "fm"[r % 2], *answers])
    return rows


def _write(path: Path, rows: list[list[str]], *, sep: str = ",", newline: str = "\n",
           encoding: str = "utf-8") -> Path:
    path.write_bytes("".join(sep.join(r) + newline for r in rows).encode(encoding))
    return path


def _score(data: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner().invoke(app, ["score", str(data), *SCORE, "-o", str(out), *extra])


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def reference(tmp_path: Path) -> list[dict[str, str]]:
    clean = _write(tmp_path / "clean.csv", _clean_rows())
    result = _score(clean, tmp_path / "clean_scores.csv")
    assert result.exit_code == 0, result.output
    return _table(tmp_path / "clean_scores.csv")


def _one_line_error(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relscale: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_excel_trailing_empty_columns_are_ignored(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    # Excel's "CSV (separated by list separator)" writes ";;;" for formatted empty columns
    rows = [[*r, "", ""] for r in _clean_rows()]
    data = _write(tmp_path / "export.csv", rows, sep=";", newline="\r\n")
    out = tmp_path / "scores.csv"
    result = _score(data, out)
    assert result.exit_code == 0, result.output
    assert _table(out) == reference


def test_trailing_empty_columns_in_reliability_and_norms(tmp_path: Path) -> None:
    rows = [[*r, ""] for r in _clean_rows(12)]
    data = _write(tmp_path / "sample.csv", rows, sep=";")
    result = runner().invoke(app, ["reliability", str(data), *SCORE, "--format", "json"])
    assert result.exit_code == 0, result.output
    result = runner().invoke(app, ["norms", "build", str(data), *SCORE, "--min-n", "5",
                                    "-o", str(tmp_path / "n.toml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "n.toml").exists()


def test_a_named_empty_column_in_the_middle_is_still_refused(tmp_path: Path) -> None:
    rows = _clean_rows()
    rows = [[r[0], "" if i == 0 else "x", *r[1:]] for i, r in enumerate(rows)]
    data = _write(tmp_path / "gap.csv", rows)
    _one_line_error(_score(data, tmp_path / "s.csv"), "gap.csv, row 1, column 2")


def test_upper_case_item_columns_are_matched(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    rows = _clean_rows()
    rows[0] = [rows[0][0], rows[0][1], *[i.upper() for i in ITEMS]]
    data = _write(tmp_path / "spss.csv", rows)
    out = tmp_path / "scores.csv"
    result = _score(data, out)
    assert result.exit_code == 0, result.output
    assert _table(out) == reference


def test_two_spellings_of_one_item_are_a_duplicate(tmp_path: Path) -> None:
    rows = [[*r, "3" if i else ITEMS[0].upper()] for i, r in enumerate(_clean_rows())]
    data = _write(tmp_path / "both.csv", rows)
    _one_line_error(_score(data, tmp_path / "s.csv"), "both.csv, row 1", "appears twice")


@pytest.mark.parametrize("command", ["score", "norms", "reliability", "adhoc"])
def test_workbook_renamed_to_csv_says_so(tmp_path: Path, command: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for r in _clean_rows():
        wb.active.append(r)
    data = tmp_path / "export.csv"
    wb.save(data)
    args = {
        "score": ["score", str(data), *SCORE, "-o", str(tmp_path / "s.csv")],
        "norms": ["norms", "build", str(data), *SCORE, "-o", str(tmp_path / "n.toml")],
        "reliability": ["reliability", str(data), *SCORE],
        "adhoc": ["reliability", str(data), "--items", ",".join(ITEMS[:3])],
    }[command]
    line = _one_line_error(runner().invoke(app, args), "export.csv", "Excel workbook")
    assert "UTF-8" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


@pytest.mark.parametrize("command", ["score", "norms", "reliability", "adhoc"])
def test_header_only_file_has_no_respondents(tmp_path: Path, command: str) -> None:
    data = _write(tmp_path / "header.csv", [*_clean_rows()[:1], [""] * (len(ITEMS) + 2)])
    args = {
        "score": ["score", str(data), *SCORE, "-o", str(tmp_path / "s.csv")],
        "norms": ["norms", "build", str(data), *SCORE, "-o", str(tmp_path / "n.toml")],
        "reliability": ["reliability", str(data), *SCORE],
        "adhoc": ["reliability", str(data), "--items", ",".join(ITEMS[:3])],
    }[command]
    _one_line_error(runner().invoke(app, args), "header.csv: no respondents")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["header.csv"]


def test_duplicate_column_in_adhoc_reliability_is_refused(tmp_path: Path) -> None:
    rows = [[*r, "1"] if i else [*r, ITEMS[1]] for i, r in enumerate(_clean_rows())]
    data = _write(tmp_path / "dup.csv", rows)
    _one_line_error(
        runner().invoke(app, ["reliability", str(data), "--items", ",".join(ITEMS[:3])]),
        f"dup.csv, row 1, column {ITEMS[1]}", "appears twice",
    )


@pytest.mark.parametrize(
    "variant",
    ["semicolon_decimal_comma", "bom_crlf", "quoted", "spaces_and_point_zero"],
)
def test_variants_that_already_worked_give_the_reference(tmp_path: Path, reference,  # type: ignore[no-untyped-def]
                                                         variant: str) -> None:
    rows = _clean_rows()
    if variant == "semicolon_decimal_comma":
        rows = [[f"{c},0" if i and c.isdigit() and j > 1 else c for j, c in enumerate(r)]
                for i, r in enumerate(rows)]
        data = _write(tmp_path / "v.csv", rows, sep=";")
    elif variant == "bom_crlf":
        data = tmp_path / "v.csv"
        data.write_bytes(b"\xef\xbb\xbf" + _write(tmp_path / "t.csv", rows, newline="\r\n")
                         .read_bytes())
    elif variant == "quoted":
        data = _write(tmp_path / "v.csv", [[f'"{c}"' for c in r] for r in rows])
    else:
        rows = [[(f" {c} " if j % 2 else f"{c}.0") if i and c and j > 1 else c
                 for j, c in enumerate(r)] for i, r in enumerate(rows)]
        data = _write(tmp_path / "v.csv", rows)
    out = tmp_path / "scores.csv"
    result = _score(data, out)
    assert result.exit_code == 0, result.output
    assert _table(out) == reference


def test_latin1_file_is_a_clear_error(tmp_path: Path) -> None:
    rows = _clean_rows()
    rows[3][0] = "Cliënt"
    data = _write(tmp_path / "ansi.csv", rows, encoding="cp1252")
    _one_line_error(_score(data, tmp_path / "s.csv"), "ansi.csv", "UTF-8")


def test_dates_in_workbook_id_columns_are_written_as_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    rows = _clean_rows(3)
    wb.active.append([*rows[0], "date"])
    for k, r in enumerate(rows[1:]):
        wb.active.append([r[0], r[1], *[int(c) if c else None for c in r[2:]],
                          dt.datetime(2026, 3, k + 1) if k < 2 else dt.date(2026, 4, 1)])
    data = tmp_path / "table.xlsx"
    wb.save(data)
    out = tmp_path / "scores.csv"
    result = _score(data, out)
    assert result.exit_code == 0, result.output
    assert [r["date"] for r in _table(out)] == ["2026-03-01", "2026-03-02", "2026-04-01"]

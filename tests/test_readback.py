"""Reading filled forms back: exact answers, every bad cell reported, tampering refused."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import answer_cells, fill_with_openpyxl, make_form, random_answers
from relscale.cli.main import app
from relscale.errors import DataError
from relscale.excel.identity import FORM_META_SHEET as META_SHEET
from relscale.io.readback import META_COLUMNS, FormErrors, read_forms

runner = CliRunner()


@pytest.fixture
def blank(tmp_path: Path) -> tuple[Path, Any]:
    return make_form(tmp_path / "blank", "relationship_quality", "foster_homes")


def test_openpyxl_filled_form_reads_back_exactly(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, adapted = blank
    answers = random_answers(adapted.item_ids, adapted.scale.min, adapted.scale.max)
    filled = tmp_path / "filled.xlsx"
    fields = {"respondent_code": "R-01", "subject_code": 1234, "date": dt.date(2026, 3, 9)}
    fill_with_openpyxl(path, filled, answers, fields)
    result = read_forms([filled])
    assert result.key.instrument == "relationship_quality"
    assert result.item_ids == adapted.item_ids
    (row,) = result.rows
    assert {i: row[i] for i in adapted.item_ids} == answers
    assert row["respondent_code"] == "R-01"
    assert row["subject_code"] == "1234"
    assert row["date"] == "2026-03-09"
    assert (row["sector"], row["perspective"], row["locale"]) == ("foster_homes",
                                                                    "professional", "en")


def test_every_bad_cell_is_reported(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, adapted = blank
    ids = adapted.item_ids
    cells = answer_cells(path)
    bad = {ids[0]: 7, ids[1]: 2.5, ids[2]: "three", ids[3]: "3", ids[4]: 0, ids[5]: True}
    answers: dict[str, Any] = {**dict.fromkeys(ids, 3), **bad}
    filled = tmp_path / "bad.xlsx"
    fill_with_openpyxl(path, filled, answers)
    with pytest.raises(FormErrors) as info:
        read_forms([filled])
    problems = info.value.problems
    assert len(problems) == len(bad)
    for item, line in zip(bad, problems, strict=True):
        assert line.startswith(f"{filled}: cell {cells[item]} (item {item}): ")
        assert "\n" not in line
    assert "out of range" in problems[0] and "whole number from 1 to 5" in problems[0]
    assert "not a whole number" in problems[1]
    assert "is text" in problems[2] and "is text" in problems[3]


def test_whole_floats_are_answers(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, adapted = blank
    filled = tmp_path / "f.xlsx"
    fill_with_openpyxl(path, filled, {adapted.item_ids[0]: 4.0, adapted.item_ids[1]: "  "})
    row = read_forms([filled]).rows[0]
    assert row[adapted.item_ids[0]] == 4 and isinstance(row[adapted.item_ids[0]], int)
    assert row[adapted.item_ids[1]] is None


def _edit_meta(path: Path, target: Path, edit: Any) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    edit(wb[META_SHEET], wb)
    wb.save(target)


def _meta_row(ws: Any, key: str) -> int:
    for row in ws.iter_rows(max_col=1):
        if row[0].value == key:
            return row[0].row
    raise KeyError(key)


def test_tampered_forms_are_refused(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, _adapted = blank

    def edit_sector(ws: Any, wb: Any) -> None:
        ws.cell(_meta_row(ws, "sector"), 2).value = "education"

    def reorder_items(ws: Any, wb: Any) -> None:
        first = _meta_row(ws, "item") + 1
        a = [c.value for c in ws[first]]
        b = [c.value for c in ws[first + 1]]
        for col, (x, y) in enumerate(zip(a, b, strict=True), start=1):
            ws.cell(first, col).value = y
            ws.cell(first + 1, col).value = x

    def change_checksum(ws: Any, wb: Any) -> None:
        ws.cell(_meta_row(ws, "checksum"), 2).value = "0" * 64

    def move_answer_cell(ws: Any, wb: Any) -> None:
        ws.cell(_meta_row(ws, "item") + 1, 5).value = "C3"

    for name, edit in [("sector", edit_sector), ("order", reorder_items),
                       ("checksum", change_checksum), ("cell", move_answer_cell)]:
        target = tmp_path / f"tampered_{name}.xlsx"
        _edit_meta(path, target, edit)
        with pytest.raises(DataError) as info:
            read_forms([target])
        message = str(info.value)
        assert message.startswith(f"{target}: form metadata does not match its checksum"), name
        assert "\n" not in message


def test_rows_moved_on_the_form_sheet_are_refused(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    import openpyxl

    path, adapted = blank
    cells = answer_cells(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    r1, r2 = int(cells[adapted.item_ids[0]][1:]), int(cells[adapted.item_ids[1]][1:])
    for col in range(1, 5):
        a, b = ws.cell(r1, col).value, ws.cell(r2, col).value
        ws.cell(r1, col).value, ws.cell(r2, col).value = b, a
    target = tmp_path / "moved.xlsx"
    wb.save(target)
    with pytest.raises(FormErrors) as info:
        read_forms([target])
    assert len(info.value.problems) == 2
    assert f"cell {cells[adapted.item_ids[0]]} should hold the answer to item " \
           f"{adapted.item_ids[0]}" in info.value.problems[0]


def test_foreign_and_broken_workbooks(tmp_path: Path) -> None:
    import openpyxl

    foreign = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 3
    wb.save(foreign)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(FormErrors) as info:
        read_forms([foreign, broken])
    assert info.value.problems[0] == f"{foreign}: not a relscale form (no {META_SHEET} sheet)"
    assert info.value.problems[1].startswith(f"{broken}: not a readable .xlsx workbook")
    with pytest.raises(DataError, match="no such file"):
        read_forms([tmp_path / "missing.xlsx"])
    with pytest.raises(DataError, match=r"no \.xlsx files"):
        (tmp_path / "empty").mkdir()
        read_forms([tmp_path / "empty"])


def test_mixed_forms_are_refused(tmp_path: Path) -> None:
    a, _ = make_form(tmp_path, "relationship_quality", "education")
    b, _ = make_form(tmp_path, "relationship_quality", "youth_care")
    with pytest.raises(FormErrors) as info:
        read_forms([a, b])
    assert "read each instrument, sector and perspective separately" in str(info.value)


def test_read_command_writes_tidy_csv(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, adapted = blank
    folder = tmp_path / "filled"
    folder.mkdir()
    expected = {}
    for n in range(3):
        answers = random_answers(adapted.item_ids, 1, 5, seed=n)
        fill_with_openpyxl(path, folder / f"form{n}.xlsx", answers,
                           {"respondent_code": f"R{n}"})
        expected[f"R{n}"] = answers
    out = tmp_path / "responses.csv"
    result = runner.invoke(app, ["read", str(folder), str(folder / "form0.xlsx"),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [*META_COLUMNS, *adapted.item_ids]
    assert len(rows) == 3  # the file named twice is read once
    for row in rows:
        want = expected[row["respondent_code"]]
        assert {i: row[i] for i in adapted.item_ids} == {
            i: "" if v is None else str(v) for i, v in want.items()}
    # the output exists: refused without --force, untouched
    before = out.read_bytes()
    again = runner.invoke(app, ["read", str(folder), "-o", str(out)])
    assert again.exit_code != 0 and "already exists" in again.output
    assert out.read_bytes() == before
    assert runner.invoke(app, ["read", str(folder), "-o", str(out), "--force"]).exit_code == 0


def test_read_command_lists_problems_and_writes_nothing(
    tmp_path: Path, blank: tuple[Path, Any]
) -> None:
    path, adapted = blank
    cells = answer_cells(path)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    fill_with_openpyxl(path, good, {adapted.item_ids[0]: 2})
    fill_with_openpyxl(path, bad, {adapted.item_ids[0]: 7, adapted.item_ids[2]: "x"})
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["read", str(good), str(bad), "-o", str(out)])
    assert result.exit_code != 0
    lines = [x for x in result.output.splitlines() if x.startswith("relscale: error:")]
    assert len(lines) == 3
    assert f"cell {cells[adapted.item_ids[0]]} (item {adapted.item_ids[0]})" in lines[0]
    assert "nothing written" in lines[-1]
    assert "Traceback" not in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.xlsx", "blank", "good.xlsx"]


def test_output_that_is_an_input_is_refused(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    path, _ = blank
    before = path.read_bytes()
    result = runner.invoke(app, ["read", str(path), "-o", str(path), "--force"])
    assert result.exit_code != 0 and "also an input" in result.output
    assert path.read_bytes() == before


def test_password_protected_form_reads_back(tmp_path: Path) -> None:
    path, adapted = make_form(tmp_path / "pw", "working_alliance", "education", "client",
                              password="s3cret")
    answers = random_answers(adapted.item_ids, adapted.scale.min, adapted.scale.max, seed=5)
    filled = tmp_path / "filled.xlsx"
    fill_with_openpyxl(path, filled, answers)
    row = read_forms([filled]).rows[0]
    assert {i: row[i] for i in adapted.item_ids} == answers

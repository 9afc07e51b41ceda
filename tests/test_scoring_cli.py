"""``relscale score`` and ``relscale scoring-sheet`` end to end, through the real CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app

INSTRUMENT, SECTOR = "relationship_quality", "education"



def _write(path: Path, rows: list[list[str]]) -> Path:
    items = adapt(INSTRUMENT, SECTOR).item_ids
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", "subject_code", *items])
        w.writerows(rows)
    return path


def _rows(n: int = 12, seed: int = 4) -> list[list[str]]:
    k = len(adapt(INSTRUMENT, SECTOR).items)
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        vals = [str(v) for v in rng.integers(1, 6, k)]
        if i % 4 == 1:
            vals[:3] = ["", "", ""]  # closeness 6 of 8 answered: missing; others scored
        rows.append([f"t{i}", f"c{i}", *vals])
    rows.append(["t_none", "c_none", *[""] * k])
    return rows


def test_score_csv_accounts_for_every_row(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", _rows())
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out), "--flag-straightlining", "10"])
    assert result.exit_code == 0, result.output
    assert "9 scored, 3 with missing scales, 1 rejected" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["respondent_code"] for r in rows] == [r[0] for r in _rows()]
    assert rows[-1]["status"] == "rejected" and rows[-1]["reason"] == "no answers"
    assert rows[1]["status"] == "incomplete" and rows[1]["reason"].startswith("too few")
    # norms: the registered education table, named on every row, illustrative flagged
    assert rows[0]["closeness_band"] and rows[0]["norm_status"] == "illustrative"
    assert "Illustrative norms" in rows[0]["norm_group"]
    assert rows[-1]["closeness_percentile"] == "" and rows[-1]["closeness"] == ""
    header = list(rows[0])
    for d in ("closeness", "conflict", "dependency"):
        assert {d, f"{d}_percentile", f"{d}_t", f"{d}_band"} <= set(header)
    assert header[-6:] == ["status", "reason", "straightlining", "norm_group", "norm_status",
                           "scored_as_sector"]


def test_bad_value_fails_without_output(tmp_path: Path) -> None:
    rows = _rows()
    rows[3][5] = "9"
    data = _write(tmp_path / "data.csv", rows)
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out)])
    assert result.exit_code == 1
    assert "data.csv, row 5, column rq04: '9' is not an answer" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [data]


def test_existing_output_and_input_are_protected(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", _rows())
    out = tmp_path / "scores.csv"
    out.write_text("keep me")
    args = ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR]
    result = runner().invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_text() == "keep me"
    result = runner().invoke(app, [*args, "-o", str(data), "--force"])
    assert result.exit_code == 1 and "is also an input" in result.output
    assert runner().invoke(app, [*args, "-o", str(out), "--force"]).exit_code == 0


def test_group_from_column_without_table(tmp_path: Path) -> None:
    rows = _rows(4)
    data = _write(tmp_path / "data.csv", rows)
    out = tmp_path / "s.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out), "--group", "nonexistent"])
    assert result.exit_code == 1 and "has no column 'nonexistent'" in result.output


def test_results_workbook_has_a_profile_per_client(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = _write(tmp_path / "data.csv", _rows())
    out = tmp_path / "results.xlsx"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Scores", "Summary", "Profiles"]
    assert len(wb.sheetnames) == 3 + 12  # a profile page per pair, but the rejected one
    scores = wb["Scores"]
    assert scores.max_row == 1 + 13
    profiles = wb["Profiles"]
    assert len(profiles._charts) == 12  # every client but the rejected one
    names = {c.value for c in profiles["A"] if isinstance(c.value, str)}
    assert {f"c{i}" for i in range(12)} <= names and "c_none" not in names
    for sheet in ("Summary", "Profiles"):
        text = " ".join(str(c.value) for row in wb[sheet].iter_rows(max_row=4) for c in row)
        assert "Illustrative norms" in text
    summary = wb["Summary"]
    rows = {r[1]: r for r in summary.iter_rows(values_only=True) if r[1] in ("closeness",)}
    n, mean = rows["closeness"][2], rows["closeness"][3]
    expected = [float(r["closeness"]) for r in _scored_csv(tmp_path, data) if r["closeness"]]
    assert n == len(expected) and mean == pytest.approx(np.mean(expected))


def _scored_csv(tmp_path: Path, data: Path) -> list[dict[str, str]]:
    out = tmp_path / "check.csv"
    runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR, "-o", str(out),
                           "--force"])
    return list(csv.DictReader(out.open(encoding="utf-8")))


def test_filled_scoring_sheet_is_recognised(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from relscale.workbooks.scoring_sheet import FIRST_ROW, HEADER_ROW

    sheet = tmp_path / "sheet.xlsx"
    result = runner().invoke(app, ["scoring-sheet", "working_alliance", "-s", "foster_homes",
                                    "-p", "professional", "--rows", "5", "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(sheet)
    ws = wb.worksheets[0]
    names = [c.value for c in ws[HEADER_ROW]]
    col = {n: i for i, n in enumerate(names, start=1)}
    ws.cell(FIRST_ROW + 1, col["respondent_code"], "x1")
    for item in adapt("working_alliance", "foster_homes", "professional").item_ids:
        ws.cell(FIRST_ROW + 1, col[item], 4)
    ws.cell(FIRST_ROW + 3, col["wap03"], 8)
    wb.save(sheet)
    out = tmp_path / "s.csv"
    result = runner().invoke(app, ["score", str(sheet), "-o", str(out)])
    assert result.exit_code == 1
    assert f"row {FIRST_ROW + 3}, column wap03: '8'" in result.output
    ws.cell(FIRST_ROW + 3, col["wap03"]).value = None
    wb.save(sheet)
    result = runner().invoke(app, ["score", str(sheet), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1 and rows[0]["bond"] == "4.0" and rows[0]["status"] == "scored"
    result = runner().invoke(app, ["score", str(sheet), "-s", "education", "-o", str(out),
                                    "--force"])
    assert result.exit_code == 1 and "answered on foster_homes forms" in result.output
    assert "--as-sector education" in result.output
    # scored as another sector on purpose: the output says so
    result = runner().invoke(app, ["score", str(sheet), "--as-sector", "education", "-o",
                                    str(out), "--force"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["scored_as_sector"] == "education"
    assert "education / working_alliance" in rows[0]["norm_group"]


def test_filled_form_is_scored(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    form = tmp_path / "form.xlsx"
    result = runner().invoke(app, ["form", INSTRUMENT, "-s", SECTOR, "-o", str(form)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(form)
    sheet, rng = next(iter(wb.defined_names["relscale_answers"].destinations))
    for i, row in enumerate(wb[sheet][rng]):
        row[0].value = i % 5 + 1
    wb.save(form)
    out = tmp_path / "s.csv"
    result = runner().invoke(app, ["score", str(form), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1 and rows[0]["rq01"] == "1" and rows[0]["rq05"] == "5"
    assert rows[0]["status"] == "scored" and rows[0]["source_file"].endswith("form.xlsx")
    result = runner().invoke(app, ["score", str(form), "-i", INSTRUMENT, "-s", "foster_homes",
                                    "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 1 and "answered on education forms" in result.output
    assert "--as-sector foster_homes" in result.output
    # disability care words the same items (foster homes adds one: it cannot score these)
    result = runner().invoke(app, ["score", str(form), "--as-sector", "disability_care",
                                    "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "t.csv").open(encoding="utf-8")))
    assert rows[0]["sector"] == "education" and rows[0]["scored_as_sector"] == "disability_care"
    assert "disability_care / relationship_quality" in rows[0]["norm_group"]


def test_forms_name_their_own_instrument(tmp_path: Path) -> None:
    """A folder of filled forms scores without --instrument/--sector/--perspective."""
    from openpyxl import load_workbook

    folder = tmp_path / "filled"
    folder.mkdir()
    for n in range(2):
        form = folder / f"f{n}.xlsx"
        result = runner().invoke(app, ["form", "working_alliance", "-s", "youth_care",
                                        "-p", "client", "--layout", "compact",
                                        "-o", str(form)])
        assert result.exit_code == 0, result.output
        wb = load_workbook(form)
        sheet, rng = next(iter(wb.defined_names["relscale_answers"].destinations))
        for i, row in enumerate(wb[sheet][rng]):
            row[0].value = (i + n) % 5 + 1
        wb.save(form)
    out = tmp_path / "s.csv"
    result = runner().invoke(app, ["score", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["wac01"] for r in rows] == ["1", "2"]
    assert {r["status"] for r in rows} == {"scored"}
    # A plain CSV (without the forms' instrument, sector and perspective columns) still
    # needs to be told what it holds.
    plain = tmp_path / "plain.csv"
    keep = ["respondent_code", *(f"wac{k:02d}" for k in range(1, 15))]
    with plain.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c for c in keep if c in rows[0]])
        writer.writerows([[r[c] for c in keep if c in r] for r in rows])
    result = runner().invoke(app, ["score", str(plain), "-o", str(tmp_path / "again.csv")])
    assert result.exit_code == 1 and "give --instrument and --sector" in result.output


def test_slow_work_shows_a_spinner_on_a_terminal_only(tmp_path: Path) -> None:
    """Slow work (here scoring to a results workbook) shows what it is doing on stderr
    when stderr is a terminal, and prints nothing of it when stderr is piped."""
    import os
    import pty
    import subprocess
    import sys

    sample = tmp_path / "s.csv"
    assert runner().invoke(app, ["simulate", "-i", INSTRUMENT, "-s", SECTOR, "-o",
                                 str(sample), "--n", "20"]).exit_code == 0
    args = [sys.executable, "-m", "relscale", "score", str(sample), "-i", INSTRUMENT, "-s",
            SECTOR]
    master, slave = pty.openpty()
    try:
        done = subprocess.run([*args, "-o", str(tmp_path / "a.xlsx")], stderr=slave,
                              stdout=subprocess.PIPE, timeout=120)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    assert b"Scoring" in seen or b"Writing" in seen, seen[:300]
    piped = subprocess.run([*args, "-o", str(tmp_path / "b.xlsx")], capture_output=True,
                           text=True, timeout=120)
    assert piped.returncode == 0
    assert "Scoring" not in piped.stderr and "Writing" not in piped.stderr
    assert "\x1b" not in piped.stderr  # no terminal control codes either

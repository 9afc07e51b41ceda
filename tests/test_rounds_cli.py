"""``relscale round`` on the command line: the roster's problems as one line each (file,
row, column) with nothing stored, the JSON Schema, status, exports with and without
names, forgetting names and deleting a round."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import runner
from relscale.cli.main import app
from relscale.rounds.record import record_answers
from relscale.rounds.roster import RosterErrors, read_roster
from relscale.rounds.status import round_status
from relscale.store.engine import open_store
from rounds_helpers import count_rows, roster_rows, write_roster


def run(*args: str) -> object:
    return runner().invoke(app, list(args))


@pytest.mark.parametrize(("rows", "expected"), [
    ("P1,C1,,,\nP1,C1,,,\n", "roster.csv, row 3: the same row as row 2"),
    ("P1,C1,x,,\nP1,C1,y,,\n", "roster.csv, row 3, column client_code: client C1 is listed "
     "twice with professional P1 (rows 2 and 3)"),
    ("P1,C1,,nowhere,\n", "roster.csv, row 2, column sector: unknown sector 'nowhere'"),
    ("P1,,,,\n", "roster.csv, row 2, column client_code: empty; every row needs a "
     "client_code"),
    ("P1,=C1,,,\n", "roster.csv, row 2, column client_code: '=C1' is not a code"),
    ("P1,C1,,,xx\n", "roster.csv, row 2, column locale: unknown locale 'xx'"),
])
def test_roster_problems_name_row_and_column(tmp_path: Path, rows: str, expected: str
                                             ) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("professional_code,client_code,group,sector,locale\n" + rows,
                      encoding="utf-8")
    db = tmp_path / "r.db"
    result = run("round", "new", "r", "--roster", str(roster), "-i", "relationship_quality",
                 "-s", "education", "--db", str(db))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"relscale: error: {tmp_path / expected}"), lines
    assert lines[-1].endswith("in the roster; nothing stored")
    assert "Traceback" not in result.stderr
    assert count_rows(f"sqlite:///{db}")["rounds"] == 0


def test_roster_header_problems_and_names(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("professional_code,clientcode\nP1,C1\n", encoding="utf-8")
    with pytest.raises(RosterErrors) as info:
        read_roster(roster, sector="education", locale="en")
    assert info.value.problems == [
        f"{roster}, row 1, column 2: unknown column 'clientcode' (a roster has "
        "professional_code, client_code, professional_name, client_name, group, sector, "
        "locale)",
        f"{roster}, row 1: missing column(s) client_code"]
    roster.write_text("professional_code,client_code,client_name\nP1,C1,Ann\nP2,C1,Anna\n",
                      encoding="utf-8")
    with pytest.raises(RosterErrors) as info:
        read_roster(roster, sector="education", locale="en")
    assert info.value.problems == [f"{roster}, row 3, column client_name: C1 is named "
                                   "'Anna' here and 'Ann' in row 2; one code, one name"]


def test_roster_from_xlsx_with_numbers(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Professional_Code", "client_code", "group"])
    ws.append([101, 2001, "Class A"])
    ws.append(["101", 2002.0, None])
    wb.save(tmp_path / "roster.xlsx")
    roster = read_roster(tmp_path / "roster.xlsx", sector="education", locale="nl")
    assert [(p.professional_code, p.client_code, p.group, p.locale) for p in roster.pairs] \
        == [("101", "2001", "Class A", "nl"), ("101", "2002", None, "nl")]


def test_roster_schema_describes_a_row() -> None:
    result = run("schema", "roster")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    row = schema["$defs"]["RosterRow"]
    assert set(row["required"]) == {"professional_code", "client_code"}
    assert set(row["properties"]) == {"professional_code", "client_code",
                                      "professional_name", "client_name", "group",
                                      "sector", "locale"}
    assert schema["type"] == "array"


@pytest.fixture
def small_round(tmp_path: Path) -> Path:
    db = tmp_path / "r.db"
    roster = write_roster(tmp_path / "roster.csv", roster_rows(1, 1, 3))
    result = run("round", "new", "r", "--roster", str(roster), "-i", "working_alliance",
                 "-s", "youth_care", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    with open_store(db) as store:
        for form in round_status(store, "r").outstanding[:4]:
            first = "wap01" if form.perspective == "professional" else "wac01"
            record_answers(store, "r", {first: 5}, key=form.key)
    return db


def test_status_lists_what_is_out(small_round: Path) -> None:
    result = run("round", "status", "r", "--outstanding", "--db", str(small_round))
    assert result.exit_code == 0
    assert "4 of 6 forms returned" in result.stdout
    assert "Prof 11 (P11)" in result.stdout
    assert "Forms still out" in result.stdout and "C1103" in result.stdout


def test_export_says_whether_it_holds_names(small_round: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    named = tmp_path / "named.csv"
    a = run("round", "export", "r", "-o", str(plain), "--db", str(small_round))
    b = run("round", "export", "r", "-o", str(named), "--wide", "--names", "--db",
            str(small_round))
    assert "codes only, no names" in a.stderr and "with names" in b.stderr
    text = plain.read_text(encoding="utf-8")
    assert "Child" not in text and "Prof 11" not in text and "C1101" in text
    rows = list(csv.DictReader(named.open(encoding="utf-8")))
    assert {r["client_name"] for r in rows} <= {"Child 1101", "Child 1102", "Child 1103"}
    prof = next(r for r in rows if r["perspective"] == "professional")
    assert prof["wap01"] == "5" and prof["wap02"] == ""


def test_forget_names_and_delete(small_round: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{small_round}"
    before = count_rows(url)
    assert before["names"] == 4
    refused = run("round", "forget-names", "r", "--db", str(small_round))
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    done = run("round", "forget-names", "r", "--yes", "--db", str(small_round))
    assert done.exit_code == 0 and "4 names removed" in done.stderr
    after = count_rows(url)
    assert after["names"] == 0
    assert {k: v for k, v in after.items() if k != "names"} == \
        {k: v for k, v in before.items() if k != "names"}
    assert b"Child 1101" not in small_round.read_bytes()  # overwritten, not only unlinked
    gone = run("round", "delete", "r", "--yes", "--db", str(small_round))
    assert gone.exit_code == 0, gone.stderr
    left = count_rows(url)
    assert {k: left[k] for k in ("rounds", "pairs", "forms", "submissions", "answers",
                                 "scores")} == dict.fromkeys(
        ("rounds", "pairs", "forms", "submissions", "answers", "scores"), 0)
    assert b"C1101" not in small_round.read_bytes()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()

"""``round export``: the long CSV, written line by line for speed, is byte for byte what the
csv module writes from the same rows; text is guarded; the wide export holds the codes as
given; .xlsx and .sav say whether names are in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from relscale.rounds import export as ex
from relscale.rounds.create import new_round
from relscale.rounds.queries import get_round
from relscale.rounds.record import record_answers
from relscale.rounds.status import round_status
from relscale.store.engine import open_store
from rounds_helpers import roster_rows, write_roster


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    rows = roster_rows(1, 2, 3)
    rows[0]["client_name"] = "=HYPERLINK(\"x\")"  # a name that looks like a formula
    rows[1]["group"] = "Group, with a comma"
    rows[2]["group"] = "Group, with a comma"
    roster = write_roster(tmp_path / "roster.csv", rows)
    path = tmp_path / "r.db"
    with open_store(path, create=True) as store:
        new_round(store, "r", roster, instruments=["relationship_quality"],
                  sector="foster_homes", locale="en")
        for k, form in enumerate(round_status(store, "r").outstanding):
            if form.perspective == "professional":
                answers = {"rq01": 1 + k % 5, "rq02": None, "fh_rq_a01": 9}
            else:
                answers = {"rqc01": 1 + k % 4}
            record_answers(store, "r", answers, key=form.key)
    return path


@pytest.mark.parametrize("names", [False, True])
def test_fast_long_csv_equals_the_csv_module(store_path: Path, tmp_path: Path,
                                             names: bool) -> None:
    fast = tmp_path / "fast.csv"
    with open_store(store_path) as store:
        done = ex.export_round(store, "r", fast, names=names)
        with store.read() as conn:
            round_ = get_round(conn, "r")
            lead = ex._submissions(conn, round_.id, "r", names, "current")
            header = [*ex.ID_COLUMNS, *(ex.NAME_COLUMNS if names else ()),
                      *ex.FORM_COLUMNS, *ex.LONG_COLUMNS]
            counts = {"rows": 0, "answers": 0}
            slow = tmp_path / "slow.csv"
            ex._write_csv(ex._Data(header, ex._long(conn, round_.id, lead, counts), counts),
                          slow, False)
    assert fast.read_bytes() == slow.read_bytes()
    assert (done.rows, done.answers) == (counts["rows"], counts["answers"])
    text = fast.read_text(encoding="utf-8")
    assert '"Group, with a comma"' in text
    assert ("'=HYPERLINK" in text) is names and "=HYPERLINK" not in text.replace("'=", "")
    assert done.answers == 6 * 22 + 6 * 16


def test_wide_and_workbooks_say_whether_they_hold_names(store_path: Path,
                                                        tmp_path: Path) -> None:
    import openpyxl
    import pyreadstat

    with open_store(store_path) as store:
        ex.export_round(store, "r", tmp_path / "w.xlsx", wide=True)
        ex.export_round(store, "r", tmp_path / "n.xlsx", names=True)
        ex.export_round(store, "r", tmp_path / "w.sav", wide=True)
    about = openpyxl.load_workbook(tmp_path / "w.xlsx")["About"]["A2"].value
    assert about == "This document holds codes only, no names."
    assert openpyxl.load_workbook(tmp_path / "n.xlsx")["About"]["A2"].value.startswith(
        "This document holds names")
    data = openpyxl.load_workbook(tmp_path / "w.xlsx")["Data"]
    head = [c.value for c in data[1]]
    prof = [dict(zip(head, [c.value for c in row], strict=True)) for row in data.iter_rows(
        min_row=2) if row[head.index("perspective")].value == "professional"]
    assert {p["fh_rq_a01"] for p in prof} == {9}  # 'does not apply' as given
    assert {p["rq02"] for p in prof} == {None}  # skipped
    frame, meta = pyreadstat.read_sav(str(tmp_path / "w.sav"))
    assert "codes only" in meta.file_label and len(frame) == 12

"""Issue 20, item 7: the small things that misled, each with a test.

A sector's own added items are optional in a multi-sector file; "does not apply" (9) is
missing on the rows of a sector whose scale has it, and still refused elsewhere; groups on
different response scales get one message naming the scales; a reverse-keyed item that
runs against its scale after reversal is called out by ``reliability`` and ``cfa`` with the
right advice; ``--scale-min/--scale-max`` are checked against the data; the outputs show
how the models were fitted and every warning.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from equivalence_data import write_sectors

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app

RQ = "relationship_quality"


def run(*args: str) -> Any:
    return runner().invoke(app, list(args))


def _edit(path: Path, target: Path, edit: Any) -> Path:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows = edit(rows)
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return target


def _one_error(result: Any) -> str:
    assert result.exit_code == 1, result.stdout
    errors = [ln for ln in result.stderr.strip().splitlines()
              if ln.startswith("relscale: error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return errors[0]


@pytest.fixture(scope="module")
def fh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "fh.csv"
    write_sectors(path, ["education", "foster_homes"], 400)
    return path


def test_a_sectors_own_item_is_optional(fh: Path, tmp_path: Path) -> None:
    def drop(rows: list[list[str]]) -> list[list[str]]:
        j = rows[0].index("fh_rq_a01")
        return [r[:j] + r[j + 1:] for r in rows]

    without = _edit(fh, tmp_path / "without.csv", drop)
    result = run("invariance", str(without), "-i", RQ, "-g", "sector", "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert "fh_rq_a01" not in out["items"]
    assert any("'foster_homes'" in n and "fh_rq_a01" in n for n in out["notes"])
    rel = {(r["group"], r["scale"]): r["k"] for r in out["reliability"]}
    # with the column, foster homes' conflict scale counts its own item; without, it does not
    with_it = json.loads(run("invariance", str(fh), "-i", RQ, "-g", "sector", "--format",
                             "json").stdout)
    rel_with = {(r["group"], r["scale"]): r["k"] for r in with_it["reliability"]}
    assert rel_with[("foster_homes", "conflict")] == rel[("foster_homes", "conflict")] + 1
    assert with_it["scalar"]["chisq"] == pytest.approx(out["scalar"]["chisq"], rel=1e-12)
    # a shared item is still required
    def drop_shared(rows: list[list[str]]) -> list[list[str]]:
        j = rows[0].index("rq05")
        return [r[:j] + r[j + 1:] for r in rows]

    line = _one_error(run("invariance", str(_edit(fh, tmp_path / "no_rq05.csv", drop_shared)),
                          "-i", RQ, "-g", "sector"))
    assert "no_rq05.csv" in line and "rq05" in line


def _set(rows: list[list[str]], sector: str, column: str, value: str, count: int
         ) -> list[list[str]]:
    j, done = rows[0].index(column), 0
    for r in rows[1:]:
        if r[1] == sector and done < count:
            r[j] = value
            done += 1
    return rows


def test_does_not_apply_is_missing_on_its_own_sectors_rows(fh: Path, tmp_path: Path) -> None:
    # foster homes' scale has 9 = "does not apply"; education's has not
    assert adapt(RQ, "foster_homes", None, "en").scale.not_applicable.value == 9
    assert adapt(RQ, "education", None, "en").scale.not_applicable is None
    nine = _edit(fh, tmp_path / "nine.csv", lambda rows: _set(rows, "foster_homes", "rq05",
                                                              "9", 30))
    result = run("invariance", str(nine), "-i", RQ, "-g", "sector", "--format", "json",
                 "--missing", "listwise")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    plain = json.loads(run("invariance", str(fh), "-i", RQ, "-g", "sector", "--format", "json",
                           "--missing", "listwise").stdout)
    # the 30 rows with 9 lose that answer: as missing, they leave listwise deletion
    assert out["n_excluded"]["foster_homes"] > plain["n_excluded"]["foster_homes"]
    assert out["n_excluded"]["education"] == plain["n_excluded"]["education"]
    assert out["item_means"]["foster_homes"]["rq05"] < 6
    # on an education row 9 is no answer (its scale has no "does not apply")
    bad = _edit(fh, tmp_path / "nine_edu.csv", lambda rows: _set(rows, "education", "rq05",
                                                                 "9", 1))
    line = _one_error(run("invariance", str(bad), "-i", RQ, "-g", "sector"))
    assert "nine_edu.csv" in line and "rq05" in line and "'9'" in line and "row 2" in line


def test_groups_on_different_scales_get_one_message(tmp_path: Path) -> None:
    path = tmp_path / "rqc.csv"
    write_sectors(path, ["education", "disability_care", "youth_care"], 60,
                  instrument="relationship_quality_client")
    line = _one_error(run("invariance", str(path), "-i", "relationship_quality_client",
                          "-g", "sector"))
    assert "different response scales" in line
    for scale in ("education: 4 points", "disability_care: 3 points", "youth_care: 5 points"):
        assert scale in line
    assert "not an answer" not in line


def _recoded_twice(tmp_path: Path) -> tuple[Path, list[str]]:
    """Education answers where the reverse-keyed items are stored already recoded."""
    adapted = adapt(RQ, "education", None, "en")
    rev = [it.id for it in adapted.items if it.keying == "-"]
    path = tmp_path / "edu.csv"
    write_sectors(path, ["education"], 500)

    def recode(rows: list[list[str]]) -> list[list[str]]:
        for it in rev:
            j = rows[0].index(it)
            for r in rows[1:]:
                r[j] = str(6 - int(r[j])) if r[j] else ""
        return rows

    return _edit(path, tmp_path / "recoded.csv", recode), rev


def test_reliability_and_cfa_say_reversed_twice(tmp_path: Path) -> None:
    path, rev = _recoded_twice(tmp_path)
    assert rev
    result = run("reliability", str(path), "-i", RQ, "-s", "education", "--format", "json")
    assert result.exit_code == 0, result.stderr
    warned = [w for s in json.loads(result.stdout)["scales"] for w in s["warnings"]]
    twice = [w for w in warned if "already recoded?" in w]
    assert twice and all(any(it in w for it in rev) for w in twice)
    assert "already recoded?" in result.stderr
    cfa = run("cfa", str(path), "-i", RQ, "--format", "json")
    assert cfa.exit_code == 0, cfa.stderr
    warnings = json.loads(cfa.stdout)["warnings"]
    negative = [w for w in warnings if "loads negatively" in w]
    assert negative and all("already recoded in the file?" in w for w in negative)
    assert not any("recode reverse-keyed items first" in w for w in warnings)
    assert "already recoded in the file?" in cfa.stderr


def test_scale_min_and_max_are_checked_against_the_data(tmp_path: Path) -> None:
    path = tmp_path / "four.csv"
    rng = np.random.default_rng(3)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["a", "b", "c"])
        for _ in range(50):
            w.writerow(rng.integers(1, 5, size=3).tolist())
        w.writerow([4, 4, 4])
    args = ["reliability", str(path), "--items", "a,b,c", "--reverse", "c", "--scale-min", "1"]
    line = _one_error(run(*args, "--scale-max", "3"))
    assert "four.csv" in line and "row " in line and "column " in line
    assert "4 is outside the scale given" in line and "--scale-max 3" in line
    assert run(*args, "--scale-max", "4").exit_code == 0


def test_outputs_show_the_method_and_every_warning(fh: Path, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "inv.xlsx"
    listwise = ("--missing", "listwise")  # respondents left out: warnings to show
    result = run("invariance", str(fh), "-i", RQ, "-g", "sector", "--format", "xlsx", "-o",
                 str(target), "--criterion", "lrt", *listwise)
    assert result.exit_code == 0, result.stderr
    out = json.loads(run("invariance", str(fh), "-i", RQ, "-g", "sector", "--format", "json",
                         "--criterion", "lrt", *listwise).stdout)
    cells = [c.value for row in openpyxl.load_workbook(target).worksheets[0].iter_rows()
             for c in row if c.value is not None]
    assert {"Method", "Estimator", "Missing data", "Clustering", "Identification",
            "Criterion"} <= set(cells)
    assert out["estimator"] in cells and out["missing"] in cells and "lrt" in cells
    assert out["estimator_note"] in cells
    assert out["warnings"], "the simulated groups are small: at least one warning"
    for warning in out["warnings"]:
        assert f"Warning: {warning}" in cells
    assert (out["criterion"], out["cluster"], out["identification"]) == ("lrt", None, "std.lv")
    report = tmp_path / "report.md"
    done = run("report", "adaptation", RQ, "--sector", "foster_homes", "--data", str(fh),
               "-o", str(report), *listwise)
    assert done.exit_code == 0, done.stderr
    text = report.read_text(encoding="utf-8")
    for heading in ("### Method", "| Estimator |", "| Missing data |", "| Clustering |"):
        assert heading in text
    assert "Warning: " in text


def test_unavailable_estimator_is_one_line(fh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relscale.analysis import estimators

    monkeypatch.setitem(estimators.BACKENDS, "wlsmv", None)
    line = _one_error(run("invariance", str(fh), "-i", RQ, "-g", "sector", "--estimator",
                          "wlsmv"))
    assert "'wlsmv' is not available" in line
    line = _one_error(run("invariance", str(fh), "-i", RQ, "-g", "sector", "--criterion",
                          "cfi"))
    assert "--criterion 'cfi'" in line and "chen, lrt, both" in line


def test_nested_data_are_named_once_and_cluster_gives_mlr(tmp_path: Path) -> None:
    path = tmp_path / "edu.csv"
    write_sectors(path, ["education"], 400)

    def teachers(rows: list[list[str]]) -> list[list[str]]:
        for i, r in enumerate(rows[1:]):
            r[0] = f"teacher{i // 20:02d}"  # a teacher rates 20 children
        return rows

    nested = _edit(path, tmp_path / "nested.csv", teachers)
    result = run("cfa", str(nested), "-i", RQ, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    hints = [w for w in out["warnings"] if "look nested" in w]
    assert len(hints) == 1 and "--cluster respondent_code" in hints[0]
    assert result.stderr.count("look nested") == 1
    clustered = run("cfa", str(nested), "-i", RQ, "--format", "json", "--cluster",
                    "respondent_code")
    assert clustered.exit_code == 0, clustered.stderr
    out = json.loads(clustered.stdout)
    assert (out["estimator"], out["cluster"], out["n_clusters"]) == ("mlr", "respondent_code", 20)
    assert not any("look nested" in w for w in out["warnings"])
    assert out["fit"]["chisq_scaled"] is not None
    # unique codes: not nested, no hint
    plain = json.loads(run("cfa", str(path), "-i", RQ, "--format", "json").stdout)
    assert not any("look nested" in w for w in plain["warnings"])
    line = _one_error(run("cfa", str(nested), "-i", RQ, "--cluster", "teacher"))
    assert "no column 'teacher' for --cluster" in line


def test_a_file_grouped_by_sector_is_read_once(
    fh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 26: the group column and every group's items come from one read of the file;
    a column of another sector's wording that no group here answered is read along, and a
    cell in it that is not a number changes nothing (the file is then read as before)."""
    import relscale.io.tables as tables

    reads: list[tuple[str, ...]] = []
    real = tables.read_columns

    def counted(path: Any, columns: Any, *args: Any, **kw: Any) -> Any:
        reads.append(tuple(columns))
        return real(path, columns, *args, **kw)

    monkeypatch.setattr(tables, "read_columns", counted)
    base = run("invariance", str(fh), "-i", RQ, "-g", "sector", "--format", "json")
    assert base.exit_code == 0, base.stderr
    assert len(reads) == 1, reads

    yc_only = sorted(set(adapt(RQ, "youth_care").item_ids) - set(adapt(RQ, "education").item_ids)
                     - set(adapt(RQ, "foster_homes").item_ids))
    assert yc_only, "youth care words an item its own way"

    def add(value: str) -> Any:
        def edit(rows: list[list[str]]) -> list[list[str]]:
            return [[*rows[0], yc_only[0]], *[[*r, value] for r in rows[1:]]]
        return edit

    # with the odd cell: the one read stops at it, then the group column and the groups'
    # own items are read as before
    for value, reads_expected in (("3", 1), ("not a number", 3)):
        reads.clear()
        other = _edit(fh, tmp_path / "other.csv", add(value))
        result = run("invariance", str(other), "-i", RQ, "-g", "sector", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert len(reads) == reads_expected, reads
        mine, theirs = json.loads(result.stdout), json.loads(base.stdout)
        assert mine["items"] == theirs["items"]
        assert mine["scalar"]["chisq"] == pytest.approx(theirs["scalar"]["chisq"], rel=1e-12)

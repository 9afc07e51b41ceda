"""``--collapse`` on cfa / invariance / report adaptation, and the one listwise warning.

The reference for a merge is the same analysis on a file where the answers were merged
by hand: ``--collapse item=a:b`` must give exactly the fit of that file (the values as the
respondents gave them, also for a reverse-keyed item), and ``--collapse auto`` must find
the merge the error message names.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from equivalence_data import write_sectors

from helpers import runner
from relscale.cli.main import app
from relscale.equivalence_collapse import parse_collapse

RQC = "relationship_quality_client"
DC = ["-i", RQC, "-s", "disability_care"]


def run(*args: str) -> Any:
    return runner().invoke(app, list(args))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _recode(rows: list[list[str]], column: str, old: str, new: str,
            where: tuple[str, str] | None = None) -> list[list[str]]:
    j = rows[0].index(column)
    k = rows[0].index(where[0]) if where else None
    out = [rows[0]]
    for r in rows[1:]:
        r = list(r)
        if r[j] == old and (where is None or r[k] == where[1]):  # type: ignore[index]
            r[j] = new
        out.append(r)
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Disability-care clients (three points, reverse-keyed dc_rqc_b01) at two sites; at
    site B nobody ticked 1 on dc_rqc_b01 (3 once it is reverse keyed)."""
    from relscale import adapt
    from relscale.scoring.simulate import simulate, write_sample

    tmp = tmp_path_factory.mktemp("collapse")
    plain = tmp / "plain.csv"
    write_sample(simulate(adapt(RQC, "disability_care", "client", "en"), 800, 5), plain)
    rows = _rows(plain)
    rows = [[*rows[0], "site"]] + [[*r, "A" if i % 2 else "B"] for i, r in enumerate(rows[1:])]
    sparse = _write(tmp / "sparse.csv", _recode(rows, "dc_rqc_b01", "1", "2", ("site", "B")))
    # the same merge by hand, in every group: the reference
    by_hand = _write(tmp / "by_hand.csv", _recode(_rows(sparse), "dc_rqc_b01", "1", "2"))
    return {"sparse": sparse, "by_hand": by_hand}


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_an_unused_answer_names_group_item_answer_and_the_option(sites: dict[str, Path]
                                                                  ) -> None:
    result = run("invariance", str(sites["sparse"]), *DC, "-g", "site")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if "error" in ln]
    # in the answers as given: the item is reverse keyed, the analysis sees 3
    assert "sparse.csv" in line and "group 'B'" in line
    assert "nobody answered 1 on item 'dc_rqc_b01'" in line
    assert "--collapse dc_rqc_b01=1:2" in line and "--collapse auto" in line


def test_collapse_equals_the_merge_by_hand(sites: dict[str, Path]) -> None:
    reference = _json(run("invariance", str(sites["by_hand"]), *DC, "-g", "site", "--format",
                          "json"))
    asked = run("invariance", str(sites["sparse"]), *DC, "-g", "site", "--collapse",
                "dc_rqc_b01=1:2", "--format", "json")
    out = _json(asked)
    assert "answers merged: dc_rqc_b01: 1 → 2 (as asked)" in asked.stderr
    assert out["collapsed"] == [{"item": "dc_rqc_b01", "answer": 1.0, "into": 2.0,
                                 "reason": "as asked"}]
    assert reference["collapsed"] == [] and out["estimator"] == "wlsmv"
    for level in ("configural", "metric", "scalar"):
        for key in ("chisq", "chisq_scaled", "cfi_scaled", "rmsea_scaled", "srmr"):
            assert out[level][key] == pytest.approx(reference[level][key], rel=1e-10)
        assert out[level]["df"] == reference[level]["df"]
    assert out["level"] == reference["level"]
    # item means and DIF use the answers as given (the merge is for the models only)
    assert out["item_means"]["B"]["dc_rqc_b01"] == reference["item_means"]["B"]["dc_rqc_b01"]
    assert out["item_means"]["A"]["dc_rqc_b01"] != reference["item_means"]["A"]["dc_rqc_b01"]


def test_collapse_auto_finds_the_merge_and_says_why(sites: dict[str, Path]) -> None:
    auto = run("invariance", str(sites["sparse"]), *DC, "-g", "site", "--collapse", "auto",
               "--format", "json")
    out = _json(auto)
    assert out["collapsed"] == [{"item": "dc_rqc_b01", "answer": 1.0, "into": 2.0,
                                 "reason": "nobody in group 'B' answered 1"}]
    asked = _json(run("invariance", str(sites["sparse"]), *DC, "-g", "site", "--collapse",
                      "dc_rqc_b01=1:2", "--format", "json"))
    assert out["scalar"]["chisq_scaled"] == pytest.approx(asked["scalar"]["chisq_scaled"],
                                                          rel=1e-12)
    # auto merges only for the ordinal estimator: ML treats answers as numbers
    ml = _json(run("invariance", str(sites["sparse"]), *DC, "-g", "site", "--collapse", "auto",
                   "--estimator", "ml", "--format", "json"))
    assert ml["collapsed"] == [] and ml["estimator"] == "ml"


def test_cfa_and_the_report_take_collapse_too(sites: dict[str, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    reference = _json(run("cfa", str(sites["by_hand"]), *DC, "--format", "json"))
    out = _json(run("cfa", str(sites["sparse"]), *DC, "--collapse", "dc_rqc_b01=1:2",
                    "--format", "json"))
    assert out["fit"]["chisq"] == pytest.approx(reference["fit"]["chisq"], rel=1e-10)
    report = tmp_path / "report.xlsx"
    result = run("report", "adaptation", RQC, "-s", "disability_care", "--data",
                 str(sites["sparse"]), "-g", "site", "--collapse", "auto", "-o", str(report))
    assert result.exit_code == 0, result.stderr
    cells = [str(c.value) for ws in load_workbook(report).worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("Answers merged" in c for c in cells)
    assert "dc_rqc_b01: 1 → 2" in cells


@pytest.mark.parametrize(("text", "message"), [
    ("rqc05", "expected item=answer:answer"),
    ("rqc05=4", "expected item=answer:answer"),
    ("rqc05=4:4", "expected item=answer:answer"),
    ("rqc05=a:3", "expected item=answer:answer"),
    ("rqc05=4:3,rqc05=4:2", "answer 4 of rqc05 is merged twice"),
])
def test_malformed_collapse_is_one_line(text: str, message: str) -> None:
    result = run("cfa", "README.md", *DC, "--collapse", text)
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_collapse_of_an_unknown_item_or_answer(sites: dict[str, Path]) -> None:
    result = run("cfa", str(sites["sparse"]), *DC, "--collapse", "rq99=1:2")
    assert result.exit_code == 1 and "'rq99' is not an item of the model" in result.stderr
    result = run("cfa", str(sites["sparse"]), *DC, "--collapse", "rqc05=4:3")
    assert result.exit_code == 1
    assert "4 is not an answer on the scale (1-3)" in result.stderr


def test_parse() -> None:
    assert parse_collapse(None) is None and parse_collapse(" AUTO ") == "auto"
    assert parse_collapse("a=1:2, b=5:4,a=3:2") == {"a": {1.0: 2.0, 3.0: 2.0}, "b": {5.0: 4.0}}


# --- one listwise warning ----------------------------------------------------------------


def test_listwise_deletion_is_one_warning_with_every_groups_counts(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    write_sectors(path, ["education", "youth_care"], 300)  # 2% of answers empty
    result = run("invariance", str(path), "-i", "relationship_quality", "-g", "sector",
                 "--estimator", "ml", "--missing", "listwise", "--format", "json")
    out = _json(result)
    lines = [w for w in out["warnings"] if "left out" in w or "listwise" in w]
    assert len(lines) == 1, out["warnings"]
    (line,) = lines
    assert line.startswith("listwise deletion left out more than 10% of the respondents (")
    for group in ("education", "youth_care"):
        n, read = out["groups"][group], out["n_read"][group]
        left = read - n
        assert left == out["n_excluded"][group] > 0
        assert f"group {group!r}: {left} of {read} ({left / read:.0%})" in line
    assert line.endswith("--missing fiml (full-information ML) uses every answer given")
    printed = [ln for ln in result.stderr.splitlines() if "listwise" in ln]
    assert len(printed) == 1 and "warning" in printed[0]


def test_ordinal_listwise_warning_names_pairwise(tmp_path: Path) -> None:
    path = tmp_path / "rqc.csv"
    write_sectors(path, ["education", "foster_homes"], 300, instrument=RQC)
    out = _json(run("invariance", str(path), "-i", RQC, "-g", "sector", "--missing",
                    "listwise", "--format", "json"))
    assert out["estimator"] == "wlsmv"
    (line,) = [w for w in out["warnings"] if "left out" in w or "listwise" in w]
    assert "group 'education': " in line and "group 'foster_homes': " in line
    assert line.endswith("--missing pairwise uses every answer given")


def test_listwise_checks_the_respondents_the_model_uses(sites: dict[str, Path],
                                                        tmp_path: Path) -> None:
    """At site B one respondent ticked 1 on dc_rqc_b01 but skipped rqc02: pairwise uses the
    answer, listwise leaves the respondent out and with it the answer."""
    rows = _rows(sites["sparse"])
    head = rows[0]
    b = next(i for i, r in enumerate(rows) if r[head.index("site")] == "B")
    rows[b][head.index("dc_rqc_b01")] = "1"
    rows[b][head.index("rqc02")] = ""
    path = _write(tmp_path / "one.csv", rows)
    pairwise = run("invariance", str(path), *DC, "-g", "site", "--missing", "pairwise",
                   "--format", "json")
    assert pairwise.exit_code == 0, pairwise.stderr
    listwise = run("invariance", str(path), *DC, "-g", "site", "--missing", "listwise")
    assert listwise.exit_code == 1
    assert "group 'B': nobody answered 1 on item 'dc_rqc_b01'" in listwise.stderr
    assert "--collapse dc_rqc_b01=1:2" in listwise.stderr

"""``relscale cfa`` and ``relscale invariance`` end to end: the JSON against lavaan's
reference and against the analysis functions called directly on the same matrices,
sector groups with dropped and added items, and one-line errors for degenerate data."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from analysis_data import load_csv, reference
from equivalence_data import write_sectors

from helpers import runner
from relscale.adapt import adapt
from relscale.analysis import dif, fit_cfa, recode, test_invariance
from relscale.cli.main import app
from relscale.reliability.classical import scale_reliability

RQ = "relationship_quality"


def run(*args: str) -> Any:
    return runner().invoke(app, list(args))


def recoded(adapted: Any, values: np.ndarray) -> np.ndarray:
    return recode(values, [it.keying == "-" for it in adapted.items], adapted.scale.min,
                  adapted.scale.max)


# --- cfa --------------------------------------------------------------------------------

# cfa12_weak (lavaan reference) has 3 factors x 4 items: the working-alliance slots
# (bond, goals, tasks) in instrument order; wap15 and wap14 (the reverse-keyed tasks and
# goals slots, wap06 and wap08 before item bank 0.3) are reverse-keyed, so the
# file stores them reversed and the CLI's recoding gives back the reference data.
WA_MAP = {"w01": "wap01", "w02": "wap04", "w03": "wap07", "w04": "wap10",
          "w05": "wap02", "w06": "wap05", "w07": "wap14", "w08": "wap13",
          "w09": "wap03", "w10": "wap15", "w11": "wap09", "w12": "wap12"}
REVERSED = {"wap15", "wap14"}


def test_cfa_json_matches_lavaan_reference(tmp_path: Path) -> None:
    items, _groups, x = load_csv("cfa12_weak")
    path = tmp_path / "wa.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([WA_MAP[it] for it in items])
        for row in x.tolist():
            w.writerow(["" if math.isnan(v) else int(6 - v if WA_MAP[it] in REVERSED else v)
                        for it, v in zip(items, row, strict=True)])
    result = run("cfa", str(path), "--instrument", "working_alliance", "-p", "professional",
                 "--format", "json", "--missing", "listwise")  # the reference is listwise
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    ref = reference("cfa12_weak.cfa.lavaan.json")["cfa"]
    assert (out["instrument"], out["sector"], out["perspective"]) == (
        "working_alliance", "education", "professional")
    assert out["n"] == ref["nobs"] == 433 and out["n_read"] == 500
    assert out["fit"]["df"] == ref["fit"]["df"]
    assert out["fit"]["chisq"] == pytest.approx(ref["fit"]["chisq"], rel=1e-6)
    for key in ("cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr"):
        assert out["fit"][key] == pytest.approx(ref["fit"][key], abs=1e-6), key
    loadings = {ld["item"]: ld for ld in out["loadings"]}
    for r in ref["loadings"]:
        mine = loadings[WA_MAP[r["item"]]]
        assert mine["std"] == pytest.approx(r["est_std"], abs=1e-5), r["item"]
        assert mine["std_se"] == pytest.approx(r["se_std"], abs=1e-5), r["item"]
    assert len(out["factor_correlations"]) == len(ref["factor_correlations"]) == 3
    for mine, r in zip(out["factor_correlations"], ref["factor_correlations"], strict=True):
        assert mine["estimate"] == pytest.approx(r["est_std"], abs=1e-5)


def test_cfa_json_is_fit_cfa_on_the_recoded_matrix(tmp_path: Path) -> None:
    path = tmp_path / "fh.csv"
    samples = write_sectors(path, ["foster_homes"], 600)
    result = run("cfa", str(path), "-i", RQ, "--sector", "foster_homes", "--format", "json",
                 "--missing", "listwise")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    adapted = adapt(RQ, "foster_homes", None, "en")
    direct = fit_cfa(recoded(adapted, samples["foster_homes"].values), list(adapted.item_ids),
                     {it.id: it.dimension for it in adapted.items}).to_dict()
    assert "fh_rq_a01" in out["items"] and out["n_read"] == 600
    assert out["n"] == direct["n"] and out["n_excluded"] == direct["n_excluded"]
    assert out["fit"].pop("estimator") == direct["fit"].pop("estimator") == "ml"
    assert out["fit"] == pytest.approx(direct["fit"], rel=1e-12)
    assert (out["estimator"], out["missing"], out["cluster"]) == ("ml", "listwise", None)
    assert [ld["std"] for ld in out["loadings"]] == pytest.approx(
        [ld["std"] for ld in direct["loadings"]], rel=1e-12)


def test_cfa_table_and_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "edu.csv"
    write_sectors(path, ["education"], 400)
    table = run("cfa", str(path), "-i", RQ)
    assert table.exit_code == 0, table.stderr
    for text in ("CFI", "RMSEA", "SRMR", "rq01", "closeness", "conflict"):
        assert text in table.stdout
    assert "nan" not in table.stdout.lower()
    target = tmp_path / "cfa.xlsx"
    written = run("cfa", str(path), "-i", RQ, "--format", "xlsx", "-o", str(target))
    assert written.exit_code == 0, written.stderr
    import openpyxl

    ws = openpyxl.load_workbook(target).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "rq21" in values and "CFI" in values
    # the format follows the file's suffix when none is given: a workbook, JSON, Markdown
    by_suffix = tmp_path / "by_suffix.xlsx"
    assert run("cfa", str(path), "-i", RQ, "-o", str(by_suffix)).exit_code == 0
    assert openpyxl.load_workbook(by_suffix).worksheets[0].max_row > 5
    as_json = tmp_path / "cfa.json"
    assert run("cfa", str(path), "-i", RQ, "-o", str(as_json)).exit_code == 0
    assert "cfi" in json.dumps(json.loads(as_json.read_text(encoding="utf-8"))).lower()
    as_md = tmp_path / "cfa.md"
    assert run("cfa", str(path), "-i", RQ, "-o", str(as_md)).exit_code == 0
    assert as_md.read_text(encoding="utf-8").startswith("# CFA")
    # text into a workbook's name is refused, in one line, and nothing is written
    wrong = tmp_path / "wrong.xlsx"
    refused = run("cfa", str(path), "-i", RQ, "--format", "table", "-o", str(wrong))
    assert refused.exit_code == 1 and not wrong.exists()
    assert refused.stderr.strip().splitlines()[-1].endswith(
        "--format table writes text, not a workbook: use --format xlsx, or another file name")
    assert "Traceback" not in refused.stderr


# --- invariance -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_sectors(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("inv") / "two.csv"
    return path, write_sectors(path, ["education", "youth_care"], 450)


@pytest.fixture(scope="module")
def invariance_json(two_sectors: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    result = run("invariance", str(two_sectors[0]), "-i", RQ, "--group-by", "sector",
                 "--format", "json", "--missing", "listwise")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_invariance_json_keys_and_left_out_items(invariance_json: dict[str, Any]) -> None:
    out = invariance_json
    for level in ("configural", "metric", "scalar"):
        assert {"chisq", "df", "cfi", "rmsea", "srmr"} <= set(out[level])
    assert out["configural"]["df"] < out["metric"]["df"] < out["scalar"]["df"]
    assert out["groups_are_sectors"] is True
    assert out["left_out"] == {"education": ["rq13"], "youth_care": ["yc_rq_a01"]}
    assert "rq13" not in out["items"] and "yc_rq_a01" not in out["items"]
    assert len(out["items"]) == 20
    tests = out["score_tests"]
    assert tests and {"item", "parameter", "x2"} <= set(tests[0])
    assert [t["x2"] for t in tests] == sorted((t["x2"] for t in tests), reverse=True)
    assert out["decision"] and out["level"]


def test_invariance_matches_the_analysis_called_directly(
    two_sectors: tuple[Path, dict[str, Any]], invariance_json: dict[str, Any]
) -> None:
    _path, samples = two_sectors
    out = invariance_json
    items = out["items"]
    data, own = {}, {}
    for s, smp in samples.items():
        adapted = adapt(RQ, s, None, "en")
        x = recoded(adapted, smp.values)
        own[s] = (adapted, x)
        data[s] = x[:, [list(adapted.item_ids).index(it) for it in items]]
    factors = {it.id: it.dimension for it in own["education"][0].items if it.id in items}
    direct = test_invariance(data, items, factors).to_dict()
    for level in ("configural", "metric", "scalar"):
        assert out[level]["chisq"] == pytest.approx(direct[level]["chisq"], rel=1e-10)
    assert out["level"] == direct["level"]
    # reliability: each group's own items of each scale
    rel = {(r["group"], r["scale"]): r for r in out["reliability"]}
    for s, (adapted, x) in own.items():
        for dim in adapted.dimensions:
            cols = [j for j, it in enumerate(adapted.items) if it.dimension == dim.id]
            expected = scale_reliability(x[:, cols], [adapted.items[j].id for j in cols])
            assert rel[(s, dim.id)]["alpha"] == pytest.approx(expected.alpha, rel=1e-12)
            assert rel[(s, dim.id)]["omega"] == pytest.approx(expected.omega, rel=1e-12)
            assert rel[(s, dim.id)]["k"] == len(cols)
    # youth care dropped rq13 and added yc_rq_a01, both dependency: still 5 items there
    assert rel[("youth_care", "dependency")]["k"] == rel[("education", "dependency")]["k"] == 5
    # item means and DIF per scale
    assert out["item_means"]["youth_care"]["rq01"] == pytest.approx(
        float(np.nanmean(data["youth_care"][:, 0])))
    conflict = [it for it in items if factors[it] == "conflict"]
    cols = [items.index(it) for it in conflict]
    expected_dif = dif({g: x[:, cols] for g, x in data.items()}, conflict)
    assert out["dif"]["conflict"]["flagged"] == expected_dif.flagged
    assert out["dif_flagged"] == [it for res in out["dif"].values() for it in res["flagged"]]


def test_invariance_no_dif_leaves_out_dif_only(
    two_sectors: tuple[Path, dict[str, Any]], invariance_json: dict[str, Any]
) -> None:
    result = run("invariance", str(two_sectors[0]), "-i", RQ, "--group-by", "sector",
                 "--format", "json", "--missing", "listwise", "--no-dif")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert invariance_json["dif"] and out["dif"] is None and out["dif_flagged"] is None
    same = {k: v for k, v in out.items() if k not in ("dif", "dif_flagged", "notes")}
    assert same == {k: invariance_json[k] for k in same}
    assert set(same) | {"dif", "dif_flagged", "notes"} == set(invariance_json)
    table = run("invariance", str(two_sectors[0]), "-i", RQ, "--group-by", "sector",
                "--missing", "listwise", "--no-dif")
    assert table.exit_code == 0, table.stderr
    assert "Item means per group" in table.stdout
    assert "Ordinal DIF per item" not in table.stdout
    assert "Ordinal DIF was not run (--no-dif)." in table.stdout
    with_dif = run("invariance", str(two_sectors[0]), "-i", RQ, "--group-by", "sector",
                   "--missing", "listwise")
    assert "Ordinal DIF per item" in with_dif.stdout and "was not run" not in with_dif.stdout


def test_invariance_table_names_the_evidence(two_sectors: tuple[Path, dict[str, Any]]) -> None:
    result = run("invariance", str(two_sectors[0]), "-i", RQ, "--group-by", "sector")
    assert result.exit_code == 0, result.stderr
    for text in ("configural", "scalar", "rq13", "yc_rq_a01", "alpha", "omega", "Flagged"):
        assert text in result.stdout
    assert "nan" not in result.stdout.lower()


def test_invariance_with_a_category_unused_in_one_group(tmp_path: Path) -> None:
    def no_fives(samples: dict[str, Any]) -> None:
        v = samples["youth_care"].values
        j = list(samples["youth_care"].items).index("rq02")
        v[:, j] = np.where(v[:, j] == 5, 4, v[:, j])

    path = tmp_path / "unused.csv"
    write_sectors(path, ["education", "youth_care"], 400, edit=no_fives)
    result = run("invariance", str(path), "-i", RQ, "-g", "sector", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "NaN" not in result.stdout
    out = json.loads(result.stdout)
    assert any("'rq02'" in n and "merged" in n for n in out["notes"])


# --- degenerate data --------------------------------------------------------------------


def _rows(path: Path, keep: Any) -> Path:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    target = path.with_name("edited.csv")
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], *[r for i, r in enumerate(rows[1:]) if keep(i, r)]])
    return target


def _constant(path: Path, column: str, sector: str) -> Path:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    j = rows[0].index(column)
    for r in rows[1:]:
        if r[1] == sector:
            r[j] = "3"
    target = path.with_name("constant.csv")
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return target


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("few", ["edited.csv", "respondent"]),
        ("constant_cfa", ["constant.csv", "'rq05'", "no variance"]),
        ("constant_group", ["constant.csv", "group 'youth_care'", "'rq05'"]),
        ("no_column", ["two.csv", "'gender'"]),
        ("item_column", ["two.csv", "'rq01'", "item column"]),
        ("one_group", ["edited.csv", "'sector'", "only 'education'"]),
        ("not_converged", ["two.csv", "did not converge"]),
    ],
)
def test_degenerate_data_is_one_line_and_exit_1(
    case: str, expected: list[str], two_sectors: tuple[Path, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = two_sectors[0]
    base = ["-i", RQ, "--missing", "listwise"]  # the cases are about complete respondents
    if case == "few":
        args = ["cfa", str(_rows(path, lambda i, r: i < 15)), *base]
    elif case == "constant_cfa":
        args = ["cfa", str(_constant(path, "rq05", "education")), *base]
    elif case == "constant_group":
        args = ["invariance", str(_constant(path, "rq05", "youth_care")), *base, "-g", "sector"]
    elif case == "no_column":
        args = ["invariance", str(path), *base, "--group-by", "gender"]
    elif case == "item_column":
        args = ["invariance", str(path), *base, "--group-by", "rq01"]
    elif case == "one_group":
        args = ["invariance", str(_rows(path, lambda i, r: r[1] == "education")), *base,
                "-g", "sector"]
    else:
        import relscale.analysis.cfa as cfa_module

        monkeypatch.setattr(cfa_module, "fit_cfa",
                            lambda *a, **k: fit_cfa(*a, **{**k, "max_iter": 2}))
        args = ["cfa", str(path), *base]
    result = run(*args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("relscale: error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr and "nan" not in result.stderr.lower()
    assert result.stdout == ""
    for text in expected:
        assert text in errors[0], errors[0]

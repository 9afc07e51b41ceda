"""Ordinal alpha and categorical omega in ``relscale reliability``, against psych, lavaan
and semTools.

tests/data/reliability/ordinal_dc.{csv,json} come from
tests/reference/ordinal_reliability_reference.R: a three-point file shaped as the
disability-care client form (19 items, 3 scales, one reverse-keyed item per scale, 5%
missing), per scale ordinal alpha (``psych::alpha(polychoric(x)$rho)``), categorical omega
(``semTools::compRelSEM(fit, ord.scale = TRUE)`` on lavaan's one-factor WLSMV fit), the
bootstrap SE of omega (300 replicates) and psych::alpha's intervals (pairwise).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import runner
from relscale.cli.main import app
from relscale.reliability.classical import scale_reliability
from relscale.reliability.ordinal import decide, points_of

DATA = Path(__file__).parent / "data" / "reliability"
REF = json.loads((DATA / "ordinal_dc.json").read_text(encoding="utf-8"))
CSV = DATA / "ordinal_dc.csv"
INSTRUMENT = ["-i", "relationship_quality_client", "-s", "disability_care"]
SCALES = ("closeness", "conflict", "negative_expectations")


def run(*args: str) -> tuple[dict, str]:
    result = runner().invoke(app, ["reliability", *args, "--format", "json"])
    assert result.exit_code == 0, (result.output, result.stderr)
    return json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_instrument_with_three_points_matches_psych_and_semtools(missing: str) -> None:
    out, err = run(str(CSV), *INSTRUMENT, "--missing", missing)
    # automatic: the disability-care client form answers on three points
    assert "ordinal alpha and categorical omega added: the response scale has 3 points" in err
    assert out["ordinal_note"] in err
    assert [s["scale"] for s in out["scales"]] == list(SCALES)
    for scale in out["scales"]:
        ref = REF[scale["scale"]]
        assert [i["item"] for i in scale["items"]] == ref["items"]
        o, r = scale["ordinal"], ref[missing]
        assert o["missing"] == missing and o["n"] == r["n"]
        # psych's polychoric correlations differ from lavaan's in the 6th decimal
        assert o["ordinal_alpha"] == pytest.approx(r["ordinal_alpha"], abs=1e-4)
        assert o["categorical_omega"] == pytest.approx(r["categorical_omega"], abs=1e-6)
        low, high = o["omega_ci"]
        assert low < o["categorical_omega"] < high
        assert (high - low) / 2 == pytest.approx(1.959964 * o["omega_se"], rel=1e-5)
        # ordinal alpha above alpha on the numbers, as three points understate it
        assert o["ordinal_alpha"] > scale["alpha"] + 0.03


def test_omega_standard_error_agrees_with_lavaan_bootstrap() -> None:
    out, _ = run(str(CSV), *INSTRUMENT)
    for scale in out["scales"]:
        boot = REF[scale["scale"]]["listwise"]["bootstrap"]
        assert boot["R"] == 300
        # delta method against 300 bootstrap replicates (Monte Carlo error about 4%)
        assert scale["ordinal"]["omega_se"] == pytest.approx(boot["se"], rel=0.15)


def test_pairwise_alpha_intervals_on_the_instrument_match_psych() -> None:
    out, _ = run(str(CSV), *INSTRUMENT, "--missing", "pairwise", "--no-ordinal")
    for scale in out["scales"]:
        ref = REF[scale["scale"]]["psych_alpha"]
        assert scale["ordinal"] is None
        # two respondents skipped a whole scale: psych still counts them (nrow(x))
        assert scale["n_ci"] == ref["n_rows"] == 400
        assert scale["alpha"] == pytest.approx(ref["alpha"], abs=1e-9)
        assert scale["ci_feldt"] == pytest.approx(ref["feldt"], abs=1e-6)
        assert scale["ci_duhachek"] == pytest.approx(ref["duhachek"], abs=1e-4)


def test_reverse_keyed_items_are_recoded_before_the_polychorics() -> None:
    """The file holds the answers as ticked: the reverse-keyed item, left as it is, would
    correlate negatively and pull ordinal alpha down."""
    import csv

    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    items = REF["closeness"]["items"]
    cols = [header.index(it) for it in items]
    x = np.array([[row[c] or "nan" for c in cols] for row in rows[1:]], dtype=float)
    flags = [it.startswith("dc_rqc_b") for it in items]
    keyed = scale_reliability(x, items, reverse=flags, scale_min=1, scale_max=3, ordinal=True)
    assert keyed.ordinal is not None
    assert keyed.ordinal.categorical_omega == pytest.approx(
        REF["closeness"]["listwise"]["categorical_omega"], abs=1e-6)
    raw = scale_reliability(x, items, ordinal=True)
    assert raw.ordinal is not None
    assert raw.ordinal.ordinal_alpha < keyed.ordinal.ordinal_alpha - 0.05


def write(path: Path, x: np.ndarray) -> list[str]:
    names = [f"i{j + 1}" for j in range(x.shape[1])]
    lines = ["id," + ",".join(names)]
    lines += [f"r{i}," + ",".join("" if np.isnan(v) else f"{v:g}" for v in row)
              for i, row in enumerate(x)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def likert(points: int, n: int = 300, k: int = 5, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n, 1)) * 0.8 + rng.standard_normal((n, k)) * 0.6
    cuts = np.linspace(-1.2, 1.2, points - 1)
    return 1 + (y[:, :, None] > cuts).sum(axis=2).astype(float)


def test_ad_hoc_scale_decides_from_the_answers_or_the_given_scale(tmp_path: Path) -> None:
    four = tmp_path / "four.csv"
    names = write(four, likert(4))
    out, err = run(str(four), "--items", ",".join(names))
    assert "the items have 4 different answers, fewer than 5" in err
    assert out["scales"][0]["ordinal"]["n"] == 300
    five = tmp_path / "five.csv"
    write(five, likert(5))
    out, err = run(str(five), "--items", ",".join(names))
    assert out["scales"][0]["ordinal"] is None
    assert "items treated as continuous: the items have 5 different answers" in err
    out, err = run(str(five), "--items", ",".join(names), "--ordinal")
    assert "as asked (--ordinal)" in err
    assert 0.5 < out["scales"][0]["ordinal"]["categorical_omega"] < 1
    # the scale's own points count when given: 4-point answers on a declared 1..7 scale
    out, err = run(str(four), "--items", ",".join(names), "--scale-min", "1",
                   "--scale-max", "7")
    assert out["scales"][0]["ordinal"] is None and "has 7 points" in err


def test_decision_rule() -> None:
    assert decide(None, 4, True)[0] and not decide(None, 5, True)[0]
    assert decide(True, 7, True)[0] and not decide(False, 3, True)[0]
    x = np.array([[1, 2], [3, np.nan], [2, 2.0]])
    assert points_of(x, None, None) == (3, False)
    assert points_of(x, 1, 4) == (4, True)
    assert points_of(x, 0.5, 4) == (3, False)  # no whole-number scale: the answers given


def test_a_failed_ordinal_fit_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    # four respondents for four items: alpha is computed, the WLSMV model cannot be
    names = write(path, np.array([[1, 2, 1, 2], [2, 3, 2, 3], [3, 3, 3, 2], [2, 1, 2, 1.0]]))
    result = runner().invoke(app, ["reliability", str(path), "--items", ",".join(names),
                                   "--format", "json"])
    assert result.exit_code == 0, result.stderr
    scale = json.loads(result.stdout)["scales"][0]
    assert scale["alpha"] is not None and scale["ordinal"] is None
    (line,) = [w for w in scale["warnings"] if "no ordinal alpha" in w]
    assert "\n" not in line and line.startswith("scale: ")
    assert "Traceback" not in result.output + result.stderr
    two = tmp_path / "two.csv"
    names = write(two, likert(3, k=2))
    out, _ = run(str(two), "--items", ",".join(names))
    assert out["scales"][0]["ordinal"] is None
    assert any("need at least 3 items" in w for w in out["scales"][0]["warnings"])


def test_table_and_workbook_show_the_ordinal_figures(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = runner().invoke(app, ["reliability", str(CSV), *INSTRUMENT])
    assert result.exit_code == 0
    assert "Ordinal items" in result.stdout and "categorical omega" in result.stdout
    book = tmp_path / "rel.xlsx"
    result = runner().invoke(app, ["reliability", str(CSV), *INSTRUMENT, "--missing",
                                   "pairwise", "-o", str(book)])
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(book).worksheets[0]
    head = [c.value for c in sheet[3]]
    col = {name: head.index(name) + 1 for name in head if name}
    for r, scale in enumerate(SCALES, start=4):
        ref = REF[scale]["pairwise"]
        assert sheet.cell(r, 1).value == scale
        assert sheet.cell(r, col["categorical_omega"]).value == pytest.approx(
            ref["categorical_omega"], abs=1e-6)
        assert sheet.cell(r, col["ordinal_n"]).value == ref["n"]
        assert sheet.cell(r, col["n_ci"]).value == 400
        assert sheet.cell(r, col["omega_ci_low"]).value < sheet.cell(
            r, col["categorical_omega"]).value < sheet.cell(r, col["omega_ci_high"]).value


def test_five_point_scale_never_loads_the_analysis_package(tmp_path: Path) -> None:
    """``reliability`` on a five-point file starts without relscale.analysis (and so
    without scipy.stats); a three-point file loads it for the ordinal figures."""
    five = tmp_path / "five.csv"
    names = write(five, likert(5, n=40))
    three = tmp_path / "three.csv"
    write(three, likert(3, n=300))
    probe = ("import sys, runpy; sys.argv = ['relscale', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('relscale', run_name='__main__')\n"
             "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print('relscale.analysis' in sys.modules, file=sys.stderr)\n")
    for path, loaded in ((five, "False"), (three, "True")):
        done = subprocess.run([sys.executable, "-c", probe, "reliability", str(path),
                               "--items", ",".join(names)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().splitlines()[-1] == loaded

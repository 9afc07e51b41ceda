"""Reliability on degenerate data (items without answers or variance, items keyed the
wrong way, few complete respondents) and alpha's confidence intervals against psych.

tests/data/reliability/psych_alpha.json comes from tests/reference/psych_alpha_reference.R
(psych::alpha's "95% confidence boundaries", Feldt and Duhachek) on the CSV files beside it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import runner
from relscale.cli.main import app
from relscale.errors import DataError
from relscale.reliability.classical import scale_reliability

DATA = Path(__file__).parent / "data" / "reliability"
PSYCH = json.loads((DATA / "psych_alpha.json").read_text(encoding="utf-8"))


def _read(name: str) -> tuple[list[str], np.ndarray]:
    with (DATA / f"{name}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    skip = 1 if rows[0][0] == "id" else 0  # the data set with gaps has an id column
    return rows[0][skip:], np.array([[v or "nan" for v in row[skip:]] for row in rows[1:]],
                                    dtype=float)


@pytest.mark.parametrize("name", sorted(PSYCH))
def test_alpha_confidence_intervals_match_psych(name: str) -> None:
    ref = PSYCH[name]
    items, x = _read(name)
    r = scale_reliability(x, items, missing=ref.get("missing", "listwise"))
    assert r.alpha == pytest.approx(ref["alpha"], abs=1e-9)
    assert r.ci_feldt == pytest.approx(tuple(ref["feldt"]), abs=1e-6)
    # psych uses z = 1.96; relscale the exact normal quantile (1.959964): within 1e-4
    assert r.ci_duhachek == pytest.approx(tuple(ref["duhachek"]), abs=1e-4)
    assert r.ci_feldt[0] < r.alpha < r.ci_feldt[1]


def test_pairwise_intervals_rest_on_every_row_as_psych() -> None:
    """With missing answers psych::alpha (use = "pairwise") computes the covariances pair
    by pair and passes nrow(x) to both intervals, the respondent without any answer
    included; relscale's --missing pairwise does the same, end to end."""
    ref = PSYCH["gaps"]
    items, x = _read("gaps")
    assert np.isnan(x).all(axis=1).sum() == 1 and np.isnan(x).mean() > 0.05
    result = runner().invoke(app, ["reliability", str(DATA / "gaps.csv"), "--items",
                                   ",".join(items), "--missing", "pairwise", "--format",
                                   "json"])
    assert result.exit_code == 0, result.output
    scale = json.loads(result.stdout)["scales"][0]
    assert scale["n_ci"] == ref["n_rows"] == len(x)
    assert scale["n"] < scale["n_total"] < ref["n_rows"]  # smallest pair; anyone answering
    assert scale["alpha"] == pytest.approx(ref["alpha"], abs=1e-9)
    assert scale["alpha_std"] == pytest.approx(ref["alpha_std"], abs=1e-9)
    assert scale["ci_feldt"] == pytest.approx(ref["feldt"], abs=1e-6)
    assert scale["ci_duhachek"] == pytest.approx(ref["duhachek"], abs=1e-4)
    assert [i["r_drop"] for i in scale["items"]] == pytest.approx(ref["r_drop"], abs=1e-9)
    assert [i["alpha_if_deleted"] for i in scale["items"]] == pytest.approx(
        ref["alpha_if_deleted"], abs=1e-9)
    # on the smallest pairwise N (what relscale did before) the interval is wider
    from relscale.reliability.ci import feldt_ci

    narrow = feldt_ci(ref["alpha"], scale["n"], 5)
    assert narrow[0] < ref["feldt"][0] - 1e-3
    # listwise: the complete respondents, for the data and the intervals alike
    lw = scale_reliability(x, items)
    complete = x[~np.isnan(x).any(axis=1)]
    assert lw.n == lw.n_ci == len(complete)
    assert lw.ci_feldt == pytest.approx(feldt_ci(lw.alpha, len(complete), 5))


def _base(n: int = 60, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    return np.clip(np.round(3 + trait[:, None] + rng.normal(size=(n, 4))), 1, 5)


def test_zero_variance_item_is_named_and_left_out() -> None:
    x = _base()
    x[:, 2] = 4
    r = scale_reliability(x, ["a", "b", "c", "d"], scale="closeness")
    assert r.left_out == ("c",) and r.k == 3
    assert [i.item for i in r.items] == ["a", "b", "d"]
    assert any("item c has no variance" in w for w in r.warnings)
    expected = scale_reliability(x[:, [0, 1, 3]], ["a", "b", "d"])
    assert r.alpha == pytest.approx(expected.alpha)


def test_all_empty_item_is_named_and_left_out_not_every_respondent() -> None:
    x = _base()
    x[:, 1] = np.nan
    r = scale_reliability(x, ["a", "b", "c", "d"], scale="conflict")
    assert r.left_out == ("b",) and r.n == 60
    assert any("item b has no answers" in w for w in r.warnings)


def test_too_few_items_left_is_an_error_naming_them() -> None:
    x = _base()
    x[:, 1:] = 2
    with pytest.raises(DataError, match="b, c, d"):
        scale_reliability(x, ["a", "b", "c", "d"])


def test_negative_item_not_keyed_reversed_is_named() -> None:
    x = _base()
    x[:, 3] = 6 - x[:, 3]
    r = scale_reliability(x, ["a", "b", "c", "d"], scale="s")
    assert any(w.startswith("s: d correlate") for w in r.warnings)
    keyed = scale_reliability(x, ["a", "b", "c", "d"], reverse=[False] * 3 + [True],
                              scale_min=1, scale_max=5)
    assert not any("correlate" in w for w in keyed.warnings)


def test_small_listwise_n_is_warned() -> None:
    x = _base(n=100)
    x[8:, 0] = np.nan  # 8 complete of 100
    r = scale_reliability(x, ["a", "b", "c", "d"], scale="s")
    assert r.n == 8
    assert any("8 of 100" in w for w in r.warnings)
    assert not scale_reliability(_base(n=100), ["a", "b", "c", "d"]).warnings


def test_cli_zero_variance_item_warns_without_traceback(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    x = _base()
    x[:, 2] = 3
    lines = ["a,b,c,d"] + [",".join(str(int(v)) for v in row) for row in x]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner().invoke(
        app,
        ["reliability", str(data), "--items", "a,b,c,d", "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    assert "relscale: warning: scale: item c has no variance" in result.stderr
    out = json.loads(result.stdout)
    assert out["scales"][0]["left_out"] == ["c"]
    assert len(out["scales"][0]["ci_feldt"]) == 2


def test_reliability_does_not_import_scipy_stats(tmp_path: Path) -> None:
    """Starting ``relscale reliability`` on a small file took 2.5-3.3 s, most of it importing
    scipy.stats for two quantiles; scipy.special gives the same (checked against psych
    above) without it."""
    import subprocess
    import sys

    data = tmp_path / "small.csv"
    data.write_text("a,b,c,d\n1,2,3,4\n2,2,3,3\n3,4,4,5\n4,4,5,5\n2,3,3,4\n5,5,4,5\n",
                    encoding="utf-8")
    probe = ("import sys, runpy; sys.argv = ['relscale', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('relscale', run_name='__main__')\n"
             "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print('scipy.stats' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, "reliability", str(data), "--items",
                           "a,b,c,d"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert "alpha" in done.stdout

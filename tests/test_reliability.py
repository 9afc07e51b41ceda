"""Reliability against independent references: a hand-worked example, a second
implementation (variance formula on the data), pingouin, and a one-factor population with
known loadings (exact omega)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.reliability.classical import alpha_from_cov, omega_from_cov, scale_reliability

runner = CliRunner()

# Hand-worked: 4 respondents x 3 items.
#   item a: 1 2 4 5  mean 3  deviations -2 -1  1  2  SS 10  var 10/3
#   item b: 2 3 4 3  mean 3  deviations -1  0  1  0  SS  2  var  2/3
#   item c: 1 3 3 5  mean 3  deviations -2  0  0  2  SS  8  var  8/3
#   total:  4 8 11 13 mean 9 deviations -5 -1  2  4  SS 46  var 46/3
# alpha = 3/2 * (1 - (20/3) / (46/3)) = 3/2 * 26/46 = 39/46 = .847826
# covariances: ab = 3/3 = 1, ac = 8/3, bc = 2/3
# correlations: ab = 1/sqrt(20/9) = .670820, ac = 8/sqrt(80) = .894427, bc = 2/4 = .5
# mean r = .688416; standardized alpha = 3(.688416) / (1 + 2(.688416)) = .868908
# a vs b+c (3 6 7 8, mean 6, deviations -3 0 1 2, SS 14): cross products 6+0+1+4 = 11,
#   r_drop(a) = 11 / sqrt(10 * 14) = .929670
# alpha without a: 2 * (1 - (2/3 + 8/3) / (14/3)) = 2 * 4/14 = .571429
HAND = [[1, 2, 1], [2, 3, 3], [4, 4, 3], [5, 3, 5]]


def test_hand_worked_example() -> None:
    r = scale_reliability(HAND, ["a", "b", "c"])
    assert r.alpha == pytest.approx(39 / 46)
    assert r.alpha_std == pytest.approx(0.868908, abs=1e-6)
    assert r.items[0].r_drop == pytest.approx(11 / math.sqrt(140))
    assert r.items[0].alpha_if_deleted == pytest.approx(8 / 14)
    assert (r.n, r.k) == (4, 3)
    assert r.mean == pytest.approx(3.0)  # mean of the item means per person: 9/3
    assert r.sd == pytest.approx(math.sqrt(46 / 3) / 3)


def alpha_by_variances(x: np.ndarray) -> float:
    """A second implementation: sum of item variances over the variance of the total."""
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    item_var = sum(float(np.var(x[:, j], ddof=1)) for j in range(k))
    total_var = float(np.var(x.sum(axis=1), ddof=1))
    return k / (k - 1) * (1 - item_var / total_var)


def likert(seed: int, n: int = 400, k: int = 6, missing: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n)
    y = 0.7 * theta[:, None] + 0.7 * rng.standard_normal((n, k))
    x = np.clip(np.round(3 + y), 1, 5)
    x[rng.random((n, k)) < missing] = np.nan
    return x


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_equals_variance_formula(seed: int) -> None:
    x = likert(seed)
    r = scale_reliability(x, [f"i{j}" for j in range(6)])
    assert r.alpha == pytest.approx(alpha_by_variances(x), abs=1e-12)
    # r_drop from the data directly
    complete = x[~np.isnan(x).any(axis=1)]
    rest = complete[:, 1:].sum(axis=1)
    assert r.items[0].r_drop == pytest.approx(np.corrcoef(complete[:, 0], rest)[0, 1])
    # alpha if deleted: on the same (complete) respondents, as SPSS reports it
    assert r.items[2].alpha_if_deleted == pytest.approx(
        alpha_by_variances(np.delete(complete, 2, axis=1)), abs=1e-12
    )


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_alpha_agrees_with_pingouin(missing: str) -> None:
    pd = pytest.importorskip("pandas")
    pg = pytest.importorskip("pingouin")
    x = likert(7, missing=0.1)
    ours = scale_reliability(x, [f"i{j}" for j in range(6)], missing=missing)  # type: ignore[arg-type]
    theirs, _ci = pg.cronbach_alpha(pd.DataFrame(x), nan_policy=missing)
    assert ours.alpha == pytest.approx(theirs, abs=1e-12)


def test_reverse_keying_recodes_min_plus_max() -> None:
    x = likert(4, missing=0)
    flipped = x.copy()
    flipped[:, 1] = 6 - flipped[:, 1]
    a = scale_reliability(x, list("abcdef"))
    b = scale_reliability(
        flipped, list("abcdef"), reverse=[False, True] + [False] * 4, scale_min=1, scale_max=5
    )
    assert b.alpha == pytest.approx(a.alpha)
    assert b.items[1].mean == pytest.approx(a.items[1].mean)
    with pytest.raises(RelscaleError, match="minimum and maximum"):
        scale_reliability(flipped, list("abcdef"), reverse=[True] + [False] * 5)


def population_cov(loadings: np.ndarray, sd: np.ndarray) -> np.ndarray:
    r = np.outer(loadings, loadings)
    np.fill_diagonal(r, 1.0)
    return r * np.outer(sd, sd)


def test_omega_exact_for_a_one_factor_population() -> None:
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    sd = np.array([1.0, 1.2, 0.9, 1.1, 0.8])
    # omega of the raw sum: (sum lambda_i sd_i)^2 / ((...)^2 + sum (1 - lambda_i^2) sd_i^2)
    common = float(np.sum(lam * sd)) ** 2
    expected = common / (common + float(np.sum((1 - lam**2) * sd**2)))
    omega, loadings = omega_from_cov(population_cov(lam, sd))
    assert omega == pytest.approx(expected, abs=1e-6)
    assert loadings == pytest.approx(lam, abs=1e-5)


def test_omega_equals_alpha_when_tau_equivalent() -> None:
    c = population_cov(np.full(6, 0.6), np.ones(6))
    omega, _ = omega_from_cov(c)
    assert omega == pytest.approx(alpha_from_cov(c), abs=1e-6)


def test_omega_estimated_from_a_large_sample() -> None:
    rng = np.random.default_rng(11)
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    n = 40_000
    theta = rng.standard_normal(n)
    x = theta[:, None] * lam + rng.standard_normal((n, 4)) * np.sqrt(1 - lam**2)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert scale_reliability(x, list("abcd")).omega == pytest.approx(expected, abs=0.01)


def test_too_little_data_is_a_clear_error() -> None:
    with pytest.raises(RelscaleError, match="at least 2 items"):
        scale_reliability([[1], [2], [3]], ["a"])
    with pytest.raises(RelscaleError, match="only 2 respondent"):
        scale_reliability([[1, 2], [2, 3], [3, np.nan]], ["a", "b"])


def test_listwise_and_pairwise_n() -> None:
    x = np.array([[1, 2, 3], [2, 3, np.nan], [3, 3, 4], [4, 5, 5], [5, 4, 4.0]])
    lw = scale_reliability(x, list("abc"))
    pw = scale_reliability(x, list("abc"), missing="pairwise")
    assert lw.n == 4 and lw.n_total == 5
    assert pw.n == 4 and [i.n for i in pw.items] == [5, 5, 4]


# --- command line ---------------------------------------------------------------------


def write_csv(path: Path, x: np.ndarray, names: list[str]) -> None:
    lines = [",".join(["id", *names])]
    for i, row in enumerate(x.tolist()):
        lines.append(",".join([f"r{i}", *("" if v != v else str(int(v)) for v in row)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_cli_ad_hoc_json_agrees_with_second_implementation(tmp_path: Path) -> None:
    x = likert(5)
    names = list("abcdef")
    data = tmp_path / "d.csv"
    write_csv(data, x, names)
    result = runner.invoke(app, ["reliability", str(data), "--items", ",".join(names),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    scale = json.loads(result.stdout)["scales"][0]
    assert scale["alpha"] == pytest.approx(alpha_by_variances(x), abs=1e-12)
    assert {"alpha", "alpha_std", "omega", "n", "k", "items"} <= set(scale)
    assert {"r_drop", "alpha_if_deleted"} <= set(scale["items"][0])


def test_cli_bad_cell_names_file_row_column(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a,b,c\n1,2,3\n2,x,3\n", encoding="utf-8")
    result = runner.invoke(app, ["reliability", str(data), "--items", "a,b,c"])
    assert result.exit_code == 1
    assert "d.csv, row 3, column b: 'x' is not a number" in result.stderr
    assert "Traceback" not in result.output


def test_cli_every_dimension_of_every_instrument(tmp_path: Path) -> None:
    from relscale import adapt, get_registry
    from relscale.scoring.simulate import simulate, write_sample

    for sector, inst, perspective in get_registry().offerings():
        if sector.id != "youth_care":
            continue
        adapted = adapt(inst.id, sector.id, perspective)
        data = tmp_path / f"{inst.id}_{perspective}.csv"
        write_sample(simulate(adapted, 300, 3), data)
        out = tmp_path / f"{inst.id}_{perspective}.json"
        result = runner.invoke(app, ["reliability", str(data), "-i", inst.id, "-s", sector.id,
                                     "-p", perspective, "-o", str(out)])
        assert result.exit_code == 0, result.output
        scales = json.loads(out.read_text("utf-8"))["scales"]
        assert [s["scale"] for s in scales] == [d.id for d in adapted.dimensions]
        for s in scales:
            assert 0.6 < s["alpha"] < 0.95 and 0.6 < s["omega"] < 0.95
            assert s["k"] == len(adapted.items_for(s["scale"]))


def test_cli_xlsx_output_and_no_overwrite(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = tmp_path / "d.csv"
    write_csv(data, likert(6), list("abcdef"))
    out = tmp_path / "rel.xlsx"
    args = ["reliability", str(data), "--items", "a,b,c,d,e,f", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    wb = load_workbook(out)
    summary = wb.worksheets[0]
    assert summary["F3"].value == "alpha"
    assert summary["F4"].value == pytest.approx(alpha_by_variances(likert(6)), abs=1e-9)
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0

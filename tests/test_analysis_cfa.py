"""relscale.analysis.fit_cfa against lavaan 0.6 (cfa() with its defaults), and its errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_data import factors, load_csv, reference

from relscale.analysis import AnalysisError, fit_cfa, recode

DATASETS = ["cfa12_weak", "inv21"]


@pytest.fixture(scope="module", params=DATASETS)
def fitted(request: pytest.FixtureRequest):
    name = request.param
    items, _, x = load_csv(name)
    return fit_cfa(x, items, factors(name)), reference(f"{name}.cfa.lavaan.json")["cfa"]


def test_fit_measures_match_lavaan(fitted) -> None:
    result, ref = fitted
    fit = result.fit
    assert fit.df == ref["fit"]["df"]
    assert fit.chisq == pytest.approx(ref["fit"]["chisq"], rel=0.005)
    assert fit.baseline_chisq == pytest.approx(ref["fit"]["baseline_chisq"], rel=0.005)
    assert fit.baseline_df == ref["fit"]["baseline_df"]
    for key in ("cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr", "pvalue"):
        assert getattr(fit, key) == pytest.approx(ref["fit"][key], abs=0.002), key


def test_listwise_n_matches_lavaan(fitted) -> None:
    result, ref = fitted
    assert result.n == ref["nobs"]
    assert result.fit.ntotal == ref["nobs"]


def test_standardized_loadings_and_se_match_lavaan(fitted) -> None:
    result, ref = fitted
    assert [(ld.factor, ld.item) for ld in result.loadings] == [
        (r["factor"], r["item"]) for r in ref["loadings"]
    ]
    for ld, r in zip(result.loadings, ref["loadings"], strict=True):
        assert ld.std == pytest.approx(r["est_std"], abs=0.01), ld.item
        assert ld.std_se == pytest.approx(r["se_std"], abs=0.002), ld.item
        assert ld.estimate == pytest.approx(r["est"], abs=0.01), ld.item
        if r["se"] == 0:  # the marker loading, fixed to 1
            assert ld.se is None and ld.estimate == 1.0
        else:
            assert ld.se == pytest.approx(r["se"], abs=0.002), ld.item


def test_factor_correlations_match_lavaan(fitted) -> None:
    result, ref = fitted
    assert len(result.factor_correlations) == len(ref["factor_correlations"])
    for fc, r in zip(result.factor_correlations, ref["factor_correlations"], strict=True):
        assert (fc.factor1, fc.factor2) == (r["factor1"], r["factor2"])
        assert fc.estimate == pytest.approx(r["est_std"], abs=0.01)
        assert fc.se == pytest.approx(r["se_std"], abs=0.002)
    for r in ref["residual_variances"]:
        assert result.residual_variances[r["item"]] == pytest.approx(r["est_std"], abs=0.01)


def test_result_is_json_serializable(fitted) -> None:
    result, _ = fitted
    data = json.loads(json.dumps(result.to_dict()))
    assert data["fit"]["df"] == result.fit.df
    assert len(data["loadings"]) == len(result.loadings)


def test_weak_item_is_warned_about_by_name() -> None:
    items, _, x = load_csv("cfa12_weak")
    result = fit_cfa(x, items, factors("cfa12_weak"))
    weak = [w for w in result.warnings if "below 0.30" in w]
    assert len(weak) == 1 and "'w04'" in weak[0]
    assert result.n_excluded == len(x) - result.n > 0


def test_unrecoded_reverse_item_is_warned_as_negative() -> None:
    items, _, x = load_csv("cfa12_weak")
    flipped = recode(x, [it == "w06" for it in items], 1, 5)
    result = fit_cfa(flipped, items, factors("cfa12_weak"))
    assert any("'w06' loads negatively" in w for w in result.warnings)
    back = recode(flipped, [it == "w06" for it in items], 1, 5)
    np.testing.assert_array_equal(np.nan_to_num(back, nan=-1), np.nan_to_num(x, nan=-1))


def _exact_sample(cov: np.ndarray, n: int, seed: int) -> np.ndarray:
    """A sample whose biased covariance is exactly ``cov``."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, len(cov)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T
    return z @ np.linalg.cholesky(cov).T + 3.0


def test_heywood_case_is_warned() -> None:
    # a, b, c: r_ab = r_ac = .9, r_bc = .5 implies a standardized loading of 1.27 for a
    cov = np.eye(6)
    cov[0, 1] = cov[1, 0] = cov[0, 2] = cov[2, 0] = 0.9
    cov[1, 2] = cov[2, 1] = 0.5
    for i, j in ((3, 4), (3, 5), (4, 5)):
        cov[i, j] = cov[j, i] = 0.5
    cov[:3, 3:] = cov[3:, :3] = 0.2
    cov = cov + 0.3 * np.eye(6)  # keep the population matrix positive definite
    x = _exact_sample(cov, 400, 1)
    items = ["a", "b", "c", "d", "e", "f"]
    result = fit_cfa(x, items, {"a": "F", "b": "F", "c": "F", "d": "G", "e": "G", "f": "G"})
    heywood = [w for w in result.warnings if "Heywood" in w]
    assert heywood and all("'a'" in w for w in heywood)


# --- degenerate data: one clear AnalysisError, never a numpy traceback ---------------------

ITEMS = ["a", "b", "c", "d", "e", "f"]
FACTORS = {"a": "F", "b": "F", "c": "F", "d": "G", "e": "G", "f": "G"}


def _sample(n: int = 300, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    eta = rng.standard_normal((n, 2))
    return np.repeat(eta, 3, axis=1) * 0.7 + rng.standard_normal((n, 6)) * 0.7


def test_too_few_respondents() -> None:
    with pytest.raises(AnalysisError, match=r"only 5 respondent\(s\) answered all 6 items"):
        fit_cfa(_sample(5), ITEMS, FACTORS)


def test_constant_item_is_named() -> None:
    x = _sample()
    x[:, 4] = 3.0
    with pytest.raises(AnalysisError, match=r"item 'e' has no variance"):
        fit_cfa(x, ITEMS, FACTORS)


def test_collinear_items_are_named() -> None:
    x = _sample()
    x[:, 2] = x[:, 1] * 2 + 1
    with pytest.raises(AnalysisError, match=r"not positive definite \(items 'b' and 'c'"):
        fit_cfa(x, ITEMS, FACTORS)


def test_non_convergence_raises_or_warns() -> None:
    x = _sample()
    with pytest.raises(AnalysisError, match="did not converge in 1 iterations"):
        fit_cfa(x, ITEMS, FACTORS, max_iter=1)
    result = fit_cfa(x, ITEMS, FACTORS, max_iter=1, allow_nonconvergence=True)
    assert not result.converged
    assert any("did not converge" in w for w in result.warnings)


def test_model_errors_name_item_and_factor() -> None:
    with pytest.raises(AnalysisError, match="item 'f' has no factor"):
        fit_cfa(_sample(), ITEMS, {k: v for k, v in FACTORS.items() if k != "f"})
    with pytest.raises(AnalysisError, match="factor 'H' has only 1 item"):
        fit_cfa(_sample(), ITEMS, {**FACTORS, "f": "H"})
    with pytest.raises(AnalysisError, match="fiml"):
        fit_cfa(_sample(), ITEMS, FACTORS, missing="fiml")
    with pytest.raises(AnalysisError, match="6 item columns"):
        fit_cfa(_sample()[:, :5], ITEMS, FACTORS)

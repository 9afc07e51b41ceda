"""relscale.analysis invariance testing against lavaan (group.equal, lavTestScore).

Also a seeded simulation: planted non-invariance is found by the partial procedure, and
an invariant population is rejected no more often than the nominal rate allows.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_data import by_group, factors, reference
from scipy import stats

from relscale import analysis
from relscale.analysis import AnalysisError, FitMeasures, shared_items
from relscale.analysis.estimators import FitOptions
from relscale.analysis.invariance import compare

DATASETS = ["inv21", "inv12_shift", "inv12_loading"]
MARKER = FitOptions(identification="marker")  # the reference models are lavaan's defaults
LEVELS = ["configural", "metric", "scalar"]


@pytest.fixture(scope="module", params=DATASETS)
def tested(request: pytest.FixtureRequest):
    name = request.param
    items, data = by_group(name)
    result = analysis.test_invariance(data, items, factors(name), options=MARKER)
    return name, result, reference(f"{name}.invariance.lavaan.json")


def _assert_fit(fit: FitMeasures, ref: dict) -> None:
    assert fit.df == ref["df"]
    assert fit.chisq == pytest.approx(ref["chisq"], rel=0.005)
    for key in ("cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr"):
        assert getattr(fit, key) == pytest.approx(ref[key], abs=0.002), key
    assert fit.ntotal == ref["ntotal"]


@pytest.mark.parametrize("level", LEVELS)
def test_models_match_lavaan(tested, level: str) -> None:
    _, result, ref = tested
    _assert_fit(getattr(result, level).fit, ref[level])


def _assert_scores(ours: list, theirs: list) -> None:
    assert len(ours) == len(theirs)
    ref = {(t["item"], t["parameter"]): t["X2"] for t in theirs}
    for t in ours:
        expected = ref[(t.item, t.parameter)]
        assert t.x2 == pytest.approx(expected, rel=0.02, abs=1e-3), (t.item, t.parameter)
    assert [t.x2 for t in ours] == sorted((t.x2 for t in ours), reverse=True)


def test_score_tests_match_lavTestScore(tested) -> None:
    _, result, ref = tested
    _assert_scores(result.score_tests, ref["score_scalar"])
    _assert_scores(result.score_tests_metric, ref["score_metric"])
    assert {t.parameter for t in result.score_tests} == {"loading", "intercept"}
    assert all(t.group == "B" and t.reference_group == "A" for t in result.score_tests)


def test_planted_non_invariance_is_freed_and_refit_matches_lavaan(tested) -> None:
    name, result, ref = tested
    if name == "inv21":
        assert result.level == "scalar" and not result.steps
        assert "means and correlations can be compared" in result.decision
        return
    first = result.steps[0]
    freed = (first.test.item, first.test.parameter)
    if name == "inv12_shift":
        assert result.metric_vs_configural.holds and not result.scalar_vs_metric.holds
        assert freed == ("s06", "intercept")
        assert ref["partial_scalar"]["group_partial"] == "s06 ~ 1"
        _assert_fit(first.fit.fit, ref["partial_scalar"]["fit"])
    else:
        assert not result.metric_vs_configural.holds
        assert freed == ("l03", "loading")
        assert ref["partial_metric"]["group_partial"] == "closeness =~ l03"
        _assert_fit(first.fit.fit, ref["partial_metric"]["fit"])
    # freed in all groups (lavaan's group.partial), chosen by a Holm-significant score test
    assert first.test.to_dict()["group"] == "all"
    assert first.test.p_value < first.test.holm_alpha
    assert len(result.steps) == 1 and first.comparison.holds
    assert result.level == "partial scalar"
    assert f"'{first.test.item}'" in result.decision
    assert "not raw scale means" in result.decision
    assert "means and correlations can be compared" not in result.decision


def test_to_dict_is_json_with_the_documented_keys(tested) -> None:
    _, result, _ = tested
    data = json.loads(json.dumps(result.to_dict()))
    for level in LEVELS:
        assert {"chisq", "df", "cfi", "rmsea", "srmr"} <= set(data[level])
    assert data["score_tests"][0]["x2"] == result.score_tests[0].x2
    assert data["decision"] == result.decision


def _fit(cfi: float, rmsea: float, chisq: float, df: int, srmr: float = 0.03) -> FitMeasures:
    return FitMeasures(chisq, df, 0.5, cfi, cfi, rmsea, 0.0, 0.1, srmr, 1000.0, 100, 800)


def test_chen_cutoffs_as_published_and_lrt() -> None:
    """Chen (2007): ΔCFI ≤ -.010 *together with* ΔRMSEA ≥ .015 or ΔSRMR ≥ .030
    (loadings) / .010 (intercepts, residuals) signals non-invariance."""
    base = _fit(0.990, 0.030, 100.0, 90)
    assert compare(_fit(0.981, 0.040, 110.0, 99), base).holds
    # a CFI drop alone is not enough, nor an RMSEA rise alone
    assert compare(_fit(0.979, 0.040, 110.0, 99), base).holds
    assert compare(_fit(0.985, 0.046, 110.0, 99), base).holds
    assert not compare(_fit(0.979, 0.046, 110.0, 99), base).holds  # ΔCFI -.011, ΔRMSEA .016
    # SRMR: .030 for loadings, .010 for intercepts
    srmr_up = _fit(0.979, 0.040, 110.0, 99, srmr=0.045)
    assert compare(srmr_up, base, cutoff=0.030).holds
    assert not compare(_fit(0.979, 0.040, 110.0, 99, srmr=0.061), base, cutoff=0.030).holds
    assert not compare(srmr_up, base, cutoff=0.010).holds
    lrt = compare(_fit(0.985, 0.035, 130.0, 99), base, criterion="lrt")
    assert lrt.delta_chisq == pytest.approx(30.0) and lrt.delta_df == 9
    assert lrt.p_value == pytest.approx(stats.chi2.sf(30.0, 9)) and not lrt.holds
    assert lrt.chen_ok and not compare(_fit(0.985, 0.035, 130.0, 99), base, "both").holds
    assert not lrt.agree


def test_shared_items_reports_what_is_left_out() -> None:
    shared = shared_items({"education": ["a", "b", "c", "d"], "foster": ["b", "a", "d", "e"]})
    assert shared.items == ["a", "b", "d"]
    assert shared.left_out == {"education": ["c"], "foster": ["e"]}


# --- degenerate data ---------------------------------------------------------------------


def test_degenerate_groups_are_named() -> None:
    items, data = by_group("inv12_shift")
    f = factors("inv12_shift")
    with pytest.raises(AnalysisError, match="at least 2 groups, got 1"):
        analysis.test_invariance({"A": data["A"]}, items, f)
    constant = data["B"].copy()
    constant[:, 4] = 2.0
    with pytest.raises(AnalysisError, match=r"group 'B': item 's05' has no variance"):
        analysis.test_invariance({"A": data["A"], "B": constant}, items, f)
    with pytest.raises(AnalysisError, match=r"group 'B': only 8 respondent"):
        analysis.test_invariance({"A": data["A"], "B": data["B"][:8]}, items, f)
    with pytest.raises(AnalysisError, match="configural model did not converge"):
        analysis.test_invariance(data, items, f, max_iter=1)


# --- simulation --------------------------------------------------------------------------

SIM_ITEMS = [f"x{i}" for i in range(1, 9)]
SIM_FACTORS = {it: ("F1" if i < 4 else "F2") for i, it in enumerate(SIM_ITEMS)}


def _population(rng: np.random.Generator, n: int, loadings: np.ndarray, nu: np.ndarray,
                mean: float) -> np.ndarray:
    eta = rng.multivariate_normal([mean, mean], [[1.0, 0.4], [0.4, 1.0]], size=n)
    f = np.repeat([0, 1], 4)
    return nu + eta[:, f] * loadings + rng.standard_normal((n, 8)) * 0.6


def test_simulation_finds_planted_intercept_and_loading() -> None:
    lam = np.full(8, 0.8)
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        a = _population(rng, 300, lam, np.zeros(8), 0.0)
        nu_b = np.zeros(8)
        nu_b[2] = 0.5  # planted intercept shift on x3
        b = _population(rng, 300, lam, nu_b, 0.3)
        res = analysis.test_invariance({"A": a, "B": b}, SIM_ITEMS, SIM_FACTORS,
                                       criterion="lrt", alpha=0.01)
        assert [(s.test.item, s.test.parameter) for s in res.steps][:1] == [("x3", "intercept")]
        assert res.steps[-1].comparison.holds

        lam_b = lam.copy()
        lam_b[5] = 0.2  # planted weak loading on x6 in group B
        b = _population(rng, 300, lam_b, np.zeros(8), 0.0)
        res = analysis.test_invariance({"A": a, "B": b}, SIM_ITEMS, SIM_FACTORS,
                                       criterion="lrt", alpha=0.01)
        assert not res.metric_vs_configural.holds
        assert (res.steps[0].test.item, res.steps[0].test.parameter) == ("x6", "loading")


def test_simulation_invariant_population_not_flagged_beyond_nominal_rate() -> None:
    reps, alpha = 40, 0.05
    lam = np.full(8, 0.8)
    rejected = {"metric": 0, "scalar": 0}
    for seed in range(reps):
        rng = np.random.default_rng(1000 + seed)
        a = _population(rng, 200, lam, np.zeros(8), 0.0)
        b = _population(rng, 200, lam, np.zeros(8), 0.3)
        res = analysis.test_invariance({"A": a, "B": b}, SIM_ITEMS, SIM_FACTORS,
                                       criterion="lrt", alpha=alpha, partial=False)
        rejected["metric"] += not res.metric_vs_configural.lrt_ok
        rejected["scalar"] += not res.scalar_vs_metric.lrt_ok
    # one-sided binomial bound: P(X > bound | p = alpha) < .001
    bound = int(stats.binom.ppf(0.999, reps, alpha))
    assert rejected["metric"] <= bound, rejected
    assert rejected["scalar"] <= bound, rejected


def test_three_groups_match_lavaan() -> None:
    items, data = by_group("inv12_loading")
    three = {"A": data["A"], "B": data["B"][:200], "C": data["B"][200:]}
    result = analysis.test_invariance(three, items, factors("inv12_loading"), options=MARKER)
    ref = reference("inv12_loading3.invariance.lavaan.json")
    assert ref["groups"] == ["A", "B", "C"]
    for level in LEVELS:
        _assert_fit(getattr(result, level).fit, ref[level])
    for ours, theirs in ((result.score_tests, ref["score_scalar"]),
                         (result.score_tests_metric, ref["score_metric"])):
        expected = {(t["item"], t["parameter"], ref["groups"][t["group_b"] - 1]): t["X2"]
                    for t in theirs}
        assert len(ours) == len(expected)
        for t in ours:
            assert t.reference_group == "A"
            assert t.x2 == pytest.approx(expected[(t.item, t.parameter, t.group)], rel=0.02,
                                         abs=1e-3)
    # the weak loading is freed once, in all three groups (group.partial), and the refit
    # is lavaan's partial metric model
    first = result.steps[0]
    assert (first.test.item, first.test.parameter, first.test.df) == ("l03", "loading", 2)
    assert ref["partial_metric"]["group_partial"] == "closeness =~ l03"
    _assert_fit(first.fit.fit, ref["partial_metric"]["fit"])
    assert any("'l03' in group 'B' loads only" in w for w in result.warnings)

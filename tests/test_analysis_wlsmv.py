"""The wlsmv estimator against lavaan 0.6-14 / semTools 0.5-6 / psych.

The references are made by ``tests/reference/ordinal_reference.R`` on seeded ordinal data
(three groups of 3-point items with a planted weak loading and threshold shift; two groups
of 4-point items with a shifted threshold, also with 6% of the answers missing; one group
of 5-point items). The tolerances are far tighter than issue 20's (chi-square 0.5%, fit
indices .002, loadings and thresholds .01, SEs 2%, score tests 2%, latent means .01): the
computations are lavaan's, so what is left is lavaan's optimiser tolerance.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from analysis_data import by_group, reference

from relscale.analysis import _wlsmv_fit as W
from relscale.analysis._model import ALL_GROUPS, measurement_model
from relscale.analysis.errors import AnalysisError
from relscale.analysis.estimators import FitOptions, RawGroup, difference_test, fit_cfa
from relscale.analysis.ordinal_reliability import categorical_omega, ordinal_reliability
from relscale.analysis.polychoric import apply_collapse
from relscale.analysis.wlsmv_model import (
    FACTOR_COV,
    FACTOR_VAR,
    INTERCEPT,
    LATENT_MEAN,
    LOADING,
    RESIDUAL,
    SCALE,
)

LEVELS = ("configural", "thresholds", "metric", "scalar", "strict")
INDICES = ("cfi", "tli", "rmsea", "srmr", "cfi_scaled", "tli_scaled", "rmsea_scaled")
CHISQ = ("chisq", "chisq_scaled", "baseline_chisq", "baseline_chisq_scaled", "shift")


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-12)


@cache
def ref(name: str) -> Any:
    return reference(f"{name}.wlsmv.json")


@cache
def prepared(name: str, missing: str = "listwise") -> Any:
    r = ref(name)
    _, data = by_group(name)
    model = measurement_model(r["items"], dict(zip(r["items"], r["factors"], strict=True)))
    options = FitOptions(estimator="wlsmv", missing=missing, identification="std.lv")  # type: ignore[arg-type]
    return W.prepare(model, [RawGroup(g, x) for g, x in data.items()], options)


@cache
def fitted(name: str, level: str, released: tuple[Any, ...] = (),
           missing: str = "listwise") -> W.WlsmvLevelFit:
    return W.fit_level(prepared(name, missing), level, released)


def _key(lhs: str, op: str, rhs: str, factors: tuple[str, ...]) -> tuple[str, Any]:
    if op == "=~":
        return LOADING, rhs
    if op == "|":
        return f"threshold:{rhs[1:]}", lhs
    if op == "~1":
        return (LATENT_MEAN if lhs in factors else INTERCEPT), lhs
    if op == "~*~":
        return SCALE, lhs
    if lhs in factors:
        return (FACTOR_VAR if lhs == rhs else FACTOR_COV), (lhs, rhs)
    return RESIDUAL, lhs


def _mine(lf: W.WlsmvLevelFit, names: list[str]) -> dict[tuple[str, Any, str], tuple[float, float]]:
    layout = lf.est.layout
    model = layout.model
    se = lf.standard_errors()
    out = {}
    for k, prm in enumerate(layout.params):
        if prm.kind in (FACTOR_VAR, FACTOR_COV):
            what: Any = (model.factors[prm.row], model.factors[prm.col])
        elif prm.kind == LATENT_MEAN:
            what = model.factors[prm.row]
        else:
            what = model.items[prm.row]
        out[(prm.parameter, what, names[prm.group])] = (float(lf.est.x_full[k]), float(se[k]))
    return out


def _compare_params(lf: W.WlsmvLevelFit, rows: list[list[Any]],
                    names: list[str]) -> dict[str, float]:
    """Max differences: estimates (abs), SEs (rel), std loadings (abs) and their SEs (rel)."""
    model = lf.est.layout.model
    mine = _mine(lf, names)
    std, std_se = W.standardized_loadings(lf.est)
    worst = {"est": 0.0, "se": 0.0, "std": 0.0, "std_se": 0.0}
    for lhs, op, rhs, group, est, se, est_std, se_std in rows:
        key = (*_key(lhs, op, rhs, model.factors), group)
        assert key in mine, f"lavaan's free parameter {lhs} {op} {rhs} ({group}) is not free here"
        value, value_se = mine[key]
        worst["est"] = max(worst["est"], abs(value - est))
        worst["se"] = max(worst["se"], rel(value_se, se))
        if op == "=~":
            g, j = names.index(group), model.items.index(rhs)
            worst["std"] = max(worst["std"], abs(std[g][j] - est_std))
            worst["std_se"] = max(worst["std_se"], rel(std_se[g][j], se_std))
    n_free = sum(1 for r in lf.est.layout.reduced_of_full if r >= 0)
    assert len(rows) == n_free, "lavaan has a different number of free parameters"
    return worst


# ------------------------------------------------------------------ sample statistics

@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
def test_thresholds_polychorics_and_gamma_match_lavaan(name: str) -> None:
    prep = prepared(name)
    for grp in prep.data:
        r = ref(name)["sampstat"][grp.name]
        assert np.abs(np.concatenate(grp.thresholds) - r["thresholds"]).max() < 1e-10
        assert np.abs(grp.polychoric - np.array(r["polychoric"])).max() < 1e-6
        assert np.max(np.abs(np.diag(grp.gamma) / r["gamma_diag"] - 1)) < 1e-5


def test_full_gamma_matches_lavaan() -> None:
    items, _, x = load_csv_single("ordinal5")
    r = ref("ordinal5")
    model = measurement_model(items, {it: "f" for it in items})
    (grp,) = W.ordinal_groups(model, [RawGroup("sample", x)], "listwise")
    gamma = np.array(r["gamma"])
    assert np.abs(grp.gamma - gamma).max() < 1e-5 * np.abs(gamma).max()
    assert np.abs(grp.polychoric - np.array(r["sampstat"]["polychoric"])).max() < 1e-6


def load_csv_single(name: str) -> tuple[list[str], None, np.ndarray]:
    import csv

    from analysis_data import DATA
    with (DATA / f"{name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], None, np.array([[float(v) for v in r] for r in rows[1:]])


def test_polychorics_come_from_counts_linear_in_n() -> None:
    """Doubling every respondent changes no statistic: they are functions of the category
    (pair) proportions, and Gamma is N times the covariance of the estimates."""
    items, _, x = load_csv_single("ordinal5")
    model = measurement_model(items, {it: "f" for it in items})
    (one,) = W.ordinal_groups(model, [RawGroup("sample", x)], "listwise")
    (two,) = W.ordinal_groups(model, [RawGroup("sample", np.vstack([x, x[::-1]]))],
                              "listwise")
    assert two.n == 2 * one.n
    assert np.allclose(two.stats, one.stats, atol=1e-9)
    assert np.allclose(two.gamma, one.gamma, rtol=1e-7, atol=1e-9)


# ----------------------------------------------------------------------- the levels

@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
@pytest.mark.parametrize("level", LEVELS)
def test_fit_measures_match_lavaan(name: str, level: str) -> None:
    lf = fitted(name, level)
    r = ref(name)[level]
    fm = lf.fit
    assert fm.df == r["fit"]["df"]
    assert fm.estimator == "wlsmv"
    for k in CHISQ:
        assert rel(getattr(fm, k), r["fit"][k]) < 1e-6, k
    assert rel(fm.scaling_factor, r["fit"]["chisq_scaling_factor"]) < 1e-6
    for k in INDICES:
        assert abs(getattr(fm, k) - r["fit"][k]) < 1e-6, k
    # robust indices: lavaan's own where it gives them, else lavaan's with issue #386 fixed
    for k in ("cfi_robust", "tli_robust", "rmsea_robust"):
        if r["fit"][k] is not None:
            assert abs(getattr(fm, k) - r["fit"][k]) < 1e-6, k
        assert abs(getattr(fm, k) - r["robust_fixed"][k]) < 1e-6, k


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
@pytest.mark.parametrize("level", LEVELS)
def test_estimates_and_robust_ses_match_lavaan(name: str, level: str) -> None:
    worst = _compare_params(fitted(name, level), ref(name)[level]["params"],
                            list(prepared(name).names))
    assert worst["est"] < 1e-4 and worst["std"] < 1e-4
    assert worst["se"] < 1e-4 and worst["std_se"] < 1e-3


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
def test_partial_models_match_lavaan(name: str) -> None:
    """Releases as semTools' group.partial (threshold releases change identification)."""
    for pp in ref(name)["partial"]:
        released = tuple((item, par, ALL_GROUPS) for item, par in pp["released"])
        lf = fitted(name, pp["level"], released)
        fit = pp["result"]["fit"]
        assert lf.fit.df == fit["df"]
        assert rel(lf.fit.chisq, fit["chisq"]) < 1e-6
        assert rel(lf.fit.chisq_scaled, fit["chisq_scaled"]) < 1e-6
        worst = _compare_params(lf, pp["result"]["params"], list(prepared(name).names))
        assert worst["est"] < 1e-4 and worst["se"] < 1e-4


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
def test_satorra_2000_difference_tests_match_lavaan(name: str) -> None:
    pairs = {"thresholds_vs_configural": ("thresholds", "configural"),
             "metric_vs_thresholds": ("metric", "thresholds"),
             "scalar_vs_metric": ("scalar", "metric"),
             "strict_vs_scalar": ("strict", "scalar")}
    for key, (restricted, free) in pairs.items():
        test = difference_test(fitted(name, restricted), fitted(name, free))
        r = ref(name)["lrt"][key]
        assert test.method == "satorra.2000"
        assert test.df == r["df"]
        if r["df"] == 0:  # three-point items: thresholds is the configural model again
            assert abs(test.chisq - r["chisq"]) < 1e-5 and test.p_value == 1.0
            continue
        assert rel(test.chisq, r["chisq"]) < 1e-5
        assert abs(test.p_value - r["p_value"]) < 1e-6


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
@pytest.mark.parametrize("level,key", [("thresholds", "score_tests"), ("metric", "score_tests"),
                                       ("scalar", "score_tests"),
                                       ("scalar", "score_tests_untied"),
                                       ("strict", "score_tests_untied")])
def test_ordinary_score_tests_match_lavtestscore(name: str, level: str, key: str) -> None:
    """lavTestScore under DWLS (its 'ordinary' statistic); intercepts and residual
    variances via lavaan's refit with "== 0" ("== 1") rows (same fit)."""
    lf = fitted(name, level)
    names = list(prepared(name).names)
    mine = {(t.item, t.parameter, t.group): t.x2 for t in lf.score_tests(names, robust=False)}
    rows = ref(name)[level][key]
    assert rows
    for item, parameter, group, x2 in rows:
        got = mine[(item, parameter, group)]
        assert (rel(got, x2) if x2 > 1 else abs(got - x2)) < 1e-4, (item, parameter, group)
    if (level, key) == ("scalar", "score_tests_untied"):
        assert len(rows) == len(mine)  # every constraint of the scalar model


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
def test_joint_score_tests_match_lavtestscore_release(name: str) -> None:
    for j in ref(name)["joint_score_tests"]:
        level = "scalar" if j["level"] == "scalar_untied" else j["level"]
        x2, df = fitted(name, level).joint_score_test(j["item"], j["parameter"], robust=False)
        assert df == j["df"]
        assert rel(x2, j["x2"]) < 1e-4


@pytest.mark.parametrize("name", ["ordinal3", "ordinal4"])
def test_robust_score_test_predicts_the_satorra_2000_test_of_the_release(name: str) -> None:
    """The robust score test of a parameter's constraints is the scaled-shifted statistic
    of freeing them, computed at the restricted fit: it must agree with lavaan's
    satorra.2000 test of actually freeing them (the ordinary statistic does not)."""
    for r in ref(name)["release_tests"]:
        x2, df = fitted(name, r["level"]).joint_score_test(r["item"], r["parameter"])
        assert df == r["df"]
        assert rel(x2, r["chisq"]) < 0.02, (r, x2)


def test_the_ladder_finds_the_planted_differences() -> None:
    """The three-group data: the weak loading (i05) at metric, the threshold shift (i12's
    intercept, both thresholds moved) at scalar -- under Wu & Estabrook the 3-point
    thresholds model is the configural model again (df 0)."""
    from relscale.analysis.invariance import test_invariance

    r = ref("ordinal3")
    _, data = by_group("ordinal3")
    result = test_invariance(data, r["items"], dict(zip(r["items"], r["factors"], strict=True)),
                             options=FitOptions(estimator="wlsmv", identification="std.lv"))
    freed = [(s.level, s.test.item, s.test.parameter) for s in result.steps]
    assert freed == [("metric", "i05", "loading"), ("scalar", "i12", "intercept")]


def test_group_order_changes_no_fit() -> None:
    """Another reference group is an equivalent model at every level."""
    r = ref("ordinal3")
    _, data = by_group("ordinal3")
    model = measurement_model(r["items"], dict(zip(r["items"], r["factors"], strict=True)))
    options = FitOptions(estimator="wlsmv", identification="std.lv")
    rng = np.random.default_rng(3)
    raw = [RawGroup(g, data[g][rng.permutation(len(data[g]))]) for g in ("C", "A", "B")]
    prep = W.prepare(model, raw, options)
    for level in LEVELS:
        assert rel(W.fit_level(prep, level, ()).fit.chisq_scaled,
                   fitted("ordinal3", level).fit.chisq_scaled) < 1e-7


def test_marker_identification_is_the_same_model() -> None:
    prep = prepared("ordinal4")
    marker = W.prepare(prep.model, [RawGroup(g, x) for g, x in by_group("ordinal4")[1].items()],
                       FitOptions(estimator="wlsmv", identification="marker"))
    for level in LEVELS:
        assert rel(W.fit_level(marker, level, ()).fit.chisq, fitted("ordinal4", level).fit.chisq
                   ) < 1e-7


@pytest.mark.parametrize("level", ["scalar", "strict"])
def test_latent_means_and_variances_match_lavaan(level: str) -> None:
    names = list(prepared("ordinal3").names)
    stats = fitted("ordinal3", level).latent(names)
    rows = {(lhs, op, group): (est, se) for lhs, op, rhs, group, est, se, *_ in
            ref("ordinal3")[level]["params"] if lhs in ("closeness", "conflict", "dependency")
            and (op == "~1" or (op == "~~" and lhs == rhs))}
    assert len(rows) == 12  # means and variances of 3 factors in groups B and C
    for s in stats:
        if s.group == "A":
            assert (s.mean, s.mean_se, s.variance, s.variance_se) == (0.0, None, 1.0, None)
            continue
        est, se = rows[(s.factor, "~1", s.group)]
        assert abs(s.mean - est) < 1e-4 and s.mean_se is not None and rel(s.mean_se, se) < 1e-4
        est, se = rows[(s.factor, "~~", s.group)]
        assert abs(s.variance - est) < 1e-4
        assert s.variance_se is not None and rel(s.variance_se, se) < 1e-4


# -------------------------------------------------------------------- missing answers

@pytest.mark.parametrize("level", ["configural", "scalar"])
def test_pairwise_missing_matches_lavaan(level: str) -> None:
    r = ref("ordinal4m")
    prep = prepared("ordinal4m", "pairwise")
    assert list(prep.n) == list(r["nobs"])
    for grp in prep.data:
        s = r["sampstat"][grp.name]
        assert np.abs(np.concatenate(grp.thresholds) - s["thresholds"]).max() < 1e-10
        assert np.abs(grp.polychoric - np.array(s["polychoric"])).max() < 1e-6
        assert np.max(np.abs(np.diag(grp.gamma) / s["gamma_diag"] - 1)) < 1e-5
    lf = fitted("ordinal4m", level, missing="pairwise")
    assert lf.fit.df == r[level]["fit"]["df"]
    for k in CHISQ:
        assert rel(getattr(lf.fit, k), r[level]["fit"][k]) < 1e-6, k
    worst = _compare_params(lf, r[level]["params"], list(prep.names))
    assert worst["est"] < 1e-4 and worst["se"] < 1e-4


# ---------------------------------------------------------------- single group, reliability

def test_single_group_cfa_matches_lavaan() -> None:
    items, _, x = load_csv_single("ordinal5")
    r = ref("ordinal5")["cfa"]
    result = fit_cfa(x, items, {it: "closeness" for it in items},
                     FitOptions(estimator="wlsmv", missing="listwise"))
    assert result.fit.df == r["fit"]["df"]
    for k in CHISQ:
        assert rel(getattr(result.fit, k), r["fit"][k]) < 1e-6
    for k in (*INDICES, "cfi_robust", "tli_robust", "rmsea_robust"):
        assert abs(getattr(result.fit, k) - r["fit"][k]) < 1e-6
    loadings = {ld.item: ld for ld in result.loadings}
    for _lhs, op, rhs, _, est, se, est_std, se_std in r["params"]:
        if op == "=~":
            ld = loadings[rhs]
            assert abs(ld.estimate - est) < 1e-4 and ld.se is not None and rel(ld.se, se) < 1e-4
            assert abs(ld.std - est_std) < 1e-4 and rel(ld.std_se, se_std) < 1e-3
    assert loadings[items[0]].se is None  # the marker


def test_ordinal_alpha_and_categorical_omega_match_psych_and_semtools() -> None:
    items, _, x = load_csv_single("ordinal5")
    r = ref("ordinal5")
    res = ordinal_reliability(x, items, {it: "closeness" for it in items})
    assert abs(res.alpha["closeness"] - r["ordinal_alpha"]) < 1e-4  # psych's polychorics
    (omega,) = res.omega
    assert abs(omega.omega - r["categorical_omega"]) < 1e-6
    # the delta-method SE against lavaan's bootstrap (500 replicates: ~3% Monte Carlo error)
    boot = r["omega_bootstrap"]
    assert boot["R"] >= 450
    assert rel(omega.se, boot["se"]) < 0.15
    assert omega.ci_lower < omega.omega < omega.ci_upper


def test_categorical_omega_per_group_and_factor_matches_semtools() -> None:
    lf = fitted("ordinal3", "configural")
    for g, entry in enumerate(ref("ordinal3")["reliability"]):
        for f, fac in enumerate(entry["per_factor"]):
            om = categorical_omega(lf.est, g, f, interval=False)
            assert om.factor == fac["factor"] and om.group == entry["group"]
            assert abs(om.omega - fac["categorical_omega"]) < 1e-6


# ------------------------------------------------------------------------ sparse data

def test_an_unused_category_names_item_group_and_answer() -> None:
    r = ref("ordinal3")
    _, data = by_group("ordinal3")
    data = {g: x.copy() for g, x in data.items()}
    j = r["items"].index("i07")
    data["B"][data["B"][:, j] == 3, j] = 2  # nobody in B answers 3 on i07
    model = measurement_model(r["items"], dict(zip(r["items"], r["factors"], strict=True)))
    options = FitOptions(estimator="wlsmv", identification="std.lv")
    raw = [RawGroup(g, x) for g, x in data.items()]
    with pytest.raises(AnalysisError) as err:
        W.prepare(model, raw, options)
    msg = str(err.value)
    assert "\n" not in msg
    assert "group 'B'" in msg and "item 'i07'" in msg and "answered 3" in msg
    assert "collapse={'i07': {3: 2}}" in msg
    # the suggested fix works: collapse 3 into 2 in every group
    fixed = [RawGroup(g.name, apply_collapse(g.x, model.items, {"i07": {3: 2}})) for g in raw]
    prep = W.prepare(model, fixed, options)
    assert prep.data[0].levels[j] == 2
    assert W.fit_level(prep, "configural", ()).fit.df > 0


def test_an_item_nobody_varied_on_is_refused() -> None:
    x = np.ones((50, 3))
    x[:, 1] = np.arange(50) % 3
    x[:, 2] = np.arange(50) % 2
    with pytest.raises(AnalysisError, match="item 'a' has fewer than 2 different answers"):
        W.fit_cfa(x, ["a", "b", "c"], {"a": "f", "b": "f", "c": "f"},
                  FitOptions(estimator="wlsmv"))


def test_a_heywood_case_is_an_improper_solution_warning() -> None:
    """Three items with r_ab r_ac / r_bc = 1.2: item a's standardized loading is above 1
    (just identified, so it is exactly sqrt(1.2) in the population)."""
    rng = np.random.default_rng(7)
    r = np.array([[1, .8, .6], [.8, 1, .4], [.6, .4, 1]])
    z = rng.multivariate_normal(np.zeros(3), r, size=600)
    x = 1.0 + (z > -0.5) + (z > 0.6)
    res = fit_cfa(x, ["a", "b", "c"], {"a": "f", "b": "f", "c": "f"},
                  FitOptions(estimator="wlsmv"))
    std = {ld.item: ld.std for ld in res.loadings}
    assert std["a"] > 1.0 > std["b"]
    assert res.warnings == ["improper solution: item 'a' has a negative residual variance "
                            "(standardized loading above 1; Heywood case)"]
    assert res.fit.df == 0 and res.fit.cfi_robust is None


def test_invariance_steps_are_judged_by_the_scaled_indices() -> None:
    """The robust (cat-ML) indices only see the correlations: the scalar model's equal
    intercepts (the planted threshold shift of i12) worsen the scaled CFI and RMSEA but
    leave the robust ones as good or better, so Chen's cut-offs use the scaled ones."""
    metric, scalar = fitted("ordinal3", "metric").fit, fitted("ordinal3", "scalar").fit
    assert scalar.cfi_scaled is not None and metric.cfi_scaled is not None
    assert scalar.cfi_scaled < metric.cfi_scaled - 0.003
    assert scalar.cfi_robust is not None and metric.cfi_robust is not None
    assert scalar.cfi_robust >= metric.cfi_robust
    assert scalar.index("cfi") == scalar.cfi_scaled
    assert scalar.index("rmsea") == scalar.rmsea_scaled


def test_two_items_nobody_answered_together_are_named() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(1, 4, size=(300, 4)).astype(float)
    x[:150, 0] = np.nan
    x[150:, 1] = np.nan  # nobody answered both a and b
    with pytest.raises(AnalysisError, match="items 'a' and 'b': only 0 respondent"):
        W.fit_cfa(x, ["a", "b", "c", "d"], dict.fromkeys("abcd", "f"),
                  FitOptions(estimator="wlsmv", missing="pairwise"))


# ------------------------------------------------------------ Gamma over answer patterns

@pytest.mark.parametrize("p", [6, 40])  # 40 four-point items: patterns too wide for one int
def test_gamma_over_patterns_equals_gamma_over_respondents(p: int) -> None:
    """Gamma summed over distinct answer patterns (weighted by their counts) is Gamma
    summed over respondents: each respondent's scores are those of their pattern."""
    from relscale.analysis import polychoric as P

    rng = np.random.default_rng(p)
    n = 600
    y = rng.standard_normal((n, 1)) * 0.8 + rng.standard_normal((n, p)) * 0.6
    x = 1 + (y[:, :, None] > np.array([-0.6, 0.1, 0.8])).sum(axis=2).astype(float)
    x[rng.random(x.shape) < 0.03] = np.nan
    items = [f"i{j}" for j in range(p)]
    model = measurement_model(items, dict.fromkeys(items, "f"))
    (grp,) = W.ordinal_groups(model, [RawGroup("sample", x)], "pairwise")
    first, weight = P._patterns(grp.codes, max(grp.levels))
    assert weight.sum() == grp.n
    assert len(first) < grp.n or p == 40  # repeated patterns (few items)
    every = np.arange(grp.n)
    real = P._patterns
    try:  # every respondent its own pattern: the sum over respondents
        P._patterns = lambda codes, kmax: (every, np.ones(len(every)))  # type: ignore[assignment]
        (plain,) = W.ordinal_groups(model, [RawGroup("sample", x)], "pairwise")
    finally:
        P._patterns = real  # type: ignore[assignment]
    assert np.abs(grp.gamma - plain.gamma).max() < 1e-9 * np.abs(plain.gamma).max()

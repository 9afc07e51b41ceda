"""relscale's ML extensions against lavaan 0.6-14 (issue 20, stats-ml): FIML
(``missing = "ml"``), MLR (``estimator = "MLR"``), cluster-robust MLR (``cluster =``), the
Satorra-Bentler (2001) scaled difference test, score tests under FIML, and convergence at
small N (improper solutions). The references are made by
``tests/reference/lavaan_robust_reference.R``; tolerances are the issue's: chi-square and
scaled chi-square 0.5%, df exact, CFI/TLI/RMSEA (scaled and robust) and SRMR 0.002,
loadings 0.01, SEs 2%, score tests 2%, latent means 0.01.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from robust_reference import (
    FIT_KEYS,
    INDEX_KEYS,
    LAVAAN_NAMES,
    REFERENCE_OF,
    SETUPS,
    groups_of,
    ladder_fits,
    model_of,
    params,
    reference,
    std_loadings,
    table,
)

from relscale.analysis import AnalysisError
from relscale.analysis._model import ALL_GROUPS
from relscale.analysis.data import nested_hint
from relscale.analysis.estimators import (
    FitOptions,
    RawGroup,
    available,
    difference_test,
    fit_cfa,
    fit_level,
    prepare,
)

LEVELS = ("configural", "metric", "scalar")


@pytest.fixture(scope="module")
def ladders() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for setup in SETUPS:
        fits = {level: (fit, rec) for level, fit, rec, _ in ladder_fits(setup)}
        out[setup] = {"fits": fits, "ref": reference(setup.split("/")[0])[setup.split("/")[1]]}
    return out


def assert_fit_matches(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Every fit measure lavaan reports for this estimator, within the issue's tolerances."""
    assert ours["df"] == theirs["df"]
    assert ours["ntotal"] == theirs["ntotal"]
    checked = 0
    for key in (*FIT_KEYS, "scaling_factor", "baseline_scaling_factor"):
        lav = theirs.get(LAVAAN_NAMES.get(key, key))
        if lav is not None:
            assert ours[key] == pytest.approx(lav, rel=0.005), key
            checked += 1
    for key in INDEX_KEYS:
        if theirs.get(key) is not None:
            assert ours[key] == pytest.approx(theirs[key], abs=0.002), key
            checked += 1
    # nothing lavaan does not give is made up
    for key in INDEX_KEYS + FIT_KEYS:
        if theirs.get(LAVAAN_NAMES.get(key, key)) is None:
            assert key not in ours, key
    assert checked >= 8


def assert_params_match(fit: Any, record: dict[str, Any]) -> None:
    ours, std = params(fit), std_loadings(fit)
    for p in record["params"]:
        key = (p["lhs"], p["op"], p["rhs"], p["group"])
        if p["se"] == 0:  # fixed by lavaan (marker loading, latent mean of group 1)
            assert key not in ours or ours[key][1] == 0.0
            continue
        est, se = ours[key]
        assert est == pytest.approx(p["est"], abs=0.01), key
        assert se == pytest.approx(p["se"], rel=0.02), key
        if p["op"] == "=~":
            assert std[key][0] == pytest.approx(p["est_std"], abs=0.01), key
            assert std[key][1] == pytest.approx(p["se_std"], rel=0.02), key


@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("level", LEVELS)
def test_invariance_levels_match_lavaan(ladders: dict[str, Any], setup: str, level: str) -> None:
    fit, record = ladders[setup]["fits"][level]
    assert fit.fit.estimator == SETUPS[setup]["estimator"]
    assert_fit_matches(fit.fit.to_dict(), record["fit"])
    assert_params_match(fit, record)


@pytest.mark.parametrize("setup", list(SETUPS))
def test_difference_tests_match_lavTestLRT(ladders: dict[str, Any], setup: str) -> None:
    fits, ref = ladders[setup]["fits"], ladders[setup]["ref"]
    for restricted, free, key in (("metric", "configural", "metric_vs_configural"),
                                  ("scalar", "metric", "scalar_vs_metric")):
        test = difference_test(fits[restricted][0], fits[free][0])
        lav = ref[key]
        expected = "standard" if lav["method"] == "default" else lav["method"]
        assert test.method == expected
        assert test.df == lav["df_diff"]
        assert test.chisq == pytest.approx(lav["chisq_diff"], rel=0.005)
        assert test.p_value == pytest.approx(lav["p_value"], rel=0.02, abs=1e-12)


@pytest.mark.parametrize("setup", ["ml_missing2/fiml_ml", "ml_missing2/fiml_mlr"])
@pytest.mark.parametrize("level", ["metric", "scalar"])
def test_score_tests_under_fiml_match_lavTestScore(ladders: dict[str, Any], setup: str,
                                                   level: str) -> None:
    fit, record = ladders[setup]["fits"][level]
    ours = fit.score_tests(record["groups"])
    theirs = {(t["item"], t["parameter"]): t["X2"] for t in record["score_tests"]}
    assert len(ours) == len(theirs)
    for t in ours:
        assert t.x2 == pytest.approx(theirs[(t.item, t.parameter)], rel=0.02, abs=1e-3)
    # the planted intercept shift of m04 is the largest at the scalar level
    if level == "scalar":
        assert (ours[0].item, ours[0].parameter) == ("m04", "intercept")


@pytest.mark.parametrize("setup", list(SETUPS))
def test_latent_means_and_variances_match_lavaan(ladders: dict[str, Any], setup: str) -> None:
    fit, record = ladders[setup]["fits"]["scalar"]
    names = record["groups"]
    lav = {(p["lhs"], p["op"], p["group"]): p for p in record["params"]
           if p["lhs"] in ("closeness", "conflict") and p["op"] in ("~1", "~~")
           and p["lhs"] == (p["rhs"] or p["lhs"])}
    for stat in fit.latent(names):
        g = names.index(stat.group) + 1
        mean, var = lav[(stat.factor, "~1", g)], lav[(stat.factor, "~~", g)]
        assert stat.mean == pytest.approx(mean["est"], abs=0.01)
        assert stat.variance == pytest.approx(var["est"], abs=0.01)
        if mean["se"] > 0:
            assert stat.mean_se == pytest.approx(mean["se"], rel=0.02)
        else:
            assert stat.mean_se is None
        assert stat.variance_se == pytest.approx(var["se"], rel=0.02)


def test_partial_scalar_under_fiml_mlr_matches_lavaan() -> None:
    ref = reference("ml_missing2")["fiml_mlr_partial_scalar"]
    raw, _ = groups_of("ml_missing2", ref["groups"])
    options = FitOptions(estimator="mlr", missing="fiml", identification="marker")
    fit = fit_level(model_of("ml_missing2"), raw, "scalar", [("m04", "intercept", ALL_GROUPS)],
                    options=options)
    assert_fit_matches(fit.fit.to_dict(), ref["fit"])
    assert_params_match(fit, ref)


CFAS = [("ml_missing2", "cfa_fiml_A", "ml", "fiml", False),
        ("ml_missing2", "cfa_fiml_mlr_A", "mlr", "fiml", False),
        ("ml_missing2", "cfa_listwise_mlr_A", "mlr", "listwise", False),
        ("ml_cluster", "cfa_ml", "ml", "listwise", False),
        ("ml_cluster", "cfa_mlr", "mlr", "listwise", False),
        ("ml_cluster", "cfa_mlr_cluster", "mlr", "listwise", True),
        ("ml_cluster_gaps", "cfa_mlr_cluster_fiml", "mlr", "fiml", True)]


@pytest.mark.parametrize(("name", "key", "estimator", "missing", "cluster"), CFAS,
                         ids=[c[1] for c in CFAS])
def test_single_group_cfa_matches_lavaan(name: str, key: str, estimator: str, missing: str,
                                         cluster: bool) -> None:
    record = reference(REFERENCE_OF.get(name, name))[key]
    label = "A" if name == "ml_missing2" else None
    items, cols, x = table(name)
    rows = np.array(cols["group"]) == label if label else np.ones(len(x), dtype=bool)
    ids = [np.array(cols["teacher"])[rows]] if cluster else None
    options = FitOptions(estimator=estimator, missing=missing,  # type: ignore[arg-type]
                         cluster=ids)
    model = model_of(name)
    order = [items.index(i) for i in model.items]
    result = fit_cfa(x[rows][:, order], list(model.items),
                     {i: model.factors[f] for i, f in zip(model.items, model.factor_of,
                                                          strict=True)}, options)
    assert result.n == record["nobs"][0]
    assert_fit_matches(result.fit.to_dict(), record["fit"])
    lav = {(p["lhs"], p["rhs"]): p for p in record["params"] if p["op"] == "=~"}
    for ld in result.loadings:
        p = lav[(ld.factor, ld.item)]
        assert ld.estimate == pytest.approx(p["est"], abs=0.01)
        assert ld.std == pytest.approx(p["est_std"], abs=0.01)
        assert ld.std_se == pytest.approx(p["se_std"], rel=0.02)
        if p["se"] > 0:
            assert ld.se == pytest.approx(p["se"], rel=0.02)
    assert record["meanstructure"] == (missing == "fiml" or cluster)


def test_fiml_with_clusters_in_two_groups_matches_lavaan() -> None:
    record = reference("ml_cluster")["metric_mlr_cluster_fiml"]
    raw, ids = groups_of("ml_cluster_gaps", record["groups"], cluster=True)
    options = FitOptions(estimator="mlr", missing="fiml", cluster=ids, identification="marker")
    fit = fit_level(model_of("ml_cluster_gaps"), raw, "metric", options=options)
    assert_fit_matches(fit.fit.to_dict(), record["fit"])
    assert_params_match(fit, record)


def test_fiml_uses_every_respondent_and_listwise_warns_with_counts() -> None:
    ref = reference("ml_missing2")
    raw, _ = groups_of("ml_missing2", ["A", "B"])
    model = model_of("ml_missing2")
    fiml = prepare(model, raw, FitOptions(estimator="ml", missing="fiml"))
    assert fiml.n == (320, 280) and fiml.n_excluded == (0, 0)
    assert not any("listwise" in w for w in fiml.warnings)
    for estimator in ("ml", "mlr"):
        lw = prepare(model, raw, FitOptions(estimator=estimator, missing="listwise"))  # type: ignore[arg-type]
        assert lw.n == (ref["listwise_n"]["A"], ref["listwise_n"]["B"])
        (line,) = [w for w in lw.warnings if "listwise deletion left out" in w]
        for g, n in zip(("A", "B"), lw.n, strict=True):
            total = 320 if g == "A" else 280
            assert f"group {g!r}: {total - n} of {total} ({(total - n) / total:.0%})" in line


def test_listwise_warning_only_above_ten_percent() -> None:
    rng = np.random.default_rng(4)
    eta = rng.standard_normal((400, 1))
    x = eta * 0.8 + rng.standard_normal((400, 6)) * 0.6
    x[:30, 0] = np.nan  # 7.5%
    factors = {f"i{k}": "F" for k in range(6)}
    result = fit_cfa(x, list(factors), factors)
    assert not any("listwise" in w for w in result.warnings)
    x[:60, 0] = np.nan  # 15%
    result = fit_cfa(x, list(factors), factors)
    assert any("left out more than 10% of the respondents (60 of 400 (15%))" in w
               for w in result.warnings)


def test_small_group_reaches_lavaans_improper_solution() -> None:
    ref = reference("ml_small15")
    small = ref["cfa_small"]
    raw, _ = groups_of("ml_small15", ["small"])
    model = model_of("ml_small15")
    factors = dict.fromkeys(model.items, "closeness")
    result = fit_cfa(raw[0].x, list(model.items), factors, FitOptions())
    assert result.converged and small["converged"]
    assert_fit_matches(result.fit.to_dict(), small["fit"])
    lav = {p["rhs"]: p for p in small["params"] if p["op"] == "=~"}
    for ld in result.loadings:
        assert ld.estimate == pytest.approx(lav[ld.item]["est"], abs=0.01)
    improper = [w for w in result.warnings if w.startswith("improper solution:")]
    negative = [p["lhs"] for p in small["params"]
                if p["op"] == "~~" and p["lhs"] == p["rhs"] and p["est"] < 0]
    assert negative and any(f"item {negative[0]!r} has a negative residual variance" in w
                            for w in improper)
    # the same group of 15 next to a group of 300 (configural model, lavaan: 62 iterations)
    conf = ref["configural"]
    raw2, _ = groups_of("ml_small15", conf["groups"])
    fit = fit_level(model, raw2, "configural", options=FitOptions(identification="marker"))
    assert_fit_matches(fit.fit.to_dict(), conf["fit"])
    assert any("improper solution" in w and "'small'" in w for w in fit.warnings)


def test_hard_small_samples_converge_where_lavaan_does() -> None:
    ref = reference("ml_small_hard")
    items, cols, x = table("ml_small_hard")
    samples = np.array(cols["group"])
    factors = dict.fromkeys(items, "closeness")
    for record in ref["fits"]:
        assert record["converged"]
        result = fit_cfa(x[samples == record["sample"]], items, factors, FitOptions())
        assert result.converged, record["sample"]
        assert result.fit.chisq == pytest.approx(record["fit"]["chisq"], rel=0.005), \
            record["sample"]
        lav = {p["rhs"]: p["est"] for p in record["params"] if p["op"] == "=~"}
        for ld in result.loadings:
            assert ld.estimate == pytest.approx(lav[ld.item], abs=0.01), record["sample"]


def test_nested_data_hint() -> None:
    _, cols, _ = table("ml_cluster")
    hint = nested_hint(cols["teacher"], "teacher")
    assert hint is not None and "--cluster teacher" in hint and "45 codes" in hint
    assert nested_hint([f"p{k}" for k in range(50)], "professional") is None
    assert nested_hint([None, "", float("nan")], "professional") is None


def test_cluster_option_errors() -> None:
    raw, ids = groups_of("ml_cluster", ["regular", "special"], cluster=True)
    model = model_of("ml_cluster")
    assert ids is not None
    with pytest.raises(AnalysisError, match="need estimator 'mlr'"):
        prepare(model, raw, FitOptions(estimator="ml", cluster=ids))
    with pytest.raises(AnalysisError, match="group 'regular': all respondents are in one"):
        prepare(model, raw, FitOptions(estimator="mlr",
                                       cluster=[np.zeros(len(g.x)) for g in raw]))
    with pytest.raises(AnalysisError, match="cluster ids for"):
        prepare(model, raw, FitOptions(estimator="mlr", cluster=[i[:-1] for i in ids]))
    few = prepare(model, raw, FitOptions(estimator="mlr", cluster=ids))
    assert any("only 23 clusters" in w for w in few.warnings)
    assert available("mlr") and available("mlr", "fiml") and available("ml", "fiml")


def test_fiml_bad_input_names_the_items() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((200, 6)) + rng.standard_normal((200, 1))
    factors = {f"i{k}": "F" for k in range(6)}
    options = FitOptions(missing="fiml")
    y = x.copy()
    y[:, 2] = np.nan
    with pytest.raises(AnalysisError, match="item 'i2' has no variance \\(nobody answered it\\)"):
        fit_cfa(y, list(factors), factors, options)
    y = x.copy()
    y[:100, 1] = np.nan
    y[100:, 4] = np.nan
    with pytest.raises(AnalysisError, match="items 'i1' and 'i4' were hardly ever answered"):
        fit_cfa(y, list(factors), factors, options)
    y = x.copy()
    y[:5] = np.nan  # empty rows are left out, as lavaan does
    assert fit_cfa(y, list(factors), factors, options).n_excluded == 5


def test_fiml_cost_follows_patterns_not_rows() -> None:
    """Three copies of the data: the same patterns (three times as frequent), the same
    estimates and three times the chi-square."""
    ref = reference("ml_missing2")
    raw, _ = groups_of("ml_missing2", ["A"])
    model = model_of("ml_missing2")
    options = FitOptions(estimator="ml", missing="fiml", identification="marker")
    once = fit_level(model, prepare(model, raw, options), "configural")
    tripled = [RawGroup("A", np.vstack([raw[0].x] * 3))]
    thrice = fit_level(model, prepare(model, tripled, options), "configural")
    assert len(thrice.groups[0].patterns.freq) == len(once.groups[0].patterns.freq) < 320
    assert thrice.fit.chisq == pytest.approx(3 * once.fit.chisq, rel=1e-8)
    assert once.fit.chisq == pytest.approx(ref["cfa_fiml_A"]["fit"]["chisq"], rel=0.005)
    np.testing.assert_allclose(thrice.est.x_full, once.est.x_full, atol=1e-7)

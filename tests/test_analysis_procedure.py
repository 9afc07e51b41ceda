"""The partial-invariance procedure against lavaan's path through the same data (issue 20).

``tests/reference/procedure_reference.R`` made the data and walked the procedure with lavaan
(``group.partial``, ``lavTestScore(release = ...)``, ``lavTestLRT``, std.lv): which
parameter is freed at each step, its joint score test, the refit, and the latent means and
variances of the final model. relscale must take the same path, whatever the order of the
rows and groups.
"""

from __future__ import annotations

import numpy as np
import pytest
from analysis_data import load_csv, reference

from relscale import analysis
from relscale.analysis.estimators import FitOptions
from relscale.analysis.invariance import InvarianceResult

FACTORS = {f"p{i:02d}": ("closeness", "conflict", "dependency")[(i - 1) // 4]
           for i in range(1, 13)}


def _data(name: str) -> tuple[list[str], dict[str, np.ndarray]]:
    items, groups, x = load_csv(name)
    return items, {g: x[groups == g] for g in dict.fromkeys(groups.tolist())}


@pytest.fixture(scope="module")
def first() -> tuple[InvarianceResult, dict]:
    items, data = _data("procedure_first")
    assert list(data) == ["foster", "school"]  # the non-invariant group comes first
    return (analysis.test_invariance(data, items, FACTORS, strict=True),
            reference("procedure_first.json"))


def _assert_fit(ours, ref: dict) -> None:
    assert ours.df == ref["df"]
    assert ours.chisq == pytest.approx(ref["chisq"], rel=0.005)
    for key in ("cfi", "tli", "rmsea", "srmr"):
        assert getattr(ours, key) == pytest.approx(ref[key], abs=0.002), key


def _assert_steps(result: InvarianceResult, ref: dict) -> None:
    assert len(result.steps) == len(ref["steps"])
    for ours, theirs in zip(result.steps, ref["steps"], strict=True):
        assert (ours.level, ours.test.item, ours.test.parameter) == (
            theirs["level"], theirs["item"], theirs["parameter"])
        assert ours.test.df == theirs["df"]
        assert ours.test.x2 == pytest.approx(theirs["X2"], rel=0.02)
        assert ours.test.holm_alpha == pytest.approx(theirs["holm_alpha"])
        _assert_fit(ours.fit.fit, theirs["fit"])
        cmp, ref_cmp = ours.comparison, theirs["comparison"]
        assert cmp.delta_chisq == pytest.approx(ref_cmp["delta_chisq"], rel=0.005)
        assert cmp.delta_df == ref_cmp["delta_df"]
        assert (cmp.chen_ok, cmp.lrt_ok, cmp.holds) == (
            ref_cmp["chen_ok"], ref_cmp["lrt_ok"], ref_cmp["holds"])


def test_path_matches_lavaan_with_the_non_invariant_group_first(first) -> None:
    result, ref = first
    for level in ("configural", "metric", "scalar", "strict"):
        _assert_fit(getattr(result, level).fit, ref["models"][level])
    _assert_steps(result, ref)
    # the planted loading, intercept (and the residual variance of the weak item) are freed
    # in all groups, once each; the first group's weak loading is not blamed on the other
    assert [(s.test.item, s.test.parameter) for s in result.steps] == [
        ("p03", "loading"), ("p07", "intercept"), ("p03", "residual")]
    assert [(o.level, o.holds) for o in result.outcomes] == [
        ("configural", True), *((o["level"], o["holds"]) for o in ref["outcomes"])]
    assert result.level == "partial strict"
    assert result.partial_scalar is not None
    # p03's intercept goes free with its loading (see the next test)
    assert {(it, p) for it, p, _ in result.partial_scalar.released} == {
        ("p03", "loading"), ("p03", "intercept"), ("p07", "intercept")}
    assert set(ref["steps"][1]["group_partial"]) == {"closeness =~ p03", "p03 ~ 1", "p07 ~ 1"}


def test_a_freed_loading_frees_its_intercept_or_the_result_depends_on_group_order() -> None:
    """An equal intercept under unequal loadings depends on the latent origin (the
    reference group): lavaan and relscale give different chi-squares for the two group
    orders unless the intercept goes free with the loading."""
    from relscale.analysis._model import ALL_GROUPS, measurement_model
    from relscale.analysis.estimators import RawGroup, fit_level, prepare

    ref = reference("procedure_first.json")["order_dependence"]
    items, data = _data("procedure_first")
    model = measurement_model(items, FACTORS)
    loading = ("p03", "loading", ALL_GROUPS)
    intercept = ("p03", "intercept", ALL_GROUPS)
    for k, order in enumerate((["foster", "school"], ["school", "foster"])):
        prepared = prepare(model, [RawGroup(g, data[g]) for g in order],
                           FitOptions(identification="std.lv"))
        without = fit_level(model, prepared, "scalar", [loading]).fit.chisq
        with_ = fit_level(model, prepared, "scalar", [loading, intercept]).fit.chisq
        assert without == pytest.approx(ref["without_intercept"][k], rel=1e-6)
        assert with_ == pytest.approx(ref["with_intercept"][k], rel=1e-6)
    assert abs(ref["without_intercept"][0] - ref["without_intercept"][1]) > 5
    assert ref["with_intercept"][0] == pytest.approx(ref["with_intercept"][1], rel=1e-8)


def test_joint_score_tests_match_lavTestScore_release(first) -> None:
    _, ref = first
    items, data = _data("procedure_first")
    from relscale.analysis._model import measurement_model
    from relscale.analysis.estimators import RawGroup, fit_level, prepare

    model = measurement_model(items, FACTORS)
    prepared = prepare(model, [RawGroup(g, x) for g, x in data.items()],
                       FitOptions(identification="std.lv"))
    metric = fit_level(model, prepared, "metric")
    for t in ref["score_metric_joint"]:
        x2, df = metric.joint_score_test(t["item"], "loading")
        assert (x2, df) == (pytest.approx(t["X2"], rel=0.02, abs=1e-3), t["df"]), t["item"]


def test_latent_means_and_variances_match_lavaan(first) -> None:
    result, ref = first
    assert result.latent_level == "strict"
    ours = {(s.group, s.factor): s for s in result.latent}
    assert len(ours) == len(ref["latent"]) == 6
    for t in ref["latent"]:
        s = ours[(t["group"], t["factor"])]
        assert s.mean == pytest.approx(t["mean"], abs=0.01)
        assert s.variance == pytest.approx(t["variance"], abs=0.01)
        for mine, theirs in ((s.mean_se, t.get("mean_se")), (s.variance_se, t.get("variance_se"))):
            if theirs is None:
                assert mine is None  # fixed in the reference group (std.lv)
            else:
                assert mine == pytest.approx(theirs, rel=0.02)
    # the planted lower closeness of the first group: school is .25 SD above foster
    assert ours[("school", "closeness")].mean > 2 * ours[("school", "closeness")].mean_se
    data = result.to_dict()
    assert data["latent"][3]["mean"] == pytest.approx(ours[("school", "closeness")].mean)


def _signature(result: InvarianceResult) -> tuple:
    return (result.level,
            [(s.level, s.test.item, s.test.parameter, round(s.test.x2, 6)) for s in result.steps],
            [round(getattr(result, lv).fit.chisq, 6) for lv in ("configural", "metric",
                                                                 "scalar")],
            [round(s.fit.fit.chisq, 6) for s in result.steps],
            round(result.steps[-1].fit.fit.cfi, 9) if result.steps else None)


@pytest.mark.parametrize("name", ["procedure_first", "procedure_marker"])
def test_permuting_rows_and_groups_changes_nothing(name: str) -> None:
    items, data = _data(name)
    base = analysis.test_invariance(data, items, FACTORS)
    rng = np.random.default_rng(7)
    for _ in range(2):
        order = list(rng.permutation(list(data)))
        shuffled = {g: data[g][rng.permutation(len(data[g]))] for g in order}
        again = analysis.test_invariance(shuffled, items, FACTORS)
        assert again.reference_group == order[0]
        assert _signature(again) == _signature(base)
        if base.latent_level in ("scalar", "strict"):
            # latent means move with the reference group (std.lv: its mean 0 and SD 1); the
            # difference in units of one group's SD does not
            def d(r: InvarianceResult, a: str, b: str) -> float:
                m = {s.group: s for s in r.latent if s.factor == "closeness"}
                return (m[b].mean - m[a].mean) / np.sqrt(m[a].variance)

            a, b = sorted(data)[:2]
            assert d(again, a, b) == pytest.approx(d(base, a, b), abs=1e-4)


def test_three_groups_free_the_marker_under_std_lv_as_lavaan() -> None:
    items, data = _data("procedure_marker")
    ref = reference("procedure_marker.json")
    result = analysis.test_invariance(data, items, FACTORS)
    _assert_steps(result, ref)
    assert result.steps[0].test.df == 2  # one parameter, freed in all three groups
    assert not any("marker item" in w for w in result.warnings)


def test_marker_identification_names_the_non_invariant_marker() -> None:
    items, data = _data("procedure_marker")
    ref = reference("procedure_marker.json")
    result = analysis.test_invariance(data, items, FACTORS,
                                      options=FitOptions(identification="marker"))
    _assert_fit(result.metric.fit, ref["marker_metric"])
    # lavaan's std.lv metric model: the marker's joint test is the largest of all loadings
    top = max(ref["std_lv_metric_joint"], key=lambda t: t["X2"])
    assert top["item"] == "p01"
    warning = next(w for w in result.warnings if "marker item" in w)
    assert "'p01'" in warning and "'closeness'" in warning and "std.lv" in warning
    assert f"{top['X2']:.1f}" in warning
    # no other loading is significant after Holm, so nothing is freed under the marker
    marker_tests = ref["marker_metric_joint"]
    assert min(t["p_value"] for t in marker_tests) > 0.05 / len(marker_tests)
    assert not [s for s in result.steps if s.level == "metric"]


def test_decision_never_says_means_comparable_when_the_criterion_rejects_scalar() -> None:
    items, data = _data("procedure_first")
    for criterion in ("lrt", "chen", "both"):
        result = analysis.test_invariance(data, items, FACTORS, criterion=criterion,
                                          partial=False)
        scalar_rejected = not result.scalar_vs_metric.holds or not \
            result.metric_vs_configural.holds
        if scalar_rejected:
            assert "means can be compared" not in result.decision
            assert "means and correlations can be compared" not in result.decision


def test_marker_case_disagreement_and_holm_stop_are_reported() -> None:
    items, data = _data("procedure_marker")
    result = analysis.test_invariance(data, items, FACTORS,
                                      options=FitOptions(identification="marker"))
    metric = next(o for o in result.outcomes if o.level == "metric")
    assert not metric.holds and metric.reason == "holm" and not metric.released
    assert result.level == "configural"
    # Chen's cut-offs alone accept every level, the χ² test does not: the decision says both
    assert set(result.by_criterion) == {"lrt", "chen"}
    assert result.by_criterion["lrt"][0] == "configural"
    assert result.by_criterion["chen"][0] == "scalar"
    assert "The two criteria disagree" in result.decision
    assert "means can be compared" not in result.decision
    assert result.to_dict()["by_criterion"]["chen"]["level"] == "scalar"


def _shifted(rng: np.random.Generator, n: int, shifts: list[float]) -> dict[str, np.ndarray]:
    def group(scale: float) -> np.ndarray:
        eta = rng.multivariate_normal([0, 0], [[1.0, 0.4], [0.4, 1.0]], size=n)
        x = eta[:, np.repeat([0, 1], 4)] * 0.8 + rng.standard_normal((n, 8)) * 0.6
        return x + scale * np.array(shifts)

    return {"A": group(0.0), "B": group(1.0)}


SIM_FACTORS = {f"x{i}": ("F1" if i <= 4 else "F2") for i in range(1, 9)}


def test_at_most_half_of_a_levels_constraints_are_freed() -> None:
    items = list(SIM_FACTORS)
    rng = np.random.default_rng(11)
    # intercepts shifted in both directions in five of eight items (three of one factor):
    # no common latent mean absorbs them, and freeing four is the most allowed
    shifts = [0.7, -0.7, 0.0, 0.0, 0.7, -0.7, 1.4, 0.0]
    result = analysis.test_invariance(_shifted(rng, 600, shifts), items, SIM_FACTORS,
                                      criterion="lrt")
    scalar = next(o for o in result.outcomes if o.level == "scalar")
    assert not scalar.holds and scalar.reason in ("half", "per_factor")
    assert len(scalar.released) <= 4
    assert result.level == "metric" and result.partial_scalar is None
    assert "does not hold, even partially" in result.decision
    assert result.latent_level == "metric"
    assert all(s["mean"] is None for s in result.to_dict()["latent"])
    # two shifted intercepts: freed (Holm-significant), and partial scalar holds
    shifts = [0.0, 0.6, 0.0, 0.0, 0.0, 0.0, -0.6, 0.0]
    result = analysis.test_invariance(_shifted(rng, 600, shifts), items, SIM_FACTORS,
                                      criterion="lrt")
    assert {(s.test.item, s.test.parameter) for s in result.steps} == {
        ("x2", "intercept"), ("x7", "intercept")}
    assert all(s.test.p_value < s.test.holm_alpha for s in result.steps)
    assert [s.test.holm_alpha for s in result.steps] == pytest.approx([0.05 / 8, 0.05 / 7])
    assert result.level == "partial scalar"

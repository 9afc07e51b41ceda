"""Measurement invariance across groups: configural, metric, scalar, and partial.

The three models are lavaan's ``cfa(model, data, group = "group", group.equal = ...)``
with ``group.equal`` empty, ``"loadings"`` and ``c("loadings", "intercepts")``: a mean
structure in every group, marker loadings fixed to 1, latent means fixed to 0 in the
first group and free in the others once intercepts are equal. Fit measures follow
lavaan's multi-group definitions (chi-square summed over groups, RMSEA times sqrt(G),
SRMR weighted by N_g / N); the score tests are ``lavTestScore``'s univariate tests.

Each step is judged by Chen's (2007) cut-offs (CFI drops by at most .010, RMSEA rises by
at most .015), by the likelihood-ratio test, or by both. When a step fails, the partial
procedure frees the equality constraint with the largest score statistic, one at a time,
until the step passes, keeping at least two invariant items per factor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from scipy import stats

from ._estimation import Estimate, estimate
from ._model import INTERCEPT, LOADING, MeasurementModel, Release, build_layout, measurement_model
from ._solution import standardized, std_entries, vcov
from ._threads import single_threaded
from .cfa import solution_warnings
from .data import GroupData, prepare_group
from .errors import AnalysisError
from .fit import FitMeasures, fit_measures
from .score_tests import ScoreTest, score_tests

Criterion = Literal["chen", "lrt", "both"]
DELTA_CFI = 0.010
DELTA_RMSEA = 0.015
CONFIGURAL_CFI = 0.90
CONFIGURAL_RMSEA = 0.08


@dataclass(frozen=True)
class ModelFit:
    """One fitted invariance model and the constraints freed in it."""

    level: str
    fit: FitMeasures
    released: tuple[Release, ...] = ()

    def to_dict(self, group_names: Sequence[str]) -> dict[str, Any]:
        out = self.fit.to_dict()
        out["released"] = [
            {"item": it, "parameter": kind, "group": group_names[g]}
            for it, kind, g in self.released
        ]
        return out


@dataclass(frozen=True)
class Comparison:
    """A constrained model against the less constrained one it is nested in."""

    delta_chisq: float
    delta_df: int
    p_value: float
    delta_cfi: float
    delta_rmsea: float
    chen_ok: bool
    lrt_ok: bool
    holds: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def compare(
    restricted: FitMeasures, free: FitMeasures, criterion: Criterion = "chen", alpha: float = 0.05
) -> Comparison:
    """Nested likelihood-ratio test and the change in CFI and RMSEA (Chen, 2007)."""
    d_chi = max(restricted.chisq - free.chisq, 0.0)
    d_df = restricted.df - free.df
    p = float(stats.chi2.sf(d_chi, d_df)) if d_df > 0 else 1.0
    d_cfi = restricted.cfi - free.cfi
    d_rmsea = restricted.rmsea - free.rmsea
    chen_ok = bool(d_cfi >= -DELTA_CFI and d_rmsea <= DELTA_RMSEA)
    lrt_ok = bool(p >= alpha)
    holds = {"chen": chen_ok, "lrt": lrt_ok, "both": chen_ok and lrt_ok}[criterion]
    return Comparison(float(d_chi), int(d_df), p, float(d_cfi), float(d_rmsea), chen_ok, lrt_ok,
                      holds)


@dataclass(frozen=True)
class PartialStep:
    """One constraint freed by the partial procedure and the comparison after freeing."""

    level: str  # metric | scalar
    test: ScoreTest
    fit: FitMeasures
    comparison: Comparison


@dataclass
class InvarianceResult:
    """The invariance ladder for one instrument across groups, with a verdict."""

    groups: dict[str, int]  # group -> N (complete cases)
    items: list[str]
    configural: ModelFit
    metric: ModelFit
    scalar: ModelFit
    metric_vs_configural: Comparison
    scalar_vs_metric: Comparison
    score_tests: list[ScoreTest]  # on the scalar model (loadings and intercepts)
    score_tests_metric: list[ScoreTest]
    partial_metric: ModelFit | None
    partial_scalar: ModelFit | None
    steps: list[PartialStep]
    level: str  # none | configural | partial metric | metric | partial scalar | scalar
    decision: str
    criterion: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable result (keys ``configural``, ``metric``, ``scalar``, ...)."""
        names = list(self.groups)
        return {
            "groups": dict(self.groups),
            "items": list(self.items),
            "configural": self.configural.to_dict(names),
            "metric": self.metric.to_dict(names),
            "scalar": self.scalar.to_dict(names),
            "metric_vs_configural": self.metric_vs_configural.to_dict(),
            "scalar_vs_metric": self.scalar_vs_metric.to_dict(),
            "score_tests": [t.to_dict() for t in self.score_tests],
            "score_tests_metric": [t.to_dict() for t in self.score_tests_metric],
            "partial_metric": self.partial_metric.to_dict(names) if self.partial_metric else None,
            "partial_scalar": self.partial_scalar.to_dict(names) if self.partial_scalar else None,
            "steps": [
                {"level": s.level, "freed": s.test.to_dict(), "fit": s.fit.to_dict(),
                 "comparison": s.comparison.to_dict()}
                for s in self.steps
            ],
            "level": self.level,
            "decision": self.decision,
            "criterion": self.criterion,
            "warnings": list(self.warnings),
        }


LEVELS: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
}


def fit_level(
    model: MeasurementModel,
    groups: Sequence[GroupData],
    level: str,
    released: Sequence[Release] = (),
    *,
    max_iter: int = 300,
) -> tuple[Estimate, FitMeasures]:
    """Fit one invariance model (``level`` as lavaan's ``group.equal``) and its fit."""
    layout = build_layout(model, len(groups), equal=LEVELS[level], meanstructure=True,
                          released=released)
    est = estimate(layout, groups, max_iter=max_iter)
    what = f"the {level} model" + (" (partial)" if released else "")
    if not est.converged:
        raise AnalysisError(f"{what} did not converge in {est.iterations} iterations")
    try:
        vcov(est)
    except AnalysisError:
        raise AnalysisError(f"{what} is not identified with these data "
                            f"(singular information matrix)") from None
    return est, fit_measures(est, groups)


def _can_release(model: MeasurementModel, released: Sequence[Release], test: ScoreTest,
                 group: int) -> bool:
    """Keep at least two invariant items per factor (the marker counts for loadings)."""
    f = model.factor_of[model.items.index(test.item)]
    members = [it for it, ff in zip(model.items, model.factor_of, strict=True) if ff == f]
    freed = {it for it, kind, g in released if kind == test.parameter and g == group}
    freed.add(test.item)
    return len([it for it in members if it not in freed]) >= 2


def _partial(
    model: MeasurementModel,
    groups: Sequence[GroupData],
    names: Sequence[str],
    level: str,
    kind: str,
    base: FitMeasures,
    released: list[Release],
    criterion: Criterion,
    alpha: float,
    max_iter: int,
) -> tuple[list[PartialStep], FitMeasures | None, Comparison | None]:
    """Free the largest-score constraint of ``kind`` one at a time until ``level`` holds."""
    steps: list[PartialStep] = []
    last_fit: FitMeasures | None = None
    last_cmp: Comparison | None = None
    est, _ = fit_level(model, groups, level, released, max_iter=max_iter)
    while True:
        tests = [t for t in score_tests(est, groups, names) if t.parameter == kind]
        candidates = [t for t in tests if _can_release(model, released, t, names.index(t.group))]
        if not candidates:
            break
        top = candidates[0]
        released.append((top.item, kind, names.index(top.group)))
        est, last_fit = fit_level(model, groups, level, released, max_iter=max_iter)
        last_cmp = compare(last_fit, base, criterion, alpha)
        steps.append(PartialStep(level, top, last_fit, last_cmp))
        if last_cmp.holds:
            break
    return steps, last_fit, last_cmp


def _freed_text(released: Sequence[Release], names: Sequence[str]) -> str:
    return ", ".join(f"{kind} of {it!r} in group {names[g]!r}" for it, kind, g in released)


@single_threaded
def test_invariance(
    data_by_group: Mapping[str, Any],
    items: Sequence[str],
    factors: Mapping[str, str],
    *,
    criterion: Criterion = "chen",
    alpha: float = 0.05,
    partial: bool = True,
    max_iter: int = 300,
) -> InvarianceResult:
    """Configural, metric and scalar invariance as lavaan's ``group.equal`` ladder.

    :param data_by_group: group name -> respondents x items (NaN for missing; listwise
        deletion per group), columns in ``items`` order, reverse-keyed items recoded. Use
        :func:`relscale.analysis.shared_items` first when groups answered different slots.
    :param factors: item -> factor.
    :param criterion: ``"chen"`` (ΔCFI ≥ -.010 and ΔRMSEA ≤ .015), ``"lrt"`` (Δχ² p ≥
        ``alpha``) or ``"both"``; decides each step and the partial procedure.
    :param partial: free constraints by their score tests when a step fails.
    :raises AnalysisError: fewer than 2 groups, degenerate data in a group (naming it),
        an unidentified or non-converging model.
    """
    if len(data_by_group) < 2:
        raise AnalysisError(f"invariance needs at least 2 groups, got {len(data_by_group)}")
    model = measurement_model(items, factors)
    names = list(data_by_group)
    groups = [prepare_group(data_by_group[n], model.items, n) for n in names]
    warnings = [f"group {g.name!r}: {g.n_excluded} respondent(s) with missing answers left "
                f"out (listwise deletion)" for g in groups if g.n_excluded]
    warnings += [f"group {g.name!r} has only {g.n} complete respondents; invariance tests "
                 f"are unstable below about 200 per group" for g in groups if g.n < 200]

    conf_est, conf = fit_level(model, groups, "configural", max_iter=max_iter)
    entries = std_entries(conf_est.layout)
    values = standardized(conf_est.layout, conf_est.theta, entries)
    warnings += [f"configural model: {w}"
                 for w in solution_warnings(conf_est, entries, values, names)]
    met_est, met = fit_level(model, groups, "metric", max_iter=max_iter)
    sca_est, sca = fit_level(model, groups, "scalar", max_iter=max_iter)
    tests_metric = score_tests(met_est, groups, names)
    tests_scalar = score_tests(sca_est, groups, names)
    met_cmp = compare(met, conf, criterion, alpha)
    sca_cmp = compare(sca, met, criterion, alpha)

    steps: list[PartialStep] = []
    released: list[Release] = []
    partial_metric = partial_scalar = None
    metric_ok, metric_base = met_cmp.holds, met
    if not metric_ok and partial:
        s, fit_p, cmp_p = _partial(model, groups, names, "metric", LOADING, conf, released,
                                   criterion, alpha, max_iter)
        steps += s
        if fit_p is not None and cmp_p is not None:
            partial_metric = ModelFit("metric", fit_p, tuple(released))
            metric_ok, metric_base = cmp_p.holds, fit_p
    scalar_ok = False
    if metric_ok:
        if released:
            _, sca_p = fit_level(model, groups, "scalar", released, max_iter=max_iter)
            sca_cmp_now = compare(sca_p, metric_base, criterion, alpha)
        else:
            sca_p, sca_cmp_now = sca, sca_cmp
        scalar_ok = sca_cmp_now.holds
        if not scalar_ok and partial:
            s, fit_p, cmp_p = _partial(model, groups, names, "scalar", INTERCEPT, metric_base,
                                       released, criterion, alpha, max_iter)
            steps += s
            if fit_p is not None and cmp_p is not None:
                scalar_ok = cmp_p.holds
                partial_scalar = ModelFit("scalar", fit_p, tuple(released))
        elif released:
            partial_scalar = ModelFit("scalar", sca_p, tuple(released))

    level, decision = _decide(conf, metric_ok, scalar_ok, released, names)
    return InvarianceResult(
        groups={g.name: g.n for g in groups}, items=list(model.items),
        configural=ModelFit("configural", conf), metric=ModelFit("metric", met),
        scalar=ModelFit("scalar", sca), metric_vs_configural=met_cmp,
        scalar_vs_metric=sca_cmp, score_tests=tests_scalar, score_tests_metric=tests_metric,
        partial_metric=partial_metric, partial_scalar=partial_scalar, steps=steps,
        level=level, decision=decision, criterion=criterion, warnings=warnings,
    )


test_invariance.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _decide(conf: FitMeasures, metric_ok: bool, scalar_ok: bool, released: Sequence[Release],
            names: Sequence[str]) -> tuple[str, str]:
    """The invariance level reached and what it allows, in one plain sentence."""
    if conf.cfi < CONFIGURAL_CFI or conf.rmsea > CONFIGURAL_RMSEA:
        return "none", (
            f"the factor model does not fit every group (configural CFI {conf.cfi:.3f}, "
            f"RMSEA {conf.rmsea:.3f}); scores are not comparable across groups"
        )
    loadings = [r for r in released if r[1] == LOADING]
    intercepts = [r for r in released if r[1] == INTERCEPT]
    if not metric_ok:
        return "configural", (
            "same factor structure, but loadings differ; compare neither scale means nor "
            "correlations across groups"
        )
    if not scalar_ok:
        if loadings:
            return "partial metric", (
                f"scores comparable at the partial metric level (freed: "
                f"{_freed_text(loadings, names)}); compare correlations, not means"
            )
        return "metric", "scores comparable at the metric level; compare correlations, not means"
    if intercepts or loadings:
        return "partial scalar", (
            f"scores comparable at the partial scalar level (freed: "
            f"{_freed_text(released, names)}); compare latent means from the partial model, "
            f"not raw scale means"
        )
    return "scalar", "scores comparable at the scalar level; means and correlations can be compared"

"""Measurement invariance across groups: configural, (thresholds,) metric, scalar, (strict),
with partial invariance done as the literature does it.

The models are lavaan's ``cfa(model, data, group = "group", group.equal = ...)`` with
``group.equal`` empty, ``"loadings"``, ``c("loadings", "intercepts")`` and, optionally,
``+ "residuals"`` (strict); for ordinal items (``wlsmv``) the ladder is Wu & Estabrook's
(2016): configural, thresholds, metric, scalar. Models are fitted through
:mod:`relscale.analysis.estimators`, so every estimator (ml, mlr, wlsmv) and missing-data
handling runs the same procedure. Identification defaults to ``std.lv`` (factor variances 1
and means 0 in the first group, free in the others once loadings / intercepts are equal),
so a non-invariant marker item cannot spoil the procedure; with ``marker`` identification
the result says when the marker is the non-invariant item.

Each level is judged against the last level that held by Chen's (2007) cut-offs as
published, by the difference test, or by both (the default); see
:mod:`relscale.analysis._compare`. The partial procedure (:mod:`relscale.analysis._ladder`)
frees a parameter in all groups at a time, chosen by the largest joint score test, with a
Holm-corrected stopping rule, so the result does not depend on the order of rows or groups.
When the two criteria disagree, each is followed on its own as well and the decision says
what each allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from relscale.i18n import _

from ._compare import CRITERIA, Comparison, Criterion, compare, srmr_cutoff
from ._ladder import Ladder, LevelOutcome, PartialStep, run_ladder
from ._messages import model_label, retag, tag_of
from ._model import ALL_GROUPS, Release, measurement_model
from ._threads import single_threaded
from ._verdict import decide, disagreement, level_label, summary
from .errors import AnalysisError
from .estimators import (
    FitOptions,
    LatentStat,
    LevelFit,
    Prepared,
    RawGroup,
    check_options,
    difference_test,
    fit_level,
    levels_for,
    prepare,
)
from .fit import FitMeasures
from .score_tests import ScoreTest

__all__ = ["Comparison", "Criterion", "InvarianceResult", "ModelFit", "PartialStep",
           "compare", "test_invariance"]


@dataclass(frozen=True)
class ModelFit:
    """One fitted invariance model and the parameters freed in it."""

    level: str
    fit: FitMeasures
    released: tuple[Release, ...] = ()

    def to_dict(self, group_names: Sequence[str]) -> dict[str, Any]:
        out = self.fit.to_dict()
        out["released"] = [
            {"item": it, "parameter": kind,
             "group": "all" if g == ALL_GROUPS else group_names[g]}
            for it, kind, g in self.released
        ]
        return out


@dataclass
class InvarianceResult:
    """The invariance ladder for one instrument across groups, with a verdict."""

    groups: dict[str, int]  # group -> N used
    items: list[str]
    configural: ModelFit
    metric: ModelFit
    scalar: ModelFit
    metric_vs_configural: Comparison
    """Full metric against the level below it (configural; thresholds for ordinal items)."""
    scalar_vs_metric: Comparison
    score_tests: list[ScoreTest]  # univariate, on the full scalar model
    score_tests_metric: list[ScoreTest]
    partial_metric: ModelFit | None
    partial_scalar: ModelFit | None
    steps: list[PartialStep]
    level: str  # none | configural | [partial] thresholds | metric | scalar | strict
    decision: str
    criterion: str
    warnings: list[str] = field(default_factory=list)
    options: FitOptions = field(default_factory=FitOptions)
    estimator_note: str = ""
    thresholds: ModelFit | None = None
    strict: ModelFit | None = None
    thresholds_vs_configural: Comparison | None = None
    strict_vs_scalar: Comparison | None = None
    partial_strict: ModelFit | None = None
    outcomes: list[LevelOutcome] = field(default_factory=list)
    latent: list[LatentStat] = field(default_factory=list)
    latent_level: str | None = None
    """The model the latent statistics come from (means only from scalar or strict)."""
    by_criterion: dict[str, tuple[str, str]] = field(default_factory=dict)
    """When the χ² test and Chen's cut-offs disagree: criterion -> (level, decision)."""
    n_excluded: dict[str, int] = field(default_factory=dict)

    @property
    def reference_group(self) -> str:
        return next(iter(self.groups))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable result (``configural``, ``metric``, ``scalar``, ``estimator``,
        ``latent``, ...)."""
        names = list(self.groups)
        out: dict[str, Any] = {
            "groups": dict(self.groups),
            "n_excluded": dict(self.n_excluded),
            "items": list(self.items),
            **self.options.describe(),
            "estimator_note": self.estimator_note,
            "reference_group": self.reference_group,
        }
        for level in ("configural", "thresholds", "metric", "scalar", "strict"):
            model = getattr(self, level)
            if model is not None:
                out[level] = model.to_dict(names)
        for key in ("thresholds_vs_configural", "metric_vs_configural", "scalar_vs_metric",
                    "strict_vs_scalar"):
            cmp = getattr(self, key)
            if cmp is not None:
                out[key] = cmp.to_dict()
        out["score_tests"] = [t.to_dict() for t in self.score_tests]
        out["score_tests_metric"] = [t.to_dict() for t in self.score_tests_metric]
        for key in ("partial_metric", "partial_scalar", "partial_strict"):
            model = getattr(self, key)
            out[key] = model.to_dict(names) if model is not None else None
        out["steps"] = [
            {"level": s.level, "freed": s.test.to_dict(), "fit": s.fit.fit.to_dict(),
             "comparison": s.comparison.to_dict()}
            for s in self.steps
        ]
        out["outcomes"] = [
            {"level": o.level, "holds": o.holds,
             "released": [{"item": it, "parameter": p} for it, p, _ in o.released],
             "reason": o.reason,
             "comparison": o.comparison.to_dict() if o.comparison else None}
            for o in self.outcomes
        ]
        means = self.latent_level in ("scalar", "strict")
        out["latent_level"] = self.latent_level
        out["latent"] = [
            {**s.to_dict(), **({} if means else {"mean": None, "mean_se": None})}
            for s in self.latent
        ]
        out["level"] = self.level
        out["decision"] = self.decision
        out["criterion"] = self.criterion
        out["by_criterion"] = {k: {"level": v[0], "decision": v[1]}
                               for k, v in self.by_criterion.items()}
        out["warnings"] = list(self.warnings)
        return out


def _partial_model(outcome: LevelOutcome | None, released: Sequence[Release]
                   ) -> ModelFit | None:
    """The partial model of a level that needed freed parameters (cumulative releases)."""
    if outcome is None or not released:
        return None
    return ModelFit(outcome.level, outcome.fit.fit, tuple(released))


@single_threaded
def test_invariance(
    data_by_group: Mapping[str, Any],
    items: Sequence[str],
    factors: Mapping[str, str],
    *,
    criterion: Criterion = "both",
    alpha: float = 0.05,
    partial: bool = True,
    strict: bool = False,
    options: FitOptions | None = None,
    estimator_note: str = "",
    max_iter: int | None = None,
) -> InvarianceResult:
    """The invariance ladder as lavaan's ``group.equal`` models, with partial invariance.

    :param data_by_group: group name -> respondents x items (NaN for missing), columns in
        ``items`` order, reverse-keyed items recoded. The first group is the reference
        (latent mean 0, and variance 1 under std.lv); nothing else depends on the order.
    :param factors: item -> factor.
    :param criterion: ``"chen"`` (Chen 2007 as published), ``"lrt"`` (difference test p ≥
        ``alpha``) or ``"both"`` (a level holds when both say so).
    :param partial: free parameters by their score tests when a level fails.
    :param strict: also test equal residual variances (strict invariance).
    :param options: estimator, missing-data handling, clustering, identification
        (default: ml, listwise, std.lv).
    :raises AnalysisError: fewer than 2 groups, degenerate data in a group (naming it),
        an unidentified or non-converging model, an unavailable estimator.
    """
    if len(data_by_group) < 2:
        raise AnalysisError(_("invariance needs at least 2 groups, got {n}").format(
            n=len(data_by_group)))
    if criterion not in CRITERIA:
        raise AnalysisError(_("unknown criterion {criterion!r} (choose from: {choices})").format(
            criterion=criterion, choices=", ".join(CRITERIA)))
    options = options or FitOptions(identification="std.lv")
    if max_iter is not None:
        options = replace(options, max_iter=max_iter)
    check_options(options)
    model = measurement_model(items, factors)
    names = list(data_by_group)
    raw = [RawGroup(n, data_by_group[n]) for n in names]
    prepared = prepare(model, raw, options)
    levels = ["configural", *[lv for lv in ("thresholds", "metric", "scalar")
                              if lv in levels_for(options)]]
    if strict:
        check_options(options, "strict")
        levels.append("strict")
    cache: dict[tuple[str, tuple[Release, ...]], LevelFit] = {}
    ladder = run_ladder(prepared, levels, criterion, alpha, partial, cache)
    level, decision = decide(ladder, names)
    by: dict[str, tuple[str, str]] = {}
    if criterion == "both" and any(
            o.comparison is not None and not o.comparison.agree for o in ladder.outcomes):
        for single in ("lrt", "chen"):
            alone = run_ladder(prepared, levels, single, alpha, partial, cache)
            by[single] = (level_label(alone), summary(alone))
        if by["lrt"][0] != by["chen"][0]:
            decision = f"{decision}. {disagreement(by)}"
        else:
            by = {}
    return _result(prepared, ladder, levels, criterion, alpha, level, decision, by,
                   estimator_note, cache)


test_invariance.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _result(prepared: Prepared, ladder: Ladder, levels: Sequence[str], criterion: str,
            alpha: float, level: str, decision: str, by: dict[str, tuple[str, str]],
            note: str, cache: dict[tuple[str, tuple[Release, ...]], LevelFit]
            ) -> InvarianceResult:
    names = list(prepared.names)

    def full(lv: str) -> LevelFit:
        if (lv, ()) not in cache:
            cache[(lv, ())] = fit_level(prepared.model, prepared, lv)
        return cache[(lv, ())]

    def versus(lv: str, below: str) -> Comparison:
        a, b = full(lv), full(below)
        return compare(a.fit, b.fit, criterion, alpha,  # type: ignore[arg-type]
                       test=difference_test(a, b), cutoff=srmr_cutoff(lv))

    below_metric = "thresholds" if "thresholds" in levels else "configural"
    warnings = list(prepared.warnings)  # listwise deletion: one line, counts per group
    warnings += [_("group {group!r} has only {n} respondents; invariance tests are unstable "
                   "below about 200 per group").format(group=g, n=n)
                 for g, n in zip(names, prepared.n, strict=True) if n < 200]
    warnings += [retag(f"{model_label('configural')}: {w}", w)
                 for w in full("configural").warnings]
    final = ladder.final
    if final is not None and final.level != "configural":
        warnings += [retag(f"{model_label(final.level)}: {w}", w)
                     for w in final.fit.warnings if tag_of(w) == "improper"]
    warnings += ladder.warnings
    released_upto: dict[str, list[Release]] = {}
    acc: list[Release] = []
    for o in ladder.outcomes:
        acc = acc + list(o.released)
        released_upto[o.level] = acc if o.holds else []
    latent: list[LatentStat] = []
    latent_level = None
    if final is not None and final.level in ("metric", "scalar", "strict"):
        latent, latent_level = final.fit.latent(names), final.level
    return InvarianceResult(
        groups=dict(zip(names, prepared.n, strict=True)), items=list(prepared.model.items),
        configural=ModelFit("configural", full("configural").fit),
        metric=ModelFit("metric", full("metric").fit),
        scalar=ModelFit("scalar", full("scalar").fit),
        metric_vs_configural=versus("metric", below_metric),
        scalar_vs_metric=versus("scalar", "metric"),
        score_tests=full("scalar").score_tests(names),
        score_tests_metric=full("metric").score_tests(names),
        partial_metric=_partial_model(ladder.outcome("metric"), released_upto.get("metric", [])),
        partial_scalar=_partial_model(ladder.outcome("scalar"), released_upto.get("scalar", [])),
        partial_strict=_partial_model(ladder.outcome("strict"), released_upto.get("strict", [])),
        steps=ladder.steps, level=level, decision=decision, criterion=criterion,
        warnings=list(dict.fromkeys(warnings)), options=prepared.options, estimator_note=note,
        thresholds=ModelFit("thresholds", full("thresholds").fit)
        if "thresholds" in levels else None,
        strict=ModelFit("strict", full("strict").fit) if "strict" in levels else None,
        thresholds_vs_configural=versus("thresholds", "configural")
        if "thresholds" in levels else None,
        strict_vs_scalar=versus("strict", "scalar") if "strict" in levels else None,
        outcomes=ladder.outcomes, latent=latent, latent_level=latent_level, by_criterion=by,
        n_excluded=dict(zip(names, prepared.n_excluded, strict=True)),
    )


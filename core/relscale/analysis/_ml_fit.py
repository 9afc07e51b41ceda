"""The ``ml`` estimator behind :mod:`relscale.analysis.estimators` (lavaan's defaults).

Normal-theory maximum likelihood with expected information, complete cases per group
(``missing = "listwise"``); the levels are lavaan's ``group.equal`` ladder: configural
(nothing), metric (``"loadings"``), scalar (``+ "intercepts"``), strict (``+
"residuals"``), always with a mean structure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._chi2 import chi2_sf
from ._estimation import Estimate, estimate
from ._messages import did_not_converge, model_name, not_identified
from ._model import MeasurementModel, Release, build_layout
from ._solution import standardized, std_entries, vcov
from .data import GroupData, listwise_warning, prepare_group
from .errors import AnalysisError
from .estimators import DifferenceTest, FitOptions, LatentStat, Prepared, RawGroup
from .fit import FitMeasures, fit_measures
from .score_tests import ScoreTest, joint_score_test, score_tests

SUPPORTS: Mapping[str, Any] = {
    "missing": ("listwise", "fiml"),  # fiml: relscale.analysis._mlr_fit
    "levels": ("configural", "metric", "scalar", "strict"),
    "cluster": False,
}

EQUAL: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}


def prepare(model: MeasurementModel, groups: Sequence[RawGroup],
            options: FitOptions) -> Prepared:
    if options.missing == "fiml":
        from . import _mlr_fit

        return _mlr_fit.prepare(model, groups, options)
    data = [prepare_group(g.x, model.items, g.name) for g in groups]
    line = listwise_warning([g.name for g in groups], [d.n for d in data],
                            [d.n_excluded for d in data])
    return Prepared(model, tuple(g.name for g in groups), options,
                    tuple(d.n for d in data), tuple(d.n_excluded for d in data), data,
                    [line] if line else [])


@dataclass
class MlLevelFit:
    """One level fitted by ML (see :class:`relscale.analysis.estimators.LevelFit`)."""

    level: str
    released: tuple[Release, ...]
    options: FitOptions
    fit: FitMeasures
    est: Estimate
    groups: list[GroupData]
    warnings: list[str] = field(default_factory=list)

    def score_tests(self, group_names: Sequence[str]) -> list[ScoreTest]:
        return score_tests(self.est, self.groups, group_names)

    def joint_score_test(self, item: str, parameter: str) -> tuple[float, int] | None:
        return joint_score_test(self.est, self.groups, item, parameter)

    def latent(self, group_names: Sequence[str]) -> list[LatentStat]:
        layout = self.est.layout
        cov = vcov(self.est)
        found: dict[tuple[str, int, int], tuple[float, float]] = {}
        for k, prm in enumerate(layout.params):
            if prm.kind == "latent_mean" or (prm.kind == "factor_cov" and prm.row == prm.col):
                red = layout.reduced_of_full[k]
                found[(prm.kind, prm.group, prm.row)] = (
                    float(self.est.x_full[k]), float(np.sqrt(max(cov[red, red], 0.0))))
        out = []
        for g, name in enumerate(group_names):
            for f, factor in enumerate(layout.model.factors):
                mean, mean_se = found.get(("latent_mean", g, f), (0.0, None))
                var, var_se = found.get(("factor_cov", g, f), (1.0, None))
                out.append(LatentStat(name, factor, mean, mean_se, var, var_se))
        return out


def fit_level(prepared: Prepared, level: str, released: tuple[Release, ...]) -> Any:
    from .cfa import solution_warnings

    if prepared.options.missing == "fiml":
        from . import _mlr_fit

        return _mlr_fit.fit_level(prepared, level, released)

    groups: list[GroupData] = prepared.data
    options = prepared.options
    layout = build_layout(prepared.model, len(groups), equal=EQUAL[level], meanstructure=True,
                          released=released, identification=options.identification)
    est = estimate(layout, groups, max_iter=options.max_iter)
    what = model_name(level, bool(released))
    if not est.converged:
        raise AnalysisError(did_not_converge(what, est.iterations))
    try:
        vcov(est)
    except AnalysisError:
        raise AnalysisError(not_identified(what)) from None
    entries = std_entries(layout)
    values = standardized(layout, est.theta, entries)
    warnings = solution_warnings(est, entries, values, list(prepared.names))
    return MlLevelFit(level, released, options, fit_measures(est, groups), est, groups,
                      warnings)


def difference_test(restricted: MlLevelFit, free: MlLevelFit) -> DifferenceTest:
    """``lavTestLRT`` with ML: the plain chi-square difference."""
    d_chi = max(restricted.fit.chisq - free.fit.chisq, 0.0)
    d_df = restricted.fit.df - free.fit.df
    p = chi2_sf(d_chi, d_df) if d_df > 0 else 1.0
    return DifferenceTest(float(d_chi), int(d_df), p, "standard")


def fit_cfa(data: Any, items: Sequence[str], factors: Mapping[str, str],
            options: FitOptions) -> Any:
    from .cfa import fit_cfa as fit_ml_cfa

    if options.missing == "fiml":
        from . import _mlr_fit

        return _mlr_fit.fit_cfa(data, items, factors, options)
    return fit_ml_cfa(data, items, factors, max_iter=options.max_iter,
                      identification=options.identification)

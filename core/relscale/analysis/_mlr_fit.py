"""The ``mlr`` estimator, and ``ml`` with ``missing = "fiml"``, behind
:mod:`relscale.analysis.estimators`.

- ``mlr`` is lavaan's ``estimator = "MLR"``: ML estimates, robust (Huber-White) standard
  errors, the Yuan-Bentler scaled chi-square (Mplus variant) and the scaled and robust
  CFI/TLI/RMSEA; with ``cluster`` lavaan's ``cluster =`` (cluster-robust standard errors
  and chi-square); with ``missing = "fiml"`` on every answer given.
- ``ml`` with ``missing = "fiml"`` is lavaan's ``missing = "ml"``: standard errors from the
  observed information, chi-square against the EM-estimated saturated model, the baseline
  under FIML and lavaan's FIML-corrected robust CFI/TLI/RMSEA.

Nested models are compared by the Satorra-Bentler (2001) scaled difference (``mlr``) or
the plain difference (``ml``), as ``lavTestLRT``. Score tests are lavaan's
``lavTestScore``: expected information, not robust (lavaan 0.6-14 has no robust version).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from relscale.i18n import _

from ._chi2 import chi2_sf
from ._estimation import Estimate, estimate, group_terms, observed_information
from ._fiml import baseline as fiml_baseline
from ._fiml import fiml_terms, prepare_missing_group
from ._messages import (
    did_not_converge,
    group_prefix,
    model_name,
    not_identified,
    too_many_parameters,
)
from ._model import MeasurementModel, Release, build_layout, measurement_model
from ._robust import baseline_scaling, fiml_corrected, robust_parts
from ._solution import standardized, std_entries
from ._threads import single_threaded
from .data import listwise_warning, prepare_group
from .errors import AnalysisError
from .estimators import DifferenceTest, FitOptions, LatentStat, Prepared, RawGroup
from .fit import FitMeasures, fit_measures, with_robust, with_scaled
from .score_tests import ScoreTest, joint_score_test, score_tests

SUPPORTS: Mapping[str, Any] = {
    "missing": ("listwise", "fiml"),
    "levels": ("configural", "metric", "scalar", "strict"),
    "cluster": True,
}

EQUAL: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}

FEW_CLUSTERS = 30
"""Below this many clusters in a group, cluster-robust results are said to be unsteady."""


@dataclass
class RobustData:
    """The groups (complete cases, or every answer for fiml) and their cluster ids."""

    groups: list[Any]
    clusters: list[np.ndarray] | None
    fiml: bool
    cache: dict[Any, Any] = field(default_factory=dict)
    """What depends on the data alone (H1 and baseline parts), shared by every level."""


def _prepare_groups(model: MeasurementModel, groups: Sequence[RawGroup],
                    options: FitOptions) -> tuple[RobustData, list[str]]:
    fiml = options.missing == "fiml"
    data: list[Any] = []
    clusters: list[np.ndarray] = []
    warnings: list[str] = []
    for g, raw in enumerate(groups):
        x = np.asarray(raw.x, dtype=float)
        if fiml:
            data.append(prepare_missing_group(x, model.items, raw.name))
            keep = ~np.isnan(x).all(axis=1) if x.ndim == 2 else None
        else:
            data.append(prepare_group(x, model.items, raw.name))
            keep = ~np.isnan(x).any(axis=1) if x.ndim == 2 else None
        if options.cluster is None:
            continue
        ids = np.asarray(options.cluster[g])
        if keep is None or len(ids) != len(x):
            raise AnalysisError(f"group {raw.name!r}: {len(ids)} cluster ids for {len(x)} rows")
        ids = ids[keep]
        k = len(np.unique(ids))
        where = "" if len(groups) == 1 else group_prefix(raw.name, None)
        if k < 2:
            raise AnalysisError(_("{where}all respondents are in one cluster; cluster-robust "
                                  "results need several clusters").format(where=where))
        if k < FEW_CLUSTERS:
            warnings.append(_("{where}only {k} clusters; cluster-robust standard errors and "
                              "chi-square are unsteady with fewer than {few}").format(
                                  where=where, k=k, few=FEW_CLUSTERS))
        clusters.append(ids)
    if not fiml:
        line = listwise_warning([g.name for g in groups], [d.n for d in data],
                                [d.n_excluded for d in data])
        warnings += [line] if line else []
    return RobustData(data, clusters if options.cluster is not None else None, fiml), warnings


@single_threaded
def prepare(model: MeasurementModel, groups: Sequence[RawGroup],
            options: FitOptions) -> Prepared:
    data, warnings = _prepare_groups(model, groups, options)
    return Prepared(model, tuple(g.name for g in groups), options,
                    tuple(d.n for d in data.groups), tuple(d.n_excluded for d in data.groups),
                    data, warnings)


def assess(est: Estimate, data: RobustData, robust: bool) -> tuple[FitMeasures, np.ndarray]:
    """Fit measures and the parameter covariance matrix (reduced) of an estimate."""
    groups, n_groups = data.groups, len(data.groups)
    fm = fit_measures(est, groups, fiml_baseline(groups) if data.fiml else None)
    fm = replace(fm, estimator="mlr" if robust else "ml")
    if fm.df < 0:
        raise AnalysisError(too_many_parameters(fm.df))
    c = c_null = float("nan")
    if robust:
        parts = robust_parts(est, groups, data.clusters, data.cache)
        c = parts.scaling(fm.df)
        c_null = baseline_scaling(groups, data.clusters, est.layout.meanstructure,
                                  parts.trace_h1, fm.baseline_df, data.cache)
        fm = with_scaled(fm, c, c_null, n_groups)
        cov = parts.vcov()
    else:
        info = observed_information(est.layout, est.x_full, groups) / 2.0
        try:
            cov = np.asarray(np.linalg.inv(info))
        except np.linalg.LinAlgError:
            raise AnalysisError(not_identified()) from None
    if data.fiml:
        fc = fiml_corrected(est, groups, fm.df, fm.baseline_df, "V3" if robust else "V6",
                            data.clusters, data.cache)
        fm = with_robust(fm, fc.xx3, fc.c_hat3, fc.xx3_null, fc.c_hat3_null, n_groups)
    elif robust and fm.df > 0:
        fm = with_robust(fm, fm.chisq, c, fm.baseline_chisq, c_null, n_groups)
    return fm, cov


@dataclass
class RobustLevelFit:
    """One level fitted by MLR or FIML (see :class:`relscale.analysis.estimators.LevelFit`)."""

    level: str
    released: tuple[Release, ...]
    options: FitOptions
    fit: FitMeasures
    est: Estimate
    groups: list[Any]
    cov: np.ndarray
    warnings: list[str] = field(default_factory=list)

    @single_threaded
    def score_tests(self, group_names: Sequence[str]) -> list[ScoreTest]:
        return score_tests(self.est, self.groups, group_names)

    @single_threaded
    def joint_score_test(self, item: str, parameter: str) -> tuple[float, int] | None:
        return joint_score_test(self.est, self.groups, item, parameter)

    @single_threaded
    def latent(self, group_names: Sequence[str]) -> list[LatentStat]:
        layout = self.est.layout
        found: dict[tuple[str, int, int], tuple[float, float]] = {}
        for k, prm in enumerate(layout.params):
            if prm.kind == "latent_mean" or (prm.kind == "factor_cov" and prm.row == prm.col):
                red = layout.reduced_of_full[k]
                found[(prm.kind, prm.group, prm.row)] = (
                    float(self.est.x_full[k]), float(np.sqrt(max(self.cov[red, red], 0.0))))
        out = []
        for g, name in enumerate(group_names):
            for f, factor in enumerate(layout.model.factors):
                mean, mean_se = found.get(("latent_mean", g, f), (0.0, None))
                var, var_se = found.get(("factor_cov", g, f), (1.0, None))
                out.append(LatentStat(name, factor, mean, mean_se, var, var_se))
        return out


@single_threaded
def fit_level(prepared: Prepared, level: str, released: tuple[Release, ...]) -> RobustLevelFit:
    from .cfa import solution_warnings

    data: RobustData = prepared.data
    options = prepared.options
    layout = build_layout(prepared.model, len(data.groups), equal=EQUAL[level],
                          meanstructure=True, released=released,
                          identification=options.identification)
    est = estimate(layout, data.groups, max_iter=options.max_iter,
                   terms=fiml_terms if data.fiml else group_terms)
    what = model_name(level, bool(released))
    if not est.converged:
        raise AnalysisError(did_not_converge(what, est.iterations))
    try:
        fm, cov = assess(est, data, options.estimator == "mlr")
    except AnalysisError as exc:
        raise AnalysisError(f"{what}: {exc}") from None
    entries = std_entries(layout)
    values = standardized(layout, est.theta, entries)
    warnings = solution_warnings(est, entries, values, list(prepared.names))
    return RobustLevelFit(level, released, options, fm, est, data.groups, cov, warnings)


def difference_test(restricted: RobustLevelFit, free: RobustLevelFit) -> DifferenceTest:
    """``lavTestLRT``: Satorra-Bentler (2001) scaled difference for mlr, else plain."""
    t0, r0, c0 = restricted.fit.chisq, restricted.fit.df, restricted.fit.scaling_factor
    t1, r1, c1 = free.fit.chisq, free.fit.df, free.fit.scaling_factor
    m = r0 - r1
    if restricted.options.estimator == "mlr" and m > 0 and c0 is not None:
        cd = (r0 * c0 - r1 * (1.0 if r1 == 0 or c1 is None else c1)) / m
        if cd > 0:
            t = (t0 - t1) / cd
            return DifferenceTest(float(t), int(m), chi2_sf(float(t), m),
                                  "satorra.bentler.2001")
    d_chi = max(t0 - t1, 0.0)
    p = chi2_sf(d_chi, m) if m > 0 else 1.0
    return DifferenceTest(float(d_chi), int(m), p, "standard")


def fit_cfa(data: Any, items: Sequence[str], factors: Mapping[str, str],
            options: FitOptions) -> Any:
    """A single-group CFA by MLR and/or FIML (lavaan: a mean structure with FIML or
    clusters, none otherwise)."""
    from .cfa import _result

    @single_threaded
    def run() -> Any:
        model = measurement_model(items, factors)
        prepared, warnings = _prepare_groups(model, [RawGroup("sample", np.asarray(data))],
                                             options)
        meanstructure = prepared.fiml or prepared.clusters is not None
        layout = build_layout(model, 1, meanstructure=meanstructure,
                              identification=options.identification)
        est = estimate(layout, prepared.groups, max_iter=options.max_iter,
                       terms=fiml_terms if prepared.fiml else group_terms)
        if not est.converged:
            raise AnalysisError(_(
                "the CFA did not converge in {n} iterations (the model may not fit these data "
                "or not be identified)").format(n=est.iterations))
        fm, cov = assess(est, prepared, options.estimator == "mlr")
        result = _result(est, prepared.groups[0], False, fit=fm, cov=cov)
        result.warnings[:0] = warnings
        return result

    return run()

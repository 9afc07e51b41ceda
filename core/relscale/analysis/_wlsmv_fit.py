"""The ``wlsmv`` estimator behind :mod:`relscale.analysis.estimators`.

lavaan's ``cfa(..., ordered = TRUE, estimator = "WLSMV")``: polychoric correlations and
thresholds (:mod:`~relscale.analysis.polychoric`), DWLS with the delta parameterization
(:mod:`~relscale.analysis.wlsmv`), robust standard errors and the scaled-and-shifted
chi-square (:mod:`~relscale.analysis.wlsmv_fit`), Wu & Estabrook's (2016) invariance levels
(:mod:`~relscale.analysis.wlsmv_model`), Satorra (2000) difference tests and score tests
(:mod:`~relscale.analysis.wlsmv_tests`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from relscale.i18n import _

from ._chi2 import chi2_sf
from ._messages import (
    Tagged,
    did_not_converge,
    in_group,
    model_name,
    not_identified,
)
from ._model import MeasurementModel, Release, measurement_model
from ._threads import single_threaded
from .errors import AnalysisError
from .estimators import DifferenceTest, FitOptions, LatentStat, Prepared, RawGroup
from .fit import FitMeasures
from .polychoric import OrdinalGroup, category_values, encode_group, sample_statistics
from .score_tests import ScoreTest
from .wlsmv import WlsmvEstimate, estimate
from .wlsmv_fit import fit_measures
from .wlsmv_model import (
    FACTOR_VAR,
    LATENT_MEAN,
    LOADING,
    build_ordinal_layout,
    group_params,
)
from .wlsmv_tests import ScoreEngine, constraint_label, satorra_2000

SUPPORTS: Mapping[str, Any] = {
    "missing": ("listwise", "pairwise"),
    "levels": ("configural", "thresholds", "metric", "scalar", "strict"),
    "cluster": False,
}


def ordinal_groups(model: MeasurementModel, groups: Sequence[RawGroup],
                   missing: str = "pairwise") -> list[OrdinalGroup]:
    """Category codes and sample statistics of every group (categories over all groups)."""
    values = category_values([g.x for g in groups], model.items)
    levels = tuple(len(v) for v in values)
    out = []
    for g in groups:
        codes, n_excluded = encode_group(g.x, model.items, values, g.name, missing)
        th, cor, gamma = sample_statistics(codes, levels, model.items, g.name)
        out.append(OrdinalGroup(g.name, model.items, codes, levels, n_excluded, th, cor, gamma))
    return out


@single_threaded
def prepare(model: MeasurementModel, groups: Sequence[RawGroup],
            options: FitOptions) -> Prepared:
    from .data import PAIRWISE_FIX, listwise_warning

    data = ordinal_groups(model, groups, options.missing)
    line = listwise_warning([d.name for d in data], [d.n for d in data],
                            [d.n_excluded for d in data], PAIRWISE_FIX) \
        if options.missing == "listwise" else None
    warnings = [line] if line else []
    return Prepared(model, tuple(g.name for g in groups), options,
                    tuple(d.n for d in data), tuple(d.n_excluded for d in data), data,
                    warnings)


@dataclass
class WlsmvLevelFit:
    """One level fitted by WLSMV (see :class:`relscale.analysis.estimators.LevelFit`)."""

    level: str
    released: tuple[Release, ...]
    options: FitOptions
    fit: FitMeasures
    est: WlsmvEstimate
    warnings: list[str] = field(default_factory=list)
    _engine: ScoreEngine | None = None

    @property
    def engine(self) -> ScoreEngine:
        if self._engine is None:
            self._engine = ScoreEngine(self.est)
        return self._engine

    @single_threaded
    def score_tests(self, group_names: Sequence[str], *,
                    robust: bool = True) -> list[ScoreTest]:
        """Univariate score tests of every constraint, largest first: robust (scaled) by
        default; ``robust=False`` gives lavaan's ordinary ``lavTestScore`` statistic."""
        from scipy.special import chdtrc

        out = []
        for r in range(len(self.est.layout.constraints)):
            t = self.engine.test([r])
            item, parameter, g, ref = constraint_label(self.est, r)
            x2 = t.x2_robust if robust else t.x2
            out.append(ScoreTest(item, parameter, group_names[g], group_names[ref], x2, 1,
                                 float(chdtrc(1, x2))))
        out.sort(key=lambda t: -t.x2)
        return out

    @single_threaded
    def joint_score_test(self, item: str, parameter: str, *,
                         robust: bool = True) -> tuple[float, int] | None:
        rows = [r for r in range(len(self.est.layout.constraints))
                if constraint_label(self.est, r)[:2] == (item, parameter)]
        if not rows:
            raise ValueError(f"no constraint on the {parameter} of {item!r}")
        t = self.engine.test(rows)
        return (t.x2_robust if robust else t.x2), len(rows)

    @single_threaded
    def latent(self, group_names: Sequence[str]) -> list[LatentStat]:
        layout = self.est.layout
        cov = self.est.vcov()
        found: dict[tuple[str, int, int], tuple[float, float]] = {}
        for k, prm in enumerate(layout.params):
            red = layout.reduced_of_full[k]
            if red >= 0 and prm.kind in (LATENT_MEAN, FACTOR_VAR):
                found[(prm.kind, prm.group, prm.row)] = (
                    float(self.est.x_full[k]), float(np.sqrt(max(cov[red, red], 0.0))))
        out = []
        for g, name in enumerate(group_names):
            for f, factor in enumerate(layout.model.factors):
                mean, mean_se = found.get((LATENT_MEAN, g, f), (0.0, None))
                var, var_se = found.get((FACTOR_VAR, g, f), (1.0, None))
                out.append(LatentStat(name, factor, mean, mean_se, var, var_se))
        return out

    def standard_errors(self) -> np.ndarray:
        """Robust standard error of every full parameter (0 for fixed ones)."""
        se = np.sqrt(np.clip(np.diag(self.est.vcov()), 0.0, None))
        red = self.est.layout.reduced_of_full
        return np.where(red >= 0, se[np.maximum(red, 0)], 0.0)


def solution_warnings(est: WlsmvEstimate, names: Sequence[str]) -> list[str]:
    """Improper solutions: latent responses with a negative residual variance (a
    standardized loading above 1) and factor covariance matrices that are not positive
    definite, one line each."""
    layout = est.layout
    model = layout.model
    out: list[str] = []
    for g in range(layout.n_groups):
        where = in_group(names[g]) if len(names) > 1 else ""
        gp = group_params(layout, g, est.x_full)
        common = np.einsum("jf,fh,jh->j", gp.lam, gp.psi, gp.lam)
        resid = 1.0 / gp.scale ** 2 - common if layout.parameterization == "delta" else gp.scale
        for j in np.where(resid < 0)[0]:
            out.append(Tagged(_(
                "improper solution: item {item!r}{where} has a negative residual variance "
                "(standardized loading above 1; Heywood case)").format(
                    item=model.items[j], where=where), "improper", model.items[j]))
        if np.linalg.eigvalsh(gp.psi)[0] <= 0:
            out.append(Tagged(_(
                "improper solution: the factor covariance matrix{where} is not positive "
                "definite").format(where=where), "improper"))
    return out


def _fit(prepared: Prepared | Sequence[OrdinalGroup], model: MeasurementModel, level: str,
         released: Sequence[Release], identification: str, max_iter: int) -> WlsmvEstimate:
    groups: list[OrdinalGroup] = (prepared.data if isinstance(prepared, Prepared)
                                  else list(prepared))
    layout = build_ordinal_layout(model, groups[0].levels, len(groups), level, released,
                                  identification=identification)
    est = estimate(layout, groups, max_iter=max_iter)
    what = model_name(level, bool(released))
    if not est.converged:
        raise AnalysisError(did_not_converge(what, est.iterations))
    try:
        est.information_inv  # noqa: B018 (computed here: a singular matrix raises)
    except AnalysisError:
        raise AnalysisError(not_identified(what)) from None
    return est


@single_threaded
def fit_level(prepared: Prepared, level: str, released: tuple[Release, ...]) -> WlsmvLevelFit:
    options = prepared.options
    est = _fit(prepared, prepared.model, level, released, options.identification,
               options.max_iter)
    return WlsmvLevelFit(level, released, options, fit_measures(est), est,
                         solution_warnings(est, list(prepared.names)))


@single_threaded
def difference_test(restricted: WlsmvLevelFit, free: WlsmvLevelFit) -> DifferenceTest:
    """``lavTestLRT(free, restricted, method = "satorra.2000")``; with no degrees of
    freedom (equivalent models, e.g. thresholds for three-point items) the plain
    difference and p = 1."""
    test = satorra_2000(restricted.est, free.est)
    if test.df <= 0:
        return DifferenceTest(max(test.chisq, 0.0), test.df, 1.0, "satorra.2000")
    chisq = max(test.chisq, 0.0)
    return DifferenceTest(chisq, test.df, chi2_sf(chisq, test.df), "satorra.2000")


@single_threaded
def fit_cfa(data: Any, items: Sequence[str], factors: Mapping[str, str],
            options: FitOptions) -> Any:
    """A single-group ordinal CFA as ``cfa(model, data, ordered = TRUE, estimator =
    "WLSMV")`` (marker or std.lv identification)."""
    from .cfa import CfaResult, FactorCorrelation, Loading

    model = measurement_model(items, factors)
    groups = ordinal_groups(model, [RawGroup("sample", np.asarray(data, float))],
                            options.missing)
    est = _fit(groups, model, "configural", (), options.identification, options.max_iter)
    fm = fit_measures(est)
    level = WlsmvLevelFit("configural", (), options, fm, est)
    se = level.standard_errors()
    std, std_se = standardized(est)
    loadings, correlations = [], []
    layout = est.layout
    gp = group_params(layout, 0, est.x_full)
    by_item = {prm.row: k for k, prm in enumerate(layout.params) if prm.kind == LOADING}
    for j, item in enumerate(model.items):
        f = model.factor_of[j]
        k = by_item.get(j)
        loadings.append(Loading(item, model.factors[f], float(gp.lam[j, f]),
                                None if k is None else float(se[k]), float(std[0][j]),
                                float(std_se[0][j])))
    p, m = len(model.items), len(model.factors)
    for q, (f1, f2) in enumerate(zip(*np.triu_indices(m, 1), strict=True)):
        correlations.append(FactorCorrelation(model.factors[f1], model.factors[f2],
                                              float(std[0][p + q]), float(std_se[0][p + q])))
    residuals = {item: float(1.0 - std[0][j] ** 2) for j, item in enumerate(model.items)}
    warnings = solution_warnings(est, ["sample"])
    if options.missing == "listwise":
        from .data import PAIRWISE_FIX, listwise_warning

        line = listwise_warning(["sample"], [groups[0].n], [groups[0].n_excluded], PAIRWISE_FIX)
        warnings[:0] = [line] if line else []
    n = groups[0].n
    if n < 200:
        warnings.append(_("only {n} respondents; ordinal CFA estimates and fit measures are "
                          "unstable below about 200").format(n=n))
    return CfaResult(n, groups[0].n_excluded, fm, loadings, correlations, residuals,
                     est.converged, est.iterations, warnings)


def _std(layout: Any, x_full: np.ndarray) -> list[np.ndarray]:
    """Per group: std.all loadings (item order), then factor correlations (f < h)."""
    out = []
    m = len(layout.model.factors)
    upper = np.triu_indices(m, 1)
    for g in range(layout.n_groups):
        gp = group_params(layout, g, x_full)
        f = np.asarray(layout.model.factor_of)
        lam = gp.lam[np.arange(len(f)), f]
        sd = np.sqrt(np.abs(np.diag(gp.psi)))
        if layout.parameterization == "delta":
            s = gp.scale
        else:
            s = (np.einsum("jf,fh,jh->j", gp.lam, gp.psi, gp.lam) + gp.scale) ** -0.5
        cor = gp.psi / np.outer(sd, sd)
        out.append(np.concatenate([lam * sd[f] * s, cor[upper]]))
    return out


@single_threaded
def standardized(est: WlsmvEstimate) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per group: ``std.all`` loadings then factor correlations, and their delta-method
    standard errors (robust covariance, central-difference Jacobian), as
    ``standardizedSolution()``."""
    layout = est.layout
    values = _std(layout, est.x_full)
    cov = est.vcov()
    flat = np.concatenate(values)
    jac = np.empty((len(flat), len(est.theta)))
    for j in range(len(est.theta)):
        h = 1e-6 * max(1.0, abs(est.theta[j]))
        up, down = est.theta.copy(), est.theta.copy()
        up[j] += h
        down[j] -= h
        jac[:, j] = (np.concatenate(_std(layout, layout.expand(up)))
                     - np.concatenate(_std(layout, layout.expand(down)))) / (2 * h)
    se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0, None))
    size = len(flat) // layout.n_groups
    return values, [se[g * size:(g + 1) * size] for g in range(layout.n_groups)]


def standardized_loadings(est: WlsmvEstimate) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``std.all`` loadings per group and their standard errors (see :func:`standardized`)."""
    p = len(est.layout.model.items)
    values, ses = standardized(est)
    return [v[:p] for v in values], [s[:p] for s in ses]

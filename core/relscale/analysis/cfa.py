"""Single-group confirmatory factor analysis with lavaan's defaults.

:func:`fit_cfa` matches ``lavaan::cfa(model, data)`` with every default left alone:
``estimator = "ML"``, ``likelihood = "normal"`` (biased covariance, ``chisq = 2 N F_ML``),
no mean structure, the first loading of each factor fixed to 1, listwise deletion,
expected information for standard errors; the reported loadings are ``std.all`` with
delta-method standard errors as in ``standardizedSolution()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from relscale.i18n import _

from ._estimation import Estimate, estimate
from ._messages import Tagged, in_group, num, too_many_parameters
from ._model import LOADING, build_layout, group_matrices, measurement_model
from ._solution import StdEntry, standardized_with_se, vcov
from ._threads import single_threaded
from .data import GroupData, listwise_warning, prepare_group
from .errors import AnalysisError
from .fit import FitMeasures, fit_measures

LOW_LOADING = 0.30


@dataclass(frozen=True)
class Loading:
    """One item's loading: unstandardized (marker fixed to 1) and ``std.all``."""

    item: str
    factor: str
    estimate: float
    se: float | None  # None for the fixed marker loading
    std: float
    std_se: float


@dataclass(frozen=True)
class FactorCorrelation:
    factor1: str
    factor2: str
    estimate: float
    se: float


@dataclass
class CfaResult:
    """A fitted CFA: N, fit measures, standardized loadings, factor correlations."""

    n: int
    n_excluded: int
    fit: FitMeasures
    loadings: list[Loading]
    factor_correlations: list[FactorCorrelation]
    residual_variances: dict[str, float]  # std.all residual variance per item
    converged: bool
    iterations: int
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable summary (floats, strings, lists and dicts only)."""
        return {
            "n": self.n,
            "n_excluded": self.n_excluded,
            "fit": self.fit.to_dict(),
            "loadings": [vars(ld).copy() for ld in self.loadings],
            "factor_correlations": [vars(fc).copy() for fc in self.factor_correlations],
            "residual_variances": dict(self.residual_variances),
            "converged": self.converged,
            "iterations": self.iterations,
            "warnings": list(self.warnings),
        }


def solution_warnings(
    est: Estimate, entries: Sequence[StdEntry], values: np.ndarray, group_names: Sequence[str]
) -> list[str]:
    """Heywood cases ("improper solution: ..."; lavaan warns the same) and weak or negative
    loadings, one line each, naming item and group."""
    model = est.layout.model
    out: list[str] = []
    for e, v in zip(entries, values, strict=True):
        where = in_group(group_names[e.group]) if len(group_names) > 1 else ""
        item = model.items[e.row]
        if e.kind == LOADING:
            factor = model.factors[e.col]
            if abs(v) > 1.0:
                out.append(Tagged(_(
                    "improper solution: item {item!r}{where} has a standardized loading of "
                    "{value}, beyond 1 (a Heywood case)").format(
                        item=item, where=where, value=num(v, ".3f")), "improper", item))
            elif v < 0:
                out.append(Tagged(_(
                    "item {item!r}{where} loads negatively ({value}) on {factor!r}; check its "
                    "keying").format(item=item, where=where, value=num(v, ".2f"),
                                     factor=factor), "negative_loading", item))
            elif v < LOW_LOADING:
                out.append(_("item {item!r}{where} loads only {value} on {factor!r} (below "
                             "{cutoff})").format(item=item, where=where, value=num(v, ".2f"),
                                                 factor=factor,
                                                 cutoff=num(LOW_LOADING, ".2f")))
        elif e.kind == "residual_variance" and v < 0:
            out.append(Tagged(_(
                "improper solution: item {item!r}{where} has a negative residual variance (a "
                "Heywood case)").format(item=item, where=where), "improper", item))
        elif e.kind == "factor_correlation" and abs(v) > 1.0:
            out.append(Tagged(_(
                "improper solution: factors {factor1!r} and {factor2!r}{where} correlate "
                "{value}, beyond 1").format(factor1=model.factors[e.row],
                                            factor2=model.factors[e.col], where=where,
                                            value=num(v, ".3f")), "improper"))
    for g in range(est.layout.n_groups):
        where = in_group(group_names[g]) if len(group_names) > 1 else ""
        phi = group_matrices(est.layout, g, est.x_full).phi
        for f, name in enumerate(model.factors):
            if phi[f, f] <= 0:
                out.append(Tagged(_(
                    "improper solution: factor {factor!r}{where} has a non-positive variance "
                    "(a Heywood case)").format(factor=name, where=where), "improper"))
    return out


@single_threaded
def fit_cfa(
    data: Any,
    items: Sequence[str],
    factors: Mapping[str, str],
    *,
    missing: str = "listwise",
    max_iter: int = 300,
    allow_nonconvergence: bool = False,
    identification: str = "marker",
) -> CfaResult:
    """Fit a CFA as ``lavaan::cfa(model, data)`` does with its defaults.

    :param data: respondents x items (floats, NaN for missing), columns in ``items``
        order; reverse-keyed items already recoded (see :func:`relscale.analysis.recode`).
    :param factors: item -> factor; each item loads on one factor, factors correlate.
    :param missing: only ``"listwise"`` (lavaan's default) here; FIML, MLR and clusters:
        :func:`relscale.analysis.estimators.fit_cfa`.
    :param allow_nonconvergence: return the last iterate with a warning instead of raising.
    :param identification: ``"marker"`` (first loading 1, lavaan's default) or ``"std.lv"``
        (factor variances 1). Other estimators and missing-data handling:
        :func:`relscale.analysis.estimators.fit_cfa`.
    :raises AnalysisError: too few complete respondents, a constant item, a non-positive-
        definite covariance matrix, an unidentified model or non-convergence.
    """
    if missing != "listwise":
        raise AnalysisError(_(
            "missing={missing!r} is not supported here, only 'listwise' (lavaan's default); "
            "fit with relscale.analysis.estimators.fit_cfa for fiml").format(missing=missing))
    model = measurement_model(items, factors)
    group = prepare_group(data, model.items)
    layout = build_layout(model, 1, identification=identification)
    est = estimate(layout, [group], max_iter=max_iter)
    result = _result(est, group, allow_nonconvergence)
    line = listwise_warning(["sample"], [group.n], [group.n_excluded])
    result.warnings[:0] = [line] if line else []
    return result


def _result(est: Estimate, group: GroupData, allow_nonconvergence: bool, *,
            fit: FitMeasures | None = None, cov: np.ndarray | None = None) -> CfaResult:
    """The CfaResult of an estimate; other estimators pass their own fit measures and
    parameter covariance matrix (robust, observed information)."""
    model = est.layout.model
    warnings: list[str] = []
    if not est.converged:
        if not allow_nonconvergence:
            raise AnalysisError(_(
                "the CFA did not converge in {n} iterations (the model may not fit these data "
                "or not be identified)").format(n=est.iterations))
        warnings.append(_("the CFA did not converge in {n} iterations; the estimates are not "
                          "trustworthy").format(n=est.iterations))
    df = fit if fit is not None else fit_measures(est, [group])
    if df.df < 0:
        raise AnalysisError(too_many_parameters(df.df))
    if cov is None:
        cov = vcov(est)
    entries, values, se = standardized_with_se(est, cov)
    unstd_se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    loading_index = {
        est.layout.params[k].row: k for k in range(len(est.layout.params))
        if est.layout.params[k].kind == LOADING
    }
    loadings: list[Loading] = []
    correlations: list[FactorCorrelation] = []
    residuals: dict[str, float] = {}
    for e, v, s in zip(entries, values, se, strict=True):
        if e.kind == LOADING:
            k = loading_index.get(e.row)
            est_value = 1.0 if k is None else float(est.x_full[k])
            est_se = None if k is None else float(unstd_se[est.layout.reduced_of_full[k]])
            loadings.append(Loading(model.items[e.row], model.factors[e.col], est_value,
                                    est_se, float(v), float(s)))
        elif e.kind == "factor_correlation":
            correlations.append(FactorCorrelation(model.factors[e.row], model.factors[e.col],
                                                  float(v), float(s)))
        else:
            residuals[model.items[e.row]] = float(v)
    warnings += solution_warnings(est, entries, values, ["sample"])
    if group.n < 200:
        warnings.append(_("only {n} complete respondents; CFA estimates and fit measures are "
                          "unstable below about 200").format(n=group.n))
    return CfaResult(group.n, group.n_excluded, df, loadings, correlations, residuals,
                     est.converged, est.iterations, warnings)

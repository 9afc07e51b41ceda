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

from ._estimation import Estimate, estimate
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
        where = f" in group {group_names[e.group]!r}" if len(group_names) > 1 else ""
        item = model.items[e.row]
        if e.kind == LOADING:
            factor = model.factors[e.col]
            if abs(v) > 1.0:
                out.append(f"improper solution: item {item!r}{where} has a standardized "
                           f"loading of {v:.3f}, beyond 1 (a Heywood case)")
            elif v < 0:
                out.append(f"item {item!r}{where} loads negatively ({v:.2f}) on {factor!r}; "
                           f"check its keying")
            elif v < LOW_LOADING:
                out.append(f"item {item!r}{where} loads only {v:.2f} on {factor!r} "
                           f"(below {LOW_LOADING:.2f})")
        elif e.kind == "residual_variance" and v < 0:
            out.append(f"improper solution: item {item!r}{where} has a negative residual "
                       f"variance (a Heywood case)")
        elif e.kind == "factor_correlation" and abs(v) > 1.0:
            out.append(f"improper solution: factors {model.factors[e.row]!r} and "
                       f"{model.factors[e.col]!r}{where} correlate {v:.3f}, beyond 1")
    for g in range(est.layout.n_groups):
        where = f" in group {group_names[g]!r}" if len(group_names) > 1 else ""
        phi = group_matrices(est.layout, g, est.x_full).phi
        for f, name in enumerate(model.factors):
            if phi[f, f] <= 0:
                out.append(f"improper solution: factor {name!r}{where} has a non-positive "
                           f"variance (a Heywood case)")
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
        raise AnalysisError(
            f"missing={missing!r} is not supported here, only 'listwise' (lavaan's default); "
            f"fit with relscale.analysis.estimators.fit_cfa for fiml"
        )
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
        msg = f"the CFA did not converge in {est.iterations} iterations"
        if not allow_nonconvergence:
            raise AnalysisError(msg + " (the model may not fit these data or not be identified)")
        warnings.append(msg + "; the estimates are not trustworthy")
    df = fit if fit is not None else fit_measures(est, [group])
    if df.df < 0:
        raise AnalysisError(f"the model has more parameters than data points (df = {df.df})")
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
        warnings.append(f"only {group.n} complete respondents; CFA estimates and fit "
                        f"measures are unstable below about 200")
    return CfaResult(group.n, group.n_excluded, df, loadings, correlations, residuals,
                     est.converged, est.iterations, warnings)

"""Fit measures, computed as lavaan 0.6's ``fitMeasures()`` computes them (ML, normal).

- chi-square: ``sum_g N_g F_g`` (``2 N F_ML``), df = sample moments - free parameters.
- baseline: the independence model (free variances, and free means with a mean
  structure, per group); closed form, as lavaan's baseline has no group constraints.
- CFI, TLI (``lav_fit_cfi``, ``lav_fit_nnfi``).
- RMSEA ``sqrt(max(X2/N/df - 1/N, 0)) * sqrt(G)`` with N the total sample size, and its
  90% interval by inverting the noncentral chi-square (``lav_fit_rmsea_ci``).
- SRMR: lavaan's default ``srmr`` = ``srmr_bentler``: residuals scaled by the observed
  standard deviations, means included when the model has a mean structure, the root mean
  square per group weighted by ``N_g / N``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from ._estimation import Estimate
from .data import GroupData


@dataclass(frozen=True)
class FitMeasures:
    """The fit of one model (lavaan's names, dots as underscores)."""

    chisq: float
    df: int
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    srmr: float
    baseline_chisq: float
    baseline_df: int
    ntotal: int
    estimator: str = "ml"
    # Robust estimators (mlr, wlsmv) fill these; None (left out of to_dict) for plain ML.
    # lavaan's names: chisq.scaled, df.scaled, pvalue.scaled, chisq.scaling.factor,
    # chisq.shift.parameters (wlsmv), cfi.scaled, ..., cfi.robust, ...
    chisq_scaled: float | None = None
    df_scaled: float | None = None
    pvalue_scaled: float | None = None
    scaling_factor: float | None = None
    shift: float | None = None
    baseline_chisq_scaled: float | None = None
    baseline_df_scaled: float | None = None
    baseline_scaling_factor: float | None = None
    cfi_scaled: float | None = None
    tli_scaled: float | None = None
    rmsea_scaled: float | None = None
    rmsea_ci_lower_scaled: float | None = None
    rmsea_ci_upper_scaled: float | None = None
    cfi_robust: float | None = None
    tli_robust: float | None = None
    rmsea_robust: float | None = None
    rmsea_ci_lower_robust: float | None = None
    rmsea_ci_upper_robust: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """lavaan's names (dots as underscores); the optional robust fields only when set."""
        out: dict[str, Any] = {}
        for k, v in asdict(self).items():
            if v is None:
                continue
            out[k] = v if isinstance(v, int | str) else float(v)
        return out

    def index(self, name: str) -> float:
        """The version of ``cfi``, ``tli`` or ``rmsea`` to judge by: robust when the
        estimator gives it, else scaled, else the plain (normal-theory) index."""
        for suffix in ("_robust", "_scaled", ""):
            value = getattr(self, name + suffix, None)
            if value is not None:
                return float(value)
        raise AttributeError(name)


def _cfi(x2: float, df: int, x2_null: float, df_null: int) -> float:
    t1 = max(x2 - df, 0.0)
    t2 = max(x2 - df, x2_null - df_null, 0.0)
    if np.isclose(t1, 0.0, atol=1.5e-8) and np.isclose(t2, 0.0, atol=1.5e-8):
        return 1.0
    return 1.0 - t1 / t2


def _tli(x2: float, df: int, x2_null: float, df_null: int) -> float:
    t1 = (x2 - df) * df_null
    t2 = (x2_null - df_null) * df
    if df > 0 and abs(t2) > 0:
        return 1.0 - t1 / t2
    return 1.0


def rmsea(x2: float, df: int, n: int, n_groups: int = 1) -> float:
    """Point estimate, lavaan's ``lav_fit_rmsea`` (multi-group: times sqrt(G))."""
    if df <= 0:
        return 0.0
    return float(np.sqrt(max(x2 / n / df - 1.0 / n, 0.0)) * np.sqrt(n_groups))


def rmsea_ci(
    x2: float, df: int, n: int, n_groups: int = 1, level: float = 0.90
) -> tuple[float, float]:
    """The confidence interval of lavaan's ``lav_fit_rmsea_ci``."""
    upper_p = 1.0 - (1.0 - level) / 2.0
    lower_p = (1.0 - level) / 2.0

    def cdf(lam: float) -> float:
        if lam <= 0:
            return float(stats.chi2.cdf(x2, df))
        return float(stats.ncx2.cdf(x2, df, lam))

    scale = np.sqrt(n_groups)
    if df < 1 or cdf(0.0) - upper_p < 0:
        lower = 0.0
    else:
        lam = optimize.brentq(lambda v: cdf(v) - upper_p, 0.0, x2, xtol=1e-12)
        lower = float(np.sqrt(lam / (n * df)) * scale)
    n_rmsea = max(n, x2 * 4)
    if df < 1 or cdf(n_rmsea) - lower_p > 0 or cdf(0.0) - lower_p < 0:
        upper = 0.0
    else:
        lam = optimize.brentq(lambda v: cdf(v) - lower_p, 0.0, n_rmsea, xtol=1e-12)
        upper = float(np.sqrt(lam / (n * df)) * scale)
    return lower, upper


def baseline(groups: Sequence[GroupData], meanstructure: bool) -> tuple[float, int]:
    """Chi-square and df of lavaan's independence (baseline) model."""
    x2 = 0.0
    p = groups[0].cov.shape[0]
    for data in groups:
        x2 += data.n * float(
            np.sum(np.log(np.diag(data.cov))) - np.linalg.slogdet(data.cov)[1]
        )
    del meanstructure  # means are saturated in both models: no chi-square, no df
    return x2, len(groups) * p * (p - 1) // 2


def srmr(est: Estimate, groups: Sequence[GroupData]) -> float:
    """lavaan's ``srmr`` (= ``srmr_bentler``; with means when the model has them)."""
    n_total = sum(d.n for d in groups)
    total = 0.0
    for data, terms in zip(groups, est.terms, strict=True):
        sd = np.sqrt(np.diag(data.cov))
        res = (data.cov - terms.sigma) / np.outer(sd, sd)
        tri = res[np.tril_indices_from(res)]
        stats_ = list(tri)
        if est.layout.meanstructure:
            stats_ += list((data.mean - terms.mu) / sd)
        total += data.n / n_total * float(np.sqrt(np.sum(np.square(stats_)) / len(stats_)))
    return total


def n_moments(groups: Sequence[GroupData], meanstructure: bool) -> int:
    p = groups[0].cov.shape[0]
    return len(groups) * (p * (p + 1) // 2 + (p if meanstructure else 0))


def fit_measures(est: Estimate, groups: Sequence[GroupData]) -> FitMeasures:
    """All fit measures of an estimated model, as lavaan's ``fitMeasures()``."""
    n_total = sum(d.n for d in groups)
    df = n_moments(groups, est.layout.meanstructure) - est.layout.n_reduced
    x2 = max(est.chisq, 0.0)
    x2_null, df_null = baseline(groups, est.layout.meanstructure)
    pvalue = float(stats.chi2.sf(x2, df)) if df > 0 else float("nan")
    lower, upper = rmsea_ci(x2, df, n_total, len(groups))
    return FitMeasures(
        chisq=x2,
        df=df,
        pvalue=pvalue,
        cfi=_cfi(x2, df, x2_null, df_null),
        tli=_tli(x2, df, x2_null, df_null),
        rmsea=rmsea(x2, df, n_total, len(groups)),
        rmsea_ci_lower=lower,
        rmsea_ci_upper=upper,
        srmr=srmr(est, groups),
        baseline_chisq=x2_null,
        baseline_df=df_null,
        ntotal=n_total,
    )

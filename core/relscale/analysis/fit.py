"""Fit measures, computed as lavaan 0.6's ``fitMeasures()`` computes them (ML, normal).

- chi-square: ``sum_g N_g F_g`` (``2 N F_ML``), df = sample moments - free parameters.
- baseline: the independence model (free variances, and free means with a mean
  structure, per group); closed form, as lavaan's baseline has no group constraints.
- CFI, TLI (``lav_fit_cfi``, ``lav_fit_nnfi``).
- RMSEA ``sqrt(max(X2/N/df - 1/N, 0)) * sqrt(G)`` with N the total sample size, and its
  90% interval by inverting the noncentral chi-square (``lav_fit_rmsea_ci``).
- SRMR: lavaan's default ``srmr`` = ``srmr_bentler``: residuals scaled by the observed
  standard deviations, means included when the model has a mean structure, the root mean
  square per group weighted by ``N_g / N``. With missing answers (FIML) the "observed"
  moments are the EM estimates of the saturated model, as in lavaan.
- MLR (:func:`with_scaled`, :func:`with_robust`): the Yuan-Bentler scaled chi-square and
  the scaled and robust CFI/TLI/RMSEA of lavaan 0.6-14 (:mod:`._robust` computes the
  scaling factors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from ._chi2 import chi2_cdf, chi2_sf, ncx2_cdf, root
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
        estimator gives it, else scaled, else the plain (normal-theory) index. For
        ``wlsmv`` the scaled one: the robust (cat-ML) indices only see the correlations,
        so equal thresholds or intercepts cannot worsen them (they even improve, with
        more df)."""
        return float(getattr(self, name + self.index_suffix(name)))

    def index_suffix(self, name: str) -> str:
        """Which version :meth:`index` uses: ``"_robust"``, ``"_scaled"`` or ``""``."""
        order = ("_scaled", "_robust", "") if self.estimator == "wlsmv" else (
            "_robust", "_scaled", "")
        for suffix in order:
            if getattr(self, name + suffix, None) is not None:
                return suffix
        raise AttributeError(name)


def _cfi(x2: float, df: int, x2_null: float, df_null: int, c: float = 1.0,
         c_null: float = 1.0) -> float:
    """lavaan's ``lav_fit_cfi``; with ``c``/``c_null`` (``c.hat``) the robust version."""
    if df > 0 and (c != 1.0 and c_null != 1.0):
        t1 = max(x2 - c * df, 0.0)
        t2 = max(x2 - c * df, x2_null - c_null * df_null, 0.0)
    else:
        t1 = max(x2 - df, 0.0)
        t2 = max(x2 - df, x2_null - df_null, 0.0)
    if np.isclose(t1, 0.0, atol=1.5e-8) and np.isclose(t2, 0.0, atol=1.5e-8):
        return 1.0
    return 1.0 - t1 / t2


def _tli(x2: float, df: int, x2_null: float, df_null: int, c: float = 1.0,
         c_null: float = 1.0) -> float:
    """lavaan's ``lav_fit_tli``; with ``c``/``c_null`` the robust version."""
    if df > 0 and (c != 1.0 and c_null != 1.0):
        t1 = (x2 - c * df) * df_null
        t2 = (x2_null - c_null * df_null) * df
    else:
        t1 = (x2 - df) * df_null
        t2 = (x2_null - df_null) * df
    if df > 0 and abs(t2) > 0:
        return 1.0 - t1 / t2
    return 1.0


def rmsea(x2: float, df: float, n: int, n_groups: int = 1, c_hat: float = 1.0) -> float:
    """Point estimate, lavaan's ``lav_fit_rmsea`` (multi-group: times sqrt(G); with
    ``c_hat`` the robust version)."""
    if df <= 0:
        return 0.0
    return float(np.sqrt(max(x2 / n / df - c_hat / n, 0.0)) * np.sqrt(n_groups))


def rmsea_ci(
    x2: float, df: float, n: int, n_groups: int = 1, level: float = 0.90, c_hat: float = 1.0
) -> tuple[float, float]:
    """The confidence interval of lavaan's ``lav_fit_rmsea_ci`` (``c.hat`` for robust)."""
    upper_p = 1.0 - (1.0 - level) / 2.0
    lower_p = (1.0 - level) / 2.0

    def cdf(lam: float) -> float:
        if lam <= 0:
            return chi2_cdf(x2, df)
        return ncx2_cdf(x2, df, lam)

    scale = np.sqrt(n_groups)
    if df < 1 or cdf(0.0) - upper_p < 0:
        lower = 0.0
    else:
        lam = root(lambda v: cdf(v) - upper_p, 0.0, x2)
        lower = float(np.sqrt(c_hat * lam / (n * df)) * scale)
    n_rmsea = max(n, x2 * 4)
    if df < 1 or cdf(n_rmsea) - lower_p > 0 or cdf(0.0) - lower_p < 0:
        upper = 0.0
    else:
        lam = root(lambda v: cdf(v) - lower_p, 0.0, n_rmsea)
        upper = float(np.sqrt(c_hat * lam / (n * df)) * scale)
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


def fit_measures(est: Estimate, groups: Sequence[GroupData],
                 baseline_fit: tuple[float, int] | None = None) -> FitMeasures:
    """All fit measures of an estimated model, as lavaan's ``fitMeasures()``.

    :param baseline_fit: chi-square and df of the baseline model when it is not the
        complete-data one (FIML: :func:`relscale.analysis._fiml.baseline`).
    """
    n_total = sum(d.n for d in groups)
    df = n_moments(groups, est.layout.meanstructure) - est.layout.n_reduced
    x2 = max(est.chisq, 0.0)
    x2_null, df_null = baseline_fit or baseline(groups, est.layout.meanstructure)
    pvalue = chi2_sf(x2, df) if df > 0 else float("nan")
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


def with_scaled(fm: FitMeasures, c: float, c_null: float, n_groups: int) -> FitMeasures:
    """Add the Yuan-Bentler scaled statistics (lavaan's ``*.scaled`` with MLR): the chi-
    squares divided by their scaling factors, CFI/TLI from them, and RMSEA with
    ``df * c`` degrees of freedom (lavaan 0.6-14's ``rmsea.scaled``)."""
    if not (c > 0 and c_null > 0):
        return replace(fm, scaling_factor=c if c > 0 else None)
    x2s, x2n = fm.chisq / c, fm.baseline_chisq / c_null
    lower, upper = rmsea_ci(fm.chisq, fm.df * c, fm.ntotal, n_groups)
    return replace(
        fm, chisq_scaled=x2s, df_scaled=float(fm.df), scaling_factor=c,
        pvalue_scaled=chi2_sf(x2s, fm.df) if fm.df > 0 else float("nan"),
        baseline_chisq_scaled=x2n, baseline_df_scaled=float(fm.baseline_df),
        baseline_scaling_factor=c_null,
        cfi_scaled=_cfi(x2s, fm.df, x2n, fm.baseline_df),
        tli_scaled=_tli(x2s, fm.df, x2n, fm.baseline_df),
        rmsea_scaled=rmsea(fm.chisq, fm.df * c, fm.ntotal, n_groups),
        rmsea_ci_lower_scaled=lower, rmsea_ci_upper_scaled=upper)


def with_robust(fm: FitMeasures, x2: float, c: float, x2_null: float, c_null: float,
                n_groups: int) -> FitMeasures:
    """Add the robust CFI/TLI/RMSEA (lavaan's ``*.robust``): Brosseau-Liard, Savalei & Li
    (2012) and Brosseau-Liard & Savalei (2014) with the model's and the baseline's scaling
    factors; with FIML ``x2``/``x2_null`` and ``c``/``c_null`` are the FIML-corrected
    values of Zhang & Savalei (lavaan's ``lav_fit_fiml_corrected``)."""
    if not (c > 0 and c_null > 0 and np.isfinite(c) and np.isfinite(c_null)):
        return fm
    df, df_null = fm.df, fm.baseline_df
    lower, upper = rmsea_ci(x2 / c, df, fm.ntotal, n_groups, c_hat=c)
    return replace(
        fm, cfi_robust=_cfi(x2, df, x2_null, df_null, c, c_null),
        tli_robust=_tli(x2, df, x2_null, df_null, c, c_null),
        rmsea_robust=rmsea(x2, df, fm.ntotal, n_groups, c_hat=c),
        rmsea_ci_lower_robust=lower, rmsea_ci_upper_robust=upper)

"""Fit measures of a WLSMV fit, as lavaan 0.6-14's ``fitMeasures()`` reports them.

- ``chisq``, ``df``: the DWLS statistic; ``chisq_scaled``, ``scaling_factor`` and ``shift``:
  the scaled-and-shifted statistic (:mod:`relscale.analysis.wlsmv`).
- baseline: the independence model (thresholds free, correlations 0), with its own
  scaled-and-shifted statistic.
- ``cfi``, ``tli``, ``rmsea`` (and its 90% interval) from the DWLS statistic; the
  ``_scaled`` versions from the scaled statistics (same df); RMSEA uses N - G (lavaan's
  ``ntotal - ngroups`` for estimators other than ML).
- ``cfi_robust``, ``tli_robust``, ``rmsea_robust``: Savalei's (2021) "cat-ML" approach in
  lavaan's ``lav_fit_catml_dwls``: the normal-theory ML discrepancy of the polychoric
  correlations at the DWLS estimates, with ``c_hat = tr(U_ML Gamma) / df_ML`` from the DWLS
  projection and the ML weight. lavaan 0.6-14 reports NA as soon as thresholds are
  constrained equal (its issue #386: the cat-ML model keeps equality rows pointing at the
  threshold rows it removed); relscale computes them with those rows dropped, which is
  what lavaan computes for models without threshold constraints.
- ``srmr``: lavaan's ``srmr_bentler_nomean`` for categorical data: the root mean square of
  the correlation residuals (thresholds left out) over ``p (p + 1) / 2`` elements, the
  diagonal counting as zero, weighted by ``N_g / N``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._chi2 import chi2_sf
from .fit import FitMeasures, rmsea_ci
from .polychoric import OrdinalGroup, pairs_of
from .wlsmv import WlsmvEstimate
from .wlsmv_model import INTERCEPT, LATENT_MEAN, THRESHOLD


def _cfi(x2: float, df: float, x2_null: float, df_null: float, c_hat: float = 1.0,
         c_hat_null: float = 1.0) -> float:
    robust = c_hat != 1.0 and c_hat_null != 1.0 and df > 0
    t1 = max(x2 - (c_hat * df if robust else df), 0.0)
    t2 = max(x2 - (c_hat * df if robust else df),
             x2_null - (c_hat_null * df_null if robust else df_null), 0.0)
    if np.isclose(t1, 0.0, atol=1.5e-8) and np.isclose(t2, 0.0, atol=1.5e-8):
        return 1.0
    return 1.0 - t1 / t2


def _tli(x2: float, df: float, x2_null: float, df_null: float, c_hat: float = 1.0,
         c_hat_null: float = 1.0) -> float:
    robust = c_hat != 1.0 and c_hat_null != 1.0 and df > 0
    t1 = (x2 - (c_hat * df if robust else df)) * df_null
    t2 = (x2_null - (c_hat_null * df_null if robust else df_null)) * df
    if df > 0 and abs(t2) > 0:
        return 1.0 - t1 / t2
    return 1.0


def _rmsea(x2: float, df: float, n: int, n_groups: int, c_hat: float = 1.0) -> float:
    if df <= 0:
        return 0.0
    return float(np.sqrt(max(x2 / n / df - c_hat / n, 0.0)) * np.sqrt(n_groups))


def baseline(groups: Sequence[OrdinalGroup]) -> tuple[float, int, float, float]:
    """Independence model: (chisq, df, chisq_scaled, scaling factor)."""
    x2 = tr_ug2 = 0.0
    df = 0
    for grp in groups:
        n_th = grp.n_thresholds
        r = grp.stats[n_th:]
        w = 1.0 / np.diag(grp.gamma)[n_th:]
        x2 += (grp.n - 1) * float(np.sum(w * r * r))
        a = w[:, None] * grp.gamma[n_th:, n_th:]
        tr_ug2 += float(np.sum(a * a.T))
        df += len(r)
    a = np.sqrt(df / tr_ug2)
    return x2, df, float(a * x2 + df - a * df), float(1.0 / a)


def srmr(est: WlsmvEstimate) -> float:
    total = 0.0
    n_total = est.n_total
    for grp, mom in zip(est.groups, est.moments, strict=True):
        p = len(grp.items)
        res = grp.stats[grp.n_thresholds:] - mom[grp.n_thresholds:]
        total += grp.n / n_total * float(np.sqrt(np.sum(res * res) / (p * (p + 1) / 2)))
    return total


def _implied_cor(grp: OrdinalGroup, moments: np.ndarray) -> np.ndarray:
    p = len(grp.items)
    sigma = np.eye(p)
    for (i, j), v in zip(pairs_of(p), moments[grp.n_thresholds:], strict=True):
        sigma[i, j] = sigma[j, i] = v
    return sigma


def catml(est: WlsmvEstimate) -> dict[str, float] | None:
    """lavaan's ``lav_fit_catml_dwls`` (see the module docstring); None when a polychoric
    or implied correlation matrix is not positive definite (lavaan: NA)."""
    layout = est.layout
    n_total = est.n_total
    kinds = {THRESHOLD, INTERCEPT, LATENT_MEAN}  # the rows lavaan's cat-ML model drops
    dropped = {int(r) for r, prm in zip(layout.reduced_of_full, layout.params, strict=True)
               if prm.kind in kinds and r >= 0}
    x2 = x2_null = ks = kbs = 0.0
    df_null = 0
    e_inv = est.information_inv
    pieces = []
    for grp, mom, d in zip(est.groups, est.moments, est.delta_reduced, strict=True):
        if np.linalg.eigvalsh(grp.polychoric)[0] < np.sqrt(np.finfo(float).eps):
            return None
        sigma = _implied_cor(grp, mom)
        eig = np.linalg.eigvalsh(sigma)
        if eig[0] <= 0:
            return None
        s_inv = np.linalg.inv(sigma)
        p = sigma.shape[0]
        logdet_s = float(np.sum(np.log(eig)))
        logdet_r = float(np.linalg.slogdet(grp.polychoric)[1])
        x2 += grp.n * (logdet_s - logdet_r + float(np.sum(grp.polychoric * s_inv)) - p)
        x2_null += grp.n * (-logdet_r)
        fg = grp.n / n_total
        n_th = grp.n_thresholds
        rows = np.array([i for i, _ in pairs_of(p)])
        cols = np.array([j for _, j in pairs_of(p)])
        v_ml = (s_inv[np.ix_(rows, rows)] * s_inv[np.ix_(cols, cols)]
                + s_inv[np.ix_(rows, cols)] * s_inv[np.ix_(cols, rows)])
        gamma = grp.gamma[n_th:, n_th:]
        w = 1.0 / np.diag(grp.gamma)[n_th:]
        kbs += float(np.trace(gamma)) / fg
        df_null += len(rows)
        pieces.append((fg, v_ml, gamma, w, d[n_th:]))
    # ks = tr((I - P)' V (I - P) Gamma), P = Z E^-1 Z' W, block diagonal V, W, Gamma
    q = e_inv.shape[0]
    zvz, zwgwz, t_vg, t_pvg = np.zeros((q, q)), np.zeros((q, q)), 0.0, 0.0
    for fg, v, gamma, w, z in pieces:
        vg = v @ gamma  # the fg of V and 1/fg of Gamma cancel
        t_vg += float(np.trace(vg))
        # tr(V P Gamma) = tr(P Gamma V) = tr(E^-1 Z' W Gamma V Z) (times fg: W is fg W)
        t_pvg += fg * float(np.sum(e_inv * (z.T @ (w[:, None] * (gamma @ (v @ z))))))
        zvz += fg * z.T @ v @ z
        wz = w[:, None] * z
        zwgwz += fg * wz.T @ gamma @ wz
    ks = t_vg - 2.0 * t_pvg + float(np.sum((e_inv @ zvz @ e_inv) * zwgwz))
    df3 = df_null - (layout.n_reduced - len(dropped))
    if df3 <= 0:
        return None
    return {"chisq": x2, "df": float(df3), "c_hat": ks / df3, "baseline_chisq": x2_null,
            "baseline_df": float(df_null), "c_hat_baseline": kbs / df_null}


def fit_measures(est: WlsmvEstimate) -> FitMeasures:
    """lavaan's ``fitMeasures()`` of a WLSMV fit (see the module docstring)."""
    groups = est.groups
    n_groups = len(groups)
    n_rmsea = est.n_total - n_groups
    df = est.df
    x2 = max(est.chisq, 0.0)
    x2_s, scaling, shift = est.scaled_shifted()
    x2_null, df_null, x2_null_s, scaling_null = baseline(groups)
    cm = catml(est)
    robust: dict[str, float | None] = {"cfi_robust": None, "tli_robust": None,
                                       "rmsea_robust": None}
    if cm is not None and df > 0:
        robust["cfi_robust"] = _cfi(cm["chisq"], df, cm["baseline_chisq"], df_null,
                                    cm["c_hat"], cm["c_hat_baseline"])
        robust["tli_robust"] = _tli(cm["chisq"], df, cm["baseline_chisq"], df_null,
                                    cm["c_hat"], cm["c_hat_baseline"])
        robust["rmsea_robust"] = _rmsea(cm["chisq"], cm["df"], n_rmsea, n_groups, cm["c_hat"])
    ci = rmsea_ci(x2, df, n_rmsea, n_groups)
    pvalue = chi2_sf(x2, df) if df > 0 else float("nan")
    pvalue_s = chi2_sf(x2_s, df) if df > 0 else float("nan")
    return FitMeasures(
        chisq=x2, df=df, pvalue=pvalue,
        cfi=_cfi(x2, df, x2_null, df_null), tli=_tli(x2, df, x2_null, df_null),
        rmsea=_rmsea(x2, df, n_rmsea, n_groups),
        rmsea_ci_lower=ci[0], rmsea_ci_upper=ci[1],
        srmr=srmr(est), baseline_chisq=x2_null, baseline_df=df_null, ntotal=est.n_total,
        estimator="wlsmv",
        chisq_scaled=x2_s, df_scaled=float(df), pvalue_scaled=pvalue_s,
        scaling_factor=scaling if df > 0 else None, shift=shift if df > 0 else None,
        baseline_chisq_scaled=x2_null_s, baseline_df_scaled=float(df_null),
        baseline_scaling_factor=scaling_null,
        cfi_scaled=_cfi(x2_s, df, x2_null_s, df_null),
        tli_scaled=_tli(x2_s, df, x2_null_s, df_null),
        rmsea_scaled=_rmsea(x2_s, df, n_rmsea, n_groups),
        **robust,
    )

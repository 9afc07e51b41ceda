"""lavaan's own starting values (``start = "default"`` in lavaan 0.6-14's ``lav_start``).

The estimator starts from its FABIN-like values; these are the second try when that run
does not converge, so that a likelihood with several optima (a small sample) is climbed
from where lavaan climbs it: loadings by FABIN 3 (``lav_cfa_1fac_fabin``, three items by
``lav_cfa_1fac_3ind``) with lavaan's bounds, factor variances .05, factor covariances 0,
residual variances half the item variances, intercepts the item means, latent means 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._model import INTERCEPT, LOADING, Layout


def _three(s: np.ndarray) -> np.ndarray:
    """Loadings of a factor with 2 or 3 items (marker first), ``lav_cfa_1fac_3ind``."""
    if s.shape[0] == 2:
        extra = [float(np.mean(np.diag(s))), s[1, 0]]
        s = np.block([[s, np.array(extra)[:, None]],
                      [np.array([[*extra, float(np.max(np.diag(s)))]])]])
    s21, s31, s32 = s[1, 0], s[2, 0], s[2, 1]
    if s21 * s31 * s32 < 0:
        return np.ones(3)
    lower_psi = 0.1 * s[0, 0]
    lam = np.array([1.0, s32 / s31, s32 / s21])
    for i in (1, 2):
        bound = np.sqrt(s[i, i] / lower_psi)
        lam[i] = min(max(-bound, lam[i]), bound)
    return lam


def fabin3(s: np.ndarray) -> np.ndarray:
    """Loadings of one factor (marker first) from its items' covariance matrix."""
    nvar = s.shape[0]
    if nvar < 4:
        lam = _three(s)[:nvar]
    else:
        lam = np.ones(nvar)
        for i in range(1, nvar):
            idx3 = [k for k in range(nvar) if k not in (0, i)]
            s23, s31 = s[i, idx3], s[idx3, 0]
            try:
                tmp = np.linalg.solve(s[np.ix_(idx3, idx3)], s31)
                lam[i] = float(s23 @ tmp) / float(s31 @ tmp)
            except np.linalg.LinAlgError:
                lam[i] = float(s23 @ s31) / float(s31 @ s31)
        lower_psi = 0.1 * s[0, 0]
        for i in range(1, nvar):
            bound = np.sqrt(s[i, i] / lower_psi)
            lam[i] = min(max(-bound, lam[i]), bound)
    return np.where(np.isfinite(lam), lam, 1.0)


def lavaan_start_values(layout: Layout, groups: Sequence[Any]) -> np.ndarray:
    """Reduced starting values as lavaan's (shared labels take the first group's value)."""
    model = layout.model
    full = np.zeros(len(layout.params))
    for g, data in enumerate(groups):
        lam = np.ones(len(model.items))
        for f in range(len(model.factors)):
            members = [i for i, ff in enumerate(model.factor_of) if ff == f]
            lam[members] = fabin3(data.cov[np.ix_(members, members)])
        for k in layout.group_slice(g):
            prm = layout.params[k]
            if prm.kind == LOADING:
                full[k] = lam[prm.row]
            elif prm.kind == "factor_cov":
                full[k] = 0.05 if prm.row == prm.col else 0.0
            elif prm.kind == "residual":
                full[k] = 0.5 * data.cov[prm.row, prm.row]
            elif prm.kind == INTERCEPT:
                full[k] = data.mean[prm.row]
    theta = np.zeros(layout.n_reduced)
    seen = np.zeros(layout.n_reduced, dtype=bool)
    for k, r in enumerate(layout.reduced_of_full):
        if not seen[r]:
            theta[r], seen[r] = full[k], True
    return theta

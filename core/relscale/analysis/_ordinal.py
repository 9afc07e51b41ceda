"""Proportional-odds (cumulative logit) regression, the model of ``MASS::polr``.

``logit P(Y <= k | x) = zeta_k - x' beta`` for categories ``k = 1..K-1``, fitted by
maximum likelihood. The thresholds are parameterised as ``zeta_1`` and log increments so
they stay ordered; the optimiser is BFGS with the analytic gradient, finished by Newton
steps on a finite-difference Hessian so the log-likelihood is accurate to ~1e-10 (the
likelihood-ratio statistics of DIF are differences of these).

Rows may carry frequency weights: DIF fits the distinct (answer, matching score, group)
patterns of a sample, each weighted by how often it occurs, which gives the same
likelihood as the rows themselves at a cost that hardly grows with N (85k rows of a
national sample are a few hundred patterns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._messages import regression_not_converged, too_few_categories
from .errors import AnalysisError


@dataclass(frozen=True)
class OrdinalFit:
    loglik: float
    thresholds: np.ndarray
    beta: np.ndarray
    converged: bool


def _unpack(u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    zeta = u[0] + np.concatenate([[0.0], np.cumsum(np.exp(u[1 : k - 1]))])
    return zeta, u[k - 1 :]


def _negloglik(u: np.ndarray, y: np.ndarray, x: np.ndarray, k: int,
               w: np.ndarray) -> tuple[float, np.ndarray]:
    zeta, beta = _unpack(u, k)
    eta = x @ beta
    ext = np.concatenate([[-np.inf], zeta, [np.inf]])
    upper = ext[y + 1] - eta
    lower = ext[y] - eta
    fu, fl = expit(upper), expit(lower)
    prob = np.clip(fu - fl, 1e-300, None)
    du, dl = fu * (1 - fu), fl * (1 - fl)  # densities (0 at +-inf)
    ll = float(np.dot(w, np.log(prob)))
    wu, wl = w * du / prob, w * dl / prob
    g_zeta = (np.bincount(np.minimum(y, k - 2), weights=np.where(y < k - 1, wu, 0.0),
                          minlength=k - 1)
              - np.bincount(np.maximum(y - 1, 0), weights=np.where(y > 0, wl, 0.0),
                            minlength=k - 1))
    g_beta = -x.T @ (wu - wl)
    # chain rule to (zeta_1, log increments)
    g_u = np.empty(k - 1)
    g_u[0] = g_zeta.sum()
    inc = np.exp(u[1 : k - 1])
    g_u[1:] = inc * np.cumsum(g_zeta[::-1])[::-1][1:]
    return -ll, -np.concatenate([g_u, g_beta])


def fit_proportional_odds(y: np.ndarray, x: np.ndarray, *, weights: np.ndarray | None = None,
                          what: str = "item") -> OrdinalFit:
    """ML fit of the proportional-odds model of ``y`` (codes 0..K-1, all used) on ``x``.

    :param x: n x q covariates (no intercept column; the thresholds are the intercepts).
    :param weights: frequency weights (how many respondents each row stands for); the
        fit equals the fit of the rows repeated that often.
    :raises AnalysisError: fewer than 2 categories or no convergence (naming ``what``).
    """
    y = np.asarray(y, dtype=int)
    k = int(y.max()) + 1
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    if k < 2 or np.bincount(y, weights=w, minlength=k).min() <= 0:
        raise AnalysisError(too_few_categories(what))
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    n = float(w.sum())
    cum = np.cumsum(np.bincount(y, weights=w, minlength=k))[:-1] / n
    zeta0 = np.log(cum / (1 - cum))
    u0 = np.concatenate([[zeta0[0]], np.log(np.diff(zeta0)), np.zeros(x.shape[1])])
    from scipy import optimize  # here: importing relscale.analysis stays light

    res = optimize.minimize(_negloglik, u0, args=(y, x, k, w), jac=True, method="BFGS",
                            options={"gtol": 1e-9, "maxiter": 2000})
    u = res.x
    for _ in range(20):  # Newton polish
        f, g = _negloglik(u, y, x, k, w)
        if np.max(np.abs(g)) < 1e-9:
            break
        h = np.empty((len(u), len(u)))
        for j in range(len(u)):
            step = 1e-6 * max(1.0, abs(u[j]))
            e = np.zeros(len(u))
            e[j] = step
            h[:, j] = (_negloglik(u + e, y, x, k, w)[1]
                       - _negloglik(u - e, y, x, k, w)[1]) / (2 * step)
        try:
            delta = np.linalg.solve(0.5 * (h + h.T), g)
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-6 and _negloglik(u - t * delta, y, x, k, w)[0] > f:
            t /= 2
        if t <= 1e-6:
            break
        u = u - t * delta
    f, g = _negloglik(u, y, x, k, w)
    converged = bool(np.max(np.abs(g)) < 1e-5 * max(1.0, n / 100))
    if not converged or not np.isfinite(f):
        raise AnalysisError(regression_not_converged(what))
    zeta, beta = _unpack(u, k)
    return OrdinalFit(-f, zeta, beta, converged)

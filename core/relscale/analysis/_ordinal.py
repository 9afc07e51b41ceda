"""Proportional-odds (cumulative logit) regression, the model of ``MASS::polr``.

``logit P(Y <= k | x) = zeta_k - x' beta`` for categories ``k = 1..K-1``, fitted by
maximum likelihood: Newton's method on the exact gradient and Hessian, from the
thresholds of the model without covariates (beta = 0), each step halved until the
likelihood rises. The negative log-likelihood is convex in (zeta, beta), so the steps
converge quadratically; they stop when a step changes no parameter by more than 1e-11
relative, so the log-likelihood is accurate to ~1e-10 (the likelihood-ratio statistics of
DIF are differences of these). When beta runs off (a matching score that determines the
answer) the fit is accepted once the gradient is zero to rounding, as the BFGS fit before
it did; otherwise no convergence is an error naming the item.

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


MAX_NEWTON = 100
STEP_TOL = 1e-11


def _terms(theta: np.ndarray, y: np.ndarray, x: np.ndarray, k: int, w: np.ndarray,
           hessian: bool = True) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, its gradient and (``hessian``) its Hessian in (zeta, beta);
    -inf when the thresholds are out of order."""
    zeta, beta = theta[:k - 1], theta[k - 1:]
    if np.any(np.diff(zeta) <= 0):
        return -np.inf, np.empty(0), np.empty((0, 0))
    eta = x @ beta
    ext = np.concatenate([[-np.inf], zeta, [np.inf]])
    fu, fl = expit(ext[y + 1] - eta), expit(ext[y] - eta)
    prob = np.clip(fu - fl, 1e-300, None)
    du, dl = fu * (1 - fu), fl * (1 - fl)  # densities (0 at +-inf)
    ll = float(np.dot(w, np.log(prob)))
    if not hessian:
        return ll, np.empty(0), np.empty((0, 0))
    # dU/dtheta = a, dL/dtheta = b: a threshold indicator and -x
    n, q = x.shape
    a = np.zeros((n, k - 1 + q))
    b = np.zeros((n, k - 1 + q))
    upper, lower = y < k - 1, y > 0
    a[np.flatnonzero(upper), y[upper]] = 1.0
    b[np.flatnonzero(lower), y[lower] - 1] = 1.0
    a[:, k - 1:] = -x
    b[:, k - 1:] = -x
    grad_rows = du[:, None] * a - dl[:, None] * b  # d prob / d theta
    grad = grad_rows.T @ (w / prob)
    cu = w * du * (1 - 2 * fu) / prob  # second derivative of the logistic cdf, weighted
    cl = w * dl * (1 - 2 * fl) / prob
    hess = ((a * cu[:, None]).T @ a - (b * cl[:, None]).T @ b
            - (grad_rows * (w / prob ** 2)[:, None]).T @ grad_rows)
    return ll, grad, hess


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
    theta = np.concatenate([np.log(cum / (1 - cum)), np.zeros(x.shape[1])])
    ll, grad, hess = _terms(theta, y, x, k, w)
    converged = False
    for _ in range(MAX_NEWTON):
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        t = 1.0
        while t > 1e-10:
            new_ll = _terms(theta + t * step, y, x, k, w, hessian=False)[0]
            if new_ll >= ll:
                break
            t /= 2
        else:
            # no step raises the likelihood any more: at the optimum to rounding
            converged = bool(np.max(np.abs(grad)) < 1e-5 * max(1.0, n / 100))
            break
        theta = theta + t * step
        ll, grad, hess = _terms(theta, y, x, k, w)
        if np.max(np.abs(t * step)) <= STEP_TOL * (1.0 + np.max(np.abs(theta))):
            converged = bool(np.max(np.abs(grad)) < 1e-5 * max(1.0, n / 100))
            break
    if not converged and np.isfinite(ll):
        # Newton stopped with the parameters still moving (out of steps, a singular Hessian
        # or a step that no longer raises the likelihood): a matching score that determines
        # the answer, where beta runs off while the likelihood levels out (MASS::polr then
        # warns). Accepted, as the BFGS fit before did, when the gradient is zero to rounding.
        converged = bool(np.max(np.abs(grad)) < 1e-5 * max(1.0, n / 100))
    if not converged or not np.isfinite(ll):
        raise AnalysisError(regression_not_converged(what))
    return OrdinalFit(ll, theta[:k - 1], theta[k - 1:], converged)

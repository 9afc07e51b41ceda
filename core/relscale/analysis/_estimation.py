"""Maximum likelihood estimation of a (multi-group) CFA by Fisher scoring.

The discrepancy of group g is lavaan's ML fit function without the factor 1/2::

    F_g = log|Sigma| + tr(S Sigma^-1) - log|S| - p + (ybar - mu)' Sigma^-1 (ybar - mu)

with ``S`` the biased (divide-by-N) covariance; the estimates minimise
``sum_g N_g F_g``, which at the minimum is lavaan's chi-square (``2 N F_ML`` with
``likelihood = "normal"``). The Fisher-scoring step uses the analytic gradient and the
expected information ``tr(A dS_j A dS_k) + 2 dmu_j' A dmu_k`` (``A = Sigma^-1``), the
information lavaan uses for standard errors and score tests by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._model import INTERCEPT, LOADING, GroupMatrices, Layout, group_matrices
from .data import GroupData
from .errors import AnalysisError


@dataclass
class GroupTerms:
    """Discrepancy, gradient and expected information of one group (full params)."""

    f: float
    grad: np.ndarray
    info: np.ndarray
    sigma: np.ndarray
    mu: np.ndarray


def _derivatives(
    layout: Layout, g: int, mats: GroupMatrices
) -> tuple[np.ndarray, np.ndarray]:
    """dSigma/dx (k x p x p) and dmu/dx (k x p) for group g's free parameters."""
    idx = layout.group_slice(g)
    p = mats.lam.shape[0]
    d_sigma = np.zeros((len(idx), p, p))
    d_mu = np.zeros((len(idx), p))
    lam_phi = mats.lam @ mats.phi
    for j, k in enumerate(idx):
        prm = layout.params[k]
        if prm.kind == LOADING:
            i, f = prm.row, prm.col
            c = lam_phi[:, f]
            d_sigma[j, i, :] += c
            d_sigma[j, :, i] += c
            d_mu[j, i] = mats.alpha[f]
        elif prm.kind == "factor_cov":
            a, b = mats.lam[:, prm.row], mats.lam[:, prm.col]
            d_sigma[j] = np.outer(a, a) if prm.row == prm.col else np.outer(a, b) + np.outer(b, a)
        elif prm.kind == "residual":
            d_sigma[j, prm.row, prm.row] = 1.0
        elif prm.kind == INTERCEPT:
            d_mu[j, prm.row] = 1.0
        else:
            d_mu[j] = mats.lam[:, prm.row]
    return d_sigma, d_mu


def _inverse_pd(sigma: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Inverse and log-determinant of a positive definite matrix, or None."""
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return None
    inv_chol = np.linalg.inv(chol)
    return inv_chol.T @ inv_chol, 2.0 * float(np.sum(np.log(np.diag(chol))))


def group_terms(
    layout: Layout, g: int, x_full: np.ndarray, data: GroupData, *, derivatives: bool = True
) -> GroupTerms | None:
    """F_g, its gradient and expected information at ``x_full`` (None if Sigma is not PD)."""
    mats = group_matrices(layout, g, x_full)
    sigma = mats.sigma()
    inv = _inverse_pd(sigma)
    if inv is None:
        return None
    a, logdet = inv
    p = sigma.shape[0]
    logdet_s = np.linalg.slogdet(data.cov)[1]
    f = logdet + float(np.sum(a * data.cov)) - logdet_s - p
    mu = mats.mu()
    d = np.zeros(p)
    if layout.meanstructure:
        d = data.mean - mu
        f += float(d @ a @ d)
    if not derivatives:
        return GroupTerms(f, np.empty(0), np.empty((0, 0)), sigma, mu)
    d_sigma, d_mu = _derivatives(layout, g, mats)
    resid = a @ (sigma - data.cov - np.outer(d, d)) @ a
    grad = np.einsum("jab,ab->j", d_sigma, resid)
    a_ds_a = np.einsum("ab,jbc,cd->jad", a, d_sigma, a, optimize=True)
    info = np.einsum("jab,kab->jk", a_ds_a, d_sigma, optimize=True)
    if layout.meanstructure:
        grad -= 2.0 * d_mu @ (a @ d)
        info += 2.0 * d_mu @ a @ d_mu.T
    return GroupTerms(f, grad, info, sigma, mu)


@dataclass
class Estimate:
    """The solution: reduced and full parameters, chi-square and the information."""

    layout: Layout
    theta: np.ndarray
    x_full: np.ndarray
    chisq: float
    converged: bool
    iterations: int
    info_reduced: np.ndarray  # sum_g N_g E[d2 F_g] in the reduced space
    terms: list[GroupTerms]


def _weighted(
    layout: Layout, x_full: np.ndarray, groups: Sequence[GroupData]
) -> tuple[float, np.ndarray, np.ndarray, list[GroupTerms]] | None:
    """sum_g N_g F_g with its reduced-space gradient and information."""
    n_red = layout.n_reduced
    total, grad, info = 0.0, np.zeros(n_red), np.zeros((n_red, n_red))
    terms = []
    for g, data in enumerate(groups):
        t = group_terms(layout, g, x_full, data)
        if t is None:
            return None
        red = layout.reduced_of_full[layout.group_slice(g)]
        total += data.n * t.f
        np.add.at(grad, red, data.n * t.grad)
        np.add.at(info, (red[:, None], red[None, :]), data.n * t.info)
        terms.append(t)
    return total, grad, info, terms


def start_values(layout: Layout, groups: Sequence[GroupData]) -> np.ndarray:
    """Reduced starting values from each group's moments (averaged over shared labels).

    Loadings: the ratio of an item's covariances with the factor's other items to the
    marker's (a FABIN-like start); factor (co)variances from the implied covariances;
    residual variances half the observed variance (lavaan's start); intercepts the means.
    """
    model = layout.model
    full = np.zeros(len(layout.params))
    for g, data in enumerate(groups):
        s = data.cov
        lam = np.zeros(len(model.items))
        for f, marker in enumerate(model.markers):
            members = [i for i, ff in enumerate(model.factor_of) if ff == f]
            lam[marker] = 1.0
            for i in members:
                if i == marker:
                    continue
                others = [k for k in members if k not in (i, marker)]
                num = sum(s[i, k] for k in others) if others else s[i, marker]
                den = sum(s[marker, k] for k in others) if others else s[marker, marker]
                lam[i] = num / den if abs(den) > 1e-8 else 1.0
                lam[i] = float(np.clip(lam[i], -3.0, 3.0))
        m = len(model.factors)
        phi = np.zeros((m, m))
        for f in range(m):
            for h in range(f, m):
                rows = [i for i, ff in enumerate(model.factor_of) if ff == f]
                cols = [i for i, ff in enumerate(model.factor_of) if ff == h]
                vals = [s[i, k] / (lam[i] * lam[k]) for i in rows for k in cols
                        if i != k and abs(lam[i] * lam[k]) > 1e-6]
                phi[f, h] = phi[h, f] = float(np.mean(vals)) if vals else 0.0
        d = np.clip(np.diag(phi), 0.05 * np.diag(s)[list(model.markers)], None)
        corr = phi / np.sqrt(np.outer(np.abs(np.diag(phi)) + 1e-12, np.abs(np.diag(phi)) + 1e-12))
        corr = np.clip(corr, -0.9, 0.9)
        np.fill_diagonal(corr, 1.0)
        if np.linalg.eigvalsh(corr)[0] < 0.05:
            corr = 0.5 * corr + 0.5 * np.eye(m)
        phi = corr * np.sqrt(np.outer(d, d))
        if layout.identification == "std.lv":  # the same start, rescaled to unit variances
            lam = lam * np.sqrt(d)[list(model.factor_of)]
            phi = corr
        for k in layout.group_slice(g):
            prm = layout.params[k]
            if prm.kind == LOADING:
                full[k] = lam[prm.row]
            elif prm.kind == "factor_cov":
                full[k] = phi[prm.row, prm.col]
            elif prm.kind == "residual":
                full[k] = 0.5 * s[prm.row, prm.row]
            elif prm.kind == INTERCEPT:
                full[k] = data.mean[prm.row]
    theta = np.zeros(layout.n_reduced)
    counts = np.zeros(layout.n_reduced)
    np.add.at(theta, layout.reduced_of_full, full)
    np.add.at(counts, layout.reduced_of_full, 1.0)
    return theta / counts


def estimate(
    layout: Layout,
    groups: Sequence[GroupData],
    *,
    start: np.ndarray | None = None,
    max_iter: int = 300,
    tol: float = 1e-9,
) -> Estimate:
    """Minimise ``sum_g N_g F_g`` by Fisher scoring with step halving.

    Converged when the largest gradient element of the mean discrepancy
    (``sum N_g F_g / N``) is below ``tol`` -- tighter than lavaan's ``nlminb``
    (``rel.tol = 1e-10`` on the objective), so estimates agree to printed precision.
    """
    n_total = sum(d.n for d in groups)
    theta = start_values(layout, groups) if start is None else start.copy()
    current = _weighted(layout, layout.expand(theta), groups)
    if current is None:
        raise AnalysisError("the starting values give a non-positive-definite model matrix")
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        f, grad, info, _ = current
        if np.max(np.abs(grad)) / n_total < tol:
            converged = True
            break
        try:
            step = -np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            raise AnalysisError(
                "the model is not identified with these data (singular information matrix)"
            ) from None
        t = 1.0
        while True:
            trial = theta + t * step
            new = _weighted(layout, layout.expand(trial), groups)
            if new is not None and new[0] <= f + 1e-12 * max(1.0, abs(f)):
                break
            t /= 2.0
            if t < 1e-10:
                new = None
                break
        if new is None:
            break
        theta, current = trial, new
    f, grad, info, terms = current
    if not converged and np.max(np.abs(grad)) / n_total < tol * 100:
        converged = True
    x_full = layout.expand(theta)
    return Estimate(layout, theta, x_full, f, converged, it, info, terms)

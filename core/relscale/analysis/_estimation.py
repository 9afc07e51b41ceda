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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._messages import (
    implied_not_positive_definite,
    not_identified,
    start_not_positive_definite,
)
from ._model import INTERCEPT, LOADING, GroupMatrices, Layout, group_matrices
from ._moments import Patterns, complete_patterns, gradient, observed_hessian, pattern_terms
from ._moments import vech_index as _vech_index
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


def delta(layout: Layout, g: int, mats: GroupMatrices, *, meanstructure: bool) -> np.ndarray:
    """Moments x group g's free parameters: d(mu, vech Sigma)/dx (lavaan's ``Delta``)."""
    d_sigma, d_mu = _derivatives(layout, g, mats)
    r, c = _vech_index(mats.lam.shape[0])
    out = d_sigma[:, r, c].T
    return np.vstack([d_mu.T, out]) if meanstructure else out


def moment_gradient(g_sigma: np.ndarray, g_mu: np.ndarray, *, meanstructure: bool) -> np.ndarray:
    """The gradient in the moments from ``dD = tr(G dSigma) + g' dmu``."""
    r, c = _vech_index(g_sigma.shape[0])
    out = np.where(r == c, 1.0, 2.0) * g_sigma[r, c]
    return np.concatenate([g_mu, out]) if meanstructure else out


def _second_order(layout: Layout, g: int, mats: GroupMatrices, g_sigma: np.ndarray,
                  g_mu: np.ndarray) -> np.ndarray:
    """sum over moments of dD/dmoment * d2 moment / dx dx' (only loadings are non-linear)."""
    idx = layout.group_slice(g)
    params = [layout.params[k] for k in idx]
    out = np.zeros((len(idx), len(idx)))
    lam_g = mats.lam.T @ g_sigma  # m x p
    for a, pa in enumerate(params):
        if pa.kind != LOADING:
            continue
        i, f = pa.row, pa.col
        for b, pb in enumerate(params):
            if pb.kind == LOADING:
                v = 2.0 * mats.phi[f, pb.col] * g_sigma[i, pb.row]
            elif pb.kind == "factor_cov":
                u, w = pb.row, pb.col
                v = 2.0 * ((f == u) * lam_g[w, i] + (f == w) * lam_g[u, i]) if u != w \
                    else 2.0 * (f == u) * lam_g[u, i]
            elif pb.kind == "latent_mean":
                v = g_mu[i] if pb.row == f else 0.0
            else:
                continue
            out[a, b] += v
            if pb.kind != LOADING:
                out[b, a] += v
    return out


def patterns_of(data: Any) -> Patterns:
    """The missing-data patterns of a group (complete data: one pattern, made once)."""
    pat = getattr(data, "patterns", None)
    if pat is not None:
        return pat
    cache = getattr(data, "cache", None)
    if cache is None:
        return complete_patterns(data.x)
    if "patterns" not in cache:
        cache["patterns"] = complete_patterns(data.x)
    return cache["patterns"]


def observed_information(
    layout: Layout, x_full: np.ndarray, groups: Sequence[Any]
) -> np.ndarray:
    """Second derivatives of ``sum_g D_g`` (= ``sum_g N_g F_g``) in the reduced space.

    ``D_g`` is -2 log L of group g (complete or with missing answers): this is twice the
    observed information lavaan uses (``information = "observed"``, its Hessian).
    """
    n_red = layout.n_reduced
    out = np.zeros((n_red, n_red))
    for g, data in enumerate(groups):
        mats = group_matrices(layout, g, x_full)
        mu = mats.mu() if layout.meanstructure else data.mean
        t = pattern_terms(patterns_of(data), mu, mats.sigma())
        if t is None:
            raise AnalysisError(implied_not_positive_definite())
        dlt = delta(layout, g, mats, meanstructure=layout.meanstructure)
        g_sigma, g_mu = gradient(t)
        hess = dlt.T @ observed_hessian(t, layout.meanstructure) @ dlt
        hess += _second_order(layout, g, mats, g_sigma, g_mu)
        red = layout.reduced_of_full[layout.group_slice(g)]
        np.add.at(out, (red[:, None], red[None, :]), hess)
    return out


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


TermsFn = Callable[..., "GroupTerms | None"]
"""``group_terms`` or another function with its signature (FIML: ``_fiml.fiml_terms``)."""

REL_TOL = 1e-10
"""lavaan's ``rel.tol`` for ``nlminb`` (the Newton phase's function convergence)."""

STALL_ITERATIONS = 25
"""Fisher-scoring iterations without a decrease (or without the gradient shrinking
tenfold) before Newton steps take over."""


def _weighted(
    layout: Layout, x_full: np.ndarray, groups: Sequence[Any], terms_fn: TermsFn = group_terms
) -> tuple[float, np.ndarray, np.ndarray, list[GroupTerms]] | None:
    """sum_g N_g F_g with its reduced-space gradient and information."""
    n_red = layout.n_reduced
    total, grad, info = 0.0, np.zeros(n_red), np.zeros((n_red, n_red))
    terms = []
    for g, data in enumerate(groups):
        t = terms_fn(layout, g, x_full, data)
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
    groups: Sequence[Any],
    *,
    start: np.ndarray | None = None,
    max_iter: int = 300,
    tol: float = 1e-9,
    terms: TermsFn = group_terms,
) -> Estimate:
    """Minimise ``sum_g N_g F_g`` by Fisher scoring with step halving.

    Converged when the largest gradient element of the mean discrepancy
    (``sum N_g F_g / N``) is below ``tol`` -- tighter than lavaan's ``nlminb``
    (``rel.tol = 1e-10`` on the objective), so estimates agree to printed precision.
    When Fisher scoring stalls (no decrease, or a gradient that does not shrink tenfold, in
    :data:`STALL_ITERATIONS` iterations; or a failed line search), Newton steps with the observed
    information finish the job: near an improper (Heywood) solution of a small sample the
    expected information is a poor guide, where lavaan's quasi-Newton ``nlminb`` still
    converges.
    """
    est = _run(layout, groups, start_values(layout, groups) if start is None else start,
               max_iter, tol, terms)
    if not est.converged and start is None:
        from ._start import lavaan_start_values

        second = _run(layout, groups, lavaan_start_values(layout, groups), max_iter, tol, terms)
        if second.converged:
            second.iterations += est.iterations
            return second
    return est


def _run(layout: Layout, groups: Sequence[Any], start: np.ndarray, max_iter: int, tol: float,
         terms: TermsFn) -> Estimate:
    n_total = sum(d.n for d in groups)
    theta = start.copy()
    current = _weighted(layout, layout.expand(theta), groups, terms)
    if current is None:
        raise AnalysisError(start_not_positive_definite())
    converged = False
    stalled = 0
    history: list[float] = []
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        f, grad, info, _ = current
        if np.max(np.abs(grad)) / n_total < tol:
            converged = True
            break
        if stalled >= STALL_ITERATIONS:
            break
        try:
            step = -np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            raise AnalysisError(not_identified()) from None
        t = 1.0
        while True:
            trial = theta + t * step
            new = _weighted(layout, layout.expand(trial), groups, terms)
            if new is not None and new[0] <= f + 1e-12 * max(1.0, abs(f)):
                break
            t /= 2.0
            if t < 1e-10:
                new = None
                break
        if new is None:
            break
        stalled = stalled + 1 if new[0] > f - 1e-12 * max(1.0, abs(f)) else 0
        theta, current = trial, new
        history.append(float(np.max(np.abs(current[1]))))
        if len(history) > STALL_ITERATIONS and history[-1] > 0.1 * history[-STALL_ITERATIONS]:
            stalled = STALL_ITERATIONS  # the gradient shrinks too slowly: Newton instead
    if not converged and it < max_iter:
        theta, current, extra, converged = _newton(layout, groups, theta, current, terms,
                                                   tol, n_total, max_iter - it)
        it += extra
    f, grad, info, group_t = current
    if not converged and np.max(np.abs(grad)) / n_total < tol * 100:
        converged = True
    x_full = layout.expand(theta)
    return Estimate(layout, theta, x_full, f, converged, it, info, group_t)


def _newton(
    layout: Layout, groups: Sequence[Any], theta: np.ndarray,
    current: tuple[float, np.ndarray, np.ndarray, list[GroupTerms]], terms: TermsFn,
    tol: float, n_total: int, max_iter: int,
) -> tuple[np.ndarray, tuple[float, np.ndarray, np.ndarray, list[GroupTerms]], int, bool]:
    """Newton-Raphson with the observed information (Levenberg damping when it is not
    positive definite) and step halving, from where Fisher scoring stopped."""
    for it in range(1, max_iter + 1):
        f, grad, _, _ = current
        if np.max(np.abs(grad)) / n_total < tol:
            return theta, current, it - 1, True
        try:
            hess = observed_information(layout, layout.expand(theta), groups)
        except AnalysisError:
            return theta, current, it - 1, False
        low = float(np.linalg.eigvalsh(hess)[0])
        scale = float(np.max(np.abs(np.diag(hess))))
        if low <= 1e-12 * scale:
            hess = hess + (1e-8 * scale - low) * np.eye(len(theta))
        step = -np.linalg.solve(hess, grad)
        if -0.5 * float(grad @ step) <= REL_TOL * max(abs(f), 1e-8):
            # nlminb's "relative function convergence": the quadratic model promises no
            # more than rel.tol of the objective (lavaan's criterion)
            return theta, current, it - 1, True
        t = 1.0
        while True:
            trial = theta + t * step
            new = _weighted(layout, layout.expand(trial), groups, terms)
            if new is not None and new[0] <= f + 1e-12 * max(1.0, abs(f)):
                break
            t /= 2.0
            if t < 1e-10:
                return theta, current, it, False
        theta, current = trial, new
    return theta, current, max_iter, False

"""Diagonally weighted least squares (DWLS) with robust corrections: lavaan's WLSMV.

The estimates minimise ``sum_g (N_g - 1) (s_g - sigma_g)' W_g (s_g - sigma_g)`` with
``s_g`` the sample thresholds and polychoric correlations, ``sigma_g`` what the model
implies (:mod:`relscale.analysis.wlsmv_model`) and ``W_g = diag(Gamma_g)^-1`` (lavaan's
``WLS.VD``); at the minimum the sum is lavaan's (unscaled) chi-square. The optimiser is
Gauss-Newton with step halving.

With ``E = sum_g f_g Delta_g' W_g Delta_g`` (the unit expected information, ``f_g = N_g /
N``) and ``Delta_g`` the Jacobian of ``sigma_g``:

- standard errors (``se = "robust.sem"``): ``E^-1 (sum_g f_g Delta_g' W_g Gamma_g W_g
  Delta_g) E^-1 / N``;
- the mean-and-variance adjusted chi-square (``test = "scaled.shifted"``): with ``U Gamma``
  over all groups (lavaan's ``lav_test_satorra_bentler``), ``a = sqrt(df / tr((U
  Gamma)^2))``, ``b = df - a tr(U Gamma)``, ``chisq_scaled = a chisq + b``; the
  scaling factor lavaan prints is ``1 / a`` and the shift ``b``.

Fit indices are in :mod:`relscale.analysis.wlsmv_fit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._messages import not_identified
from .errors import AnalysisError
from .polychoric import OrdinalGroup
from .wlsmv_model import (
    FACTOR_COV,
    FACTOR_VAR,
    LOADING,
    RESIDUAL,
    SCALE,
    THRESHOLD,
    OrdinalLayout,
    implied,
)


@dataclass
class WlsmvEstimate:
    """A fitted ordinal model and what its statistics need."""

    layout: OrdinalLayout
    groups: Sequence[OrdinalGroup]
    theta: np.ndarray
    x_full: np.ndarray
    chisq: float
    converged: bool
    iterations: int
    moments: list[np.ndarray]
    jac: list[np.ndarray]  # per group: d moments / d full parameters of the group

    @property
    def n_total(self) -> int:
        return sum(g.n for g in self.groups)

    @property
    def df(self) -> int:
        return sum(len(g.stats) for g in self.groups) - self.layout.n_reduced

    @cached_property
    def delta_reduced(self) -> list[np.ndarray]:
        """Per group: d moments / d reduced parameters."""
        return [to_reduced(self.layout, g, jac) for g, jac in enumerate(self.jac)]

    @cached_property
    def weights(self) -> list[np.ndarray]:
        return [1.0 / np.diag(g.gamma) for g in self.groups]

    @cached_property
    def information(self) -> np.ndarray:
        """E = sum_g f_g Delta' W Delta (reduced, unit information)."""
        q = self.layout.n_reduced
        info = np.zeros((q, q))
        for grp, d, w in zip(self.groups, self.delta_reduced, self.weights, strict=True):
            info += grp.n / self.n_total * (d.T * w) @ d
        return info

    @cached_property
    def information_inv(self) -> np.ndarray:
        info = self.information
        scale = np.sqrt(np.abs(np.diag(info)))
        if np.any(scale == 0) or np.linalg.cond(info / np.outer(scale, scale)) > 1e12:
            raise AnalysisError(not_identified())
        return np.asarray(np.linalg.inv(info))

    @cached_property
    def _sandwich_terms(self) -> tuple[np.ndarray, np.ndarray, float, float]:
        """(sum f_g D'WGWD, sum f_g D'W G W G W D, tr(A^2), tr(A)) with A = W Gamma."""
        q = self.layout.n_reduced
        cb, cab = np.zeros((q, q)), np.zeros((q, q))
        tr_a2 = tr_a = 0.0
        for grp, d, w in zip(self.groups, self.delta_reduced, self.weights, strict=True):
            fg = grp.n / self.n_total
            wd = w[:, None] * d
            gwd = grp.gamma @ wd
            cb += fg * wd.T @ gwd
            cab += fg * gwd.T @ (w[:, None] * gwd)
            a = w[:, None] * grp.gamma
            tr_a2 += float(np.sum(a * a.T))
            tr_a += float(np.trace(a))
        return cb, cab, tr_a2, tr_a

    def vcov(self) -> np.ndarray:
        """Robust (sandwich) covariance of the reduced parameters (lavaan's robust.sem;
        lavaan divides by N - G for estimators other than ML)."""
        e_inv = self.information_inv
        cb = self._sandwich_terms[0]
        return np.asarray(e_inv @ cb @ e_inv / (self.n_total - len(self.groups)))

    def traces(self) -> tuple[float, float]:
        """tr(U Gamma) and tr((U Gamma)^2) over all groups (lavaan's UGamma)."""
        e_inv = self.information_inv
        cb, cab, tr_a2, tr_a = self._sandwich_terms
        m = e_inv @ cb
        return tr_a - float(np.trace(m)), tr_a2 - 2.0 * float(np.sum(e_inv * cab)) + float(
            np.sum(m * m.T))

    def scaled_shifted(self) -> tuple[float, float, float]:
        """(chisq_scaled, scaling factor 1/a, shift b) of lavaan's scaled.shifted test."""
        df = self.df
        if df <= 0:
            return self.chisq, float("nan"), float("nan")
        tr_ug, tr_ug2 = self.traces()
        a = np.sqrt(df / tr_ug2)
        b = df - a * tr_ug
        return float(a * self.chisq + b), float(1.0 / a), float(b)


def to_reduced(layout: OrdinalLayout, g: int, jac: np.ndarray) -> np.ndarray:
    """Columns of a group's full-parameter Jacobian moved to the reduced parameters (a
    group's free parameters all have different reduced indices)."""
    red = layout.reduced_of_full[layout.group_slice(g)]
    out = np.zeros((jac.shape[0], layout.n_reduced))
    free = red >= 0
    out[:, red[free]] = jac[:, free]
    return out


def _objective(layout: OrdinalLayout, groups: Sequence[OrdinalGroup], x_full: np.ndarray,
               derivatives: bool) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    total = 0.0
    moments, jacs = [], []
    for g, grp in enumerate(groups):
        mom, jac = implied(layout, g, x_full, derivatives)
        r = grp.stats - mom
        total += (grp.n - 1) * float(np.sum(r * r / np.diag(grp.gamma)))
        moments.append(mom)
        jacs.append(jac)
    return total, moments, jacs


def _one_factor(r: np.ndarray) -> np.ndarray:
    """Loadings of a one-factor principal-axis solution of a correlation block."""
    k = r.shape[0]
    h2 = np.max(np.abs(r - np.eye(k)), axis=1)
    vec = np.ones(k) / np.sqrt(k)
    val = 0.0
    for _ in range(25):
        red = r - np.diag(np.diag(r)) + np.diag(h2)
        vals, vecs = np.linalg.eigh(red)
        val, vec = vals[-1], vecs[:, -1]
        h2 = np.clip(val * vec ** 2, 0.05, 0.95)
    lam = np.sqrt(max(val, 1e-6)) * vec
    return lam if lam.sum() >= 0 else -lam


def start_values(layout: OrdinalLayout, groups: Sequence[OrdinalGroup]) -> np.ndarray:
    """Reduced starting values: thresholds from the sample, loadings and factor
    correlations from one-factor solutions of each factor's polychoric block."""
    model = layout.model
    p, m = len(model.items), len(model.factors)
    theta_par = layout.parameterization == "theta"
    full = np.zeros(len(layout.params))
    for g, grp in enumerate(groups):
        r = grp.polychoric
        lam = np.zeros(p)
        for f in range(m):
            members = [j for j in range(p) if model.factor_of[j] == f]
            lam[members] = np.clip(_one_factor(r[np.ix_(members, members)]), 0.2, 0.95)
        cor = np.eye(m)
        for f in range(m):
            for h in range(f + 1, m):
                a = [j for j in range(p) if model.factor_of[j] == f]
                b = [j for j in range(p) if model.factor_of[j] == h]
                vals = r[np.ix_(a, b)] / np.outer(lam[a], lam[b])
                cor[f, h] = cor[h, f] = float(np.clip(np.mean(vals), -0.9, 0.9))
        if np.linalg.eigvalsh(cor)[0] < 0.05:
            cor = 0.5 * cor + 0.5 * np.eye(m)
        stretch = 1.0 / np.sqrt(1.0 - lam ** 2) if theta_par else np.ones(p)
        marker_lam = {f: lam[i] for f, i in enumerate(model.markers)}
        start = layout.threshold_start
        for k in layout.group_slice(g):
            prm = layout.params[k]
            if prm.fixed is not None:
                full[k] = prm.fixed
            elif prm.kind == LOADING:
                value = lam[prm.row] * stretch[prm.row]
                if layout.identification == "marker":
                    value /= marker_lam[prm.col] * stretch[model.markers[prm.col]]
                full[k] = value
            elif prm.kind == THRESHOLD:
                full[k] = grp.stats[start[prm.row] + prm.col] * stretch[prm.row]
            elif prm.kind in (SCALE, RESIDUAL):
                full[k] = 1.0
            elif prm.kind in (FACTOR_VAR, FACTOR_COV):
                value = cor[prm.row, prm.col]
                if layout.identification == "marker":
                    mf, mh = model.markers[prm.row], model.markers[prm.col]
                    value *= lam[mf] * stretch[mf] * lam[mh] * stretch[mh]
                full[k] = value
    theta = np.zeros(layout.n_reduced)
    counts = np.zeros(layout.n_reduced)
    red = layout.reduced_of_full
    free = red >= 0
    np.add.at(theta, red[free], full[free])
    np.add.at(counts, red[free], 1.0)
    return theta / counts


def estimate(layout: OrdinalLayout, groups: Sequence[OrdinalGroup], *,
             start: np.ndarray | None = None, max_iter: int = 500,
             tol: float = 1e-10) -> WlsmvEstimate:
    """Minimise the DWLS discrepancy by Gauss-Newton with step halving.

    Converged when the largest element of the gradient of ``chisq / N`` is below ``tol``.
    """
    n_total = sum(g.n for g in groups)
    weights = [1.0 / np.diag(g.gamma) for g in groups]
    theta = start_values(layout, groups) if start is None else start.copy()
    f, moments, jacs = _objective(layout, groups, layout.expand(theta), True)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        grad = np.zeros(layout.n_reduced)
        hess = np.zeros((layout.n_reduced, layout.n_reduced))
        for g, (grp, mom, jac, w) in enumerate(zip(groups, moments, jacs, weights, strict=True)):
            d = to_reduced(layout, g, jac)
            wd = (grp.n - 1) * w[:, None] * d
            grad += wd.T @ (grp.stats - mom)
            hess += d.T @ wd
        if np.max(np.abs(grad)) / n_total < tol:
            converged = True
            break
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            raise AnalysisError(not_identified()) from None
        t = 1.0
        while True:
            trial = theta + t * step
            new = _objective(layout, groups, layout.expand(trial), True)
            if np.isfinite(new[0]) and new[0] <= f + 1e-12 * max(1.0, abs(f)):
                break
            t /= 2.0
            if t < 1e-10:
                new = None  # type: ignore[assignment]
                break
        if new is None:
            break
        theta = trial
        f, moments, jacs = new
    if not converged and it >= 1:
        grad_ok = _gradient_norm(layout, groups, theta, weights) / n_total
        converged = grad_ok < tol * 1000
    return WlsmvEstimate(layout, groups, theta, layout.expand(theta), f, converged, it,
                         moments, jacs)


def _gradient_norm(layout: OrdinalLayout, groups: Sequence[OrdinalGroup], theta: np.ndarray,
                   weights: list[np.ndarray]) -> float:
    _, moments, jacs = _objective(layout, groups, layout.expand(theta), True)
    grad = np.zeros(layout.n_reduced)
    for g, (grp, mom, jac, w) in enumerate(zip(groups, moments, jacs, weights, strict=True)):
        grad += (grp.n - 1) * to_reduced(layout, g, jac).T @ (w * (grp.stats - mom))
    return float(np.max(np.abs(grad)))

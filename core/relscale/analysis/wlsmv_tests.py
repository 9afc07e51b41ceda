"""Nested-model and score tests for WLSMV fits.

**Difference test** -- ``lavTestLRT(free, restricted, method = "satorra.2000")`` with
lavaan's defaults (``A.method = "delta"``, ``scaled.shifted = TRUE``): with the free
model's Jacobian ``Delta1``, information ``P`` and Gamma, the restricted model's Jacobian
``Delta0``, ``H = ginv(Delta1) Delta0``, ``A`` the orthogonal complement of ``H`` and ``M =
P^-1 A' (A P^-1 A')^- A P^-1``: ``tr(UG) = tr(M Q)``, ``tr(UG^2) = tr(M Q M Q)`` with ``Q =
sum_g f_g Delta1' W Gamma W Delta1``; ``a = sqrt(m / tr(UG^2))``, ``b = m - a tr(UG)`` and
the statistic ``a (T0 - T1) + b`` on ``m = df0 - df1`` degrees of freedom. Models of
different parameterizations (delta, theta) compare fine: only their Jacobians enter.

**Score tests** -- ``lavTestScore(fit)``: for DWLS lavaan computes the "ordinary" score
test ``N g' [Z^+]_11 g`` (``g`` the gradient of the fit function per group parameter, ``Z
= [[E, R'], [R, 0]]`` with the unit information ``E`` and the constraint rows ``R`` but
the tested one) and warns that a robust version is "not implemented yet". That statistic
approximates the drop of the *unscaled* DWLS chi-square, which is not chi-square
distributed, so its p-value is not valid. :func:`score_tests` gives it (``robust =
False``, what lavaan prints) and, by default, the robust version the partial procedure
needs: the same statistic scaled and shifted like the Satorra (2000) difference test for
freeing those constraints, evaluated at the restricted estimates (``M = J_S - J`` with
``J`` the constrained inverse with all constraints and ``J_S`` without the tested ones).
For one constraint this is the statistic divided by ``tr(M Q)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .wlsmv import WlsmvEstimate

_GINV_TOL = float(np.sqrt(np.finfo(float).eps))


@dataclass(frozen=True)
class Satorra2000:
    chisq: float
    df: int
    a: float
    b: float


def _stacked_delta(est: WlsmvEstimate) -> np.ndarray:
    return np.vstack(est.delta_reduced)


def _orthogonal_complement(h: np.ndarray) -> np.ndarray:
    """Columns spanning the orthogonal complement of h's columns (lavaan: via qr)."""
    u, s, _ = np.linalg.svd(h, full_matrices=True)
    tol = max(h.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
    rank = int(np.sum(s > max(tol, 1e-7 * (s[0] if s.size else 0.0))))
    return u[:, rank:]


def satorra_2000(restricted: WlsmvEstimate, free: WlsmvEstimate) -> Satorra2000:
    """The scaled-and-shifted difference test of lavaan (see the module docstring)."""
    t0, t1 = restricted.chisq, free.chisq
    m = restricted.df - free.df
    if m <= 0:
        return Satorra2000(t0 - t1, m, float("nan"), float("nan"))
    delta1 = _stacked_delta(free)
    delta0 = _stacked_delta(restricted)
    h = np.linalg.pinv(delta1) @ delta0
    a_mat = _orthogonal_complement(h).T
    p_inv = free.information_inv
    apa = a_mat @ p_inv @ a_mat.T
    m_mat = p_inv @ a_mat.T @ np.linalg.pinv(apa) @ a_mat @ p_inv
    q = free._sandwich_terms[0]
    mq = m_mat @ q
    tr_ug = float(np.trace(mq))
    tr_ug2 = float(np.sum(mq * mq.T))
    a = float(np.sqrt(m / tr_ug2))
    b = m - a * tr_ug
    return Satorra2000(float((t0 - t1) * a + b), m, a, float(b))


@dataclass(frozen=True)
class ConstraintTest:
    """One constraint row (or a set of them): the ordinary and the robust statistic."""

    rows: tuple[int, ...]
    x2: float  # lavaan's ordinary statistic
    x2_robust: float


class ScoreEngine:
    """Score tests of a fitted model's constraints (equalities and fixed values)."""

    def __init__(self, est: WlsmvEstimate) -> None:
        self.est = est
        layout = est.layout
        n_full = len(layout.params)
        n = est.n_total
        score = np.zeros(n_full)
        info = np.zeros((n_full, n_full))
        q = np.zeros((n_full, n_full))
        for g, grp in enumerate(est.groups):
            idx = layout.group_slice(g)
            jac, w = est.jac[g], est.weights[g]
            r = grp.stats - est.moments[g]
            score[idx] = -(grp.n - 1) / n * (jac.T @ (w * r))
            fg = grp.n / n
            wj = w[:, None] * jac
            info[np.ix_(idx, idx)] = fg * jac.T @ wj
            q[np.ix_(idx, idx)] = fg * wj.T @ grp.gamma @ wj
        self.score, self.info, self.q = score, info, q
        self.rows = layout.constraint_rows()

    @cached_property
    def _z_inv(self) -> np.ndarray:
        n_full, n_c = self.info.shape[0], self.rows.shape[0]
        z = np.zeros((n_full + n_c, n_full + n_c))
        z[:n_full, :n_full] = self.info
        z[n_full:, :n_full] = self.rows
        z[:n_full, n_full:] = self.rows.T
        return np.asarray(np.linalg.pinv(z, rcond=1e-12))

    def test(self, release: Sequence[int]) -> ConstraintTest:
        """Free the constraint rows ``release`` together.

        With ``Z^-1`` of all constraints, dropping rows S gives ``J_S = J - C D^-1 C'``
        (``C``, ``D``: the columns and block of ``Z^-1`` of S), so ``M = J_S - J`` has rank
        |S| and every trace is an |S| x |S| computation.
        """
        n_full = self.info.shape[0]
        zi = self._z_inv
        g = self.score
        cols = n_full + np.asarray(release, dtype=int)
        c = zi[:n_full, cols]
        d = zi[np.ix_(cols, cols)]
        eig = np.abs(np.linalg.eigvalsh(d))
        if eig.min() <= 1e-10 * max(eig.max(), 1e-300) or eig.max() < 1e-14:
            return self._pinv_test(release)
        d_inv = np.linalg.inv(d)
        j0 = zi[:n_full, :n_full]
        gc = g @ c
        x2 = max(float(self.est.n_total * (g @ j0 @ g - gc @ d_inv @ gc)), 0.0)
        small = -d_inv @ (c.T @ self.q @ c)  # M Q restricted to its range
        tr_ug = float(np.trace(small))
        tr_ug2 = float(np.sum(small * small.T))
        return ConstraintTest(tuple(int(r) for r in release), x2,
                              _scaled(x2, tr_ug, tr_ug2, len(release)))

    def _pinv_test(self, release: Sequence[int]) -> ConstraintTest:
        """Freeing these rows leaves the model unidentified: lavaan's ginv route."""
        n_full = self.info.shape[0]
        r1 = np.delete(self.rows, list(release), axis=0)
        n_c = r1.shape[0]
        z = np.zeros((n_full + n_c, n_full + n_c))
        z[:n_full, :n_full] = self.info
        z[n_full:, :n_full] = r1
        z[:n_full, n_full:] = r1.T
        # MASS::ginv's tolerance (sqrt(eps) times the largest singular value)
        j_s = np.linalg.pinv(z, rcond=_GINV_TOL, hermitian=True)[:n_full, :n_full]
        x2 = max(float(self.est.n_total * self.score @ j_s @ self.score), 0.0)
        mq = (j_s - self._z_inv[:n_full, :n_full]) @ self.q
        return ConstraintTest(tuple(int(r) for r in release), x2,
                              _scaled(x2, float(np.trace(mq)), float(np.sum(mq * mq.T)),
                                      len(release)))


def _scaled(x2: float, tr_ug: float, tr_ug2: float, m: int) -> float:
    """Scale and shift a statistic on m df like the Satorra (2000) difference test."""
    if tr_ug2 <= 0 or tr_ug <= 0:
        return 0.0
    a = np.sqrt(m / tr_ug2)
    return max(float(a * x2 + m - a * tr_ug), 0.0)


def constraint_label(est: WlsmvEstimate, row: int) -> tuple[str, str, int, int]:
    """(item, parameter, group, reference group) of a constraint row; the reference
    group of a fixed value is 0 (the first group, where it is fixed for identification)."""
    layout = est.layout
    a, b = layout.constraints[row]
    prm = layout.params[a]
    if b < 0:
        return layout.model.items[prm.row], prm.parameter, prm.group, 0
    other = layout.params[b]
    return layout.model.items[prm.row], prm.parameter, other.group, prm.group

"""Standard errors and the standardized (``std.all``) solution of an estimate.

Standard errors are lavaan's default ``se = "standard"`` with expected information:
``vcov = inverse(sum_g N_g / 2 * E[d2 F_g])`` in the reduced parameter space. The
standard errors of standardized estimates use the delta method, as lavaan's
``standardizedSolution()`` does (here with a central-difference Jacobian).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._estimation import Estimate
from ._messages import not_identified
from ._model import LOADING, Layout, group_matrices
from .errors import AnalysisError


def vcov(est: Estimate) -> np.ndarray:
    """Covariance matrix of the reduced parameters (lavaan: expected information, N)."""
    info = 0.5 * est.info_reduced
    scale = np.sqrt(np.abs(np.diag(info)))
    if np.any(scale == 0) or np.linalg.cond(info / np.outer(scale, scale)) > 1e12:
        raise AnalysisError(not_identified())
    return np.asarray(np.linalg.inv(info))


@dataclass(frozen=True)
class StdEntry:
    group: int
    kind: str  # loading | factor_correlation | residual_variance
    row: int
    col: int


def std_entries(layout: Layout) -> list[StdEntry]:
    model = layout.model
    out: list[StdEntry] = []
    m = len(model.factors)
    for g in range(layout.n_groups):
        out += [StdEntry(g, LOADING, i, f) for i, f in enumerate(model.factor_of)]
        out += [StdEntry(g, "factor_correlation", f, h) for f in range(m) for h in range(f + 1, m)]
        out += [StdEntry(g, "residual_variance", i, i) for i in range(len(model.items))]
    return out


def standardized(layout: Layout, theta: np.ndarray, entries: list[StdEntry]) -> np.ndarray:
    """``std.all`` values of ``entries`` at reduced parameters ``theta``."""
    x_full = layout.expand(theta)
    mats = [group_matrices(layout, g, x_full) for g in range(layout.n_groups)]
    sds = []
    for mat in mats:
        sigma = mat.sigma()
        sds.append((np.sqrt(np.abs(np.diag(sigma))), np.sqrt(np.abs(np.diag(mat.phi)))))
    out = np.empty(len(entries))
    for k, e in enumerate(entries):
        mat, (sd_y, sd_f) = mats[e.group], sds[e.group]
        if e.kind == LOADING:
            out[k] = mat.lam[e.row, e.col] * sd_f[e.col] / sd_y[e.row]
        elif e.kind == "factor_correlation":
            out[k] = mat.phi[e.row, e.col] / (sd_f[e.row] * sd_f[e.col])
        else:
            out[k] = mat.theta[e.row] / sd_y[e.row] ** 2
    return out


def standardized_with_se(
    est: Estimate, cov: np.ndarray
) -> tuple[list[StdEntry], np.ndarray, np.ndarray]:
    """Standardized estimates and their delta-method standard errors."""
    entries = std_entries(est.layout)
    values = standardized(est.layout, est.theta, entries)
    jac = np.empty((len(entries), len(est.theta)))
    for j in range(len(est.theta)):
        h = 1e-6 * max(1.0, abs(est.theta[j]))
        up, down = est.theta.copy(), est.theta.copy()
        up[j] += h
        down[j] -= h
        jac[:, j] = (
            standardized(est.layout, up, entries) - standardized(est.layout, down, entries)
        ) / (2 * h)
    se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0, None))
    return entries, values, se

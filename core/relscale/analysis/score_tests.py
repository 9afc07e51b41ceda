"""Univariate score (Lagrange multiplier) tests of cross-group equality constraints.

Matches the univariate part of ``lavaan::lavTestScore(fit)`` (expected information):
for every equality row ``r`` of the constraint Jacobian ``R``,

    X2_r = N * s' [ginv(Z_r)]_{11} s,    Z_r = [[I, R_{-r}'], [R_{-r}, 0]]

with ``s`` the per-observation gradient of the log-likelihood and ``I`` the unit
expected information, both in the unconstrained (per-group) parameter space and
evaluated at the constrained estimates; ``R_{-r}`` drops row ``r``. ``X2_r`` is the
expected drop in chi-square (1 df) when that one constraint is freed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.special import chdtrc

from ._estimation import Estimate
from .data import GroupData


@dataclass(frozen=True)
class ScoreTest:
    """One equality constraint: item, parameter (loading/intercept), the group it ties."""

    item: str
    parameter: str
    group: str  # the group whose parameter is tied to the first group's
    reference_group: str
    x2: float
    df: int
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _score_and_info(
    est: Estimate, groups: Sequence[GroupData]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Unit score, unit expected information (full space), constraint rows and N."""
    layout = est.layout
    n_total = sum(d.n for d in groups)
    n_full = len(layout.params)
    score = np.zeros(n_full)
    info = np.zeros((n_full, n_full))
    for g, (data, terms) in enumerate(zip(groups, est.terms, strict=True)):
        idx = layout.group_slice(g)
        # lavaan: gradient.logl = -(1/2N) * sum_g N_g dF_g; information is the unit one
        score[idx] = -data.n * terms.grad / (2.0 * n_total)
        info[np.ix_(idx, idx)] = data.n * terms.info / (2.0 * n_total)
    rows = np.zeros((len(layout.constraints), n_full))
    for r, (a, b) in enumerate(layout.constraints):
        rows[r, a], rows[r, b] = 1.0, -1.0
    return score, info, rows, n_total


def _released_x2(score: np.ndarray, info: np.ndarray, rows: np.ndarray, release: Sequence[int],
                 n_total: int) -> float:
    """lavTestScore's statistic for freeing the constraint rows ``release`` together."""
    n_full = len(score)
    r1 = np.delete(rows, list(release), axis=0)
    n_c = len(r1)
    z = np.zeros((n_full + n_c, n_full + n_c))
    z[:n_full, :n_full] = info
    z[n_full:, :n_full] = r1
    z[:n_full, n_full:] = r1.T
    rhs = np.concatenate([score, np.zeros(n_c)])
    try:
        sol = np.linalg.solve(z, rhs)[:n_full]
    except np.linalg.LinAlgError:
        sol = (np.linalg.pinv(z) @ rhs)[:n_full]
    return max(float(n_total * score @ sol), 0.0)


def score_tests(
    est: Estimate, groups: Sequence[GroupData], group_names: Sequence[str]
) -> list[ScoreTest]:
    """Univariate score tests of every equality constraint, largest statistic first."""
    layout = est.layout
    if not layout.constraints:
        return []
    score, info, rows, n_total = _score_and_info(est, groups)
    out: list[ScoreTest] = []
    for r, (a, b) in enumerate(layout.constraints):
        x2 = _released_x2(score, info, rows, [r], n_total)
        item, kind = layout.describe(a)
        out.append(ScoreTest(item, kind, group_names[layout.params[b].group],
                             group_names[layout.params[a].group], x2, 1,
                             float(chdtrc(1, x2))))
    out.sort(key=lambda t: -t.x2)
    return out


def joint_score_test(
    est: Estimate, groups: Sequence[GroupData], item: str, parameter: str
) -> tuple[float, int]:
    """The multivariate score test of all constraints of one parameter (its equality
    across every group), as ``lavTestScore(fit, release = rows)$test``: the expected drop
    in chi-square when the parameter is freed in all groups (lavaan's ``group.partial``).
    """
    layout = est.layout
    release = [r for r, (a, _) in enumerate(layout.constraints)
               if layout.describe(a) == (item, parameter)]
    if not release:
        raise ValueError(f"no equality constraint on the {parameter} of {item!r}")
    score, info, rows, n_total = _score_and_info(est, groups)
    return _released_x2(score, info, rows, release, n_total), len(release)

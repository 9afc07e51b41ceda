"""Full-information maximum likelihood (lavaan's ``missing = "ml"``, alias ``"fiml"``).

Every respondent who answered at least one item counts: a group's likelihood is the sum
over its missing-data patterns (:mod:`._moments`) of the normal likelihood of the items
that pattern observed. The saturated model (H1) is estimated by EM exactly as lavaan does;
the chi-square is ``2 (log L_H1 - log L_model)`` and the baseline is the independence model
under FIML (each item's mean and variance from the respondents who answered it). The
"observed" mean and covariance that SRMR and the starting values use are the EM estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from relscale.i18n import _

from ._estimation import GroupTerms, delta, moment_gradient
from ._messages import group_prefix, infinite_value, not_numbers, num, wrong_shape
from ._model import Layout, group_matrices
from ._moments import (
    Patterns,
    discrepancy,
    em_moments,
    expected_information,
    gradient,
    missing_patterns,
    pattern_terms,
)
from .errors import AnalysisError


@dataclass(frozen=True)
class MissingGroupData:
    """One group's rows with at least one answer, as FIML uses them.

    ``mean``/``cov`` are the EM (H1) estimates; ``h1`` is the H1 discrepancy
    (``-2 log L`` without the constant); ``n_excluded`` counts the rows with no answer.
    """

    name: str
    x: np.ndarray
    n: int
    n_excluded: int
    n_complete: int
    mean: np.ndarray
    cov: np.ndarray
    patterns: Patterns
    h1: float
    em_iterations: int


def prepare_missing_group(data: Any, items: Sequence[str], name: str = "sample") -> \
        MissingGroupData:
    """Patterns and EM moments of one group, with one-line errors naming the item."""
    where = group_prefix(name)
    try:
        x = np.array(data, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(not_numbers(where, exc)) from None
    if x.ndim != 2 or x.shape[1] != len(items):
        raise AnalysisError(wrong_shape(where, len(items), x.shape))
    if np.isinf(x).any():
        col = int(np.where(np.isinf(x).any(axis=0))[0][0])
        raise AnalysisError(infinite_value(where, items[col]))
    answered = ~np.isnan(x).all(axis=1)
    n_empty = int((~answered).sum())
    x = x[answered]
    n, p = x.shape
    if n <= p:
        raise AnalysisError(_(
            "{where}only {n} respondent(s) answered any item; the analysis needs more "
            "respondents than items (and in practice several hundred)").format(where=where, n=n))
    obs = ~np.isnan(x)
    for j in range(p):
        col = x[obs[:, j], j]
        if len(col) < 2 or np.ptp(col) <= 1e-12 * max(1.0, float(np.abs(col).max())):
            what = _("nobody answered it") if len(col) == 0 else \
                _("every answer is {value}").format(value=num(col[0], "g"))
            raise AnalysisError(_("{where}item {item!r} has no variance ({what}); drop "
                                  "it").format(where=where, item=items[j], what=what))
    both = obs.T.astype(float) @ obs.astype(float)
    if (both < 2).any():
        i, j = np.argwhere(both < 2)[0]
        raise AnalysisError(_(
            "{where}items {first!r} and {second!r} were hardly ever answered together ({n} "
            "respondent(s)); their covariance cannot be estimated").format(
                where=where, first=items[int(i)], second=items[int(j)], n=int(both[i, j])))
    patterns = missing_patterns(x)
    mean, cov, iterations = em_moments(x, patterns)
    sd = np.sqrt(np.diag(cov))
    if np.linalg.eigvalsh(cov / np.outer(sd, sd))[0] <= 1e-10:
        raise AnalysisError(_("{where}the item covariance matrix (estimated from all "
                              "answers) is not positive definite (some items are linear "
                              "combinations of others)").format(where=where))
    t = pattern_terms(patterns, mean, cov)
    assert t is not None
    return MissingGroupData(name, x, n, n_empty, int(obs.all(axis=1).sum()), mean, cov,
                            patterns, discrepancy(t), iterations)


def fiml_terms(
    layout: Layout, g: int, x_full: np.ndarray, data: Any, *, derivatives: bool = True
) -> GroupTerms | None:
    """As :func:`._estimation.group_terms`, for FIML: ``f = (D - D_H1) / N_g``, its
    gradient and the expected information (per pattern, at the model's moments)."""
    mats = group_matrices(layout, g, x_full)
    sigma, mu = mats.sigma(), mats.mu()
    t = pattern_terms(data.patterns, mu, sigma)
    if t is None:
        return None
    f = (discrepancy(t) - data.h1) / data.n
    if not derivatives:
        return GroupTerms(f, np.empty(0), np.empty((0, 0)), sigma, mu)
    dlt = delta(layout, g, mats, meanstructure=True)
    grad = dlt.T @ moment_gradient(*gradient(t), meanstructure=True) / data.n
    info = dlt.T @ expected_information(t, meanstructure=True) @ dlt / data.n
    return GroupTerms(f, grad, info, sigma, mu)


def independence(groups: Sequence[MissingGroupData]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """FIML estimates of the independence model: per item the mean and (divide-by-n)
    variance of the answers given (the likelihood factors over items)."""
    means, variances = [], []
    for data in groups:
        m = np.nanmean(data.x, axis=0)
        means.append(m)
        variances.append(np.nanmean((data.x - m) ** 2, axis=0))
    return means, variances


def baseline(groups: Sequence[MissingGroupData]) -> tuple[float, int]:
    """Chi-square and df of the independence model under FIML (lavaan's baseline)."""
    means, variances = independence(groups)
    x2 = 0.0
    for data, m, v in zip(groups, means, variances, strict=True):
        t = pattern_terms(data.patterns, m, np.diag(v))
        assert t is not None
        x2 += max(discrepancy(t) - data.h1, 0.0)
    p = groups[0].x.shape[1]
    return x2, len(groups) * p * (p - 1) // 2

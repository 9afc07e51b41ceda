"""The normal log-likelihood of (incomplete) item data in the space of the moments.

Everything here works on missing-data patterns: the rows that answered the same set of
items share one pattern, and a pattern enters the likelihood only through its size, the
mean and the (divide-by-n) covariance of its observed items. Complete data are one pattern.
The cost therefore grows with the number of patterns, not of rows (lavaan's
``lav_mvnorm_missing_*_samplestats`` functions work the same way).

The discrepancy of a group is ``D = sum_p n_p (log|Sigma_p| + tr(Sigma_p^-1 W_p))`` with
``W_p = S_p + (m_p - mu_p)(m_p - mu_p)'``: minus two times the log-likelihood without its
constant. The moments are ``(mu, vech(Sigma))`` (lavaan's order: the lower triangle column
by column); the element ``k`` of ``vech`` moves ``Sigma[r_k, c_k]`` and ``Sigma[c_k, r_k]``
together. Derivatives are of ``D``; casewise scores are of the log-likelihood of one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Patterns:
    """Sufficient statistics per missing-data pattern of one group.

    ``observed`` is patterns x items; ``mean`` and ``cov`` hold zeros for unobserved items;
    ``rows[k]`` are the indices (into the group's rows) of the rows with pattern ``k``.
    """

    observed: np.ndarray
    freq: np.ndarray
    mean: np.ndarray
    cov: np.ndarray
    rows: tuple[np.ndarray, ...]
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """What depends on these rows alone (the fourth-order moments of :mod:`._scores`)."""

    @property
    def n(self) -> int:
        return int(self.freq.sum())


def complete_patterns(x: np.ndarray) -> Patterns:
    """Complete data (no NaN): one pattern."""
    n, p = x.shape
    mean = x.mean(axis=0)
    cov = (x - mean).T @ (x - mean) / n
    return Patterns(np.ones((1, p), dtype=bool), np.array([float(n)]), mean[None, :],
                    cov[None, :, :], (np.arange(n),))


def missing_patterns(x: np.ndarray) -> Patterns:
    """Patterns of a table with NaN for missing answers (no empty rows)."""
    obs = ~np.isnan(x)
    p = x.shape[1]
    if p <= 62:
        # each row's pattern as one integer, first item the highest bit: the same order
        # as np.unique(obs, axis=0), which sorts the rows as records (many times slower)
        bits = obs.astype(np.int64) @ (np.int64(1) << np.arange(p - 1, -1, -1, dtype=np.int64))
        codes, inverse, counts = np.unique(bits, return_inverse=True, return_counts=True)
        keys = ((codes[:, None] >> np.arange(p - 1, -1, -1)) & 1).astype(bool)
    else:
        keys, inverse, counts = np.unique(obs, axis=0, return_inverse=True,
                                          return_counts=True)
    inverse = np.asarray(inverse).reshape(-1)
    means = np.zeros((len(keys), p))
    covs = np.zeros((len(keys), p, p))
    rows = []
    freq = np.zeros(len(keys))
    # the rows of each pattern in file order, by one stable sort (not a scan per pattern:
    # the number of patterns grows with N)
    ordered = np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])
    for k, key in enumerate(keys):
        idx = ordered[k]
        y = x[np.ix_(idx, np.flatnonzero(key))]
        m = y.mean(axis=0)
        means[k, key] = m
        covs[np.ix_([k], key, key)] = ((y - m).T @ (y - m) / len(idx))[None]
        rows.append(idx)
        freq[k] = len(idx)
    return Patterns(keys, freq, means, covs, tuple(rows))


def vech_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every ``vech`` element (lower triangle, column by column)."""
    cols, rows = np.triu_indices(p)
    return rows, cols


def vech(m: np.ndarray) -> np.ndarray:
    r, c = vech_index(m.shape[-1])
    return m[..., r, c]


@dataclass
class PatternTerms:
    """Per pattern at one (mu, Sigma): inverse of the observed block (embedded, zeros
    elsewhere), deviation of the observed means (zeros elsewhere), W = S + dd'."""

    inv: np.ndarray  # P x p x p
    dev: np.ndarray  # P x p
    w: np.ndarray  # P x p x p
    logdet: np.ndarray  # P
    freq: np.ndarray


def pattern_terms(pat: Patterns, mu: np.ndarray, sigma: np.ndarray) -> PatternTerms | None:
    """Inverses of every pattern's observed block of Sigma, or None if one is not PD."""
    obs = pat.observed
    both = obs[:, :, None] & obs[:, None, :]
    eye = np.eye(len(mu))
    blocks = np.where(both, sigma[None], eye[None])
    try:
        chol = np.linalg.cholesky(blocks)
    except np.linalg.LinAlgError:
        return None
    logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    inv_chol = np.linalg.inv(chol)
    inv = (np.swapaxes(inv_chol, 1, 2) @ inv_chol) * both
    dev = np.where(obs, pat.mean - mu[None], 0.0)
    w = pat.cov + dev[:, :, None] * dev[:, None, :]
    return PatternTerms(inv, dev, w, logdet, pat.freq)


def discrepancy(t: PatternTerms) -> float:
    """``D = -2 log L`` without the constant."""
    return float(t.freq @ (t.logdet + np.einsum("kab,kab->k", t.inv, t.w)))


def gradient(t: PatternTerms) -> tuple[np.ndarray, np.ndarray]:
    """``dD = tr(G dSigma) + g' dmu``: the symmetric matrix G and the vector g."""
    awa = t.inv @ t.w @ t.inv
    g_sigma = np.einsum("k,kab->ab", t.freq, t.inv - awa)
    g_mu = -2.0 * np.einsum("k,kab,kb->a", t.freq, t.inv, t.dev)
    return g_sigma, g_mu


def _pair_sums(x: np.ndarray, y: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """Q[(a,b),(c,d)] = sum_k n_k x_k[a,b] y_k[c,d] as a p x p x p x p array."""
    n, p = x.shape[0], x.shape[1]
    q = (x.reshape(n, p * p) * freq[:, None]).T @ y.reshape(n, p * p)
    return q.reshape(p, p, p, p)


def _trace_pairs(q: np.ndarray, p: int) -> np.ndarray:
    """``sum_k n_k tr(E_k B E_l C)`` over vech pairs from Q = sum n B (x) C (pair sums).

    With ``E = s (e_r e_c' + e_c e_r')`` (s = 1/2 on the diagonal):
    tr(E_k B E_l C) = s_k s_l (B_cs C_tr + B_ct C_sr + B_rs C_tc + B_rt C_sc).
    """
    r, c = vech_index(p)
    s = np.where(r == c, 0.5, 1.0)
    rk, ck = r[:, None], c[:, None]
    sl, tl = r[None, :], c[None, :]
    out = q[ck, sl, tl, rk] + q[ck, tl, sl, rk] + q[rk, sl, tl, ck] + q[rk, tl, sl, ck]
    return np.asarray(np.outer(s, s) * out)


def expected_information(t: PatternTerms, meanstructure: bool) -> np.ndarray:
    """``E[d2 D]`` in the moments (evaluated at the model's own mu, Sigma)."""
    p = t.inv.shape[1]
    q = _pair_sums(t.inv, t.inv, t.freq)
    i_ss = _trace_pairs(q, p)
    if not meanstructure:
        return i_ss
    i_mm = 2.0 * np.einsum("k,kab->ab", t.freq, t.inv)
    m = i_ss.shape[0]
    out = np.zeros((p + m, p + m))
    out[:p, :p] = i_mm
    out[p:, p:] = i_ss
    return out


def observed_hessian(t: PatternTerms, meanstructure: bool) -> np.ndarray:
    """The second derivatives of D in the moments (the observed information, times 2)."""
    p = t.inv.shape[1]
    awa = t.inv @ t.w @ t.inv
    i_ss = _trace_pairs(_pair_sums(t.inv, t.inv, t.freq), p)
    t_ma = _trace_pairs(_pair_sums(awa, t.inv, t.freq), p)
    h_ss = -i_ss + t_ma + t_ma.T
    if not meanstructure:
        return h_ss
    r, c = vech_index(p)
    s = np.where(r == c, 0.5, 1.0)
    b = np.einsum("kab,kb->ka", t.inv, t.dev)
    # d2D / dmu_u dsigma_k = 2 u' A E_k A d
    rr = ((t.inv * t.freq[:, None, None]).reshape(len(t.freq), p * p).T @ b).reshape(p, p, p)
    h_ms = 2.0 * s[None, :] * (rr[:, r, c] + rr[:, c, r])
    out = np.zeros((p + len(r), p + len(r)))
    out[:p, :p] = 2.0 * np.einsum("k,kab->ab", t.freq, t.inv)
    out[:p, p:] = h_ms
    out[p:, :p] = h_ms.T
    out[p:, p:] = h_ss
    return out


def em_moments(
    x: np.ndarray, pat: Patterns, max_iter: int = 500, tol: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, int]:
    """The saturated (H1) mean and covariance by EM, exactly as lavaan 0.6-14's
    ``lav_mvnorm_missing_h1_estimate_moments`` (same start, stopping rule and ridge).

    The E-step works on the patterns at once: with ``A`` the embedded inverse of a
    pattern's observed block, the expected row is ``mu + Sigma A d`` and the conditional
    covariance ``Sigma - Sigma A Sigma``, so the sums over rows need only ``n``, ``d`` and
    ``W`` of each pattern.
    """
    n, p = x.shape
    mu = np.nanmean(x, axis=0)
    var = np.nanmean((x - mu) ** 2, axis=0)
    var = np.where(np.isfinite(var) & (var != 0), var, 1.0)
    sigma = np.diag(var)
    r, c = vech_index(p)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is returned)
        t = pattern_terms(pat, mu, sigma)
        if t is None:
            raise ValueError("the EM covariance matrix is not positive definite")
        sad = np.einsum("kab,kb->ka", t.inv, t.dev) @ sigma  # rows: Sigma A d
        m = (t.inv @ t.w @ t.inv - t.inv) * t.freq[:, None, None]
        t1 = n * mu + t.freq @ sad
        cross = np.outer(mu, t.freq @ sad)
        t2 = n * (np.outer(mu, mu) + sigma) + cross + cross.T + sigma @ m.sum(axis=0) @ sigma
        new_mu = t1 / n
        new_sigma = t2 / n - np.outer(new_mu, new_mu)
        new_sigma = (new_sigma + new_sigma.T) / 2.0
        if np.linalg.eigvalsh(new_sigma)[0] < 1e-6:
            new_sigma[np.diag_indices(p)] += np.max(np.diag(new_sigma)) * 1e-8
        delta = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sigma[r, c] - sigma[r, c])))
        mu, sigma = new_mu, new_sigma
        if delta < tol:
            break
    return mu, sigma, it

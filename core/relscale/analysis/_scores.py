"""The first-order information of the normal likelihood: the crossproduct of the casewise
scores (lavaan's ``lav_mvnorm_missing_scores_mu_vech_sigma``, then ``crossprod``).

MLR's sandwich, the Yuan-Bentler scaling and the FIML-corrected statistics need it at
several (mu, Sigma): each model fitted, the saturated and the baseline model. Formed row by
row it costs N x (moments)^2 every time and a rows x moments matrix in memory (252 moments
for 21 items: 2 GB at a million rows).

Without clusters the score matrix is never formed. A row's score is linear in
``w = (1, d, vech(d d'))``, ``d`` its deviation from its missing-data pattern's mean, with
coefficients that depend on (mu, Sigma) alone: ``s = T w``. A pattern's part of the
crossproduct is therefore ``T M T'`` with ``M = sum w w'`` (the pattern's moments up to the
fourth order), computed once per data set -- as much work as one pass of scores over its
rows -- after which every further model costs a few (moments x moments) products, whatever
N. Patterns with few rows are cheaper row by row; their scores are formed a chunk of rows
at a time. With clusters the scores are summed per cluster first (a chunk at a time, too).
The result equals the row-by-row crossproduct up to the order of summation.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._moments import Patterns, PatternTerms, pattern_terms, vech_index

SCORE_CHUNK = 8192
"""Rows whose scores are formed at a time (bounded memory)."""
MOMENTS_BUDGET = 64 * 2**20
"""Bytes of cached fourth-order moment matrices per data set; larger patterns first."""
MOMENTS_MIN_ROWS = 4
"""A pattern goes through its moments when it has this many times more rows than ``w``
has entries (below, the rows are cheaper)."""


def _positions(observed: np.ndarray, meanstructure: bool) -> tuple[np.ndarray, np.ndarray,
                                                                     np.ndarray]:
    """The observed items of a pattern, its local vech (row, column) and the positions of
    its local scores (means, then vech) in the full moments vector."""
    p = len(observed)
    obs = np.flatnonzero(observed)
    full = np.full((p, p), -1, dtype=np.intp)
    r, c = vech_index(p)
    full[r, c] = np.arange(len(r))
    lr, lc = vech_index(len(obs))
    vech_pos = full[obs[lr], obs[lc]]
    if meanstructure:
        return obs, np.stack([lr, lc]), np.concatenate([obs, p + vech_pos])
    return obs, np.stack([lr, lc]), vech_pos


def _fourth_moments(x: np.ndarray, rows: np.ndarray, obs: np.ndarray, center: np.ndarray,
                    lrc: np.ndarray) -> np.ndarray:
    """``sum w w'`` over the rows, ``w = (1, d, vech(d d'))``, ``d = x_obs - center``."""
    lr, lc = lrc
    size = 1 + len(obs) + len(lr)
    m = np.zeros((size, size))
    for start in range(0, len(rows), SCORE_CHUNK):
        d = x[np.ix_(rows[start:start + SCORE_CHUNK], obs)] - center
        w = np.hstack([np.ones((len(d), 1)), d, d[:, lr] * d[:, lc]])
        m += w.T @ w
    return m


def _transform(inv: np.ndarray, a: np.ndarray, lrc: np.ndarray,
               meanstructure: bool) -> np.ndarray:
    """``T`` with ``s = T w`` for one pattern: ``inv`` the inverse of its observed block
    of Sigma, ``a = inv (mean - mu)``. Rows: local scores; columns: (1, d, vech(d d'))."""
    lr, lc = lrc
    q = len(a)
    row_r, row_c = inv[lr], inv[lc]  # q* x q
    half = np.where(lr == lc, 0.5, 1.0)[:, None]
    second = row_r[:, lr] * row_c[:, lc] + row_r[:, lc] * row_c[:, lr]
    second[:, lr == lc] *= 0.5
    first = row_r * a[lc][:, None] + a[lr][:, None] * row_c
    const = a[lr] * a[lc] - inv[lr, lc]
    vech_rows = half * np.hstack([const[:, None], first, second])
    if not meanstructure:
        return vech_rows
    mean_rows = np.hstack([a[:, None], inv, np.zeros((q, len(lr)))])
    return np.vstack([mean_rows, vech_rows])


def _plan(pat: Patterns, meanstructure: bool, cluster: bool) -> list[int]:
    """The patterns whose part comes from their moments (largest first, within budget)."""
    if cluster:
        return []
    chosen, used = [], 0
    for k in np.argsort(-pat.freq, kind="stable"):
        q = int(pat.observed[k].sum())
        size = 1 + q + q * (q + 1) // 2
        if pat.freq[k] < MOMENTS_MIN_ROWS * size or used + 8 * size * size > MOMENTS_BUDGET:
            continue
        chosen.append(int(k))
        used += 8 * size * size
    return chosen


def _score_blocks(x: np.ndarray, pat: Patterns, t: PatternTerms, mu: np.ndarray,
                  patterns: list[int], meanstructure: bool
                  ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(rows, their casewise scores) of the given patterns, a chunk of rows at a time."""
    p = x.shape[1]
    r, c = vech_index(p)
    diag = r == c
    for k in patterns:
        inv = t.inv[k]
        observed = pat.observed[k]
        idx = pat.rows[k]
        for start in range(0, len(idx), SCORE_CHUNK):
            sub = idx[start:start + SCORE_CHUNK]
            e = np.nan_to_num(np.where(observed, x[sub] - mu[None], 0.0))
            z = e @ inv
            sc = z[:, r] * z[:, c] - inv[r, c][None]
            sc[:, diag] *= 0.5
            yield sub, (np.hstack([z, sc]) if meanstructure else sc)


def first_order(x: np.ndarray, pat: Patterns, mu: np.ndarray, sigma: np.ndarray,
                meanstructure: bool, cluster: np.ndarray | None = None,
                correction: bool = True) -> np.ndarray:
    """Mean outer product of the casewise scores at (mu, Sigma), divided by the rows of
    ``x``; with ``cluster`` (one id per row) of the scores summed per cluster, times
    ``C / (C - 1)`` when ``correction``."""
    t = pattern_terms(pat, mu, sigma)
    if t is None:
        raise ValueError("the model-implied covariance matrix is not positive definite")
    n, p = x.shape
    size = (p if meanstructure else 0) + p * (p + 1) // 2
    if cluster is not None:
        return _clustered(x, pat, t, mu, meanstructure, cluster, size, correction) / n
    out = np.zeros((size, size))
    chosen = _plan(pat, meanstructure, False)
    cache = pat.cache.setdefault(("fourth", meanstructure), {})
    for k in chosen:
        if k not in cache:
            obs, lrc, pos = _positions(pat.observed[k], meanstructure)
            cache[k] = (obs, lrc, pos, _fourth_moments(x, pat.rows[k], obs, pat.mean[k, obs],
                                                       lrc))
        obs, lrc, pos, m = cache[k]
        inv = t.inv[k][np.ix_(obs, obs)]
        tr = _transform(inv, inv @ t.dev[k, obs], lrc, meanstructure)
        out[np.ix_(pos, pos)] += tr @ m @ tr.T
    done = set(chosen)
    rest = [k for k in range(len(pat.freq)) if k not in done]
    for _rows, sc in _score_blocks(x, pat, t, mu, rest, meanstructure):
        out += sc.T @ sc
    return out / n


def _clustered(x: np.ndarray, pat: Patterns, t: PatternTerms, mu: np.ndarray,
               meanstructure: bool, cluster: np.ndarray, size: int,
               correction: bool) -> np.ndarray:
    labels, codes = np.unique(np.asarray(cluster), return_inverse=True)
    codes = np.asarray(codes).reshape(-1)
    summed = np.zeros((len(labels), size))
    for rows, sc in _score_blocks(x, pat, t, mu, list(range(len(pat.freq))), meanstructure):
        order = np.argsort(codes[rows], kind="stable")
        ids = codes[rows][order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        summed[ids[starts]] += np.add.reduceat(sc[order], starts, axis=0)
    if correction:
        summed *= np.sqrt(len(labels) / (len(labels) - 1.0))
    return np.asarray(summed.T @ summed)

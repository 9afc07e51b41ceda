"""Thresholds, polychoric correlations and their asymptotic covariance, as lavaan computes
them for ``cfa(..., ordered = TRUE, estimator = "WLSMV")`` (``lav_samplestats_step1/2``
and ``muthen1984``).

Two steps, per group:

1. thresholds of every item from its marginal proportions (``qnorm`` of the cumulative
   proportions: the univariate probit ML estimate);
2. every polychoric correlation by maximum likelihood on the item pair's contingency
   table, thresholds held fixed (Newton steps on the exact derivatives; lavaan uses
   ``nlminb`` with the same gradient and Hessian). No continuity correction except
   lavaan's for a 2 x 2 table with one empty cell.

Everything is computed from counts: per item the count of each category and per pair the
count of each category pair, so the cost is linear in N. The asymptotic covariance matrix
of (thresholds, correlations) -- lavaan's ``NACOV`` / Gamma, which DWLS weights with and
the robust statistics need -- is Muthen's (1984) sandwich: the per-respondent scores of
both steps (looked up in per-category and per-cell tables), the outer-product "Hessian"
blocks A11 (thresholds), A21, A22, and ``Gamma = N B^-1 (S'S) B^-T``.

Missing answers: ``listwise`` keeps complete respondents; ``pairwise`` (lavaan's
``missing = "pairwise"``) uses every answer: thresholds from the respondents who answered
the item, correlations from those who answered both, a respondent's missing scores count
as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import ndtr, ndtri

from relscale.i18n import _

from ._bivnorm import bvn_cdf, bvn_pdf, bvn_pdf_drho
from ._messages import group_prefix, in_group, infinite_value, item_pair, wrong_shape
from .errors import AnalysisError

MAX_CATEGORIES = 15
_RHO_BOUND = 0.999  # lavaan's nlminb bounds
_SQRT_EPS = float(np.sqrt(np.finfo(float).eps))
_PHI = 1.0 / np.sqrt(2.0 * np.pi)
CHUNK = 8192
"""Answer patterns whose pair cells and scores are formed at a time (bounded memory)."""


@dataclass
class OrdinalGroup:
    """One group's ordinal answers and the sample statistics of a WLSMV fit.

    ``stats`` is lavaan's ``WLS.obs``: the thresholds item by item, then the polychoric
    correlations below the diagonal, column by column; ``gamma`` (lavaan's ``NACOV``) is
    N times their asymptotic covariance matrix.
    """

    name: str
    items: tuple[str, ...]
    codes: np.ndarray  # n x p, 0..K_j-1, -1 for a missing answer
    levels: tuple[int, ...]  # categories of each item (over all groups)
    n_excluded: int
    thresholds: list[np.ndarray]
    polychoric: np.ndarray
    gamma: np.ndarray

    @property
    def n(self) -> int:
        return int(self.codes.shape[0])

    @cached_property
    def stats(self) -> np.ndarray:
        p = len(self.items)
        low = [self.polychoric[i, j] for j in range(p) for i in range(j + 1, p)]
        return np.concatenate([*self.thresholds, np.array(low)])

    @property
    def n_thresholds(self) -> int:
        return sum(k - 1 for k in self.levels)


def pairs_of(p: int) -> list[tuple[int, int]]:
    """(row, column) of the correlations in lavaan's order (below the diagonal, by column)."""
    return [(i, j) for j in range(p) for i in range(j + 1, p)]


def _format(value: float) -> str:
    return f"{value:g}"


def category_values(data: Sequence[np.ndarray], items: Sequence[str]) -> list[np.ndarray]:
    """The answers that occur for each item in any group, in increasing order."""
    out = []
    for j, item in enumerate(items):
        col = np.concatenate([np.asarray(x, float)[:, j] for x in data])
        col = col[~np.isnan(col)]
        values = np.unique(col)
        if values.size < 2:
            raise AnalysisError(_("item {item!r} has fewer than 2 different answers over "
                                  "all groups; leave it out").format(item=item))
        if values.size > MAX_CATEGORIES:
            raise AnalysisError(_("item {item!r} has {n} different answers: too many for an "
                                  "ordinal analysis; use estimator 'ml'").format(
                                      item=item, n=values.size))
        out.append(values)
    return out


def apply_collapse(x: np.ndarray, items: Sequence[str],
                   collapse: Mapping[str, Mapping[float, float]] | None) -> np.ndarray:
    """Recode answers before the analysis: ``{item: {answer: new answer}}`` merges a
    category into another (the same in every group). Returns a new array."""
    x = np.array(x, dtype=float)
    if not collapse:
        return x
    for item, mapping in collapse.items():
        if item not in items:
            raise AnalysisError(_("collapse: {item!r} is not an item of the model").format(
                item=item))
        j = list(items).index(item)
        col = x[:, j].copy()
        for old, new in mapping.items():
            col[x[:, j] == float(old)] = float(new)
        x[:, j] = col
    return x


def suggest_collapse(values: np.ndarray, counts: np.ndarray, empty: int) -> tuple[float, float]:
    """(answer, the neighbouring answer to merge it into) for an empty category: the
    neighbour with fewer answers, so the merged category stays small but not empty."""
    if empty == 0:
        return float(values[0]), float(values[1])
    if empty == len(values) - 1:
        return float(values[-1]), float(values[-2])
    down, up = counts[empty - 1], counts[empty + 1]
    return float(values[empty]), float(values[empty - 1] if down <= up else values[empty + 1])


def encode_group(x: np.ndarray, items: Sequence[str], values: Sequence[np.ndarray],
                 name: str, missing: str = "listwise") -> tuple[np.ndarray, int]:
    """Category codes 0..K-1 of one group (-1 missing) and the respondents left out.

    :raises AnalysisError: a category nobody in the group used (naming item, group,
        answer and the fix), or too few respondents.
    """
    x = np.asarray(x, dtype=float)
    where = group_prefix(name)
    if x.ndim != 2 or x.shape[1] != len(items):
        raise AnalysisError(wrong_shape(where, len(items), x.shape))
    if np.isinf(x).any():
        bad = int(np.where(np.isinf(x).any(axis=0))[0][0])
        raise AnalysisError(infinite_value(where, items[bad]))
    miss = np.isnan(x)
    keep = ~miss.any(axis=1) if missing == "listwise" else ~miss.all(axis=1)
    x, miss = x[keep], miss[keep]
    n_excluded = int((~keep).sum())
    if x.shape[0] <= len(items):
        raise AnalysisError(_("{where}only {n} respondent(s) left with answers; the analysis "
                              "needs more respondents than items (in practice several "
                              "hundred)").format(where=where, n=x.shape[0]))
    codes = np.full(x.shape, -1, dtype=np.int64)
    for j, vals in enumerate(values):
        col = x[:, j]
        ok = ~miss[:, j]
        idx = np.searchsorted(vals, col[ok])
        codes[ok, j] = idx
        counts = np.bincount(idx, minlength=len(vals))
        if (counts == 0).any():
            empty = int(np.where(counts == 0)[0][0])
            old, new = suggest_collapse(vals, counts, empty)
            raise AnalysisError(_(
                "{where}nobody answered {answer} on item {item!r} (category {k} of {n}), so "
                "its threshold cannot be estimated in this group; merge it with a neighbouring "
                "answer in every group, e.g. recode {old} as {new} on item {item!r} "
                "(collapse={{{item!r}: {{{old}: {new}}}}})").format(
                    where=where, answer=_format(vals[empty]), item=items[j], k=empty + 1,
                    n=len(vals), old=_format(old), new=_format(new)))
    return codes, n_excluded


def _extended(th: np.ndarray, width: int) -> np.ndarray:
    """[-inf, thresholds, +inf, ...] padded with +inf to ``width`` entries."""
    out = np.full(width, np.inf)
    out[0] = -np.inf
    out[1:len(th) + 1] = th
    return out


def _cells(grid: np.ndarray) -> np.ndarray:
    """Cell masses from a grid of cumulative values (last two axes)."""
    return grid[..., 1:, 1:] - grid[..., :-1, 1:] - grid[..., 1:, :-1] + grid[..., :-1, :-1]


@dataclass
class _PairTerms:
    prob: np.ndarray  # pairs x K x K
    d_rho: np.ndarray  # dP/drho
    d2_rho: np.ndarray  # d2P/drho2
    d_th1: np.ndarray  # pairs x K x K x (K-1): dP/dtau of the row item
    d_th2: np.ndarray  # dP/dtau of the column item


def _pair_terms(h: np.ndarray, k: np.ndarray, rho: np.ndarray, second: bool,
                thresholds: bool = False) -> _PairTerms:
    """Cell probabilities and derivatives for every pair at once.

    :param h: pairs x (K+1) extended thresholds of the row items (k: column items).
    """
    r = rho[:, None, None]
    hh, kk = h[:, :, None], k[:, None, :]
    prob = _cells(bvn_cdf(hh, kk, r))
    d_rho = _cells(bvn_pdf(hh, kk, r))
    d2 = _cells(bvn_pdf_drho(hh, kk, r)) if second else d_rho
    d_th1 = d_th2 = np.empty(0)
    if thresholds:
        big_r = np.sqrt(1.0 - rho * rho)[:, None, None]
        kmax = h.shape[1] - 1
        fin_h, fin_k = np.isfinite(h[:, 1:kmax]), np.isfinite(k[:, 1:kmax])
        inner_h = np.where(fin_h, h[:, 1:kmax], 0.0)
        inner_k = np.where(fin_k, k[:, 1:kmax], 0.0)
        # G1[p, t, b]: phi(tau_t) * P(column item in category b | row latent = tau_t)
        g1 = np.diff(ndtr((k[:, None, :] - r * inner_h[:, :, None]) / big_r), axis=2)
        g1 = _PHI * np.exp(-0.5 * inner_h ** 2)[:, :, None] * g1 * fin_h[:, :, None]
        g2 = np.diff(ndtr((h[:, None, :] - r * inner_k[:, :, None]) / big_r), axis=2)
        g2 = _PHI * np.exp(-0.5 * inner_k ** 2)[:, :, None] * g2 * fin_k[:, :, None]
        sign = np.zeros((kmax, kmax - 1))  # [category a, threshold t]: +1 upper, -1 lower
        for t in range(kmax - 1):
            sign[t, t], sign[t + 1, t] = 1.0, -1.0
        # d_th1[p, a, b, t] = sign[a, t] * g1[p, t, b]
        d_th1 = sign[None, :, None, :] * np.transpose(g1, (0, 2, 1))[:, None, :, :]
        d_th2 = sign[None, None, :, :] * np.transpose(g2, (0, 2, 1))[:, :, None, :]
    return _PairTerms(prob, d_rho, d2, d_th1, d_th2)


def _polychorics(tables: np.ndarray, h: np.ndarray, k: np.ndarray,
                 start: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """ML correlations of all tables at once (Newton, Fisher scoring where not concave)."""
    rho = np.clip(start, -0.9, 0.9)
    used = tables > 0
    n = tables.sum(axis=(1, 2))
    for _step in range(100):
        t = _pair_terms(h, k, rho, second=True)
        p = np.where(used, t.prob, 1.0)
        s = t.d_rho / p
        grad = np.sum(tables * s, axis=(1, 2))
        hess = np.sum(tables * (t.d2_rho / p - s * s), axis=(1, 2))
        fisher = n * np.sum(np.where(t.prob > 0, t.d_rho ** 2 / np.where(t.prob > 0, t.prob, 1),
                                     0.0), axis=(1, 2))
        curv = np.where(hess < 0, -hess, fisher)
        step = grad / curv
        new = np.clip(rho + step, -_RHO_BOUND, _RHO_BOUND)
        if np.max(np.abs(new - rho)) < 1e-13:
            rho = new
            break
        rho = new
    else:
        bad = int(np.argmax(np.abs(step)))
        raise AnalysisError(_("the polychoric correlation of items {items} did not "
                              "converge").format(items=names[bad]))
    return rho


def _fix_two_by_two(tables: np.ndarray, levels: np.ndarray, names: Sequence[str]) -> None:
    """lavaan's ``zero.add``: a 2 x 2 table with one empty cell gets 0.5 added to that
    diagonal and taken from the other (margins kept); two empty cells cannot be used."""
    for q in np.where((levels == 2).all(axis=1))[0]:
        tab = tables[q, :2, :2]
        zeros = int((tab == 0).sum())
        if zeros >= 2:
            raise AnalysisError(_("items {items} (both with two answers) have two empty cells "
                                  "in their cross-table: their correlation is +-1").format(
                                      items=names[q]))
        if zeros == 1:
            if tab[0, 0] == 0 or tab[1, 1] == 0:
                tab += np.array([[0.5, -0.5], [-0.5, 0.5]])
            else:
                tab += np.array([[-0.5, 0.5], [0.5, -0.5]])


def sample_statistics(codes: np.ndarray, levels: Sequence[int], items: Sequence[str],
                      name: str = "sample") -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Thresholds, polychoric correlation matrix and Gamma (NACOV) of one group.

    Everything is computed on the distinct answer patterns weighted by how many respondents
    gave them (the same sums as over respondents): memory and time beyond reading the codes
    grow with the patterns, not with N.
    """
    n = codes.shape[0]
    lev = np.asarray(levels, dtype=int)
    kmax = int(lev.max())
    first, weight = _patterns(codes, kmax)
    codes = codes[first]
    p = codes.shape[1]
    where = "" if name == "sample" else in_group(name)
    # step 1: thresholds and the univariate score tables
    thresholds, uni_scores, uni_counts = [], [], []
    for j in range(p):
        col = codes[:, j]
        counts = np.bincount(col[col >= 0], weights=weight[col >= 0], minlength=lev[j])
        cum = np.cumsum(counts)[:-1] / counts.sum()
        th = ndtri(cum)
        thresholds.append(th)
        ext = _extended(th, lev[j] + 1)
        prob = np.diff(ndtr(ext))
        dens = _PHI * np.exp(-0.5 * th ** 2)
        sc = np.zeros((lev[j], lev[j] - 1))
        for t in range(lev[j] - 1):
            sc[t, t] = dens[t] / prob[t]
            sc[t + 1, t] = -dens[t] / prob[t + 1]
        uni_scores.append(sc)
        uni_counts.append(counts)
    # step 2: every pair's table, polychoric correlation and score tables
    pairs = pairs_of(p)
    rows = np.array([i for i, _ in pairs])
    cols = np.array([j for _, j in pairs])
    offsets = np.arange(len(pairs)) * (kmax * kmax + 1)
    counted = np.zeros(len(pairs) * (kmax * kmax + 1))
    for first_row in range(0, len(codes), CHUNK):
        chunk = slice(first_row, first_row + CHUNK)
        cell = _pair_cells(codes[chunk], rows, cols, kmax)
        counted += np.bincount((cell + offsets).ravel(),
                               weights=np.repeat(weight[chunk], len(pairs)),
                               minlength=len(counted))
    tables = counted.reshape(len(pairs), kmax * kmax + 1)[:, :-1].reshape(-1, kmax, kmax)
    names = [item_pair(items[j], items[i], where) for i, j in pairs]
    counts = tables.sum(axis=(1, 2))
    if (counts < 2).any():
        q = int(np.argmin(counts))
        raise AnalysisError(_("items {items}: only {n} respondent(s) answered both, so their "
                              "polychoric correlation cannot be estimated").format(
                                  items=names[q], n=int(counts[q])))
    _fix_two_by_two(tables, np.stack([lev[rows], lev[cols]], axis=1), names)
    ext = np.stack([_extended(th, kmax + 1) for th in thresholds])
    h, k = ext[rows], ext[cols]
    start = _pearson_start(codes, weight, rows, cols)
    rho = _polychorics(tables, h, k, start, names)
    terms = _pair_terms(h, k, rho, second=False, thresholds=True)
    ok = terms.prob > _SQRT_EPS  # lavaan: likelihoods below sqrt(eps) score NA (= 0)
    safe = np.where(ok, terms.prob, 1.0)
    s_rho = np.where(ok, terms.d_rho / safe, 0.0)  # pairs x K x K
    s_th1 = np.where(ok[..., None], terms.d_th1 / safe[..., None], 0.0)
    s_th2 = np.where(ok[..., None], terms.d_th2 / safe[..., None], 0.0)
    cor = np.eye(p)
    cor[rows, cols] = cor[cols, rows] = rho
    gamma = _gamma(codes, weight, n, lev, uni_scores, uni_counts, tables, s_rho, s_th1,
                   s_th2, rows, cols)
    return thresholds, cor, gamma


def _pair_cells(codes: np.ndarray, rows: np.ndarray, cols: np.ndarray, kmax: int) -> np.ndarray:
    """Each pattern's cell in every pair's table (``kmax**2``: an answer missing)."""
    both = (codes[:, rows] >= 0) & (codes[:, cols] >= 0)
    return np.where(both, codes[:, rows] * kmax + codes[:, cols], kmax * kmax)


def _pearson_start(codes: np.ndarray, weight: np.ndarray, rows: np.ndarray,
                   cols: np.ndarray) -> np.ndarray:
    """Pearson correlations of the codes (lavaan's starting values; ``weight``: how many
    respondents answered each pattern); 0 where answers are missing (the Newton steps do
    not depend on the start for their result)."""
    if (codes < 0).any():
        return np.zeros(len(rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.cov(codes.T.astype(float), fweights=weight.astype(np.int64))
        sd = np.sqrt(np.diag(c))
        r = c / np.outer(sd, sd)
    return np.nan_to_num(r[rows, cols])


def _gamma(codes: np.ndarray, weight: np.ndarray, n: int, levels: np.ndarray,
           uni_scores: list[np.ndarray], uni_counts: list[np.ndarray], tables: np.ndarray,
           s_rho: np.ndarray, s_th1: np.ndarray, s_th2: np.ndarray, rows: np.ndarray,
           cols: np.ndarray) -> np.ndarray:
    """Muthen (1984) / lavaan's ``muthen1984``: N B^-1 (S'S) B^-T.

    ``codes`` holds the distinct answer patterns, ``weight`` how many of the ``n``
    respondents gave each: respondents with the same answers have the same scores, so
    S'S is a weighted sum over the patterns (a million respondents on a short scale give
    some thousands). The patterns' scores are formed a chunk at a time, scaled by the root
    of their weight, and summed as X'X (a symmetric rank-k update: half a general product),
    so memory stays bounded when nearly every respondent answers differently.
    """
    m, p = codes.shape
    n_th = int(np.sum(levels - 1))
    start = np.concatenate([[0], np.cumsum(levels - 1)])
    n_pairs = len(rows)
    kmax = s_rho.shape[1]
    # per-pattern scores: thresholds by category lookup, correlations by cell lookup
    th_tables = []
    a11_inv = np.zeros((n_th, n_th))
    for j in range(p):
        th_tables.append(np.vstack([uni_scores[j], np.zeros((1, levels[j] - 1))]))
        block = uni_scores[j].T @ (uni_counts[j][:, None] * uni_scores[j])
        a11_inv[start[j]:start[j + 1], start[j]:start[j + 1]] = np.linalg.inv(block)
    flat = np.concatenate([s_rho.reshape(n_pairs, -1), np.zeros((n_pairs, 1))], axis=1)
    # A21 and A22 from the tables (sums over respondents = sums over cells)
    weighted = tables * s_rho  # pairs x K x K
    a21 = np.zeros((n_pairs, n_th))
    d1 = np.einsum("qab,qabt->qt", weighted, s_th1)
    d2 = np.einsum("qab,qabt->qt", weighted, s_th2)
    for q in range(n_pairs):
        i, j = rows[q], cols[q]
        a21[q, start[i]:start[i + 1]] = d1[q, :levels[i] - 1]
        a21[q, start[j]:start[j + 1]] = d2[q, :levels[j] - 1]
    a22 = np.sum(weighted * s_rho, axis=(1, 2))
    if np.any(a22 == 0):
        raise AnalysisError(_("a polychoric correlation has no information (an item pair "
                              "with no respondents in common?)"))
    root_w = np.sqrt(weight)
    out = np.zeros((n_th + n_pairs, n_th + n_pairs))
    for first_row in range(0, m, CHUNK):
        chunk = codes[first_row:first_row + CHUNK]
        sc_th = np.zeros((len(chunk), n_th))
        for j in range(p):
            sc_th[:, start[j]:start[j + 1]] = th_tables[j][chunk[:, j]]  # -1: the zero row
        cell = _pair_cells(chunk, rows, cols, kmax)
        sc_cor = np.take_along_axis(flat, cell.T, axis=1).T  # patterns x pairs
        infl_th = sc_th @ a11_inv
        infl_cor = (sc_cor - infl_th @ a21.T) / a22[None, :]
        x = np.hstack([infl_th, infl_cor])
        x *= root_w[first_row:first_row + CHUNK, None]
        out += x.T @ x
    return float(n) * out


def _patterns(codes: np.ndarray, kmax: int) -> tuple[np.ndarray, np.ndarray]:
    """The first row of every distinct answer pattern (-1 missing) and how many rows have it."""
    p = codes.shape[1]
    base = kmax + 1
    if p * np.log2(base) < 62:  # the pattern as one integer: sorting a vector is fast
        key = (codes + 1) @ (base ** np.arange(p, dtype=np.int64))
        _, first, count = np.unique(key, return_index=True, return_counts=True)
    else:
        _, first, count = np.unique(codes, axis=0, return_index=True, return_counts=True)
    return first, count.astype(float)

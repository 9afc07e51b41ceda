"""The first-order information without the rows x moments score matrix (issue 26).

:func:`relscale.analysis._scores.first_order` takes a large missing-data pattern's part
from its fourth-order moments and the small ones row by row. Both must equal the plain
definition: the mean outer product of every row's score of the normal log-likelihood
(lavaan's ``lav_mvnorm_missing_scores_mu_vech_sigma``), written out here row by row.
"""

from __future__ import annotations

import numpy as np
import pytest

from relscale.analysis import _scores
from relscale.analysis._moments import complete_patterns, missing_patterns, vech_index


def _naive(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray, meanstructure: bool,
           cluster: np.ndarray | None = None) -> np.ndarray:
    """Each row's score: d/dmu and d/dvech(Sigma) of log N(x_obs; mu_obs, Sigma_obs)."""
    n, p = x.shape
    r, c = vech_index(p)
    rows = []
    for row in x:
        o = ~np.isnan(row)
        a = np.zeros((p, p))
        a[np.ix_(o, o)] = np.linalg.inv(sigma[np.ix_(o, o)])
        e = np.where(o, row - mu, 0.0)
        z = a @ e
        g = np.outer(z, z) - a  # d logL / d Sigma (symmetric), times 2
        sc = np.where(r == c, 0.5, 1.0) * g[r, c]
        rows.append(np.concatenate([z, sc]) if meanstructure else sc)
    s = np.array(rows)
    if cluster is not None:
        labels = np.unique(cluster)
        s = np.array([s[cluster == k].sum(axis=0) for k in labels])
        s *= np.sqrt(len(labels) / (len(labels) - 1.0))
    return s.T @ s / n


def _data(n: int, p: int, missing: float, seed: int) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray]:
    rng = np.random.default_rng(seed)
    load = rng.uniform(0.5, 0.8, p)
    x = np.round(rng.normal(size=(n, 1)) * load + rng.normal(size=(n, p)) * 0.7 + 3)
    x[rng.random((n, p)) < missing] = np.nan
    x = x[~np.isnan(x).all(axis=1)]
    mu = np.nanmean(x, axis=0) + rng.normal(0, 0.1, p)  # not the sample mean: a model's
    sigma = 0.5 * np.eye(p) + 0.4 * np.outer(load, load)
    return x, mu, sigma


@pytest.mark.parametrize("meanstructure", [True, False])
@pytest.mark.parametrize("min_rows", [0, 10**9])  # every pattern by moments / none
def test_first_order_equals_the_rowwise_crossproduct(monkeypatch: pytest.MonkeyPatch,
                                                     meanstructure: bool, min_rows: int) -> None:
    monkeypatch.setattr(_scores, "MOMENTS_MIN_ROWS", min_rows)
    monkeypatch.setattr(_scores, "SCORE_CHUNK", 37)  # several chunks per pattern
    x, mu, sigma = _data(400, 5, 0.12, seed=3)
    pat = missing_patterns(x)
    assert len(pat.freq) > 5 and pat.freq.max() > 100
    got = _scores.first_order(x, pat, mu, sigma, meanstructure)
    want = _naive(x, mu, sigma, meanstructure)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    # the moments are kept with the patterns: a second (mu, Sigma) uses them again
    mu2, sigma2 = mu + 0.05, sigma * 1.1
    np.testing.assert_allclose(_scores.first_order(x, pat, mu2, sigma2, meanstructure),
                               _naive(x, mu2, sigma2, meanstructure), rtol=1e-10, atol=1e-12)
    assert bool(pat.cache.get(("fourth", meanstructure))) is (min_rows == 0)


def test_first_order_complete_data_one_pattern() -> None:
    x, mu, sigma = _data(3000, 6, 0.0, seed=4)
    pat = complete_patterns(x)
    got = _scores.first_order(x, pat, mu, sigma, True)
    assert pat.cache[("fourth", True)]  # 3,000 rows: through the moments
    np.testing.assert_allclose(got, _naive(x, mu, sigma, True), rtol=1e-10, atol=1e-12)


def test_first_order_per_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scores, "SCORE_CHUNK", 50)  # clusters cut across chunks
    x, mu, sigma = _data(300, 4, 0.1, seed=5)
    cluster = np.random.default_rng(6).integers(0, 23, len(x)).astype(str)
    got = _scores.first_order(x, missing_patterns(x), mu, sigma, True, cluster)
    np.testing.assert_allclose(got, _naive(x, mu, sigma, True, cluster), rtol=1e-10,
                               atol=1e-12)

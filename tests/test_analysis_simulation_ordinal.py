"""Issue 20's simulation: 3-point items analysed with ``auto`` (which picks wlsmv).

- 40 invariant populations: the scalar level is rejected (χ² difference test, Satorra
  2000, at alpha = .05) no more often than the nominal rate allows: a one-sided binomial
  bound with P(X > bound | p = .05) < .001.
- 40 populations with one planted threshold shift: the partial procedure finds it first
  (the first parameter it frees is one of the planted item's) in at least 36 of the 40
  (90%). With three categories a threshold shift is not told apart from the item's other
  parameters: under Wu & Estabrook's (2016) identification the thresholds model equals the
  configural one (Δdf = 0; the item's intercept and scale absorb its two thresholds), and
  the shift shows at the next level, as a different loading or intercept of that item.

Two groups of 400, eight items on two correlated factors, thresholds at -0.5 and 0.6 on
the latent response scale. Seeded, so the counts are fixed for a given implementation.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from relscale import analysis
from relscale.analysis.estimators import (
    FitOptions,
    RawGroup,
    available,
    choose_estimator,
    default_missing,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available("wlsmv"), reason="the wlsmv estimator is not in this build"),
]

ITEMS = [f"x{i}" for i in range(1, 9)]
FACTORS = {it: ("F1" if i < 4 else "F2") for i, it in enumerate(ITEMS)}
PLANTED = "x3"
REPS = 40
N = 400


def _group(rng: np.random.Generator, shift: float, mean: float) -> np.ndarray:
    eta = rng.multivariate_normal([mean, mean], [[1.0, 0.4], [0.4, 1.0]], size=N)
    lam = np.full(8, 0.7)
    ystar = eta[:, np.repeat([0, 1], 4)] * lam + rng.standard_normal((N, 8)) * np.sqrt(
        1 - lam**2)
    x = np.empty_like(ystar)
    for j in range(8):
        tau = np.array([-0.5, 0.6])
        if ITEMS[j] == PLANTED:
            tau[0] += shift
        x[:, j] = 1 + np.searchsorted(tau, ystar[:, j])
    return x


def _auto(data: dict[str, np.ndarray]) -> FitOptions:
    raw = [RawGroup(g, x) for g, x in data.items()]
    estimator, _note = choose_estimator("auto", raw, ITEMS)
    assert estimator == "wlsmv"
    return FitOptions(estimator=estimator, missing=default_missing(estimator, raw),
                      identification="std.lv")


def test_invariant_populations_reject_scalar_at_the_nominal_rate() -> None:
    rejected = 0
    for seed in range(REPS):
        rng = np.random.default_rng(5000 + seed)
        data = {"A": _group(rng, 0.0, 0.0), "B": _group(rng, 0.0, 0.3)}
        res = analysis.test_invariance(data, ITEMS, FACTORS, criterion="lrt", partial=False,
                                       options=_auto(data))
        assert res.options.estimator == "wlsmv"
        assert res.scalar_vs_metric.method == "satorra.2000"
        rejected += not res.scalar_vs_metric.lrt_ok
    bound = int(stats.binom.ppf(0.999, REPS, 0.05))
    assert rejected <= bound, (rejected, bound)


def test_the_planted_threshold_shift_is_found_first() -> None:
    found = 0
    for seed in range(REPS):
        rng = np.random.default_rng(7000 + seed)
        data = {"A": _group(rng, 0.0, 0.0), "B": _group(rng, 0.8, 0.3)}
        res = analysis.test_invariance(data, ITEMS, FACTORS, criterion="lrt",
                                       options=_auto(data))
        first = res.steps[0].test if res.steps else None
        found += first is not None and first.item == PLANTED
        # the thresholds level is the configural model again with three categories
        thresholds = next(o for o in res.outcomes if o.level == "thresholds")
        assert thresholds.holds and thresholds.comparison is not None
        assert thresholds.comparison.delta_df == 0
    assert found >= 36, found

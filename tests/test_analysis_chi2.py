"""relscale.analysis._chi2 against the scipy.stats / scipy.optimize functions it stands in for."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from scipy import optimize, stats

from relscale.analysis._chi2 import chi2_cdf, chi2_sf, ncx2_cdf, root
from relscale.analysis.fit import rmsea_ci

CASES = [(0.0, 1), (0.3, 1), (3.84, 1), (12.5, 7), (364.7, 174), (1e4, 20), (-2.0, 3),
         (5.5, 2.7)]


@pytest.mark.parametrize(("x", "df"), CASES)
def test_chi2_matches_scipy_stats(x: float, df: float) -> None:
    assert chi2_sf(x, df) == pytest.approx(float(stats.chi2.sf(x, df)), rel=1e-14, abs=1e-300)
    assert chi2_cdf(x, df) == pytest.approx(float(stats.chi2.cdf(x, df)), rel=1e-14,
                                            abs=1e-300)


@pytest.mark.parametrize(("x", "df", "nc"), [(3.2, 4, 1.5), (10, 20, 3.3), (50, 10, 0.5),
                                             (400, 174, 150.0)])
def test_ncx2_matches_scipy_stats(x: float, df: float, nc: float) -> None:
    assert ncx2_cdf(x, df, nc) == pytest.approx(float(stats.ncx2.cdf(x, df, nc)), rel=1e-12)


def test_root_matches_brentq() -> None:
    def f(v: float) -> float:
        return ncx2_cdf(364.7, 174, v) - 0.95

    assert root(f, 0.0, 364.7) == pytest.approx(
        optimize.brentq(f, 0.0, 364.7, xtol=1e-12), abs=2e-12)
    assert root(lambda v: v * v - 2.0, 0.0, 2.0) == pytest.approx(math.sqrt(2.0), abs=2e-12)
    with pytest.raises(ValueError):
        root(lambda v: v + 1.0, 0.0, 1.0)


def test_rmsea_ci_matches_the_scipy_version() -> None:
    # lavaan's interval computed with scipy.stats + brentq, as fit.rmsea_ci did before
    x2, df, n = 364.718, 174, 1300

    def cdf(lam: float) -> float:
        return float(stats.chi2.cdf(x2, df) if lam <= 0 else stats.ncx2.cdf(x2, df, lam))

    lo = optimize.brentq(lambda v: cdf(v) - 0.95, 0.0, x2, xtol=1e-12)
    hi = optimize.brentq(lambda v: cdf(v) - 0.05, 0.0, max(n, 4 * x2), xtol=1e-12)
    want = (math.sqrt(lo / (n * df)), math.sqrt(hi / (n * df)))
    assert rmsea_ci(x2, df, n) == pytest.approx(want, rel=1e-9)


def test_the_analyses_import_neither_scipy_stats_nor_optimize() -> None:
    code = ("import sys, relscale.equivalence, relscale.analysis.invariance, "
            "relscale.analysis.estimators; "
            "print(sorted(m for m in ('scipy.stats', 'scipy.optimize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"

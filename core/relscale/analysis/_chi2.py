"""Chi-square probabilities and a bracketing root finder from ``scipy.special`` alone.

``scipy.stats`` and ``scipy.optimize`` take about 1.5 s to import on the benchmark machine
(``python -X importtime``), more than a CFA of 100,000 respondents takes to fit: every
p-value and RMSEA interval of the analyses comes from here instead (the same functions:
``chi2.sf`` is ``chdtrc``, ``chi2.cdf`` is ``chdtr``, ``ncx2.cdf`` is ``chndtr``;
tests/test_analysis_chi2.py compares them with scipy.stats and scipy.optimize).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scipy.special import chdtr, chdtrc, chndtr


def chi2_sf(x: float, df: float) -> float:
    """``scipy.stats.chi2.sf(x, df)`` (1 for x <= 0)."""
    return float(chdtrc(df, 0.0 if x < 0 else x))


def chi2_cdf(x: float, df: float) -> float:
    """``scipy.stats.chi2.cdf(x, df)`` (0 for x <= 0)."""
    return float(chdtr(df, 0.0 if x < 0 else x))


def ncx2_cdf(x: float, df: float, nc: float) -> float:
    """``scipy.stats.ncx2.cdf(x, df, nc)``."""
    return float(chndtr(0.0 if x < 0 else x, df, nc))


def root(f: Callable[[float], float], a: float, b: float, xtol: float = 1e-12) -> float:
    """A root of ``f`` in ``[a, b]`` (``f(a)`` and ``f(b)`` of opposite sign, or one zero),
    by bisection to ``xtol`` absolute plus 4 ulp relative, as ``scipy.optimize.brentq``
    with that ``xtol`` guarantees.

    :raises ValueError: f(a) and f(b) have the same sign.
    """
    fa, fb = f(a), f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError("f(a) and f(b) must have different signs")
    for _ in range(2000):
        mid = 0.5 * (a + b)
        if abs(b - a) <= xtol + 4 * math.ulp(abs(mid)) or mid in (a, b):
            return mid
        fm = f(mid)
        if fm == 0:
            return mid
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    return 0.5 * (a + b)

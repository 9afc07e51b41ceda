"""Confidence intervals of Cronbach's alpha as ``psych::alpha`` prints them ("95% confidence
boundaries"): Feldt's F-based interval (``psych::alpha.ci``) and Duhachek & Iacobucci's
asymptotic one (``alpha +- z * ase``). psych computes both on ``nrow(x)`` respondents; which
N relscale passes is :mod:`relscale.reliability.classical`'s choice (see its docstring).

scipy.special, not scipy.stats: the same quantiles (``F.ppf`` is ``fdtri``, ``norm.ppf`` is
``ndtri``) without the seconds scipy.stats takes to import.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's confidence interval of alpha, as ``psych::alpha.ci``:
    ``1 - (1 - alpha) * F`` quantiles with ``n - 1`` and ``(n - 1)(k - 1)`` df."""
    from scipy.special import fdtri

    if not math.isfinite(alpha) or n < 2 or k < 2:
        return float("nan"), float("nan")
    p = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * float(fdtri(df1, df2, 1 - p / 2))
    high = 1 - (1 - alpha) * float(fdtri(df1, df2, p / 2))
    return low, high


def duhachek_ci(c: np.ndarray, n: int, level: float = 0.95) -> tuple[float, float]:
    """The asymptotic confidence interval of alpha (Duhachek & Iacobucci, 2004), as psych
    reports it: ``alpha +- z * sqrt(Q / n)`` with ``Q`` from the covariance matrix ``c``."""
    import numpy as np
    from scipy.special import ndtri

    k = c.shape[0]
    total = float(np.sum(c))
    if k < 2 or n < 2 or not np.isfinite(total) or total <= 0:
        return float("nan"), float("nan")
    tr = float(np.trace(c))
    alpha = k / (k - 1) * (1 - tr / total)
    cc = c @ c
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (float(np.trace(cc)) + tr**2) - 2 * tr * float(np.sum(cc))
    )
    half = float(ndtri(1 - (1 - level) / 2)) * float(np.sqrt(max(q, 0.0) / n))
    return alpha - half, alpha + half

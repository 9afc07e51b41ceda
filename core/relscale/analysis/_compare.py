"""Judging one invariance step: the chi-square difference test and Chen's (2007) cut-offs.

Chen (2007, Structural Equation Modeling 14, p. 501) as published, for N > 300 and about
equal groups: non-invariance is signalled when CFI drops by .010 or more (ΔCFI ≤ −.010)
*together with* RMSEA rising by .015 or more (ΔRMSEA ≥ .015) or SRMR rising by .030 or
more for loadings (ΔSRMR ≥ .030), .010 for intercepts, thresholds and residual variances.
With mlr the robust CFI and RMSEA are used, with wlsmv the scaled ones (the robust, cat-ML
indices cannot see unequal thresholds or intercepts; :meth:`FitMeasures.index`), and the
difference test is the estimator's own (Satorra-Bentler 2001 for mlr, Satorra 2000 for
wlsmv).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ._chi2 import chi2_sf
from .estimators import DifferenceTest
from .fit import FitMeasures

Criterion = Literal["chen", "lrt", "both"]
CRITERIA: tuple[str, ...] = ("chen", "lrt", "both")
CHEN_CFI = -0.010
CHEN_RMSEA = 0.015
CHEN_SRMR_LOADINGS = 0.030
CHEN_SRMR_MEANS = 0.010
CONFIGURAL_CFI = 0.90
CONFIGURAL_RMSEA = 0.08


def srmr_cutoff(level: str) -> float:
    """Chen's ΔSRMR cut-off for a level: .030 for loadings, .010 for the rest."""
    return CHEN_SRMR_LOADINGS if level == "metric" else CHEN_SRMR_MEANS


@dataclass(frozen=True)
class Comparison:
    """A constrained model against the less constrained one it is nested in."""

    delta_chisq: float
    delta_df: int
    p_value: float
    delta_cfi: float
    delta_rmsea: float
    chen_ok: bool
    lrt_ok: bool
    holds: bool
    delta_srmr: float = 0.0
    srmr_cutoff: float = CHEN_SRMR_LOADINGS
    method: str = "standard"
    """The difference test: standard, satorra.bentler.2001 or satorra.2000."""

    @property
    def agree(self) -> bool:
        """Do Chen's cut-offs and the difference test reach the same answer?"""
        return self.chen_ok == self.lrt_ok

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def chen_ok(d_cfi: float, d_rmsea: float, d_srmr: float, cutoff: float) -> bool:
    """True unless Chen's rule signals non-invariance (ΔCFI ≤ −.010 together with ΔRMSEA
    ≥ .015 or ΔSRMR ≥ the level's cut-off). A small tolerance keeps values printed as the
    cut-off (e.g. −.0100000001) on the side they print on."""
    eps = 1e-9
    drop = d_cfi <= CHEN_CFI + eps
    rise = d_rmsea >= CHEN_RMSEA - eps or d_srmr >= cutoff - eps
    return not (drop and rise)


def compare(
    restricted: FitMeasures,
    free: FitMeasures,
    criterion: Criterion = "chen",
    alpha: float = 0.05,
    *,
    test: DifferenceTest | None = None,
    cutoff: float = CHEN_SRMR_LOADINGS,
) -> Comparison:
    """Judge ``restricted`` against ``free`` by Chen's cut-offs, the difference test or both.

    :param test: the estimator's difference test (:func:`estimators.difference_test`);
        without it the plain chi-square difference.
    :param cutoff: Chen's ΔSRMR cut-off (:func:`srmr_cutoff` of the level).
    """
    if test is None:
        d_chi = max(restricted.chisq - free.chisq, 0.0)
        d_df = restricted.df - free.df
        p = chi2_sf(d_chi, d_df) if d_df > 0 else 1.0
        test = DifferenceTest(float(d_chi), int(d_df), p, "standard")
    d_cfi = restricted.index("cfi") - free.index("cfi")
    d_rmsea = restricted.index("rmsea") - free.index("rmsea")
    d_srmr = restricted.srmr - free.srmr
    c_ok = chen_ok(d_cfi, d_rmsea, d_srmr, cutoff)
    l_ok = bool(test.p_value >= alpha)
    holds = {"chen": c_ok, "lrt": l_ok, "both": c_ok and l_ok}[criterion]
    return Comparison(float(test.chisq), int(test.df), float(test.p_value), float(d_cfi),
                      float(d_rmsea), c_ok, l_ok, holds, float(d_srmr), cutoff, test.method)


def configural_fits(fit: FitMeasures) -> bool:
    """The configural model fits acceptably (CFI ≥ .90, RMSEA ≤ .08; robust when given)."""
    return fit.index("cfi") >= CONFIGURAL_CFI and fit.index("rmsea") <= CONFIGURAL_RMSEA

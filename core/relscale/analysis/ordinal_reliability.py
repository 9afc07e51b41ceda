"""Reliability of ordinal items: ordinal alpha and categorical omega.

- **Ordinal alpha** (Zumbo, Gadermann & Zeisser, 2007): coefficient alpha of the
  polychoric correlation matrix, ``k / (k - 1) * (1 - k / sum(R))``, as
  ``psych::alpha(psych::polychoric(x)$rho)``. It is the reliability of the sum of the
  *latent* responses, not of the observed sum score.
- **Categorical omega** (Green & Yang, 2009): the share of the observed sum score's variance
  that the factor explains, with the ordinal items' nonlinear link taken into account, as
  ``semTools::compRelSEM(fit, ord.scale = TRUE)`` on the WLSMV fit::

      omega = sum_jj' [sum_cc' Phi2(t_jc, t_j'c'; d_j d_j' l_j l_j' psi)
                       - sum_c Phi(t_jc) sum_c' Phi(t_j'c')]
              / sum_jj' [sum_cc' Phi2(t_jc, t_j'c'; r_jj') - same]

  with the model thresholds ``t = tau * delta``, loadings ``l``, factor variance ``psi``,
  scales ``delta`` and the polychoric correlations ``r`` (1 on the diagonal).
- **The omega interval**: a Wald interval from the delta method. Omega is a function of
  the estimates (numerator) and of the sample polychoric correlations (denominator); the
  estimates are themselves linear in the sample statistics to first order (``theta -
  theta0 = E^-1 sum_g f_g Delta_g' W_g (s_g - s0_g)``), so ``omega - omega0 = u' (s - s0)``
  and ``var(omega) = sum_g u_g' Gamma_g u_g / N_g`` with the sample statistics' asymptotic
  covariance Gamma. The gradients are central differences. The tests check its standard
  error against 500 nonparametric bootstrap replicates of ``compRelSEM`` in lavaan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from relscale.i18n import _

from ._bivnorm import bvn_cdf
from ._threads import single_threaded
from .errors import AnalysisError
from .polychoric import pairs_of
from .wlsmv import WlsmvEstimate
from .wlsmv_model import FACTOR_VAR, LOADING, SCALE, THRESHOLD, group_params

Z95 = float(ndtri(0.975))


def ordinal_alpha(polychoric: np.ndarray) -> float:
    """Coefficient alpha of a (polychoric) correlation matrix."""
    r = np.asarray(polychoric, dtype=float)
    k = r.shape[0]
    if k < 2:
        raise AnalysisError(_("ordinal alpha needs at least 2 items"))
    return float(k / (k - 1) * (1.0 - np.trace(r) / r.sum()))


def _omega_sums(thresholds: Sequence[np.ndarray], corr: np.ndarray) -> float:
    """sum_jj' [sum_cc' Phi2(t_jc, t_j'c'; corr_jj') - sum_c Phi(t_jc) sum_c' Phi(t_j'c')]
    (thresholds padded with -inf, which add nothing)."""
    width = max(len(t) for t in thresholds)
    t = np.full((len(thresholds), width), -np.inf)
    for j, th in enumerate(thresholds):
        t[j, :len(th)] = th
    joint = bvn_cdf(t[:, None, :, None], t[None, :, None, :], corr[:, :, None, None])
    marg = ndtr(t).sum(axis=1)
    return float(joint.sum() - marg.sum() ** 2)


def _omega_parts(lam: np.ndarray, psi: float, scale: np.ndarray,
                 thresholds: Sequence[np.ndarray], polychoric: np.ndarray) -> tuple[float, float]:
    t = [th * s for th, s in zip(thresholds, scale, strict=True)]
    common = np.outer(lam * scale, lam * scale) * psi
    return _omega_sums(t, common), _omega_sums(t, polychoric)


def _involved(prm: Any, items: Sequence[int], factor: int) -> bool:
    if prm.kind == FACTOR_VAR:
        return bool(prm.row == factor)
    return prm.kind in (LOADING, THRESHOLD, SCALE) and prm.row in items


@dataclass(frozen=True)
class OmegaResult:
    """Categorical omega of one factor in one group, with its Wald interval."""

    group: str
    factor: str
    omega: float
    se: float
    ci_lower: float
    ci_upper: float

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def _factor_inputs(est: WlsmvEstimate, g: int, f: int,
                   x_full: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, list[np.ndarray]]:
    layout = est.layout
    items = [j for j, ff in enumerate(layout.model.factor_of) if ff == f]
    gp = group_params(layout, g, x_full)
    start = layout.threshold_start
    if layout.parameterization != "delta":
        raise AnalysisError(_("categorical omega needs the delta parameterization"))
    tau = [gp.tau[start[j]:start[j + 1]] for j in items]
    return gp.lam[items, f], float(gp.psi[f, f]), gp.scale[items], tau


@single_threaded
def categorical_omega(est: WlsmvEstimate, group: int = 0, factor: int = 0, *,
                      interval: bool = True) -> OmegaResult:
    """Green & Yang's omega of one factor in one group of a WLSMV fit (see the module
    docstring), with the delta-method standard error and 95% Wald interval."""
    layout = est.layout
    grp = est.groups[group]
    items = [j for j, ff in enumerate(layout.model.factor_of) if ff == factor]
    poly = grp.polychoric[np.ix_(items, items)]
    lam, psi, scale, tau = _factor_inputs(est, group, factor, est.x_full)
    num, den = _omega_parts(lam, psi, scale, tau, poly)
    omega = num / den
    name = layout.model.factors[factor]
    if not interval:
        return OmegaResult(grp.name, name, omega, float("nan"), float("nan"), float("nan"))
    # d omega / d theta (reduced), by central differences
    theta = est.theta
    g_theta = np.zeros(len(theta))
    involved = {int(layout.reduced_of_full[k]) for k in layout.group_slice(group)
                if layout.reduced_of_full[k] >= 0 and _involved(layout.params[k], items, factor)}
    for k in sorted(involved):
        h = 1e-6 * max(1.0, abs(theta[k]))
        vals = []
        for sign in (1.0, -1.0):
            t2 = theta.copy()
            t2[k] += sign * h
            parts = _omega_parts(*_factor_inputs(est, group, factor, layout.expand(t2)), poly)
            vals.append(parts[0] / parts[1])
        g_theta[k] = (vals[0] - vals[1]) / (2 * h)
    # d omega / d sample correlations of this factor's items (the denominator)
    p = len(layout.model.items)
    n_th = grp.n_thresholds
    g_s = np.zeros(len(grp.stats))
    for q, (i, j) in enumerate(pairs_of(p)):
        if i in items and j in items:
            a, b = items.index(i), items.index(j)
            h = 1e-6
            dens = []
            for sign in (1.0, -1.0):
                r2 = poly.copy()
                r2[a, b] = r2[b, a] = poly[a, b] + sign * h
                dens.append(_omega_sums([t * s for t, s in zip(tau, scale, strict=True)], r2))
            g_s[n_th + q] = -num / den ** 2 * (dens[0] - dens[1]) / (2 * h)
    e_inv = est.information_inv
    v_theta = e_inv @ g_theta
    var = 0.0
    n_total = est.n_total
    for g, (other, d, w) in enumerate(zip(est.groups, est.delta_reduced, est.weights,
                                          strict=True)):
        u = other.n / n_total * w * (d @ v_theta)
        if g == group:
            u = u + g_s
        var += float(u @ other.gamma @ u) / other.n
    se = float(np.sqrt(max(var, 0.0)))
    return OmegaResult(grp.name, name, omega, se, omega - Z95 * se, omega + Z95 * se)


@dataclass(frozen=True)
class OrdinalReliability:
    """Ordinal alpha and categorical omega of every factor (one group)."""

    n: int
    n_excluded: int
    alpha: dict[str, float]
    omega: list[OmegaResult]

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "n_excluded": self.n_excluded, "ordinal_alpha": dict(self.alpha),
                "categorical_omega": [o.to_dict() for o in self.omega]}


@single_threaded
def ordinal_reliability(data: Any, items: Sequence[str], factors: Mapping[str, str], *,
                        missing: str = "pairwise") -> OrdinalReliability:
    """Ordinal alpha and categorical omega per factor of one sample.

    Fits the factor model by WLSMV (lavaan's ``cfa(..., ordered = TRUE)``: marker
    identification, delta parameterization) and takes omega from it; alpha from the
    polychoric correlations of each factor's items.
    """
    from ._model import measurement_model
    from ._wlsmv_fit import ordinal_groups
    from .estimators import RawGroup
    from .wlsmv import estimate
    from .wlsmv_model import build_ordinal_layout

    model = measurement_model(items, factors)
    groups = ordinal_groups(model, [RawGroup("sample", np.asarray(data, float))], missing)
    layout = build_ordinal_layout(model, groups[0].levels, 1, "configural",
                                  identification="marker")
    est = estimate(layout, groups)
    if not est.converged:
        raise AnalysisError(_("the factor model did not converge in {n} iterations; "
                              "categorical omega cannot be computed").format(n=est.iterations))
    alpha = {}
    for f, name in enumerate(model.factors):
        idx = [j for j, ff in enumerate(model.factor_of) if ff == f]
        alpha[name] = ordinal_alpha(groups[0].polychoric[np.ix_(idx, idx)])
    omegas = [categorical_omega(est, 0, f) for f in range(len(model.factors))]
    return OrdinalReliability(groups[0].n, groups[0].n_excluded, alpha, omegas)

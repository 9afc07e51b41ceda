"""Robust ML: sandwich standard errors, the Yuan-Bentler scaled chi-square, robust CFI/RMSEA.

All of it follows lavaan 0.6-14 for ``estimator = "MLR"`` (``se = "robust.huber.white"``,
``test = "yuan.bentler.mplus"``, ``information = "observed"``), with or without missing
answers (``missing = "ml"``) and clusters (``cluster =``, ``se = "robust.cluster"``):

- ``E``: the observed information per case (the Hessian of ``sum_g D_g / 2N``);
- ``B0_g = Delta_g' B1_g Delta_g``: the first-order information, ``B1_g`` the mean outer
  product of the casewise scores at the model's moments; with clusters the scores are
  summed per cluster first and multiplied by ``sqrt(C / (C - 1))``;
- robust covariance ``E^-1 (sum_g f_g B0_g) E^-1 / N`` (``f_g = N_g / N``);
- the scaling factor ``c = (sum_g tr(B1u_g A1_g^-1) - sum_g f_g tr(B0_g E^-1)) / df``
  (``lav_test_yuan_bentler_mplus_trace``) with ``A1_g``, ``B1u_g`` the observed and
  first-order information of the saturated model at its own estimates (unstructured);
- robust CFI/TLI/RMSEA: complete data as Brosseau-Liard, Savalei & Li (2012) and
  Brosseau-Liard & Savalei (2014), with ``c`` of the model and of the baseline; with
  missing answers the FIML-corrected versions of Zhang & Savalei (2023)
  (``lav_fit_fiml_corrected``: V3 with MLR, V6 with ML).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from relscale.i18n import N_, _

from ._estimation import Estimate, delta, observed_information, patterns_of
from ._model import Layout, group_matrices
from ._moments import Patterns, observed_hessian, pattern_terms, vech_index
from ._scores import first_order
from .errors import AnalysisError

Clusters = Sequence[np.ndarray | None] | None


MATRICES = (N_("saturated model's information"), N_("information matrix"),
            N_("baseline model's information"), N_("model-implied covariance matrix"))
"""The matrices :func:`_inverse` names (listed for translation)."""


def _inverse(m: np.ndarray, what: str) -> np.ndarray:
    try:
        return np.asarray(np.linalg.inv(m))
    except np.linalg.LinAlgError:
        raise AnalysisError(_("the {what} is singular (the model is not identified with "
                              "these data)").format(what=_(what))) from None


def _h1_moments(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """The saturated model's mean and covariance (sample moments, or EM with gaps)."""
    return data.mean, data.cov


def _reducer(layout: Layout, g: int) -> np.ndarray:
    """Group g's full parameters x reduced parameters (0/1)."""
    idx = layout.group_slice(g)
    k = np.zeros((len(idx), layout.n_reduced))
    k[np.arange(len(idx)), layout.reduced_of_full[idx]] = 1.0
    return k


@dataclass
class RobustParts:
    """What the robust standard errors and test statistics are made of."""

    e_inv: np.ndarray  # inverse observed information per case (reduced)
    b0: list[np.ndarray]  # per group, first-order information in reduced coordinates
    trace_h1: float
    n_total: int
    fractions: list[float]

    def vcov(self) -> np.ndarray:
        meat = sum(f * b for f, b in zip(self.fractions, self.b0, strict=True))
        return np.asarray(self.e_inv @ meat @ self.e_inv / self.n_total)

    def trace_h0(self) -> float:
        return float(sum(f * np.sum(b * self.e_inv.T)
                         for f, b in zip(self.fractions, self.b0, strict=True)))

    def scaling(self, df: int) -> float:
        return (self.trace_h1 - self.trace_h0()) / df if df > 0 else float("nan")


def _first_order_at(data: Any, mu: np.ndarray, sigma: np.ndarray, meanstructure: bool,
                    cluster: np.ndarray | None) -> np.ndarray:
    """Mean outer product of the casewise (or per-cluster summed) scores at (mu, Sigma)."""
    return first_order(data.x, patterns_of(data), mu, sigma, meanstructure, cluster)


def trace_h1(groups: Sequence[Any], clusters: Clusters, meanstructure: bool) -> float:
    """``sum_g tr(B1_g A1_g^-1)`` of the saturated model (lavaan's ``trace.h1``).

    ``B1``: the first-order information of the saturated model at its own estimates (the
    sample moments, or EM with gaps); per cluster with the factor ``C / (C - 1)`` (checked
    against lavaan 0.6-14's ``trace.UGamma``).
    """
    total = 0.0
    for g, data in enumerate(groups):
        mu, sigma = _h1_moments(data)
        t = pattern_terms(patterns_of(data), mu, sigma)
        if t is None:
            raise AnalysisError(_("the saturated covariance matrix is not positive definite"))
        a1 = observed_hessian(t, meanstructure) / (2.0 * data.n)
        b1 = _first_order_at(data, mu, sigma, meanstructure, clusters[g] if clusters else None)
        total += float(np.sum(b1 * _inverse(a1, "saturated model's information").T))
    return total


def robust_parts(est: Estimate, groups: Sequence[Any], clusters: Clusters = None,
                 cache: dict[Any, Any] | None = None) -> RobustParts:
    """E^-1, the first-order information per group and the H1 trace of an estimate.

    :param cache: a dict kept with the data: what depends on the data alone (the H1
        trace) is computed once for every model fitted to them.
    """
    layout = est.layout
    n_total = sum(d.n for d in groups)
    info = observed_information(layout, est.x_full, groups) / (2.0 * n_total)
    e_inv = _inverse(info, "information matrix")
    b0 = []
    for g, data in enumerate(groups):
        mats = group_matrices(layout, g, est.x_full)
        mu = mats.mu() if layout.meanstructure else data.mean
        b1 = _first_order_at(data, mu, mats.sigma(), layout.meanstructure,
                             clusters[g] if clusters else None)
        dk = delta(layout, g, mats, meanstructure=layout.meanstructure) @ _reducer(layout, g)
        b0.append(dk.T @ b1 @ dk)
    cache = {} if cache is None else cache
    key = ("trace_h1", layout.meanstructure)
    if key not in cache:
        cache[key] = trace_h1(groups, clusters, layout.meanstructure)
    return RobustParts(e_inv, b0, cache[key], n_total, [d.n / n_total for d in groups])


def _independence_moments(data: Any) -> tuple[np.ndarray, np.ndarray]:
    if getattr(data, "patterns", None) is not None:
        m = np.nanmean(data.x, axis=0)
        return m, np.diag(np.nanmean((data.x - m) ** 2, axis=0))
    return data.mean, np.diag(np.diag(data.cov))


def _independence_delta(p: int, meanstructure: bool) -> np.ndarray:
    """Moments x (means, variances) of the independence model: a selection."""
    r, c = vech_index(p)
    diag = np.flatnonzero(r == c)
    off = p if meanstructure else 0
    cols = np.array((list(range(p)) if meanstructure else []) + [off + int(k) for k in diag])
    sel = np.zeros((off + len(r), len(cols)))
    sel[cols, np.arange(len(cols))] = 1.0
    return sel


def baseline_scaling(groups: Sequence[Any], clusters: Clusters, meanstructure: bool,
                     h1_trace: float, df_null: int,
                     cache: dict[Any, Any] | None = None) -> float:
    """The Yuan-Bentler scaling factor of the independence (baseline) model."""
    key = ("baseline_scaling", meanstructure)
    if cache is not None and key in cache:
        return float(cache[key])
    trace = 0.0
    for g, data in enumerate(groups):
        mu, sigma = _independence_moments(data)
        sel = _independence_delta(len(mu), meanstructure)
        t = pattern_terms(patterns_of(data), mu, sigma)
        assert t is not None
        info = sel.T @ observed_hessian(t, meanstructure) @ sel / (2.0 * data.n)
        b0 = sel.T @ _first_order_at(data, mu, sigma, meanstructure,
                                     clusters[g] if clusters else None) @ sel
        trace += float(np.sum(b0 * _inverse(info, "baseline model's information").T))
    if cache is not None:
        cache[key] = (h1_trace - trace) / df_null
    return (h1_trace - trace) / df_null


def _complete_discrepancy(mean: np.ndarray, cov: np.ndarray, n: int, mu: np.ndarray,
                          sigma: np.ndarray) -> float:
    """``n F_ML`` of a model (mu, sigma) against the 'observed' moments (mean, cov)."""
    inv = _inverse(sigma, "model-implied covariance matrix")
    d = mean - mu
    return n * float(np.linalg.slogdet(sigma)[1] + np.sum(inv * cov) - np.linalg.slogdet(cov)[1]
                     - len(mu) + d @ inv @ d)


def _one_pattern(mean: np.ndarray, cov: np.ndarray, n: int) -> Patterns:
    return Patterns(np.ones((1, len(mean)), dtype=bool), np.array([float(n)]), mean[None],
                    cov[None], (np.arange(n),))


@dataclass(frozen=True)
class FimlCorrected:
    """lavaan's ``lav_fit_fiml_corrected``: chi-squares of the model and the baseline
    against the EM moments, and their scaling constants."""

    xx3: float
    c_hat3: float
    xx3_null: float
    c_hat3_null: float


def fiml_corrected(est: Estimate, groups: Sequence[Any], df: int, df_null: int,
                   version: str, clusters: Clusters = None,
                   cache: dict[Any, Any] | None = None) -> FimlCorrected:
    """Zhang & Savalei's FIML-corrected statistics (V3 with MLR, V6 with ML).

    lavaan forms ``U = Wm - Wm D E D' Wm`` over all groups at once (``D`` the model's
    Jacobian, ``E = (D' Wm D)^-1``, ``Wm``/``Wc`` the incomplete- and complete-data
    information of the saturated model, block-diagonal by group, weighted by ``f_g``) and
    takes ``tr(Wc Wm^-1 U Wm^-1)`` (V6) or ``tr(U Wm^-1 Wc Wm^-1 U Gamma)`` (V3, ``Gamma
    = Wm^-1 J Wm^-1 / f_g``). Expanding ``U`` leaves sums of per-group blocks only.
    """
    layout = est.layout
    cache = {} if cache is None else cache
    key = ("fiml_corrected", version)
    if key not in cache:
        cache[key] = _fiml_blocks(groups, version, clusters)
    blocks: list[dict[str, np.ndarray]] = cache[key]
    xx3 = 0.0
    for g, (data, b) in enumerate(zip(groups, blocks, strict=True)):
        mats = group_matrices(layout, g, est.x_full)
        xx3 += _complete_discrepancy(data.mean, data.cov, data.n, mats.mu(), mats.sigma())
        b["d"] = delta(layout, g, mats, meanstructure=True) @ _reducer(layout, g)

    def k_value(key: str) -> float:
        e_inv = _inverse(sum(b[key].T @ b["wm"] @ b[key] for b in blocks),
                         "information matrix")
        if version != "V3":
            first = sum(float(np.sum(b["wc"] * b["wmi"].T)) for b in blocks)
            return first - float(np.sum(e_inv * sum(b[key].T @ b["wc"] @ b[key]
                                                    for b in blocks).T))
        t1, a2, a3, bb, cc = 0.0, 0.0, 0.0, 0.0, 0.0
        for b in blocks:
            m = b["wmi"] @ b["wc"] @ b["wmi"]
            x = b["wm"] @ b[key]
            wm_m = b["wm"] @ m
            t1 += float(np.sum((wm_m @ b["wm"]) * b["gam"].T))
            a2 = a2 + x.T @ b["gam"] @ wm_m @ x
            a3 = a3 + x.T @ wm_m.T @ b["gam"] @ x
            bb = bb + x.T @ m @ x
            cc = cc + x.T @ b["gam"] @ x
        t2 = float(np.sum(e_inv * np.asarray(a2).T))
        t3 = float(np.sum(e_inv * np.asarray(a3).T))
        return t1 - t2 - t3 + float(np.trace(e_inv @ bb @ e_inv @ cc))

    k = k_value("d")
    if (key, "null") not in cache:
        xx3_null = 0.0
        for data in groups:
            mu_b, sigma_b = _independence_moments(data)
            xx3_null += _complete_discrepancy(data.mean, data.cov, data.n, mu_b, sigma_b)
        cache[(key, "null")] = (xx3_null, k_value("d_b") / df_null)
    xx3_null, c_null = cache[(key, "null")]
    return FimlCorrected(xx3, k / df if df > 0 else float("nan"), xx3_null, c_null)


def _fiml_blocks(groups: Sequence[Any], version: str, clusters: Clusters
                 ) -> list[dict[str, np.ndarray]]:
    """Per group, what the FIML-corrected traces need of the data alone (weighted by f_g)."""
    n_total = sum(d.n for d in groups)
    blocks = []
    for g, data in enumerate(groups):
        fr = data.n / n_total
        mean, cov = data.mean, data.cov
        t = pattern_terms(data.patterns, mean, cov)
        tc = pattern_terms(_one_pattern(mean, cov, data.n), mean, cov)
        assert t is not None and tc is not None
        wm_g = observed_hessian(t, True) / (2.0 * data.n)
        wmi_g = _inverse(wm_g, "saturated model's information")
        b: dict[str, np.ndarray] = {
            "wm": fr * wm_g, "wmi": wmi_g / fr,
            "wc": fr * observed_hessian(tc, True) / (2.0 * data.n)}
        sel = _independence_delta(len(mean), True)
        d_b = np.zeros((sel.shape[0], sel.shape[1] * len(groups)))
        d_b[:, g * sel.shape[1]:(g + 1) * sel.shape[1]] = sel
        b["d_b"] = d_b
        if version == "V3":
            jm = _first_order_at(data, mean, cov, True, clusters[g] if clusters else None)
            b["gam"] = wmi_g @ jm @ wmi_g / fr
        blocks.append(b)
    return blocks

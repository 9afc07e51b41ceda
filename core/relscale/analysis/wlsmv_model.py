"""The multi-group ordinal factor model of a WLSMV fit: parameters, implied moments and
their derivatives.

Each item j has a continuous latent response y*_j = nu_j + lambda_j' eta + e_j, cut at its
thresholds tau_j. What the model implies for the sample statistics (thresholds and
polychoric correlations) in a group, with s_j the item's scale factor, is::

    threshold_jt = (tau_jt - nu_j - lambda_j' alpha) * s_j
    correlation_ij = s_i s_j lambda_i' Psi lambda_j

In the *delta* parameterization (lavaan's default) s_j is the parameter delta_j; in the
*theta* parameterization the residual variance theta_j is the parameter and
``s_j = (lambda_j' Psi lambda_j + theta_j)^-1/2``.

The invariance levels are Wu & Estabrook's (2016), as semTools' ``measEq.syntax(ID.fac =
"std.lv", ID.cat = "Wu.Estabrook.2016")`` writes them:

- configural: everything free per group; nu = 0, delta = 1 (theta = 1), factor variances 1
  and means 0 in every group (std.lv) -- or marker loadings 1 with free variances;
- thresholds: thresholds equal; intercepts and scales (residual variances) free in groups
  2..G;
- metric: + loadings equal; factor variances free in groups 2..G;
- scalar: + intercepts 0 in every group; factor means free in groups 2..G;
- strict (theta parameterization): + residual variances 1 in every group.

A released threshold keeps semTools' identification: the item's intercept (scale) stays
free in groups 2..G only while at least one (two) of its thresholds are still equal.
Intercepts fixed at scalar and residual variances fixed at strict enter the parameter list
as *fixed* parameters of groups 2..G, so score tests can test them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._model import MeasurementModel, Release

LEVEL_ORDER = ("configural", "thresholds", "metric", "scalar", "strict")
LOADING, THRESHOLD, INTERCEPT, SCALE, RESIDUAL = (
    "loading", "threshold", "intercept", "scale", "residual")
FACTOR_VAR, FACTOR_COV, LATENT_MEAN = "factor_var", "factor_cov", "latent_mean"


@dataclass(frozen=True)
class OParam:
    """One parameter of one group (an element of the full vector)."""

    group: int
    kind: str
    row: int  # item (factor for factor_* and latent_mean)
    col: int  # factor of a loading, threshold number (0-based), other factor
    label: str  # parameters sharing a label are equal
    fixed: float | None = None  # a fixed parameter (kept for score tests)

    @property
    def parameter(self) -> str:
        """The contract's name: loading, intercept, residual or threshold:k."""
        return f"{THRESHOLD}:{self.col + 1}" if self.kind == THRESHOLD else self.kind


@dataclass
class OrdinalLayout:
    """All parameters of all groups, the reduced (estimated) vector and the constraints."""

    model: MeasurementModel
    levels: tuple[int, ...]
    n_groups: int
    parameterization: str  # delta | theta
    identification: str  # std.lv | marker
    level: str
    params: list[OParam]
    reduced_of_full: np.ndarray  # full index -> reduced index (-1: fixed)
    n_reduced: int
    constraints: list[tuple[int, int]]  # (a, b): x_a == x_b, or b == -1: x_a == fixed
    plan_cache: list[Any] = field(default_factory=list, repr=False, compare=False)
    slice_cache: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def group_slice(self, g: int) -> np.ndarray:
        if g not in self.slice_cache:
            self.slice_cache[g] = np.array(
                [i for i, p in enumerate(self.params) if p.group == g], dtype=int)
        return self.slice_cache[g]

    def expand(self, theta: np.ndarray) -> np.ndarray:
        fixed = np.array([p.fixed if p.fixed is not None else 0.0 for p in self.params])
        red = self.reduced_of_full
        return np.where(red >= 0, theta[np.maximum(red, 0)], fixed)

    def constraint_rows(self) -> np.ndarray:
        rows = np.zeros((len(self.constraints), len(self.params)))
        for r, (a, b) in enumerate(self.constraints):
            rows[r, a] = 1.0
            if b >= 0:
                rows[r, b] = -1.0
        return rows

    @property
    def n_thresholds(self) -> int:
        return sum(k - 1 for k in self.levels)

    @property
    def threshold_start(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(np.asarray(self.levels) - 1)])


def _released(released: Collection[Release], item: str, parameter: str) -> bool:
    """Whether ``parameter`` of ``item`` is released (in every group: lavaan's
    ``group.partial``, whichever group the release names)."""
    return any(it == item and p == parameter for it, p, _ in released)


def build_ordinal_layout(
    model: MeasurementModel,
    levels: Sequence[int],
    n_groups: int,
    level: str,
    released: Collection[Release] = (),
    *,
    identification: str = "std.lv",
) -> OrdinalLayout:
    """The parameters of one Wu & Estabrook level (see the module docstring).

    A release frees a parameter in every group (lavaan's ``group.partial``), whatever its
    group entry says.
    """
    if level not in LEVEL_ORDER:
        raise ValueError(f"unknown level {level!r}")
    rank = LEVEL_ORDER.index(level)
    param = "theta" if level == "strict" else "delta"
    items, p, m = model.items, len(model.items), len(model.factors)
    marker = identification == "marker"
    markers = set(model.markers) if marker else set()
    eq_th, eq_load = rank >= 1, rank >= 2
    fixed_nu, fixed_resid = rank >= 3, rank >= 4
    params: list[OParam] = []
    for g in range(n_groups):
        def lab(kind: str, j: int, shared: bool, extra: str = "", g: int = g) -> str:
            return f"{kind}{extra}:{items[j]}" if shared else f"g{g}:{kind}{extra}:{items[j]}"

        for j in range(p):
            if j not in markers:
                shared = eq_load and not _released(released, items[j], LOADING)
                params.append(OParam(g, LOADING, j, model.factor_of[j], lab(LOADING, j, shared)))
        for j in range(p):
            for t in range(levels[j] - 1):
                shared = eq_th and not _released(released, items[j], f"{THRESHOLD}:{t + 1}")
                params.append(OParam(g, THRESHOLD, j, t, lab(THRESHOLD, j, shared, str(t + 1))))
        if g > 0:
            for j in range(p):
                n_equal = sum(1 for t in range(levels[j] - 1) if eq_th and not _released(
                    released, items[j], f"{THRESHOLD}:{t + 1}"))
                nu_released = _released(released, items[j], INTERCEPT)
                if fixed_nu and not nu_released:
                    params.append(OParam(g, INTERCEPT, j, 0, lab(INTERCEPT, j, False), 0.0))
                    nu_free = False
                else:
                    nu_free = rank >= 1 and n_equal >= 1
                    if nu_free:
                        params.append(OParam(g, INTERCEPT, j, 0, lab(INTERCEPT, j, False)))
                scale_free = rank >= 1 and n_equal >= (2 if nu_free else 1)
                kind = RESIDUAL if param == "theta" else SCALE
                if fixed_resid and not _released(released, items[j], RESIDUAL):
                    params.append(OParam(g, kind, j, 0, lab(kind, j, False), 1.0))
                elif scale_free:
                    params.append(OParam(g, kind, j, 0, lab(kind, j, False)))
        for f in range(m):
            for h in range(f, m):
                if f == h and not (marker or (g > 0 and eq_load)):
                    continue
                kind = FACTOR_VAR if f == h else FACTOR_COV
                params.append(OParam(g, kind, f, h, f"g{g}:psi:{f}:{h}"))
        if g > 0 and fixed_nu:
            for f in range(m):
                params.append(OParam(g, LATENT_MEAN, f, 0, f"g{g}:alpha:{f}"))
    labels: dict[str, int] = {}
    first: dict[str, int] = {}
    reduced = np.empty(len(params), dtype=int)
    constraints: list[tuple[int, int]] = []
    for k, prm in enumerate(params):
        if prm.fixed is not None:
            reduced[k] = -1
            constraints.append((k, -1))
            continue
        if prm.label not in labels:
            labels[prm.label] = len(labels)
            first[prm.label] = k
        else:
            constraints.append((first[prm.label], k))
        reduced[k] = labels[prm.label]
    constraints.sort()
    return OrdinalLayout(model, tuple(levels), n_groups, param, identification, level, params,
                         reduced, len(labels), constraints)


@dataclass
class GroupParams:
    lam: np.ndarray  # p x m
    tau: np.ndarray  # all thresholds, item by item
    nu: np.ndarray
    scale: np.ndarray  # delta (delta) or theta (theta parameterization)
    psi: np.ndarray
    alpha: np.ndarray


@dataclass
class _Plan:
    """Per group: positions (in the group's slice) and targets of each kind."""

    idx: np.ndarray
    kinds: dict[str, np.ndarray]  # kind -> positions in idx
    rows: np.ndarray
    cols: np.ndarray


def _plans(layout: OrdinalLayout) -> list[_Plan]:
    if not layout.plan_cache:
        for g in range(layout.n_groups):
            idx = layout.group_slice(g)
            kinds = np.array([layout.params[k].kind for k in idx])
            layout.plan_cache.append(_Plan(
                idx, {kind: np.where(kinds == kind)[0] for kind in set(kinds.tolist())},
                np.array([layout.params[k].row for k in idx], dtype=int),
                np.array([layout.params[k].col for k in idx], dtype=int)))
    return layout.plan_cache  # type: ignore[no-any-return]


def group_params(layout: OrdinalLayout, g: int, x_full: np.ndarray) -> GroupParams:
    model = layout.model
    p, m = len(model.items), len(model.factors)
    plan = _plans(layout)[g]
    vals = x_full[plan.idx]
    lam = np.zeros((p, m))
    if layout.identification == "marker":
        lam[list(model.markers), np.arange(m)] = 1.0
    tau = np.zeros(layout.n_thresholds)
    out = GroupParams(lam, tau, np.zeros(p), np.ones(p), np.eye(m), np.zeros(m))
    start = layout.threshold_start
    ks = plan.kinds
    if LOADING in ks:
        k = ks[LOADING]
        lam[plan.rows[k], plan.cols[k]] = vals[k]
    if THRESHOLD in ks:
        k = ks[THRESHOLD]
        tau[start[plan.rows[k]] + plan.cols[k]] = vals[k]
    if INTERCEPT in ks:
        k = ks[INTERCEPT]
        out.nu[plan.rows[k]] = vals[k]
    for kind in (SCALE, RESIDUAL):
        if kind in ks:
            k = ks[kind]
            out.scale[plan.rows[k]] = vals[k]
    for kind in (FACTOR_VAR, FACTOR_COV):
        if kind in ks:
            k = ks[kind]
            out.psi[plan.rows[k], plan.cols[k]] = vals[k]
            out.psi[plan.cols[k], plan.rows[k]] = vals[k]
    if LATENT_MEAN in ks:
        k = ks[LATENT_MEAN]
        out.alpha[plan.rows[k]] = vals[k]
    return out


def item_of_threshold(layout: OrdinalLayout) -> np.ndarray:
    return np.repeat(np.arange(len(layout.levels)), np.asarray(layout.levels) - 1)


def pair_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each correlation in lavaan's order (by column, then row)."""
    rows, cols = np.tril_indices(p, -1)
    order = np.lexsort((rows, cols))
    return rows[order], cols[order]


def implied(layout: OrdinalLayout, g: int, x_full: np.ndarray,
            derivatives: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Implied statistics of group g (thresholds, then correlations in lavaan's order) and
    their Jacobian with respect to the group's full parameters (columns in
    ``group_slice(g)`` order)."""
    gp = group_params(layout, g, x_full)
    p = gp.lam.shape[0]
    lpl = gp.lam @ gp.psi @ gp.lam.T
    mean_lat = gp.lam @ gp.alpha
    theta_par = layout.parameterization == "theta"
    s = (np.diag(lpl) + gp.scale) ** -0.5 if theta_par else gp.scale
    th_item = item_of_threshold(layout)
    centred = gp.tau - gp.nu[th_item] - mean_lat[th_item]
    rows, cols = pair_index(p)
    ss = s[rows] * s[cols]
    moments = np.concatenate([centred * s[th_item], ss * lpl[rows, cols]])
    if not derivatives:
        return moments, np.empty((0, 0))
    plan = _plans(layout)[g]
    n_th, n_cor = len(gp.tau), len(rows)
    jac = np.zeros((n_th + n_cor, len(plan.idx)))
    cor = slice(n_th, n_th + n_cor)
    # derivative of the moments with respect to s (used directly for delta, chained for theta)
    d_s = np.zeros((n_th + n_cor, p))
    d_s[np.arange(n_th), th_item] = centred
    d_s[n_th + np.arange(n_cor), rows] = s[cols] * lpl[rows, cols]
    d_s[n_th + np.arange(n_cor), cols] = s[rows] * lpl[rows, cols]
    ds_dv = -0.5 * s ** 3 if theta_par else np.zeros(p)
    psi_lam = gp.lam @ gp.psi  # p x m: (Psi lambda_j)'
    ks = plan.kinds
    th_of_item = item_of_threshold(layout)
    if LOADING in ks:
        k = ks[LOADING]
        j, f = plan.rows[k], plan.cols[k]
        on_item = th_of_item[:, None] == j[None, :]
        jac[:n_th, k] = on_item * (-gp.alpha[f] * s[j])[None, :]
        on_r = rows[:, None] == j[None, :]
        on_c = cols[:, None] == j[None, :]
        jac[cor, k] = ss[:, None] * (on_r * psi_lam[cols][:, f] + on_c * psi_lam[rows][:, f])
        if theta_par:
            jac[:, k] += d_s[:, j] * (ds_dv[j] * 2.0 * psi_lam[j, f])[None, :]
    if THRESHOLD in ks:
        k = ks[THRESHOLD]
        j = plan.rows[k]
        jac[layout.threshold_start[j] + plan.cols[k], k] = s[j]
    if INTERCEPT in ks:
        k = ks[INTERCEPT]
        j = plan.rows[k]
        jac[:n_th, k] = (th_of_item[:, None] == j[None, :]) * (-s[j])[None, :]
    if SCALE in ks:
        k = ks[SCALE]
        jac[:, k] = d_s[:, plan.rows[k]]
    if RESIDUAL in ks:
        k = ks[RESIDUAL]
        j = plan.rows[k]
        jac[:, k] = d_s[:, j] * ds_dv[j][None, :]
    for kind in (FACTOR_VAR, FACTOR_COV):
        if kind not in ks:
            continue
        k = ks[kind]
        f, h = plan.rows[k], plan.cols[k]
        same = (f == h)[None, :]
        cross = gp.lam[rows][:, f] * gp.lam[cols][:, h]
        cross = np.where(same, cross, cross + gp.lam[rows][:, h] * gp.lam[cols][:, f])
        jac[cor, k] = ss[:, None] * cross
        if theta_par:
            dv = gp.lam[:, f] * gp.lam[:, h] * np.where(same, 1.0, 2.0)
            jac[:, k] += d_s @ (ds_dv[:, None] * dv)
    if LATENT_MEAN in ks:
        k = ks[LATENT_MEAN]
        jac[:n_th, k] = -gp.lam[th_item][:, plan.rows[k]] * s[th_item][:, None]
    return moments, jac

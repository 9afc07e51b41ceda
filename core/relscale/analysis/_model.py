"""The parameter table of a (multi-group) CFA, laid out the way lavaan lays it out.

Each group has its own copy of every parameter (the "full" parameter vector, lavaan's
``x``); equality constraints across groups make several full parameters share one
estimated value (the "reduced" vector that is actually optimised). Score tests work in the
full space with the constraints as rows of ``R`` (lavaan's ``con.jac``).

Identification is lavaan's default (``"marker"``): the first item of every factor is its
marker (loading fixed to 1), factor variances and covariances are free, residual variances
are free, intercepts are free, latent means are fixed to 0 (free in groups 2..G when
intercepts are constrained equal, as with ``group.equal = c("loadings", "intercepts")``).
With ``"std.lv"`` (lavaan's ``std.lv = TRUE``) every loading is free and the factor
variances are fixed to 1 -- in the first group only once loadings are constrained equal
(lavaan frees them in groups 2..G then), so no single item's loading sets the scale.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from relscale.i18n import _

from .errors import AnalysisError

LOADING = "loading"
INTERCEPT = "intercept"
RESIDUAL = "residual"
ALL_GROUPS = -1
"""The group of a release that frees the parameter in every group (lavaan's group.partial)."""
EQUAL_OF_KIND = {LOADING: "loadings", INTERCEPT: "intercepts", RESIDUAL: "residuals"}


@dataclass(frozen=True)
class MeasurementModel:
    """Items, factors and which factor each item measures (in item order)."""

    items: tuple[str, ...]
    factors: tuple[str, ...]
    factor_of: tuple[int, ...]

    @property
    def markers(self) -> tuple[int, ...]:
        """Index of the marker item (first item) of each factor."""
        return tuple(self.factor_of.index(f) for f in range(len(self.factors)))


def measurement_model(items: Sequence[str], factors: Mapping[str, str]) -> MeasurementModel:
    """Check an item -> factor mapping and fix the factor order (order of first item)."""
    items = tuple(items)
    if len(set(items)) != len(items):
        dup = next(it for it in items if items.count(it) > 1)
        raise AnalysisError(_("item {item!r} appears twice in the item list").format(item=dup))
    missing = [it for it in items if it not in factors]
    if missing:
        raise AnalysisError(_("item {item!r} has no factor in the item -> factor mapping").format(
            item=missing[0]))
    names: list[str] = []
    for it in items:
        if factors[it] not in names:
            names.append(factors[it])
    factor_of = tuple(names.index(factors[it]) for it in items)
    for f, name in enumerate(names):
        k = factor_of.count(f)
        if k < 2 or (k < 3 and len(names) == 1):
            raise AnalysisError(_(
                "factor {factor!r} has only {k} item(s); a factor needs at least 3 items "
                "(2 when it correlates with other factors)").format(factor=name, k=k))
    return MeasurementModel(items, tuple(names), factor_of)


@dataclass(frozen=True)
class Param:
    """One free parameter of one group (an element of the full vector)."""

    group: int
    kind: str  # loading | factor_cov | residual | intercept | latent_mean
    row: int
    col: int
    label: str  # parameters sharing a label are constrained equal


@dataclass
class Layout:
    """Free parameters of all groups, their constraints and reduced-space mapping."""

    model: MeasurementModel
    n_groups: int
    meanstructure: bool
    params: list[Param]
    reduced_of_full: np.ndarray  # full index -> reduced index
    n_reduced: int
    constraints: list[tuple[int, int]]  # (full index in group 1, full index in group g)
    identification: str = "marker"

    def group_slice(self, g: int) -> np.ndarray:
        return np.array([i for i, p in enumerate(self.params) if p.group == g], dtype=int)

    def expand(self, theta: np.ndarray) -> np.ndarray:
        return theta[self.reduced_of_full]

    def describe(self, full_index: int) -> tuple[str, str]:
        """(item, parameter kind) of a loading, intercept or residual full parameter."""
        p = self.params[full_index]
        return self.model.items[p.row], p.kind


Release = tuple[str, str, int]
"""(item, "loading" | "intercept" | "residual", group index >= 1, or ALL_GROUPS)."""


def build_layout(
    model: MeasurementModel,
    n_groups: int,
    *,
    equal: Collection[str] = (),
    meanstructure: bool = False,
    released: Collection[Release] = (),
    identification: str = "marker",
) -> Layout:
    """Parameters of a CFA in ``n_groups`` groups.

    :param equal: ``"loadings"``, ``"intercepts"`` and/or ``"residuals"`` (lavaan's
        ``group.equal``).
    :param released: constraints freed for partial invariance. ``(item, kind,
        ALL_GROUPS)`` is lavaan's ``group.partial``: the parameter is free in every group;
        ``(item, kind, g)`` frees it in group ``g`` only (no longer equal to group 1's).
    :param identification: ``"marker"`` (lavaan's default) or ``"std.lv"``.
    """
    if identification not in ("marker", "std.lv"):
        raise ValueError(f"identification must be 'marker' or 'std.lv', not {identification!r}")
    m, p = len(model.factors), len(model.items)
    markers = set(model.markers) if identification == "marker" else set()
    latent_means_free = "intercepts" in equal
    variances_free = identification == "marker" or "loadings" in equal
    if latent_means_free and not meanstructure:
        raise ValueError("equal intercepts need the mean structure")
    params: list[Param] = []
    for g in range(n_groups):

        def label(kind: str, item: int, g: int = g) -> str:
            name = f"{kind}:{model.items[item]}"
            key = model.items[item]
            if EQUAL_OF_KIND[kind] in equal and (key, kind, g) not in released \
                    and (key, kind, ALL_GROUPS) not in released:
                return name
            return f"g{g}:{name}"

        for i in range(p):
            if i not in markers:
                params.append(Param(g, LOADING, i, model.factor_of[i], label(LOADING, i)))
        for f in range(m):
            for h in range(f, m):
                if f == h and not (variances_free and (identification == "marker" or g > 0)):
                    continue  # std.lv: variance fixed to 1
                params.append(Param(g, "factor_cov", f, h, f"g{g}:phi:{f}:{h}"))
        for i in range(p):
            params.append(Param(g, RESIDUAL, i, i, label(RESIDUAL, i)))
        if meanstructure:
            for i in range(p):
                params.append(Param(g, INTERCEPT, i, 0, label(INTERCEPT, i)))
            if latent_means_free and g > 0:
                for f in range(m):
                    params.append(Param(g, "latent_mean", f, 0, f"g{g}:alpha:{f}"))
    labels: dict[str, int] = {}
    first_of: dict[str, int] = {}
    reduced = np.empty(len(params), dtype=int)
    constraints: list[tuple[int, int]] = []
    for k, prm in enumerate(params):
        if prm.label not in labels:
            labels[prm.label] = len(labels)
            first_of[prm.label] = k
        else:
            constraints.append((first_of[prm.label], k))
        reduced[k] = labels[prm.label]
    # lavaan orders its "==" rows by parameter (group 1's .pN.) then group
    constraints.sort()
    return Layout(model, n_groups, meanstructure, params, reduced, len(labels), constraints,
                  identification)


@dataclass
class GroupMatrices:
    lam: np.ndarray
    phi: np.ndarray
    theta: np.ndarray  # residual variances (diagonal)
    nu: np.ndarray
    alpha: np.ndarray

    def sigma(self) -> np.ndarray:
        return self.lam @ self.phi @ self.lam.T + np.diag(self.theta)

    def mu(self) -> np.ndarray:
        return self.nu + self.lam @ self.alpha


def group_matrices(layout: Layout, g: int, x_full: np.ndarray) -> GroupMatrices:
    """The model matrices of group ``g`` from the full parameter vector."""
    model = layout.model
    p, m = len(model.items), len(model.factors)
    lam = np.zeros((p, m))
    if layout.identification == "marker":
        for f, i in enumerate(model.markers):
            lam[i, f] = 1.0
    phi = np.eye(m)  # std.lv: a variance that is no parameter is fixed to 1
    theta = np.zeros(p)
    nu = np.zeros(p)
    alpha = np.zeros(m)
    for k in layout.group_slice(g):
        prm, v = layout.params[k], x_full[k]
        if prm.kind == LOADING:
            lam[prm.row, prm.col] = v
        elif prm.kind == "factor_cov":
            phi[prm.row, prm.col] = phi[prm.col, prm.row] = v
        elif prm.kind == RESIDUAL:
            theta[prm.row] = v
        elif prm.kind == INTERCEPT:
            nu[prm.row] = v
        else:
            alpha[prm.row] = v
    return GroupMatrices(lam, phi, theta, nu, alpha)

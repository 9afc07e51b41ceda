"""The parameter table of a (multi-group) CFA, laid out the way lavaan lays it out.

Each group has its own copy of every parameter (the "full" parameter vector, lavaan's
``x``); equality constraints across groups make several full parameters share one
estimated value (the "reduced" vector that is actually optimised). Score tests work in the
full space with the constraints as rows of ``R`` (lavaan's ``con.jac``).

Identification is lavaan's default: the first item of every factor is its marker (loading
fixed to 1), factor variances and covariances are free, residual variances are free,
intercepts are free, latent means are fixed to 0 (free in groups 2..G when intercepts are
constrained equal, as with ``group.equal = c("loadings", "intercepts")``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import AnalysisError

LOADING = "loading"
INTERCEPT = "intercept"


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
        raise AnalysisError(f"item {dup!r} appears twice in the item list")
    missing = [it for it in items if it not in factors]
    if missing:
        raise AnalysisError(f"item {missing[0]!r} has no factor in the item -> factor mapping")
    names: list[str] = []
    for it in items:
        if factors[it] not in names:
            names.append(factors[it])
    factor_of = tuple(names.index(factors[it]) for it in items)
    for f, name in enumerate(names):
        k = factor_of.count(f)
        if k < 2 or (k < 3 and len(names) == 1):
            raise AnalysisError(
                f"factor {name!r} has only {k} item(s); a factor needs at least 3 items "
                f"(2 when it correlates with other factors)"
            )
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

    def group_slice(self, g: int) -> np.ndarray:
        return np.array([i for i, p in enumerate(self.params) if p.group == g], dtype=int)

    def expand(self, theta: np.ndarray) -> np.ndarray:
        return theta[self.reduced_of_full]

    def describe(self, full_index: int) -> tuple[str, str]:
        """(item, parameter kind) of a loading or intercept full parameter."""
        p = self.params[full_index]
        return self.model.items[p.row], p.kind


Release = tuple[str, str, int]  # (item, "loading" | "intercept", group index >= 1)


def build_layout(
    model: MeasurementModel,
    n_groups: int,
    *,
    equal: Collection[str] = (),
    meanstructure: bool = False,
    released: Collection[Release] = (),
) -> Layout:
    """Parameters of a CFA in ``n_groups`` groups.

    :param equal: ``"loadings"`` and/or ``"intercepts"`` (lavaan's ``group.equal``).
    :param released: constraints freed for partial invariance (lavaan's
        ``group.partial``, but per group: the parameter of that item in group ``g`` no
        longer equals group 1's).
    """
    m, p = len(model.factors), len(model.items)
    markers = set(model.markers)
    latent_means_free = "intercepts" in equal
    if latent_means_free and not meanstructure:
        raise ValueError("equal intercepts need the mean structure")
    params: list[Param] = []
    for g in range(n_groups):

        def label(kind: str, item: int, shared: bool, g: int = g) -> str:
            name = f"{kind}:{model.items[item]}"
            if shared and (model.items[item], kind, g) not in released:
                return name
            return f"g{g}:{name}"

        for i in range(p):
            if i not in markers:
                shared = "loadings" in equal
                params.append(Param(g, LOADING, i, model.factor_of[i], label(LOADING, i, shared)))
        for f in range(m):
            for h in range(f, m):
                params.append(Param(g, "factor_cov", f, h, f"g{g}:phi:{f}:{h}"))
        for i in range(p):
            params.append(Param(g, "residual", i, i, f"g{g}:theta:{i}"))
        if meanstructure:
            for i in range(p):
                shared = "intercepts" in equal
                params.append(Param(g, INTERCEPT, i, 0, label(INTERCEPT, i, shared)))
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
    return Layout(model, n_groups, meanstructure, params, reduced, len(labels), constraints)


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
    for f, i in enumerate(model.markers):
        lam[i, f] = 1.0
    phi = np.zeros((m, m))
    theta = np.zeros(p)
    nu = np.zeros(p)
    alpha = np.zeros(m)
    for k in layout.group_slice(g):
        prm, v = layout.params[k], x_full[k]
        if prm.kind == LOADING:
            lam[prm.row, prm.col] = v
        elif prm.kind == "factor_cov":
            phi[prm.row, prm.col] = phi[prm.col, prm.row] = v
        elif prm.kind == "residual":
            theta[prm.row] = v
        elif prm.kind == INTERCEPT:
            nu[prm.row] = v
        else:
            alpha[prm.row] = v
    return GroupMatrices(lam, phi, theta, nu, alpha)

"""The estimator contract: one entry point per fitted model, whatever the estimator.

The invariance procedure (:mod:`relscale.analysis.invariance`), the CFA and the command
line talk to estimators only through this module:

- :class:`FitOptions` says how to fit (estimator, missing-data handling, clustering,
  identification);
- :func:`prepare` turns raw per-group data (NaN for missing, before any deletion) into what
  the estimator needs (moments, polychoric correlations, ...), once for all levels;
- :func:`fit_level` fits one invariance level (``configural``, ``thresholds``, ``metric``,
  ``scalar``, ``strict``) with some parameters released, and returns a :class:`LevelFit`:
  fit measures, warnings, score tests of the equality constraints and the latent means and
  variances per group with standard errors;
- :func:`difference_test` compares two nested :class:`LevelFit` (standard, Satorra-Bentler
  2001 or Satorra 2000 depending on the estimator);
- :func:`fit_cfa` fits a single-group CFA and returns a
  :class:`relscale.analysis.cfa.CfaResult`.

**Adding an estimator.** Each estimator is a module named in :data:`BACKENDS` (imported
only when used, so ``relscale --help`` stays fast) that defines::

    prepare(model, groups, options) -> Prepared
    fit_level(prepared, level, released) -> LevelFit
    difference_test(restricted, free) -> DifferenceTest
    fit_cfa(data, items, factors, options) -> CfaResult

and lists the ``(missing, levels)`` it supports in ``SUPPORTS``. Until a module is named,
asking for its estimator raises an :class:`AnalysisError` saying it is not available.

A release ``(item, parameter, group)`` frees one parameter; ``group = ALL_GROUPS`` (-1)
frees it in every group (lavaan's ``group.partial``), which is what the partial procedure
uses. ``parameter`` is ``"loading"``, ``"intercept"``, ``"residual"`` or, for ordinal
items, ``"threshold:k"`` (lavaan's ``tk``, k = 1..categories-1).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

import numpy as np

from relscale.i18n import _

from ._model import ALL_GROUPS, MeasurementModel, Release
from .errors import AnalysisError
from .fit import FitMeasures
from .score_tests import ScoreTest

if TYPE_CHECKING:
    from .cfa import CfaResult

Estimator = Literal["ml", "mlr", "wlsmv"]
EstimatorChoice = Literal["auto", "ml", "mlr", "wlsmv"]
Missing = Literal["listwise", "fiml", "pairwise"]
Identification = Literal["marker", "std.lv"]
Level = Literal["configural", "thresholds", "metric", "scalar", "strict"]

ESTIMATORS: tuple[str, ...] = get_args(Estimator)
MISSING: tuple[str, ...] = get_args(Missing)
IDENTIFICATIONS: tuple[str, ...] = get_args(Identification)
LEVELS: tuple[str, ...] = get_args(Level)
ORDINAL_BELOW = 5
"""``auto`` treats items with fewer categories than this as ordinal (wlsmv)."""

__all__ = [
    "ALL_GROUPS",
    "BACKENDS",
    "DifferenceTest",
    "FitOptions",
    "LatentStat",
    "LevelFit",
    "Prepared",
    "RawGroup",
    "available",
    "choose_estimator",
    "default_missing",
    "difference_test",
    "fit_cfa",
    "fit_level",
    "levels_for",
    "prepare",
]


@dataclass(frozen=True, eq=False)
class FitOptions:
    """How to fit: lavaan's ``estimator``, ``missing``, ``cluster`` and ``std.lv``."""

    estimator: Estimator = "ml"
    missing: Missing = "listwise"
    cluster: Sequence[np.ndarray] | None = None
    """Per group: the cluster id of every row (before any deletion), or None."""
    identification: Identification = "marker"
    max_iter: int = 1000

    def describe(self) -> dict[str, Any]:
        """The choices as JSON (``estimator``, ``missing``, ``clustered``, ``identification``)."""
        return {"estimator": self.estimator, "missing": self.missing,
                "clustered": self.cluster is not None, "identification": self.identification}


@dataclass(frozen=True)
class RawGroup:
    """One group's answers: respondents x items in model order, NaN for missing."""

    name: str
    x: np.ndarray


@dataclass
class Prepared:
    """Data made ready once for every level of one estimator (see :func:`prepare`)."""

    model: MeasurementModel
    names: tuple[str, ...]
    options: FitOptions
    n: tuple[int, ...]
    """Respondents used per group."""
    n_excluded: tuple[int, ...]
    """Respondents left out per group (listwise deletion; 0 with fiml or pairwise)."""
    data: Any
    """The estimator's own (e.g. a list of GroupData for ml)."""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LatentStat:
    """A factor's mean and variance in one group, with standard errors (None when fixed)."""

    group: str
    factor: str
    mean: float
    mean_se: float | None
    variance: float
    variance_se: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class DifferenceTest:
    """A nested-model chi-square difference test (lavaan's ``lavTestLRT``)."""

    chisq: float
    df: int
    p_value: float
    method: str  # standard | satorra.bentler.2001 | satorra.2000

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class LevelFit(Protocol):
    """One fitted invariance level (what every estimator's :func:`fit_level` returns)."""

    level: str
    released: tuple[Release, ...]
    options: FitOptions
    fit: FitMeasures
    warnings: list[str]
    """One line each: "improper solution: ...", non-convergence notes, ..."""

    def score_tests(self, group_names: Sequence[str]) -> list[ScoreTest]:
        """Univariate score tests of every equality constraint, largest first
        (``lavTestScore(fit)$uni``)."""
        ...

    def joint_score_test(self, item: str, parameter: str) -> tuple[float, int] | None:
        """The multivariate score test (x2, df) of all constraints of one parameter
        (``lavTestScore(fit, release = rows)$test``), or None when the estimator has no
        multivariate test (the procedure then sums the univariate ones)."""
        ...

    def latent(self, group_names: Sequence[str]) -> list[LatentStat]:
        """Latent means and variances per group and factor, with standard errors."""
        ...


BACKENDS: dict[str, str | None] = {
    "ml": "relscale.analysis._ml_fit",
    "mlr": "relscale.analysis._mlr_fit",
    "wlsmv": "relscale.analysis._wlsmv_fit",
}
"""Estimator -> the module implementing it (None: not available in this build)."""


def available(estimator: str, missing: str | None = None) -> bool:
    """Is the estimator (with this missing-data handling) available in this build?"""
    module = BACKENDS.get(estimator)
    if module is None:
        return False
    return missing is None or missing in importlib.import_module(module).SUPPORTS["missing"]


def _backend(estimator: str) -> Any:
    if estimator not in BACKENDS:
        raise AnalysisError(_("unknown estimator {estimator!r} (choose from: {choices})").format(
            estimator=estimator, choices=", ".join(ESTIMATORS)))
    module = BACKENDS[estimator]
    if module is None:
        raise AnalysisError(_("estimator {estimator!r} is not available yet in this version "
                              "of relscale; use 'ml'").format(estimator=estimator))
    return importlib.import_module(module)


def check_options(options: FitOptions, level: str | None = None) -> None:
    """Refuse combinations the estimator does not support, in one line."""
    backend = _backend(options.estimator)
    if options.missing not in MISSING:
        raise AnalysisError(_("unknown missing-data handling {missing!r} (choose from: "
                              "{choices})").format(missing=options.missing,
                                                   choices=", ".join(MISSING)))
    if options.identification not in IDENTIFICATIONS:
        raise AnalysisError(_("unknown identification {identification!r} (choose from: "
                              "{choices})").format(identification=options.identification,
                                                   choices=", ".join(IDENTIFICATIONS)))
    supports: Mapping[str, Any] = backend.SUPPORTS
    if options.missing not in supports["missing"]:
        raise AnalysisError(_("missing={missing!r} is not available with estimator "
                              "{estimator!r} in this version of relscale (available: "
                              "{choices})").format(missing=options.missing,
                                                   estimator=options.estimator,
                                                   choices=", ".join(supports["missing"])))
    if options.cluster is not None and not supports.get("cluster", False):
        raise AnalysisError(_("clustered data need estimator 'mlr' (cluster-robust standard "
                              "errors and chi-square), not {estimator!r}").format(
                                  estimator=options.estimator))
    if level is not None and level not in supports["levels"]:
        raise AnalysisError(_("the {level!r} level is not available with estimator "
                              "{estimator!r}").format(level=level, estimator=options.estimator))


def levels_for(options: FitOptions) -> tuple[str, ...]:
    """The invariance levels the estimator fits (``thresholds`` only for ordinal ones)."""
    return tuple(_backend(options.estimator).SUPPORTS["levels"])


def prepare(model: MeasurementModel, groups: Sequence[RawGroup],
            options: FitOptions = FitOptions()) -> Prepared:
    """Check the options and prepare the data of every group once (for every level)."""
    check_options(options)
    if options.cluster is not None and len(options.cluster) != len(groups):
        raise ValueError("FitOptions.cluster needs one array of cluster ids per group")
    return _backend(options.estimator).prepare(model, groups, options)  # type: ignore[no-any-return]


def fit_level(
    model: MeasurementModel,
    groups: Sequence[RawGroup] | Prepared,
    level: str,
    released: Sequence[Release] = (),
    *,
    options: FitOptions | None = None,
) -> LevelFit:
    """Fit one invariance level (lavaan's ``group.equal`` ladder) with ``released``
    parameters free.

    :param groups: raw groups, or the :class:`Prepared` data of :func:`prepare` (then
        ``options`` defaults to the prepared ones).
    :raises AnalysisError: the level or options are not available for the estimator, the
        data are degenerate, or the model does not converge or is not identified.
    """
    if isinstance(groups, Prepared):
        prepared = groups
        if options is not None and options is not prepared.options:
            raise ValueError("fit_level: options differ from the prepared data's options")
    else:
        prepared = prepare(model, groups, options or FitOptions())
    if level not in LEVELS:
        raise AnalysisError(_("unknown invariance level {level!r} (choose from: "
                              "{choices})").format(level=level, choices=", ".join(LEVELS)))
    check_options(prepared.options, level)
    backend = _backend(prepared.options.estimator)
    return backend.fit_level(prepared, level, tuple(released))  # type: ignore[no-any-return]


def difference_test(restricted: LevelFit, free: LevelFit) -> DifferenceTest:
    """The chi-square difference test of two nested levels fitted with the same options:
    ``"standard"`` for ml, ``"satorra.bentler.2001"`` for mlr, ``"satorra.2000"`` for wlsmv
    (as ``lavTestLRT``)."""
    if restricted.options.estimator != free.options.estimator:
        raise ValueError("difference_test: the two models use different estimators")
    backend = _backend(restricted.options.estimator)
    return backend.difference_test(restricted, free)  # type: ignore[no-any-return]


def fit_cfa(data: Any, items: Sequence[str], factors: Mapping[str, str],
            options: FitOptions = FitOptions()) -> CfaResult:
    """A single-group CFA with ``options`` (see :func:`relscale.analysis.cfa.fit_cfa`)."""
    check_options(options, "configural")
    return _backend(options.estimator).fit_cfa(  # type: ignore[no-any-return]
        data, items, factors, options)


def count_categories(groups: Sequence[RawGroup]) -> list[int]:
    """Distinct answers per item (model order) over all groups, NaN not counted."""
    x = np.vstack([g.x for g in groups])
    return [int(np.unique(col[~np.isnan(col)]).size) for col in x.T]


def choose_estimator(
    choice: str,
    groups: Sequence[RawGroup],
    items: Sequence[str],
    *,
    scale_points: int | None = None,
    clustered: bool = False,
) -> tuple[Estimator, str]:
    """Resolve ``"auto"`` (else check ``choice``) and say why, in one line.

    ``auto`` picks ``wlsmv`` when any item has fewer than five categories (the response
    scale's points when known, else the answers seen), ``mlr`` for clustered data, and
    ``ml`` otherwise (Rhemtulla, Brosseau-Liard & Savalei, 2012).
    """
    if choice != "auto":
        if choice not in ESTIMATORS:
            raise AnalysisError(_("unknown estimator {estimator!r} (choose from: "
                                  "{choices})").format(
                                      estimator=choice, choices=", ".join(("auto", *ESTIMATORS))))
        return choice, _("estimator {estimator} (as asked)").format(  # type: ignore[return-value]
            estimator=choice)
    if scale_points is not None:
        fewest = scale_points
        where = _("the response scale has {n} points").format(n=scale_points)
    else:
        counts = count_categories(groups)
        j = min(range(len(items)), key=lambda k: counts[k])
        fewest = counts[j]
        where = _("item {item!r} has {n} categories").format(item=items[j], n=fewest)
    if fewest < ORDINAL_BELOW:
        return "wlsmv", _("estimator wlsmv (ordinal items: {why}, fewer than {k})").format(
            why=where, k=ORDINAL_BELOW)
    if clustered:
        return "mlr", _("estimator mlr ({why}; clustered data need robust ML)").format(why=where)
    return "ml", _("estimator ml ({why}: treated as continuous)").format(why=where)


def default_missing(estimator: str, groups: Sequence[RawGroup]) -> Missing:
    """lavaan's choice for data with gaps: fiml for ml/mlr, pairwise for wlsmv; listwise
    (the same as fiml on complete data, and faster) when nothing is missing."""
    if estimator == "wlsmv":
        return "pairwise"
    gaps = any(bool(np.isnan(g.x).any()) for g in groups)
    return "fiml" if gaps else "listwise"

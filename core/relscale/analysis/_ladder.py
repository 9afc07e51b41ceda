"""The invariance ladder with the partial procedure, independent of row and group order.

Levels are tested in order (configural, thresholds for ordinal items, metric, scalar and
optionally strict); each is compared with the last level that held (with the parameters
freed so far). When a level fails, the partial procedure frees one parameter at a time:

- a freed parameter is free in *every* group (lavaan's ``group.partial``), so which group
  comes first cannot matter;
- the parameter freed is the one whose constraints have the largest joint score test
  (``lavTestScore(fit, release = <that parameter's rows>)``, df = groups - 1), which does
  not depend on the reference group either (ties: the instrument's item order);
- it is freed only while the criterion rejects *and* that largest test is significant
  after Holm's correction for the number of constraints of the level (the j-th release is
  tested at alpha / (n - j)), and never beyond half of the level's constraints or below
  two constrained items per factor: past that, the level "does not hold, even partially";
- an item whose loading was freed has its intercept freed in the scalar model as well (an
  intercept equality under unequal loadings depends on the latent origin, i.e. on which
  group is the reference, so keeping it would make the result depend on group order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from relscale.i18n import _

from ._chi2 import chi2_sf
from ._compare import Comparison, Criterion, compare, configural_fits, srmr_cutoff
from ._messages import num
from ._model import ALL_GROUPS, Release
from .estimators import LevelFit, Prepared, difference_test, fit_level

KIND_OF_LEVEL = {"thresholds": "threshold", "metric": "loading", "scalar": "intercept",
                 "strict": "residual"}
PER_FACTOR_MIN = 2
"""Constrained items a factor keeps (loadings, intercepts); a marker counts as one."""


@dataclass(frozen=True)
class ParameterTest:
    """The joint score test of one parameter's equality across all groups."""

    item: str
    parameter: str
    x2: float
    df: int
    p_value: float
    holm_alpha: float

    def to_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["group"] = "all"
        return out


@dataclass(frozen=True)
class PartialStep:
    """One parameter freed by the partial procedure and the comparison after freeing."""

    level: str
    test: ParameterTest
    fit: LevelFit
    comparison: Comparison


@dataclass
class LevelOutcome:
    """How one level came out: holds (with or without freed parameters) or fails."""

    level: str
    holds: bool
    released: tuple[Release, ...]  # freed at this level
    fit: LevelFit  # the last model fitted at this level
    comparison: Comparison | None  # that model against the previous level
    reason: str = ""  # why it fails: "criterion", "holm", "half", "per_factor", "fit"


@dataclass
class Ladder:
    """The outcome of every level reached, the steps, and the model to read latent
    means from."""

    outcomes: list[LevelOutcome]
    steps: list[PartialStep]
    released: list[Release]
    warnings: list[str] = field(default_factory=list)

    @property
    def final(self) -> LevelOutcome | None:
        """The highest level that holds (fully or partially)."""
        held = [o for o in self.outcomes if o.holds]
        return held[-1] if held else None

    def outcome(self, level: str) -> LevelOutcome | None:
        return next((o for o in self.outcomes if o.level == level), None)


def _kind(parameter: str) -> str:
    return parameter.split(":")[0]


def _candidates(fit: LevelFit, level: str, released: Sequence[Release],
                names: Sequence[str]) -> list[tuple[str, str]]:
    """(item, parameter) of every constraint this level adds that is still in force."""
    kind = KIND_OF_LEVEL[level]
    freed = {(it, p) for it, p, _ in released}
    seen: dict[tuple[str, str], None] = {}
    for t in fit.score_tests(names):
        key = (t.item, t.parameter)
        if _kind(t.parameter) == kind and key not in freed:
            seen[key] = None
    return list(seen)


def _per_factor_ok(prepared: Prepared, item: str, parameter: str,
                   released: Sequence[Release]) -> bool:
    """Freeing ``parameter`` of ``item`` keeps two constrained items in its factor (the
    marker's fixed loading counts for loadings under marker identification)."""
    if parameter not in ("loading", "intercept"):
        return True
    model = prepared.model
    f = model.factor_of[model.items.index(item)]
    members = [it for it, ff in zip(model.items, model.factor_of, strict=True) if ff == f]
    freed = {it for it, p, _ in released if p == parameter} | {item}
    return len([it for it in members if it not in freed]) >= PER_FACTOR_MIN


def _joint(fit: LevelFit, item: str, parameter: str, names: Sequence[str]) -> tuple[float, int]:
    joint = fit.joint_score_test(item, parameter)
    if joint is not None:
        return joint
    uni = [t for t in fit.score_tests(names) if (t.item, t.parameter) == (item, parameter)]
    return sum(t.x2 for t in uni), len(uni)


def _ranked(fit: LevelFit, cands: Sequence[tuple[str, str]], names: Sequence[str],
            order: Sequence[str]) -> list[tuple[float, int, float, str, str]]:
    rows = []
    for item, parameter in cands:
        x2, df = _joint(fit, item, parameter, names)
        rows.append((x2, df, chi2_sf(x2, df), item, parameter))
    # largest statistic first; ties in the instrument's item order (never the data's)
    rows.sort(key=lambda r: (-round(r[0], 9), order.index(r[3]), r[4]))
    return rows


def marker_problem(prepared: Prepared, released: Sequence[Release], names: Sequence[str],
                   alpha: float) -> list[str]:
    """Under marker identification: the factors whose marker item is the non-invariant
    one, judged under std.lv (where the marker's loading has its own constraint)."""
    if prepared.options.identification != "marker":
        return []
    alt = replace(prepared, options=replace(prepared.options, identification="std.lv"))
    fit = fit_level(prepared.model, alt, "metric", released)
    cands = _candidates(fit, "metric", released, names)
    if not cands:
        return []
    ranked = _ranked(fit, cands, names, prepared.model.items)
    model = prepared.model
    out = []
    for f, marker in enumerate(model.markers):
        members = [r for r in ranked if model.factor_of[model.items.index(r[3])] == f]
        if members and members[0][3] == model.items[marker] \
                and members[0][2] < alpha / len(ranked):
            out.append(_(
                "the marker item {item!r} of factor {factor!r} is the non-invariant one (score "
                "test {x2}, p = {p}): with its loading fixed to 1 in every group the other "
                "loadings look non-invariant instead; use --identification std.lv").format(
                    item=model.items[marker], factor=model.factors[f],
                    x2=num(members[0][0], ".1f"), p=num(members[0][2], ".3g")))
    return out


def run_ladder(
    prepared: Prepared,
    levels: Sequence[str],
    criterion: Criterion,
    alpha: float,
    partial: bool,
    fits: dict[tuple[str, tuple[Release, ...]], LevelFit] | None = None,
) -> Ladder:
    """Test ``levels`` (the first is configural) in order, freeing parameters as needed.

    ``fits`` caches models by (level, released) across calls (one per criterion)."""
    cache = {} if fits is None else fits
    names = list(prepared.names)
    order = list(prepared.model.items)

    def fitted(level: str, rel: Sequence[Release]) -> LevelFit:
        key = (level, tuple(rel))
        if key not in cache:
            cache[key] = fit_level(prepared.model, prepared, level, rel)
        return cache[key]

    conf = fitted(levels[0], ())
    ladder = Ladder([LevelOutcome(levels[0], configural_fits(conf.fit), (), conf, None,
                                  "" if configural_fits(conf.fit) else "fit")], [], [])
    if not ladder.outcomes[0].holds:
        return ladder
    base = conf
    released: list[Release] = []
    for level in levels[1:]:
        cut = srmr_cutoff(level)

        def judge(fit: LevelFit, base: LevelFit = base, cut: float = cut) -> Comparison:
            return compare(fit.fit, base.fit, criterion, alpha,
                           test=difference_test(fit, base), cutoff=cut)

        # An item whose loading differs keeps its intercept free too: an equal intercept
        # under unequal loadings depends on where the latent origin is (the reference
        # group), so without this the result would depend on the order of the groups.
        carried: list[Release] = []
        if level == "scalar":
            carried = [(it, "intercept", ALL_GROUPS) for it, p, _ in released
                       if p == "loading"]
            released += carried
        current = fitted(level, released)
        cmp = judge(current)
        if level == "metric" and not cmp.holds:
            ladder.warnings += marker_problem(prepared, released, names, alpha)
        here: list[Release] = list(carried)
        reason = "" if cmp.holds else "criterion"
        if not cmp.holds and partial:
            cands = _candidates(current, level, released, names)
            n = len(cands)
            total = n + len(carried)  # the level's constraints, before any release
            while not cmp.holds:
                ranked = [r for r in _ranked(current, _candidates(current, level, released, names),
                                             names, order)
                          if _per_factor_ok(prepared, r[3], r[4], released)]
                if not ranked:
                    reason = "per_factor"
                    break
                x2, df, p, item, parameter = ranked[0]
                holm = alpha / (n - (len(here) - len(carried)))
                if p >= holm:
                    reason = "holm"
                    break
                if len(here) + 1 > total // 2:
                    reason = "half"
                    break
                release = (item, parameter, ALL_GROUPS)
                released.append(release)
                here.append(release)
                current = fitted(level, released)
                cmp = judge(current)
                ladder.steps.append(PartialStep(
                    level, ParameterTest(item, parameter, x2, df, p, holm), current, cmp))
            if cmp.holds:
                reason = ""
        ladder.outcomes.append(LevelOutcome(level, cmp.holds, tuple(here), current, cmp,
                                            reason))
        if not cmp.holds:
            # the releases of a level that fails are not kept for reporting the model
            del released[len(released) - len(here):]
            break
        base = current
    ladder.released = released
    return ladder

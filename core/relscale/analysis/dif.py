"""Item-level differential item functioning for ordinal items, the lordif approach.

For every item three proportional-odds models (``MASS::polr``) are compared, with the
matching criterion (total or rest score) as the ability proxy:

    model 1: item ~ matching
    model 2: item ~ matching + group                  (uniform DIF: 2 vs 1)
    model 3: item ~ matching + group + matching:group (non-uniform DIF: 3 vs 2)

with likelihood-ratio tests 1-2, 2-3 and 1-3, the change in McFadden and Nagelkerke
pseudo-R², and the relative change in the matching coefficient between models 1 and 2.
As lordif does with its ``minCell`` argument, categories answered fewer than ``min_cell``
times in some group are merged with a neighbour before fitting (reported per item).
lordif itself uses IRT ability estimates as the matching criterion by default; relscale
uses the observed total (or rest) score, the classic ordinal logistic regression approach
(Zumbo, 1999), which the R reference reproduces with ``MASS::polr``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy.special import chdtrc

from relscale.i18n import _

from ._ordinal import fit_proportional_odds
from ._threads import single_threaded
from .errors import AnalysisError

Matching = Literal["total", "rest"]
DifCriterion = Literal["chisq", "r2", "beta"]


@dataclass(frozen=True)
class DifItem:
    """The three-model comparison for one item."""

    item: str
    n: int
    categories: list[list[float]]  # the original response values merged into each category
    loglik: tuple[float, float, float, float]  # intercept-only, models 1, 2, 3
    chi12: float
    chi13: float
    chi23: float
    df12: int
    df13: int
    df23: int
    p12: float
    p13: float
    p23: float
    mcfadden: tuple[float, float, float]
    nagelkerke: tuple[float, float, float]
    beta_change: float  # |b1(model 1) - b1(model 2)| / |b1(model 1)|
    flagged: bool
    dif_type: str  # none | uniform | non-uniform | uniform and non-uniform

    @property
    def delta_nagelkerke(self) -> dict[str, float]:
        r1, r2, r3 = self.nagelkerke
        return {"12": r2 - r1, "13": r3 - r1, "23": r3 - r2}

    def to_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["loglik"] = list(self.loglik)
        out["mcfadden"] = list(self.mcfadden)
        out["nagelkerke"] = list(self.nagelkerke)
        out["delta_nagelkerke"] = self.delta_nagelkerke
        return out


@dataclass
class DifResult:
    groups: dict[str, int]
    matching: str
    criterion: str
    alpha: float
    items: list[DifItem]
    notes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # items the matching score is built from
    rounds: int = 1  # purification rounds

    @property
    def flagged(self) -> list[str]:
        return [it.item for it in self.items if it.flagged]

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": dict(self.groups),
            "matching": self.matching,
            "criterion": self.criterion,
            "alpha": self.alpha,
            "flagged": self.flagged,
            "items": [it.to_dict() for it in self.items],
            "notes": list(self.notes),
            "anchors": list(self.anchors),
            "rounds": self.rounds,
        }


def value_codes(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``y`` in increasing order and each row's index into them
    (``np.unique(y, return_inverse=True)``; by counting, without a sort, when the values
    are integers in a small range, as answers and sums of answers are)."""
    y = np.asarray(y, dtype=float)
    lo, hi = float(y.min()), float(y.max())
    if hi - lo <= 100_000 and np.all(y == np.floor(y)):
        offset = (y - lo).astype(np.intp)
        present = np.bincount(offset) > 0
        lookup = np.cumsum(present) - 1
        return lo + np.flatnonzero(present).astype(float), lookup[offset]
    values, inverse = np.unique(y, return_inverse=True)
    return values, np.asarray(inverse).reshape(-1)


def collapse_categories(
    y: np.ndarray, group: np.ndarray, min_cell: int, item: str
) -> tuple[np.ndarray, list[list[float]]]:
    """Merge sparse categories with a neighbour until every group uses each one ``min_cell``
    times (lordif's ``minCell``). Returns codes 0..K-1 and the values in each code.

    Works on the table of counts per group and answer, so the cost is one pass over ``y``.

    :raises AnalysisError: fewer than two categories would remain.
    """
    values, code = value_codes(y)
    groups = np.asarray(group, dtype=np.intp)
    table = np.bincount(groups * len(values) + code,
                        minlength=(int(groups.max()) + 1) * len(values))
    table = table.reshape(-1, len(values))[np.bincount(groups) > 0]  # groups present
    cats: list[list[int]] = [[v] for v in range(len(values))]

    def counts(c: list[int]) -> int:
        return int(table[:, c].sum(axis=1).min())

    while len(cats) >= 2:
        sparse = [i for i, c in enumerate(cats) if counts(c) < min_cell]
        if not sparse:
            break
        i = min(sparse, key=lambda j: counts(cats[j]))
        if i == 0:
            j = 1
        elif i == len(cats) - 1:
            j = i - 1
        else:
            left, right = cats[i - 1], cats[i + 1]
            j = i - 1 if table[:, left].sum() <= table[:, right].sum() else i + 1
        lo, hi = sorted((i, j))
        cats[lo:hi + 1] = [cats[lo] + cats[hi]]
    if len(cats) < 2:
        raise AnalysisError(_(
            "item {item!r}: fewer than 2 response categories are used at least {k} times in "
            "every group; DIF cannot be estimated").format(item=item, k=min_cell))
    merged = np.empty(len(values), dtype=int)
    for k, c in enumerate(cats):
        merged[c] = k
    return merged[code], [[float(values[v]) for v in c] for c in cats]


@single_threaded
def dif(
    data_by_group: Mapping[str, Any],
    items: Sequence[str],
    *,
    matching: Matching | np.ndarray = "total",
    criterion: DifCriterion = "chisq",
    alpha: float = 0.01,
    r2_change: float = 0.02,
    beta_change: float = 0.10,
    min_cell: int = 5,
    purify: bool = True,
    max_purify: int = 10,
) -> DifResult:
    """Ordinal logistic regression DIF for every item (lordif's three models).

    :param data_by_group: group name -> respondents x items (NaN for missing; respondents
        missing any item are left out, as the matching score needs every item).
    :param matching: ``"total"`` (sum of all items), ``"rest"`` (total minus the item), or
        one value per retained respondent in group order.
    :param purify: lordif's iterative purification: recompute the total/rest score from
        the items not flagged (plus the studied item for ``"total"``) and refit until the
        flagged set is stable (at most ``max_purify`` rounds).
    :param criterion: lordif's flagging rule: ``"chisq"`` (any of the three LR tests has
        p < ``alpha``), ``"r2"`` (a Nagelkerke R² change ≥ ``r2_change``) or ``"beta"``
        (the matching coefficient changes by ≥ ``beta_change`` relative).
    :raises AnalysisError: fewer than 2 groups, too few respondents, an item whose
        categories cannot be kept apart, or a model that does not converge (naming it).
    """
    names = list(data_by_group)
    if len(names) < 2:
        raise AnalysisError(_("DIF needs at least 2 groups, got {n}").format(n=len(names)))
    blocks, group_codes, counts = [], [], {}
    for gi, name in enumerate(names):
        x = np.array(data_by_group[name], dtype=float)
        if x.ndim != 2 or x.shape[1] != len(items):
            raise AnalysisError(_("group {group!r}: expected {k} item columns, got shape "
                                  "{shape}").format(group=name, k=len(items), shape=x.shape))
        x = x[~np.isnan(x).any(axis=1)]
        if len(x) < 10:
            raise AnalysisError(_("group {group!r}: only {n} respondent(s) answered every "
                                  "item; DIF needs far more (hundreds per group)").format(
                                      group=name, n=len(x)))
        blocks.append(x)
        group_codes.append(np.full(len(x), gi))
        counts[name] = len(x)
    x = np.vstack(blocks)
    group = np.concatenate(group_codes)
    if isinstance(matching, str) and matching not in ("total", "rest"):
        raise AnalysisError(_("matching must be 'total', 'rest' or an array, got "
                              "{matching!r}").format(matching=matching))
    if not isinstance(matching, str):
        custom = np.asarray(matching, dtype=float)
        if custom.shape != (len(x),):
            raise AnalysisError(_("matching: expected {n} values (one per respondent with "
                                  "complete answers), got shape {shape}").format(
                                      n=len(x), shape=custom.shape))
    # an item's answers, merged categories and note are the same in every round
    answers, notes = [], []
    for j, item in enumerate(items):
        codes, cats = collapse_categories(x[:, j], group, min_cell, item)
        answers.append((codes, cats))
        if any(len(c) > 1 for c in cats):
            merged = "; ".join("+".join(f"{v:g}" for v in c) for c in cats if len(c) > 1)
            notes.append(_("item {item!r}: sparse categories merged ({merged}) so every group "
                           "uses each category at least {k} times").format(
                               item=item, merged=merged, k=min_cell))
    anchors = np.ones(len(items), dtype=bool)
    rounds = 0
    for rounds in range(1, (max_purify if purify and isinstance(matching, str) else 1) + 1):  # noqa: B007
        results = _all_items(x, group, answers, items, matching, anchors, criterion, alpha,
                             r2_change, beta_change)
        flagged = np.array([it.flagged for it in results])
        if np.array_equal(~flagged, anchors) or flagged.all():
            break
        anchors = ~flagged
    return DifResult(counts, matching if isinstance(matching, str) else "custom", criterion,
                     alpha, results, notes,
                     [it for it, a in zip(items, anchors, strict=True) if a], rounds)


def _patterns(codes: np.ndarray, m: np.ndarray, group: np.ndarray, n_groups: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (answer, matching score, group) of the rows, in increasing order, and
    how many rows each stands for: answer codes, matching scores, groups, counts."""
    levels, m_code = value_codes(m)
    size = (int(codes.max()) + 1) * len(levels) * n_groups
    key = (codes.astype(np.int64) * len(levels) + m_code) * n_groups + group
    if size <= max(10 * len(key), 1 << 20):  # a table of every possible pattern: count
        counts = np.bincount(key, minlength=size)
        keys = np.flatnonzero(counts)
        weight = counts[keys]
    else:
        keys, weight = np.unique(key, return_counts=True)
    per_answer = len(levels) * n_groups
    return (keys // per_answer, levels[(keys // n_groups) % len(levels)], keys % n_groups,
            weight)


def _all_items(
    x: np.ndarray,
    group: np.ndarray,
    answers: Sequence[tuple[np.ndarray, list[list[float]]]],
    items: Sequence[str],
    matching: Matching | np.ndarray,
    anchors: np.ndarray,
    criterion: DifCriterion,
    alpha: float,
    r2_change: float,
    beta_change: float,
) -> list[DifItem]:
    results = []
    n = len(x)
    q = int(group.max())
    anchor_sum = x[:, anchors].sum(axis=1)
    for j, item in enumerate(items):
        codes, cats = answers[j]
        if isinstance(matching, str):
            own = x[:, j] if anchors[j] else 0.0
            m = anchor_sum - own if matching == "rest" else anchor_sum - own + x[:, j]
        else:
            m = np.asarray(matching, dtype=float)
        sd = m.std()
        if sd == 0:
            raise AnalysisError(_("item {item!r}: the matching score is constant").format(
                item=item))
        # The models see a row only through (answer, matching score, group): fit the
        # distinct patterns with their counts as weights (the same likelihood), the
        # matching score standardized (same model space, better conditioned).
        pc, level, pg, weight = _patterns(codes, m, group, q + 1)
        pm = (level - m.mean()) / sd
        pd = (pg[:, None] == np.arange(1, q + 1)[None, :]).astype(float)
        designs = [pm[:, None], np.column_stack([pm, pd]),
                   np.column_stack([pm, pd, pm[:, None] * pd])]
        what = _("item {item!r}").format(item=item)
        fits = [fit_proportional_odds(pc, d, weights=weight, what=what)
                for d in designs]
        freq = np.bincount(codes)
        ll0 = float(np.sum(freq * np.log(freq / n)))
        ll = [f.loglik for f in fits]
        chi12, chi13, chi23 = 2 * (ll[1] - ll[0]), 2 * (ll[2] - ll[0]), 2 * (ll[2] - ll[1])
        p12, p13, p23 = (float(chdtrc(d, max(c, 0.0)))
                         for c, d in ((chi12, q), (chi13, 2 * q), (chi23, q)))
        mcf = tuple(1.0 - v / ll0 for v in ll)
        cs_max = 1.0 - np.exp(2.0 * ll0 / n)
        nag = tuple(float((1.0 - np.exp(2.0 * (ll0 - v) / n)) / cs_max) for v in ll)
        b1, b2 = fits[0].beta[0] / sd, fits[1].beta[0] / sd
        bchange = float(abs(b1 - b2) / abs(b1)) if b1 != 0 else float("inf")
        d_nag = (nag[1] - nag[0], nag[2] - nag[0], nag[2] - nag[1])
        if criterion == "chisq":
            uniform, nonuniform = p12 < alpha, p23 < alpha
            flagged = uniform or nonuniform or p13 < alpha
        elif criterion == "r2":
            uniform, nonuniform = d_nag[0] >= r2_change, d_nag[2] >= r2_change
            flagged = uniform or nonuniform or d_nag[1] >= r2_change
        else:
            uniform, nonuniform = bchange >= beta_change, False
            flagged = uniform
        kind = ("uniform and non-uniform" if uniform and nonuniform else "uniform" if uniform
                else "non-uniform" if nonuniform else "none")
        if flagged and kind == "none":
            kind = "uniform or non-uniform (overall test only)"
        results.append(DifItem(
            item, n, cats, (ll0, ll[0], ll[1], ll[2]), chi12, chi13, chi23, q, 2 * q, q,
            p12, p13, p23, (mcf[0], mcf[1], mcf[2]), (nag[0], nag[1], nag[2]), bchange,
            bool(flagged), kind))
    return results

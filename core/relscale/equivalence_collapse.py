"""Merging sparse answer categories before an ordinal (wlsmv) model: ``--collapse``.

An ordinal model estimates, per item, a threshold between every two neighbouring answers;
in a multi-group model every group needs every answer of every item. When nobody in some
group gave an answer (three foster children never said "Not at all" to one statement),
that answer is merged with a neighbouring one *in every group*, the way researchers do it
by hand in lavaan or Mplus. Two ways:

- ``item=old:new`` (``--collapse rqc05=4:3,rqc11=1:2``): the answers as the respondents
  gave them (before reverse keying), merged as written, with any estimator;
- ``auto`` (``--collapse auto``): for the ordinal estimator only, every answer nobody in
  some group gave is merged with its neighbour (the one with fewer answers in that group,
  as the error message suggests), item by item, until every group uses every remaining
  answer; each merge is reported with the group that needed it.

The merges apply to the factor models (CFA, invariance) only; item means, reliability and
DIF use the answers as given. Without ``--collapse``, an ordinal model on data with an
unused answer stops with one line naming item, group and answer and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relscale.analysis.errors import AnalysisError
from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument

AUTO = "auto"
Spec = str | Mapping[str, Mapping[float, float]] | None
"""``"auto"``, ``{item: {answer: merged into answer}}`` (answers as given) or None."""


@dataclass(frozen=True)
class Merge:
    """One merge, in the answers as the respondents gave them."""

    item: str
    answer: float
    into: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def text(self) -> str:
        return f"{self.item}: {self.answer:g} → {self.into:g}"


def parse_collapse(text: str | None) -> Spec:
    """``--collapse``: ``auto`` or ``item=answer:answer`` pairs separated by commas.

    :raises RelscaleError: a pair that is not ``item=number:number``, or an answer merged
        twice on one item.
    """
    if text is None or not text.strip():
        return None
    if text.strip().lower() == AUTO:
        return AUTO
    spec: dict[str, dict[float, float]] = {}
    for part in (p.strip() for p in text.split(",")):
        item, _eq, pair = part.partition("=")
        old, _colon, new = pair.partition(":")
        try:
            answer, into = float(old), float(new)
        except ValueError:
            answer = into = float("nan")
        if not item.strip() or answer != answer or into != into or answer == into:
            raise RelscaleError(_("--collapse {part!r}: expected item=answer:answer, e.g. "
                                  "rqc05=4:3 (merge answer 4 into 3), or auto").format(
                                      part=part))
        merges = spec.setdefault(item.strip(), {})
        if answer in merges:
            raise RelscaleError(_("--collapse: answer {answer:g} of {item} is merged twice")
                                .format(answer=answer, item=item.strip()))
        merges[answer] = into
    return spec


def _raw(adapted: AdaptedInstrument, item: str, value: float) -> float:
    """An analysis value (reverse-keyed items recoded) as the respondent's answer, and
    back: ``min + max - value`` for a reverse-keyed item (its own inverse)."""
    keyed = {it.id: it.keying for it in adapted.items}
    if keyed.get(item) == "-":
        return float(adapted.scale.min + adapted.scale.max - value)
    return float(value)


def explicit_merges(spec: Mapping[str, Mapping[float, float]], items: Sequence[str],
                    adapted: AdaptedInstrument) -> list[Merge]:
    """The asked merges, checked: items of the model, answers on the response scale."""
    values = adapted.scale.values
    out = []
    for item, pairs in spec.items():
        if item not in items:
            raise RelscaleError(_("--collapse: {item!r} is not an item of the model (items: "
                                  "{items})").format(item=item, items=", ".join(items)))
        for answer, into in pairs.items():
            for v in (answer, into):
                if v not in values:
                    raise RelscaleError(_("--collapse {item}={answer:g}:{into:g}: {value:g} is "
                                          "not an answer on the scale ({low}-{high})").format(
                        item=item, answer=answer, into=into, value=v, low=values[0],
                        high=values[-1]))
            out.append(Merge(item, answer, into, _("as asked")))
    return out


def apply_merges(data: Mapping[str, np.ndarray], items: Sequence[str], merges: Sequence[Merge],
                 adapted: AdaptedInstrument) -> dict[str, np.ndarray]:
    """Each group's answers (analysis values) with the merges applied (new arrays)."""
    from relscale.analysis.polychoric import apply_collapse

    mapping: dict[str, dict[float, float]] = {}
    for m in merges:
        mapping.setdefault(m.item, {})[_raw(adapted, m.item, m.answer)] = _raw(
            adapted, m.item, m.into)
    return {g: apply_collapse(x, items, mapping) for g, x in data.items()}


def _first_gap(data: Mapping[str, np.ndarray], j: int, listwise: bool = False
               ) -> tuple[str, np.ndarray, np.ndarray, int] | None:
    """(group, the item's answers over all groups, that group's counts, the unused answer's
    index) for the first answer some group never gave to item ``j``; None when none.
    ``listwise``: among the respondents who answered every item (those the model uses)."""
    import numpy as np

    if listwise:
        data = {g: x[~np.isnan(x).any(axis=1)] for g, x in data.items()}
    columns = {g: x[:, j][~np.isnan(x[:, j])] for g, x in data.items()}
    values = np.unique(np.concatenate(list(columns.values())))
    for g, col in columns.items():
        counts = np.array([(col == v).sum() for v in values])
        if len(values) > 1 and (counts == 0).any():
            return g, values, counts, int(np.argmax(counts == 0))
    return None


def auto_merges(data: Mapping[str, np.ndarray], items: Sequence[str],
                adapted: AdaptedInstrument, listwise: bool = False
                ) -> tuple[dict[str, np.ndarray], list[Merge]]:
    """Merge every answer some group never gave with its neighbour, item by item (see the
    module docstring); the merged data and the merges, in answers as given."""
    from relscale.analysis.polychoric import suggest_collapse

    merges: list[Merge] = []
    for j, item in enumerate(items):
        while (gap := _first_gap(data, j, listwise)) is not None:
            group, values, counts, empty = gap
            old, new = suggest_collapse(values, counts, empty)
            merge = Merge(item, _raw(adapted, item, old), _raw(adapted, item, new),
                          _("nobody in group {group!r} answered {answer:g}").format(
                              group=group, answer=_raw(adapted, item, old)))
            merges.append(merge)
            data = apply_merges(data, items, [merge], adapted)
    return dict(data), merges


def check_categories(data: Mapping[str, np.ndarray], items: Sequence[str],
                     adapted: AdaptedInstrument, listwise: bool = False) -> None:
    """Refuse, in the respondents' answers, an answer some group never gave to an item of
    an ordinal multi-group model, naming the fix.

    :raises AnalysisError: one line naming group, item, answer and ``--collapse`` (the
        caller adds the file).
    """
    from relscale.analysis.polychoric import suggest_collapse

    for j, item in enumerate(items):
        gap = _first_gap(data, j, listwise)
        if gap is None:
            continue
        group, values, counts, empty = gap
        old, new = suggest_collapse(values, counts, empty)
        raise AnalysisError(_(
            "group {group!r}: nobody answered {answer:g} on item {item!r}, so the "
            "ordinal (wlsmv) model cannot estimate its threshold in this group; merge it "
            "with a neighbouring answer in every group: --collapse {item}={answer:g}:{into:g} "
            "(or --collapse auto), or use --estimator ml").format(
                group=group, answer=_raw(adapted, item, old), item=item,
                into=_raw(adapted, item, new)))


def collapse(data: Mapping[str, np.ndarray], items: Sequence[str],
             adapted: AdaptedInstrument, spec: Spec, estimator: str, missing: str = "pairwise"
             ) -> tuple[dict[str, np.ndarray], list[Merge]]:
    """The models' data after ``spec`` (None: unchanged), checked for unused answers when
    the estimator is wlsmv and there are several groups (``missing``: the respondents the
    model uses)."""
    merges: list[Merge] = []
    listwise = missing == "listwise"
    if spec == AUTO:
        if estimator == "wlsmv":
            data, merges = auto_merges(data, items, adapted, listwise)
    elif spec:
        merges = explicit_merges(spec, items, adapted)  # type: ignore[arg-type]
        data = apply_merges(data, items, merges, adapted)
    if estimator == "wlsmv" and len(data) > 1:
        check_categories(data, items, adapted, listwise)
    return dict(data), merges

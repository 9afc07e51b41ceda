"""Equivalence evidence from a response file (above ``relscale.analysis``, which keeps to
numbers and never reads files): the library behind ``relscale cfa`` and
``relscale invariance`` (and the data sections of the adaptation report).

The data are read with :func:`relscale.io.responses.read_responses`, the reader
``relscale score`` uses (item columns named by item id; every other column is kept as an
identifier), reverse-keyed items are recoded (``min + max - value``, the scale of the
adaptation), and each item loads on its own dimension of the instrument.

Groups come from an identifier column (``--group-by``). When every value of that column is
a registered sector id, each group is worded by its own sector: its items are the slots
that sector words (a slot the sector dropped is missing for that group, an item it added
exists only there), the models use the slots every group shares
(:func:`relscale.analysis.shared_items`), and the evidence names the slots left out.

Degenerate data raise :class:`relscale.analysis.AnalysisError` with one line naming the
file and the column, item or group; nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.analysis.cfa import CfaResult, fit_cfa
from relscale.analysis.data import SharedItems, recode, shared_items
from relscale.analysis.descriptives import GroupDescriptives, group_descriptives
from relscale.analysis.dif import DifResult, dif
from relscale.analysis.errors import AnalysisError
from relscale.analysis.invariance import Criterion, InvarianceResult, test_invariance
from relscale.errors import RelscaleError

if TYPE_CHECKING:
    import numpy as np

    from relscale.io.responses import ResponseTable
    from relscale.model.models import AdaptedInstrument

SECTOR_COLUMN = "sector"


def json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as None, recursively (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def item_matrix(table: ResponseTable, adapted: AdaptedInstrument,
                items: Sequence[str] | None = None) -> np.ndarray:
    """Respondents x ``items`` (default: all the adaptation's items), reverse-keyed items
    recoded on the adaptation's scale; NaN for missing."""
    chosen = list(adapted.item_ids if items is None else items)
    index = {it: j for j, it in enumerate(table.items)}
    keying = {it.id: it.keying for it in adapted.items}
    x = table.values[:, [index[it] for it in chosen]]
    return recode(x, [keying[it] == "-" for it in chosen], adapted.scale.min, adapted.scale.max)


def _factors(adapted: AdaptedInstrument, items: Sequence[str]) -> dict[str, str]:
    dimension = {it.id: it.dimension for it in adapted.items}
    return {it: dimension[it] for it in items}


def _in_file(source: str, exc: RelscaleError) -> AnalysisError:
    return AnalysisError(f"{source}: {exc}")


# --- CFA -------------------------------------------------------------------------------


@dataclass
class CfaEvidence:
    """A CFA of one adaptation's own dimension structure on one response file."""

    source: str
    instrument: str
    sector: str
    perspective: str
    n_read: int
    items: list[str]
    factors: dict[str, str]
    result: CfaResult

    def to_dict(self) -> dict[str, Any]:
        """:meth:`CfaResult.to_dict` plus instrument, sector, perspective and the N read."""
        out = self.result.to_dict()
        out.update(source=self.source, instrument=self.instrument, sector=self.sector,
                   perspective=self.perspective, n_read=self.n_read, items=list(self.items),
                   factors=dict(self.factors))
        return json_safe(out)


def cfa_evidence(path: Path | str, adapted: AdaptedInstrument, *,
                 where: tuple[str, str] | None = None) -> CfaEvidence:
    """Read ``path`` for ``adapted`` and fit its dimensions as a CFA (lavaan's defaults).

    :param where: (column, value): only the respondents with that value in that column,
        e.g. ``("sector", "youth_care")`` in a file holding several sectors.

    :raises RelscaleError: the file cannot be read for this adaptation.
    :raises AnalysisError: too few complete respondents, a constant item, collinear items
        or a model that does not converge (the message names the file).
    """
    from relscale.io.responses import read_responses

    table = read_responses([Path(path)], adapted)
    items = list(adapted.item_ids)
    factors = _factors(adapted, items)
    x = item_matrix(table, adapted)
    if where is not None:
        column, value = where
        keep = [i for i, v in enumerate(_group_column(table, column)) if v == value]
        if not keep:
            raise AnalysisError(f"{table.source}: no respondent has {value!r} in column "
                                f"{column!r}")
        x = x[keep]
    try:
        result = fit_cfa(x, items, factors)
    except AnalysisError as exc:
        raise _in_file(table.source, exc) from None
    return CfaEvidence(table.source, adapted.instrument, adapted.sector, adapted.perspective,
                       len(x), items, factors, result)


# --- groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleReliabilityInGroup:
    """Alpha and omega of one scale (the group's own items of that dimension)."""

    group: str
    scale: str
    k: int
    n: int
    alpha: float | None
    omega: float | None


@dataclass
class GroupEvidence:
    """Invariance across the groups of one column, with per-group reliability, item means
    and ordinal DIF per scale."""

    source: str
    instrument: str
    sector: str
    perspective: str
    group_by: str
    by_sector: bool
    """True when the groups are sectors, each worded by its own adaptation."""
    n_read: dict[str, int]
    shared: SharedItems
    factors: dict[str, str]
    invariance: InvarianceResult
    descriptives: list[GroupDescriptives]
    reliability: list[ScaleReliabilityInGroup]
    dif: dict[str, DifResult]
    notes: list[str] = field(default_factory=list)

    @property
    def dif_flagged(self) -> list[str]:
        return [it for res in self.dif.values() for it in res.flagged]

    def to_dict(self) -> dict[str, Any]:
        """The invariance result's keys (``configural``, ``metric``, ``scalar``,
        ``score_tests``, ...) plus ``left_out``, ``reliability``, ``item_means`` and ``dif``."""
        out: dict[str, Any] = {
            "source": self.source, "instrument": self.instrument, "sector": self.sector,
            "perspective": self.perspective, "group_by": self.group_by,
            "groups_are_sectors": self.by_sector, "n_read": dict(self.n_read),
        }
        out.update(self.invariance.to_dict())
        out["left_out"] = {g: list(v) for g, v in self.shared.left_out.items()}
        out["reliability"] = [dict(vars(r)) for r in self.reliability]
        out["item_means"] = {d.group: dict(d.item_means) for d in self.descriptives}
        out["item_sds"] = {d.group: dict(d.item_sds) for d in self.descriptives}
        out["dif"] = {scale: res.to_dict() for scale, res in self.dif.items()}
        out["dif_flagged"] = self.dif_flagged
        out["notes"] = list(self.notes)
        return json_safe(out)


def _group_column(table: ResponseTable, column: str) -> list[str]:
    if column in table.items:
        raise AnalysisError(f"{table.source}: --group-by {column!r} is an item column; "
                            f"groups come from another column (e.g. {SECTOR_COLUMN!r})")
    if column not in table.ids:
        others = ", ".join(table.id_columns) or "none"
        raise AnalysisError(f"{table.source}: no column {column!r} to group by "
                            f"(other columns: {others})")
    return [v.strip() for v in table.ids[column]]


def group_evidence(
    path: Path | str,
    adapted: AdaptedInstrument,
    group_by: str,
    *,
    criterion: Criterion = "chen",
    dif_alpha: float = 0.01,
    registry: Any = None,
) -> GroupEvidence:
    """Measurement invariance across the groups in column ``group_by`` of ``path``, with
    N, alpha and omega per scale per group, item means per group and ordinal DIF per item.

    ``adapted`` words every group unless the column holds sector ids; then each group is
    read with its own sector's adaptation (same instrument, perspective and locale).

    :raises AnalysisError: a missing group column, one group only, or degenerate data in
        a group (the message names the file, column, item or group).
    """
    from relscale.adapt import adapt
    from relscale.io.responses import read_responses

    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    source_path = Path(path)
    table = read_responses([source_path], adapted)
    labels = _group_column(table, group_by)
    notes: list[str] = []
    blank = sum(1 for v in labels if not v)
    if blank:
        notes.append(f"{blank} respondent(s) without a value in column {group_by!r} left out")
    names = list(dict.fromkeys(v for v in labels if v))
    if len(names) < 2:
        found = f"only {names[0]!r}" if names else "no values"
        raise AnalysisError(f"{table.source}: column {group_by!r} has {found}; invariance "
                            f"needs at least 2 groups")
    by_sector = all(n in registry.sectors for n in names)
    if group_by == SECTOR_COLUMN and not by_sector:
        unknown = ", ".join(repr(n) for n in names if n not in registry.sectors)
        notes.append(f"column {group_by!r} holds values that are not sector ids ({unknown}); "
                     f"every group is read with the {adapted.sector} wording")
    adaptations: dict[str, AdaptedInstrument] = {}
    tables: dict[str, ResponseTable] = {}
    for name in names:
        if by_sector and name != adapted.sector:
            try:
                adaptations[name] = adapt(adapted.instrument, name, adapted.perspective,
                                          adapted.locale, registry=registry)
            except RelscaleError as exc:
                raise AnalysisError(f"{table.source}: group {name!r}: {exc}") from None
            tables[name] = read_responses([source_path], adaptations[name])
        else:
            adaptations[name], tables[name] = adapted, table
    rows = {g: [i for i, v in enumerate(labels) if v == g] for g in names}
    shared = shared_items({g: list(adaptations[g].item_ids) for g in names})
    if not shared.items:
        raise AnalysisError(f"{table.source}: the groups in column {group_by!r} share no items")
    factors = _factors(adapted if adapted.sector in names else adaptations[names[0]],
                       shared.items)
    shared_data = {g: item_matrix(tables[g], adaptations[g], shared.items)[rows[g]]
                   for g in names}
    try:
        inv = test_invariance(shared_data, shared.items, factors, criterion=criterion)
        descriptives = group_descriptives(shared_data, shared.items)
        reliability = _reliability(names, adaptations, tables, rows, notes)
        dif_results = _dif(shared_data, shared.items, factors, dif_alpha, notes)
    except AnalysisError as exc:
        raise _in_file(table.source, exc) from None
    return GroupEvidence(
        table.source, adapted.instrument, adapted.sector, adapted.perspective, group_by,
        by_sector, {g: len(rows[g]) for g in names}, shared, factors, inv, descriptives,
        reliability, dif_results, notes)


def _reliability(
    names: Sequence[str],
    adaptations: Mapping[str, AdaptedInstrument],
    tables: Mapping[str, ResponseTable],
    rows: Mapping[str, list[int]],
    notes: list[str],
) -> list[ScaleReliabilityInGroup]:
    """Alpha and omega of each scale as the group's sector scores it (all its items)."""
    from relscale.scoring.reliability import scale_reliability

    out: list[ScaleReliabilityInGroup] = []
    for g in names:
        a = adaptations[g]
        x = item_matrix(tables[g], a)[rows[g]]
        for dim in a.dimensions:
            cols = [j for j, it in enumerate(a.items) if it.dimension == dim.id]
            items = [a.items[j].id for j in cols]
            try:
                rel = scale_reliability(x[:, cols], items, scale=dim.id)
            except RelscaleError as exc:
                notes.append(f"group {g!r}, scale {dim.id!r}: no reliability ({exc})")
                out.append(ScaleReliabilityInGroup(g, dim.id, len(items), 0, None, None))
                continue
            out.append(ScaleReliabilityInGroup(
                g, dim.id, len(items), rel.n,
                rel.alpha if math.isfinite(rel.alpha) else None,
                rel.omega if math.isfinite(rel.omega) else None))
    return out


def _dif(
    data: Mapping[str, np.ndarray],
    items: Sequence[str],
    factors: Mapping[str, str],
    alpha: float,
    notes: list[str],
) -> dict[str, DifResult]:
    """Ordinal DIF per scale: each item matched on its own scale's (purified) total score."""
    out: dict[str, DifResult] = {}
    for scale in dict.fromkeys(factors[it] for it in items):
        cols = [j for j, it in enumerate(items) if factors[it] == scale]
        if len(cols) < 3:
            notes.append(f"scale {scale!r}: fewer than 3 shared items, no DIF analysis")
            continue
        out[scale] = dif({g: x[:, cols] for g, x in data.items()},
                         [items[j] for j in cols], alpha=alpha)
        notes += out[scale].notes
    return out

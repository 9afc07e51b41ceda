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

How to fit is the user's :class:`relscale.equivalence_io.AnalysisOptions` (``--estimator``,
``--missing``, ``--cluster``, ``--identification``, ``--criterion``); what relscale chose
for ``auto`` and why is recorded in a :class:`relscale.equivalence_io.Method` that every
output shows. Groups are ordered with the ``--sector`` group first (the reference group of
the latent means) and the others by name, so nothing depends on the order of the rows.

Degenerate data raise :class:`relscale.analysis.AnalysisError` with one line naming the
file and the column, item or group; nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.analysis.cfa import CfaResult
from relscale.analysis.data import SharedItems, shared_items
from relscale.analysis.descriptives import GroupDescriptives, group_descriptives
from relscale.analysis.dif import DifResult, dif
from relscale.analysis.errors import AnalysisError
from relscale.analysis.invariance import InvarianceResult, test_invariance
from relscale.equivalence_collapse import collapse
from relscale.equivalence_io import (
    AnalysisOptions,
    GroupRows,
    Method,
    check_same_scale,
    cluster_ids,
    every_wording,
    labels_table,
    plain_table,
    read_sector_groups,
    recoded,
    resolve,
)
from relscale.errors import RelscaleError
from relscale.i18n import _

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
    return recoded(adapted, chosen, table.values[:, [index[it] for it in chosen]])


def _factors(adapted: AdaptedInstrument, items: Sequence[str]) -> dict[str, str]:
    dimension = {it.id: it.dimension for it in adapted.items}
    return {it: dimension[it] for it in items}


def _in_file(source: str, exc: RelscaleError) -> AnalysisError:
    return AnalysisError(f"{source}: {exc}")


def keying_advice(warnings: Sequence[str], adapted: AdaptedInstrument) -> list[str]:
    """A negative loading with the right advice: a reverse-keyed item that still loads
    negatively after relscale recoded it was most likely recoded in the file already.
    (The warning says which item it is about: :class:`relscale.analysis._messages.Tagged`.)"""
    from relscale.analysis._messages import retag, tag_of

    keying = {it.id: it.keying for it in adapted.items}
    out = []
    for w in warnings:
        if tag_of(w) == "negative_loading":
            if keying.get(getattr(w, "item", None) or "") == "-":
                w = retag(w + _("; it is reverse-keyed and relscale recoded it: already "
                                "recoded in the file? The answers look reversed; give them as "
                                "the respondents gave them"), w)
            else:
                w = retag(w + _("; reverse-keyed but not declared so?"), w)
        out.append(w)
    return out


def _scale_points(adapted: AdaptedInstrument) -> int:
    return len(adapted.scale.values)


PROFESSIONAL_COLUMN = {"professional": "respondent_code", "client": "subject_code"}
"""The column that holds the professional's code, by the perspective of the answers."""


def nested_warning(table: ResponseTable, adapted: AdaptedInstrument, rows: Sequence[int],
                   options: AnalysisOptions) -> list[str]:
    """Say once that the data look nested (a professional with several clients) and name
    ``--cluster`` -- unless it is given."""
    from relscale.analysis.data import nested_hint

    column = PROFESSIONAL_COLUMN.get(adapted.perspective)
    if options.cluster is not None or column is None or column not in table.ids:
        return []
    codes = table.ids[column]
    hint = nested_hint([codes[i] for i in rows], column)
    return [hint] if hint else []


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
    method: Method | None = None

    def to_dict(self) -> dict[str, Any]:
        """:meth:`CfaResult.to_dict` plus instrument, sector, perspective, the N read and
        the method (``estimator``, ``missing``, ``cluster``, ...)."""
        out = self.result.to_dict()
        out.update(source=self.source, instrument=self.instrument, sector=self.sector,
                   perspective=self.perspective, n_read=self.n_read, items=list(self.items),
                   factors=dict(self.factors))
        if self.method is not None:
            out.update(self.method.to_dict())
        return json_safe(out)


def cfa_evidence(path: Path | str, adapted: AdaptedInstrument, *,
                 where: tuple[str, str] | None = None,
                 options: AnalysisOptions | None = None) -> CfaEvidence:
    """Read ``path`` for ``adapted`` and fit its dimensions as a CFA.

    :param where: (column, value): only the respondents with that value in that column,
        e.g. ``("sector", "youth_care")`` in a file holding several sectors.
    :param options: estimator, missing data, clustering (default: chosen from the data,
        marker identification as lavaan's default).

    :raises RelscaleError: the file cannot be read for this adaptation.
    :raises AnalysisError: too few complete respondents, a constant item, collinear items
        or a model that does not converge (the message names the file).
    """
    from relscale.analysis.estimators import RawGroup, fit_cfa
    from relscale.io.responses import read_responses

    options = options or AnalysisOptions()
    table = read_responses([Path(path)], adapted)
    items = list(adapted.item_ids)
    factors = _factors(adapted, items)
    x = item_matrix(table, adapted)
    keep = list(range(len(x)))
    if where is not None:
        column, value = where
        keep = [i for i, v in enumerate(_group_column(table, column, adapted)) if v == value]
        if not keep:
            raise AnalysisError(_("{path}: no respondent has {value!r} in column "
                                  "{column!r}").format(path=table.source, value=value,
                                                       column=column))
        x = x[keep]
    try:
        clusters = cluster_ids(table, options.cluster, [keep])
        fit_options, method = resolve(options, [RawGroup("sample", x)], items,
                                      _scale_points(adapted), clusters, "marker")
        merged, merges = collapse({"sample": x}, items, adapted, options.collapse,
                                  fit_options.estimator, fit_options.missing)
        method = replace(method, collapsed=tuple(merges))
        result = fit_cfa(merged["sample"], items, factors, fit_options)
    except AnalysisError as exc:
        raise _in_file(table.source, exc) from None
    result.warnings = keying_advice(result.warnings, adapted) + nested_warning(
        table, adapted, keep, options)
    return CfaEvidence(table.source, adapted.instrument, adapted.sector, adapted.perspective,
                       len(x), items, factors, result, method)


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
    ordinal_alpha: float | None = None
    """With wlsmv: alpha on the polychoric correlations (``psych::alpha(polychoric(x)$rho)``)."""
    categorical_omega: float | None = None
    """With wlsmv: Green & Yang's (2009) omega (``semTools::compRelSEM(ord.scale = TRUE)``)."""
    omega_ci: tuple[float, float] | None = None


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
    method: Method | None = None
    dif_run: bool = True
    """False when DIF was not asked for (``--no-dif``): ``dif`` is empty."""

    @property
    def dif_flagged(self) -> list[str]:
        return [it for res in self.dif.values() for it in res.flagged]

    def to_dict(self) -> dict[str, Any]:
        """The invariance result's keys (``configural``, ``metric``, ``scalar``,
        ``score_tests``, ``estimator``, ``latent``, ...) plus ``left_out``,
        ``reliability``, ``item_means`` and ``dif``."""
        out: dict[str, Any] = {
            "source": self.source, "instrument": self.instrument, "sector": self.sector,
            "perspective": self.perspective, "group_by": self.group_by,
            "groups_are_sectors": self.by_sector, "n_read": dict(self.n_read),
        }
        out.update(self.invariance.to_dict())
        if self.method is not None:
            out.update(self.method.to_dict())
        out["left_out"] = {g: list(v) for g, v in self.shared.left_out.items()}
        out["reliability"] = [dict(vars(r)) for r in self.reliability]
        out["item_means"] = {d.group: dict(d.item_means) for d in self.descriptives}
        out["item_sds"] = {d.group: dict(d.item_sds) for d in self.descriptives}
        out["dif"] = ({scale: res.to_dict() for scale, res in self.dif.items()}
                      if self.dif_run else None)
        out["dif_flagged"] = self.dif_flagged if self.dif_run else None
        out["notes"] = list(self.notes)
        return json_safe(out)


def _group_column(table: ResponseTable, column: str,
                  adapted: AdaptedInstrument | None = None) -> list[str]:
    items = {it.lower() for it in (*table.items, *(adapted.item_ids if adapted else ()))}
    if column.lower() in items:
        raise AnalysisError(_("{path}: --group-by {column!r} is an item column; groups come "
                              "from another column (e.g. {example!r})").format(
                                  path=table.source, column=column, example=SECTOR_COLUMN))
    if column not in table.ids:
        others = ", ".join(c for c in table.id_columns if c.lower() not in items) or _("none")
        raise AnalysisError(_("{path}: no column {column!r} to group by (other columns: "
                              "{others})").format(path=table.source, column=column,
                                                  others=others))
    return [v.strip() for v in table.ids[column]]


def _ordered(names: Sequence[str], reference: str) -> list[str]:
    """The reference group first, the others by name (never the file's row order)."""
    rest = sorted(n for n in names if n != reference)
    return [reference, *rest] if reference in names else sorted(names)


def _read_groups(
    path: Path, adapted: AdaptedInstrument, group_by: str, registry: Any, notes: list[str],
) -> tuple[ResponseTable, list[str], bool, dict[str, GroupRows]]:
    """The file's groups (reference first), each read with its own wording."""
    from relscale.adapt import adapt
    from relscale.io.responses import read_responses
    plain = plain_table(path)
    table = (labels_table(path, adapted, every_wording(adapted, registry)) if plain
             else read_responses([path], adapted))
    first_read = table
    labels = _group_column(table, group_by, adapted)
    blank = sum(1 for v in labels if not v)
    if blank:
        notes.append(_("{n} respondent(s) without a value in column {column!r} left out").format(
            n=blank, column=group_by))
    found = list(dict.fromkeys(v for v in labels if v))
    if len(found) < 2:
        what = _("only {value!r}").format(value=found[0]) if found else _("no values")
        raise AnalysisError(_("{path}: column {column!r} has {what}; invariance needs at least "
                              "2 groups").format(path=table.source, column=group_by, what=what))
    by_sector = all(n in registry.sectors for n in found)
    if group_by == SECTOR_COLUMN and not by_sector:
        unknown = ", ".join(repr(n) for n in found if n not in registry.sectors)
        notes.append(_("column {column!r} holds values that are not sector ids ({unknown}); "
                       "every group is read with the {sector} wording").format(
                           column=group_by, unknown=unknown, sector=adapted.sector))
    names = _ordered(found, adapted.sector)
    adaptations: dict[str, AdaptedInstrument] = {}
    for name in names:
        if by_sector and name != adapted.sector:
            try:
                adaptations[name] = adapt(adapted.instrument, name, adapted.perspective,
                                          adapted.locale, registry=registry)
            except RelscaleError as exc:
                raise AnalysisError(_("{path}: group {group!r}: {error}").format(
                    path=table.source, group=name, error=exc)) from None
        else:
            adaptations[name] = adapted
    if by_sector:
        check_same_scale(table.source, adaptations)
    rows = {g: [i for i, v in enumerate(labels) if v == g] for g in names}
    shared = shared_items({g: list(a.item_ids) for g, a in adaptations.items()}).items
    if by_sector and plain:
        table, groups = read_sector_groups(path, labels, adaptations, shared, first_read)
        return table, names, by_sector, groups
    if plain:
        table = read_responses([path], adapted)
    groups = {}
    for g, a in adaptations.items():
        own = table if a is adapted else read_responses([path], a)
        x = own.values[rows[g]]
        groups[g] = GroupRows(g, a, list(a.item_ids), recoded(a, a.item_ids, x), rows[g])
    return table, names, by_sector, groups


def group_evidence(
    path: Path | str,
    adapted: AdaptedInstrument,
    group_by: str,
    *,
    options: AnalysisOptions | None = None,
    criterion: str | None = None,
    dif_alpha: float = 0.01,
    registry: Any = None,
    run_dif: bool = True,
) -> GroupEvidence:
    """Measurement invariance across the groups in column ``group_by`` of ``path``, with
    N, alpha and omega per scale per group, item means per group and ordinal DIF per item.

    ``adapted`` words every group unless the column holds sector ids; then each group is
    read with its own sector's adaptation (same instrument, perspective and locale), on its
    own rows: its own response scale and "does not apply" code, its own added items
    optional. The ``adapted`` sector's group (when present) is the reference group.

    :param options: estimator, missing data, clustering, identification, criterion, strict
        (default: chosen from the data; ``criterion`` overrides ``options.criterion``).
    :param run_dif: False leaves DIF out (``invariance --no-dif``; ``dif`` and
        ``dif_flagged`` are None in JSON).
    :raises AnalysisError: a missing group column, one group only, groups on different
        response scales, or degenerate data in a group (the message names the file,
        column, item or group).
    """
    from relscale.analysis.estimators import RawGroup

    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    options = options or AnalysisOptions()
    notes: list[str] = []
    source_path = Path(path)
    table, names, by_sector, groups = _read_groups(source_path, adapted, group_by, registry,
                                                   notes)
    shared = shared_items({g: list(groups[g].adapted.item_ids) for g in names})
    if not shared.items:
        raise AnalysisError(_("{path}: the groups in column {column!r} share no items").format(
            path=table.source, column=group_by))
    for g in names:
        if groups[g].absent:
            notes.append(_("group {group!r}: the file has no column for its own item(s) "
                           "{items}; its reliability uses the items present").format(
                               group=g, items=", ".join(groups[g].absent)))
    factors = _factors(groups[names[0]].adapted, shared.items)
    shared_data = {g: groups[g].columns(shared.items) for g in names}
    try:
        clusters = cluster_ids(table, options.cluster, [groups[g].rows for g in names])
        raw = [RawGroup(g, shared_data[g]) for g in names]
        fit_options, method = resolve(options, raw, shared.items,
                                      _scale_points(groups[names[0]].adapted), clusters,
                                      "std.lv")
        chosen = criterion or options.criterion
        model_data, merges = collapse(shared_data, shared.items, groups[names[0]].adapted,
                                      options.collapse, fit_options.estimator,
                                      fit_options.missing)
        inv = test_invariance(model_data, shared.items, factors,
                              criterion=chosen,  # type: ignore[arg-type]
                              strict=options.strict, options=fit_options,
                              estimator_note=method.estimator_note)
        method = replace(method, criterion=chosen, collapsed=tuple(merges))
        inv.warnings = keying_advice(inv.warnings, adapted) + nested_warning(
            table, adapted, [i for g in names for i in groups[g].rows], options)
        descriptives = group_descriptives(shared_data, shared.items)
        reliability = _reliability(names, groups, notes, method.estimator == "wlsmv")
        dif_results = _dif(shared_data, shared.items, factors, dif_alpha, notes) \
            if run_dif else {}
    except AnalysisError as exc:
        raise _in_file(table.source, exc) from None
    return GroupEvidence(
        table.source, adapted.instrument, adapted.sector, adapted.perspective, group_by,
        by_sector, {g: len(groups[g].rows) for g in names}, shared, factors, inv,
        descriptives, reliability, dif_results, notes, method, run_dif)


def _reliability(
    names: Sequence[str], groups: Mapping[str, GroupRows], notes: list[str], ordinal: bool,
) -> list[ScaleReliabilityInGroup]:
    """Alpha and omega of each scale as the group's sector scores it (its items present);
    for ordinal items (wlsmv) also ordinal alpha and categorical omega with its CI."""
    from relscale.reliability.classical import scale_reliability

    out: list[ScaleReliabilityInGroup] = []
    for g in names:
        a, x = groups[g].adapted, groups[g].x
        extra = _ordinal_reliability(groups[g], notes) if ordinal else {}
        for dim in a.dimensions:
            items = [it.id for it in a.items if it.dimension == dim.id and it.id in groups[g].items]
            cols = [groups[g].items.index(it) for it in items]
            try:
                rel = scale_reliability(x[:, cols], items, scale=dim.id)
            except RelscaleError as exc:
                notes.append(_("group {group!r}, scale {scale!r}: no reliability ({error})").format(
                    group=g, scale=dim.id, error=exc))
                out.append(ScaleReliabilityInGroup(g, dim.id, len(items), 0, None, None))
                continue
            out.append(ScaleReliabilityInGroup(
                g, dim.id, len(items), rel.n,
                rel.alpha if math.isfinite(rel.alpha) else None,
                rel.omega if math.isfinite(rel.omega) else None, *extra.get(dim.id, ())))
    return out


def _ordinal_reliability(group: GroupRows, notes: list[str]) -> dict[str, tuple[Any, ...]]:
    """Scale -> (ordinal alpha, categorical omega, its 95% CI) of one group's own items."""
    from relscale.analysis.ordinal_reliability import ordinal_reliability

    dims = {it.id: it.dimension for it in group.adapted.items}
    factors = {it: dims[it] for it in group.items}
    try:
        rel = ordinal_reliability(group.x, group.items, factors)
    except RelscaleError as exc:
        notes.append(_("group {group!r}: no ordinal reliability ({error})").format(
            group=group.name, error=exc))
        return {}
    return {o.factor: (rel.alpha.get(o.factor), o.omega, (o.ci_lower, o.ci_upper))
            for o in rel.omega}


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
            notes.append(_("scale {scale!r}: fewer than 3 shared items, no DIF analysis").format(
                scale=scale))
            continue
        out[scale] = dif({g: x[:, cols] for g, x in data.items()},
                         [items[j] for j in cols], alpha=alpha)
        notes += out[scale].notes
    return out

"""Reading a response file into analysis groups, and choosing how to fit (estimator,
missing data, clustering): the file side of :mod:`relscale.equivalence`.

When the groups are sectors, each group is read with its own sector's adaptation, on its
own rows only: its answers are checked against its own response scale, its own "does not
apply" code is missing, and only the item slots every group shares are required (a
sector's own added items are used when the file has them, never required). Groups whose
sectors use different response scales are refused in one message naming the scales.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.analysis.errors import AnalysisError
from relscale.errors import DataError, RelscaleError
from relscale.i18n import N_, _

if TYPE_CHECKING:
    import numpy as np

    from relscale.analysis.estimators import FitOptions, RawGroup
    from relscale.io.responses import ResponseTable
    from relscale.model.models import AdaptedInstrument


@dataclass
class GroupRows:
    """One group's respondents: the adaptation it answered, the item columns present and
    the answers (reverse-keyed items recoded; "does not apply" missing)."""

    name: str
    adapted: AdaptedInstrument
    items: list[str]
    x: np.ndarray
    rows: list[int]  # indices into the file's respondents
    absent: list[str] = field(default_factory=list)
    """The group's own items the file does not have (optional ones)."""

    def columns(self, items: Sequence[str]) -> np.ndarray:
        return self.x[:, [self.items.index(it) for it in items]]


def recoded(adapted: AdaptedInstrument, items: Sequence[str], values: np.ndarray) -> np.ndarray:
    """``values`` (columns ``items``) with the reverse-keyed ones recoded on the scale."""
    from relscale.analysis.data import recode

    keying = {it.id: it.keying for it in adapted.items}
    return recode(values, [keying[it] == "-" for it in items], adapted.scale.min,
                  adapted.scale.max)


def plain_table(path: Path) -> bool:
    """A plain CSV or XLSX table (not a scoring sheet, platform export or forms)."""
    from relscale.io.platforms import sniff_platform
    from relscale.io.responses import sheet_kind
    from relscale.io.tables import WORKBOOK_SUFFIXES

    suffix = path.suffix.lower()
    if suffix == ".csv":
        return sniff_platform(path) is None
    return suffix in WORKBOOK_SUFFIXES and sheet_kind(path) is None


def table_header(path: Path) -> list[str]:
    """The column names of a plain CSV or XLSX table (its first row)."""
    from relscale.io.tables import WORKBOOK_SUFFIXES, first_sheet_rows, open_csv, open_workbook

    empty = _("{path}: empty file, expected a header row")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        wb = open_workbook(path)
        try:
            return [h.strip() for h in first_sheet_rows(wb, path, empty)[0]]
        finally:
            wb.close()
    with open_csv(path, empty) as (header, _rows):
        return [h.strip() for h in header]


def every_wording(adapted: AdaptedInstrument, registry: Any) -> list[str]:
    """The item ids of every sector's wording of the instrument from this perspective
    (the columns a file grouped by sector may hold)."""
    from relscale.adapt import adapt

    ids: list[str] = []
    for sector in registry.sectors.values():
        offering = sector.offering(adapted.instrument, adapted.perspective)
        if sector.id == adapted.sector or offering is None or offering.declined:
            continue
        try:
            ids += adapt(adapted.instrument, sector.id, adapted.perspective, adapted.locale,
                         registry=registry).item_ids
        except RelscaleError:
            continue  # named, if the file has that group, where its wording is needed
    return ids


def labels_table(path: Path, adapted: AdaptedInstrument,
                 candidates: Sequence[str] = ()) -> ResponseTable:
    """A plain table's identifier columns (group, cluster, ...), read without checking any
    answer against a scale: every sector's answers are checked on its own rows later.

    :param candidates: item ids any group may have answered (every sector's wording of the
        instrument): those in the header are read as numbers in the same pass, so
        :func:`read_sector_groups` need not read the file again. Should one of them hold a
        cell that is not a number, the file is read as before (the first item only) and
        only the groups' own items are read, and named, later.
    """
    from relscale.io.tables import read_columns

    header = table_header(path)
    by_lower = {h.lower(): h for h in header}
    present = [by_lower[it.lower()] for it in adapted.item_ids if it.lower() in by_lower]
    if not present:
        raise AnalysisError(_("{path}: no column of {instrument}'s items (expected e.g. "
                              "{items})").format(path=path, instrument=adapted.instrument,
                                                 items=", ".join(adapted.item_ids[:3])))
    every = list(dict.fromkeys(
        by_lower[it.lower()] for it in (*adapted.item_ids, *candidates)
        if it.lower() in by_lower))
    if len(every) > 1:
        try:
            return read_columns(path, every)
        except DataError:
            pass
    return read_columns(path, present[:1])


def scale_text(adapted: AdaptedInstrument) -> str:
    from relscale.messages import number_text

    return _("{sector}: {n} points ({low}-{high})").format(
        sector=adapted.sector, n=len(adapted.scale.values),
        low=number_text(adapted.scale.min, "g"), high=number_text(adapted.scale.max, "g"))


def check_same_scale(source: str, adaptations: Mapping[str, AdaptedInstrument]) -> None:
    """One message naming the scales when the groups answered on different ones."""
    scales = {(a.scale.min, a.scale.max, tuple(a.scale.values)) for a in adaptations.values()}
    if len(scales) > 1:
        listed = "; ".join(scale_text(a) for a in adaptations.values())
        raise AnalysisError(_("{path}: these groups answered on different response scales "
                              "({scales}); they cannot be compared item by item").format(
                                  path=source, scales=listed))


def read_sector_groups(
    path: Path, labels: Sequence[str], adaptations: Mapping[str, AdaptedInstrument],
    shared: Sequence[str], read: ResponseTable | None = None,
) -> tuple[ResponseTable, dict[str, GroupRows]]:
    """Each sector group's rows of a plain table, read with its own adaptation.

    :param read: the table as :func:`labels_table` read it; used when it holds every item
        column the groups answered (else the file is read again for them).
    """
    from relscale.io.tables import read_columns
    from relscale.io.values import not_applicable_to_missing, validate_values

    header = table_header(path)
    by_lower = {h.lower(): h for h in header}
    wanted = list(dict.fromkeys(it for a in adaptations.values() for it in a.item_ids))
    lacking = [it for it in shared if it.lower() not in by_lower]
    if lacking:
        raise AnalysisError(_("{path}: missing item column(s) {items} (items every group "
                              "answers)").format(path=path, items=", ".join(lacking)))
    present = [it for it in wanted if it.lower() in by_lower]
    names = [by_lower[it.lower()] for it in present]
    if read is not None and set(names) <= set(read.items):
        table = read
    else:
        table = read_columns(path, names)
    out: dict[str, GroupRows] = {}
    for name, adapted in adaptations.items():
        rows = [i for i, v in enumerate(labels) if v == name]
        items = [it for it in adapted.item_ids if it in present]
        cols = [table.items.index(by_lower[it.lower()]) for it in items]
        x = table.values[rows][:, cols]
        try:
            validate_values(adapted, x, source=table.source, rows=table.rows[rows],
                            columns=[by_lower[it.lower()] for it in items])
        except RelscaleError as exc:
            raise AnalysisError(_("{error} (group {group!r})").format(error=exc,
                                                                     group=name)) from None
        x = recoded(adapted, items, not_applicable_to_missing(adapted, x))
        out[name] = GroupRows(name, adapted, items, x, rows,
                              [it for it in adapted.item_ids if it not in present])
    return table, out


# --- how to fit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisOptions:
    """The user's choices (``--estimator``, ``--missing``, ``--cluster``, ...); None means
    relscale chooses (and says so)."""

    estimator: str = "auto"
    missing: str | None = None
    cluster: str | None = None
    identification: str | None = None
    """None: std.lv for invariance, marker (lavaan's default) for a single-group CFA."""
    criterion: str = "both"
    strict: bool = False
    collapse: Any = None
    """``--collapse``: "auto" or ``{item: {answer: into}}``, answers as given
    (:mod:`relscale.equivalence_collapse`)."""


@dataclass(frozen=True)
class Method:
    """How the models were fitted, for every output (JSON, tables, report)."""

    estimator: str
    estimator_note: str
    missing: str
    missing_note: str
    cluster: str | None
    n_clusters: int | None
    identification: str
    criterion: str | None = None
    collapsed: tuple[Any, ...] = ()
    """Answer categories merged before the models (``Merge``; ``--collapse``)."""

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "collapsed": [m.to_dict() for m in self.collapsed]}


MISSING_TEXT = {
    "listwise": N_("listwise deletion (respondents with a missing answer left out)"),
    "fiml": N_("full-information maximum likelihood (every answer used)"),
    "pairwise": N_("pairwise (each correlation from the respondents who answered both items)"),
}


def resolve(
    options: AnalysisOptions,
    groups: Sequence[RawGroup],
    items: Sequence[str],
    scale_points: int | None,
    cluster_ids: Sequence[np.ndarray] | None,
    identification: str,
) -> tuple[FitOptions, Method]:
    """Resolve ``auto`` and the default missing-data handling; check the combination."""
    import numpy as np

    from relscale.analysis.estimators import (
        FitOptions,
        available,
        choose_estimator,
        default_missing,
    )

    estimator, note = choose_estimator(options.estimator, groups, items,
                                       scale_points=scale_points,
                                       clustered=cluster_ids is not None)
    if options.estimator == "auto" and not available(estimator):
        fallback = "mlr" if estimator == "wlsmv" and cluster_ids is not None \
            and available("mlr") else "ml"
        note = _("{note}; {estimator} is not available in this version of relscale, so "
                 "{fallback} (the items are treated as continuous)").format(
                     note=note, estimator=estimator, fallback=fallback)
        estimator = fallback  # type: ignore[assignment]
    gaps = any(bool(np.isnan(g.x).any()) for g in groups)
    missing: str
    if options.missing is None:
        missing = default_missing(estimator, groups)
        if missing == "fiml" and not available(estimator, "fiml"):
            missing = "listwise"
            missing_note = _("listwise: the data have missing answers, and fiml is not "
                             "available in this version of relscale")
        else:
            missing_note = _(MISSING_TEXT[missing]) + (
                _(" (the data have missing answers)") if gaps else _(" (no missing answers)"))
    else:
        missing = options.missing
        missing_note = (_(MISSING_TEXT[missing]) if missing in MISSING_TEXT else missing) + \
            _(" (as asked)")
    n_clusters = None
    if cluster_ids is not None:
        n_clusters = int(sum(len(set(c.tolist())) for c in cluster_ids))
    fit_options = FitOptions(estimator=estimator, missing=missing,  # type: ignore[arg-type]
                             cluster=cluster_ids,
                             identification=options.identification or identification,  # type: ignore[arg-type]
                             )
    return fit_options, Method(estimator, note, missing, missing_note, options.cluster,
                               n_clusters, fit_options.identification)


def cluster_ids(table: ResponseTable, column: str | None, rows: Sequence[Sequence[int]]
                ) -> list[np.ndarray] | None:
    """Per group, the cluster (``--cluster`` column) of each of its rows, as integers."""
    import numpy as np

    from relscale.messages import where

    if column is None:
        return None
    if column not in table.ids:
        others = ", ".join(table.id_columns) or _("none")
        raise AnalysisError(_("{path}: no column {column!r} for --cluster (other columns: "
                              "{others})").format(path=table.source, column=column,
                                                  others=others))
    values = [v.strip() for v in table.ids[column]]
    blank = [int(table.rows[i]) for i, v in enumerate(values) if not v]
    if blank:
        raise AnalysisError(_("{where}: no cluster (every respondent needs one for "
                              "--cluster)").format(where=where(table.source, blank[0], column)))
    codes = {v: k for k, v in enumerate(dict.fromkeys(values))}
    return [np.array([codes[values[i]] for i in r], dtype=int) for r in rows]

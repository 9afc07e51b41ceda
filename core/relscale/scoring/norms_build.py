"""Building norm tables from a reference sample (``relscale norms build``).

Raw scores come from the scoring engine, so a norm table and the scores looked up in it
can never disagree on what a raw score is; the definitions of percentile, T and band are
those of :mod:`relscale.scoring.norms`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError, RelscaleError
from relscale.i18n import _
from relscale.model.models import DimensionNorm, NormTable, PercentilePoint, Population
from relscale.scoring.engine import score_responses
from relscale.scoring.norms import (
    DEFAULT_BANDING,
    RAW_DECIMALS,
    TOLERANCE,
    banding_bands,
    normalized_t,
)

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument


# --- building ---------------------------------------------------------------------------


def _truncate(value: float) -> float:
    scale = 10**RAW_DECIMALS
    return math.floor(value * scale + TOLERANCE) / scale


def truncated_percentile(at_or_below: int, n: int) -> float:
    """``100 * at_or_below / n`` cut (not rounded) to two decimals, in integer arithmetic.

    Cutting keeps the band exact: a band boundary has at most two decimals, so the cut
    value is below a boundary exactly when the share is (200 of 2001 = 9.995% is stored
    as 9.99 and banded below 10, where rounding made it 10.00).
    """
    return (10000 * at_or_below // n) / 100


def build_dimension_norm(
    dimension: str, raw: Any, *, scale_min: float | None = None,
    reliability: float | None = None,
) -> DimensionNorm:
    """Percentile steps, mean and SD of one dimension from a reference sample's raw scores.

    One step per distinct raw score (at-or-below percentile, mid-rank normalized T), plus
    a step at ``scale_min`` with percentile 0 when nobody scored that low. Missing scores
    (NaN) are left out; N is the number of scores present.
    """
    import numpy as np

    x = np.asarray(raw, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    n = len(x)
    if n < 2:
        raise RelscaleError(
            _("{dimension}: fewer than 2 scores, cannot build norms").format(dimension=dimension)
        )
    sd = float(np.std(x, ddof=1))
    if sd == 0:
        raise RelscaleError(
            _("{dimension}: every score is {value:g}, cannot build norms").format(
                dimension=dimension, value=x[0]
            )
        )
    values, counts = np.unique(x, return_counts=True)
    at_or_below = np.cumsum(counts)
    below = at_or_below - counts
    points: list[PercentilePoint] = []
    if scale_min is not None and values[0] > scale_min + TOLERANCE:
        points.append(
            PercentilePoint(raw=float(scale_min), percentile=0.0, t=round(normalized_t(0, n), 2))
        )
    for value, le, lt, c in zip(values, at_or_below, below, counts, strict=True):
        raw_step = _truncate(float(value))
        if points and raw_step <= points[-1].raw:
            continue  # two raws within 1e-6 of each other: keep the first (lower) step
        points.append(
            PercentilePoint(
                raw=raw_step,
                percentile=truncated_percentile(int(le), n),
                t=round(normalized_t((float(lt) + float(c) / 2) / n, n), 2),
            )
        )
    return DimensionNorm(
        dimension=dimension,
        mean=round(float(np.mean(x)), 6),
        sd=round(sd, 6),
        n=n,
        percentiles=tuple(points),
        reliability=None if reliability is None or math.isnan(reliability)
        else round(reliability, 4),
    )


def sample_alpha(keyed: Any) -> float:
    """Cronbach's alpha of one scale's keyed items in the norm sample (listwise), the
    r_xx a norm table stores for the reliable change index; NaN if it cannot be had."""
    from relscale.reliability.classical import alpha_from_cov, covariance

    c, n = covariance(keyed, "listwise")
    return alpha_from_cov(c) if n >= 3 else float("nan")


# --- norms build ------------------------------------------------------------------------

DEFAULT_MIN_N = 200
"""Smallest norm group ``norms build`` accepts without ``--min-n`` (see docs/norms.md)."""


@dataclass(frozen=True)
class NormGroup:
    """One norm group of a reference sample: its rows and the table built from them."""

    group: dict[str, str]
    rows: Any
    """Indices of the sample rows in this group."""
    table: NormTable | None = None

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.group.items())) or _("all")

    @property
    def file_stem(self) -> str:
        """``all`` or e.g. ``gender-f`` / ``age_band-6-8_gender-f``: the file name in a folder."""
        if not self.group:
            return "all"
        parts = [f"{k}-{v}" for k, v in sorted(self.group.items())]
        return _slug("_".join(parts))


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "group"


def split_groups(
    ids: Mapping[str, Sequence[str]], group_by: Sequence[str], n: int, source: object = "data"
) -> tuple[list[NormGroup], int]:
    """The 'all' group and one group per combination of ``group_by`` values.

    Rows with an empty value in a grouping column belong to 'all' only; their count is
    returned so the caller can report it.
    """
    import numpy as np

    groups = [NormGroup(group={}, rows=np.arange(n))]
    if not group_by:
        return groups, 0
    for column in group_by:
        if column not in ids:
            have = ", ".join(ids) or _("none")
            raise RelscaleError(
                _("{source}: no column {column!r} to group by (non-item columns: {have})").format(
                    source=source, column=column, have=have
                )
            )
    keys = list(zip(*(ids[c] for c in group_by), strict=True))
    ungrouped = 0
    by_key: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(keys):
        clean = tuple(str(v).strip() for v in key)
        if any(v == "" for v in clean):
            ungrouped += 1
            continue
        by_key.setdefault(clean, []).append(i)
    for key in sorted(by_key):
        groups.append(
            NormGroup(group=dict(zip(group_by, key, strict=True)), rows=np.array(by_key[key]))
        )
    return groups, ungrouped


def build_norm_tables(
    adapted: AdaptedInstrument,
    values: Any,
    *,
    ids: Mapping[str, Sequence[str]] | None = None,
    group_by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    status: str = "local",
    source: str,
    year: int,
    note: str | None = None,
    banding: str = DEFAULT_BANDING,
    t_score: str = "normalized",
    data_name: object = "data",
) -> list[NormGroup]:
    """Norm tables from a reference sample: 'all', plus one per group with ``group_by``.

    Raw scores come from :func:`relscale.scoring.engine.score_responses` (the scorer's own rules:
    reverse keying, mean of keyed items, missing below ``min_answered``), so norms and
    scores can never disagree on what a raw score is.

    :raises RelscaleError: a grouping column that does not exist, or any norm group
        (including 'all') whose N for some dimension is below ``min_n``; the message
        lists every group that is too small.
    """
    import numpy as np

    x = np.asarray(values, dtype=float)
    scores = score_responses(adapted, x, source=data_name)
    groups, _ungrouped = split_groups(ids or {}, group_by, scores.n, data_name)
    bands = banding_bands(banding)
    too_small: list[str] = []
    built: list[NormGroup] = []
    for g in groups:
        ns = {d: int(np.sum(~np.isnan(scores.raw[d][g.rows]))) for d in scores.dimensions}
        low = {d: v for d, v in ns.items() if v < min_n}
        if low:
            worst = min(low, key=lambda d: low[d])
            too_small.append(
                _("{group} (N={n} for {dimension})").format(
                    group=g.label, n=low[worst], dimension=worst
                )
            )
            continue
        dims = []
        for d in scores.dimensions:
            # The lowest possible raw score: the scale minimum (a prorated sum: times k).
            floor = float(adapted.scale.min)
            if adapted.scoring.method == "sum":
                floor *= scores.n_items[d]
            cols = [j for j, item in enumerate(adapted.items) if item.dimension == d]
            dims.append(build_dimension_norm(
                d, scores.raw[d][g.rows], scale_min=floor,
                reliability=sample_alpha(scores.keyed[np.ix_(g.rows, cols)])))
        raw = np.column_stack([scores.raw[d][g.rows] for d in scores.dimensions])
        n_group = int(np.sum(~np.all(np.isnan(raw), axis=1)))
        table = NormTable(
            instrument=adapted.instrument,
            instrument_version=adapted.version,
            sector=adapted.sector,
            perspective=adapted.perspective,
            group=g.group,
            population=Population(
                n=n_group, year=year, source=source, status=status, note=note  # type: ignore[arg-type]
            ),
            banding=banding,
            t_score=t_score,  # type: ignore[arg-type]
            bands=bands,
            dimensions=tuple(dims),
        )
        built.append(NormGroup(group=g.group, rows=g.rows, table=table))
    if too_small:
        raise RelscaleError(
            _("{data}: norm group(s) below the minimum N of {min_n}: {groups} (merge groups, "
              "collect more data, or lower --min-n knowingly)").format(
                data=data_name, min_n=min_n, groups="; ".join(too_small)
            )
        )
    return built


# --- from a file, to files --------------------------------------------------------------

STATUSES = ("illustrative", "local", "published")
T_SCORES = ("normalized", "linear")


def check_build_options(status: str, t_score: str, min_n: int) -> None:
    """The choices :func:`build_norms_from_file` accepts; an error naming the option."""
    if status not in STATUSES:
        raise RelscaleError(
            _("--status {status!r}: choose illustrative, local or published").format(
                status=status
            )
        )
    if t_score not in T_SCORES:
        raise RelscaleError(
            _("--t-score {t_score!r}: choose normalized or linear").format(t_score=t_score)
        )
    if min_n < 2:
        raise RelscaleError(_("--min-n must be at least 2, got {min_n}").format(min_n=min_n))


def build_norms_from_file(
    data: Path | str,
    adapted: AdaptedInstrument,
    *,
    group_by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    status: str = "local",
    source: str | None = None,
    year: int | None = None,
    note: str | None = None,
    banding: str = DEFAULT_BANDING,
    t_score: str = "normalized",
    sheet: str | None = None,
) -> list[NormGroup]:
    """What ``relscale norms build`` does before writing: read a reference sample (as
    ``relscale score`` reads responses), score it, split it into groups, build a table each.

    ``scripts/build_illustrative_norms.py`` calls this too, so shipped tables are made
    exactly as a user's.

    :param source: where the sample comes from (default ``reference sample <file name>``).
    :param year: year of data collection (default this year).
    :param sheet: the sheet of a workbook sample (default its first, refused when hidden).
    :raises RelscaleError: an option out of range (see :func:`check_build_options`), no
        respondents, or a norm group below ``min_n`` (see :func:`build_norm_tables`).
    """
    from relscale.io.responses import read_responses

    check_build_options(status, t_score, min_n)
    data = Path(data)
    table = read_responses([data], adapted, sheet=sheet)
    if table.n == 0:
        raise DataError(_("{path}: no respondents").format(path=data))
    return build_norm_tables(
        adapted,
        table.values,
        ids=table.ids,
        group_by=group_by,
        min_n=min_n,
        status=status,
        source=source or f"reference sample {data.name}",
        year=year or datetime.date.today().year,
        note=note,
        banding=banding,
        t_score=t_score,
        data_name=data,
    )


def norm_group_paths(groups: Sequence[NormGroup], output: Path, grouped: bool) -> list[Path]:
    """One file without grouping; ``<folder>/all.toml`` and ``<folder>/<group>.toml`` with."""
    if not grouped:
        return [output]
    import hashlib
    from collections import Counter

    # Group values that slug to the same name (``a/b`` and ``a b``, ``é`` and ``è``) or
    # differ only in case (one file on macOS and Windows) would overwrite each other:
    # those get a short hash of their exact label, so every group has its own file.
    stems = [g.file_stem for g in groups]
    clash = Counter(stem.casefold() for stem in stems)
    paths = []
    for g, stem in zip(groups, stems, strict=True):
        if clash[stem.casefold()] > 1:
            digest = hashlib.sha1(g.label.encode("utf-8")).hexdigest()[:8]
            stem = f"{stem}-{digest}"
        paths.append(output / f"{stem}.toml")
    if len({str(p).casefold() for p in paths}) != len(paths):  # a hash clash: refuse
        raise RelscaleError(
            _("{path}: two norm groups would share a file name; rename a group value")
            .format(path=output)
        )
    return paths


def write_norm_groups(
    groups: Sequence[NormGroup],
    output: Path | str,
    *,
    grouped: bool = False,
    overwrite: bool = False,
    inputs: Sequence[Path | str] = (),
) -> list[Path]:
    """Write built norm tables: ``output`` is the file, or with ``grouped`` a folder for one
    file per group (:func:`norm_group_paths`). Every target is checked before any is
    written, so a refusal leaves nothing half done.

    :returns: the files written, in the order of ``groups``.
    :raises RelscaleError: with ``grouped``, ``output`` is a file; a target exists (without
        ``overwrite``) or is one of the ``inputs``.
    """
    from relscale.io.atomic import check_output
    from relscale.scoring.norms import write_norm_table

    output = Path(output)
    if grouped and output.exists() and not output.is_dir():
        raise RelscaleError(
            _("{path}: with --group-by, -o names a folder (one file per group)").format(
                path=output
            )
        )
    paths = norm_group_paths(groups, output, grouped)
    for path in paths:
        check_output(path, overwrite=overwrite, inputs=tuple(Path(p) for p in inputs))
    for g, path in zip(groups, paths, strict=True):
        assert g.table is not None  # built groups always have their table
        write_norm_table(g.table, path, overwrite=overwrite)
    return paths

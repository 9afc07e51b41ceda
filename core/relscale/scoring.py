"""The scoring engine: keyed item values to raw scale scores, flags and norm scores.

Vectorized with numpy over the whole response matrix (respondents x items, in the
adapted item order, NaN for a missing answer). Never imports openpyxl: reading files is
:mod:`relscale.responses`, writing them the exporters'.

The rules, the same as the scoring sheet's formulas (``docs/scoring.md``):

- A value must be one of the scale's integer points; anything else is an error naming
  the row and column, and nothing is scored.
- Reverse-keyed items are recoded as ``min + max - value``.
- A scale score is computed only when at least ``ceil(min_answered * k)`` of its ``k``
  items are answered; otherwise it is missing (NaN), never computed from a few answers.
- ``method = "mean"``: the mean of the answered keyed items. ``method = "sum"``: the
  *prorated* sum, mean x k, so a respondent with one allowed gap is on the same metric
  as one who answered everything.
- Straight-lining (optional): every answered item has the same raw value, over at least
  ``N`` answered items. Raw values, not keyed ones: the pattern is about the answering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError, where

if TYPE_CHECKING:
    import numpy as np

    from relscale.models import AdaptedInstrument, NormTable

# Output variable names: the same in CSV output, results workbook, codebook and
# scoring sheet.
STATUS = "status"
REASON = "reason"
STRAIGHTLINING = "straightlining"
NORM_GROUP = "norm_group"
NORM_STATUS = "norm_status"
NORM_SUFFIXES = ("percentile", "t", "band")

STATUS_SCORED = "scored"
STATUS_INCOMPLETE = "incomplete"
STATUS_REJECTED = "rejected"


def min_answered_count(n_items: int, share: float) -> int:
    """The fewest answered items a scale of ``n_items`` needs: ``ceil(share * n_items)``.

    The small tolerance keeps ``0.8 * 5`` at 4 even if the product lands a hair above.
    """
    return max(1, math.ceil(share * n_items - 1e-9))


def norm_columns(dimension: str) -> tuple[str, ...]:
    return tuple(f"{dimension}_{suffix}" for suffix in NORM_SUFFIXES)


@dataclass
class ScaleScores:
    """The result of :func:`score_responses` for ``n`` respondents."""

    dimensions: tuple[str, ...]
    raw: dict[str, np.ndarray]
    """Raw scale score per dimension (NaN where missing)."""
    answered: dict[str, np.ndarray]
    """Number of answered items per dimension."""
    needed: dict[str, int]
    """Answered items a scale needs to be scored."""
    n_items: dict[str, int]
    keyed: np.ndarray
    """The keyed item matrix (reverse-keyed items recoded)."""
    straightlining: np.ndarray | None = None
    """True where every answered item has the same value (only when asked for)."""
    norms: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """``{dimension: {'percentile': ..., 't': ..., 'band': ...}}`` when norms apply."""
    norm_group: list[str] | None = None
    norm_status: list[str] | None = None

    @property
    def n(self) -> int:
        return int(self.keyed.shape[0])

    def missing_scales(self) -> np.ndarray:
        """Boolean matrix respondents x dimensions: the scale score is missing."""
        import numpy as np

        return np.column_stack([np.isnan(self.raw[d]) for d in self.dimensions])

    def status(self) -> list[str]:
        """``scored`` / ``incomplete`` (some scales missing) / ``rejected`` (none scored)."""
        missing = self.missing_scales()
        n_missing = missing.sum(axis=1)
        out = []
        for m in n_missing.tolist():
            if m == 0:
                out.append(STATUS_SCORED)
            elif m == len(self.dimensions):
                out.append(STATUS_REJECTED)
            else:
                out.append(STATUS_INCOMPLETE)
        return out

    def reasons(self) -> list[str]:
        """Why a scale is missing, e.g. ``too few answers: conflict (3 of 7, needs 6)``."""
        import numpy as np

        total_answered = sum(self.answered[d] for d in self.dimensions)
        missing = self.missing_scales()
        out = [""] * self.n
        for i in np.flatnonzero(missing.any(axis=1)).tolist():
            if total_answered[i] == 0:
                out[i] = "no answers"
                continue
            parts = [
                f"{d} ({int(self.answered[d][i])} of {self.n_items[d]}, "
                f"needs {self.needed[d]})"
                for j, d in enumerate(self.dimensions)
                if missing[i, j]
            ]
            out[i] = "too few answers: " + ", ".join(parts)
        return out


def validate_values(
    adapted: AdaptedInstrument,
    values: np.ndarray,
    *,
    source: object = "data",
    rows: Sequence[int] | np.ndarray | None = None,
    columns: Sequence[str] | None = None,
    texts: Any = None,
) -> None:
    """Raise :class:`DataError` naming the first cell that is not a valid answer.

    :param values: respondents x items, NaN for missing.
    :param rows: the file row of each respondent (default: 1-based index).
    :param columns: the column name of each item (default: the item ids).
    :param texts: optional callable ``(i, j) -> str`` giving the cell as it was written.
    """
    import numpy as np

    lo, hi = adapted.scale.min, adapted.scale.max
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values != np.round(values)) | (values < lo) | (values > hi))
    if not bad.any():
        return
    flat = int(np.flatnonzero(bad)[0])
    i, j = divmod(flat, values.shape[1])
    row = int(rows[i]) if rows is not None else i + 1
    column = columns[j] if columns is not None else adapted.items[j].id
    shown = texts(i, j) if texts is not None else _format_value(values[i, j])
    raise DataError(
        f"{where(source, row, column)}: {shown!r} is not an answer on this scale "
        f"(whole numbers {lo} to {hi}, or empty for missing)"
    )


def _format_value(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def score_responses(
    adapted: AdaptedInstrument,
    values: np.ndarray,
    *,
    straightlining: int | None = None,
    validate: bool = True,
    source: object = "data",
    rows: Sequence[int] | np.ndarray | None = None,
) -> ScaleScores:
    """Score a response matrix.

    :param adapted: the instrument as adapted; its item order is the column order.
    :param values: float array respondents x items, NaN for missing answers.
    :param straightlining: flag respondents whose answered items are all equal, over at
        least this many answered items; None for no flag.
    :param validate: check values first (see :func:`validate_values`).
    :raises DataError: a value that is not a scale point (naming row and column), or a
        matrix of the wrong shape.
    """
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(adapted.items):
        raise DataError(
            f"{source}: expected {len(adapted.items)} item columns, got shape {values.shape}"
        )
    if validate:
        validate_values(adapted, values, source=source, rows=rows)
    lo, hi = adapted.scale.min, adapted.scale.max
    reverse = np.array([item.keying == "-" for item in adapted.items])
    keyed = values.copy()
    if reverse.any():
        keyed[:, reverse] = (lo + hi) - values[:, reverse]
    answered_mask = ~np.isnan(keyed)

    raw: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    needed: dict[str, int] = {}
    n_items: dict[str, int] = {}
    dims = tuple(d.id for d in adapted.dimensions)
    for dim in dims:
        cols = np.array([k for k, item in enumerate(adapted.items) if item.dimension == dim])
        k = len(cols)
        sub = keyed[:, cols]
        count = answered_mask[:, cols].sum(axis=1)
        need = min_answered_count(k, adapted.scoring.min_answered)
        total = np.where(answered_mask[:, cols], sub, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        score = mean * k if adapted.scoring.method == "sum" else mean
        raw[dim] = np.where(count >= need, score, np.nan)
        answered[dim] = count
        needed[dim] = need
        n_items[dim] = k

    flag = None
    if straightlining is not None:
        n_answered = answered_mask.sum(axis=1)
        big = np.where(answered_mask, values, -np.inf).max(axis=1)
        small = np.where(answered_mask, values, np.inf).min(axis=1)
        flag = (n_answered >= straightlining) & (big == small)
    return ScaleScores(
        dimensions=dims,
        raw=raw,
        answered=answered,
        needed=needed,
        n_items=n_items,
        keyed=keyed,
        straightlining=flag,
    )


# --- norms ---------------------------------------------------------------------------


def apply_norm_table(table: NormTable, dimension: str, raw: np.ndarray) -> dict[str, np.ndarray]:
    """Percentile, T and band for raw scores under one norm table.

    Uses :func:`relscale.norms.apply_norms` when the norms module provides it, so there is
    one definition; :func:`_apply_norms_reference` is the contract it implements.
    """
    try:
        from relscale.norms import apply_norms  # type: ignore[attr-defined]
    except ImportError:
        return _apply_norms_reference(table, dimension, raw)
    return apply_norms(table, dimension, raw)  # type: ignore[no-any-return]


def _apply_norms_reference(
    table: NormTable, dimension: str, raw: np.ndarray
) -> dict[str, np.ndarray]:
    """The step-function contract: the point with the largest ``raw <= x`` gives the
    percentile (and normalized T); below the first point, the first point's. Linear T is
    ``50 + 10 * (x - mean) / sd``. The band is the one with ``lower <= percentile``
    largest (bands are contiguous; the last is closed)."""
    import numpy as np

    norm = table.dimension(dimension)
    raw = np.asarray(raw, dtype=np.float64)
    n = raw.shape[0]
    if norm is None:
        nan = np.full(n, np.nan)
        return {"percentile": nan, "t": nan.copy(), "band": np.full(n, "", dtype=object)}
    xs = np.array([p.raw for p in norm.percentiles])
    pcts = np.array([p.percentile for p in norm.percentiles])
    valid = ~np.isnan(raw)
    idx = np.clip(np.searchsorted(xs, np.where(valid, raw, 0.0), side="right") - 1, 0, None)
    percentile = np.where(valid, pcts[idx], np.nan)
    if table.t_score == "linear":
        t = 50 + 10 * (raw - norm.mean) / norm.sd
    else:
        ts = np.array([np.nan if p.t is None else p.t for p in norm.percentiles])
        t = np.where(valid, ts[idx], np.nan)
    lowers = np.array([b.lower for b in table.bands])
    labels = np.array([b.label for b in table.bands], dtype=object)
    bidx = np.clip(np.searchsorted(lowers, np.where(valid, percentile, 0.0), side="right") - 1,
                   0, None)
    band = np.where(valid, labels[bidx], "")
    return {"percentile": percentile, "t": t, "band": band.astype(object)}


def select_table(tables: Sequence[NormTable], group: dict[str, str]) -> NormTable | None:
    """The norm table for a group, via :func:`relscale.norms.select_norm_table` if present.

    Fallback: an exact group match, else the table with no group (``all``), else None.
    """
    try:
        from relscale.norms import select_norm_table  # type: ignore[attr-defined]
    except ImportError:
        select_norm_table = None
    if select_norm_table is not None:
        try:
            return select_norm_table(tables, group)  # type: ignore[no-any-return]
        except LookupError:
            return None
    for t in tables:
        if t.group == group:
            return t
    for t in tables:
        if not t.group:
            return t
    return None


def add_norms(
    scores: ScaleScores,
    tables: Sequence[NormTable],
    groups: Sequence[dict[str, str]] | dict[str, str] | None = None,
) -> None:
    """Fill ``scores.norms``, ``norm_group`` and ``norm_status`` in place.

    :param groups: one norm group for everyone (a dict) or one per respondent.
    """
    import numpy as np

    n = scores.n
    per_row: list[dict[str, str]]
    if groups is None or isinstance(groups, dict):
        per_row = [dict(groups or {})] * n
    else:
        per_row = [dict(g) for g in groups]
    keys = [tuple(sorted(g.items())) for g in per_row]
    distinct = dict.fromkeys(keys)
    result = {
        d: {
            "percentile": np.full(n, np.nan),
            "t": np.full(n, np.nan),
            "band": np.full(n, "", dtype=object),
        }
        for d in scores.dimensions
    }
    group_label = [""] * n
    status = [""] * n
    keys_arr = np.array(_index(keys, distinct), dtype=np.int64)
    for gi, key in enumerate(distinct):
        rows = np.flatnonzero(keys_arr == gi)
        table = select_table(tables, dict(key))
        if table is None:
            label = "none: no norm table for " + (
                ", ".join(f"{k}={v}" for k, v in key) or "all"
            )
            for r in rows.tolist():
                group_label[r] = label
            continue
        desc = describe_table(table)
        for r in rows.tolist():
            group_label[r] = desc
            status[r] = table.population.status
        for d in scores.dimensions:
            part = apply_norm_table(table, d, scores.raw[d][rows])
            for name in NORM_SUFFIXES:
                result[d][name][rows] = part[name]
    scores.norms = result
    scores.norm_group = group_label
    scores.norm_status = status


def _index(keys: list[Any], distinct: dict[Any, None]) -> list[int]:
    position = {k: i for i, k in enumerate(distinct)}
    return [position[k] for k in keys]


def describe_table(table: NormTable) -> str:
    """A one-line name of a norm table, e.g. ``education/professional (all), N=400, 2024``."""
    text = (
        f"{table.sector}/{table.perspective} ({table.group_label}), "
        f"N={table.population.n}, {table.population.year}, {table.banding}"
    )
    if table.population.status == "illustrative":
        text += ", illustrative norms from synthetic data: not for decisions"
    return text

"""Checking answer values against an instrument's response scale.

Below the scorer on purpose: the readers validate what they read (naming the file's own
rows and columns), and :func:`relscale.scoring.engine.score_responses` validates a matrix
given from Python the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError
from relscale.i18n import _
from relscale.messages import where

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument


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
    na = adapted.scale.not_applicable
    first: tuple[int, int] | None = None
    # Column by column: temporaries of one column, not of the whole matrix.
    for j in range(values.shape[1] if values.ndim == 2 else 0):
        col = values[:, j]
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(col) & ((col != np.round(col)) | (col < lo) | (col > hi))
            if na is not None:
                bad &= col != na.value
        if bad.any():
            cell = (int(np.argmax(bad)), j)
            first = cell if first is None or cell < first else first
    if first is None:
        return
    i, j = first
    row = int(rows[i]) if rows is not None else i + 1
    column = columns[j] if columns is not None else adapted.items[j].id
    shown = texts(i, j) if texts is not None else _format_value(values[i, j])
    na = adapted.scale.not_applicable
    if na is not None:
        raise DataError(
            _("{where}: {value!r} is not an answer on this scale (whole numbers {lo} to {hi}, "
              "{na} for does not apply, or empty for missing)").format(
                where=where(source, row, column), value=shown, lo=lo, hi=hi, na=na.value)
        )
    raise DataError(
        _("{where}: {value!r} is not an answer on this scale (whole numbers {lo} to {hi}, "
          "or empty for missing)").format(where=where(source, row, column), value=shown, lo=lo,
                                          hi=hi)
    )


def not_applicable_to_missing(adapted: AdaptedInstrument, values: np.ndarray) -> np.ndarray:
    """``values`` with the scale's 'does not apply' code replaced by NaN (missing): the
    code records why an answer is absent, and is never a score."""
    import numpy as np

    na = adapted.scale.not_applicable
    if na is None:
        return values
    return np.where(values == na.value, np.nan, values)


def mark_not_applicable(adapted: AdaptedInstrument, table: Any) -> None:
    """Replace the 'does not apply' code in a response table's values by NaN (missing),
    keeping where it was in ``table.not_applicable`` (a boolean matrix; None when the
    scale has no such code): scoring never sees it, a store keeps it as given."""
    import numpy as np

    na = adapted.scale.not_applicable
    if na is None:
        return
    with np.errstate(invalid="ignore"):
        table.not_applicable = table.values == na.value
    table.values = not_applicable_to_missing(adapted, table.values)


def _format_value(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def check_range(table: Any, scale_min: float | None, scale_max: float | None) -> None:
    """Refuse answers outside ``--scale-min`` / ``--scale-max`` (naming file, row, column):
    reversing on a scale the data do not have gives answers that are no answers."""
    import numpy as np

    x = table.values
    with np.errstate(invalid="ignore"):
        outside = np.zeros(x.shape, dtype=bool)
        if scale_min is not None:
            outside |= x < scale_min
        if scale_max is not None:
            outside |= x > scale_max
    hits = np.argwhere(outside)
    if len(hits):
        i, j = (int(v) for v in hits[0])
        raise DataError(
            _("{where}: {value:g} is outside the scale given (--scale-min {lo}, "
              "--scale-max {hi}); check the options against the data").format(
                where=where(table.source, int(table.rows[i]), table.items[j]),
                value=float(x[i, j]), lo=_bound(scale_min), hi=_bound(scale_max)))


def _bound(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"

"""Change between two measurements of one pair: the reliable change index.

Coaching is evaluated by measuring a professional-client pair twice. Whether a change is
larger than measurement error is read from the reliable change index (Jacobson & Truax,
1991)::

    RCI = (after - before) / S_diff,   S_diff = SD * sqrt(2) * sqrt(1 - r_xx)

with the SD and the reliability ``r_xx`` of the norm table
(:attr:`relscale.model.models.DimensionNorm.reliability`). ``|RCI| > 1.96`` is a change
larger than measurement error (two-sided, 5 %).

A response table with a ``wave`` column (and the pair codes ``respondent_code`` and,
when present, ``subject_code``) gets ``<dimension>_rci`` in ``relscale score`` output:
each row after a pair's first wave, compared with that first wave.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from relscale.model.models import NormTable

RCI_CRITICAL = 1.96
WAVE = "wave"
PAIR_COLUMNS = ("respondent_code", "subject_code")


def reliable_change(before: float, after: float, sd: float, reliability: float) -> float:
    """The Jacobson-Truax reliable change index; NaN when it cannot be computed."""
    if any(math.isnan(v) for v in (before, after, sd, reliability)):
        return float("nan")
    if sd <= 0 or not reliability < 1:
        return float("nan")
    s_diff = sd * math.sqrt(2.0) * math.sqrt(1.0 - reliability)
    return (after - before) / s_diff


def is_reliable(rci: float) -> bool:
    """True when ``|rci|`` exceeds :data:`RCI_CRITICAL` (change beyond measurement error)."""
    return not math.isnan(rci) and abs(rci) > RCI_CRITICAL


def wave_key(value: Any) -> tuple[int, float, str]:
    """Order waves numerically when they are numbers (2 before 10), else as text."""
    text = str(value).strip()
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def rci_columns(
    ids: Mapping[str, Sequence[Any]],
    raw: Mapping[str, Any],
    table: NormTable | Sequence[NormTable | None] | None,
) -> dict[str, list[float]] | None:
    """``{dimension: rci per row}`` against each pair's first wave; None without ``wave``.

    ``table``: the norm table, or one per row: the table each row's scores were placed
    with (:attr:`relscale.scoring.engine.ScaleScores.norm_tables`), whose SD and
    reliability that row's RCI takes. Rows of a pair's first wave, rows without a wave or
    a table, and dimensions without a reliability in the table get NaN.
    """
    if WAVE not in ids or table is None:
        return None
    waves = [str(w).strip() if w is not None else "" for w in ids[WAVE]]
    n = len(waves)
    keys = [tuple(str(ids[c][i]).strip() for c in PAIR_COLUMNS if c in ids) for i in range(n)]
    first: dict[tuple[str, ...], int] = {}
    for i in sorted((i for i in range(n) if waves[i]), key=lambda i: wave_key(waves[i])):
        first.setdefault(keys[i], i)
    tables = [table] * n if isinstance(table, NormTable) else list(table)
    out: dict[str, list[float]] = {}
    for dimension, scores in raw.items():
        column = [float("nan")] * n
        for i in range(n):
            j = first.get(keys[i])
            if not waves[i] or j is None or j == i or waves[j] == waves[i]:
                continue
            table_i = tables[i]
            norm = table_i.dimension(dimension) if table_i is not None else None
            if norm is None or norm.reliability is None:
                continue
            column[i] = reliable_change(float(scores[j]), float(scores[i]), norm.sd,
                                        norm.reliability)
        out[dimension] = column
    return out

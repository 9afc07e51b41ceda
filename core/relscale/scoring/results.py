"""Scored output: the flat table and its CSV (the workbook: relscale.workbooks.results).

The column names are the variable names used everywhere (codebook, scoring sheet):
identifier columns as given, item ids, ``<dimension>`` raw scores, then
``<dimension>_percentile`` / ``_t`` / ``_band`` when norms apply, ``status``, ``reason``,
``straightlining`` (when asked for), ``norm_group`` and ``norm_status``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.io.csv_safety import csv_text
from relscale.model import columns as col

if TYPE_CHECKING:
    import numpy as np

    from relscale.io.responses import ResponseTable
    from relscale.model.models import AdaptedInstrument
    from relscale.scoring.engine import ScaleScores


@dataclass
class ScoredTable:
    """Column-wise scored output; every input respondent is one row."""

    columns: list[str]
    data: dict[str, Sequence[Any] | np.ndarray]
    kinds: dict[str, str]
    """Per column: ``id``, ``item``, ``raw``, ``percentile``, ``t``, ``band``, ``text``."""
    n: int

    def rows(self) -> Iterator[list[Any]]:
        cols = [self.data[c] for c in self.columns]
        for i in range(self.n):
            yield [col[i] for col in cols]

    def summary(self) -> dict[str, int]:
        status = self.data[col.STATUS]
        return {
            s: sum(1 for x in status if x == s)
            for s in (col.STATUS_SCORED, col.STATUS_INCOMPLETE, col.STATUS_REJECTED)
        }


def build_scored_table(
    table: ResponseTable, adapted: AdaptedInstrument, scores: ScaleScores
) -> ScoredTable:
    columns: list[str] = []
    data: dict[str, Any] = {}
    kinds: dict[str, str] = {}

    def add(name: str, values: Any, kind: str) -> None:
        columns.append(name)
        data[name] = values
        kinds[name] = kind

    for name in table.id_columns:
        add(name, table.ids[name], "id")
    for j, item in enumerate(adapted.item_ids):
        add(item, table.values[:, j], "item")
    for d in scores.dimensions:
        add(d, scores.raw[d], "raw")
    if scores.norms:
        for d in scores.dimensions:
            for suffix in col.NORM_SUFFIXES:
                add(f"{d}_{suffix}", scores.norms[d][suffix], suffix)
    if scores.norms:
        from relscale.scoring.change import rci_columns
        from relscale.scoring.norms import select_norm_table

        change = rci_columns(table.ids, scores.raw, select_norm_table(adapted.norms, {}))
        for d, values in (change or {}).items():
            add(f"{d}_{col.RCI_SUFFIX}", values, "rci")
    add(col.STATUS, scores.status(), "text")
    add(col.REASON, scores.reasons(), "text")
    if scores.straightlining is not None:
        add(col.STRAIGHTLINING, scores.straightlining.astype(int), "flag")
    if scores.norm_group is not None:
        add(col.NORM_GROUP, scores.norm_group, "text")
        add(col.NORM_STATUS, scores.norm_status, "text")
    return ScoredTable(columns=columns, data=data, kinds=kinds, n=scores.n)


def format_cell(value: Any, kind: str) -> str:
    """A cell as CSV text: empty for missing, integers for items, shortest float repr."""
    if kind in ("id", "text", "band"):
        return csv_text(value)  # OWASP CSV-injection policy: relscale.io.csv_safety
    x = float(value)
    if math.isnan(x):
        return ""
    if kind in ("item", "flag"):
        return str(int(x))
    return repr(x)


def write_csv(scored: ScoredTable, path: Path) -> None:
    kinds = [scored.kinds[c] for c in scored.columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(scored.columns)
        for row in scored.rows():
            writer.writerow([format_cell(v, k) for v, k in zip(row, kinds, strict=True)])

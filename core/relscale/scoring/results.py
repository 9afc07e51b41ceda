"""Scored output: the flat table and its CSV (the workbook: relscale.workbooks.results).

The column names are the variable names used everywhere (codebook, scoring sheet):
identifier columns as given, item ids, ``<dimension>`` raw scores, the answer counts
``<dimension>_n_missing`` / ``_n_na`` (scales with a 'does not apply' code), then
``<dimension>_percentile`` / ``_t`` / ``_band`` when norms apply, ``status``, ``reason``,
``straightlining`` (when asked for), ``norm_group``, ``norm_status`` and
``scored_as_sector`` (where the data do not name their sector themselves).

An item column keeps what was answered: the 'does not apply' code stays that code (it is
missing for the scores only), so it can be told from an answer left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.io.csv_safety import csv_text
from relscale.io.csv_safety import writer as csv_writer
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
    """Per column: ``id``, ``item``, ``raw``, ``count``, ``percentile``, ``t``, ``band``,
    ``rci``, ``text``, ``flag``."""
    n: int

    def rows(self) -> Iterator[list[Any]]:
        cols = [self.data[c] for c in self.columns]
        for i in range(self.n):
            yield [col[i] for col in cols]

    def summary(self) -> dict[str, int]:
        from collections import Counter

        count = Counter(self.data[col.STATUS])
        return {
            s: count[s] for s in (col.STATUS_SCORED, col.STATUS_INCOMPLETE, col.STATUS_REJECTED)
        }


def build_scored_table(
    table: ResponseTable, adapted: AdaptedInstrument, scores: ScaleScores,
    scored_as: str | None = None,
) -> ScoredTable:
    """The output table of one scoring run; ``scored_as``: the sector to record in a
    ``scored_as_sector`` column (:data:`relscale.model.columns.SCORED_AS`), or None."""
    columns: list[str] = []
    data: dict[str, Any] = {}
    kinds: dict[str, str] = {}

    def add(name: str, values: Any, kind: str) -> None:
        columns.append(name)
        data[name] = values
        kinds[name] = kind

    for name in table.id_columns:
        add(name, table.ids[name], "id")
    na = getattr(adapted.scale, "not_applicable", None)
    marked = table.not_applicable
    for j, item in enumerate(adapted.item_ids):
        answers = table.values[:, j]
        if na is not None and marked is not None and marked[:, j].any():
            import numpy as np

            answers = np.where(marked[:, j], float(na.value), answers)
        add(item, answers, "item")
    for d in scores.dimensions:
        add(d, scores.raw[d], "raw")
    for name, dimension, suffix in col.count_columns(adapted):
        add(name, answer_counts(table, adapted, dimension)[suffix], "count")
    if scores.norms:
        for d in scores.dimensions:
            for suffix in col.NORM_SUFFIXES:
                add(f"{d}_{suffix}", scores.norms[d][suffix], suffix)
    if scores.norms:
        from relscale.scoring.change import rci_columns
        from relscale.scoring.norms import select_norm_table

        # each row's RCI with the SD and reliability of the table its scores were placed
        # with (a norm group's, a --norms file's), named in its norm_group column
        used = scores.norm_tables or select_norm_table(adapted.norms, {})
        change = rci_columns(table.ids, scores.raw, used)
        for d, values in (change or {}).items():
            add(f"{d}_{col.RCI_SUFFIX}", values, "rci")
    add(col.STATUS, scores.status(), "text")
    add(col.REASON, scores.reasons(), "text")
    if scores.straightlining is not None:
        add(col.STRAIGHTLINING, scores.straightlining.astype(int), "flag")
    if scores.norm_group is not None:
        add(col.NORM_GROUP, scores.norm_group, "text")
        add(col.NORM_STATUS, scores.norm_status, "text")
    if scored_as is not None:
        add(col.SCORED_AS, [scored_as] * scores.n, "text")
    return ScoredTable(columns=columns, data=data, kinds=kinds, n=scores.n)


def answer_counts(table: ResponseTable, adapted: AdaptedInstrument,
                  dimension: str) -> dict[str, np.ndarray]:
    """Per respondent, the items of ``dimension`` left unanswered (``n_missing``) and
    answered 'does not apply' (``n_na``)."""
    import numpy as np

    columns = [j for j, item in enumerate(adapted.items) if item.dimension == dimension]
    empty = np.isnan(table.values[:, columns])
    marked = (table.not_applicable[:, columns] if table.not_applicable is not None
              else np.zeros_like(empty))
    return {col.N_NA_SUFFIX: marked.sum(axis=1).astype(np.int64),
            col.N_MISSING_SUFFIX: (empty & ~marked).sum(axis=1).astype(np.int64)}


def format_cell(value: Any, kind: str) -> str:
    """A cell as CSV text: empty for missing, integers for items, shortest float repr."""
    if kind in ("id", "text", "band"):
        return csv_text(value)  # OWASP CSV-injection policy: relscale.io.csv_safety
    x = float(value)
    if math.isnan(x):
        return ""
    if kind in ("item", "flag", "count"):
        return str(int(x))
    return repr(x)


# polars prints a finite float exactly as Python's repr() in this range (shortest
# round-trip digits, fixed notation); outside it repr switches to 1e-05 / 1e+16 style.
_POLARS_FLOAT_MIN = 1e-4
_POLARS_FLOAT_MAX = 1e16
FLOAT_RANGE = (_POLARS_FLOAT_MIN, _POLARS_FLOAT_MAX)
_INT_MAX = float(2**53)
WRITE_ROWS = 250_000


DECIMALS = 4
"""Decimals of the scores in a CSV (``relscale score --decimals``): enough to rank and to
recompute, without float noise (``2.8333333333333335``). The .sav and the workbooks keep
full precision."""
ROUNDED_KINDS = ("raw", "percentile", "t", "rci")


def rounded(scored: ScoredTable, decimals: int | None) -> ScoredTable:
    """``scored`` with its score columns rounded to ``decimals`` (numpy's round half to
    even); the same table when ``decimals`` is None."""
    if decimals is None:
        return scored
    import numpy as np

    data = dict(scored.data)
    for name in scored.columns:
        if scored.kinds[name] in ROUNDED_KINDS:
            data[name] = np.round(np.asarray(data[name], dtype=np.float64), decimals)
    return ScoredTable(columns=scored.columns, data=data, kinds=scored.kinds, n=scored.n)


def write_csv(scored: ScoredTable, path: Path, decimals: int | None = DECIMALS) -> None:
    """The scored table as CSV (UTF-8, ``,``, CRLF line ends, quoted only where needed),
    scores rounded to ``decimals`` (None: full precision, the shortest repr).

    Column-wise: each column becomes one typed polars column (text, integers for items,
    floats for scores, missing as null) and polars writes the rows, so no Python code runs
    per cell. The bytes are those of :func:`format_cell` through :func:`csv.writer`
    (``tests/test_results_csv.py`` keeps that as the reference); a column polars would
    print differently (a float outside 1e-4 .. 1e16, a non-integral item) is formatted
    cell by cell with :func:`format_cell` instead.
    """
    import io

    import polars as pl

    scored = rounded(scored, decimals)
    if len(scored.columns) < 2 or len(set(scored.columns)) != len(scored.columns):
        _write_csv_rows(scored, path)  # csv quotes a lone empty cell; names must be unique
        return
    head = io.StringIO()
    csv_writer(head).writerow(scored.columns)
    with path.open("wb") as fh:
        fh.write(head.getvalue().encode("utf-8"))
        # In slices of rows, so the typed copy of the table is a slice, not a second table.
        for start in range(0, scored.n, WRITE_ROWS):
            stop = min(start + WRITE_ROWS, scored.n)
            columns = [
                _polars_column(pl, f"c{j}", scored.data[name][start:stop], scored.kinds[name])
                for j, name in enumerate(scored.columns)
            ]
            frame = pl.DataFrame([c for c, _text in columns])
            texts = [c.name for c, text in columns if text]
            if texts:  # one pass over every text column (a pass each: quadratic in width)
                frame = frame.with_columns(_empty_as_null_expr(guard_expr(pl.col(n))).alias(n)
                                           for n in texts)
            frame.write_csv(
                fh, include_header=False, line_terminator="\r\n", quote_style="necessary",
                null_value="",
            )


def _polars_column(pl: Any, name: str, values: Any, kind: str) -> tuple[Any, bool]:
    """The column as polars will write it, and whether it is text still to be guarded
    and emptied (:func:`guard_expr`, done for all such columns at once)."""
    import numpy as np

    if kind in ("id", "text", "band"):
        few = None if kind == "id" else _few_texts(values)
        if few is not None:
            # Status, band and norm group repeat a few texts: each text stored once, rows
            # point to it (the norm group description alone is 125 MB per million rows).
            cells = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
            codes = np.zeros(len(cells), dtype=np.uint32)
            for k, text in enumerate(few[1:], start=1):
                codes[cells == text] = k
            shown = [csv_text(text) for text in few]  # the CSV-injection policy, per text
            return _empty_as_null(pl.Series(name, shown, dtype=pl.String).gather(codes)), False
        try:
            return pl.Series(name, values, dtype=pl.String, strict=True), True
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            s = pl.Series(name, [format_cell(v, kind) for v in values], dtype=pl.String)
        return _empty_as_null(s), False
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        x = None
    if x is not None and x.ndim == 1:
        finite = x[~np.isnan(x)]
        if kind in ("item", "flag", "count"):
            if (
                np.isfinite(finite).all()
                and (np.abs(finite) < _INT_MAX).all()
                and (finite == np.trunc(finite)).all()
            ):
                small = finite.size == 0 or (np.abs(finite) < 128).all()
                return (pl.Series(name, x).fill_nan(None).cast(pl.Int8 if small else pl.Int64),
                        False)
        elif floats_print_as_repr(x):
            return pl.Series(name, x).fill_nan(None), False
    return _empty_as_null(pl.Series(name, [format_cell(v, kind) for v in values],
                                    dtype=pl.String)), False


def floats_print_as_repr(x: np.ndarray) -> bool:
    """Whether polars prints every number of ``x`` (NaN: missing) as :func:`format_cell`:
    finite, zero (not -0.0) or between 1e-4 and 1e16 in size."""
    import numpy as np

    finite = x[~np.isnan(x)]
    size = np.abs(finite)
    return bool(np.isfinite(finite).all() and (
        (size == 0) | ((size >= _POLARS_FLOAT_MIN) & (size < _POLARS_FLOAT_MAX))
    ).all() and not np.signbit(finite[size == 0]).any())


def _few_texts(values: Any) -> list[str] | None:
    """The distinct values when they are at most 16 texts, else None."""
    try:
        distinct = set(values)
    except TypeError:
        return None
    if len(distinct) > 16 or not all(type(v) is str for v in distinct):
        return None
    return sorted(distinct)


# relscale.io.csv_safety's policy as a polars expression: its plain-number pattern, with
# Python's "$" (end, or before a final newline) spelt out for Rust's regex.
_TRIGGER = r"^[=+\-@\t\r]"
TRIGGER = _TRIGGER
_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\n?$"


def guard_expr(cell: Any) -> Any:
    """:func:`relscale.io.csv_safety.csv_text` as a polars expression over a String
    column (None stays None)."""
    import polars as pl

    guard = cell.str.contains(_TRIGGER) & ~cell.str.contains(_PLAIN_NUMBER)
    return pl.when(guard).then(pl.lit("'") + cell).otherwise(cell)


def _empty_as_null_expr(cell: Any) -> Any:
    """:func:`_empty_as_null` as a polars expression."""
    import polars as pl

    return pl.when(cell.str.len_bytes() > 0).then(cell)


def _empty_as_null(s: Any) -> Any:
    """csv.writer writes "" as nothing; polars would quote it. Null prints as nothing."""
    import polars as pl

    return s.to_frame().select(
        pl.when(pl.first().str.len_bytes() > 0).then(pl.first()).alias(s.name)
    ).to_series()


def _write_csv_rows(scored: ScoredTable, path: Path) -> None:
    """Row by row through :mod:`csv` (small or unusual tables only)."""
    kinds = [scored.kinds[c] for c in scored.columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh)
        writer.writerow(scored.columns)
        for row in scored.rows():
            writer.writerow([format_cell(v, k) for v, k in zip(row, kinds, strict=True)])

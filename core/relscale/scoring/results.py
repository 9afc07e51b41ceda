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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.io.bulk_table import ItemColumn, TextColumn
from relscale.io.csv_safety import TRIGGER_PATTERN, csv_text, guard_expr
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
    coded: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    """Text columns that repeat a few texts, also as those texts and, per row, the
    position of its own (:attr:`relscale.scoring.engine.ScaleScores.coded`): how the CSV
    writer takes them."""
    series: dict[str, Any] = field(default_factory=dict)
    """Item columns also held as polars columns (read in bulk:
    :attr:`relscale.io.tables.ResponseTable.answers`), which the CSV writer takes as they
    are."""

    def rows(self) -> Iterator[list[Any]]:
        cols = [self.data[c] for c in self.columns]
        for i in range(self.n):
            yield [col[i] for col in cols]

    def summary(self) -> dict[str, int]:
        from collections import Counter

        coded = self.coded.get(col.STATUS)
        if coded is not None:
            import numpy as np

            texts, codes = coded
            counts = np.bincount(codes, minlength=len(texts))
            count = Counter({t: int(c) for t, c in zip(texts, counts, strict=True)})
        else:
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
    import numpy as np

    from relscale.scoring.engine import STATUSES, coded_texts

    columns: list[str] = []
    data: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    coded: dict[str, tuple[list[str], np.ndarray]] = {}

    def add(name: str, values: Any, kind: str) -> None:
        columns.append(name)
        data[name] = values
        kinds[name] = kind

    def add_coded(name: str, texts: list[str], codes: np.ndarray, kind: str = "text") -> None:
        add(name, coded_texts(texts, codes), kind)
        coded[name] = (texts, codes)

    for name in table.id_columns:
        add(name, table.ids[name], "id")
    na = getattr(adapted.scale, "not_applicable", None)
    marked = table.not_applicable
    series: dict[str, Any] = {}
    for j, item in enumerate(adapted.item_ids):
        answers = table.item_column(j)
        if na is not None and marked is not None and marked[:, j].any():
            answers = np.where(marked[:, j], float(na.value), answers)
        elif isinstance(answers, ItemColumn):
            series[item] = answers.series
        add(item, answers, "item")
    for d in scores.dimensions:
        add(d, scores.raw[d], "raw")
    for name, dimension, suffix in col.count_columns(adapted):
        add(name, answer_counts(table, adapted, dimension)[suffix], "count")
    if scores.norms:
        for d in scores.dimensions:
            for suffix in col.NORM_SUFFIXES:
                name = f"{d}_{suffix}"
                add(name, scores.norms[d][suffix], suffix)
                if name in scores.coded:
                    coded[name] = scores.coded[name]
    if scores.norms:
        from relscale.scoring.change import rci_columns
        from relscale.scoring.norms import select_norm_table

        # each row's RCI with the SD and reliability of the table its scores were placed
        # with (a norm group's, a --norms file's), named in its norm_group column
        used = scores.norm_tables or select_norm_table(adapted.norms, {})
        change = rci_columns(table.ids, scores.raw, used)
        for d, values in (change or {}).items():
            add(f"{d}_{col.RCI_SUFFIX}", values, "rci")
    add_coded(col.STATUS, list(STATUSES), scores.status_codes())
    add_coded(col.REASON, *scores.reason_codes())
    if scores.straightlining is not None:
        add(col.STRAIGHTLINING, scores.straightlining.astype(int), "flag")
    if scores.norm_group is not None:
        for name, texts in ((col.NORM_GROUP, scores.norm_group),
                            (col.NORM_STATUS, scores.norm_status)):
            add(name, texts, "text")
            if name in scores.coded:
                coded[name] = scores.coded[name]
    if scored_as is not None:
        add_coded(col.SCORED_AS, [scored_as], np.zeros(scores.n, dtype=np.uint32))
    return ScoredTable(columns=columns, data=data, kinds=kinds, n=scores.n, coded=coded,
                       series=series)


def answer_counts(table: ResponseTable, adapted: AdaptedInstrument,
                  dimension: str) -> dict[str, np.ndarray]:
    """Per respondent, the items of ``dimension`` left unanswered (``n_missing``) and
    answered 'does not apply' (``n_na``); a column at a time."""
    import numpy as np

    columns = [j for j, item in enumerate(adapted.items) if item.dimension == dimension]
    n_na = np.zeros(table.n, dtype=np.int64)
    n_missing = np.zeros(table.n, dtype=np.int64)
    for j in columns:
        empty = table.item_missing(j)
        if table.not_applicable is not None:
            marked = table.not_applicable[:, j]
            n_na += marked
            empty &= ~marked
        n_missing += empty
    return {col.N_NA_SUFFIX: n_na, col.N_MISSING_SUFFIX: n_missing}


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
    return ScoredTable(columns=scored.columns, data=data, kinds=scored.kinds, n=scored.n,
                       coded=scored.coded, series=scored.series)


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

    if len(scored.columns) < 2 or len(set(scored.columns)) != len(scored.columns):
        # csv quotes a lone empty cell; names must be unique
        _write_csv_rows(rounded(scored, decimals), path)
        return
    head = io.StringIO()
    csv_writer(head).writerow(scored.columns)
    with path.open("wb") as fh:
        fh.write(head.getvalue().encode("utf-8"))
        # In slices of rows, so the typed copy of the table is a slice, not a second table.
        for start in range(0, scored.n, WRITE_ROWS):
            stop = min(start + WRITE_ROWS, scored.n)
            columns = [_slice_column(pl, scored, name, f"c{j}", start, stop, decimals)
                       for j, name in enumerate(scored.columns)]
            frame = pl.DataFrame([c for c, _text in columns])
            texts = _to_guard(frame, [c.name for c, text in columns if text])
            if texts:  # one pass over every text column (a pass each: quadratic in width)
                frame = frame.with_columns(_empty_as_null_expr(guard_expr(pl.col(n))).alias(n)
                                           for n in texts)
            frame.write_csv(
                fh, include_header=False, line_terminator="\r\n", quote_style="necessary",
                null_value="",
            )


def _slice_column(pl: Any, scored: ScoredTable, name: str, alias: str, start: int, stop: int,
                  decimals: int | None) -> tuple[Any, bool]:
    """Rows ``start:stop`` of one column as polars will write it (:func:`_polars_column`),
    scores rounded to ``decimals`` a slice at a time (:func:`rounded`)."""
    if name in scored.coded:
        return _coded_column(pl, alias, scored.coded[name], start, stop)
    if name in scored.series:
        return scored.series[name].slice(start, stop - start).alias(alias), False
    kind = scored.kinds[name]
    values = scored.data[name][start:stop]
    if decimals is not None and kind in ROUNDED_KINDS:
        import numpy as np

        values = np.round(np.asarray(values, dtype=np.float64), decimals)
    return _polars_column(pl, alias, values, kind)


def _to_guard(frame: Any, names: list[str]) -> list[str]:
    """The text columns of ``frame`` with a cell to guard or to empty: a column of plain
    identifiers (none starts with a trigger character, none is empty) is written as it
    is, after one scan of it."""
    import polars as pl

    if not names:
        return []
    checks = frame.select(
        pl.any_horizontal(pl.col(c).str.contains(TRIGGER_PATTERN).any(),
                          (pl.col(c).str.len_bytes() == 0).any()).alias(c)
        for c in names
    ).row(0)
    return [c for c, work in zip(names, checks, strict=True) if work]


def _coded_column(pl: Any, name: str, coded: tuple[list[str], np.ndarray], start: int,
                  stop: int) -> tuple[Any, bool]:
    """A text column kept as a few texts and a position per row: each text guarded once
    (the CSV-injection policy) and gathered by the rows' positions."""
    texts, codes = coded
    shown = pl.Series(name, [csv_text(text) for text in texts], dtype=pl.String)
    return _empty_as_null(shown).gather(codes[start:stop]), False


def _polars_column(pl: Any, name: str, values: Any, kind: str) -> tuple[Any, bool]:
    """The column as polars will write it, and whether it is text still to be guarded
    and emptied (:func:`guard_expr`, done for all such columns at once)."""
    import numpy as np

    if kind == "id" and isinstance(values, TextColumn):
        return values.series.alias(name), True
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

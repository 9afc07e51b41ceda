"""A streamed table given column by column, and its sheet XML built column-wise.

A :class:`StreamTable` is what a sheet's :attr:`relscale.excel.sheet.Sheet.stream` may
return instead of any iterable of rows: iterating it gives the same ``(value, style)`` rows,
and :func:`table_xml` (called by :func:`relscale.excel.xlsx_sheet.stream_xml`) turns its
columns into ``<row>`` XML with polars, a slice of rows at a time, so no Python code runs
per cell. The bytes are those of the
row-by-row writer (``tests/test_stream_table.py`` keeps it as the reference): cell
references, style indexes, inline strings with ``&``, ``<``, ``>`` escaped (text, never a
formula), whole numbers for ``int`` columns, Python's ``repr`` for ``num`` columns. A
column polars cannot take as it is (a value that is not text, a number outside the range
polars prints like ``repr``) is formatted cell by cell; a slice holding text a cell
cannot hold is written by the row writer, which names the first such cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ROWS_PER_SLICE = 2000
"""Rows turned into XML at a time (about 3.5 MB of the results workbook's Scores): more
rows take more memory and save little time."""

# polars prints a finite float exactly as Python's repr() in this range (shortest
# round-trip digits, fixed notation); outside it repr switches to 1e-05 / 1e+16 style.
_FLOAT_MIN = 1e-4
_FLOAT_MAX = 1e16
_INT_MAX = float(2**62)
FEW_TEXTS = 64
"""A text column with at most this many distinct texts is escaped once per text."""
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_MAX_TEXT = 32767


@dataclass
class StreamColumn:
    """One column: its values, how they are written and the style of a written cell.

    ``text``: ``str(value)`` shown through ``labels`` (a code -> the text shown), nothing
    for ``None`` or ``""``; ``int``: ``int(float(value))``; ``num``: ``float(value)``
    (nothing for NaN or an infinity). NaN is an empty cell in ``int`` and ``num``.
    """

    values: Sequence[Any] | Any
    kind: Literal["text", "int", "num"]
    style: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class StreamTable:
    """Rows of ``n`` cells' columns; iterating gives ``(value, style)`` rows."""

    columns: list[StreamColumn]
    n: int

    def __iter__(self) -> Iterator[list[tuple[Any, str | None]]]:
        return self.rows(0, self.n)

    def rows(self, start: int, stop: int) -> Iterator[list[tuple[Any, str | None]]]:
        empty: tuple[Any, str | None] = (None, None)
        columns = self.columns
        for i in range(start, stop):
            row: list[tuple[Any, str | None]] = []
            for column in columns:
                value = column.values[i]
                if column.kind == "text":
                    text = str(value) if value not in (None, "") else ""
                    row.append((column.labels.get(text, text), column.style) if text else empty)
                    continue
                x = float(value)
                if math.isnan(x):
                    row.append(empty)
                elif column.kind == "int":
                    row.append((int(x), column.style))
                else:
                    row.append((x, column.style))
            yield row


def table_xml(table: StreamTable, first_row: int, letters: list[str],
              style_ids: Mapping[str | None, int],
              rows_xml: Any) -> Iterator[bytes]:
    """The ``<row>`` elements of ``table`` from sheet row ``first_row``, as UTF-8 chunks.

    ``letters`` are the column letters; ``rows_xml(rows, first_row)`` is the row writer
    (:func:`relscale.excel.xlsx_sheet.rows_xml`), used for a slice with a cell it must refuse.
    """
    import polars as pl

    few = [_few_texts(pl, column) if column.kind == "text" else None
           for column in table.columns]
    for start in range(0, table.n, ROWS_PER_SLICE):
        stop = min(start + ROWS_PER_SLICE, table.n)
        numbers = pl.Series("r", range(first_row + start, first_row + stop),
                            dtype=pl.Int64).cast(pl.String)
        cells = []
        refused = False
        for column, letter, repeated in zip(table.columns, letters, few, strict=True):
            s = style_ids[column.style]
            attr = f' s="{s}"' if s else ""
            if repeated is not None:
                codes, texts = repeated
                values = texts.gather(codes[start:stop])
            else:
                values = _column_values(pl, column, start, stop)
            if values is None:
                refused = True
                break
            if column.kind == "text":
                head, tail = f'"{attr} t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
            else:
                head, tail = f'"{attr}><v>', "</v></c>"
            cells.append(pl.concat_str([pl.lit(f'<c r="{letter}'), pl.col("r"), pl.lit(head),
                                        pl.lit(values), pl.lit(tail)]))
        if refused:
            yield "".join(rows_xml(table.rows(start, stop), first_row + start)).encode("utf-8")
            continue
        frame = pl.DataFrame([numbers]).select(
            pl.concat_str([pl.lit('<row r="'), pl.col("r"), pl.lit('">'), *cells,
                           pl.lit("</row>")], ignore_nulls=True)
        )
        # polars' own join or write_csv would be no faster and hold far more memory
        yield "".join(frame.to_series().to_list()).encode("utf-8")


def _few_texts(pl: Any, column: StreamColumn) -> tuple[Any, Any] | None:
    """For a text column of at most :data:`FEW_TEXTS` distinct texts (status, bands, the
    norm group): each row's code and each text's cell content, made once; else None."""
    import numpy as np

    try:
        distinct = set(column.values)
    except TypeError:
        return None
    if len(distinct) > FEW_TEXTS or not {type(v) for v in distinct} <= {str, type(None)}:
        return None
    order = list(distinct)
    try:
        texts = _text_values(pl, order, column.labels)
    except ValueError:  # a text a cell cannot hold: the slices say which cell
        return None
    index = {text: k for k, text in enumerate(order)}
    codes = np.fromiter(map(index.__getitem__, column.values), dtype=np.uint8,
                        count=len(column.values))
    return codes, texts


def _column_values(pl: Any, column: StreamColumn, start: int, stop: int) -> Any:
    """The rows' cell contents as a String series (null: no cell), or None when a cell
    is refused (text a cell cannot hold, a value the row writer would not take)."""
    values = column.values[start:stop]
    try:
        if column.kind == "text":
            return _text_values(pl, values, column.labels)
        return _number_values(pl, values, column.kind)
    except (TypeError, ValueError, OverflowError):
        return None


def _text_values(pl: Any, values: Any, labels: Mapping[str, str]) -> Any:
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        s = pl.Series(values, dtype=pl.String)
    else:
        values = list(values)
        if not set(map(type, values)) <= {str, type(None)}:
            # str() of anything else: the row writer's rule, cell by cell
            values = [str(v) if v not in (None, "") else None for v in values]
        s = pl.Series(values, dtype=pl.String)
    frame = s.to_frame("v")
    v = pl.col("v")
    v = pl.when(v.str.len_bytes() > 0).then(v)  # an empty text: no cell, whatever the labels
    if labels:
        v = v.replace(dict(labels))  # a label may be empty: then an empty text cell
    frame = frame.select(v.alias("v"))
    v = pl.col("v")
    bad = frame.select((v.str.len_chars() > _MAX_TEXT).any()
                       | v.str.contains(_ILLEGAL).any()).item()
    if bad:
        raise ValueError("text a cell cannot hold")
    escaped = (v.str.replace_all("&", "&amp;", literal=True)
               .str.replace_all("<", "&lt;", literal=True)
               .str.replace_all(">", "&gt;", literal=True))
    return frame.select(escaped).to_series()


def _number_values(pl: Any, values: Any, kind: str) -> Any:
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf" and values.ndim == 1:
        x = values.astype(np.float64, copy=False)
    else:  # float() of each, as the row writer does (None, text that is no number: refused)
        x = np.array([float(v) for v in values], dtype=np.float64)
    present = ~np.isnan(x)
    if kind == "int":
        if not np.isfinite(x[present]).all() or (np.abs(x[present]) >= _INT_MAX).any():
            raise OverflowError("int() of this number: the row writer")
        whole = np.where(present, np.trunc(x), 0).astype(np.int64)
        s = pl.Series(whole).cast(pl.String)
        return s.set(pl.Series(~present), None) if not present.all() else s
    finite = np.isfinite(x)
    size = np.abs(x)
    plain = finite & ((x == 0) & ~np.signbit(x) | (size >= _FLOAT_MIN) & (size < _FLOAT_MAX))
    s = pl.Series(np.where(plain, x, 0.0)).cast(pl.String)
    odd = finite & ~plain
    if odd.any():  # Python's repr, cell by cell, for the few polars would print otherwise
        texts = s.to_list()
        for i in np.flatnonzero(odd):
            texts[i] = repr(float(x[i]))
        s = pl.Series(texts, dtype=pl.String)
    return s.set(pl.Series(~finite), None) if not finite.all() else s

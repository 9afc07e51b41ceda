"""Reading a plain CSV file in bulk (polars), for the large files ``relscale score`` meets.

A file qualifies when nothing in it needs the :mod:`csv` module's care: UTF-8, no quote
character anywhere, ``\\n`` or ``\\r\\n`` line ends, and every line exactly as wide as the
header line. Then each line is one row, so row numbers in messages are line numbers, and
polars can split the whole file at once. Any other file returns None and is read by
:func:`relscale.io.tables.open_csv`, which applies the same rules cell by cell and names
the line of a malformed row. The cell rules are the same either way: every distinct
spelling of a column goes through :meth:`relscale.io.tables.Converter.value` once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``str.strip()`` removes (``str.isspace``), for polars."""

BULK_MIN_BYTES = 1 << 16
"""Smaller files are read by the csv module: polars' import would cost more than it saves."""


@dataclass
class BulkCsv:
    """A plain CSV file split into text columns ("" for an empty cell)."""

    header: list[str]
    frame: pl.DataFrame
    """One column per header column, named ``c0``, ``c1``, ...: Categorical for the value
    columns (few distinct spellings; null for an empty cell), String for the others."""
    categorical: Any = None
    """The value columns' dtype: a Categorical of this file's own categories."""


def read_bulk(path: Path, value_columns: Callable[[list[str]], Sequence[int]]) -> BulkCsv | None:
    """The file split into columns, or None when it is not plain (see the module
    docstring) or small; the caller then reads it with :mod:`csv`.

    :param value_columns: given the header, the indexes of the numeric columns (it may
        raise for a header it refuses, as the csv path would).
    """
    try:
        if path.stat().st_size < BULK_MIN_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b'"' in data or b"\x00" in data:
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start)
    if end < 0:
        return None
    try:
        first = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if first.endswith("\r"):
        first = first[:-1]
    if not first.strip() or "\r" in first:
        return None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    raw_header = first.split(delimiter)
    width = len(raw_header)
    from relscale.io.sheet_limits import check_width

    check_width(path, width)  # before any work per column
    field_limit = csv.field_size_limit()
    if any(len(name) > field_limit for name in raw_header):
        return None  # the csv module refuses it, naming the line
    # Counted over the whole file, less the header line (slicing would copy the file).
    lines = data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1)
    if lines == 0:
        return None
    carriage_returns = data.count(b"\r")  # none in most files: then no CRLF pass either
    if carriage_returns and carriage_returns != data.count(b"\r\n"):
        return None
    if data.count(delimiter.encode()) - (width - 1) != lines * (width - 1):
        return None  # some line is wider or narrower than the header
    header = list(raw_header)
    while header and not header[-1].strip():
        header.pop()
    values = set(value_columns(header))
    import polars as pl

    # Categories of this file only: their list is the file's distinct spellings, in code
    # order, so no pass over the cells is needed to find them.
    categorical = pl.Categorical(pl.Categories.random())

    try:
        frame = pl.read_csv(
            data, has_header=False, skip_lines=1, separator=delimiter, quote_char=None,
            infer_schema=False, empty_string_is_null=False,
            new_columns=[f"c{j}" for j in range(width)], raise_if_empty=False,
            # Categorical: a few bytes per cell instead of a 16-byte string view.
            schema_overrides={f"c{j}": categorical for j in values},
        )
    except pl.exceptions.PolarsError:
        return None  # not UTF-8, ragged: the csv module names the line
    if frame.height != lines or frame.width != width:
        return None
    if any(frame[f"c{j}"].str.len_bytes().max() for j in range(len(header), width)):
        return None  # cells beyond the header's last name: let the csv path word it
    text = [f"c{j}" for j in range(len(header)) if j not in values]
    longest = frame.select(pl.col(c).str.len_chars().max() for c in text).row(0) if text else ()
    if any(int(n or 0) > field_limit for n in longest):
        return None  # a cell over the csv module's field limit: that path names it
    return BulkCsv(header=header, frame=frame, categorical=categorical)


def bulk_columns(
    bulk: BulkCsv, value_idx: list[int], id_idx: list[int], convert: Any
) -> tuple[np.ndarray, np.ndarray, list[list[str]], int]:
    """For :func:`relscale.io.tables.collect_bulk`, column-wise: the cells at ``value_idx``
    as numbers (through ``convert``, a :class:`relscale.io.tables.Converter`), those at
    ``id_idx`` as text, blank rows skipped. Returns the values, the line number of each
    row, the identifier columns and the number of blank rows."""
    import numpy as np
    import polars as pl

    frame = bulk.frame
    names = frame.columns[: len(bulk.header)]
    schema = frame.schema  # once: polars builds it anew on every access (quadratic)
    blank = frame.select(
        pl.all_horizontal(
            pl.col(n).is_null() if schema[n] == bulk.categorical
            else pl.col(n).str.len_bytes() == 0
            for n in names
        )
    ).to_series().to_numpy()
    line_numbers = np.flatnonzero(~blank) + 2  # the header is line 1
    if blank.any():
        frame = frame.filter(pl.Series(~blank))
    values = _numbers(frame, [names[c] for c in value_idx], line_numbers, convert)
    ids = [frame[names[c]].to_list() for c in id_idx]
    bulk.frame = pl.DataFrame()  # the text is read: free it before validating and scoring
    del frame
    return values, line_numbers.astype(np.int64), ids, int(blank.sum())


def _numbers(frame: pl.DataFrame, names: list[str], line_numbers: Any, convert: Any) -> Any:
    """The value columns as a float matrix: each distinct spelling converted once."""
    import numpy as np
    import polars as pl

    if not names:
        return np.empty((frame.height, 0))
    # The file's own categories are its distinct spellings (value columns only), listed
    # in code order, so one table indexed by code maps a cell to its value.
    categorical: Any = frame.schema[names[0]]
    spellings = categorical.categories.to_series().to_list()
    numbers = np.empty(len(spellings))
    bad: list[tuple[int, int, str]] = []
    for k, cell in enumerate(spellings):
        try:
            numbers[k] = convert.value(cell)
        except ValueError:
            for j, name in enumerate(names):
                hits = frame[name].cast(pl.String).eq(cell)
                if hits.any():
                    bad.append((int(hits.arg_max() or 0), j, cell))
    if bad:
        i, j, cell = min(bad)
        raise convert.error(int(line_numbers[i]), j, cell)
    table = np.append(numbers, convert.value(""))  # last: an empty cell
    physical = frame.select(
        pl.col(n).to_physical().fill_null(len(table) - 1) for n in names
    ).to_numpy()
    return table[physical]


@dataclass
class BulkAnswers:
    """A plain CSV file's answers as a polars frame, for scoring in bulk
    (:func:`relscale.scoring.run.score_files`): every cell already checked to be a valid answer."""

    frame: pl.DataFrame
    """The identifier columns (String, "" for an empty cell) and the item columns (integer,
    null for missing and for the 'does not apply' code), by name; blank rows skipped."""
    lines: pl.Series
    """The file line of each row (the header is line 1)."""
    blank_rows: int
    items: list[str]
    id_columns: list[str]


def bulk_answers(
    bulk: BulkCsv,
    value_idx: list[int],
    id_idx: list[int],
    items: list[str],
    id_names: list[str],
    answer: Callable[[str], int | None],
) -> BulkAnswers | None:
    """The file's answers as :class:`BulkAnswers`, or None when some cell is not a valid
    answer (``answer`` raises ValueError for it): the caller then reads the file the usual
    way, which names the first such cell. ``answer`` maps a spelling to its value, None for
    missing; each distinct spelling is asked once. The text columns of ``bulk`` are read
    here (the frame is emptied)."""
    import polars as pl

    frame = bulk.frame
    names = frame.columns[: len(bulk.header)]
    value_names = [names[c] for c in value_idx]
    # The file's categories are its distinct spellings (value columns only), in code order.
    spellings = bulk.categorical.categories.to_series().to_list() if value_names else []
    try:
        lookup = [answer(cell) for cell in spellings]
        if answer("") is not None:
            return None  # an empty cell that is an answer: not this reader's case
    except ValueError:
        return None
    small = all(-128 <= v < 128 for v in lookup if v is not None)
    dtype = pl.Int8 if small else pl.Int64
    values = pl.Series("v", lookup, dtype=dtype)
    schema = frame.schema  # once: polars builds it anew on every access (quadratic)
    blank = frame.select(
        pl.all_horizontal(
            pl.col(n).is_null() if schema[n] == bulk.categorical
            else pl.col(n).str.len_bytes() == 0
            for n in names
        )
    ).to_series()
    n_blank = int(blank.sum())
    lines = pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True)  # header: line 1
    columns = [pl.col(names[c]).alias(name) for c, name in zip(id_idx, id_names, strict=True)]
    columns += [
        (pl.lit(values).gather(pl.col(n).to_physical()) if len(values) else pl.lit(None, dtype))
        .alias(name)
        for n, name in zip(value_names, items, strict=True)
    ]
    lazy = frame.lazy()
    if n_blank:
        lazy = lazy.filter(~pl.lit(blank))
        lines = lines.filter(~blank)
    out = lazy.select(columns).collect()
    bulk.frame = pl.DataFrame()  # the text is read: free it
    del frame
    return BulkAnswers(out, lines, n_blank, list(items), list(id_names))


def has_duplicates(answers: BulkAnswers, columns: Sequence[str]) -> bool:
    """Whether two rows have the same identifier (``columns``, each stripped as Python
    strips, in NFC), rows with every one empty not compared: the test of
    :func:`relscale.scoring.run.duplicate_respondents`, in bulk. Hashes first (distinct
    hashes: no duplicate), the values themselves only when two hashes agree."""
    import polars as pl

    if not columns:
        return False
    frame = answers.frame
    space = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PY_WHITESPACE) + "]"
    padded = frame.select(
        pl.any_horizontal(pl.col(c).str.contains(f"^{space}|{space}$").any() for c in columns)
    ).item()
    keys = [pl.col(c).str.strip_chars(PY_WHITESPACE) if padded else pl.col(c)
            for c in columns]
    ascii_only = frame.select(pl.all_horizontal(
        pl.col(c).str.contains(r"^[\x00-\x7F]*$").all() for c in columns)).item()
    if not ascii_only:  # compared in NFC, as relscale.model.columns.id_key compares
        keys = [k.str.normalize("NFC") for k in keys]
    kept = pl.any_horizontal(k.str.len_bytes() > 0 for k in keys)
    key = keys[0] if len(keys) == 1 else pl.struct(keys)
    hashed = pl.when(kept).then(key.hash()).drop_nulls()
    distinct, n = frame.select(hashed.n_unique().alias("a"), hashed.len().alias("b")).row(0)
    if distinct == n:
        return False
    return bool(frame.select(key.filter(kept).is_duplicated().any()).item())

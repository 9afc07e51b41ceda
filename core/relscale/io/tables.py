"""The machinery every table reader shares: opening CSV and XLSX files, turning cells into
numbers in bulk, and collecting rows with their identifiers.

:mod:`relscale.io.responses` reads the item columns of an instrument with it;
:func:`read_columns` reads named numeric columns without one (ad hoc reliability
scales). Both accept the same files: UTF-8 with or without BOM, ``,`` or ``;`` separated,
``NA`` / ``.`` / empty for missing, a decimal comma; and both word errors the same way,
naming file, row and column.

A number is written in plain ASCII decimal: an optional ``-``, digits, and a decimal part
after ``.`` or ``,`` (``4``, ``-1.5``, ``4,0``); spaces around it are ignored. Nothing else
is a number, although Python's ``float()`` would take it: no ``+4``, ``4e0``, ``0_4``,
other scripts' digits (``٤``, ``４``), ``NaN`` or ``inf``. An answer (:mod:`.responses`)
is a whole number, optionally with a zero decimal part (``4.0``, as SPSS exports write
scale points); ``3.9999999999999999`` is not 4.

A CSV row must have as many cells as the header (trailing empty cells beyond it are
allowed); a shorter row, a row of a file whose rows use another separator than its
header, or a quote that is never closed is an error naming the line.

CSV reading is the cost that matters for large files (``benchmarks/bench_scoring.py``):
a plain file (no quotes, every line as wide as the header) is read in bulk by
:mod:`relscale.io.bulk_csv`; any other goes through the :mod:`csv` module here, where cells
go through one dictionary of the expected spellings in bulk and only unusual spellings
take the slow path, in chunks so memory stays flat. Both apply the same rules.
"""

from __future__ import annotations

import contextlib
import csv
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError
from relscale.i18n import _
from relscale.io.bulk_csv import BulkAnswers, BulkCsv, bulk_columns, read_bulk
from relscale.io.sheet_limits import check_width
from relscale.io.sheets import first_sheet_rows  # noqa: F401  (re-exported for its callers)
from relscale.messages import where

if TYPE_CHECKING:
    import numpy as np

MISSING_SPELLINGS = ("", "NA", "N/A", "na", ".")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
"""Read as workbooks (python-calamine); anything else as CSV."""
CHUNK_CELLS = 1 << 20

Rows = Iterable[tuple[int, Sequence[Any]]]
"""(file row, cells) pairs; the header is row 1."""


@dataclass
class ResponseTable:
    """Responses in the adapted item order, with identifiers and where each row came from."""

    source: str
    items: tuple[str, ...]
    values: np.ndarray
    """respondents x items, float, NaN for missing."""
    rows: np.ndarray
    """The file row (1-based, header = row 1) of each respondent, for messages."""
    id_columns: list[str] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)
    blank_rows: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    """For a scoring sheet: instrument, sector, perspective, ... from its metadata."""
    not_applicable: np.ndarray | None = None
    """respondents x items, True where the 'does not apply' code was given (``values``
    holds NaN there); None for a scale without one."""
    notes: list[str] = field(default_factory=list)
    """What the reader chose that a user should know (which sheet was read), one line
    each."""

    @property
    def n(self) -> int:
        return int(self.values.shape[0])


NUMBER = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
"""A number as text: plain ASCII decimal, ``.`` or ``,`` before the decimals."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+(?:[.,]0*)?", re.ASCII)
"""An answer as text: a whole number, maybe with a zero decimal part (``4.0``)."""


def _convert_cell(text: str, pattern: re.Pattern[str] = NUMBER) -> float:
    """The slow path for one cell: trimmed, decimal comma, or not a number (ValueError)."""
    s = text.strip()
    if s in MISSING_SPELLINGS:
        return float("nan")
    if pattern.fullmatch(s) is None:
        raise ValueError(text)
    return float(s.replace(",", "."))


def cell_number(cell: Any, pattern: re.Pattern[str] = NUMBER) -> float:
    """One cell (text or a workbook value) as a float, NaN for missing; ValueError if not
    a number (see the module docstring for what is one)."""
    import math

    if cell is None:
        return float("nan")
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        x = float(cell)
        if not math.isfinite(x):
            raise ValueError(cell)
        return x
    return _convert_cell(str(cell), pattern)


def not_a_number(where_: str, value: Any) -> str:
    """The error for a cell of a numeric column that is not a number."""
    return _("{where}: {value!r} is not a number").format(where=where_, value=value)


class Converter:
    """Turns cell strings into floats in bulk, naming the cell of any that is not a number.

    :param spellings: the expected spellings and their values (the fast path); any other
        cell goes through :func:`cell_number`.
    :param message: ``(where, value) -> str``, the error for a cell that is not a number.
    :param pattern: what a number looks like as text (:data:`NUMBER`, :data:`WHOLE_NUMBER`).
    """

    def __init__(
        self,
        spellings: dict[str, float],
        source: object,
        columns: Sequence[str],
        message: Callable[[str, Any], str] = not_a_number,
        pattern: re.Pattern[str] = NUMBER,
    ):
        self.table = spellings
        self.source = source
        self.columns = list(columns)
        self.message = message
        self.pattern = pattern

    def value(self, cell: Any) -> float:
        """One cell as a float (NaN for missing); ValueError if it is not a number."""
        got = self.table.get(cell) if isinstance(cell, str) else None
        return got if got is not None else cell_number(cell, self.pattern)

    def error(self, row: int, column: int, cell: Any) -> DataError:
        """The error for the cell at file ``row`` and value column ``column``."""
        return DataError(self.message(where(self.source, row, self.columns[column]), cell))

    def __call__(self, flat: list[Any], rows: Sequence[int]) -> np.ndarray:
        import numpy as np

        k = len(self.columns)
        try:
            out = np.fromiter(map(self.table.__getitem__, flat), dtype=np.float64, count=len(flat))
        except (KeyError, TypeError):
            out = np.empty(len(flat), dtype=np.float64)
            for n, cell in enumerate(flat):
                try:
                    out[n] = self.value(cell)
                except ValueError:
                    i, j = divmod(n, k)
                    raise self.error(rows[i], j, cell) from None
        return out.reshape(-1, k)


def collect_rows(
    rows: Rows,
    width: int,
    source: object,
    columns: Sequence[str],
    value_idx: list[int],
    id_idx: list[int],
    id_names: list[str],
    convert: Converter,
) -> ResponseTable:
    """Read every row: the cells at ``value_idx`` as numbers (named ``columns``), those at
    ``id_idx`` as identifier text. Rows with every cell empty are counted and skipped."""
    import numpy as np

    get_values = operator.itemgetter(*value_idx)
    k = len(value_idx)
    id_values: list[list[str]] = [[] for _ in id_idx]
    chunks: list[np.ndarray] = []
    line_numbers: list[int] = []
    chunk_start = 0
    flat: list[Any] = []
    blank = 0
    per_chunk = max(1, CHUNK_CELLS // max(k, 1))
    for line, cells in rows:
        if not any(cells) and all(c in (None, "") for c in cells):
            blank += 1
            continue
        if len(cells) != width:
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            elif any(c not in (None, "") for c in cells[width:]):
                raise DataError(
                    _("{where}: {n} cells but the header has {width}").format(
                        where=where(source, line), n=len(cells), width=width
                    )
                )
        picked = get_values(cells)
        if k == 1:
            flat.append(picked)
        else:
            flat.extend(picked)
        for store, c in zip(id_values, id_idx, strict=True):
            store.append(id_text(cells[c]))
        line_numbers.append(line)
        if len(line_numbers) - chunk_start >= per_chunk:
            chunks.append(convert(flat, line_numbers[chunk_start:]))
            flat = []
            chunk_start = len(line_numbers)
    if flat:
        chunks.append(convert(flat, line_numbers[chunk_start:]))
    values = np.concatenate(chunks) if chunks else np.empty((0, k))
    return ResponseTable(
        source=str(source),
        items=tuple(columns),
        values=values,
        rows=np.array(line_numbers, dtype=np.int64),
        id_columns=id_names,
        ids=dict(zip(id_names, id_values, strict=True)),
        blank_rows=blank,
    )


def collect_bulk(
    bulk: BulkCsv,
    source: object,
    columns: Sequence[str],
    value_idx: list[int],
    id_idx: list[int],
    id_names: list[str],
    convert: Converter,
) -> ResponseTable:
    """:func:`collect_rows` for a CSV file read in bulk (:mod:`relscale.io.bulk_csv`)."""
    values, lines, ids, blank = bulk_columns(bulk, value_idx, id_idx, convert)
    return ResponseTable(
        source=str(source),
        items=tuple(columns),
        values=values,
        rows=lines,
        id_columns=list(id_names),
        ids=dict(zip(id_names, ids, strict=True)),
        blank_rows=blank,
    )


def answers_table(
    answers: BulkAnswers, source: object, id_columns: Sequence[str] | None = None
) -> ResponseTable:
    """The :class:`ResponseTable` of answers read in bulk (float, NaN for missing); with
    ``id_columns``, only those identifiers and no answers (an n x 0 matrix)."""
    import numpy as np
    import polars as pl

    frame = answers.frame
    items = answers.items if id_columns is None else []
    # Filled a column at a time: one n x k float matrix, no frame-sized copies beside it.
    values = np.empty((frame.height, len(items)), dtype=np.float64)
    for j, name in enumerate(items):
        values[:, j] = frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy()
    names = list(answers.id_columns if id_columns is None else id_columns)
    return ResponseTable(
        source=str(source),
        items=tuple(answers.items),
        values=values,
        rows=answers.lines.to_numpy().astype(np.int64),
        id_columns=names,
        ids={name: frame[name].to_list() for name in names},
        blank_rows=answers.blank_rows,
    )


def id_text(value: Any) -> str:
    """An identifier cell as text; a date from a workbook as ``YYYY-MM-DD`` (with the time
    only when it has one), as ``relscale read`` writes dates."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_text_file(path: Path) -> None:
    """Refuse a workbook saved under a .csv name with a message that says so (instead of
    "not UTF-8"): .xlsx is a zip file, .xls an OLE2 compound file. Refuse what is no
    regular file (``/dev/zero``, a pipe, a device: read for ever), also behind a link."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # the caller's open() reports it
    if not stat.S_ISREG(mode):
        raise DataError(_("{path}: not a regular file (a device, a pipe or a folder); give "
                          "a CSV file").format(path=path))
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError:
        return  # the caller's open() reports it
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            _("{path}: an Excel workbook, not a CSV text file; rename it to .xlsx or save "
              "it as CSV").format(path=path)
        )


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


@contextlib.contextmanager
def open_csv(path: Path, empty: str) -> Iterator[tuple[list[str], Rows]]:
    """The header and the numbered rows of a CSV file (``,`` or ``;``, UTF-8, BOM or not).

    :param empty: the error for a file without a header row (``{path}`` is filled in).
    """
    check_text_file(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise DataError(_("{path}: no such file").format(path=path)) from None
    with fh:
        try:
            first = fh.readline()
        except UnicodeDecodeError:
            raise DataError(
                _("{path}: not a UTF-8 text file; save the CSV as UTF-8").format(path=path)
            ) from None
        if not first.strip():
            raise DataError(empty.format(path=path))
        delimiter = _sniff_delimiter(first)
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except csv.Error as exc:  # e.g. a header cell over the csv module's field limit
            raise DataError(_("{where}: not a well-formed CSV row ({reason}); is a quote not "
                              "closed?").format(where=where(path, 1), reason=exc)) from None
        while header and not header[-1].strip():
            header.pop()  # Excel writes trailing empty columns as ";;;"
        check_width(path, len(header))
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        width = len(header)

        def numbered() -> Iterator[tuple[int, list[str]]]:
            start = 2
            try:
                for cells in reader:
                    # +1 for the header line the reader never saw.
                    line = reader.line_num + 1
                    if 0 < len(cells) < width and any(c.strip() for c in cells):
                        raise DataError(short_row(path, start, line, len(cells), width,
                                                  delimiter))
                    yield start, cells
                    start = line + 1
            except UnicodeDecodeError:
                raise DataError(
                    _("{where}: not UTF-8 text; save the CSV as UTF-8").format(
                        where=where(path, reader.line_num + 2)
                    )
                ) from None
            except csv.Error as exc:
                raise DataError(
                    _("{where}: not a well-formed CSV row ({reason}); is a quote not "
                      "closed?").format(where=where(path, start), reason=exc)
                ) from None

        yield header, numbered()


def short_row(
    path: Path, line: int, end: int, n: int, width: int, delimiter: str = ","
) -> str:
    """The error for a CSV row with fewer cells than the header."""
    if end > line:
        return _("{where}: {n} cells but the header has {width}; the row runs on to line "
                 "{end}: is a quote not closed?").format(
            where=where(path, line), n=n, width=width, end=end)
    return _("{where}: {n} cells but the header has {width} (cells separated by "
             "{delimiter!r}, as in the header)").format(
        where=where(path, line), n=n, width=width, delimiter=delimiter)


def open_workbook(path: Path) -> Any:
    """A workbook's values (.xlsx, .xlsm, .ods, .xls; :func:`relscale.io.cells.open_values`),
    sheets read on first use; one line for a file that is not readable."""
    from relscale.io.cells import open_values

    return open_values(path)


def read_columns(path: Path | str, columns: Sequence[str], sheet: str | None = None
                 ) -> ResponseTable:
    """Named numeric columns of a CSV or XLSX table (its first sheet, or ``sheet``),
    without an instrument.

    Cells are read as for responses (see the module docstring) but any number is
    accepted; the other named columns are kept as identifiers.

    :raises DataError: a requested column that is missing or appears twice, or a cell that
        is not a number, naming file, row and column.
    """
    path = Path(path)
    empty = _("{path}: empty file, expected a header row")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        wb = open_workbook(path)
        try:
            from relscale.io.sheets import sheet_rows

            header, rows, source, note = sheet_rows(wb, path, empty, sheet)
            table = _read_named(rows, header, columns, source)
            table.notes += [note] if note else []
            return table
        finally:
            wb.close()
    check_text_file(path)
    bulk = read_bulk(path, lambda header: [
        c for c, name in enumerate(header) if name.strip() in columns])
    if bulk is not None:
        return _read_named(bulk, bulk.header, columns, path)
    with open_csv(path, empty) as (header, rows):
        return _read_named(rows, header, columns, path)


def _read_named(
    rows: Any, header: list[str], columns: Sequence[str], source: object
) -> ResponseTable:
    from collections import Counter

    names = [h.strip() for h in header]
    counts = Counter(names)  # once: a count per column would be quadratic in the width
    for name in columns:
        if counts[name] > 1:
            first = names.index(name)
            raise DataError(
                _("{where}: the column name appears twice (columns {first} and {second})").format(
                    where=where(source, 1, name), first=first + 1,
                    second=names.index(name, first + 1) + 1,
                )
            )
    missing = [c for c in columns if c not in names]
    if missing:
        raise DataError(
            _("{where}: no column(s) {columns}").format(
                where=where(source, 1), columns=", ".join(missing)
            )
        )
    value_idx = [names.index(c) for c in columns]
    id_idx = [
        c for c, name in enumerate(names)
        if name and name not in columns and counts[name] == 1
    ]
    spellings = {s: float("nan") for s in MISSING_SPELLINGS}
    convert = Converter(spellings, source, columns)
    id_names = [names[c] for c in id_idx]
    if isinstance(rows, BulkCsv):
        return collect_bulk(rows, source, columns, value_idx, id_idx, id_names, convert)
    return collect_rows(rows, len(header), source, columns, value_idx, id_idx, id_names, convert)

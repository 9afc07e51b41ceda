"""CSV injection (OWASP "CSV Injection"): text cells a spreadsheet would run as formulas.

A CSV has no cell types: Excel and LibreOffice take a cell starting with ``=``, ``+``,
``-`` or ``@`` (and, in some versions, a tab or carriage return before one) for a
formula. An identifier or free-text value typed by a respondent (``=HYPERLINK(...)``)
would then run on the researcher's machine when the CSV is opened.

relscale's policy, the same in every CSV it writes (``score``, ``read``, codebooks):

- Numeric columns (item answers, raw scores, percentiles, T scores, flags) are written
  untouched: they are numbers, never formulas, and SPSS, R and pandas read them as such.
- Identifier and free-text columns: a value starting with one of ``= + - @ TAB CR`` gets
  a single leading apostrophe (``'=1+1``), as OWASP recommends, *unless* the whole value
  is a plain number (``-5``, ``+3.5``, ``1e3``), which a spreadsheet reads as that number
  and which must stay unchanged for statistics packages.
- Everything else is written as is.

The apostrophe is visible in R/SPSS/pandas (the value reads ``'=1+1``); that is the
price of a file that is safe to double-click. :func:`csv_text` is the one place that
applies the policy; :func:`csv_unguard` undoes it for a reader that wants the original.

Every CSV and TSV relscale writes goes through :func:`writer` (or :func:`dict_writer`):
every text cell, headers included (a header read from a workbook can be
``=HYPERLINK(...)``), is guarded; numbers pass untouched. The polars writers of
``score`` guard their text columns with the same function. tests/test_architecture.py
fails when a module writes CSV through :mod:`csv` directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP)."""

_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def needs_guard(value: str) -> bool:
    """Whether a text cell would be taken for a formula (and is not a plain number)."""
    return bool(value) and value[0] in TRIGGERS and not _PLAIN_NUMBER.match(value)


def csv_text(value: object) -> str:
    """An identifier or free-text value for a CSV cell, guarded against formula injection.

    ``None`` -> ``""``; ``"=1+1"`` -> ``"'=1+1"``; ``"-5"`` and ``"abc"`` unchanged.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if needs_guard(text) else text


# the same policy as polars expressions, for tables written by polars in one go: the
# plain-number pattern with Python's "$" (end, or before a final newline) spelt out for
# Rust's regex; tests/test_csv_injection.py holds guard_expr to csv_text
TRIGGER_PATTERN = r"^[=+\-@\t\r]"
PLAIN_NUMBER_PATTERN = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\n?$"


def guard_expr(cell: Any) -> Any:
    """:func:`csv_text` as a polars expression over a String column (None stays None)."""
    import polars as pl

    guard = cell.str.contains(TRIGGER_PATTERN) & ~cell.str.contains(PLAIN_NUMBER_PATTERN)
    return pl.when(guard).then(pl.lit("'") + cell).otherwise(cell)


def csv_unguard(value: str) -> str:
    """Undo :func:`csv_text` (a guarded value loses its apostrophe)."""
    if value.startswith("'") and needs_guard(value[1:]):
        return value[1:]
    return value


class Code(str):
    """A value relscale writes itself (never user data) that the target program needs as
    written though it starts like a formula: a REDCap action tag (``@HIDDEN-SURVEY``).
    :func:`writer` leaves it unguarded."""

    __slots__ = ()


def guard_cell(value: Any) -> Any:
    """A cell for :func:`writer`: text guarded (:func:`csv_text`; a :class:`Code` as
    written), None empty, numbers and anything else as they are."""
    if isinstance(value, str) and not isinstance(value, Code):
        return "'" + value if needs_guard(value) else value
    return "" if value is None else value


class GuardedWriter:
    """:func:`csv.writer` with every text cell guarded (:func:`guard_cell`)."""

    def __init__(self, fh: IO[str], **kwargs: Any) -> None:
        import csv

        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = [guard_cell(v) for v in row]
        if any(isinstance(v, str) and "\x00" in v for v in cells):
            from relscale.errors import DataError
            from relscale.i18n import _

            raise DataError(_("a text holds the control character U+0000 (NUL), which ends "
                              "a CSV field for many programs; remove it from the input"))
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str], **kwargs: Any) -> GuardedWriter:
    """The CSV writer of every file relscale writes (``delimiter="\\t"`` for TSV)."""
    return GuardedWriter(fh, **kwargs)


class GuardedDictWriter:
    """:func:`csv.DictWriter` with the header and every text cell guarded."""

    def __init__(self, fh: IO[str], fieldnames: list[str], **kwargs: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = GuardedWriter(fh, **kwargs)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self._writer.writerow([row.get(name) for name in self.fieldnames])


def dict_writer(fh: IO[str], fieldnames: list[str], **kwargs: Any) -> GuardedDictWriter:
    """:func:`writer` for rows given as dicts."""
    return GuardedDictWriter(fh, fieldnames, **kwargs)

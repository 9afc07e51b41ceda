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
"""

from __future__ import annotations

import re

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


def csv_unguard(value: str) -> str:
    """Undo :func:`csv_text` (a guarded value loses its apostrophe)."""
    if value.startswith("'") and needs_guard(value[1:]):
        return value[1:]
    return value

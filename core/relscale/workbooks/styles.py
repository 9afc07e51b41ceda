"""The named styles relscale's table workbooks share, defined once.

Codebook, scoring sheet, results and reliability workbooks (and the translation review
workbook) look alike: a bold title, an italic note, a light-blue header row, wrapped text
and a few number formats. A builder takes the ones it uses into its ``Workbook.styles``
under the names its cells refer to::

    Workbook(styles={"title": TITLE, "head": HEADER, "num": number(DECIMALS_2)})

The fillable form has its own look (body font, answer cells) and keeps its styles in
:mod:`relscale.workbooks.form`.
"""

from __future__ import annotations

from dataclasses import replace

from relscale.excel.sheet import Style

HEADER_FILL = "DDEBF7"
"""The light blue of every header row."""

TITLE = Style(bold=True, size=13)
HEADER = Style(bold=True, fill=HEADER_FILL, border_bottom="thin")
HEADER_WRAPPED = replace(HEADER, wrap=True, vertical="bottom")
"""A header row whose labels may wrap (the scoring sheet's item and score columns)."""
NOTE = Style(italic=True, color="7F3F00")
"""A caution under a title: the not-validated notice, the norms used."""
NOTE_WRAPPED = Style(italic=True, wrap=True)
NOTE_QUIET = Style(italic=True, color="555555")
"""A method note (how a statistic was computed)."""
WRAP = Style(wrap=True, vertical="top")

# Number formats
INTEGER = "0"
DECIMALS_2 = "0.00"
DECIMALS_3 = "0.000"
UP_TO_6_DECIMALS = "0.######"
"""A number as exact as it is, without trailing zeros (norm tables)."""


def number(number_format: str, **kwargs: object) -> Style:
    """A style that formats numbers as ``number_format`` (one of the formats above)."""
    return Style(number_format=number_format, **kwargs)  # type: ignore[arg-type]

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

from relscale.excel.sheet import PrintSetup, Style, Workbook

FONT = "Arial"
"""Every cell's font, named explicitly: LibreOffice would otherwise mix its default serif
into headings and Carlito into the body (Liberation Sans is Arial's metric twin)."""
FONT_SIZE = 10.0
BODY = Style(font=FONT, size=FONT_SIZE)

HEADER_FILL = "DDEBF7"
"""The light blue of every header row."""

TITLE = Style(font=FONT, bold=True, size=13)
HEADER = Style(font=FONT, size=FONT_SIZE, bold=True, fill=HEADER_FILL, border_bottom="thin")
HEADER_WRAPPED = replace(HEADER, wrap=True, vertical="bottom")
"""A header row whose labels may wrap (the scoring sheet's item and score columns)."""
NOTE = Style(font=FONT, size=FONT_SIZE, italic=True, color="7F3F00")
"""A caution under a title: the not-validated notice, the norms used."""
NOTE_WRAPPED = Style(font=FONT, size=FONT_SIZE, italic=True, wrap=True)
NOTE_QUIET = Style(font=FONT, size=FONT_SIZE, italic=True, color="555555")
"""A method note (how a statistic was computed)."""
WRAP = Style(font=FONT, size=FONT_SIZE, wrap=True, vertical="top")

# Number formats
INTEGER = "0"
DECIMALS_2 = "0.00"
DECIMALS_3 = "0.000"
UP_TO_6_DECIMALS = "0.######"
"""A number as exact as it is, without trailing zeros (norm tables)."""


def number(number_format: str, **kwargs: object) -> Style:
    """A style that formats numbers as ``number_format`` (one of the formats above)."""
    kwargs.setdefault("font", FONT)
    kwargs.setdefault("size", FONT_SIZE)
    return Style(number_format=number_format, **kwargs)  # type: ignore[arg-type]


def set_fonts(book: Workbook, *, font: str = FONT, size: float = FONT_SIZE) -> None:
    """Name the font of every style and give unstyled cells :data:`BODY`: nothing is left
    to the spreadsheet program's default font."""
    for name, style in list(book.styles.items()):
        if style.font is None or style.size is None:
            book.styles[name] = replace(style, font=style.font or font,
                                        size=style.size or size)
    book.styles.setdefault("body", replace(BODY, font=font, size=size))
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.style is None:
                cell.style = "body"


def print_table(
    *,
    title_rows: tuple[int, int] | None = None,
    title_columns: tuple[int, int] | None = None,
    print_area: str | None = None,
    footer_left: str | None = None,
) -> PrintSetup:
    """A table sheet on paper: A4 landscape, one page wide, header rows and id columns
    repeated on every page, page numbers in the footer."""
    from relscale.i18n import _

    return PrintSetup(
        orientation="landscape",
        fit_width=1,
        title_rows=title_rows,
        title_columns=title_columns,
        print_area=print_area,
        margins_cm=(1.2, 1.2, 1.5, 1.5),
        footer_left=footer_left,
        footer_right=_("Page {page} of {pages}"),
    )

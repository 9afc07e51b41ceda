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


DEFAULT_COLUMN_WIDTH = 9.0
"""A column without a width of its own (Excel's 8.43, rounded up)."""
WIDEST_COLUMN = 60.0
"""A column is widened for a text up to this width; a longer text wraps instead."""


def fit_layout(book: Workbook, *, widest: float = WIDEST_COLUMN) -> None:
    """Make every text of ``book``'s visible sheets print whole inside its box, measured
    with :mod:`relscale.workbooks.text_metrics` (call it when the cells are set and every
    style is named, after :func:`set_fonts`):

    - the only text of its row (a title, a note, an instruction), wider than its column,
      is merged over the table's width and wraps;
    - a text that does not wrap and is wider than its column, with a neighbour to its
      right, widens the column (up to ``widest``; beyond, it wraps);
    - every row is as tall as its tallest wrapped text.
    """
    for sheet in book.sheets:
        if sheet.visibility == "visible":
            _fit_sheet(book, sheet, widest)


def _fit_sheet(book: Workbook, sheet: object, widest: float) -> None:
    from relscale.excel.sheet import Sheet, parse_ref
    from relscale.workbooks.text_metrics import (
        LINE_HEIGHT_EM,
        POINTS_PER_COLUMN_UNIT,
        column_points,
        line_count,
        text_width,
        widest_word,
    )

    assert isinstance(sheet, Sheet)
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for merge in sheet.merges:
        first, _sep, last = merge.partition(":")
        r1, c1 = parse_ref(first)
        r2, c2 = parse_ref(last or first)
        spans[(r1, c1)] = c2
        covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    texts = {rc: cell for rc, cell in sheet.cells.items()
             if isinstance(cell.value, str) and cell.value and cell.formula is None}
    used = {rc for rc, cell in sheet.cells.items()
            if cell.value not in (None, "") or cell.formula is not None}
    last_col = max((c for _r, c in used), default=1)

    def width(c: int) -> float:
        return sheet.column_widths.get(c, DEFAULT_COLUMN_WIDTH)

    def style_of(name: str | None) -> Style:
        return book.styles.get(name or "body", BODY)

    def wrapped(name: str | None) -> str:
        style = style_of(name)
        key = f"{name or 'body'}__wrap"
        book.styles.setdefault(key, replace(style, wrap=True, vertical=style.vertical or "top"))
        return key

    rows_used: dict[int, int] = {}
    for r, _c in used:
        rows_used[r] = rows_used.get(r, 0) + 1
    # a title, a note, an instruction: the only text of its row, wider than its column,
    # is merged over the table's width and wraps
    for (r, c), cell in sorted(texts.items()):
        style = style_of(cell.style)
        if rows_used.get(r) != 1 or (r, c) in spans or (r, c) in covered or c >= last_col:
            continue
        need = text_width(str(cell.value), style.size or FONT_SIZE, bold=style.bold,
                          font=style.font) + 6
        if need > column_points(width(c)):
            sheet.merge(r, c, r, last_col)
            spans[(r, c)] = last_col
            covered.update((r, k) for k in range(c, last_col + 1))
            if not style.wrap:
                cell.style = wrapped(cell.style)
    # widths: texts that do not wrap, beside other cells
    for (r, c), cell in sorted(texts.items()):
        style = style_of(cell.style)
        if style.wrap or (r, c) in spans or (r, c) in covered or style.shrink:
            continue
        size = style.size or FONT_SIZE
        need = text_width(str(cell.value), size, bold=style.bold, font=style.font) + 6
        if need <= column_points(width(c)):
            continue
        if not any((r, k) in used for k in range(c + 1, last_col + 1)):
            continue  # it prints over the empty cells beside it
        units = need / POINTS_PER_COLUMN_UNIT + 1
        if units <= widest:
            sheet.column_widths[c] = max(width(c), round(units, 1))
        else:
            sheet.column_widths[c] = max(width(c), widest)
            cell.style = wrapped(cell.style)
    # wrapped texts: the widest word unbroken (a heading wraps between words only)
    for (r, c), cell in sorted(texts.items()):
        style = style_of(cell.style)
        if not style.wrap or (r, c) in spans or (r, c) in covered:
            continue
        need = widest_word([str(cell.value)], style.size or FONT_SIZE, bold=style.bold,
                           font=style.font) + 6 + 10.5 * style.indent
        if need > column_points(width(c)):
            units = need / POINTS_PER_COLUMN_UNIT + 1
            sheet.column_widths[c] = max(width(c), round(min(units, widest), 1))
    # then heights: every wrapped text whole
    for (r, c), cell in texts.items():
        style = style_of(cell.style)
        if not style.wrap or ((r, c) in covered and (r, c) not in spans):
            continue
        room = sum(width(k) for k in range(c, spans.get((r, c), c) + 1))
        size = style.size or FONT_SIZE
        lines = line_count(str(cell.value), column_points(room) - 10.5 * style.indent, size,
                           bold=style.bold, font=style.font)
        height = lines * size * LINE_HEIGHT_EM + 5
        if height > sheet.row_heights.get(r, 0.0):
            sheet.row_heights[r] = float(round(height + 0.4))

"""A writer-neutral model of a spreadsheet workbook.

Builders (forms, scoring sheets, results workbooks) lay out a :class:`Workbook` from
these plain dataclasses; :func:`relscale.excel.xlsx.write_xlsx` turns it into an .xlsx
file (through :func:`relscale.workbooks.write`). Nothing here imports a writer, so
building is cheap and testable without one.

Coordinates are 1-based ``(row, column)`` integers, as in the spreadsheet UI; ranges
and references are A1 strings (``"B14"``, ``"A1:C3"``). :func:`ref` and
:func:`range_ref` convert.

API in brief::

    from relscale.excel.sheet import Workbook, Style, Validation, ref

    book = Workbook(styles={"title": Style(bold=True, size=14)})
    sheet = book.add_sheet("Form")
    sheet.set(1, 1, "Relationship quality", style="title")
    sheet.set(5, 3, None, style="input", locked=False)          # an answer cell
    sheet.set(6, 3, formula="=AVERAGE(C5:C9)")                   # a live formula
    sheet.merge(1, 1, 1, 3)
    sheet.column_widths[2] = 60
    sheet.row_heights[5] = 32
    sheet.validations.append(Validation.whole("C5:C9", 1, 5, prompt="1 to 5"))
    sheet.protection = SheetProtection(password=None)
    sheet.print_setup = PrintSetup(title_rows=(10, 11), footer_center="Page {page} of {pages}")
    sheet.charts.append(ChartSpec(kind="bar", anchor="E2", categories="Scores!A2:A4",
                                  series=(SeriesSpec("Scores!B1:B4", title_from_first=True),)))
    book.defined_names.append(DefinedName("answers", "'Form'!$C$5:$C$9"))
    write(book, path)                                            # relscale.workbooks.write

Pieces:

- :class:`Style`: a named cell style (font, fill, alignment, border, number format).
  Cells refer to styles by name; the writer turns each name into one cell format. Whether a cell
  is locked is a property of the cell (``Cell.locked``), not the style, so one style
  serves locked and unlocked cells.
- :class:`Cell`: a value (str, int, float, bool, date, datetime, None) or a ``formula``
  (text starting with ``=``, English function names and comma separators, as in
  OOXML).
- :class:`Validation`: data validation over a range: whole numbers ``min..max``, a
  decimal range, or a list of allowed values; with input (prompt) and error messages.
  Excel limits titles to 32 and messages to 255 characters; :meth:`Validation.whole`
  and :meth:`Validation.list` shorten longer text rather than writing a file Excel
  repairs.
- :class:`SheetProtection`: protects a sheet (optionally with a password); only cells
  with ``locked=False`` stay editable.
- :class:`PrintSetup`: paper (A4), orientation, fit to N pages wide, repeated title
  rows, print area, manual row breaks, margins and header/footer text. Header and
  footer text may use ``{page}``, ``{pages}``, ``{sheet}`` and ``{file}``; any other text
  is literal (an ``&`` is escaped by the writer).
- :class:`ChartSpec` / :class:`SeriesSpec`: a bar or line chart over cell ranges,
  anchored at a cell.
- :class:`Sheet`: cells, merged ranges, column widths (in character units), row heights
  (in points), validations, protection, print setup, charts, frozen panes, visibility
  (``visible`` / ``hidden`` / ``veryHidden``, the last cannot be unhidden from the UI).
- :class:`Workbook`: ordered sheets, the style table, defined names, document
  properties and structure protection (no adding, deleting or unhiding sheets).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from relscale.errors import ContentError
from relscale.i18n import _


class SheetNameError(ContentError, ValueError):
    """A sheet name a spreadsheet cannot hold, or one used twice."""


CellValue = str | int | float | bool | dt.date | dt.datetime | None
Visibility = Literal["visible", "hidden", "veryHidden"]
HAlign = Literal["general", "left", "center", "right", "justify"]
VAlign = Literal["top", "center", "bottom"]
BorderStyle = Literal["thin", "medium", "thick", "dashed", "dotted", "double", "hair"]

MAX_TITLE = 32
MAX_MESSAGE = 255


# --- references ------------------------------------------------------------------------


def column_letter(column: int) -> str:
    """1 -> ``A``, 27 -> ``AA``."""
    if column < 1:
        raise ValueError(f"column must be >= 1, got {column}")
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    index = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        index = index * 26 + ord(ch) - 64
    return index


def ref(row: int, column: int, *, absolute: bool = False) -> str:
    """``(14, 2)`` -> ``B14`` (``$B$14`` if ``absolute``)."""
    if row < 1:
        raise ValueError(f"row must be >= 1, got {row}")
    d = "$" if absolute else ""
    return f"{d}{column_letter(column)}{d}{row}"


def range_ref(
    row1: int, col1: int, row2: int, col2: int, *, absolute: bool = False
) -> str:
    """``(1, 1, 3, 2)`` -> ``A1:B3``."""
    return f"{ref(row1, col1, absolute=absolute)}:{ref(row2, col2, absolute=absolute)}"


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def parse_ref(a1: str) -> tuple[int, int]:
    """``B14`` -> ``(14, 2)``; a ValueError for anything else."""
    m = _A1.match(a1.strip())
    if not m:
        raise ValueError(f"not a cell reference: {a1!r}")
    return int(m.group(2)), column_index(m.group(1))


def quote_sheet(name: str) -> str:
    """A sheet name as used in references: ``'My sheet'``, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


# --- styles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """A named cell style. ``None`` means the writer's default for that attribute."""

    font: str | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    color: str | None = None
    """Font colour as RRGGBB hex."""
    fill: str | None = None
    """Solid background colour as RRGGBB hex."""
    horizontal: HAlign | None = None
    vertical: VAlign | None = None
    wrap: bool = False
    shrink: bool = False
    indent: int = 0
    border: BorderStyle | None = None
    """Border on all four sides."""
    border_bottom: BorderStyle | None = None
    """Bottom border only (ignored when ``border`` is set)."""
    border_color: str | None = None
    number_format: str | None = None


# --- cells -----------------------------------------------------------------------------


@dataclass
class Cell:
    value: CellValue = None
    style: str | None = None
    locked: bool = True
    """False for cells the user may edit when the sheet is protected."""
    formula: str | None = None
    """A formula such as ``=SUM(B2:B9)``; when set, ``value`` is ignored."""
    comment: str | None = None


# --- validation ------------------------------------------------------------------------


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Validation:
    """Data validation for the cells in ``ranges`` (space-separated A1 ranges)."""

    ranges: str
    kind: Literal["whole", "decimal", "list"]
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[str, ...] = ()
    allow_blank: bool = True
    prompt_title: str | None = None
    prompt: str | None = None
    error_title: str | None = None
    error: str | None = None
    error_style: Literal["stop", "warning", "information"] = "stop"
    in_cell_dropdown: bool = True

    @classmethod
    def whole(
        cls,
        ranges: str,
        minimum: int,
        maximum: int,
        *,
        prompt_title: str | None = None,
        prompt: str | None = None,
        error_title: str | None = None,
        error: str | None = None,
        allow_blank: bool = True,
    ) -> Validation:
        """Whole numbers from ``minimum`` to ``maximum`` inclusive."""
        return cls(
            ranges=ranges,
            kind="whole",
            minimum=minimum,
            maximum=maximum,
            allow_blank=allow_blank,
            prompt_title=_clip(prompt_title, MAX_TITLE),
            prompt=_clip(prompt, MAX_MESSAGE),
            error_title=_clip(error_title, MAX_TITLE),
            error=_clip(error, MAX_MESSAGE),
        )

    @classmethod
    def list(
        cls,
        ranges: str,
        options: tuple[str, ...] | list[str],
        *,
        prompt_title: str | None = None,
        prompt: str | None = None,
        error_title: str | None = None,
        error: str | None = None,
        allow_blank: bool = True,
    ) -> Validation:
        """One of ``options`` (shown as a drop-down). Options may not contain commas."""
        options = tuple(str(o) for o in options)
        if any("," in o or '"' in o for o in options):
            raise ValueError("list validation options may not contain commas or quotes")
        if len(",".join(options)) > MAX_MESSAGE:
            raise ValueError("list validation options exceed 255 characters")
        return cls(
            ranges=ranges,
            kind="list",
            options=options,
            allow_blank=allow_blank,
            prompt_title=_clip(prompt_title, MAX_TITLE),
            prompt=_clip(prompt, MAX_MESSAGE),
            error_title=_clip(error_title, MAX_TITLE),
            error=_clip(error, MAX_MESSAGE),
        )


# --- protection and printing -----------------------------------------------------------


@dataclass(frozen=True)
class SheetProtection:
    """Protect a sheet; cells with ``locked=False`` stay editable.

    ``password=None`` protects without a password (anyone can unprotect from the menu:
    a guard against slips, not a security measure).
    """

    password: str | None = None
    select_locked_cells: bool = True
    """Whether locked cells can still be selected (e.g. to copy text)."""
    format_columns: bool = False
    format_rows: bool = False


@dataclass(frozen=True)
class PrintSetup:
    paper: Literal["A4", "letter"] = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    fit_width: int | None = 1
    """Fit to this many pages wide (None: no fitting, print at ``scale``)."""
    fit_height: int | None = None
    """Pages tall when fitting; None leaves the height free (as many pages as needed)."""
    scale: int | None = None
    title_rows: tuple[int, int] | None = None
    """First and last row repeated at the top of every printed page."""
    title_columns: tuple[int, int] | None = None
    """First and last column repeated at the left of every printed page (id columns)."""
    print_area: str | None = None
    """An A1 range (without sheet name)."""
    row_breaks: tuple[int, ...] = ()
    """Page breaks after these rows."""
    margins_cm: tuple[float, float, float, float] = (1.5, 1.5, 1.8, 1.8)
    """Left, right, top, bottom margins in centimetres."""
    header_margin_cm: float = 0.8
    footer_margin_cm: float = 0.8
    center_horizontally: bool = True
    grid_lines: bool = False
    header_left: str | None = None
    header_center: str | None = None
    header_right: str | None = None
    footer_left: str | None = None
    footer_center: str | None = None
    footer_right: str | None = None


# --- charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesSpec:
    """One data series: values from a range (``Sheet!B2:B9`` or ``'My sheet'!B2:B9``)."""

    values: str
    title: str | None = None
    title_from_first: bool = False
    """Take the series title from the first cell of ``values``."""


@dataclass(frozen=True)
class ChartSpec:
    """A bar or line chart over cell ranges, anchored with its top-left at ``anchor``."""

    kind: Literal["bar", "column", "line"]
    anchor: str
    series: tuple[SeriesSpec, ...]
    categories: str | None = None
    title: str | None = None
    x_title: str | None = None
    y_title: str | None = None
    y_min: float | None = None
    y_max: float | None = None
    width_cm: float = 15.0
    height_cm: float = 7.5
    legend: bool = True
    lines: tuple[SeriesSpec, ...] = ()
    """Series drawn as straight lines over a bar/column chart, e.g. band thresholds."""


# --- sheets and workbooks ---------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    """Column index -> width in character units (Excel's column width)."""
    hidden_columns: set[int] = field(default_factory=set)
    row_heights: dict[int, float] = field(default_factory=dict)
    """Row index -> height in points."""
    validations: list[Validation] = field(default_factory=list)
    protection: SheetProtection | None = None
    print_setup: PrintSetup | None = None
    charts: list[ChartSpec] = field(default_factory=list)
    freeze: str | None = None
    """Top-left cell of the scrolling area, e.g. ``A5`` freezes rows 1-4."""
    visibility: Visibility = "visible"
    tab_color: str | None = None
    show_grid_lines: bool = True
    stream: Callable[[], Iterable[Sequence[tuple[CellValue, str | None]]]] | None = None
    """Rows written below the cells, produced while the file is written (bounded memory
    for a table of any length): a function returning an iterable of rows, each a
    sequence of ``(value, style)``; ``None`` for an empty cell. Strings are text, never
    formulas (:func:`relscale.excel.xlsx_sheet.stream_xml`)."""
    stream_start: int = 0
    """The first streamed row (default: the row after the last cell)."""

    def set(
        self,
        row: int,
        column: int,
        value: CellValue = None,
        *,
        style: str | None = None,
        locked: bool = True,
        formula: str | None = None,
        comment: str | None = None,
    ) -> Cell:
        """Put a value (or formula) into a cell, replacing what was there; returns it."""
        if row < 1 or column < 1:
            raise ValueError(f"cell ({row}, {column}) is outside the sheet")
        if formula is not None and not formula.startswith("="):
            raise ValueError(f"a formula starts with '=': {formula!r}")
        cell = Cell(value=value, style=style, locked=locked, formula=formula, comment=comment)
        self.cells[(row, column)] = cell
        return cell

    def get(self, row: int, column: int) -> Cell | None:
        return self.cells.get((row, column))

    def merge(
        self, row1: int, col1: int, row2: int, col2: int, *, style: str | None = None
    ) -> str:
        """Merge a rectangle; ``style`` is also applied to its covered cells (borders)."""
        rng = range_ref(row1, col1, row2, col2)
        self.merges.append(rng)
        if style is not None:
            for r in range(row1, row2 + 1):
                for c in range(col1, col2 + 1):
                    if (r, c) not in self.cells:
                        self.cells[(r, c)] = Cell(style=style)
                    elif self.cells[(r, c)].style is None:
                        self.cells[(r, c)].style = style
        return rng

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_column(self) -> int:
        return max((c for _, c in self.cells), default=0)


@dataclass(frozen=True)
class DefinedName:
    """A workbook-level name for a reference, e.g. ``answers`` -> ``'Form'!$C$5:$C$9``."""

    name: str
    reference: str


@dataclass
class Workbook:
    sheets: list[Sheet] = field(default_factory=list)
    styles: dict[str, Style] = field(default_factory=dict)
    defined_names: list[DefinedName] = field(default_factory=list)
    title: str | None = None
    creator: str | None = None
    protect_structure: bool = False
    """Lock the workbook structure: no adding, deleting, renaming or unhiding sheets."""
    structure_password: str | None = None
    active: int = 0

    _taken: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    """The casefolded names of ``sheets`` (rebuilt when sheets were added otherwise), so
    adding the 10,000th sheet does not compare names with the 9,999 before it."""

    def add_sheet(self, name: str, **kwargs: object) -> Sheet:
        # Sheet names often come from a translation: a bad one is the catalog's fault,
        # reported in one line (SheetNameError is a ContentError and a ValueError).
        if len(self._taken) != len(self.sheets):
            self._taken = {s.name.casefold() for s in self.sheets}
        if name.casefold() in self._taken:
            raise SheetNameError(
                _("two sheets named {name!r} (sheet names ignore case; check the "
                  "translation of sheet names)").format(name=name))
        if (not name.strip() or len(name) > 31 or any(ch in name for ch in "[]:*?/\\")
                or name.startswith("'") or name.endswith("'")):
            raise SheetNameError(
                _("{name!r} is not a valid sheet name (1 to 31 characters, none of "
                  "[ ] : * ? / \\, no quote at either end; check the translation of sheet "
                  "names)").format(name=name))
        sheet = Sheet(name=name, **kwargs)  # type: ignore[arg-type]
        self.sheets.append(sheet)
        self._taken.add(name.casefold())
        return sheet

    def sheet(self, name: str) -> Sheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def check(self) -> None:
        """Raise ValueError for references to undefined styles (a builder's bug)."""
        for sheet in self.sheets:
            for (row, col), cell in sheet.cells.items():
                if cell.style is not None and cell.style not in self.styles:
                    raise ValueError(
                        f"{sheet.name}!{ref(row, col)}: undefined style {cell.style!r}"
                    )

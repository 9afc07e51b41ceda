"""Cell values of a workbook, fast: python-calamine, values only, no styles.

openpyxl builds a style object for every cell it loads, which is most of the time of
reading relscale's own forms back (``benchmarks/bench_read.py``). The readers need
values only; :func:`open_values` gives them through the small part of openpyxl's
interface they use (``sheetnames``, ``wb[name]``, ``iter_rows(values_only=True)``,
``ws.cell(row, column).value``, ``ws["B7"].value``), so
:func:`relscale.excel.identity.recognise` and the form reader work on either.

Values are as openpyxl gives them with ``data_only=True``: None for an empty cell, int
for a whole number, float, str, bool, and ``datetime`` for a date (the cached values of
formulas). calamine also reads ``.ods`` and ``.xls``, which LibreOffice and old Excel
save.

Limits: a workbook is a zip file whose parts can unpack to far more than the file's
size (a "zip bomb"); :func:`check_zip` refuses one whose parts would unpack to more than
``RELSCALE_MAX_UNZIPPED_MB`` (default 1024 MB) before anything is parsed.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from relscale.errors import DataError
from relscale.i18n import _
from relscale.io.merged import MergedCells, bounding_box  # re-exported
from relscale.io.sheet_limits import (  # the limits, re-exported for their old callers
    DEFAULT_MAX_UNZIPPED_MB,
    DEFLATE_MAX_RATIO,
    ENV_MAX_UNZIPPED,
    check_zip,
    max_unzipped_bytes,
)

if TYPE_CHECKING:
    from relscale.io.xlsx_parts import LeanZip, Packed

__all__ = ["DEFAULT_MAX_UNZIPPED_MB", "DEFLATE_MAX_RATIO", "ENV_MAX_UNZIPPED", "MergedCells",
           "ValueBook", "ValueSheet", "bounding_box", "check_zip", "max_unzipped_bytes",
           "open_values"]


def calamine_failed(exc: BaseException) -> bool:
    """Whether ``exc`` is calamine refusing a file: its errors are Exceptions, and a Rust
    panic arrives as pyo3's ``PanicException``, which derives from BaseException (an
    ``except Exception`` lets it through as a traceback)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


class ValueCell:
    """A cell's value, as ``ws.cell(...)`` gives it in openpyxl."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class ValueSheet:
    """One sheet's values (rows of equal length, from A1); rows are converted as they are
    iterated, and kept only when a cell is looked up by position."""

    def __init__(self, path: Path, title: str, sheet: Any, book: ValueBook | None = None
                 ) -> None:
        self.path = path
        self.title = title
        self._sheet = sheet
        self._book = book
        self._rows: list[list[Any]] | None = None
        self._merged: MergedCells | None = None

    @property
    def merged_cells(self) -> MergedCells:
        """The merged ranges; ``"C14" in ws.merged_cells`` as in openpyxl."""
        if self._merged is None:
            try:
                ranges = self._sheet.merged_cell_ranges or []
            except BaseException as exc:  # calamine reads merged cells of .xlsx only
                if not calamine_failed(exc):
                    raise
                ranges = []
            self._merged = MergedCells(ranges)
        return self._merged

    @property
    def has_formulas(self) -> bool:
        """Whether the sheet's XML holds any formula (True when it cannot tell)."""
        return True if self._book is None else self._book.sheet_has_formulas(self.title)

    @property
    def max_row(self) -> int:
        return int(self._sheet.height)

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, min_col: int = 1,
        max_col: int | None = None, values_only: bool = True,
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of values from ``min_row`` (1-based), as openpyxl's ``values_only``."""
        import itertools

        rows = self._rows if self._rows is not None else self._raw_rows()
        for row in itertools.islice(rows, min_row - 1, max_row):
            yield tuple(_row(row[min_col - 1 : max_col]))

    def _raw_rows(self) -> Iterator[list[Any]]:
        try:  # from A1, as openpyxl (calamine pads the empty rows and columns before)
            yield from self._sheet.iter_rows()
        except BaseException as exc:  # calamine's errors for a broken sheet
            if not calamine_failed(exc):
                raise
            raise DataError(unreadable(self.path, exc)) from None

    def raw_rows(self) -> list[list[Any]]:
        """The rows from A1 as calamine gives them (``""`` for an empty cell, a float for
        a number, a ``date``); :func:`value` converts one to what :meth:`cell` gives."""
        if self._rows is None:
            try:
                self._rows = self._sheet.to_python(skip_empty_area=False)
            except BaseException as exc:  # calamine's errors for a broken sheet
                if not calamine_failed(exc):
                    raise
                raise DataError(unreadable(self.path, exc)) from None
        return self._rows

    def cell(self, row: int, column: int) -> ValueCell:
        rows = self.raw_rows()  # as calamine gives them: convert on look-up
        try:
            raw = rows[row - 1][column - 1] if row > 0 and column > 0 else None
        except IndexError:
            raw = None
        return ValueCell(None if raw is None else _row((raw,))[0])

    def __getitem__(self, ref: str) -> ValueCell:
        r, c = _parse_ref(ref)
        return self.cell(r, c)


class ValueBook:
    """A workbook's sheets by name, read on first use."""

    def __init__(self, path: Path, book: Any, kind: str | None = "xlsx") -> None:
        self.path = path
        self.kind = kind
        """``xlsx``, ``ods`` or ``xls`` (:func:`relscale.io.sheet_limits.check_before_opening`)."""
        self._book = book
        self.formulas: dict[str, list[tuple[int, int] | None]] = {}
        """Sheet -> its cells with a formula (:meth:`formula_cells`), as found so far."""
        self.sheetnames: list[str] = list(book.sheet_names)
        self._sheets: dict[str, ValueSheet] = {}
        self._facts: dict[str, XmlFacts | None] = {}
        self._stored: dict[str, Packed] = {}
        self._parts: dict[str, str] | None = None
        self._zip: zipfile.ZipFile | None = None
        self._lean: LeanZip | None = None
        self._lean_tried = False

    def __getitem__(self, name: str) -> ValueSheet:
        if name not in self._sheets:
            if name not in self.sheetnames:
                raise KeyError(name)
            if self.kind == "xlsx":
                self._check_extent(name)  # before calamine builds the grid
            try:
                sheet = self._book.get_sheet_by_name(name)
            except BaseException as exc:  # calamine's errors for a broken sheet
                if not calamine_failed(exc):
                    raise
                raise DataError(unreadable(self.path, exc)) from None
            check_sheet_xml(self, name)
            self._sheets[name] = ValueSheet(self.path, name, sheet, self)
        return self._sheets[name]

    def formula_cells(self, name: str) -> list[tuple[int, int] | None]:
        """The cells (row, column; None: a cell without a reference) of sheet ``name``
        that hold a formula, the first 100 (:mod:`relscale.io.sheet_formulas`)."""
        if name in self.formulas or self.kind != "xlsx":
            return self.formulas.get(name, [])
        found: list[tuple[int, int] | None] = []
        if self.sheet_has_formulas(name):
            from relscale.io.sheet_formulas import xlsx_formula_cells

            try:
                part = self._sheet_parts().get(name)
                found = xlsx_formula_cells(self._zip_read(part)) if part else [None]
            except (zipfile.BadZipFile, OSError, KeyError, EOFError, zlib.error) as exc:
                raise DataError(unreadable(self.path, exc)) from None
        self.formulas[name] = found
        return found

    def visible(self, name: str) -> bool:
        """Whether sheet ``name`` is shown (not hidden or very hidden)."""
        for meta in getattr(self._book, "sheets_metadata", ()):
            if meta.name == name:
                return str(meta.visible).rsplit(".", 1)[-1] == "Visible"
        return True

    def _check_extent(self, name: str) -> None:
        """:func:`relscale.io.sheet_limits.check_xlsx_sheet` of sheet ``name``."""
        from relscale.io.sheet_limits import check_xlsx_sheet

        def read(part: str) -> bytes | None:
            packed = self._packed(part)
            return None if packed is None else unpacked(packed)

        def open_part(part: str) -> Any:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self.path)
            return self._zip.open(part)

        try:
            part = self._sheet_parts().get(name)
            if self._lean is not None:
                names = self._lean.names()
            else:
                if self._zip is None:
                    self._zip = zipfile.ZipFile(self.path)
                names = self._zip.namelist()
            check_xlsx_sheet(self.path, name, part, read, open_part, names)
        except (zipfile.BadZipFile, OSError, KeyError, UnicodeDecodeError, EOFError,
                RuntimeError, NotImplementedError, zlib.error) as exc:
            # not measured, not read: calamine would build what the file declares
            raise DataError(unreadable(self.path, exc)) from None

    @property
    def worksheets(self) -> list[ValueSheet]:
        return [self[name] for name in self.sheetnames]

    def close(self) -> None:
        self._book.close()
        self._lean, self._lean_tried = None, True
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def sheet_facts(self, name: str) -> XmlFacts | None:
        """What the XML part of sheet ``name`` of an .xlsx holds that calamine reads
        silently; None when it cannot tell (another format, an unexpected layout)."""
        if name in self._facts:
            return self._facts[name]
        self._facts[name] = None
        try:
            part = self._sheet_parts().get(name)
            if part is None:
                return None
            packed = self._packed(part)
            facts = None
            if packed is not None:  # kept for small parts only (a form's, not a table's)
                scan = _packed_facts if len(packed[0]) <= 1 << 16 else _packed_facts.__wrapped__
                facts = scan(*packed)
            if packed is not None and facts is not None and not (
                    facts.values or facts.formula or facts.undefined_entity):
                self._stored[name] = packed
            if facts is None:  # not read lean: zipfile's answer, as for any odd file
                facts = xml_facts(self._zip_read(part))
        except (zipfile.BadZipFile, OSError, KeyError, UnicodeDecodeError):
            return None
        self._facts[name] = facts
        return facts

    def sheet_key(self, name: str) -> Packed | None:
        """A key to the values of sheet ``name`` when its XML alone gives them: the part
        as stored, when it holds no ``<v>`` element (a number, a date, a shared string:
        values that styles and other parts decide), no formula and no undefined entity,
        only text written in the sheet. Equal keys, equal values (calamine's reading is a
        function of these bytes); None otherwise, or for another format."""
        return self._stored.get(name) if self.sheet_facts(name) is not None else None

    def _packed(self, part: str) -> Packed | None:
        """A part as stored, read lean (:mod:`relscale.io.xlsx_parts`) when it can; None:
        read it with :mod:`zipfile`. :raises KeyError: no such part."""
        if not self._lean_tried:
            from relscale.io.xlsx_parts import open_lean

            self._lean, self._lean_tried = open_lean(self.path), True
        if self._lean is None:
            return None
        packed = self._lean.packed(part)
        if packed is None or len(packed[0]) > 1 << 20:  # a large part: as zipfile reads it
            return None
        return packed

    def _zip_read(self, part: str) -> bytes:
        """One part with :mod:`zipfile`, the file opened once for the checks.

        :raises KeyError: no such part; ``zipfile.BadZipFile``, OSError: a broken file.
        """
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.path)
        return self._zip.read(part)

    def _sheet_parts(self) -> dict[str, str]:
        """Sheet name -> its part in the zip (``xl/worksheets/sheet1.xml``), read once
        from the workbook and its relationships."""
        if self._parts is None:
            names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
            packed = [self._packed(name) for name in names]
            if packed[0] is not None and packed[1] is not None:
                self._parts = _packed_sheet_parts(packed[0], packed[1])
            if self._parts is None:  # not read lean: zipfile's answer
                self._parts = _sheet_parts(*map(self._zip_read, names))
        return self._parts

    def sheet_has_formulas(self, name: str) -> bool:
        """Whether the .xlsx part of sheet ``name`` holds a ``<f>`` element; True when it
        cannot tell (not an .xlsx, an unexpected layout)."""
        facts = self.sheet_facts(name)
        return facts is None or facts.formula


class XmlFacts(NamedTuple):
    """What a sheet's XML holds that calamine reads silently."""

    undefined_entity: bool
    """``&foo;``: calamine reads the cell as empty, an XML parser refuses the file."""
    formula: bool
    """A ``<f>`` element (a formula; its saved value is what calamine reads)."""
    values: bool
    """A ``<v>`` element: a value that may need another part (shared strings, styles)."""


_UNDEFINED_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA_HINT = re.compile(rb"f(?<=[<:]f)[\s>/]")
"""Every match of :data:`_FORMULA` holds one of these; searching for it is 20 times faster
(it starts with a letter), so :data:`_FORMULA` runs only where it is found."""
_VALUE = re.compile(rb"<(?:\w+:)?v[\s>/]")
_VALUE_HINT = re.compile(rb"v(?<=[<:]v)[\s>/]")


def xml_facts(xml: bytes) -> XmlFacts:
    """The :class:`XmlFacts` of a sheet's XML."""
    return XmlFacts(
        undefined_entity=b"&" in xml and _UNDEFINED_ENTITY.search(xml) is not None,
        formula=_FORMULA_HINT.search(xml) is not None and _FORMULA.search(xml) is not None,
        values=_VALUE_HINT.search(xml) is not None and _VALUE.search(xml) is not None)


@functools.lru_cache(maxsize=64)
def _packed_facts(packed: bytes, method: int, crc: int, size: int) -> XmlFacts | None:
    """:func:`xml_facts` of a part as stored; the forms of one layout share their metadata
    sheet byte for byte, so it is unpacked and scanned once. None: the part does not
    unpack as its directory says (zipfile's error, read again there)."""
    xml = unpacked((packed, method, crc, size))
    return None if xml is None else xml_facts(xml)


@functools.lru_cache(maxsize=8)
def unpacked(packed: Packed) -> bytes | None:
    """:func:`relscale.io.xlsx_parts.unpack` of a small part, kept for the next check of
    the same sheet (its XML facts, then its grid)."""
    from relscale.io.xlsx_parts import unpack

    return unpack(*packed)


@functools.lru_cache(maxsize=16)
def _packed_sheet_parts(book: Packed, rels: Packed) -> dict[str, str] | None:
    """:func:`_sheet_parts` of the workbook and relationships parts as stored; None: a
    part does not unpack as the zip directory says."""
    from relscale.io.xlsx_parts import unpack

    book_xml, rels_xml = unpack(*book), unpack(*rels)
    if book_xml is None or rels_xml is None:
        return None
    return _sheet_parts(book_xml, rels_xml)


def check_sheet_xml(book: ValueBook, name: str) -> None:
    """calamine reads a cell with an undefined entity (``&foo;``) as empty; an XML parser
    refuses the file. Refuse it too, naming the sheet."""
    facts = book.sheet_facts(name)
    if facts is not None and facts.undefined_entity:
        raise DataError(_("{path}: not a readable .xlsx workbook ({reason})").format(
            path=book.path, reason=_("sheet {sheet!r} is not well-formed XML (an undefined "
                                     "entity)").format(sheet=name)))


@functools.lru_cache(maxsize=64)
def _sheet_parts(book: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name -> part from ``xl/workbook.xml`` and its relationships (callers do not
    change the dict: :func:`_packed_sheet_parts` keeps it)."""
    parts: dict[str, str] = {}
    targets = {a.get(b"Id"): a.get(b"Target")
               for a in map(_attrs, re.findall(rb"<Relationship\b[^>]*>", rels))}
    for a in map(_attrs, re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", book)):
        target = targets.get(a.get(b"r:id") or a.get(b"id"))
        if target is None or a.get(b"name") is None:
            continue
        part = target.decode().lstrip("/")
        parts[_xml_unescape(a[b"name"])] = part if part.startswith("xl/") else f"xl/{part}"
    return parts


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    """The attributes of one XML start tag (prefixes kept: ``r:id``)."""
    return dict(re.findall(rb'([\w:]+)="([^"]*)"', tag))


_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _xml_unescape(name: bytes) -> str:
    """An attribute value with XML's five entities replaced, as ``xml.sax.saxutils``'s
    ``unescape`` with ``&quot;`` and ``&apos;`` (which imports urllib: 7 ms a start)."""
    text = name.decode("utf-8")
    if "&" not in text:
        return text
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


@functools.lru_cache(maxsize=4096)
def _parse_ref(ref: str) -> tuple[int, int]:
    """``C14`` -> (14, 3); the same few cells are looked up on every form."""
    from relscale.excel.sheet import parse_ref

    return parse_ref(ref)


def value(raw: Any) -> Any:
    """A cell of :meth:`ValueSheet.raw_rows` as :meth:`ValueSheet.cell` gives it."""
    return None if raw == "" else raw if type(raw) is str else _value(raw)


def _value(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime.combine(v, dt.time(0))
    return v


def _row(cells: Sequence[Any]) -> list[Any]:
    # Most cells are text or empty: test for them inline, convert the rest.
    return [None if v == "" else v if type(v) is str else _value(v) for v in cells]


def unreadable(path: Path, exc: BaseException) -> str:
    from relscale.io.xlsx_errors import unreadable_reason  # names an encrypted workbook

    return _("{path}: not a readable .xlsx workbook ({reason})").format(
        path=path, reason=unreadable_reason(path, exc))


def open_values(path: Path | str) -> ValueBook:
    """The workbook's values (see the module docstring).

    :raises DataError: no such file, a workbook over the unpacked-size limit, or a file
        calamine cannot read, in one line naming the file.
    """
    import stat

    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:  # one stat for both checks
        st = os.stat(path)
    except (OSError, ValueError):
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        raise DataError(_("{path}: no such file").format(path=path))
    check_zip(path, st.st_size)
    from relscale.io.sheet_limits import check_before_opening

    kind, formulas, lean = check_before_opening(path)  # what calamine would allocate
    try:
        book = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine raises its own kinds for a file it cannot read
        if not calamine_failed(exc):
            raise
        raise DataError(unreadable(path, exc)) from None
    found = ValueBook(path, book, kind)
    if lean is not None:  # already read: its parts serve the sheet checks
        found._lean, found._lean_tried = lean, True
    found.formulas.update({name: list(cells) for name, cells in formulas.items()})
    return found

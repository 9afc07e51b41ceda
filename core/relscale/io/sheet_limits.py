"""How large a grid a workbook would make, found before python-calamine builds it.

calamine builds a sheet as one rectangle of cells from its first to its last stored cell
(32 bytes a cell), and reserves memory for what a file declares: a 5 KB .xlsx with cells
at A1 and XFD1048576 asks for 17 billion cells (``memory allocation of 549755813888 bytes
failed``, a Rust abort that no ``except`` catches); a shared-strings part that declares
four billion strings aborts at opening; a 1 KB .ods repeats one cell a hundred million
times. So relscale measures each sheet from the file first and refuses what is too large:

- ``.xlsx`` / ``.xlsm``: the references of the cells a sheet's XML stores (``r="XFD1"``,
  and cells without one counted where calamine would put them) give the grid from A1 to
  the last cell, :func:`xlsx_extent`; the shared strings' ``uniqueCount`` may not exceed
  what the part can hold (:func:`check_shared_strings`);
- ``.ods``: ``content.xml`` read with expat, repeated rows and columns counted, every
  table's grid (:mod:`relscale.io.ods_limits`);
- ``.xls``: :mod:`relscale.io.xls_limits`.

Before any of it, :func:`check_zip` refuses a zip whose parts would unpack to more than
``RELSCALE_MAX_UNZIPPED_MB`` (default 1024 MB; a "zip bomb").

A grid (rows x columns, from A1 to the last cell that holds anything) may have at most
``RELSCALE_MAX_CELLS`` cells (default 5,000,000: a table of 200,000 rows x 25 columns).
Reading a sheet at the limit peaks under 500 MB, sparse or dense, .xlsx or .ods
(benchmarks/RESULTS-fuzz.md). Refused, the message names the sheet and its last cell;
larger tables are read as CSV.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from relscale.errors import DataError
from relscale.i18n import _
from relscale.limits import BadLimit, env_limit

if TYPE_CHECKING:
    from relscale.io.xlsx_parts import LeanZip

ENV_MAX_CELLS = "RELSCALE_MAX_CELLS"
DEFAULT_MAX_CELLS = 5_000_000
SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384
"""The largest sheet a spreadsheet program makes (a reference beyond is refused)."""
CHUNK = 16 << 20
"""Bytes of a sheet's XML scanned at a time (the scan keeps no more)."""


class Extent(NamedTuple):
    """A sheet's grid: from A1 to row ``rows``, column ``columns`` (0 x 0: empty)."""

    rows: int
    columns: int
    bad_ref: str | None = None
    """A cell reference beyond a sheet's limits (then ``rows`` and ``columns`` are not
    the grid's)."""

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def merge(self, other: Extent) -> Extent:
        return Extent(max(self.rows, other.rows), max(self.columns, other.columns),
                      self.bad_ref or other.bad_ref)


def max_cells() -> int:
    """The most cells a sheet's grid may have (``RELSCALE_MAX_CELLS``)."""
    try:
        return int(env_limit(ENV_MAX_CELLS, DEFAULT_MAX_CELLS))
    except BadLimit as exc:
        raise DataError(bad_limit(exc)) from None


def bad_limit(exc: BadLimit) -> str:
    """The message for a limit set to no positive number."""
    return _("{env}={value!r} is not a limit: set a positive number or leave it unset").format(
        env=exc.env, value=exc.value)


def column_letters(column: int) -> str:
    """1 -> ``A``, 16384 -> ``XFD``."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_extent(path: object, sheet: str, extent: Extent) -> None:
    """Refuse a sheet whose grid is over :func:`max_cells` or that names a cell beyond a
    sheet, naming the file, the sheet and its last cell."""
    where = f"{path} [{sheet}]"
    if extent.bad_ref is not None:
        raise DataError(_("{where}: cell reference {ref!r} lies beyond the last cell of a "
                          "sheet (XFD1048576); not a workbook relscale reads").format(
            where=where, ref=extent.bad_ref[:40]))
    limit = max_cells()
    if extent.cells > limit:
        last = f"{column_letters(extent.columns)}{extent.rows}"
        raise DataError(_(
            "{where}: the sheet reaches cell {cell} ({rows} rows x {columns} columns = "
            "{cells} cells), more than the limit of {limit} (set {env} to raise it); delete "
            "what lies beyond the table, or save the table alone").format(
            where=where, cell=last, rows=extent.rows, columns=extent.columns,
            cells=extent.cells, limit=limit, env=ENV_MAX_CELLS))


ENV_MAX_UNZIPPED = "RELSCALE_MAX_UNZIPPED_MB"
DEFAULT_MAX_UNZIPPED_MB = 1024
DEFLATE_MAX_RATIO = 1032
"""Deflate cannot compress better than about 1032:1 (zip's other methods in .xlsx: none)."""


def max_unzipped_bytes() -> int:
    """The most a workbook may unpack to (``RELSCALE_MAX_UNZIPPED_MB``, in MB)."""
    try:
        return int(env_limit(ENV_MAX_UNZIPPED, DEFAULT_MAX_UNZIPPED_MB) * 1024 * 1024)
    except BadLimit as exc:
        raise DataError(bad_limit(exc)) from None


def check_zip(path: Path, size: int | None = None) -> None:
    """Refuse a zip-based workbook (.xlsx, .ods) that would unpack to more than the limit.

    The sizes are the ones the zip directory declares; the zip reader stops at the
    declared size, so a part cannot unpack to more than this check saw. ``size``: the
    file's size when the caller has it.
    """
    limit = max_unzipped_bytes()
    try:
        if (path.stat().st_size if size is None else size) * DEFLATE_MAX_RATIO <= limit:
            return  # even at deflate's best ratio this file cannot unpack past the limit
    except OSError:
        return
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (an .xls, or broken): the reader's own message
    if total > limit:
        raise DataError(
            _("{path}: the workbook unpacks to {size} MB, more than the limit of {limit} MB "
              "(set {env} to raise it)").format(
                path=path, size=round(total / 2**20), limit=round(limit / 2**20),
                env=ENV_MAX_UNZIPPED)
        )


ENV_MAX_COLUMNS = "RELSCALE_MAX_COLUMNS"
DEFAULT_MAX_COLUMNS = 5000
"""The widest table relscale reads (``RELSCALE_MAX_COLUMNS``): every step per column is
linear, but a column costs about 1 ms and 60 KB in the bulk reader and writer
(benchmarks/RESULTS-fuzz.md), so 5,000 columns read in seconds and 100,000 would not."""


def check_width(source: object, width: int) -> None:
    """Refuse a table wider than ``RELSCALE_MAX_COLUMNS``, before any work per column."""
    from relscale.messages import where

    try:
        limit = int(env_limit(ENV_MAX_COLUMNS, DEFAULT_MAX_COLUMNS))
    except BadLimit as exc:
        raise DataError(bad_limit(exc)) from None
    if width > limit:
        raise DataError(_("{where}: {n} columns, more than the limit of {limit} (set {env} "
                          "to raise it)").format(where=where(source, 1), n=width, limit=limit,
                                                 env=ENV_MAX_COLUMNS))


# --- .xlsx ------------------------------------------------------------------------------

_REF = rb'([A-Z]+)([0-9]+)'
_PLAIN_CELL = re.compile(rb'<c r="' + _REF + rb'"')
"""A cell as Excel, LibreOffice, openpyxl and relscale write it (``<c r="A1"``)."""
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])([^>]*)>')
"""A cell or row start tag in any form (a namespace prefix, attributes in any order)."""
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*(["\'])([^"\']*)\1')
_REF_TEXT = re.compile(rb'([A-Za-z]+)([0-9]+)')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _chunks(stream: IO[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """The stream in pieces that end after a ``>`` (no tag or reference is cut)."""
    rest = b""
    while True:
        block = stream.read(size)
        if not block:
            if rest:
                yield rest
            return
        data = rest + block
        cut = data.rfind(b">") + 1
        if cut == 0 and len(data) < 4 * size:
            rest = data
            continue
        cut = cut or len(data)
        rest = data[cut:]
        yield data[:cut]


def xlsx_extent(chunks: Iterable[bytes]) -> Extent:
    """The grid of a sheet's XML (given in pieces that end after a ``>``).

    Every cell element counts, empty or not (a formatted empty cell too: a bound that
    is never smaller than calamine's). Where every cell is written ``<c r="A1"`` (as
    Excel, LibreOffice, openpyxl and relscale write them) and in order, the first and
    last cells of a piece give its grid, and one search shows that no other cell lies
    beyond it; anything else (another cell beyond, a prefix, another attribute first, no
    ``r``) is read tag by tag (:func:`_general_extent`).
    """
    extent = Extent(0, 0)
    for data in chunks:
        if (len(data) < 1 << 20 and _SMALL_BOUND.cells <= max_cells() and b":c" not in data
                and _NOT_SMALL.search(data) is None):
            extent = extent.merge(_SMALL_BOUND)  # a bound, not the grid: enough to admit it
            continue
        seen = _ends_extent(data)
        if seen is None or b":c" in data or _beyond(seen).search(data) is not None:
            extent = extent.merge(_general_extent(data, extent))
        else:
            extent = extent.merge(seen)
        if extent.bad_ref:
            break
    return extent


_SMALL_BOUND = Extent(999, 702)
"""Rows of at most three digits, columns of at most two letters: a form's sheet."""
_NOT_SMALL = re.compile(rb'<c(?:(?=[\s>/])(?! r="[A-Z]{1,2}[0-9]{1,3}")'
                        rb'| r="(?:[A-Z]{3}|[A-Z]+[0-9]{4}))')
"""A cell beyond :data:`_SMALL_BOUND`, or a cell tag in another form."""


def _ends_extent(data: bytes) -> Extent | None:
    """The grid of the ``<c r="A1"`` cells at the start and the end of ``data`` (all of
    it when short); None for a reference beyond a sheet (read tag by tag)."""
    if len(data) < 1 << 13:
        refs = _PLAIN_CELL.findall(data)
    else:
        refs = _PLAIN_CELL.findall(data[: 1 << 11]) + _PLAIN_CELL.findall(data[-(1 << 12):])
    seen = _refs_extent(refs)
    return None if seen.bad_ref else seen


@functools.lru_cache(maxsize=64)
def _beyond(seen: Extent) -> re.Pattern[bytes]:
    """A cell that is not ``<c r="A1"`` within ``seen``: another form of cell tag, a
    reference that is no capital letters and digits, or one beyond the row or column."""
    return re.compile(rb'<c(?:(?=[\s>/])(?! r="[A-Z]+[0-9]+")| r="(?:(?:%s)[0-9]|[A-Z]+(?:%s)"))'
                      % (_greater(column_letters(seen.columns).encode(), rb"A-Z", 90),
                         _greater(str(seen.rows).encode(), rb"0-9", 57)))


def _greater(text: bytes, span: bytes, high: int) -> bytes:
    """A pattern for the strings of the class ``[span]`` that are longer than ``text``,
    or as long and later in order (letters or digits: greater as a column or a row)."""
    if not text or text == b"0":
        return b"[%s]+" % span
    parts = [b"[%s]{%d,}" % (span, len(text) + 1)]
    for i, ch in enumerate(text):
        if ch < high:
            parts.append(re.escape(text[:i]) + b"[%s-%s]" % (bytes([ch + 1]), bytes([high]))
                         + b"[%s]{%d}" % (span, len(text) - i - 1))
    return b"|".join(parts)


def _refs_extent(refs: list[tuple[bytes, bytes]]) -> Extent:
    if not refs:
        return Extent(0, 0)
    letters = {ref[0] for ref in refs}  # a sheet has few distinct columns and rows
    digits = {ref[1] for ref in refs}
    long_letters = next((x for x in letters if len(x) > 3), None)
    long_digits = next((x for x in digits if len(x) > 7), None)
    if long_letters is not None or long_digits is not None:
        return Extent(0, 0, ((long_letters or b"A") + (long_digits or b"1"))[:12].decode())
    rows, columns = max(map(int, digits)), max(map(_column, letters))
    if rows > SHEET_ROWS or columns > SHEET_COLUMNS:
        return Extent(0, 0, f"{column_letters(columns)}{rows}")
    return Extent(rows, columns)


def _general_extent(data: bytes, before: Extent) -> Extent:
    """:func:`xlsx_extent` of XML in any form, tag by tag."""
    rows, columns = before.rows, before.columns
    row, col = rows, columns  # not known at a piece's start: the largest so far
    for tag in _TAG.finditer(data):
        found = _R_ATTR.search(tag.group(2))
        value = found.group(2) if found else None
        if tag.group(1) == b"row":
            digits = value is not None and value.isdigit() and len(value) <= 8
            row = int(value) if digits else row + 1  # type: ignore[arg-type]
            col = 0
            rows = max(rows, row)
            continue
        if value is None:
            col += 1
            cell_row = max(row, 1)
        else:
            ref = _REF_TEXT.fullmatch(value)
            if ref is None or len(ref.group(1)) > 3 or len(ref.group(2)) > 7:
                return Extent(0, 0, value[:12].decode("utf-8", "replace"))
            col, cell_row = _column(ref.group(1)), int(ref.group(2))
        rows, columns = max(rows, cell_row), max(columns, col)
    if rows > SHEET_ROWS or columns > SHEET_COLUMNS:
        return Extent(0, 0, f"{column_letters(columns)}{rows}")
    return Extent(rows, columns)


def check_shared_strings(path: object, head: bytes, size: int) -> None:
    """Refuse a shared-strings part whose ``uniqueCount`` (what calamine reserves room
    for) exceeds what a part of ``size`` bytes can hold (5 bytes a string: ``<si/>``)
    or :func:`max_cells`. ``head``: the part's first bytes (the ``<sst>`` tag)."""
    found = re.search(rb'<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\suniqueCount\s*=\s*["\']\s*'
                      rb'([0-9]+)', head)
    if found is None:
        return
    declared = int(found.group(1)[:20])
    if declared > size // 5 + 1 or declared > max_cells():
        raise DataError(_("{path}: not a readable .xlsx workbook ({reason})").format(
            path=path, reason=_("the shared strings declare {n} strings in {size} bytes")
            .format(n=declared, size=size)))


def check_ods(path: Path, content: IO[bytes]) -> dict[str, list[tuple[int, int]]]:
    """Refuse an .ods whose tables' grids are over the limit (every table: calamine reads
    them all on opening); returns the cells with a formula, per table."""
    formulas: dict[str, list[tuple[int, int]]] = {}
    from relscale.io.ods_limits import ods_extents

    try:
        extents = ods_extents(content, formulas)
    except ValueError as exc:
        raise DataError(_("{path}: not a readable .xlsx workbook ({reason})").format(
            path=path, reason=str(exc))) from None
    for name, (rows, columns) in extents.items():
        check_extent(path, name, Extent(rows, columns))
    return formulas


# --- where the readers call in --------------------------------------------------------


Formulas = dict[str, list[tuple[int, int]]]
"""Sheet name -> the first cells (row, column) holding a formula."""


def check_before_opening(path: Path) -> tuple[str | None, Formulas, LeanZip | None]:
    """The checks a workbook needs before calamine opens it (which reads the shared
    strings of an .xlsx, every table of an .ods and every sheet of an .xls); returns the
    format found (``xlsx``, ``ods``, ``xls``; None: not one calamine reads, its own
    message follows), for .ods and .xls the cells with a formula (an .xlsx sheet's are
    found when it is read), and the file read by :func:`relscale.io.xlsx_parts.open_lean`
    when it could be (a small .xlsx: no zipfile objects, its parts kept for the reader).

    :raises DataError: a grid or a declaration over the limits; a zip whose parts cannot
        be checked (calamine would read what they declare)."""
    from relscale.io.xlsx_parts import open_lean

    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError:
        return None, {}, None
    if magic.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
            return None, {}, None  # an encrypted workbook: calamine's reader says so
        from relscale.io.xls_limits import xls_sheets

        formulas: Formulas = {}
        for name, (rows, columns), found in xls_sheets(path):
            check_extent(path, name, Extent(rows, columns))
            if found:
                formulas[name] = found
        return "xls", formulas, None
    lean = open_lean(path)
    try:
        if lean is not None and _lean_xlsx(path, lean):
            return "xlsx", {}, lean
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "content.xml" in names and "xl/workbook.xml" not in names:
                with zf.open("content.xml") as content:
                    return "ods", check_ods(path, content), None
            for name in names:
                if name.lower().endswith("sharedstrings.xml"):
                    with zf.open(name) as part:
                        check_shared_strings(path, part.read(4096), zf.getinfo(name).file_size)
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError, RuntimeError,
            EOFError, UnicodeDecodeError, zlib.error) as exc:
        from relscale.io.xlsx_errors import unreadable_reason

        raise DataError(_("{path}: not a readable .xlsx workbook ({reason})").format(
            path=path, reason=unreadable_reason(path, exc))) from None
    return "xlsx", {}, None


def _lean_xlsx(path: Path, lean: LeanZip) -> bool:
    """:func:`check_before_opening` of an .xlsx read lean; False: leave it to zipfile (an
    .ods, or a part the lean reader does not take)."""
    names = lean.names()
    if "content.xml" in names and "xl/workbook.xml" not in names:
        return False
    for name in names:
        if name.lower().endswith("sharedstrings.xml"):
            packed = lean.packed(name)
            if packed is None:
                return False
            stored, method = packed[0], packed[1]
            head = (zlib.decompressobj(-15).decompress(stored, 4096) if method == 8
                    else stored[:4096])  # the <sst> tag only: the part may be large
            check_shared_strings(path, head, lean.size(name))
    return True


def check_xlsx_sheet(path: Path, sheet: str, part: str | None,
                     read: Callable[[str], bytes | None], open_part: Callable[[str], IO[bytes]],
                     parts: Iterable[str]) -> None:
    """Refuse sheet ``sheet`` of an .xlsx before calamine builds it, when its grid is
    over the limit. ``part``: its XML part (None when the workbook's relationships do not
    say, or name no part of the file: then every XML part is measured, the largest
    counts); ``read`` gives a small part's bytes (None: not read so), ``open_part`` a
    stream of any part."""
    names = list(parts)
    candidates = [part] if part in names else [p for p in names if p.lower().endswith(".xml")]
    extent = Extent(0, 0)
    for name in candidates:
        data = read(name)
        if data is not None:
            extent = extent.merge(_cached_extent(data))
        else:
            with open_part(name) as stream:
                extent = extent.merge(xlsx_extent(_chunks(stream)))
    check_extent(path, sheet, extent)


@functools.lru_cache(maxsize=64)
def _cached_extent(data: bytes) -> Extent:
    """:func:`xlsx_extent` of a small part (the forms of one layout share their sheets)."""
    return xlsx_extent([data])

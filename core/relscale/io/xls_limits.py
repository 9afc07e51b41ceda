"""An old Excel workbook (.xls) measured before python-calamine opens it.

calamine reads every sheet of an .xls when it opens the file, and trusts what the file
declares: the compound file's header sizes (it reserves memory for them), its sector
chains (a chain that loops is followed for ever), a sheet's DIMENSIONS record (rows x
columns reserved) and the positions of its cells (the grid spans the first to the last).
This module walks the same structures first, as calamine would, and refuses a file
whose header or chains do not add up; :mod:`relscale.io.sheet_limits` refuses grids over
``RELSCALE_MAX_CELLS``.

The compound file (MS-CFB): a 512-byte header, sectors of 512 or 4096 bytes, a FAT of
sector chains, a directory (the ``Workbook`` stream), a mini stream for small streams.
The workbook stream (MS-XLS, BIFF): records of type, length and data; BoundSheet8 gives
each sheet's offset, whose records hold DIMENSIONS and the cells.
"""

from __future__ import annotations

import struct
from pathlib import Path

from relscale.errors import DataError
from relscale.i18n import _

ENDOFCHAIN, FREESECT, MAXREGSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFA
RESERVE_BUDGET = 64 << 20
"""The most bytes calamine may reserve for a header's declared sizes."""
_CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201}
"""Number, Label, RString, BoolErr, RK, LabelSst, Formula, Blank: row, column first."""
_MULTI_RECORDS = {0x00BD, 0x00BE}
"""MulRk, MulBlank: row, first column, ..., last column (the record's last two bytes)."""


Sheet = tuple[str, tuple[int, int], list[tuple[int, int]]]
"""A sheet's name, its grid (rows, columns) and its formula cells (row, column)."""


class _Bad(Exception):
    """The file does not add up (the reason, in English, for the message)."""


def xls_sheets(path: Path) -> list[Sheet]:
    """Each sheet of an .xls: its name, its grid (rows, columns) as calamine would build
    it, and its first Formula cells (row, column); :func:`relscale.io.sheet_limits.
    check_before_opening` refuses a grid over the limit.

    :raises DataError: the file does not add up (one line naming it)."""
    try:
        data = path.read_bytes()
        return _sheet_extents(_workbook_stream(data))
    except (_Bad, struct.error, IndexError, OverflowError, MemoryError) as exc:
        reason = str(exc) if isinstance(exc, _Bad) else _("its structure does not add up")
        raise DataError(_("{path}: not a readable .xls workbook ({reason})").format(
            path=path, reason=reason)) from None
    except OSError:
        return []  # the reader's own message


def _workbook_stream(data: bytes) -> bytes:
    """The bytes of the ``Workbook`` (or ``Book``) stream, every chain checked."""
    if len(data) < 512:
        raise _Bad(_("shorter than a compound file header"))
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
        raise _Bad(_("a compound file header with another sector size"))
    size = 1 << shift
    sectors = max(0, (len(data) - size) // size + 1)
    (_dir_count, fat_len, dir_start, _sig, cutoff, mini_fat_start, mini_fat_len,
     difat_start, difat_len) = struct.unpack_from("<IIIIIIIII", data, 40)
    odd = struct.unpack_from("<I", data, 62)[0]  # calamine reads its DIFAT size here
    if (fat_len > sectors or difat_len > sectors or mini_fat_len > sectors
            or 4 * max(fat_len, odd) > RESERVE_BUDGET):
        raise _Bad(_("its header declares more sectors than the file holds"))

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _Bad(_("a sector beyond the end of the file"))
        start = (n + 1) * size
        return data[start : start + size]

    difat = list(struct.unpack_from("<109I", data, 76))
    seen: set[int] = set()
    n = difat_start
    while n < MAXREGSECT:
        if n in seen or len(seen) > difat_len:
            raise _Bad(_("a sector chain that loops"))
        seen.add(n)
        links = struct.unpack_from(f"<{size // 4}I", sector(n))
        difat.extend(links[:-1])
        n = links[-1]
    fat: list[int] = []
    for n in difat:
        if n < MAXREGSECT:
            fat.extend(struct.unpack_from(f"<{size // 4}I", sector(n)))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        n = start
        while n != ENDOFCHAIN:
            if n >= len(table) or len(out) > limit:
                raise _Bad(_("a sector chain that loops or leaves the file"))
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(n) for n in chain(dir_start, fat, sectors))
    entries = [directory[k : k + 128] for k in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _Bad(_("no directory"))
    names: dict[str, int] = {}
    for k, entry in enumerate(entries):
        name_len = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(0, name_len - 2)].decode("utf-16-le", "replace")
        names.setdefault(name, k)
    wanted = next((names[n] for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if n in names),
                  None)
    if wanted is None:
        return b""  # not a workbook (an encrypted .xlsx): calamine says it has no stream
    entry = entries[wanted]
    start = struct.unpack_from("<I", entry, 116)[0]
    length = struct.unpack_from("<Q" if shift == 12 else "<I", entry, 120)[0]
    if length > len(data) * 8:
        raise _Bad(_("a stream longer than the file"))
    if length >= max(cutoff, 4096) or length >= 4096:
        parts = [sector(n) for n in chain(start, fat, sectors)]
        return b"".join(parts)[:length]
    root = entries[0]
    mini_stream = b"".join(sector(n) for n in chain(
        struct.unpack_from("<I", root, 116)[0], fat, sectors))
    mini_fat_bytes = b"".join(sector(n) for n in chain(mini_fat_start, fat, sectors))
    mini_fat = list(struct.unpack_from(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
    parts = [mini_stream[n * 64 : n * 64 + 64] for n in chain(start, mini_fat, len(mini_fat))]
    return b"".join(parts)[:length]


def _records(stream: bytes, start: int = 0):  # type: ignore[no-untyped-def]
    """(type, data) of each BIFF record from ``start`` to the stream's end."""
    pos = start
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def _sheet_extents(stream: bytes) -> list[Sheet]:
    """Each sheet's grid (rows, columns) as calamine would reserve and build it, and the
    first cells holding a formula (1-based)."""
    sheets: list[tuple[int, str]] = []
    for kind, record in _records(stream):
        if kind == 0x0085 and len(record) >= 8:  # BoundSheet8: offset, then the name
            offset = struct.unpack_from("<I", record, 0)[0]
            wide = record[7] & 1
            text = record[8 : 8 + record[6] * (2 if wide else 1)]
            name = text.decode("utf-16-le" if wide else "latin-1", "replace")
            sheets.append((offset, name or str(len(sheets) + 1)))
        elif kind == 0x000A:
            break
    extents: list[Sheet] = []
    for offset, name in sheets:
        rows = columns = 0
        formulas: list[tuple[int, int]] = []
        if offset >= len(stream):
            raise _Bad(_("a sheet beyond the end of the workbook stream"))
        started = False
        for kind, record in _records(stream, offset):
            if kind == 0x0809:
                if started:
                    break  # a nested substream: calamine skips it
                started = True
            elif kind == 0x000A:
                break
            elif kind == 0x0200 and len(record) in (10, 14):
                fmt = "<HHHH" if len(record) == 10 else "<IIHH"
                first_row, last_row, first_col, last_col = struct.unpack_from(fmt, record)
                if first_col > 0xFF or last_col < first_col:
                    first_col = 0
                rows = max(rows, last_row - first_row)
                columns = max(columns, last_col - first_col)
            elif kind in _CELL_RECORDS and len(record) >= 4:
                row, col = struct.unpack_from("<HH", record)
                rows, columns = max(rows, row + 1), max(columns, col + 1)
                if kind == 0x0006 and len(formulas) < 100:
                    formulas.append((row + 1, col + 1))
            elif kind in _MULTI_RECORDS and len(record) >= 6:
                row, _first = struct.unpack_from("<HH", record)
                last = struct.unpack_from("<H", record, len(record) - 2)[0]
                rows, columns = max(rows, row + 1), max(columns, last + 1)
        extents.append((name, (rows, columns), formulas))
    return extents

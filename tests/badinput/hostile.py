"""Workbooks built byte by byte, for inputs no spreadsheet program writes: a sheet that
reaches XFD1048576 with two cells, shared strings that declare billions, an .ods that
repeats one row a million times, an .xls with a looping sector chain.

Used by the bad-input corpus (tests/badinput/second_pass.py), the reader fuzz tests and
benchmarks/fuzz_readers.py. Every builder writes a file calamine reads when its sizes are
honest, so a refusal is the size check's, not a broken file's.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
       'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}{sst}</Types>')
_SHEET_CT = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_SST_CT = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
           'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
         '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Cell = tuple[str, object]
"""A cell reference (``A1``) and its value: a str (inline text) or a number."""


def cell_xml(ref: str, value: object, formula: str | None = None) -> str:
    f = f"<f>{escape(formula)}</f>" if formula is not None else ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr">{f}<is><t>{escape(value)}</t></is></c>'
    v = "" if value is None else f"<v>{value}</v>"
    return f'<c r="{ref}">{f}{v}</c>'


def sheet_xml(cells: Sequence[Cell], extra: str = "") -> str:
    """A worksheet's XML: rows in order of their first cell's number, cells as given."""
    import re

    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        number = int(re.sub(r"^[A-Z]+", "", ref))
        rows.setdefault(number, []).append(cell_xml(ref, value))
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{extra}'
            f'<sheetData>{body}</sheetData></worksheet>')


def xlsx(path: Path, sheets: Sequence[tuple[str, str]], *, shared: str | None = None,
         hidden: Sequence[str] = ()) -> Path:
    """An .xlsx of ``(name, sheet XML)`` sheets (``hidden``: their state), and a
    sharedStrings part when ``shared`` is given."""
    listed = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"'
        f'{" state=" + chr(34) + "hidden" + chr(34) if name in hidden else ""}/>'
        for n, (name, _xml) in enumerate(sheets, start=1))
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_R}">'
            f"<sheets>{listed}</sheets></workbook>")
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_R}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1))
    if shared is not None:
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="{_R}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(
            sheets="".join(_SHEET_CT.format(n=n) for n in range(1, len(sheets) + 1)),
            sst=_SST_CT if shared is not None else ""))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/relationships">'
                   f"{rels}</Relationships>")
        for n, (_name, xml) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return path


def table_cells(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[Cell]:
    """The cells of a table from A1: a header row, then the rows."""
    from openpyxl.utils import get_column_letter

    return [(f"{get_column_letter(c + 1)}{r + 1}", value)
            for r, row in enumerate([list(header), *map(list, rows)])
            for c, value in enumerate(row) if value is not None]


# --- .ods -------------------------------------------------------------------------------

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
             'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
             'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
             '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, str):
        return (f'<table:table-cell office:value-type="string"{rep}><text:p>{escape(value)}'
                "</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="float" office:value="{value}"{rep}>'
            f"<text:p>{value}</text:p></table:table-cell>")


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def ods(path: Path, tables: Sequence[tuple[str, str]]) -> Path:
    """An .ods of ``(name, rows XML)`` tables."""
    body = "".join(f'<table:table table:name="{escape(name)}">{rows}</table:table>'
                   for name, rows in tables)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f"{body}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- .xls -------------------------------------------------------------------------------

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff_sheet(cells: Sequence[tuple[int, int, object]],
               dimensions: tuple[int, int, int, int] | None = None) -> bytes:
    """A worksheet substream: BOF, DIMENSIONS (first row, last row + 1, first column,
    last column + 1; from the cells when not given), the cells (Number or Label), EOF."""
    rows = [r for r, _c, _v in cells] or [0]
    cols = [c for _r, c, _v in cells] or [0]
    dims = dimensions or (min(rows), max(rows) + 1, min(cols), min(max(cols) + 1, 0xFFFF))
    out = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0x41, 6))
    out += _record(0x0200, struct.pack("<IIHHH", *dims, 0))
    for r, c, value in cells:
        if isinstance(value, str):
            text = value.encode("latin-1")
            out += _record(0x0204, struct.pack("<HHHHB", r, c, 15, len(text), 0) + text)
        else:
            out += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))  # type: ignore[arg-type]
    return out + _record(0x000A, b"")


def biff_workbook(sheets: Sequence[tuple[str, bytes]], hidden: Sequence[str] = ()) -> bytes:
    """A BIFF8 workbook stream: globals (BOF, 16 XF records, one BoundSheet8 per sheet,
    EOF), then the sheet substreams."""
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 6))
    xfs = b"".join(_record(0x00E0, struct.pack("<HHHHHHIH", 0, 0, 0xFFF5 if k < 15 else 1,
                                               0x20, 0, 0, 0, 0x20C0)) for k in range(16))

    def bound(name: str, offset: int) -> bytes:
        text = name.encode("latin-1")
        state = 1 if name in hidden else 0
        return _record(0x0085, struct.pack("<IBBBB", offset, state, 0, len(text), 0) + text)

    head_len = len(bof) + len(xfs) + sum(len(bound(n, 0)) for n, _s in sheets) + 4
    globals_ = bof + xfs
    offset = head_len
    for name, stream in sheets:
        globals_ += bound(name, offset)
        offset += len(stream)
    return globals_ + _record(0x000A, b"") + b"".join(s for _n, s in sheets)


def xls(path: Path, stream: bytes, *, header: dict[int, int] | None = None,
        fat_patch: dict[int, int] | None = None) -> Path:
    """A compound file holding ``stream`` as its Workbook stream (512-byte sectors: the
    FAT, the directory, then the stream, padded to 4096 bytes so no mini stream is
    needed). ``header``: u32 values to write at byte offsets of the header afterwards;
    ``fat_patch``: FAT entries to overwrite (a chain that loops)."""
    data = stream + b"\0" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n = len(data) // 512
    fat = [FATSECT, END, *range(3, n + 2), END]
    fat += [FREE] * (128 - len(fat))
    for index, value in (fat_patch or {}).items():
        fat[index] = value
    head = bytearray(512)
    head[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", head, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", head, 40, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<109I", head, 76, 0, *[FREE] * 108)
    for offset, value in (header or {}).items():
        struct.pack_into("<I", head, offset, value)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        out = bytearray(128)
        out[: len(raw)] = raw
        struct.pack_into("<HBB", out, 64, len(raw), kind, 1)
        struct.pack_into("<III", out, 68, NOSTREAM, NOSTREAM, child)
        struct.pack_into("<II", out, 116, start, size)
        return bytes(out)

    directory = (entry("Root Entry", 5, 1, END, 0) + entry("Workbook", 2, NOSTREAM, 2,
                                                            len(data))
                 + entry("", 0, NOSTREAM, 0, 0) * 2)
    body = bytes(head) + struct.pack("<128I", *fat) + directory + data
    path.write_bytes(body)
    return path

"""Cell text limits, and sheets streamed into the file row by row.

:func:`text_problem` says why a string cannot go into a cell (Excel's 32,767-character
limit, control characters XML 1.0 cannot carry). :func:`splice_streams` writes the rows
of streamed sheets (:attr:`relscale.excel.sheet.Sheet.stream`) into a rendered workbook
as they are produced: every string an inline string (text, never a formula), numbers as
numbers, styles by the cell-format index the renderer registered. No openpyxl here.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from relscale.errors import DataError, RelscaleError
from relscale.excel.sheet import Sheet, column_letter
from relscale.i18n import _

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters in one cell (openpyxl would cut longer text)."""
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problem(text: str, where: str) -> RelscaleError | None:
    """Why ``text`` cannot be written into a cell (too long, a control character)."""
    if len(text) > MAX_CELL_TEXT:
        return DataError(
            _("{cell}: text of {n} characters is longer than a spreadsheet cell holds "
              "({limit})").format(cell=where, n=len(text), limit=MAX_CELL_TEXT)
        )
    bad = _ILLEGAL.search(text)
    if bad:
        return DataError(
            _("{cell}: text contains the control character U+{code:04X}, which a "
              "spreadsheet cannot hold; remove it from the input").format(
                cell=where, code=ord(bad.group(0)))
        )
    return None


STREAM_DEFLATE_LEVEL = 1
"""zlib level of a streamed sheet's part: its XML is most of the work of writing a large
workbook; level 1 deflates the Scores of 100,000 respondents (179 MB of XML) in a third
of the time of the default level 6, to a file 40% larger (21 MB instead of 15 MB;
benchmarks/RESULTS-results-xlsx.md)."""


def texts_fit(texts: Iterable[Any]) -> bool:
    """Whether every string in ``texts`` fits a cell (:func:`text_problem` finds none);
    other values are passed over. One pass in C, for a column of any length."""
    strings = [t for t in texts if isinstance(t, str)]
    if not strings:
        return True
    return max(map(len, strings)) <= MAX_CELL_TEXT and not _ILLEGAL.search("\n".join(strings))


def stream_start(sheet: Sheet) -> int:
    start = sheet.stream_start or sheet.max_row + 1
    if start <= sheet.max_row:
        raise ValueError(f"{sheet.name}: streamed rows start at {start}, inside the cells")
    return start


def splice_streams(base: Any, path: Path, targets: dict[str, Sheet],
                   style_ids: dict[str | None, int]) -> None:
    """Copy the zip ``base`` to ``path``, writing each target sheet's streamed rows into
    its ``<sheetData>`` as they are produced (the ``<dimension>``, optional, is dropped:
    it would need the row count before the rows)."""
    import zipfile

    with zipfile.ZipFile(base) as src, zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED
    ) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            sheet = targets.get(info.filename)
            if sheet is None:
                out.writestr(info, data)
                continue
            text = re.sub(r"<dimension [^>]*/>", "", data.decode("utf-8"), count=1)
            text = text.replace("<sheetData/>", "<sheetData></sheetData>")
            head, tail = text.split("</sheetData>", 1)
            target = zipfile.ZipInfo(info.filename, info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            # the other parts keep zlib's default level (Python 3.13 names it compress_level)
            level = "compress_level" if hasattr(target, "compress_level") else "_compresslevel"
            setattr(target, level, STREAM_DEFLATE_LEVEL)
            with out.open(target, "w", force_zip64=True) as fh:
                fh.write(head.encode("utf-8"))
                for chunk in stream_xml(sheet, style_ids):
                    fh.write(chunk)
                fh.write(("</sheetData>" + tail).encode("utf-8"))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stream_xml(sheet: Sheet, style_ids: dict[str | None, int]) -> Iterator[bytes]:
    """The streamed rows as ``<row>`` XML in UTF-8 chunks: column-wise for a
    :class:`relscale.excel.stream_table.StreamTable`, else row by row."""
    from relscale.excel.stream_table import StreamTable, table_xml

    start = stream_start(sheet)
    assert sheet.stream is not None
    rows = sheet.stream()
    if isinstance(rows, StreamTable):
        letters = [column_letter(c) for c in range(1, len(rows.columns) + 1)]
        yield from table_xml(rows, start, letters, style_ids,
                             lambda part, first: rows_xml(part, first, sheet.name, style_ids))
        return
    for chunk in rows_xml(rows, start, sheet.name, style_ids):
        yield chunk.encode("utf-8")


def rows_xml(rows: Iterable[Sequence[tuple[Any, str | None]]], start: int, sheet_name: str,
             style_ids: Mapping[str | None, int]) -> Iterator[str]:
    """``rows`` from sheet row ``start`` as ``<row>`` XML, about a thousand rows per chunk;
    every string an inline string (text, never a formula)."""
    letters: list[str] = []
    parts: list[str] = []
    for r, values in enumerate(rows, start=start):
        cells = []
        for c, (value, style) in enumerate(values, start=1):
            if value is None:
                continue
            while len(letters) < c:
                letters.append(column_letter(len(letters) + 1))
            where = f"{letters[c - 1]}{r}"
            s = style_ids[style]
            attr = f' s="{s}"' if s else ""
            if isinstance(value, str):
                problem = text_problem(value, f"{sheet_name}!{where}")
                if problem is not None:
                    raise problem
                cells.append(f'<c r="{where}"{attr} t="inlineStr"><is><t xml:space="preserve">'
                             f"{_xml_text(value)}</t></is></c>")
            elif isinstance(value, bool):
                cells.append(f'<c r="{where}"{attr} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, numbers.Integral):
                cells.append(f'<c r="{where}"{attr}><v>{int(value)}</v></c>')
            elif isinstance(value, numbers.Real):
                if math.isfinite(value):
                    cells.append(f'<c r="{where}"{attr}><v>{float(value)!r}</v></c>')
            else:
                raise TypeError(f"streamed cells hold str, int, float or bool, not {value!r}")
        parts.append(f'<row r="{r}">' + "".join(cells) + "</row>")
        if len(parts) >= 1000:
            yield "".join(parts)
            parts = []
    if parts:
        yield "".join(parts)

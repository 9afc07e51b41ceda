"""Generators of hostile inputs for the reader fuzz run: hypothesis strategies that write
files (CSV, .xlsx, .ods, .xls) or return bytes (PO, TOML).

Shared by tests/test_fuzz_readers.py (a bounded run in CI) and benchmarks/fuzz_readers.py
(a longer run, each input read by ``relscale`` in a child process whose peak memory is
measured). Each generator mixes well-formed parts with what attackers and careless days
bring: far cells, declared counts, repeats, formulas, entities, control characters,
format specs, broken syntax, damaged bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from badinput import hostile
from hypothesis import strategies as st

GRID_LIMIT = 200_000
"""``RELSCALE_MAX_CELLS`` in the fuzz run: the grids it admits stay small."""

NASTY_TEXT = ["", "=1+1", "@SUM(1)", "+1", "-", "\x1b]8;;http://x\x07", "\x1b[2J", "a\x00b",
              "\u202eexe", "José", "Jose\u0301", "{0}", "{x.__class__}", "'", '"', "a,b",
              "a\nb", "x" * 300, "NaN", "inf", "1e309", "-0", "٣", "３", "1,5", "3.0",
              "99", "007", "TRUE", "1/2", "\ufeff", "\ud7ff", "<img src=x>", "&amp;"]


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=12),
                     st.integers(-3, 9).map(str))


def _refs() -> st.SearchStrategy[str]:
    """Cell references, from ordinary to beyond a sheet."""
    letters = st.sampled_from(["A", "B", "Z", "AA", "ZZ", "XFD", "XFE", "AAAA", "a", "xfd"])
    rows = st.sampled_from([1, 2, 3, 50, 1000, 65536, 1048576, 1048577, 99999999])
    return st.builds(lambda c, r: f"{c}{r}", letters, rows)


@st.composite
def csv_text(draw: Any, items: Sequence[str]) -> bytes:
    """A response table as CSV bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    header = ["respondent_code", *items]
    for _ in range(draw(st.integers(0, 3))):
        header.insert(draw(st.integers(0, len(header))), draw(_texts()))
    if draw(st.booleans()):
        header = header[: draw(st.integers(0, len(header)))]
    delimiter = draw(st.sampled_from([",", ";"]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 1, 3]))
        cells = [draw(st.one_of(st.integers(0, 6).map(str), _texts())) for _ in range(width)]
        rows.append(cells)
    import csv
    import io

    out = io.StringIO()
    quoted = draw(st.booleans())
    writer = csv.writer(out, delimiter=delimiter,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
                        escapechar="\\")
    for row in [header, *rows]:
        try:
            writer.writerow(row)
        except csv.Error:
            out.write(delimiter.join(row) + "\n")
    data = out.getvalue().encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 5)) == 0 and data:
        k = draw(st.integers(0, len(data) - 1))
        data = data[:k] + draw(st.binary(min_size=1, max_size=4)) + data[k + 1:]
    return data


@st.composite
def xlsx_file(draw: Any, path: Path, items: Sequence[str]) -> Path:
    """A table workbook: the header and a row or two, with far cells, odd cell tags,
    formulas, entities and declared shared-string counts mixed in."""
    header = ["respondent_code", *items]
    rows = [["r1", *[draw(st.integers(0, 6)) for _ in items]]
            for _ in range(draw(st.integers(0, 2)))]
    cells = hostile.table_cells(header, rows)
    xml = hostile.sheet_xml(cells)
    extra = []
    for _ in range(draw(st.integers(0, 3))):
        ref = draw(_refs())
        number = "".join(ch for ch in ref if ch.isdigit())
        form = draw(st.sampled_from([
            '<row r="{n}"><c r="{ref}"><v>1</v></c></row>',
            '<row r="{n}"><c s="0" r="{ref}"><v>1</v></c></row>',
            '<row r="{n}"><x:c xmlns:x="{ns}" r="{ref}"><x:v>1</x:v></x:c></row>',
            '<row r="{n}"><c r="{ref}" s="1"/></row>',
            '<row r="{n}"><c><v>1</v></c><c><v>2</v></c></row>',
            '<row><c r="{ref}"><f>1+2</f><v>3</v></c></row>',
            '<row r="{n}"><c r="{ref}" t="inlineStr"><is><t>&foo;</t></is></c></row>',
            '<row r="{n}"><c r = "{ref}"><v>1</v></c></row>',
        ]))
        extra.append(form.format(n=number or "1", ref=ref,
                                 ns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"))
    xml = xml.replace("</sheetData>", "".join(extra) + "</sheetData>")
    if draw(st.booleans()):
        xml = xml.replace("<sheetData>", f'<dimension ref="A1:{draw(_refs())}"/><sheetData>')
    shared = None
    if draw(st.booleans()):
        count = draw(st.sampled_from([0, 1, 5, 10**6, 4 * 10**9, 10**30]))
        shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst {hostile._NS} count="{count}" '
                  f'uniqueCount="{count}"><si><t>x</t></si></sst>')
    hidden = ["Sheet1"] if draw(st.integers(0, 5)) == 0 else []
    sheets = [("Sheet1", xml)]
    if hidden or draw(st.integers(0, 4)) == 0:
        sheets.append(("Other", hostile.sheet_xml(cells)))
    hostile.xlsx(path, sheets, shared=shared, hidden=hidden)
    if draw(st.integers(0, 6)) == 0:
        raw = bytearray(path.read_bytes())
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        path.write_bytes(bytes(raw))
    return path


@st.composite
def ods_file(draw: Any, path: Path, items: Sequence[str]) -> Path:
    """A table in an .ods: rows and cells repeated any number of times, formulas,
    covered cells, a document type declaration now and then."""
    header = hostile.ods_row("".join(hostile.ods_cell(h) for h in ["respondent_code", *items]))
    body = []
    for _ in range(draw(st.integers(0, 3))):
        repeat = draw(st.sampled_from([1, 2, 1000, 10**6, 10**7, 10**12]))
        cell_repeat = draw(st.sampled_from([1, 3, 100, 16384, 10**6]))
        value = draw(st.one_of(st.none(), st.integers(0, 6), _texts()))
        cell = hostile.ods_cell(value, cell_repeat)
        if draw(st.integers(0, 4)) == 0:
            cell = cell.replace("<table:table-cell", '<table:table-cell table:formula="of:=1"',
                                1)
        body.append(hostile.ods_row(hostile.ods_cell("r1") + cell, repeat))
    hostile.ods(path, [("Data", header + "".join(body))])
    if draw(st.integers(0, 6)) == 0:
        import zipfile

        with zipfile.ZipFile(path) as zf:
            content = zf.read("content.xml").decode()
        content = content.replace('<?xml version="1.0" encoding="UTF-8"?>',
                                  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>')
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            zf.writestr("content.xml", content)
    return path


@st.composite
def xls_file(draw: Any, path: Path, items: Sequence[str]) -> Path:
    """An .xls: the table, with DIMENSIONS and cell positions anywhere a u16/u32 reaches,
    and now and then a header or a FAT entry changed."""
    cells: list[tuple[int, int, object]] = [(0, c, h) for c, h in
                                            enumerate(["respondent_code", *items])]
    cells += [(1, c, 3) for c in range(len(items) + 1)]
    for _ in range(draw(st.integers(0, 2))):
        cells.append((draw(st.integers(0, 0xFFFF)), draw(st.integers(0, 0xFFFF)), 1))
    dims = None
    if draw(st.booleans()):
        dims = (0, draw(st.sampled_from([2, 1000, 65536, 0xFFFFFFF0])), 0,
                draw(st.sampled_from([3, 255, 0xFFFF])))
    header = {}
    if draw(st.integers(0, 3)) == 0:
        header[draw(st.sampled_from([44, 48, 60, 64, 68, 72]))] = draw(
            st.sampled_from([0, 1, 2, 0x7FFFFFFF, 0xFFFFFFFE]))
    fat = {}
    if draw(st.integers(0, 3)) == 0:
        fat[draw(st.integers(0, 127))] = draw(st.sampled_from([0, 1, 2, 3, 500, 0xFFFFFFFE]))
    hostile.xls(path, hostile.biff_workbook([("Data", hostile.biff_sheet(cells, dims))]),
                header=header, fat_patch=fat)
    return path


@st.composite
def catalog_text(draw: Any) -> bytes:
    """A PO catalog for nl: entries whose translations use fields well and badly."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    msgids = ["{path} written", "{n} form written to {path}", "{value!r} is not a number",
              "{upper:g} vs {lower:g}", "Scores", "no fields", "{scored} scored, "
              "{incomplete} with missing scales, {rejected} rejected"]
    fields = ["{path}", "{n}", "{value!r}", "{value}", "{upper:g}", "{path:>300000000}",
              "{path.__class__}", "{0}", "{x}", "{path!a}", "{n:{width}}", "{", "}}", "{{x}}",
              "{path[0]}", "{scored:>9}"]
    header = draw(st.sampled_from([
        "", '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n',
        '"Plural-Forms: nplurals=abc; plural=(n!=1);\\n"\n',
        '"Content-Type: text/plain; charset=latin-1\\n"\n']))
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"' + "\n"
           + header]
    for _ in range(draw(st.integers(1, 5))):
        msgid = draw(st.sampled_from(msgids))
        text = "".join(draw(st.lists(st.one_of(st.sampled_from(fields),
                                               st.sampled_from(["vertaald ", "x", " "])),
                                     max_size=4)))
        text = text.replace('"', '\\"')
        if draw(st.booleans()):
            out += ["#, python-brace-format", f'msgid "{msgid}"',
                    f'msgid_plural "{msgid} (plural)"', f'msgstr[0] "{text}"',
                    f'msgstr[1] "{draw(st.sampled_from(fields))}"', ""]
        else:
            out += ["#, python-brace-format", f'msgid "{msgid}"', f'msgstr "{text}"', ""]
    data = "\n".join(out).encode("utf-8")
    if draw(st.integers(0, 6)) == 0 and data:
        k = draw(st.integers(0, len(data) - 1))
        data = data[:k] + draw(st.binary(min_size=1, max_size=3)) + data[k + 1:]
    return data


@st.composite
def toml_text(draw: Any) -> bytes:
    """A norm table's TOML with values replaced by what a careless or hostile edit
    gives (NaN, infinity, huge numbers, wrong types), or plain bytes."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    from relscale.adapt import adapt
    from relscale.scoring.norms import norm_table_to_toml

    text = norm_table_to_toml(adapt("relationship_quality", "foster_homes").norms[0])
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(0, len(lines) - 1))
        if " = " in lines[k]:
            key = lines[k].split(" = ", 1)[0]
            value = draw(st.sampled_from(["nan", "inf", "-inf", "1e308", "-1", '"x"', "[]",
                                          "{}", "0", '"{path.__class__}"', "true"]))
            lines[k] = f"{key} = {value}"
        else:
            lines[k] = draw(st.sampled_from(["", "[[x]]", "[population]", "= 1", "a = "]))
    return ("\n".join(lines) + "\n").encode("utf-8")

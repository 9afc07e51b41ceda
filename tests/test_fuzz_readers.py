"""A bounded fuzz run of the readers of untrusted files (issue 25): CSV tables, workbook
parts (.xlsx sheets and shared strings, the lean zip reader, .ods, .xls), PO catalogs and
TOML content. Each property holds for every generated input:

- the reader answers with its result or with a RelscaleError (one line for the user),
  never another exception (a traceback);
- a workbook sheet calamine builds has at most ``RELSCALE_MAX_CELLS`` cells (the memory
  bound of docs/security.md), whatever the file declares;
- a translation the catalog reader keeps formats with its English fields into text no
  longer than its own text and the values (no width, no attribute access).

Examples per test are bounded (``FUZZ_EXAMPLES``, default 25) so CI stays quick;
``benchmarks/fuzz_readers.py`` runs the same generators for minutes, each input in a
child process whose peak memory it measures.
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import zipfile
from pathlib import Path

import pytest
from badinput import hostile
from fuzz_inputs import (
    GRID_LIMIT,
    catalog_text,
    csv_text,
    ods_file,
    toml_text,
    xls_file,
    xlsx_file,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relscale.errors import RelscaleError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _grid_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELSCALE_MAX_CELLS", str(GRID_LIMIT))


def _adapted():  # type: ignore[no-untyped-def]
    from relscale.adapt import adapt

    return adapt("relationship_quality", "foster_homes")


def _read_table(path: Path) -> None:
    """Read a table as ``score`` does; every sheet calamine builds stays in the bound."""
    from relscale.io import cells
    from relscale.io.responses import read_responses

    built: list[int] = []
    original = cells.ValueSheet.__init__

    def watch(self, path, title, sheet, book=None):  # type: ignore[no-untyped-def]
        built.append(int(sheet.height) * int(sheet.width))
        original(self, path, title, sheet, book)

    cells.ValueSheet.__init__ = watch  # type: ignore[method-assign]
    try:
        read_responses([path], _adapted())
    except RelscaleError:
        pass
    finally:
        cells.ValueSheet.__init__ = original  # type: ignore[method-assign]
    assert all(n <= GRID_LIMIT for n in built), built


@FUZZ
@given(st.data())
def test_csv_tables(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(data.draw(csv_text(_adapted().item_ids)))
    _read_table(path)


@FUZZ
@given(st.data())
def test_xlsx_sheets(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("xlsx") / "data.xlsx"
    data.draw(xlsx_file(path, _adapted().item_ids))
    _read_table(path)


@FUZZ
@given(st.data())
def test_ods_tables(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("ods") / "data.ods"
    data.draw(ods_file(path, _adapted().item_ids))
    _read_table(path)


@FUZZ
@given(st.data())
def test_xls_workbooks(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("xls") / "data.xls"
    data.draw(xls_file(path, _adapted().item_ids))
    _read_table(path)


@FUZZ
@given(st.binary(min_size=0, max_size=64), st.integers(0, 10**9))
def test_lean_zip_reader_on_damaged_zips(tmp_path_factory: pytest.TempPathFactory,
                                         noise: bytes, seed: int) -> None:
    """The hand-written zip reader (io/xlsx_parts.py) on a workbook with bytes changed:
    a part is its exact bytes or None (left to zipfile), never an exception but KeyError
    for a missing part; the workbook reader answers with a RelscaleError at worst."""
    from relscale.io.cells import open_values
    from relscale.io.xlsx_parts import open_lean

    folder = tmp_path_factory.mktemp("zip")
    good = hostile.xlsx(folder / "good.xlsx", [("Sheet1", hostile.sheet_xml(
        hostile.table_cells(["a", "b"], [[1, 2]])))])
    raw = bytearray(good.read_bytes())
    rng = random.Random(seed)
    for byte in noise:
        raw[rng.randrange(len(raw))] = byte
    if noise and rng.random() < 0.3:
        raw = raw[: rng.randrange(len(raw))]
    path = folder / "data.xlsx"
    path.write_bytes(bytes(raw))
    lean = open_lean(path)
    if lean is not None:
        with zipfile.ZipFile(good) as zf:
            for name in zf.namelist():
                try:
                    part = lean.read(name)
                except KeyError:
                    continue
                assert part is None or part == zf.read(name)
    try:
        book = open_values(path)
        for name in book.sheetnames:
            list(book[name].iter_rows())
        book.close()
    except RelscaleError:
        pass


@FUZZ
@given(st.data())
def test_po_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     data: st.DataObject) -> None:
    """Any catalog is read or refused in one line; what it keeps formats safely."""
    from relscale.format_fields import fields
    from relscale.i18n import PLURAL_SEP, _read_catalog

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "nl" / "LC_MESSAGES" / "relscale.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(data.draw(catalog_text()))
    try:
        table = _read_catalog(str(path), path.stat().st_mtime)
    except RelscaleError:
        return
    for (_ctx, msgid), msgstr in table.items():
        msgid = msgid.split(PLURAL_SEP)[0]
        # a field the English text formats as a number gets one, the others text
        values = {name: 1.5 if spec else "v" for name, spec, _c in fields(msgid) or []}
        text = msgstr.format(**values)
        assert len(text) <= len(msgstr) + 8 * len(fields(msgstr) or [])


@FUZZ
@given(st.data())
def test_toml_content(tmp_path: Path, data: st.DataObject) -> None:
    """A content file (sector, instrument or norm table) loads or is refused in one line."""
    from relscale.model.content import load_norm_table
    from relscale.scoring.norms import read_norm_table

    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "content.toml"
    path.write_bytes(data.draw(toml_text()))
    for load in (read_norm_table, load_norm_table):
        with contextlib.suppress(RelscaleError):
            load(path)
    from relscale.model import content

    for name in ("load_sector", "load_instrument"):
        loader = getattr(content, name, None)
        if loader is None:
            continue
        with contextlib.suppress(RelscaleError):
            loader(path)


@FUZZ
@given(st.lists(st.tuples(st.integers(1, 3000), st.integers(1, 800),
                          st.sampled_from(["plain", "attr", "prefix", "no-r", "empty"])),
                min_size=1, max_size=12))
def test_the_measured_extent_covers_calamines_grid(
        tmp_path_factory: pytest.TempPathFactory, cells: list[tuple[int, int, str]]) -> None:
    """relscale's measure of a sheet (io/sheet_limits.py) is never smaller than the grid
    calamine builds from it, whatever form the cell tags take."""
    from python_calamine import CalamineWorkbook

    from relscale.io.sheet_limits import column_letters, xlsx_extent

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows: dict[int, list[str]] = {}
    for row, col, form in sorted(cells):
        ref = f"{column_letters(col)}{row}"
        rows.setdefault(row, []).append({
            "plain": f'<c r="{ref}"><v>1</v></c>',
            "attr": f'<c s="0" r="{ref}"><v>1</v></c>',
            "prefix": f'<x:c xmlns:x="{ns}" r="{ref}"><x:v>1</x:v></x:c>',
            "no-r": "<c><v>1</v></c>",
            "empty": f'<c r="{ref}" s="0"/>',
        }[form])
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
           f"{body}</sheetData></worksheet>")
    path = hostile.xlsx(tmp_path_factory.mktemp("extent") / "s.xlsx", [("S", xml)])
    extent = xlsx_extent([xml.encode()])
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    if sheet.height and sheet.width:
        (r1, c1) = sheet.end
        assert r1 + 1 <= extent.rows and c1 + 1 <= extent.columns, (sheet.start, sheet.end,
                                                                   extent)

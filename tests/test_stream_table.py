"""The column-wise Scores writer (relscale.excel.stream_table) against the row writer.

The results workbook's Scores rows used to be formatted cell by cell
(``_old_score_rows`` below is that code, kept as the reference, fed to the row writer
:func:`relscale.excel.xlsx_sheet.rows_xml`). The column-wise writer must produce the same bytes:
on real scored tables, on tricky values (text that looks like a formula or markup, numbers
polars prints differently from ``repr``, missing values, other types), across slices, and
on generated tables; it must refuse the same cells with the same messages. End to end, the
workbook is the same part for part, and openpyxl, calamine and LibreOffice read the cells
of the rows.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relscale.errors import DataError
from relscale.excel import stream_table
from relscale.excel.sheet import column_letter
from relscale.excel.stream_table import StreamColumn, StreamTable, table_xml
from relscale.excel.xlsx import write_xlsx
from relscale.excel.xlsx_sheet import rows_xml, texts_fit
from relscale.outputs import write_scores
from relscale.scoring.results import ScoredTable
from relscale.scoring.run import score_files
from relscale.workbooks.results import build_results_workbook, score_table

STYLES = {None: 0, "body": 3, "int": 7, "num": 12}


def _old_score_rows(scored: ScoredTable, norm_labels: dict[str, str] | None = None) -> Any:
    """The Scores rows as the results workbook wrote them before the column-wise writer
    (``norm_labels``: the norm group's words, as the workbook shows them since issue 24)."""
    from relscale.i18n import _
    from relscale.model import columns as names

    kinds = [scored.kinds[c] for c in scored.columns]
    columns = [scored.data[c] for c in scored.columns]
    labels = [{names.STATUS: names.STATUS_LABELS,
               names.NORM_STATUS: names.NORM_STATUS_LABELS}.get(c, {}) for c in scored.columns]
    words = [{code: _(label) for code, label in table.items()} for table in labels]
    if norm_labels and names.NORM_GROUP in scored.columns:
        words[scored.columns.index(names.NORM_GROUP)] = dict(norm_labels)
    empty: tuple[Any, str | None] = (None, None)
    for i in range(scored.n):
        row: list[tuple[Any, str | None]] = []
        for col, kind, word in zip(columns, kinds, words, strict=True):
            value = col[i]
            if kind in ("id", "text", "band"):
                text = str(value) if value not in (None, "") else ""
                row.append((word.get(text, text), "body") if text else empty)
                continue
            x = float(value)
            if math.isnan(x):
                row.append(empty)
            elif kind in ("item", "flag"):
                row.append((int(x), "int"))
            else:
                row.append((x, "num"))
        yield row


def _columnwise(table: StreamTable, first: int = 2, name: str = "Scores") -> bytes:
    letters = [column_letter(c) for c in range(1, len(table.columns) + 1)]
    return b"".join(table_xml(table, first, letters, STYLES,
                              lambda rows, r: rows_xml(rows, r, name, STYLES)))


def _rowwise(rows: Any, first: int = 2, name: str = "Scores") -> bytes:
    return "".join(rows_xml(rows, first, name, STYLES)).encode("utf-8")


def _responses(path: Path, n: int, seed: int = 3) -> Path:
    from relscale.adapt import adapt

    rng = np.random.default_rng(seed)
    items = adapt("relationship_quality", "education").item_ids
    answers = rng.integers(1, 6, (n, len(items))).astype(str)
    answers[rng.random((n, len(items))) < 0.2] = ""
    answers[:3] = ""  # rejected respondents: no scale scores
    codes = ["=1+1", "<b>&amp;</b>", " spaced ", "é ü 漢", '"q"', "a>b", "@x", "-3"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", "subject_code", *items])
        for i in range(n):
            w.writerow([codes[i % len(codes)] + str(i), f"c{i % 7}", *answers[i]])
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = _responses(tmp_path_factory.mktemp("st") / "data.csv", 700)
    return score_files([data], instrument="relationship_quality", sector="education")


def test_real_scores_same_bytes_across_slices(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _rowwise(_old_score_rows(run.scored))
    assert b"&lt;b&gt;&amp;amp;&lt;/b&gt;" in old and b't="b"' not in old
    for rows in (7, 256, 10_000):
        monkeypatch.setattr(stream_table, "ROWS_PER_SLICE", rows)
        assert _columnwise(score_table(run.scored)) == old
    assert list(score_table(run.scored)) == list(_old_score_rows(run.scored))


TRICKY = [
    StreamColumn(["=1+1", None, "", "<x>&amp;", " a ", "é漢", "scored", "x\ny\t"], "text",
                 "body", {"scored": "gescoord", "x": "never"}),
    StreamColumn([1, "2", True, math.nan, 3.7, -3.7, 2.0**61, 0], "int", "int"),
    StreamColumn([1e-5, 1e20, -0.0, math.inf, math.nan, 2 / 3, "1.5", 0.0], "num", "num"),
    StreamColumn(np.array([0.1, 1e16, -1e-4, 9.999e15, -math.inf, 5e-324, 1.0, 12.0]), "num",
                 None),
    StreamColumn([3, 4.5, math.nan, None, True, "t", 0, -1], "text", None),
    StreamColumn(np.array(["u", "", "v&w", "x", "y", "z", "<", ">"]), "text", "body"),
]


@pytest.mark.parametrize("few", [0, 64])  # texts escaped per slice, or once per text
def test_tricky_values_same_bytes(few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_table, "FEW_TEXTS", few)
    table = StreamTable(TRICKY, 8)
    assert _columnwise(table) == _rowwise(iter(table))
    xml = _columnwise(table).decode()
    assert "<f>" not in xml and "=1+1</t>" in xml and "gescoord" in xml
    assert "<v>1e-05</v>" in xml and "<v>1e+20</v>" in xml and "<v>-0.0</v>" in xml


@pytest.mark.parametrize("few", [0, 64])
def test_labels_apply_to_texts_only(few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # an empty cell stays empty whatever the labels; a label may be an empty text
    monkeypatch.setattr(stream_table, "FEW_TEXTS", few)
    table = StreamTable([StreamColumn(["", None, "a", "b"], "text", "body",
                                      {"": "never", "a": "", "b": "<B>"})], 4)
    assert _columnwise(table) == _rowwise(iter(table))
    assert b"never" not in _columnwise(table) and b"&lt;B&gt;" in _columnwise(table)


def test_huge_whole_numbers_go_cell_by_cell() -> None:
    table = StreamTable([StreamColumn([2.0**70, 1.0], "int", "int")], 2)
    assert _columnwise(table) == _rowwise(iter(table))
    assert b"<v>1180591620717411303424</v>" in _columnwise(table)


@pytest.mark.parametrize("few", [0, 64])
@pytest.mark.parametrize("bad", ["a\x01b", "x" * 32768])
def test_refuses_the_same_first_cell(bad: str, few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_table, "FEW_TEXTS", few)
    columns = [StreamColumn(["ok", "ok", "ok", bad], "text", "body"),
               StreamColumn(["ok", "ok", bad, "ok"], "text", "body")]
    with pytest.raises(DataError) as old:
        _rowwise(iter(StreamTable(columns, 4)))
    with pytest.raises(DataError) as new:
        _columnwise(StreamTable(columns, 4))
    assert str(new.value) == str(old.value) and "Scores!B4" in str(new.value)


@pytest.mark.parametrize(("values", "error"), [([1.0, math.inf], OverflowError),
                                                ([1.0, None], TypeError),
                                                (["1", "one"], ValueError)])
def test_numbers_refused_as_before(values: list[Any], error: type[Exception]) -> None:
    table = StreamTable([StreamColumn(values, "int", "int")], 2)
    with pytest.raises(error):
        _rowwise(iter(table))
    with pytest.raises(error):
        _columnwise(table)


def test_texts_fit() -> None:
    assert texts_fit(["a", None, 3, "b\nc\t"]) and texts_fit([])
    assert not texts_fit(["a", "b\x0bc"]) and not texts_fit(["x" * 32768])


cell_text = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",),
                                                       min_codepoint=0x20), max_size=12))
cell_number = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False),
                        st.integers(-(2**40), 2**40))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cell_text, cell_number, cell_number), min_size=1, max_size=30))
def test_generated_tables_same_bytes(rows: list[tuple[Any, Any, Any]]) -> None:
    texts, ints, nums = (list(c) for c in zip(*rows, strict=True))
    ints = [math.nan if v is None or not math.isfinite(v) else v for v in ints]
    nums = [math.nan if v is None else v for v in nums]
    table = StreamTable([StreamColumn(texts, "text", "body", {"a": "<A>"}),
                         StreamColumn(ints, "int", "int"), StreamColumn(nums, "num", "num")],
                        len(rows))
    want = _rowwise(iter(table), 5)
    try:
        for few in (0, 64):
            stream_table.FEW_TEXTS = few
            assert _columnwise(table, 5) == want
    finally:
        stream_table.FEW_TEXTS = 64


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_workbook_same_parts_and_cells_as_the_row_writer(run: Any, tmp_path: Path) -> None:
    new_path, old_path = tmp_path / "new.xlsx", tmp_path / "old.xlsx"
    write_scores(run, new_path)
    book = build_results_workbook(run.scored, run.adapted, run.scores, run.adapted.locale)
    from relscale.scoring.norms import describe_norms

    group = {describe_norms(t, run.adapted.locale): t.group_label if t.group else "all"
             for t in run.adapted.norms}
    book.sheets[0].stream = lambda: _old_score_rows(run.scored, group)
    write_xlsx(book, old_path)
    assert _parts(new_path) == _parts(old_path)
    # read back: the cells of the rows, value by value
    got = openpyxl.load_workbook(new_path)["Scores"]
    assert got.max_row == run.scored.n + 1
    for r, row in enumerate(_old_score_rows(run.scored, group), start=2):
        for c, (value, _style) in enumerate(row, start=1):
            cell = got.cell(r, c)
            if value is None or value == "" or (isinstance(value, float) and value != value):
                assert cell.value is None, cell.coordinate
            else:
                assert cell.value == value, cell.coordinate
                assert cell.data_type == ("s" if isinstance(value, str) else "n")
    from python_calamine import CalamineWorkbook

    values = CalamineWorkbook.from_path(str(new_path)).get_sheet_by_name("Scores").to_python()
    assert values[1][0] == "=1+10" and values[2][0] == "<b>&amp;</b>1"
    assert len(values) == run.scored.n + 1


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_reads_the_scores(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    write_scores(run, out)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
         "--outdir", str(tmp_path / "csv"), str(out)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    with (tmp_path / "csv" / "results.csv").open(encoding="utf-8") as fh:
        shown = list(csv.reader(fh))
    assert shown[0] == run.scored.columns and len(shown) == run.scored.n + 1
    assert [r[0] for r in shown[1:]] == [str(v) for v in run.scored.data["respondent_code"]]
    at = run.scored.columns.index("closeness")
    for row, x in zip(shown[1:], run.scored.data["closeness"], strict=True):
        assert (row[at] == "") if math.isnan(x) else math.isclose(float(row[at]), x,
                                                                   rel_tol=1e-12)


def test_streamed_cells_carry_their_named_style(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    write_scores(run, out)
    book = build_results_workbook(run.scored, run.adapted, run.scores, run.adapted.locale)
    table = book.sheets[0].stream()
    assert isinstance(table, StreamTable)
    got = openpyxl.load_workbook(out)["Scores"]
    # Every column of two rows looks as the sheet model's style for it says (each named
    # style was once registered on one scratch cell, so it carried the earlier styles'
    # fill, border and number format: scores showed as whole numbers on a dark fill).
    for row in (2, 5):
        for column, spec in enumerate(table.columns, start=1):
            style = book.styles[spec.style] if spec.style else None
            cell, where = got.cell(row, column), f"column {column}"
            if cell.value is None:  # an empty value is no cell
                continue
            assert cell.number_format == ((style and style.number_format) or "General"), where
            fill = style.fill if style else None
            assert (cell.fill.fgColor.rgb if cell.fill.fill_type else None) == (
                None if fill is None else "00" + fill), where
            assert bool(cell.font.b) == bool(style and style.bold), where
            assert cell.alignment.horizontal == (style.horizontal if style else None), where
            border = style.border if style else None
            assert cell.border.left.style == border, where
    closeness = run.scored.columns.index("closeness") + 1
    assert got.cell(2, closeness).number_format != "0"  # a mean is not shown as a whole number

"""Formula injection: text from respondents, content or catalogs is never a live formula.

The sheet model separates relscale's own formulas (``Cell.formula``) from values, and the
writer writes every string value as text. LibreOffice, converting the results workbook
to CSV, is the independent check: a live ``=1+1`` would come out as ``2``. CSV outputs
follow relscale's OWASP policy (relscale.io.csv_safety, docs/scoring.md).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.excel.sheet import Workbook
from relscale.excel.xlsx import write_xlsx
from relscale.io.csv_safety import csv_text, csv_unguard, needs_guard

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"
IDS = ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3", "\tx", "#N/A",
       "plain", "-5"]


def _data(tmp_path: Path, ids: list[str] = IDS) -> Path:
    items = adapt(INSTRUMENT, SECTOR).item_ids
    data = tmp_path / "data.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", *items])
        for r, code in enumerate(ids):
            w.writerow([code, *[str((r + 2 * k) % 5 + 1) for k in range(len(items))]])
    return data


def _score(data: Path, out: Path) -> None:
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                   "-o", str(out)])
    assert result.exit_code == 0, result.stderr


def test_results_workbook_writes_ids_as_text(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    _score(_data(tmp_path), out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == IDS
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_shows_the_literal_text(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    _score(_data(tmp_path), out)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(out)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )
    with (tmp_path / "csv" / "results.csv").open(encoding="utf-8") as fh:
        shown = [row[0] for row in csv.reader(fh)][1:]
    assert shown == IDS


def test_relscale_formulas_stay_formulas_and_text_stays_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.add_sheet("S")
    sheet.set(1, 1, "=1+1")
    sheet.set(1, 2, formula="=1+1")
    write_xlsx(book, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").worksheets[0]
    assert (ws["A1"].data_type, ws["B1"].data_type) == ("s", "f")
    assert (ws["A1"].value, ws["B1"].value) == ("=1+1", "=1+1")


@pytest.mark.parametrize("stream", [False, True])
def test_streamed_and_plain_rows_write_the_same_cells(tmp_path: Path, stream: bool) -> None:
    book = Workbook(styles={})
    from relscale.excel.sheet import Style

    book.styles["num"] = Style(number_format="0.00")
    sheet = book.add_sheet("S", freeze="A2")
    sheet.set(1, 1, "id")
    sheet.set(1, 2, "score")
    rows = [[("=1+1", None), (1.5, "num")], [(None, None), (2.25, "num")]]
    if stream:
        sheet.stream = lambda: iter(rows)
    else:
        for r, row in enumerate(rows, start=2):
            for c, (v, s) in enumerate(row, start=1):
                if v is not None:
                    sheet.set(r, c, v, style=s)
    path = tmp_path / f"s{stream}.xlsx"
    write_xlsx(book, path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    got = [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]
    assert got == [[("id", "s", "General"), ("score", "s", "General")],
                   [("=1+1", "s", "General"), (1.5, "n", "0.00")],
                   [(None, "n", "General"), (2.25, "n", "0.00")]]
    assert ws.freeze_panes == "A2"


def test_csv_policy() -> None:
    for text in ("=1+1", "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx", "-", "+"):
        assert needs_guard(text) and csv_text(text) == "'" + text
        assert csv_unguard(csv_text(text)) == text
    for text in ("-5", "+3.5", "1e3", "-.5", "plain", "", "a=b", "'=x"):
        assert csv_text(text) == text
    assert csv_text(None) == ""


def test_score_csv_guards_id_columns_not_numbers(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    _score(_data(tmp_path), out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1)",
                                        "'+1+1", "'-2+3", "'\tx", "#N/A", "plain", "-5"]
    items = adapt(INSTRUMENT, SECTOR).item_ids
    assert all(r[1].isdigit() for r in rows[1:])  # answers untouched
    assert rows[0][: len(items) + 1] == ["respondent_code", *items]


def test_markdown_codebook_escapes_html(tmp_path: Path) -> None:
    from relscale.workbooks.codebook import build_codebook, codebook_text

    adapted = adapt(INSTRUMENT, SECTOR)
    item = adapted.items[0].model_copy(update={"text": "<img src=x onerror=alert(1)> & <b>"})
    adapted = adapted.model_copy(update={"items": (item, *adapted.items[1:])})
    text = codebook_text(build_codebook(adapted), adapted, "md")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;" in text

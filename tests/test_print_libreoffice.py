"""Scoring sheets and results workbooks on A4, as LibreOffice prints them: landscape, one
page wide (no column split: the first and the last heading on every page), headings
repeated, fonts named in every style."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from helpers import runner
from relscale.cli.main import app

pytestmark = pytest.mark.libreoffice


def _pages(tmp_path: Path, book: Path) -> list[str]:
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or pdftotext is not installed")
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=240)
    text = subprocess.run(["pdftotext", "-layout", str(book.with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _fonts_named(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation in ("landscape", "portrait")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    # named: Arial, or Consolas for variable names; never the default
                    assert cell.font.name in ("Arial", "Consolas"), (ws.title, cell.coordinate)


def test_scoring_sheet_prints_one_page_wide(tmp_path: Path) -> None:
    book = tmp_path / "sheet.xlsx"
    result = runner().invoke(app, ["scoring-sheet", "relationship_quality", "-s", "education",
                                   "-o", str(book)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(book).worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_cols == "$A:$B"
    pages = _pages(tmp_path, book)
    data_pages = [p for p in pages if "respondent_code" in p]
    assert 1 <= len(data_pages) <= 3, len(pages)  # 100 rows, not 24-29 pages
    for page in data_pages:
        assert "status" in page  # the last column: nothing split off to another page
    _fonts_named(book)


def test_results_workbook_prints_one_page_wide(tmp_path: Path) -> None:
    sample = tmp_path / "sample.csv"
    assert runner().invoke(app, ["simulate", "-i", "relationship_quality", "-s", "education",
                                 "-o", str(sample), "--n", "30"]).exit_code == 0
    book = tmp_path / "results.xlsx"
    result = runner().invoke(app, ["score", str(sample), "-i", "relationship_quality",
                                   "-s", "education", "-o", str(book)])
    assert result.exit_code == 0, result.output
    pages = _pages(tmp_path, book)
    scores = [p for p in pages if "respondent_code" in p and "closeness" in p]
    assert len(scores) == 1
    summary = [p for p in pages if "N missing" in p]
    assert len(summary) == 1 and "Max" in summary[0]
    _fonts_named(book)
    profiles = openpyxl.load_workbook(book)["Profiles"]
    values = [c.value for row in profiles.iter_rows() for c in row]
    assert values.count("P10") == 1  # the band edges once, not a constant column per client
    assert values.count("higher is favourable") == 30 and values.count("lower is favourable") == 60

"""Checking printouts as LibreOffice prints them: measured from the PDF's text positions.

:func:`render` prints workbooks to PDF with LibreOffice (one ``soffice`` run for many
files); :func:`read_pdf` reads every word of a PDF with its box (poppler's ``pdftotext
-bbox-layout``). The checks each return a list of problems (empty when the printout is
fine), so a test can assert on all of them at once and print them in one message:

- :func:`overlaps`: words of different text lines whose boxes overlap: text run over other
  text (a row too short for its wrapped text, a cell spilling into the next);
- :func:`missing_words`: words of the workbook's printed cells that the PDF holds fewer
  times than the cells do: text cut off at its box (a merged cell too narrow, a row too
  short) is not in the PDF at all;
- :func:`broken_words`: words in the PDF that are in no printed cell: a word broken inside
  (``Scoringsri`` / ``chting``);
- :func:`lone_columns`: pages whose text is a narrow strip (a column printed on its own);
- :func:`split_charts`: a chart whose axis title and category labels are on different
  pages (a chart across a page break).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

XHTML = "{http://www.w3.org/1999/xhtml}"
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
"""A word for the comparisons: three or more letters (numbers print in many formats)."""


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int
    """Which PDF text line the word is on (numbered over the page)."""

    def overlap(self, other: Word) -> float:
        """Overlapping area as a share of the smaller box."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        if w <= 0 or h <= 0:
            return 0.0
        smaller = min((self.x1 - self.x0) * (self.y1 - self.y0),
                      (other.x1 - other.x0) * (other.y1 - other.y0))
        return w * h / smaller if smaller > 0 else 0.0


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def tools_or_skip() -> None:
    """Skip on a laptop without LibreOffice or poppler; fail in CI, which installs them."""
    import os

    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are required in CI (.ci/run installs them)")
        pytest.skip("LibreOffice or pdftotext is not installed")


def render(books: Sequence[Path], out: Path) -> dict[Path, Path]:
    """Print ``books`` to PDF with LibreOffice (:func:`relscale.io.libreoffice.convert_to_pdf`,
    several workbooks per start); book -> its PDF in ``out``."""
    from relscale.io.libreoffice import convert_to_pdf

    tools_or_skip()
    out.mkdir(parents=True, exist_ok=True)
    pdfs = dict(zip(books, convert_to_pdf(books, out, chunk=12), strict=True))
    for book, pdf in pdfs.items():
        assert pdf.is_file(), f"LibreOffice made no PDF of {book.name}"
    return pdfs


def read_pdf(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words and their boxes (points, origin top left)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ET.fromstring(xml)
    pages = []
    for k, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        p = Page(k, float(page.get("width", 0)), float(page.get("height", 0)))
        for n, line in enumerate(page.iter(f"{XHTML}line")):
            for w in line.iter(f"{XHTML}word"):
                p.words.append(Word(w.text or "", float(w.get("xMin", 0)),
                                    float(w.get("yMin", 0)), float(w.get("xMax", 0)),
                                    float(w.get("yMax", 0)), n))
        pages.append(p)
    return pages


def words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


# --- what the workbook prints ----------------------------------------------------------


def printed_texts(book: Path) -> list[str]:
    """The texts a workbook prints: every text cell of every visible sheet inside its
    print area, in rows and columns that are not hidden, and the header and footer texts
    (charts draw only cell texts and their titles: the titles are added)."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    wb = openpyxl.load_workbook(book)
    texts: list[str] = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = ws.print_area
        bounds = None
        if area:
            first = (area if isinstance(area, str) else area[0]).split("!")[-1]
            bounds = range_boundaries(first.replace("$", ""))
        hidden_cols = {k for k, d in ws.column_dimensions.items() if d.hidden}
        hidden_rows = {k for k, d in ws.row_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.value.startswith("="):
                    continue
                if cell.column_letter in hidden_cols or cell.row in hidden_rows:
                    continue
                if bounds is not None:
                    c0, r0, c1, r1 = bounds
                    if not (c0 <= cell.column <= c1 and r0 <= cell.row <= r1):
                        continue
                texts.append(cell.value)
        for part in (ws.oddHeader, ws.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    texts.append(re.sub(r"&[A-Z]", " ", side.text))
        for chart in getattr(ws, "_charts", []):
            texts += _chart_texts(chart)
    return texts


def _chart_texts(chart: Any) -> list[str]:
    found: list[str] = []

    def rich(title: Any) -> None:
        if title is None or title.tx is None or title.tx.rich is None:
            return
        for p in title.tx.rich.p:
            for r in p.r or ():
                found.append(r.t)

    rich(chart.title)
    for axis in (chart.x_axis, chart.y_axis):
        rich(axis.title)
    return found


# --- the checks ------------------------------------------------------------------------


def overlaps(pages: Iterable[Page], share: float = 0.25) -> list[str]:
    """Words of different lines whose boxes overlap by more than ``share`` of the smaller."""
    problems = []
    for page in pages:
        ws = sorted(page.words, key=lambda w: w.y0)
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b.y0 > a.y1:
                    break
                if a.line != b.line and a.overlap(b) > share:
                    problems.append(f"page {page.number}: {a.text!r} over {b.text!r}")
    return problems


def missing_words(pages: Iterable[Page], texts: Iterable[str]) -> list[str]:
    """Words the printed cells hold more often than the PDF: text cut off at its box."""
    have = Counter(w for page in pages for word in page.words for w in words(word.text))
    want = Counter(w for text in texts for w in words(text))
    return [f"{w!r}: {n} in the cells, {have[w]} printed" for w, n in want.items()
            if have[w] < n]


def broken_words(pages: Iterable[Page], texts: Iterable[str],
                 also: Iterable[str] = ()) -> list[str]:
    """PDF words that are in no printed text: a word broken inside. ``also``: words the
    printout may add (LibreOffice's own, such as page numbers' words)."""
    known = {w for text in [*texts, *also] for w in words(text)}
    problems = []
    for page in pages:
        for word in page.words:
            for w in words(word.text):
                if w not in known:
                    problems.append(f"page {page.number}: {word.text!r}")
    return problems


def lone_columns(pages: Iterable[Page], share: float = 0.3, lines: int = 6) -> list[str]:
    """Pages with at least ``lines`` text lines whose text spans less than ``share`` of
    the page width: a column printed on its own."""
    problems = []
    for page in pages:
        if len({w.line for w in page.words}) < lines:
            continue
        body = [w for w in page.words if w.y0 < page.height * 0.9]  # not the footer
        if not body:
            continue
        span = max(w.x1 for w in body) - min(w.x0 for w in body)
        if span < share * page.width:
            problems.append(f"page {page.number}: text {span:.0f} pt wide of {page.width:.0f}")
    return problems


def category_rows(page: Page, labels: Sequence[str], tolerance: float = 3.0) -> int:
    """How many rows of ``page`` hold every one of ``labels`` (first words) side by side
    at one height: a chart's category axis (a table has one label per row)."""
    firsts = [label.split()[0] for label in labels]
    rows: list[list[Word]] = []
    for word in sorted(page.words, key=lambda w: w.y0):
        if rows and abs(rows[-1][0].y0 - word.y0) <= tolerance:
            rows[-1].append(word)
        else:
            rows.append([word])
    return sum(1 for row in rows if all(any(w.text == f for w in row) for f in firsts))


def split_charts(pages: Sequence[Page], axis_title: str, labels: Sequence[str],
                 charts: int) -> list[str]:
    """Charts across a page break: on every page as many axis titles (``axis_title``, the
    value axis, drawn halfway up a chart) as category rows (``labels``, at its foot), and
    ``charts`` of each in all."""
    problems = []
    titles = rows = 0
    for page in pages:
        # the value axis' title is drawn turned: a box taller than it is wide
        t = sum(1 for w in page.words
                if w.text == axis_title and (w.y1 - w.y0) > 1.5 * (w.x1 - w.x0))
        r = category_rows(page, labels)
        titles, rows = titles + t, rows + r
        if t != r:
            problems.append(f"page {page.number}: {t} axis titles, {r} category rows")
    if (titles, rows) != (charts, charts):
        problems.append(f"{charts} charts: {titles} axis titles, {rows} category rows")
    return problems

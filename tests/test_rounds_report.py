"""The round report as a coach gets it: rendered to PDF by LibreOffice and to PNG by
poppler, one A4 page per professional (a full class of 25 included), every client on their
professional's page, the summary hiding small groups; and the report's data."""

from __future__ import annotations

import random
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from relscale.rounds.create import new_round
from relscale.rounds.record import record_answers
from relscale.rounds.report import write_round_report
from relscale.rounds.status import round_status
from relscale.store.engine import Store, open_store
from rounds_helpers import roster_rows, write_roster


def _roster(tmp_path: Path) -> Path:
    rows = roster_rows(2, 2, 6)
    rows += [{"professional_code": "P90", "client_code": f"C90{c:02d}",
              "professional_name": "Prof Ninety", "client_name": f"Child 90{c:02d}",
              "group": "Group 9"} for c in range(1, 26)]  # a full class
    rows += [{"professional_code": "P95", "client_code": "C9501", "group": "Tiny"}]
    return write_roster(tmp_path / "roster.csv", rows)


def _fill(store: Store, name: str, shift: dict[str, int]) -> None:
    """Every form answered; a client in ``shift`` gets every answer moved by its value."""
    for form in round_status(store, name).outstanding:
        from relscale.rounds.record import adapted_for

        adapted = adapted_for(form.instrument, "foster_homes", form.perspective, "en")
        rng = random.Random(f"{form.professional_code}{form.client_code}{form.perspective}")
        lo, hi = adapted.scale.min, adapted.scale.max
        move = shift.get(form.client_code, 0) if form.perspective == "professional" else 0
        answers = {i.id: min(hi, max(lo, rng.randint(lo + 1, hi - 1) + move))
                   for i in adapted.items}
        record_answers(store, name, answers, key=form.key, source="test", source_kind="form")


@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    roster = _roster(tmp)
    with open_store(tmp / "r.db", create=True) as store:
        for name, shift in (("spring", {}), ("autumn", {"C1101": 3, "C9003": -3})):
            new_round(store, name, roster, instruments=["relationship_quality"],
                      sector="foster_homes", locale="en")
            _fill(store, name, shift)
    return tmp


def _pages(pdf: Path) -> list[str]:
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for i in range(1, n + 1)]


def _size(pdf: Path, page: int) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out).groups()
    return float(w), float(h)


@pytest.mark.libreoffice
def test_report_pdf_one_a4_page_per_professional(report_store: Path) -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) are not installed")
    pdf = report_store / "autumn.pdf"
    with open_store(report_store / "r.db") as store:
        done = write_round_report(store, "autumn", pdf, previous="spring", locale="en")
    pages = _pages(pdf)
    assert done.professionals == 6
    overviews = [i for i, text in enumerate(pages) if "Relationship overview:" in text]
    assert len(overviews) == 6
    assert len(pages) == 1 + 6 + done.pair_pages == 1 + 6 + 2 * 2 * 6 + 25 + 1
    clients = {"P11": [f"C11{c:02d}" for c in range(1, 7)],
               "P90": [f"C90{c:02d}" for c in range(1, 26)], "P95": ["C9501"]}
    for i in overviews:
        text = pages[i]
        prof = re.search(r"Relationship overview: .*?\((P\d+)\)|Relationship overview: (P\d+)",
                         text)
        assert prof is not None
        code = prof.group(1) or prof.group(2)
        for client in clients.get(code, []):
            assert client in text, f"{client} cut off the overview of {code}"
        w, h = _size(pdf, i + 1)
        assert (round(w), round(h)) == (595, 842)  # A4 portrait
        # the next page is another professional's overview or a profile page of a pair
        if i + 1 < len(pages):
            assert "Relationship overview:" in pages[i + 1] or \
                "Relationship profile" in pages[i + 1]
    p11 = next(pages[i] for i in overviews if "(P11)" in pages[i])
    assert "Reliable changes since spring" in p11 and "C1101" in p11
    assert "RCI +" in p11  # the planted rise
    p90 = next(pages[i] for i in overviews if "(P90)" in pages[i])
    assert "RCI -" in p90
    summary = pages[0]
    assert "Group 1" in summary and "Group 9" in summary and "Tiny" not in summary
    assert "(1 left out)" in summary
    assert "This document holds names" in summary
    # rendered to PNG as a reader sees it
    out = report_store / "png"
    out.mkdir(exist_ok=True)
    first = overviews[0] + 1
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", str(first + 1), str(pdf),
                    str(out / "page")], check=True)
    pngs = sorted(out.glob("page-*.png"))
    assert len(pngs) == first + 1
    head = pngs[first - 1].read_bytes()
    width, height = struct.unpack(">II", head[16:24])  # the PNG's IHDR
    assert height > width  # portrait, as printed
    assert len(head) > 20_000  # text and shaded cells, not a blank page


def test_report_without_names_and_codes_only(report_store: Path) -> None:
    import openpyxl

    path = report_store / "codes.xlsx"
    with open_store(report_store / "r.db") as store:
        done = write_round_report(store, "autumn", path, names=False, pairs=False,
                                  min_group=60, overwrite=True)
    assert not done.names and done.pair_pages == 0
    wb = openpyxl.load_workbook(path)
    text = "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "Child 90" not in text and "Prof " not in text
    assert "C9001" in text
    footers = {ws.oddFooter.left.text for ws in wb}
    assert footers == {"This document holds codes only, no names."}
    assert "No group has 60 or more scored pairs yet." in text

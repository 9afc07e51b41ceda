"""Forms against a real client: LibreOffice fills, re-saves and prints them.

- A Python-UNO script (run with a Python that has ``uno``, on Debian ``python3-uno``)
  opens forms in LibreOffice, enters answers into the unlocked cells with
  ``setFormula`` (parsed like typed input: numbers, dates) and stores them as .xlsx;
  ``read_forms`` must return exactly those answers.
- LibreOffice re-saves an openpyxl-filled form (the fallback route when UNO is missing).
- LibreOffice prints forms to PDF; every item text appears exactly once, on one page,
  and every page has its page number and the response anchors.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import answer_cells, fill_with_openpyxl, make_form, offered, random_answers
from relscale.excel.identity import FORM_META_SHEET as META_SHEET
from relscale.io.readback import read_forms
from relscale.workbooks.form import BLANK, render_item_text

pytestmark = pytest.mark.libreoffice

UNO_FILL = r'''
import json, os, subprocess, sys, tempfile, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

jobs = json.load(open(sys.argv[1]))
profile = sys.argv[2]
pipe = "relscale_uno_%d" % os.getpid()
proc = subprocess.Popen(
    ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
     "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
     "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    if ctx is None:
        raise SystemExit("could not connect to LibreOffice")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    report = []
    for job in jobs:
        url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        sheets = doc.getSheets()
        sheet = sheets.getByIndex(0)
        report.append({"protected": sheet.isProtected(),
                       "sheets": list(sheets.getElementNames())})
        for address, text in job["cells"].items():
            sheet.getCellRangeByName(address).setFormula(text)
        target = uno.systemPathToFileUrl(os.path.abspath(job["target"]))
        doc.storeToURL(target, (prop("FilterName", "Calc MS Excel 2007 XML"),))
        # LibreOffice's own optimal height of each item row, beside ours (1/100 mm)
        heights = []
        rows = sheet.getRows()
        for index in job.get("measure_rows", []):
            row = rows.getByIndex(index - 1)
            ours = row.Height
            row.OptimalHeight = True
            heights.append([index, ours, row.Height])
        report[-1]["heights"] = heights
        doc.close(True)
    print(json.dumps(report))
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
'''


def uno_python() -> str | None:
    for candidate in ("/usr/lib/libreoffice/program/python", "/usr/bin/python3", "python3"):
        exe = shutil.which(candidate)
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


def missing(what: str) -> None:
    """Skip on a laptop without ``what``; fail in CI, which installs it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed")


def soffice(tmp_path: Path, *args: str) -> None:
    subprocess.run(
        [shutil.which("soffice") or "soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path}/lo_profile", *args],
        check=True, capture_output=True, timeout=180,
    )


LONG_NAME = "Alexandra-Josephine van der Berg-Oosterhuis"
CASES = [
    ("relationship_quality", "foster_homes", "professional", None),
    # a long name makes statements wrap: row heights are put to the test
    ("working_alliance", "youth_care", "client", LONG_NAME),
    ("relationship_quality_client", "education", "client", None),
]


def _check_survived(path: Path) -> None:
    """What LibreOffice must keep: protection, hidden metadata, unlocked cells, validation."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.protection.sheet
    # LibreOffice writes "very hidden" back as "hidden": still not shown, still protected
    assert wb[META_SHEET].sheet_state in ("hidden", "veryHidden")
    assert wb[META_SHEET].protection.sheet
    cells = answer_cells(path)
    assert all(ws[c].protection.locked is False for c in cells.values())
    assert any(dv.type in ("whole", "list") for dv in ws.data_validations.dataValidation)


def test_filled_in_libreoffice_reads_back_exactly(tmp_path: Path) -> None:
    python = uno_python()
    if python is None:
        missing("a Python with the uno module (Debian: apt-get install python3-uno)")
    jobs: list[dict[str, Any]] = []
    expected: dict[str, dict[str, Any]] = {}
    for n, (instrument, sector, perspective, name) in enumerate(CASES):
        blank, adapted = make_form(tmp_path, instrument, sector, perspective, subject_name=name)
        cells = answer_cells(blank)
        answers = random_answers(adapted.item_ids, adapted.scale.min, adapted.scale.max, seed=n)
        typed = {cells[i]: str(v) for i, v in answers.items() if v is not None}
        import openpyxl

        meta = {str(r[0].value): r[1].value
                for r in openpyxl.load_workbook(blank)[META_SHEET].iter_rows(max_col=2)}
        typed[meta["field.respondent_code"]] = f"R-{n:03d}"
        typed[meta["field.subject_code"]] = "0042"  # typed digits become a number...
        typed[meta["field.date"]] = "2026-11-25"  # ...and an ISO date becomes a date
        target = tmp_path / f"lo_filled_{n}.xlsx"
        rows = sorted(int(c[1:]) for c in cells.values())
        jobs.append({"source": str(blank), "target": str(target), "cells": typed,
                     "measure_rows": rows})
        expected[str(target)] = answers
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    script = tmp_path / "uno_fill.py"
    script.write_text(UNO_FILL)
    done = subprocess.run(
        [python, str(script), str(tmp_path / "jobs.json"), str(tmp_path / "uno_profile")],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(r["protected"] for r in report)  # LibreOffice honours our protection
    # No statement is cut off: every item row is at least as tall as LibreOffice's own
    # optimal height for its wrapped text (an independent measurement of our estimate).
    for r in report:
        assert r["heights"]
        for index, ours, optimal in r["heights"]:
            assert ours >= optimal, (index, ours, optimal)
    assert max(optimal for _i, _o, optimal in report[1]["heights"]) > min(
        optimal for _i, _o, optimal in report[1]["heights"])  # some statements do wrap
    for n, target in enumerate(expected):
        result = read_forms([target])
        (row,) = result.rows
        assert {i: row[i] for i in result.item_ids} == expected[target]
        assert row["respondent_code"] == f"R-{n:03d}"
        assert row["subject_code"] == "42"  # what LibreOffice made of the typed "0042"
        assert row["date"] == "2026-11-25"
        _check_survived(Path(target))


def test_resaved_by_libreoffice_reads_back_exactly(tmp_path: Path) -> None:
    blank, adapted = make_form(tmp_path, "working_alliance", "foster_homes", "professional")
    answers = random_answers(adapted.item_ids, adapted.scale.min, adapted.scale.max, seed=9)
    filled = tmp_path / "in" / "filled.xlsx"
    filled.parent.mkdir()
    fill_with_openpyxl(blank, filled, answers, {"respondent_code": "X1"})
    out = tmp_path / "out"
    soffice(tmp_path, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
            str(filled))
    resaved = out / "filled.xlsx"
    row = read_forms([resaved]).rows[0]
    assert {i: row[i] for i in adapted.item_ids} == answers
    assert row["respondent_code"] == "X1"
    _check_survived(resaved)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_printed_forms_keep_items_whole_and_number_pages(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        missing("pdftotext (poppler-utils)")
    forms = [make_form(tmp_path, i, s, p) for i, s, p in offered()]
    named, adapted_named = make_form(
        tmp_path / "named", "working_alliance", "youth_care", "professional",
        subject_name=LONG_NAME)
    forms.append((named.rename(tmp_path / "named.xlsx"), adapted_named))
    pdf_dir = tmp_path / "pdf"
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(pdf_dir),
            *(str(p) for p, _a in forms))
    for path, adapted in forms:
        pdf = pdf_dir / (path.stem + ".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages = [_norm(p) for p in text.split("\f") if p.strip()]
        assert pages, pdf.name
        subject = LONG_NAME if path.name == "named.xlsx" else None
        for item in adapted.items:
            wanted = _norm(render_item_text(item.text, subject))
            counts = [page.count(wanted) for page in pages]
            assert sum(counts) == 1, (pdf.name, item.id, counts)
        first_anchor = _norm(f"1 = {adapted.scale.points[0].label}")
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page, (pdf.name, number)
            assert first_anchor in page, (pdf.name, number)  # anchors repeat on every page
        assert _norm(adapted.notice) in pages[0]
        assert BLANK in text or subject or "{subject}" not in "".join(
            i.text for i in adapted.items)

"""Acceptance: a scoring sheet where staff pasted things the validation would have refused.

Pasting (from another workbook, or "paste special > values") goes past Excel's and
LibreOffice's data validation. Before, the sheet's formulas skipped a pasted ``vier``
and averaged a pasted ``4.5`` or ``7``, and the row said "scored", while ``relscale
score`` refused the same sheet. Now such a row says ``invalid`` and shows no scores, and
the other rows still equal ``relscale score`` (LibreOffice recalculates).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers import close as _close
from helpers import computed as _computed
from helpers import recalculate as _recalculate
from helpers import runner
from relscale.cli.main import app
from relscale.workbooks.scoring_sheet import FIRST_ROW, HEADER_ROW, STATUS_INVALID

pytestmark = pytest.mark.libreoffice

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"
BAD = {"text": "vier", "half": 4.5, "above": 7, "zero": 0}



def _fill(path: Path, *, with_bad: bool) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    names = [c.value for c in ws[HEADER_ROW]]
    items = [c for c, n in enumerate(names, start=1)
             if isinstance(n, str) and n.startswith(("rq", "fh_")) and "_" not in n[:3]]
    r = FIRST_ROW
    for k in range(6):  # valid rows, one with a gap, one blank row in the middle
        if k == 3:
            r += 1
        ws.cell(r, 1, f"ok{k}")
        for j, c in enumerate(items):
            if not (k == 2 and j < 2):
                ws.cell(r, c, (k + 2 * j) % 5 + 1)
        r += 1
    if with_bad:
        for name, bad in BAD.items():
            ws.cell(r, 1, f"bad_{name}")
            for j, c in enumerate(items):
                ws.cell(r, c, bad if j == 4 else 3)
            r += 1
    wb.save(path)


def test_pasted_non_answers_make_the_row_invalid(tmp_path: Path) -> None:
    cli = runner()
    sheets = {}
    for name, with_bad in (("clean", False), ("pasted", True)):
        sheet = tmp_path / f"{name}.xlsx"
        result = cli.invoke(app, ["scoring-sheet", INSTRUMENT, "-s", SECTOR, "--rows", "15",
                                     "-o", str(sheet)])
        assert result.exit_code == 0, result.output
        _fill(sheet, with_bad=with_bad)
        sheets[name] = sheet

    # the reference: relscale score on the sheet without the pasted rows
    out = tmp_path / "clean.csv"
    result = cli.invoke(app, ["score", str(sheets["clean"]), "-o", str(out), "--decimals", "15"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        expected = {r["respondent_code"]: r for r in csv.DictReader(fh)}
    # relscale score refuses the pasted sheet, naming the first bad cell
    result = cli.invoke(app, ["score", str(sheets["pasted"]), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "'vier'" in result.stderr and ", column rq05" in result.stderr

    outdir = tmp_path / "recalculated"
    _recalculate(list(sheets.values()), outdir)
    computed = _computed(outdir / "pasted.xlsx")
    assert sorted(computed) == sorted([*expected, *(f"bad_{n}" for n in BAD)])
    scores = [n for n in next(iter(expected.values())) if n.startswith(("closeness", "conflict",
                                                                        "dependency"))]
    for name in BAD:
        row = computed[f"bad_{name}"]
        assert row["status"] == STATUS_INVALID, (name, row["status"])
        assert all(row[s] in (None, "") for s in scores), (name, {s: row[s] for s in scores})
    for code, exp in expected.items():
        got = computed[code]
        assert got["status"] == exp["status"]
        for s in scores:
            if s.endswith("_band"):
                assert (got[s] or "") == exp[s], (code, s)
            else:
                assert _close(got[s], exp[s]), (code, s, got[s], exp[s])

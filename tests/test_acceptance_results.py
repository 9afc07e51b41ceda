"""Acceptance: the results workbook staff open and print.

Rendered by LibreOffice to PDF, the Scores sheet cut every variable name longer than the
default column ("closeness_percentile" showed as "closeness"), and the band labels
("iets boven gemiddeld"); the Summary sheet cut "dependency". Column widths now fit the
headings and texts; the reference is the length of those texts themselves.
"""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from relscale.adapt import adapt
from relscale.cli.main import app

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"


def test_scores_and_summary_columns_fit_their_texts(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    items = adapt(INSTRUMENT, SECTOR).item_ids
    data = tmp_path / "data.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", *items])
        for r in range(9):
            w.writerow([f"client-{r}", *[str((r + 2 * k) % 5 + 1) for k in range(len(items))]])
    out = tmp_path / "results.xlsx"
    result = CliRunner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                      "--locale", "nl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    scores, summary = wb.worksheets[0], wb.worksheets[1]
    rows = list(scores.iter_rows(values_only=True))
    checked = 0
    for c, name in enumerate(rows[0], start=1):
        width = scores.column_dimensions[get_column_letter(c)].width
        assert width >= len(name), (name, width)
        if name.endswith("_band") or name == "respondent_code":
            longest = max(len(str(r[c - 1] or "")) for r in rows[1:])
            assert longest > 4 and width >= longest, (name, width, longest)
            checked += 1
    assert checked == 4
    dims = [r[1] for r in summary.iter_rows(values_only=True) if r[1] in
            ("closeness", "conflict", "dependency")]
    assert len(dims) == 3
    assert summary.column_dimensions["B"].width >= max(map(len, dims))

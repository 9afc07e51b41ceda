"""``relscale codebook``: every variable of the data and the scored output, in each format."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.io.csv_safety import csv_text, csv_unguard


def test_codebook_csv_lists_items_scores_and_norm_variables(tmp_path: Path) -> None:
    out = tmp_path / "cb.csv"
    result = CliRunner().invoke(app, ["codebook", "working_alliance", "-s", "youth_care",
                                      "-p", "client", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    adapted = adapt("working_alliance", "youth_care", "client")
    variables = [r["variable"] for r in rows]
    assert variables[: len(adapted.items)] == list(adapted.item_ids)
    by_name = {r["variable"]: r for r in rows}
    for item in adapted.items:
        row = by_name[item.id]
        labels = {d.id: d.label for d in adapted.dimensions}
        assert row["dimension"] == labels[item.dimension]
        # "+ (as answered)" would be a formula in a spreadsheet: guarded (issue 25)
        assert csv_unguard(row["keying"]).startswith(item.keying)
        assert row["keying"] == csv_text(csv_unguard(row["keying"]))
        assert "{subject}" not in row["label"]
        assert row["values"].startswith(f"1 = {adapted.scale.points[0].label}")
    for d in ("bond", "goals", "tasks"):
        assert "3 of 4" in by_name[d]["missing"]  # min_answered 0.75 of 4 items
        if adapted.norms:
            assert {f"{d}_percentile", f"{d}_t", f"{d}_band"} <= set(variables)
    assert {"status", "reason", "straightlining"} <= set(variables)


def test_codebook_md_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    runner = CliRunner()
    md, xlsx = tmp_path / "cb.md", tmp_path / "cb.xlsx"
    base = ["codebook", "relationship_quality", "-s", "disability_care"]
    assert runner.invoke(app, [*base, "-o", str(md)]).exit_code == 0
    assert runner.invoke(app, [*base, "-o", str(xlsx)]).exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert "| rq01 |" in text and "| closeness |" in text and "not yet validated" in text
    ws = load_workbook(xlsx).worksheets[0]
    assert [c.value for c in ws[4]][:2] == ["Variable", "Label"]
    assert ws.cell(5, 1).value == "rq01"
    result = runner.invoke(app, [*base, "-o", str(md)])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(app, [*base, "-o", str(tmp_path / "cb.txt")])
    assert result.exit_code == 1 and "unknown codebook format" in result.output


def test_codebook_to_stdout_equals_the_file(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["codebook", "working_alliance", "--sector", "youth_care", "-p", "client"]
    printed = runner.invoke(app, [*args, "--format", "md"])
    assert printed.exit_code == 0, printed.stderr
    out = tmp_path / "cb.md"
    written = runner.invoke(app, [*args, "-o", str(out)])
    assert written.exit_code == 0, written.stderr
    assert printed.stdout == out.read_text(encoding="utf-8")
    refused = runner.invoke(app, [*args, "--format", "xlsx"])
    assert refused.exit_code == 1 and "needs a file" in refused.stderr

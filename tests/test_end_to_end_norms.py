"""From a reference sample to labelled norm scores, through the real commands."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from relscale.cli.main import app

runner = CliRunner()
KEY = ["--instrument", "relationship_quality", "--sector", "foster_homes"]


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_illustrative_norms_are_labelled_and_a_local_table_replaces_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.csv"
    assert _run("simulate", *KEY, "--n", "300", "--seed", "7", "-o", str(sample))[0] == 0

    # Registered (illustrative) norms: every row and the terminal say so.
    out = tmp_path / "illustrative.csv"
    code, err = _run("score", str(sample), *KEY, "-o", str(out))
    assert code == 0, err
    rows = _rows(out)
    scored = [r for r in rows if r["status"] == "scored"]
    assert scored and {r["norm_status"] for r in scored} == {"illustrative"}
    assert all("Illustrative" in r["norm_group"] for r in scored)
    assert "illustrative norms" in err
    for dim in ("closeness", "conflict", "dependency"):
        assert all(r[f"{dim}_percentile"] and r[f"{dim}_t"] and r[f"{dim}_band"] for r in scored)

    # A local table built from the sample wins, and nothing claims to be illustrative.
    local = tmp_path / "local.toml"
    code, err = _run("norms", "build", str(sample), *KEY, "--status", "local",
                     "--source", "Our homes", "--year", "2026", "--min-n", "100",
                     "-o", str(local))
    assert code == 0, err
    out = tmp_path / "local.csv"
    code, err = _run("score", str(sample), *KEY, "--norms", str(local), "-o", str(out))
    assert code == 0, err
    rows = _rows(out)
    scored = [r for r in rows if r["status"] == "scored"]
    assert {r["norm_status"] for r in scored} == {"local"}
    assert "illustrative norms" not in err
    # Scored against its own sample, the median respondent sits near the 50th percentile.
    pct = sorted(float(r["closeness_percentile"]) for r in scored)
    assert 40 <= pct[len(pct) // 2] <= 60


def test_a_group_table_for_some_rows_into_a_results_workbook(tmp_path: Path) -> None:
    """A --norms table of one group with a group column that also holds other values: the
    results workbook is written (the rows of the other group unnormed), not a traceback
    (the profile pages, which need one table for every row, are left out)."""
    import openpyxl

    sample = tmp_path / "sample.csv"
    assert _run("simulate", *KEY, "--n", "1200", "--seed", "7", "-o", str(sample))[0] == 0
    folder = tmp_path / "norms"
    code, err = _run("norms", "build", str(sample), *KEY, "--status", "local", "--source",
                     "Our homes", "--group-by", "gender", "--min-n", "100", "-o", str(folder))
    assert code == 0, err
    table = folder / "gender-f.toml"
    out = tmp_path / "results.xlsx"
    result = runner.invoke(app, ["score", str(sample), *KEY, "--norms", str(table), "--group",
                                 "gender", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and result.exception is None
    ws = openpyxl.load_workbook(out, read_only=True)["Scores"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    gender, status = head.index("gender"), head.index("norm_status")
    assert {r[status] for r in rows[1:] if r[gender] == "f"} - {None} == {"local"}
    assert {r[status] for r in rows[1:] if r[gender] == "m"} & {"local"} == set()

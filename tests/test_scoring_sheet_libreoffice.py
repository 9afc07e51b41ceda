"""Real-client check: LibreOffice recalculates a filled scoring sheet, and every formula
result must equal ``relscale score`` on the same sheet (raw scores, percentile, T, band,
status), for instrument/sector/perspective combinations with the instrument's scale and with
sector scales (children's 4 points, the disability client's 3 points with balancing items,
and a professional scale whose 'does not apply' code must score as missing), two of them
with norms (normalized and linear T)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers import close, computed, recalculate
from relscale.adapt import adapt
from relscale.model.models import NormTable, Population
from relscale.scoring.engine import score_responses
from relscale.scoring.norms import banding_bands, write_norm_table
from relscale.scoring.norms_build import build_dimension_norm
from relscale.workbooks.scoring_sheet import FIRST_ROW, HEADER_ROW

pytestmark = pytest.mark.libreoffice

CASES = [
    # instrument, sector, perspective, norms (None, "normalized", "linear"), banding
    ("relationship_quality", "foster_homes", "professional", "normalized", "deciles_nl"),
    ("working_alliance", "youth_care", "client", "linear", "five_band"),
    ("relationship_quality_client", "education", "client", None, None),
    ("relationship_quality_client", "disability_care", "client", "normalized", "deciles_nl"),
]
ROWS = 40


def _norm_file(tmp: Path, instrument: str, sector: str, perspective: str, t_score: str,
               banding: str) -> Path:
    adapted = adapt(instrument, sector, perspective)
    rng = np.random.default_rng(11)
    # A reference sample with a lean, so percentiles are not uniform.
    lo, hi = adapted.scale.min, adapted.scale.max
    values = np.clip(np.round(rng.normal((lo + hi) / 2 + 0.3, 1.1, (250, len(adapted.items)))),
                     lo, hi)
    raw = score_responses(adapted, values).raw
    table = NormTable(
        instrument=instrument,
        sector=sector,
        perspective=perspective,  # type: ignore[arg-type]
        population=Population(n=250, year=2025, source="test sample", status="illustrative"),
        banding=banding,
        t_score=t_score,  # type: ignore[arg-type]
        bands=banding_bands(banding),
        dimensions=tuple(
            build_dimension_norm(d, raw[d], scale_min=adapted.scale.min) for d in raw
        ),
    )
    return write_norm_table(table, tmp / f"norms_{instrument}.toml", overwrite=True)


def _fill(path: Path, seed: int, adapted: object) -> None:
    """Seeded answers with gaps: full rows, rows with a few gaps, sparse rows, an id-only
    row, a straight-lined row, blank rows in between, and 'does not apply' codes where
    the scale has one."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    names = [c.value for c in ws[HEADER_ROW]]
    items = [i for i, n in enumerate(names, start=1) if isinstance(n, str) and n[-2:].isdigit()
             and not n.startswith("keyed_")]
    rng = np.random.default_rng(seed)
    scale = adapted.scale  # type: ignore[attr-defined]
    lo, hi, na = scale.min, scale.max, scale.not_applicable
    for k in range(ROWS):
        r = FIRST_ROW + k
        if k % 9 == 8:
            continue  # a blank row
        ws.cell(r, 1, f"r{k:03d}")
        ws.cell(r, 2, f"c{k % 7}")
        if k % 13 == 5:
            continue  # a respondent with no answers: rejected
        gap = 0.02 if k % 3 else rng.choice([0.1, 0.3, 0.6])
        straight = k % 17 == 3
        for c in items:
            if rng.random() < gap:
                continue
            if na is not None and rng.random() < 0.08:
                ws.cell(r, c, na.value)
                continue
            ws.cell(r, c, hi if straight else int(rng.integers(lo, hi + 1)))
    wb.save(path)


def test_formulas_equal_relscale_score(tmp_path: Path) -> None:
    from relscale.cli.main import app

    runner = CliRunner()
    sheets = []
    for n, (instrument, sector, perspective, t_score, banding) in enumerate(CASES):
        sheet = tmp_path / f"sheet_{instrument}_{sector}.xlsx"
        args = ["scoring-sheet", instrument, "-s", sector, "-p", perspective,
                "--rows", str(ROWS), "-o", str(sheet)]
        if t_score:
            norms = _norm_file(tmp_path, instrument, sector, perspective, t_score, banding)
            args += ["--norms", str(norms)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        _fill(sheet, seed=100 + n, adapted=adapt(instrument, sector, perspective))
        sheets.append((sheet, args))

    outdir = tmp_path / "recalculated"
    recalculate([s for s, _ in sheets], outdir)

    statuses: set[str] = set()
    norm_cases = 0
    for sheet, args in sheets:
        out = tmp_path / f"{sheet.stem}.csv"
        score_args = ["score", str(sheet), "-o", str(out), "--decimals", "15"]
        if "--norms" in args:
            score_args += ["--norms", args[args.index("--norms") + 1]]
        result = runner.invoke(app, score_args)
        assert result.exit_code == 0, result.output
        with out.open(encoding="utf-8") as fh:
            expected = list(csv.DictReader(fh))
        rows = computed(outdir / sheet.name)
        assert sorted(rows) == sorted(r["respondent_code"] for r in expected)
        compared = 0
        na = adapt(*args[1:2], args[3], args[5]).scale.not_applicable
        not_applicable = 0
        for exp in expected:
            got = rows[exp["respondent_code"]]
            for name, value in exp.items():
                if name not in got or name.startswith(("norm_", "reason")):
                    continue
                if na is not None and got[name] == na.value:
                    # 'does not apply' on the sheet: kept as its code in relscale score's
                    # output (not an empty cell), and the scores (compared below) leave it out
                    assert value == str(na.value), (sheet.name, exp["respondent_code"], name)
                    not_applicable += 1
                    continue
                if name in ("status",) or name.endswith("_band") or name.endswith("_code"):
                    assert (got[name] or "") == value, (sheet.name, exp["respondent_code"], name)
                else:
                    assert close(got[name], value), (
                        sheet.name, exp["respondent_code"], name, got[name], value
                    )
                compared += 1
            statuses.add(exp["status"])
        # every score column, and the norm columns where norms apply, were compared
        has_norms = "--norms" in args or bool(adapt(*args[1:2], args[3], args[5]).norms)
        assert any(n.endswith("_percentile") for n in expected[0]) == has_norms
        norm_cases += has_norms
        assert (not_applicable > 0) == (na is not None), sheet.name
        assert compared > 30 * len(expected[0]) // 2
    assert statuses == {"scored", "incomplete", "rejected"}
    assert norm_cases >= 2

"""Helpers shared by the tests: a CLI runner, making and filling forms, LibreOffice.

Imported as ``from helpers import ...`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from relscale.adapt import adapt
from relscale.excel.identity import FORM_META_SHEET as META_SHEET
from relscale.i18n import set_locale
from relscale.model.models import AdaptedInstrument
from relscale.plugins import get_registry
from relscale.workbooks.form import COL_ANSWER, COL_ID, export_form, form_filename
from relscale.workbooks.scoring_sheet import FIRST_ROW, HEADER_ROW


def runner() -> CliRunner:
    """A CLI runner that keeps stderr apart from stdout (click 8.1 and 8.2 alike)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2: stderr is always separate
        return CliRunner()


# --- forms ------------------------------------------------------------------------------


def offered() -> list[tuple[str, str, str]]:
    """Every (instrument, sector, perspective) the registered sectors offer."""
    return [(i.id, s.id, p) for s, i, p in get_registry().offerings()]


def make_form(
    tmp_path: Path,
    instrument: str = "relationship_quality",
    sector: str = "foster_homes",
    perspective: str | None = None,
    locale: str = "en",
    **kwargs: Any,
) -> tuple[Path, AdaptedInstrument]:
    set_locale(locale)
    adapted = adapt(instrument, sector, perspective, locale)  # type: ignore[arg-type]
    path = tmp_path / form_filename(adapted)
    kwargs.setdefault("layout", "compact")  # the respondent layouts have their own tests
    export_form(adapted, path, **kwargs)
    set_locale("en")
    return path, adapted


def answer_cells(path: Path) -> dict[str, str]:
    """item id -> answer cell, found on the form sheet itself (hidden id column)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ids = {
        str(ws.cell(r, COL_ID).value): f"{ws.cell(r, COL_ANSWER).coordinate}"
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, COL_ID).value not in (None, "item")
    }
    return ids


def fill_with_openpyxl(
    path: Path, target: Path, answers: dict[str, Any], fields: dict[str, Any] | None = None
) -> None:
    import openpyxl

    from relscale.excel.identity import FORM_FIELDS as FIELDS

    cells = answer_cells(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    meta = {
        str(r[0].value): r[1].value
        for r in wb[META_SHEET].iter_rows(max_col=2)
        if r[0].value is not None
    }
    for item, value in answers.items():
        ws[cells[item]] = value
    for name, value in (fields or {}).items():
        assert name in FIELDS
        ws[meta[f"field.{name}"]] = value
    wb.save(target)


def random_answers(item_ids: tuple[str, ...], lo: int, hi: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    answers: dict[str, Any] = {i: rng.randint(lo, hi) for i in item_ids}
    answers[item_ids[1]] = None  # one left empty
    return answers


# --- LibreOffice -----------------------------------------------------------------------


def recalculate(paths: list[Path], outdir: Path) -> None:
    profile = outdir / "lo-profile"
    cmd = [
        shutil.which("soffice") or "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--calc",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        *map(str, paths),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120,
                   env={**os.environ, "HOME": str(outdir)})


def computed(path: Path) -> dict[str, dict[str, Any]]:
    from openpyxl import load_workbook

    ws = load_workbook(path, data_only=True).worksheets[0]
    names = [c.value for c in ws[HEADER_ROW]]
    rows: dict[str, dict[str, Any]] = {}
    blank_statuses = []
    for cells in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        row = dict(zip(names, cells, strict=False))
        if row.get("respondent_code"):
            rows[row["respondent_code"]] = row
        else:
            blank_statuses.append(row.get("status"))
    assert all(s in (None, "") for s in blank_statuses)
    return rows


def close(a: Any, b: str) -> bool:
    if b == "":
        return a in (None, "")
    return isinstance(a, int | float) and math.isclose(float(a), float(b), rel_tol=0,
                                                        abs_tol=1e-9)

"""The scoring engine against stored expected files (``tests/data/scoring/``).

The files were written by ``tests/reference/make_scoring_expected.py`` on main before
issue 26 (commit 233f0fd, when a plain CSV was scored by a polars bulk scorer and every
other input by the numpy engine, the two kept equal by comparison tests). Every case is
scored here as ``relscale score`` scores it, with the bulk CSV reader taken (where the
file qualifies) and not, and every output must have the stored bytes: the CSV at 4
decimals and at full precision, the .sav (its creation time blanked) and every part of
the results workbook but its timestamps. Cases: odd spellings and identifiers that need
the CSV-injection guard, missing answers and the minimum-answered rule, blank rows,
duplicates, straight-lining, two sectors, Dutch with a fixed norm group, norm steps hit
exactly with normalized and linear T, a dimension without norms, no fitting norm table
with the prorated sum, no norms, a ``wave`` column (reliable change), a norm group per
respondent, 'does not apply' codes and a workbook as input.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from relscale.io import bulk_csv

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "scoring"


def _reference() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_scoring_expected", HERE / "reference" / "make_scoring_expected.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REF = _reference()
CASES = REF.cases()


def test_every_case_has_its_files() -> None:
    stored = {p.name for p in DATA.iterdir()}
    for name in CASES:
        assert {f"{name}.csv", f"{name}.full.csv", f"{name}.sav.sha256"} <= stored, name
        assert (f"{name}.xlsx.json" in stored) == (name not in REF.NO_WORKBOOK), name


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk-reader", "csv-module"])
@pytest.mark.parametrize("name", list(CASES))
def test_outputs_as_stored(name: str, bulk: bool, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    source = next(DATA.glob(f"{name}.in.*"))
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0 if bulk else 1 << 60)
    run = REF.score_case(name, case, source, DATA)
    found = REF.outputs(run, tmp_path, name)
    assert sorted(found) == sorted(p.name for p in DATA.glob(f"{name}.*")
                                   if ".in." not in p.name and not p.name.endswith(".toml"))
    for file, data in found.items():
        assert data == (DATA / file).read_bytes(), file
    # The figures the CLI prints come from the same scores.
    text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    for status in ("scored", "incomplete", "rejected"):
        assert run.counts[status] == sum(r["status"] == status for r in rows), status
    if case["kw"].get("straightlining") is not None:
        assert run.straightlining == sum(r["straightlining"] == "1" for r in rows)
    assert run.norm_statuses == {r["norm_status"] for r in rows if r.get("norm_status")}

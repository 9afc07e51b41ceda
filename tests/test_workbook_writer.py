"""Every workbook relscale writes, through its one writer, holds what it held before.

The commands below write every kind of workbook (forms in every layout, scoring sheets,
codebooks, results with streamed scores and profile charts, profiles, reliability,
translation review, the adaptation report, evidence tables, the XLSForm). Each written
file is read back with openpyxl (:mod:`workbook_fingerprint`) and compared with the
stored fingerprint of the same workbook as the former openpyxl renderer wrote it
(``tests/data/workbooks/*.json``, made by ``REFRESH_WORKBOOKS=1``). LibreOffice opens
them in the print and recalculation tests.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from workbook_fingerprint import VOLATILE, assert_round_trip, fingerprint

from helpers import runner
from relscale.cli.main import app
from relscale.scoring.simulate import simulate, write_sample

EXPECTED = Path(__file__).parent / "data" / "workbooks"
RQ = "relationship_quality"


def _samples(tmp: Path) -> dict[str, Path]:
    from equivalence_data import write_sectors

    from relscale.adapt import adapt

    prof, child, before = tmp / "prof.csv", tmp / "child.csv", tmp / "before.csv"
    write_sample(simulate(adapt(RQ, "education", "professional", "en"), 12, 3), prof)
    write_sample(simulate(adapt(RQ, "education", "professional", "en"), 12, 5), before)
    large = tmp / "large.csv"
    write_sample(simulate(adapt(RQ, "education", "professional", "en"), 400, 6), large)
    write_sample(simulate(adapt("relationship_quality_client", "education", "client", "en"),
                          12, 4), child)
    text = child.read_text().splitlines()
    # the child rates the professional: subject_code names the teacher, as profile expects
    lines = [text[0] + ",subject_code"] + [f"{line},t1" for line in text[1:]]
    child.write_text("\n".join(lines) + "\n")
    sectors = tmp / "sectors.csv"
    write_sectors(sectors, ["education", "foster_homes"], 160)
    return {"prof": prof, "child": child, "before": before, "sectors": sectors,
            "large": large}


COMMANDS: dict[str, Callable[[dict[str, Path]], list[str]]] = {
    "form_foster_nl": lambda d: ["form", RQ, "-s", "foster_homes", "-l", "nl"],
    "form_boxes": lambda d: ["form", RQ, "-s", "youth_care", "--layout", "boxes"],
    "form_dropdown": lambda d: ["form", RQ, "-s", "education", "--layout", "dropdown"],
    "form_child": lambda d: ["form", "relationship_quality_client", "-s", "education",
                             "-l", "nl"],
    "form_disability_client": lambda d: ["form", "relationship_quality_client", "-s",
                                         "disability_care", "-l", "nl"],
    "scoring_sheet": lambda d: ["scoring-sheet", "working_alliance", "-s", "youth_care",
                                "-p", "client", "-l", "nl"],
    "scoring_sheet_rows": lambda d: ["scoring-sheet", RQ, "-s", "education", "--rows", "30"],
    "codebook": lambda d: ["codebook", RQ, "-s", "foster_homes", "-l", "nl"],
    "results": lambda d: ["score", str(d["prof"]), "-i", RQ, "-s", "education"],
    "profile": lambda d: ["profile", str(d["prof"]), "-i", RQ, "-s", "education",
                          "--client-data", str(d["child"]), "--before", str(d["before"])],
    "reliability": lambda d: ["reliability", str(d["prof"]), "-i", RQ, "-s", "education"],
    "review": lambda d: ["i18n", "review", "-s", "youth_care", "-l", "nl"],
    "report": lambda d: ["report", "adaptation", RQ, "-s", "foster_homes", "--data",
                         str(d["sectors"])],
    "cfa": lambda d: ["cfa", str(d["large"]), "-i", RQ, "-s", "education", "--format",
                      "xlsx"],
    "xlsform": lambda d: ["export", RQ, "-s", "education", "-f", "xlsform", "-l", "en",
                          "-l", "nl"],
}


Written = dict[str, tuple[Path, Any]]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """Each command's workbook file and the sheet model it was written from."""
    import relscale.excel.xlsx as xlsx

    tmp = tmp_path_factory.mktemp("books")
    data = _samples(tmp)
    out: Written = {}
    books: list[Any] = []
    real = xlsx.write_xlsx

    def capture(book: Any, path: Path | str) -> None:
        books.append(book)
        real(book, path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlsx, "write_xlsx", capture)
        for name, command in COMMANDS.items():
            path = tmp / f"{name}.xlsx"
            books.clear()
            result = runner().invoke(app, [*command(data), "-o", str(path)])
            assert result.exit_code == 0, (name, result.output, getattr(result, "stderr", ""))
            assert len(books) == 1, name
            out[name] = (path, books[0])
    return out


def _diff(expected: Any, actual: Any, where: str = "") -> str | None:
    """The first place two fingerprints differ, or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                return f"{where}/{key}: only in {'actual' if key in actual else 'expected'}"
            found = _diff(expected[key], actual[key], f"{where}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{where}: {len(expected)} items expected, {len(actual)} written"
        for k, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found = _diff(a, b, f"{where}[{k}]")
            if found:
                return found
        return None
    if isinstance(expected, float) and isinstance(actual, float):
        # the former renderer wrote 16 significant digits; the writer writes the shortest
        # text that reads back as the same double (up to 17)
        same = math.isclose(expected, actual, rel_tol=1e-13, abs_tol=1e-300)
    else:
        same = expected == actual
    return None if same else f"{where}: expected {expected!r}, got {actual!r}"


def _form_version_of_today(actual: dict[str, Any]) -> None:
    """The XLSForm's settings carry the day it was written (``version`` yyyymmdd01): check
    it is a date of these days and compare the rest (as other dates of writing)."""
    import datetime as dt

    cell = actual["sheet"]["settings"]["cells"]["2,3"]
    day = dt.datetime.strptime(cell[0][:8], "%Y%m%d").date()
    assert cell[0][8:] == "01" and abs((dt.date.today() - day).days) <= 1, cell
    cell[0] = VOLATILE


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_workbook_holds_what_it_held(written: Written, name: str) -> None:
    path = written[name][0]
    actual = json.loads(json.dumps(fingerprint(path)).replace(str(path.parent), "<tmp>"))
    if name == "xlsform":
        _form_version_of_today(actual)
    stored = EXPECTED / f"{name}.json"
    if os.environ.get("REFRESH_WORKBOOKS"):
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(actual, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")) + "\n", encoding="utf-8")
    expected = json.loads(stored.read_text(encoding="utf-8"))
    assert _diff(expected, actual) is None, _diff(expected, actual)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_workbook_is_its_sheet_model(written: Written, name: str) -> None:
    """Read back, every cell, style and feature is the model's (independent of any
    earlier writer)."""
    path, book = written[name]
    assert_round_trip(book, path)


def test_the_fingerprints_cover_every_feature() -> None:
    """The stored books between them use every feature of the sheet model."""
    books = [json.loads((EXPECTED / f"{n}.json").read_text(encoding="utf-8"))
             for n in COMMANDS]
    sheets = [s for b in books for s in b["sheet"].values()]
    assert any(s["charts"] for s in sheets)
    assert any(p["parts"][1:] for s in sheets for c in s["charts"] for p in [c])
    assert any(c[3] for s in sheets for c in s["cells"].values())  # a comment
    assert any(s["view"][2] not in (None, "A1") for s in sheets)  # a frozen pane
    assert any(s["merges"] for s in sheets) and any(s["validations"] for s in sheets)
    assert any(s["breaks"] for s in sheets) and any(s["view"][1] == "hidden" for s in sheets)
    assert any(b["security"] and b["security"][0] for b in books)
    assert any(len(s["cells"]) > 100 for s in sheets)

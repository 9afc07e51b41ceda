"""``relscale report adaptation``: every sector, with and without data, en and nl, md and
xlsx; rows checked against the sector's wording and provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from equivalence_data import write_sectors

from helpers import runner
from relscale.cli.main import app
from relscale.excel.sheet import Workbook
from relscale.excel.xlsx import write_xlsx
from relscale.i18n import _, set_locale
from relscale.model.labels import LOCALE_CHANGES, PROVENANCE
from relscale.plugins import get_registry
from relscale.workbooks.adaptation_report import (
    GUIDELINES,
    build_adaptation_report,
    report_markdown,
)
from relscale.workbooks.evidence_tables import Table, book_styles, md_escape, write_tables

RQ = "relationship_quality"
SECTORS = sorted(get_registry().sectors)


def run(*args: str) -> Any:
    return runner().invoke(app, list(args))


def _label(provenance: str, locale: str) -> str:
    from relscale.i18n import _

    set_locale(locale)
    try:
        return _(PROVENANCE[provenance])
    finally:
        set_locale("en")


def _offering(sector: str) -> dict[str, Any]:
    offering = get_registry().sector(sector).offering(RQ, "professional")
    assert offering is not None
    return {w.item: w for w in offering.items}


@pytest.mark.parametrize("locale", ["en", "nl"])
@pytest.mark.parametrize("sector", SECTORS)
def test_report_without_data_md_and_xlsx(sector: str, locale: str, tmp_path: Path) -> None:
    md, xlsx = tmp_path / "report.md", tmp_path / "report.xlsx"
    for target in (md, xlsx):
        result = run("--locale", locale, "report", "adaptation", RQ, "--sector", sector,
                     "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert target.is_file()
    text = md.read_text(encoding="utf-8")
    wordings = _offering(sector)
    report = build_adaptation_report(RQ, sector, locale=locale)
    for item, w in wordings.items():
        assert f"| {item} |" in text
        assert _label(w.provenance, locale) in text
        record = next(r for r in report.items if r.item == item)
        for loc in report.locales:
            if record.wording[loc] is not None:
                assert md_escape(record.wording[loc]) in text
    assert ("PC-1" in text and "Doc-1" in text and "SSI-2" in text and "C-4" in text)
    assert "PC-4" not in text and "A-3" not in text  # the 2017 edition has 18 guidelines
    heading = "Adaptatierapport" if locale == "nl" else "Adaptation report"
    assert text.startswith(f"# {heading}")
    # the workbook: one row per item on the items sheet, its provenance and wording
    wb = openpyxl.load_workbook(xlsx)
    items_sheet = wb.worksheets[2]
    rows = {r[0]: r for r in items_sheet.iter_rows(values_only=True) if r[0] in wordings}
    assert set(rows) == set(wordings)
    en = report.locales.index("en")
    for item, w in wordings.items():
        row = rows[item]
        assert row[4] == _label(w.provenance, locale)
        sector_en = row[6 + len(report.locales) + en]
        if w.provenance == "dropped":
            assert sector_en == "—"
        else:
            record = next(r for r in report.items if r.item == item)
            assert sector_en == record.wording["en"]
    assert "illustrative" in text.lower() or "illustratie" in text.lower()


def test_report_records_match_the_plugins_wording_and_catalogs() -> None:
    report = build_adaptation_report(RQ, "youth_care")
    records = {r.item: r for r in report.items}
    wordings = _offering("youth_care")
    assert set(records) == set(wordings)
    for item, w in wordings.items():
        assert records[item].provenance == w.provenance
        assert records[item].wording["en"] == w.text  # None for the dropped slot
    assert records["rq13"].provenance == "dropped"
    assert records["rq13"].wording == {"en": None, "nl": None}
    assert records["rq13"].source["en"]  # the education wording it replaces
    assert records["yc_rq_a01"].provenance == "added"
    assert records["yc_rq_a01"].source["en"] is None
    assert records["rq01"].status == {"en": "source", "nl": "translated"}
    # each Dutch wording's own provenance, from the catalog's translator comments
    from relscale.adapt import adapt

    nl = {i.id: i for i in adapt("relationship_quality", "youth_care", locale="nl").items}
    for item, record in records.items():
        assert record.language_provenance["en"] == "—"
        if item in nl:
            change = nl[item].locale_change
            assert change is not None
            assert record.language_provenance["nl"].startswith(_(LOCALE_CHANGES[change]))
    assert report.not_covered() == [c for c in GUIDELINES if c not in report.addressed()]
    assert len(GUIDELINES) == 18


@pytest.fixture(scope="module")
def sector_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "sectors.csv"
    write_sectors(path, ["education", "foster_homes"], 400)
    return path


@pytest.mark.parametrize(("locale", "suffix"), [("en", ".md"), ("nl", ".xlsx")])
def test_report_with_data(sector_data: Path, locale: str, suffix: str, tmp_path: Path) -> None:
    target = tmp_path / f"report{suffix}"
    result = run("--locale", locale, "report", "adaptation", RQ, "--sector", "foster_homes",
                 "--data", str(sector_data), "--group-by", "sector", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    if suffix == ".md":
        text = target.read_text(encoding="utf-8")
        assert "## Evidence (ITC C-1, C-2, C-3, SSI-2)" in text
        for heading in ("Model fit", "Invariance models", "Reliability per scale and group",
                        "Ordinal DIF per item"):
            assert f"### {heading}" in text
        assert "fh_rq_a01" in text and "nan" not in text.lower()
        assert "C-2" not in text.split("does not cover")[1].split("##")[0]
    else:
        wb = openpyxl.load_workbook(target)
        evidence = wb.worksheets[-1]
        values = [c.value for row in evidence.iter_rows() for c in row if c.value is not None]
        assert "Modelfit (ml)" in values
        assert {"Methode", "Schatter", "Ontbrekende gegevens", "Clustering"} <= set(values)
        assert "Invariantiemodellen" in values and "fh_rq_a01" in values
        assert not any(isinstance(v, float) and v != v for v in values)


def test_report_data_errors_are_one_line(sector_data: Path, tmp_path: Path) -> None:
    result = run("report", "adaptation", RQ, "--sector", "foster_homes", "--data",
                 str(sector_data), "--group-by", "region", "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("relscale: error: ")
    assert "'region'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_strings_that_look_like_formulas_are_written_as_text(tmp_path: Path) -> None:
    book = Workbook(styles=book_styles())
    sheet = book.add_sheet("T")
    write_tables(sheet, [Table("=title", ["=col"], [["=1+1", 2.5, None]], ["=note"])], 1)
    path = tmp_path / "t.xlsx"
    write_xlsx(book, path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert {c.value for c in cells} >= {"=title", "=col", "=1+1", 2.5, "—", "=note"}


def test_report_markdown_is_the_library_output(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    assert run("report", "adaptation", RQ, "-s", "disability_care", "-o", str(target)
               ).exit_code == 0
    set_locale("en")
    expected = report_markdown(build_adaptation_report(RQ, "disability_care"))
    assert target.read_text(encoding="utf-8") == expected

"""relscale.translation's draft and review steps from Python: the files written, the review
rows, and the review workbook's sheet model (relscale.workbooks.review)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_translation import education_nl, make_registry, mentoring_nl_roles, read

from relscale import translation
from relscale.errors import LocaleError, RelscaleError
from relscale.i18n import set_locale
from relscale.workbooks.review import build_review


def test_write_draft_to_the_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    mentoring_nl_roles(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = translation.write_draft("mentoring", "nl", registry=reg)
    assert result.path == Path("relscale_mentoring.nl.draft.po")
    drafted = read(tmp_path / result.path)
    m3 = drafted.get("Mentees and I argue.", context="m3")
    assert m3.string == "Deelnemers en ik maken ruzie." and m3.fuzzy
    assert (result.drafted, result.kept, result.bracketed) == (4, 4, [])
    with pytest.raises(RelscaleError, match="already exists"):
        translation.write_draft("mentoring", "nl", registry=reg)
    again = translation.write_draft("mentoring", "nl", tmp_path / "x.po", registry=reg,
                                    overwrite=True)
    assert again.path == tmp_path / "x.po" and again.path.is_file()


def test_write_sector_review_of_a_draft(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    draft = translation.write_draft("mentoring", "nl", tmp_path / "d.po", registry=reg)
    out = tmp_path / "review.xlsx"
    result = translation.write_sector_review("mentoring", "nl", out, catalog_path=draft.path,
                                             registry=reg)
    assert (result.path, result.locale) == (out, "nl")
    states = {r.context: r.state for r in result.rows}
    assert states["m1"] == "fuzzy" and states["m4"] == "missing"
    assert states["sector|label"] == "missing"
    assert result.untranslated == sum(1 for s in states.values() if s == "missing")

    book = load_workbook(out)
    assert book.sheetnames == ["Review"]
    ws = book["Review"]
    assert ws.cell(1, 1).value == "Translation review: Mentoring, Dutch (nl)"
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Item id")
    m1 = next(i for i, r in enumerate(result.rows) if r.context == "m1")
    row = [ws.cell(header + 1 + m1, c).value for c in (1, 2, 3, 8)]
    assert row == ["m1", "m1", "As a mentor I enjoy time with {subject}.", "fuzzy"]
    assert ws.cell(header + 1 + m1, 4).value.startswith("Als [mentor]")


def test_write_sector_review_errors(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    with pytest.raises(RelscaleError, match=r"must be an \.xlsx file"):
        translation.write_sector_review("mentoring", "nl", tmp_path / "r.csv", registry=reg)
    with pytest.raises(LocaleError, match="source language"):
        translation.write_sector_review("mentoring", "en", tmp_path / "r.xlsx", registry=reg)
    with pytest.raises(RelscaleError, match="unknown sector"):
        translation.write_sector_review("nope", "nl", tmp_path / "r.xlsx", registry=reg)
    assert not (tmp_path / "r.xlsx").exists()


def test_review_workbook_model_is_in_the_current_locale(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    mentoring_nl_roles(tmp_path)
    rows = translation.review_rows("mentoring", "nl", reg)
    set_locale("nl")  # conftest sets English back
    book = build_review(rows, sector_label="Mentoraat", locale="nl")
    (sheet,) = book.sheets
    assert sheet.name == "Beoordeling"
    role = next(i for i, r in enumerate(rows) if r.context == "role.mentor|label")
    first = sheet.print_setup.title_rows[0] + 1
    assert sheet.cells[(first + role, 4)].value == "begeleider"
    assert sheet.cells[(first + role, 8)].value == "vertaald"
    (validation,) = sheet.validations
    assert validation.kind == "list" and validation.options == ("ok", "herzien", "bespreken")
    assert validation.ranges == f"G{first}:G{first + len(rows) - 1}"

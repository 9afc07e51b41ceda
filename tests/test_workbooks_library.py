"""The workbooks layer from Python, without the CLI: write(), the shared styles, and the one
library function behind each of form / forms / read / scoring-sheet / codebook."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from helpers import fill_with_openpyxl, make_form
from relscale.adapt import adapt
from relscale.errors import RelscaleError
from relscale.excel.identity import SCORING_META_SHEET
from relscale.excel.sheet import Style, Workbook
from relscale.i18n import current_locale, set_locale
from relscale.io.readback import FormErrors, read_forms_to_csv
from relscale.workbooks import styles, write
from relscale.workbooks.codebook import codebook_format, write_codebook
from relscale.workbooks.form import export_form
from relscale.workbooks.form_batch import Declined, NothingToExport, export_forms
from relscale.workbooks.scoring_sheet import write_scoring_sheet


def _book() -> Workbook:
    book = Workbook(styles={"head": styles.HEADER})
    book.add_sheet("S").set(1, 1, "x", style="head")
    return book


# --- write -----------------------------------------------------------------------------


def test_write_renders_refuses_and_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "book.xlsx"
    assert write(_book(), out) == out
    assert openpyxl.load_workbook(out)["S"]["A1"].value == "x"
    with pytest.raises(RelscaleError, match="already exists"):
        write(_book(), out)
    write(_book(), out, overwrite=True)
    with pytest.raises(RelscaleError, match="is also an input"):
        write(_book(), out, overwrite=True, inputs=[out])
    assert sorted(p.name for p in out.parent.iterdir()) == ["book.xlsx"]  # no leftovers


def test_write_leaves_nothing_when_rendering_fails(tmp_path: Path) -> None:
    book = _book()
    book.sheet("S").set(2, 1, "y", style="no such style")
    with pytest.raises(ValueError, match="undefined style"):
        write(book, tmp_path / "bad.xlsx")
    assert list(tmp_path.iterdir()) == []


# --- styles ----------------------------------------------------------------------------


def test_shared_styles_are_the_ones_each_workbook_had() -> None:
    # written out as they stood in each builder before styles.py
    before = {
        "HEADER": Style(bold=True, fill="DDEBF7", border_bottom="thin"),
        "HEADER_WRAPPED": Style(bold=True, fill="DDEBF7", border_bottom="thin", wrap=True,
                                vertical="bottom"),
        "TITLE": Style(bold=True, size=13),
        "NOTE": Style(italic=True, color="7F3F00", wrap=False),
        "NOTE_WRAPPED": Style(italic=True, wrap=True),
        "NOTE_QUIET": Style(italic=True, color="555555"),
        "WRAP": Style(wrap=True, vertical="top"),
    }
    # ... and now each names its font (Arial; 10 pt unless it had a size): LibreOffice
    # otherwise mixes a serif default into the headings
    from dataclasses import replace

    for name, style in before.items():
        assert getattr(styles, name) == replace(style, font="Arial", size=style.size or 10.0)
    two_places = styles.number(styles.DECIMALS_2, fill="E2EFDA")
    assert two_places == Style(number_format="0.00", fill="E2EFDA", font="Arial", size=10.0)


def _header_fill(path: Path, sheet: int, cell: str) -> str:
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    return str(ws[cell].fill.fgColor.rgb)[-6:]


def test_rendered_header_rows_are_still_light_blue(tmp_path: Path) -> None:
    adapted = adapt("relationship_quality", "education", None, "en")
    sheet = write_scoring_sheet(adapted, tmp_path / "s.xlsx", rows=3)
    codebook = write_codebook(adapted, tmp_path / "c.xlsx")
    assert _header_fill(sheet, 0, "A3") == "DDEBF7"  # label row of the data sheet
    assert openpyxl.load_workbook(sheet).worksheets[0]["A3"].alignment.wrap_text
    assert _header_fill(codebook, 0, "A4") == "DDEBF7"
    ws = openpyxl.load_workbook(codebook).worksheets[0]
    assert ws["A1"].font.b and ws["A1"].font.sz == 13 and ws["A2"].font.i


# --- one library function per workbook -------------------------------------------------


def test_write_scoring_sheet_validates_like_the_command(tmp_path: Path) -> None:
    adapted = adapt("relationship_quality", "foster_homes", None, "en")
    with pytest.raises(RelscaleError, match=r"a scoring sheet is an \.xlsx file"):
        write_scoring_sheet(adapted, tmp_path / "s.csv")
    with pytest.raises(ValueError, match="rows"):
        write_scoring_sheet(adapted, tmp_path / "s.xlsx", rows=0)
    out = write_scoring_sheet(adapted, tmp_path / "s.xlsx", rows=7, group={"gender": "female"})
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(out)[SCORING_META_SHEET].values}
    assert meta["last_row"] == str(4 + 7)
    # no table for the group itself: the sheet says which one it uses
    assert (meta["norm_group"], meta["norm_status"]) == ("all", "illustrative")
    with pytest.raises(RelscaleError, match="already exists"):
        write_scoring_sheet(adapted, out)


def test_write_codebook_formats(tmp_path: Path) -> None:
    adapted = adapt("working_alliance", "youth_care", "client", "en")
    out = write_codebook(adapted, tmp_path / "cb.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["variable"] for r in rows[: len(adapted.items)]] == list(adapted.item_ids)
    md = write_codebook(adapted, tmp_path / "cb.txt", "md")  # an explicit format wins
    assert md.read_text(encoding="utf-8").startswith("# Codebook: ")
    with pytest.raises(RelscaleError, match="unknown codebook format 'txt'"):
        write_codebook(adapted, tmp_path / "other.txt")
    with pytest.raises(RelscaleError, match="an xlsx codebook needs a file"):
        codebook_format("xlsx", None)
    assert codebook_format(None, None) == "csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cb.csv", "cb.txt"]


def test_export_form_refuses_other_suffixes(tmp_path: Path) -> None:
    adapted = adapt("relationship_quality", "education", None, "en")
    with pytest.raises(RelscaleError, match=r"the form file name must end in \.xlsx"):
        export_form(adapted, tmp_path / "f.xls")
    assert list(tmp_path.iterdir()) == []


# --- forms in batches ------------------------------------------------------------------


def test_export_forms_returns_written_and_declined_with_the_reason(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    set_locale("en")
    batch = export_forms(tmp_path, sectors=["disability_care"], locales=["en", "nl"],
                         progress=lambda done, total, label: seen.append((done, total, label)))
    assert current_locale() == "en"  # each form's UI locale was restored afterwards
    assert not batch.failed
    written = {(e.instrument, e.perspective, e.locale) for e in batch.written}
    assert ("working_alliance", "professional", "nl") in written
    assert all(e.path is not None and e.path.is_file() for e in batch.written)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        e.path.name for e in batch.written if e.path)
    (declined,) = [d for d in batch.declined if d.instrument == "working_alliance"]
    assert (declined.sector, declined.perspective) == ("disability_care", "client")
    assert declined.reason and "intellectual disability" in declined.reason
    assert str(declined).startswith("disability_care: declines working_alliance (client)")
    assert seen[0] == (0, len(batch.exports), "")
    assert [s[0] for s in seen[1:]] == list(range(1, len(batch.exports) + 1))
    assert seen[-1][2] == batch.exports[-1].label


def test_export_forms_nothing_to_export_names_what_was_declined(tmp_path: Path) -> None:
    with pytest.raises(NothingToExport) as info:
        export_forms(tmp_path / "x", sectors=["disability_care"],
                     instruments=["working_alliance"], perspectives=["client"])
    assert [(d.sector, d.instrument, d.perspective) for d in info.value.declined] == [
        ("disability_care", "working_alliance", "client")]
    assert isinstance(info.value.declined[0], Declined)
    assert not (tmp_path / "x").exists()
    with pytest.raises(RelscaleError, match="unknown perspective 'both'"):
        export_forms(tmp_path, perspectives=["both"])
    with pytest.raises(RelscaleError, match="unknown sector 'nowhere'"):
        export_forms(tmp_path, sectors=["nowhere"])


def test_export_forms_reports_a_failure_and_writes_the_others(tmp_path: Path) -> None:
    first = export_forms(tmp_path, sectors=["education"], instruments=["relationship_quality"])
    (taken,) = first.written
    assert taken.path is not None
    taken.path.write_bytes(b"mine")
    again = export_forms(tmp_path, sectors=["education", "foster_homes"],
                         instruments=["relationship_quality"])
    (failed,) = again.failed
    assert failed.label == "relationship_quality/education/professional/en"
    assert failed.error and "already exists" in failed.error
    assert len(again.written) == 1 and taken.path.read_bytes() == b"mine"


# --- reading filled forms --------------------------------------------------------------


def test_read_forms_to_csv(tmp_path: Path) -> None:
    blank, adapted = make_form(tmp_path)
    filled = tmp_path / "filled.xlsx"
    fill_with_openpyxl(blank, filled, dict.fromkeys(adapted.item_ids, 3),
                       {"respondent_code": "R1"})
    out = tmp_path / "out.csv"
    forms = read_forms_to_csv([filled], out)
    assert forms.key.sector == adapted.sector
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["respondent_code"] == "R1" and row[adapted.item_ids[0]] == "3"
    with pytest.raises(RelscaleError, match="is also an input"):
        read_forms_to_csv([filled], filled, overwrite=True)
    broken = tmp_path / "broken.xlsx"
    fill_with_openpyxl(blank, broken, {adapted.item_ids[0]: 7})
    with pytest.raises(FormErrors) as info:
        read_forms_to_csv([broken], tmp_path / "never.csv")
    assert "out of range" in info.value.problems[0]
    assert not (tmp_path / "never.csv").exists()

"""Fillable forms: layout, protection, validation, print setup, metadata, commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fixtures_content import instrument_dict, mini_sector_dict
from helpers import answer_cells, make_form, offered
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.excel.identity import FORM_META_SHEET as META_SHEET
from relscale.excel.identity import layout_checksum
from relscale.i18n import available_locales, set_locale
from relscale.model.models import AdaptedInstrument
from relscale.plugins import get_registry
from relscale.workbooks.form import (
    BLANK,
    build_form,
    render_item_text,
    wrapped_lines,
)

runner = CliRunner()

FORM_LOCALES = [loc for loc in ("en", "nl") if loc in available_locales()]


# --- text measurement ------------------------------------------------------------------


def test_wrapped_lines_hand_worked() -> None:
    # capacity 7 characters: "aaa bbb" | "ccc"
    assert wrapped_lines("aaa bbb ccc", 7, chars_per_width=1) == 2
    assert wrapped_lines("aaa bbb", 7, chars_per_width=1) == 1
    # a 15-character word in 7-character lines takes 3 lines, then "x" fits on the last
    assert wrapped_lines("a" * 15 + " x", 7, chars_per_width=1) == 3
    assert wrapped_lines("one\ntwo", 70, chars_per_width=1) == 2
    assert wrapped_lines("", 10) == 1
    # no-break spaces hold a value and its label together
    assert wrapped_lines("1\u00a0=\u00a0no  2\u00a0=\u00a0yes", 8, chars_per_width=1) == 2


def test_subject_placeholder() -> None:
    assert render_item_text("I like {subject}.") == f"I like {BLANK}."
    assert render_item_text("I like {subject}.", " Sam ") == "I like Sam."


# --- every offered combination ---------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[Path, Any]]]:
    out = tmp_path_factory.mktemp("matrix")
    made = []
    for instrument, sector, perspective in offered():
        for locale in FORM_LOCALES:
            made.append(make_form(out, instrument, sector, perspective, locale))
    yield made
    set_locale("en")


def test_the_matrix_is_complete(matrix: list[tuple[Path, AdaptedInstrument]]) -> None:
    combos = offered()
    assert len(combos) >= 15  # 4 sectors x 4 instrument perspectives, one declined
    assert ("working_alliance", "disability_care", "client") not in combos
    assert len(matrix) == len(combos) * len(FORM_LOCALES)
    assert len({p.name for p, _a in matrix}) == len(matrix)


def test_every_form_is_protected_validated_and_printable(
    matrix: list[tuple[Path, AdaptedInstrument]],
) -> None:
    import openpyxl

    for path, adapted in matrix:
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        cells = answer_cells(path)
        assert list(cells) == list(adapted.item_ids), path.name
        # only the answer cells and the three header fields are editable
        unlocked = {
            c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False
        }
        meta = {
            str(r[0].value): str(r[1].value)
            for r in wb[META_SHEET].iter_rows(max_col=2)
            if r[0].value is not None
        }
        fields = {meta[f"field.{n}"] for n in ("respondent_code", "subject_code", "date")}
        assert unlocked == set(cells.values()) | fields, path.name
        assert ws.protection.sheet and not ws.protection.password
        # one whole-number rule over exactly the answer cells
        (dv,) = ws.data_validations.dataValidation
        rows = sorted(int(c[1:]) for c in cells.values())
        assert str(dv.sqref) == f"C{rows[0]}:C{rows[-1]}"
        assert rows == list(range(rows[0], rows[-1] + 1))
        # exactly the scale's codes: the points, and a sector's 'does not apply' code (a
        # list, so 6, 7 and 8 are refused while typing); the messages name every answer
        na = adapted.scale.not_applicable
        if na is None:
            assert (dv.type, dv.formula1, dv.formula2) == (
                "whole", str(adapted.scale.min), str(adapted.scale.max))
        else:
            assert (dv.type, dv.formula1) == (
                "list", '"' + ",".join(map(str, adapted.scale.accepted)) + '"')
        assert dv.showErrorMessage and dv.error and dv.prompt
        for point in (*adapted.scale.points, *((na,) if na else ())):
            assert f"{point.value} = {point.label}" in dv.error, (path.name, dv.error)
            assert f"{point.value} = {point.label}" in dv.prompt, (path.name, dv.prompt)
        assert len(dv.error) <= 255
        assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32
        # content: texts, notice, instructions, anchors, no raw placeholder
        texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        blob = "\n".join(texts)
        for item in adapted.items:
            assert render_item_text(item.text) in texts
        assert "{subject}" not in blob
        assert adapted.notice in blob and adapted.instructions in blob
        assert all(p.label.replace(" ", "\u00a0") in blob for p in adapted.scale.points)
        # printing: A4 portrait, one page wide, title rows repeated, page numbers
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        first, last = (int(x.strip("$")) for x in ws.print_title_rows.split(":"))
        assert first < last < rows[0]
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        # every item row is tall enough for its wrapped text
        for r in rows:
            assert ws.row_dimensions[r].height >= 26
        # metadata: very hidden, protected, checksum verifies
        assert wb[META_SHEET].sheet_state == "veryHidden" and wb[META_SHEET].protection.sheet
        assert meta["instrument"] == adapted.instrument and meta["locale"] == adapted.locale
        assert meta["item_ids"] == ",".join(adapted.item_ids)
        assert wb.security.lockStructure


def test_dutch_forms_are_dutch(matrix: list[tuple[Path, AdaptedInstrument]]) -> None:
    if "nl" not in FORM_LOCALES:
        pytest.skip("no Dutch core catalog yet")
    import openpyxl

    for path, adapted in matrix:
        if adapted.locale != "nl":
            continue
        ws = openpyxl.load_workbook(path).worksheets[0]
        blob = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        assert adapted.items[0].text.replace("{subject}", BLANK) in blob
        english = adapt(adapted.instrument, adapted.sector, adapted.perspective, "en")
        assert english.items[0].text.replace("{subject}", BLANK) not in blob


def test_checksum_covers_layout_and_metadata(tmp_path: Path) -> None:
    set_locale("en")
    adapted = adapt("relationship_quality", "education", None, "en")
    from relscale.workbooks.form import form_metadata

    _book, layout = build_form(adapted)
    pairs, table = form_metadata(adapted, layout)
    base = layout_checksum(pairs, table)
    assert len(base) == 64
    swapped = [table[1], table[0], *table[2:]]
    assert layout_checksum(pairs, swapped) != base
    moved = [(*table[0][:4], "C99"), *table[1:]]
    assert layout_checksum(pairs, moved) != base
    edited = [(k, "youth_care" if k == "sector" else v) for k, v in pairs]
    assert layout_checksum(edited, table) != base
    assert layout_checksum([*pairs, ("checksum", "x")], table) == base


def test_subject_name_and_password(tmp_path: Path) -> None:
    import openpyxl

    path, adapted = make_form(tmp_path, "working_alliance", "youth_care", "professional",
                              subject_name="Sam", password="s3cret")
    ws = openpyxl.load_workbook(path).worksheets[0]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    with_subject = [i for i in adapted.items if "{subject}" in i.text]
    assert with_subject
    for item in with_subject:
        assert item.text.replace("{subject}", "Sam") in texts
    assert not any(BLANK in t for t in texts)
    assert ws.protection.password  # openpyxl stores the hash


def test_inline_instrument_with_seven_points(
    tmp_path: Path, register_plugin: Callable[[Any, str], None]
) -> None:
    """A plugin's own instrument: scale bounds and added items reach the form."""
    import openpyxl

    seven = instrument_dict(
        scale={"id": "seven", "points": [{"value": v, "label": f"p{v}"} for v in range(0, 7)]}
    )

    class Inline:
        @staticmethod
        def register_instruments(register: Callable[[Any], None]) -> None:
            register(seven)

        @staticmethod
        def register_sectors(register: Callable[[Any], None]) -> None:
            register(mini_sector_dict())

    from relscale.model.hookspecs import hookimpl

    Inline.register_instruments = hookimpl(Inline.register_instruments)  # type: ignore[method-assign]
    Inline.register_sectors = hookimpl(Inline.register_sectors)  # type: ignore[method-assign]
    register_plugin(Inline, "inline_forms")
    path, adapted = make_form(tmp_path, "mini", "test_sector")
    assert adapted.item_ids == ("m1", "m2", "m3", "x1")
    ws = openpyxl.load_workbook(path).worksheets[0]
    (dv,) = ws.data_validations.dataValidation
    assert (dv.formula1, dv.formula2) == ("0", "6")
    assert "I enjoy time with ______." in [c.value for c in ws["B"]]


# --- commands --------------------------------------------------------------------------


def test_form_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    result = runner.invoke(app, ["form", "working_alliance", "--sector", "youth_care",
                                 "-p", "professional", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "items written" in result.output
    before = out.read_bytes()
    again = runner.invoke(app, ["form", "working_alliance", "--sector", "youth_care",
                                "-p", "professional", "-o", str(out), "--subject-name", "Sam"])
    assert again.exit_code != 0
    assert "already exists" in again.output and "Traceback" not in again.output
    assert out.read_bytes() == before
    forced = runner.invoke(app, ["form", "working_alliance", "--sector", "youth_care",
                                 "-p", "professional", "-o", str(out), "--force",
                                 "--subject-name", "Sam"])
    assert forced.exit_code == 0 and out.read_bytes() != before
    assert [p.name for p in tmp_path.iterdir()] == ["f.xlsx"]  # no temporary left


def test_declined_perspective_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    result = runner.invoke(app, ["form", "working_alliance", "--sector", "disability_care",
                                 "--perspective", "client", "-o", str(out)])
    assert result.exit_code != 0
    reason = get_registry().sector("disability_care").offering(
        "working_alliance", "client").declined
    assert reason and reason in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_unknown_sector_and_bad_suffix(tmp_path: Path) -> None:
    r1 = runner.invoke(app, ["form", "relationship_quality", "--sector", "nowhere",
                             "-o", str(tmp_path / "f.xlsx")])
    assert r1.exit_code != 0 and "unknown sector 'nowhere'" in r1.output
    r2 = runner.invoke(app, ["form", "relationship_quality", "--sector", "education",
                             "-o", str(tmp_path / "f.csv")])
    assert r2.exit_code != 0 and ".xlsx" in r2.output
    assert list(tmp_path.iterdir()) == []


def test_forms_batch_skips_declined_and_reports_failures(tmp_path: Path) -> None:
    out = tmp_path / "forms"
    result = runner.invoke(app, ["forms", "--out-dir", str(out), "--all",
                                 *[a for loc in FORM_LOCALES for a in ("--locale", loc)]])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(offered()) * len(FORM_LOCALES)
    assert "relationship_quality_education_professional_en.xlsx" in names
    assert "declines working_alliance (client), skipped" in result.output
    # an existing file without --force: that form fails, the others are written
    (out / "relationship_quality_education_professional_en.xlsx").write_bytes(b"mine")
    other = out / "working_alliance_education_client_en.xlsx"
    other.unlink()
    again = runner.invoke(app, ["forms", "--out-dir", str(out), "--sector", "education",
                                "--locale", "en"])
    assert again.exit_code != 0
    assert "relationship_quality/education/professional/en" in again.output
    assert "failed" in again.output
    assert other.exists()
    assert (out / "relationship_quality_education_professional_en.xlsx").read_bytes() == b"mine"


def test_forms_batch_selection(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forms", "--out-dir", str(tmp_path), "--sector",
                                 "disability_care", "--instrument", "working_alliance"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [
        "working_alliance_disability_care_professional_en.xlsx"]
    nothing = runner.invoke(app, ["forms", "--out-dir", str(tmp_path / "x"), "--sector",
                                  "disability_care", "--instrument", "working_alliance",
                                  "--perspective", "client"])
    assert nothing.exit_code != 0 and "nothing to export" in nothing.output
    assert runner.invoke(app, ["forms", "--out-dir", str(tmp_path)]).exit_code != 0


@pytest.mark.parametrize("layout", ["compact", "boxes"])
def test_footer_holds_no_codes_a_reader_takes_for_words(tmp_path: Path, layout: str) -> None:
    """A Dutch client form's footer said ``· client · nl`` (or ``professional``): the codes
    are on the metadata sheet; the footer names the form and says it is not validated."""
    path, adapted = make_form(tmp_path, "working_alliance", "youth_care", "client", "nl",
                              layout=layout)
    import openpyxl

    footer = openpyxl.load_workbook(path).worksheets[0].oddFooter.left.text
    assert f"{adapted.instrument} {adapted.version}" in footer
    assert "nog niet gevalideerd" in footer
    for code in ("client", "professional", " nl"):
        assert code not in footer, footer

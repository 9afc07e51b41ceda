"""The workbook writer (relscale.excel.xlsx) writes forms as their sheet model says.

Every form of ``relscale forms --all`` (en and nl) and the other layouts is written and read
back with openpyxl, and compared with its sheet model cell by cell (values, types, fonts,
fills, borders, alignment, number formats, protection) and feature by feature (merged
cells, column widths, row heights, data validation, protection, print setup, defined
names, properties, visibility), and ``relscale read`` recognises it (the metadata checksum).
A book with every awkward text and feature is checked the same way.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from workbook_fingerprint import assert_round_trip

from relscale.adapt import adapt
from relscale.errors import DataError
from relscale.excel.identity import recognise
from relscale.excel.sheet import (
    DefinedName,
    PrintSetup,
    SheetProtection,
    Style,
    Validation,
    Workbook,
)
from relscale.excel.xlsx import write_xlsx
from relscale.excel.xlsx_sheet import password_hash
from relscale.i18n import set_locale
from relscale.plugins import get_registry
from relscale.workbooks.form import build_form


def _same(book: Workbook, tmp: Path) -> None:
    """Written and read back, the book is its model; a form is recognised as one."""
    path = tmp / "book.xlsx"
    write_xlsx(book, path)
    assert_round_trip(book, path)
    wb = openpyxl.load_workbook(path)
    identity = recognise(wb)
    if identity is not None:
        assert identity.checksum_matches


def _all_forms() -> list[tuple[str, str, str, str]]:
    reg = get_registry()
    return [(i.id, s.id, p, loc) for s, i, p in reg.offerings() for loc in ("en", "nl")]


def test_every_form_of_forms_all_is_the_same(tmp_path: Path) -> None:
    forms = _all_forms()
    assert len(forms) == 30
    try:
        for instrument, sector, perspective, loc in forms:
            set_locale(loc)
            book, _ = build_form(adapt(instrument, sector, perspective, loc))  # type: ignore[arg-type]
            _same(book, tmp_path)
    finally:
        set_locale("en")


@pytest.mark.parametrize("layout", ["compact", "boxes", "dropdown"])
def test_other_layouts_and_options_are_the_same(tmp_path: Path, layout: str) -> None:
    adapted = adapt("relationship_quality", "foster_homes", "professional", "en")
    book, _ = build_form(adapted, layout=layout, subject_name='A & <B> "C"',
                         password="s3cret", pictures=layout == "boxes")
    _same(book, tmp_path)


def _awkward_book(carriage_return: bool = False) -> Workbook:
    book = Workbook(title='T & <x> "q"', creator="c & d", protect_structure=True,
                    structure_password="pw")
    book.styles.update({
        "b": Style(font="Arial", size=10.5, bold=True, italic=True, color="112233",
                   fill="FFEEDD", horizontal="center", vertical="top", wrap=True, shrink=True,
                   indent=2, border="thin", border_color="445566", number_format="0.00"),
        "bottom": Style(border_bottom="dashed", number_format="#,##0.000"),
    })
    s = book.add_sheet("A & 'b' <c>", tab_color="00FF00", show_grid_lines=False)
    texts = ["=1+1", "<b>&amp;</b>", 'say "hi"', "  spaces  ", "line\nbreak\ttab", "#N/A",
             "é ✓ 𝄞", "@text", "+1", "-x"]
    if carriage_return:  # kept as a character reference
        texts.append("a\rb")
    for r, text in enumerate(texts, start=1):
        s.set(r, 1, text, style="b", locked=False)
    s.set(1, 2, 3.25)
    s.set(2, 2, -7)
    s.set(3, 2, True)
    s.set(4, 2, dt.date(2026, 1, 31))
    s.set(5, 2, dt.datetime(2026, 1, 31, 12, 30))
    s.set(6, 2, formula="=SUM(B1:B2)")
    s.merge(1, 3, 3, 5, style="b")
    s.set(1, 3, "merged", style="b")
    s.merge(5, 3, 6, 4, style="bottom")
    s.column_widths.update({1: 30, 2: 9.6})
    s.hidden_columns.add(6)
    s.row_heights.update({2: 40.5, 20: 12})
    s.validations.append(Validation.whole("B1:B9", 1, 9, prompt="p & <q>",
                                          prompt_title="t", error='e "x"'))
    s.validations.append(Validation.list("C10:C12 E10 E12:E13", ["a<b", "c&d"],
                                         error_title="E"))  # several ranges
    s.protection = SheetProtection(password="x", select_locked_cells=False, format_rows=True)
    s.print_setup = PrintSetup(paper="letter", orientation="landscape", title_rows=(1, 2),
                               title_columns=(1, 1), print_area="A1:F20", row_breaks=(5, 9),
                               header_center="{page} of {pages} & <x>", footer_left="{sheet}")
    other = book.add_sheet("hidden", visibility="hidden")
    other.set(1, 1, "x")
    other.print_setup = PrintSetup(fit_width=None, scale=80)
    book.defined_names.append(DefinedName("relscale_x", "'A & ''b'' <c>'!$A$1:$A$3"))
    return book


def test_awkward_text_and_every_feature_are_the_same(tmp_path: Path) -> None:
    _same(_awkward_book(), tmp_path)


def test_text_is_never_a_formula_and_the_xml_is_escaped(tmp_path: Path) -> None:
    book = _awkward_book(carriage_return=True)
    write_xlsx(book, tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert "<f>1+1</f>" not in sheet and "<f>SUM(B1:B2)</f>" in sheet
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in sheet
    assert "name=\"A &amp; 'b' &lt;c&gt;\"" in workbook
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["A & 'b' <c>"]
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s"
    assert ws["A5"].value == "line\nbreak\ttab" and ws["A11"].value == "a\rb"
    assert ws["B6"].value == "=SUM(B1:B2)"


@pytest.mark.parametrize("where", ["cell", "prompt", "footer", "sheet"])
def test_control_characters_are_refused(tmp_path: Path, where: str) -> None:
    book = Workbook()
    s = book.add_sheet("S\x01" if where == "sheet" else "S")
    s.set(1, 1, "a\x02b" if where == "cell" else "ok")
    if where == "prompt":
        s.validations.append(Validation.whole("A1", 1, 2, prompt="bad\x0b"))
    if where == "footer":
        s.print_setup = PrintSetup(footer_left="x\x1f")
    with pytest.raises(DataError, match="control character"):
        write_xlsx(book, tmp_path / "x.xlsx")


def test_password_hash_is_excels() -> None:
    from openpyxl.utils.protection import hash_password

    for pw in ("", "a", "s3cret", "päss wörd", "x" * 20):
        assert password_hash(pw) == hash_password(pw)

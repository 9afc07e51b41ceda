"""Respondent forms (children, young people, clients): answers in words on every row.

Rendered by LibreOffice to PDF and read as the respondent would: no legend to look up,
every statement followed by its answers in words, nothing for the administrator on the
respondent's pages, 14 pt statements; marks and drop-down words read back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from helpers import make_form
from relscale.errors import DataError
from relscale.excel.identity import FORM_META_SHEET
from relscale.io.readback import read_forms
from relscale.workbooks.form import BLANK, render_item_text
from relscale.workbooks.form_parts import answer_options

KINDS = [
    ("relationship_quality", "foster_homes", "professional", "compact"),
    ("relationship_quality_client", "education", "client", "boxes"),
    ("relationship_quality_client", "disability_care", "client", "boxes"),
    ("relationship_quality_client", "disability_care", "client", "dropdown"),
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _items_table(path: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in wb[FORM_META_SHEET].iter_rows(max_col=5)]
    start = next(k for k, r in enumerate(rows) if r[0] == "item") + 1
    return [(str(r[0]), str(r[4])) for r in rows[start:] if r[0]]


def _pdf_pages(tmp_path: Path, forms: list[Path]) -> dict[str, list[str]]:
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or pdftotext is not installed")
    out = tmp_path / "pdf"
    subprocess.run(
        ["soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, forms)],
        check=True, capture_output=True, timeout=240,
    )
    pages = {}
    for form in forms:
        text = subprocess.run(["pdftotext", "-layout", str(out / (form.stem + ".pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages[form.name] = [p for p in text.split("\f") if p.strip()]
    return pages


@pytest.mark.libreoffice
@pytest.mark.parametrize("locale", ["en", "nl"])
def test_respondent_pages_as_printed(tmp_path: Path, locale: str) -> None:
    made = []
    for n, (instrument, sector, perspective, layout) in enumerate(KINDS):
        folder = tmp_path / f"{n}"
        folder.mkdir()
        # the administrator's page only when asked for (--with-admin-sheet)
        path, adapted = make_form(folder, instrument, sector, perspective, locale,
                                  layout=layout, admin_sheet=n % 2 == 0)
        made.append((path.rename(tmp_path / f"{n}_{path.name}"), adapted, layout))
    pages = _pdf_pages(tmp_path, [p for p, _a, _l in made])
    for n, (path, adapted, layout) in enumerate(made):
        printed = pages[path.name]
        if layout == "compact":
            assert len(printed) <= 2, path.name
            continue
        admin = [k for k, p in enumerate(printed) if adapted.notice[:30] in _norm(p)]
        if n % 2 == 0:
            assert admin == [len(printed) - 1], (path.name, admin)  # the last page, only
            printed = printed[:-1]
        else:
            assert admin == [], (path.name, admin)
        respondent = [_norm(p) for p in printed]
        assert len(respondent) <= 3, path.name
        labels = [_norm(p.label) for p in answer_options(adapted)]
        for page in respondent:
            assert adapted.instrument + " " + adapted.version in page  # quiet footer
            if adapted.administration:
                assert _norm(adapted.administration)[:40] not in page
            assert "1 = " not in page  # no legend to look up
        for item in adapted.items:
            wanted = _norm(render_item_text(item.text))
            where = [k for k, page in enumerate(respondent) if wanted in page]
            assert len(where) == 1, (path.name, item.id)
            if layout == "boxes":
                # the answers in words follow the statement, on the same page
                page = respondent[where[0]]
                after = page[page.index(wanted) + len(wanted):]
                for label in labels:
                    assert label.split()[0] in after[: 60 * len(labels)], (item.id, label)
        assert BLANK in " ".join(respondent) or not any("{subject}" in i.text
                                                      for i in adapted.items)


@pytest.mark.parametrize("layout", ["boxes", "dropdown"])
def test_fonts_and_words_on_every_row(tmp_path: Path, layout: str) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", "disability_care",
                              "client", "nl", layout=layout, subject_name="Sanne",
                              admin_sheet=True)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert wb.sheetnames[1] == "Voor de afnemer"
    texts = [str(c.value) for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    joined = " ".join(texts)
    assert adapted.notice not in joined and "cliënt)" not in str(ws["A1"].value)
    assert ws["A1"].value == "Hoe gaat het tussen jou en Sanne?"
    assert "Sanne" in joined and BLANK not in joined
    labels = [p.label for p in answer_options(adapted)]
    for item_id, cells in _items_table(path):
        first = ws[cells.split()[0]]
        statement = ws.cell(row=first.row - (1 if layout == "boxes" else 0),
                            column=2)
        assert statement.font.size == 14 and statement.font.name == "Arial", item_id
        if layout == "boxes":
            assert len(cells.split()) == len(labels)
            words = [ws.cell(row=first.row, column=c.column + 1).value
                     for c in (ws[a] for a in cells.split())]
            assert words == labels
            size = ws.cell(row=first.row, column=first.column + 1).font.size
            # 13 pt; five or more answers with long words get smaller, never below 11
            assert size == 13 or (len(labels) >= 5 and size >= 11), size
    if layout == "dropdown":
        (dv,) = ws.data_validations.dataValidation
        assert dv.type == "list" and labels[0] in dv.formula1
    subject_field = ws[dict(_meta(path))["field.subject_code"]]
    assert subject_field.value == "Sanne"


def _meta(path: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    return [(str(r[0].value), str(r[1].value)) for r in wb[FORM_META_SHEET].iter_rows(max_col=2)
            if r[0].value]


def test_boxes_read_back_one_mark_per_row(tmp_path: Path) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", "education", "client",
                              "en", layout="boxes")
    table = _items_table(path)
    values = [p.value for p in answer_options(adapted)]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    expected = {}
    for k, (item_id, cells) in enumerate(table):
        boxes = cells.split()
        if k == 1:
            expected[item_id] = None  # no mark: a missing answer
            continue
        choice = k % len(boxes)
        ws[boxes[choice]] = "x" if k % 2 else "X"
        expected[item_id] = values[choice]
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    (row,) = read_forms([filled]).rows
    assert {i: row[i] for i in adapted.item_ids} == expected
    with pytest.raises(DataError) as strict:  # --strict: a row without a mark is an error
        read_forms([filled], strict=True)
    assert f"item {table[1][0]}): no box is marked" in str(strict.value)

    ws[table[2][1].split()[0]] = "x"
    ws[table[2][1].split()[-1]] = "x"
    wb.save(filled)
    with pytest.raises(DataError) as info:
        read_forms([filled])
    message = str(info.value)
    assert f"item {table[2][0]}" in message and "boxes are marked" in message


def test_dropdown_reads_words_and_refuses_others(tmp_path: Path) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", "foster_homes",
                              "client", "nl", layout="dropdown")
    table = _items_table(path)
    options = answer_options(adapted)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws[table[0][1]] = options[-1].label
    ws[table[1][1]] = f"  {options[0].label.upper()} "
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    (row,) = read_forms([filled]).rows
    assert row[table[0][0]] == options[-1].value and row[table[1][0]] == options[0].value
    ws[table[2][1]] = "misschien"
    wb.save(filled)
    with pytest.raises(DataError, match=r"'misschien' is (not one of the answers|geen)"):
        read_forms([filled])


def test_pictures_are_circles_from_one_to_all(tmp_path: Path) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", "education", "client",
                              "nl", layout="boxes", pictures=True)
    ws = openpyxl.load_workbook(path).worksheets[0]
    _item, cells = _items_table(path)[0]
    words = [str(ws.cell(row=ws[a].row, column=ws[a].column + 1).value) for a in cells.split()]
    points = len(adapted.scale.points)
    for k, text in enumerate(words[:points]):
        circles, label = text.split("\n", 1)  # the words may be broken once, alike
        assert circles == "\u25cf" * (k + 1) + "\u25cb" * (points - k - 1)
        assert label.replace("\n", " ") == adapted.scale.points[k].label


@pytest.mark.parametrize(
    ("sector", "locale", "label"),
    [
        ("education", "nl", "Naam van je juf of meester"),  # the role's spoken_label, in Dutch
        ("education", "en", "Name of your teacher"),
        ("youth_care", "nl", "Naam van je begeleider"),  # not "jeugdhulpverlener"
        ("foster_homes", "nl", "Naam van je gezinshuisouder"),
        ("foster_homes", "en", "Name of your house parent"),  # not "gezinshuis parent"
    ],
)
def test_the_subject_field_names_the_role_in_the_respondents_words(
    tmp_path: Path, sector: str, locale: str, label: str
) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", sector, locale=locale,
                              layout="boxes")
    texts = {_norm(str(c.value)) for row in openpyxl.load_workbook(path).worksheets[0]
             .iter_rows(max_row=8) for c in row if c.value}
    assert label in texts
    if sector == "education" and locale == "nl":
        assert adapted.subject == "leerkracht" and adapted.subject_spoken == "juf of meester"


def test_page_breaks_keep_two_statements_and_the_thanks_together() -> None:
    """Hand-worked: pages of 300 (first) and 720 points, statements of 100."""
    from relscale.workbooks.form_measure import page_breaks

    # filled in order, 3 + 7 + 6 would leave the thanks with 6: fine
    assert page_breaks([100] * 16, first_page=300, page=720, closing=30) == [3, 10]
    # 3 + 7 + 1: the last statement would stand alone; 3 + 6 + 2 instead
    assert page_breaks([100] * 11, first_page=300, page=720, closing=30) == [3, 9]
    # 3 + 7 and the thanks alone: the thanks go with the last two statements
    assert page_breaks([100] * 10, first_page=300, page=720, closing=60) == [3, 8]
    # no split keeps two on every page (a first page with room for one, a statement taller
    # than a page): filled in order, nothing better exists
    assert page_breaks([100] * 4, first_page=150, page=720, closing=30) == [1]
    assert page_breaks([800, 100], first_page=300, page=720, closing=30) == [1]

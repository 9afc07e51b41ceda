"""The materials a read-aloud client form needs (issue 23): practice statements before the
items with the administrator's script, and printable answer cards.

The cards are checked as a printer would see them: poppler (pdfinfo, pdftotext, pdftoppm)
reads the PDF relscale writes itself, independently of relscale's own measurements."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from helpers import make_form, runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.excel.identity import FORM_META_SHEET
from relscale.i18n import set_locale
from relscale.io.readback import read_forms
from relscale.plugin_kit.contract_respondents import check_practice
from relscale.plugins import get_registry
from relscale.workbooks.answer_cards import build_answer_cards, write_answer_cards
from relscale.workbooks.form_parts import answer_options

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdftoppm")),
    reason="poppler-utils (pdfinfo, pdftotext, pdftoppm) is not installed")


def _sheet_texts(path: Path, index: int) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[index]
    return [str(c.value) for r in ws.iter_rows() for c in r if isinstance(c.value, str)]


def _items_table(path: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in wb[FORM_META_SHEET].iter_rows(max_col=5)]
    start = next(k for k, r in enumerate(rows) if r[0] == "item") + 1
    return [(str(r[0]), str(r[4])) for r in rows[start:] if r[0]]


# --- practice statements -------------------------------------------------------------------


def test_disability_client_form_always_starts_with_practice(tmp_path: Path) -> None:
    # (the administrator's page only when asked for: --with-admin-sheet)
    path, adapted = make_form(tmp_path, "relationship_quality_client", "disability_care",
                              "client", "nl", layout="boxes", admin_sheet=True)
    texts = _sheet_texts(path, 0)
    assert adapted.practice is not None and adapted.practice.always
    (a, _ya), (b, _yb) = adapted.practice.statements
    order = [texts.index(t) for t in ("Eerst oefenen we.", a, b, "Nu beginnen de echte zinnen.")]
    first_item = next(k for k, t in enumerate(texts) if t.startswith(adapted.items[0].text[:12]))
    assert order == sorted(order) and order[-1] < first_item
    assert texts[texts.index(a) - 1] == "A." and texts[texts.index(b) - 1] == "B."
    # the administrator's page: what to read aloud and how, and the right answers
    admin = "\n".join(_sheet_texts(path, 1))
    assert "Voorlezen: oefenen" in admin and "Leg de antwoordkaarten op tafel" in admin
    assert f"A. {a} (goed antwoord: Ja)" in admin and f"B. {b} (goed antwoord: Nee)" in admin
    # one statement is answered "no": a yes-sayer shows
    assert {answer for _t, answer in adapted.practice.statements} == {1, 3}


def test_practice_rows_are_not_read_back(tmp_path: Path) -> None:
    path, adapted = make_form(tmp_path, "relationship_quality_client", "disability_care",
                              "client", "en", layout="boxes")
    table = _items_table(path)
    assert [i for i, _c in table] == list(adapted.item_ids)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    practice_rows = [c.row + 1 for c in ws["B"] if c.value in {t for t, _a in
                                                               adapted.practice.statements}]
    assert len(practice_rows) == 2
    for row in practice_rows:  # the administrator marks both answers of both practice rows
        ws.cell(row=row, column=2).value = "x"
        ws.cell(row=row, column=4).value = "x"
    values = [p.value for p in answer_options(adapted)]
    expected = {}
    for k, (item_id, cells) in enumerate(table):
        ws[cells.split()[k % 3]] = "x"
        expected[item_id] = values[k % 3]
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    (row,) = read_forms([filled]).rows
    assert {i: row[i] for i in adapted.item_ids} == expected


def test_children_get_practice_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    plain, adapted = make_form(tmp_path / "a", "relationship_quality_client", "education",
                               "client", "en", layout="boxes")
    assert adapted.practice is not None and not adapted.practice.always
    assert "First we practise." not in _sheet_texts(plain, 0)
    (tmp_path / "b").mkdir()
    asked, _ = make_form(tmp_path / "b", "relationship_quality_client", "education", "client",
                         "en", layout="dropdown", practice=True, admin_sheet=True)
    texts = _sheet_texts(asked, 0)
    assert "Ice cream is cold." in texts and "Dogs can fly." in texts
    assert "Practice sentences" in _sheet_texts(asked, 1)
    # the drop-down covers the practice answers too
    (dv,) = openpyxl.load_workbook(asked).worksheets[0].data_validations.dataValidation
    assert len(str(dv.sqref).split()) == 3


def test_practice_asked_for_where_there_is_none(tmp_path: Path) -> None:
    result = runner().invoke(app, ["form", "working_alliance", "-s", "education", "-p",
                                   "client", "--practice", "-o", str(tmp_path / "f.xlsx")])
    assert result.exit_code != 0 and "has no practice statements" in result.output
    assert not (tmp_path / "f.xlsx").exists()


def test_contract_checks_the_practice_answers() -> None:
    reg = get_registry()
    sector = reg.sector("disability_care")
    offering = sector.offering("relationship_quality_client", "client")
    assert offering is not None and offering.practice is not None and not check_practice(
        sector, reg)

    def with_answers(*answers: int):  # type: ignore[no-untyped-def]
        statements = tuple(s.model_copy(update={"answer": a})
                           for s, a in zip(offering.practice.statements, answers, strict=False))
        practice = offering.practice.model_copy(update={"statements": statements})
        changed = offering.model_copy(update={"practice": practice})
        return sector.model_copy(update={"offerings": tuple(
            changed if o is offering else o for o in sector.offerings)})

    assert "not on the scale (1 to 3)" in str(check_practice(with_answers(3, 4), reg)[0])
    assert "lowest point (1)" in str(check_practice(with_answers(3, 2), reg)[0])
    assert "at least two" in str(check_practice(with_answers(1), reg)[0])


# --- answer cards --------------------------------------------------------------------------


def _pdf(tmp_path: Path, *adapted: object) -> Path:
    path = tmp_path / "cards.pdf"
    write_answer_cards(list(adapted), path, overwrite=True)  # type: ignore[arg-type]
    return path


def _pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+(.*)", info).group(1)  # type: ignore[union-attr]
    return pages, size


@needs_poppler
def test_one_a4_page_per_scale(tmp_path: Path) -> None:
    disability = adapt("relationship_quality_client", "disability_care", "client", "nl")
    education = adapt("relationship_quality_client", "education", "client", "nl")
    foster = adapt("relationship_quality_client", "foster_homes", "client", "nl")
    assert _pages(_pdf(tmp_path, disability)) == (1, "841.89 x 595.28 pts (A4)")
    # education and foster homes share the children's scale: one page for both
    assert _pages(_pdf(tmp_path, disability, education, foster))[0] == 2
    set_locale("nl")  # the card's own words follow the UI locale, as on a form
    try:
        path = _pdf(tmp_path, disability)
    finally:
        set_locale("en")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    for word in ("Wijs je antwoord aan.", "Nee", "Een beetje", "Ja", "antwoordkaarten"):
        assert word in text


@needs_poppler
def test_words_are_centred_under_their_card(tmp_path: Path) -> None:
    adapted = adapt("relationship_quality_client", "youth_care", "client", "en")
    path = _pdf(tmp_path, adapted)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    boxes = [(float(a), float(b), w) for a, b, w in
             re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<',
                        html)]
    column = (841.89 - 2 * 36) / len(adapted.scale.points)
    for k, point in enumerate(adapted.scale.points):
        words = point.label.split()
        found = [(x0, x1) for x0, x1, w in boxes if w in words]
        left = min(x0 for x0, _ in found if 36 + k * column <= x0 < 36 + (k + 1) * column)
        right = max(x1 for _, x1 in found if 36 + k * column < x1 <= 36 + (k + 1) * column)
        centre = 36 + (k + 0.5) * column
        assert abs((left + right) / 2 - centre) < 0.15 * column, (point.label, left, right)


@needs_poppler
def test_bars_fill_from_empty_to_full(tmp_path: Path) -> None:
    adapted = adapt("relationship_quality_client", "disability_care", "client", "en")
    path = _pdf(tmp_path, adapted)
    subprocess.run(["pdftoppm", "-r", "36", "-gray", str(path), str(tmp_path / "page")],
                   check=True)
    (pgm,) = tmp_path.glob("page*.pgm")
    data = pgm.read_bytes()
    _magic, width, height, _max, pixels = data.split(maxsplit=4)
    image = np.frombuffer(pixels, dtype=np.uint8).reshape(int(height), int(width))
    scale = int(width) / 841.89
    # inside each bar (between its outline and the inset), bottom 150 + 12 .. top 440 - 12 pt
    top, bottom = int((595.28 - 428) * scale), int((595.28 - 162) * scale)
    column = (841.89 - 72) / 3
    shares = []
    for k in range(3):
        centre = int((36 + (k + 0.5) * column) * scale)
        strip = image[top:bottom, centre - 3:centre + 3]
        shares.append(float((strip < 128).mean()))
    assert shares[0] < 0.05 and abs(shares[1] - 0.5) < 0.08 and shares[2] > 0.95, shares


def test_cards_are_the_same_bytes_every_time() -> None:
    adapted = adapt("relationship_quality_client", "disability_care", "client", "nl")
    one = build_answer_cards([adapted]).to_bytes()
    assert one == build_answer_cards([adapted]).to_bytes()
    assert one.startswith(b"%PDF-1.4") and one.rstrip().endswith(b"%%EOF")
    assert b"/Count 1" in one


def test_cards_command(tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    cmd = ["cards", "relationship_quality_client", "-s", "disability_care", "-l", "nl",
           "-o", str(out)]
    result = runner().invoke(app, cmd)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "1 pagina met antwoordkaarten" in \
        runner().invoke(app, [*cmd, "--force"]).output
    again = runner().invoke(app, cmd)
    assert again.exit_code != 0 and "bestaat al" in again.output
    wrong = runner().invoke(app, [*cmd[:-1], str(tmp_path / "cards.docx")])
    assert wrong.exit_code != 0 and "moet eindigen op .pdf" in wrong.output
    assert "Traceback" not in wrong.output and not (tmp_path / "cards.docx").exists()


# --- every client form, printed by LibreOffice ---------------------------------------------


def _client_forms() -> list[tuple[str, str, str | None, str, bool]]:
    found = []
    for s, inst, perspective in get_registry().offerings():
        if perspective != "client":
            continue
        for variant in [v.id for v in s.variants] or [None]:
            for locale in ("en", "nl"):
                found.append((inst.id, s.id, variant, locale, False))
                if s.offering(inst.id, "client").practice is not None:  # type: ignore[union-attr]
                    found.append((inst.id, s.id, variant, locale, True))
    return found


@pytest.mark.libreoffice
def test_every_client_form_prints_with_its_practice_first(tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from relscale.workbooks.form import export_form, render_item_text

    made = []
    for n, (instrument, sector, variant, locale, practice) in enumerate(_client_forms()):
        set_locale(locale)
        try:
            adapted = adapt(instrument, sector, "client", locale, variant=variant)
            path = tmp_path / f"{n:02d}_{sector}_{instrument}.xlsx"
            export_form(adapted, path, practice=practice)
        finally:
            set_locale("en")
        made.append((path, adapted, practice or bool(adapted.practice and
                                                     adapted.practice.always)))
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *(str(p) for p, _a, _x in made)],
                   check=True, capture_output=True, timeout=300)

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    for path, adapted, practice in made:
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pdf" / (path.stem
                                                                                + ".pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages = [norm(p) for p in text.split("\f") if p.strip()]
        first = pages[0]
        assert adapted.subject_said in first, (path.name, adapted.subject_said)
        # the first words of item 1 (a statement that wraps can run into its answers)
        item1 = " ".join(norm(render_item_text(adapted.items[0].text)).split()[:3])
        assert item1 in first, (path.name, item1)
        if practice:
            assert adapted.practice is not None
            at = [first.find(norm(t)) for t, _a in adapted.practice.statements]
            assert all(k >= 0 for k in at) and at == sorted(at), (path.name, at)
            assert max(at) < first.find(item1), path.name
        else:
            assert not any(norm(t) in " ".join(pages) for t, _a in
                           (adapted.practice.statements if adapted.practice else ()))

"""The fast paths of ``relscale read`` (issue 15) answer exactly as the general ones.

- the lean zip reader (``io/xlsx_parts.py``) gives zipfile's bytes, or hands over;
- the formula and value scans (a hint regex first) answer as the full regexes;
- compact answers from calamine's raw rows equal the answers read cell by cell;
- a layout checked once (kept by the metadata sheet's stored bytes or its cells) never
  lets a later form with a changed metadata sheet, an entity or a formula through.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import answer_cells, fill_with_openpyxl, make_form, random_answers
from relscale.excel.identity import FORM_META_SHEET
from relscale.io.cells import open_values, xml_facts
from relscale.io.readback import FormErrors, read_form, read_forms
from relscale.io.readback_layouts import Layout, form_layout, read_compact_answers
from relscale.io.xlsx_parts import open_lean

META_XML = "xl/worksheets/sheet2.xml"  # the metadata sheet of an exported form
FORM_XML = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    return make_form(tmp_path_factory.mktemp("blank"), "relationship_quality", "foster_homes")


def filled(blank: tuple[Path, Any], target: Path, answers: dict[str, Any] | None = None,
           code: str = "r1") -> Path:
    path, adapted = blank
    fill_with_openpyxl(path, target, answers or random_answers(adapted.item_ids, 1, 5),
                       {"respondent_code": code, "date": dt.date(2026, 3, 9)})
    return target


def rewrite(path: Path, target: Path, member: str = "", old: bytes = b"", new: bytes = b"",
            compression: int = zipfile.ZIP_DEFLATED, comment: bytes = b"") -> Path:
    """A copy of the zip with one replacement in one member, written anew."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", compression) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                assert old in data, (member, old)
                data = data.replace(old, new, 1)
            out.writestr(info.filename, data)
        out.comment = comment
    return target


def meta_sheet_part(path: Path) -> str:
    wb = open_values(path)
    try:
        return wb._sheet_parts()[FORM_META_SHEET]
    finally:
        wb.close()


# --- the lean zip reader ------------------------------------------------------------------


def test_lean_zip_reads_what_zipfile_reads(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    form = filled(blank, tmp_path / "f.xlsx")
    assert meta_sheet_part(form) == META_XML
    variants = {
        "form": form,
        "stored": rewrite(form, tmp_path / "stored.xlsx", compression=zipfile.ZIP_STORED),
        "comment": rewrite(form, tmp_path / "comment.xlsx", comment=b"a zip comment"),
    }
    for name, path in variants.items():
        lean = open_lean(path)
        assert lean is not None, name  # the ordinary zip files are read lean
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                assert lean.read(member) == zf.read(member), (name, member)
        with pytest.raises(KeyError):
            lean.read("xl/no such part.xml")


def test_lean_zip_hands_odd_files_to_zipfile(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    form = filled(blank, tmp_path / "f.xlsx")
    data = form.read_bytes()
    prefixed = tmp_path / "prefixed.xlsx"
    prefixed.write_bytes(b"junk before the archive" + data)
    trailer = tmp_path / "trailer.xlsx"
    trailer.write_bytes(data + b"junk after")
    for path in (prefixed, trailer, tmp_path / "missing.xlsx"):
        assert open_lean(path) is None, path
    # a part whose CRC does not match: zipfile refuses it, the lean reader hands it over
    with zipfile.ZipFile(form) as zf:
        raw = zf.read(FORM_XML)
    stored = rewrite(form, tmp_path / "stored.xlsx", compression=zipfile.ZIP_STORED)
    blob = bytearray(stored.read_bytes())
    blob[blob.index(raw[:40]) + 10] ^= 0x20  # one changed byte: the CRC no longer matches
    bad = tmp_path / "crc.xlsx"
    bad.write_bytes(bytes(blob))
    lean = open_lean(bad)
    assert lean is not None and lean.read(FORM_XML) is None
    with zipfile.ZipFile(bad) as zf, pytest.raises(zipfile.BadZipFile):
        zf.read(FORM_XML)


# --- the XML scans --------------------------------------------------------------------------

FULL = {"formula": re.compile(rb"<(?:\w+:)?f[\s>/]"), "values": re.compile(rb"<(?:\w+:)?v[\s>/]")}
PIECES = [b"<", b"f", b"v", b":", b"x:", b" ", b">", b"/", b"\n", b"\t", b"a", b"_1",
          b"<f", b"<v>", b"of ", b"<formula1>", b"&amp;", b"&"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_hinted_scans_answer_as_the_full_regexes(pieces: list[bytes]) -> None:
    xml = b"".join(pieces)
    facts = xml_facts(xml)
    assert facts.formula == (FULL["formula"].search(xml) is not None)
    assert facts.values == (FULL["values"].search(xml) is not None)
    entity = re.search(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)", xml)
    assert facts.undefined_entity == (entity is not None)


def test_scans_of_real_sheets() -> None:
    assert xml_facts(b'<c r="C14"><f>1+2</f></c>').formula
    assert xml_facts(b'<x:c r="C14"><x:f t="shared"/></x:c>').formula
    assert not xml_facts(b"<dataValidation><formula1>1</formula1></dataValidation>").formula
    assert xml_facts(b'<c r="A1" t="s"><v>0</v></c>').values
    assert not xml_facts(b'<c r="A1" t="inlineStr"><is><t>v </t></is></c>').values


# --- compact answers: raw rows against cell by cell ------------------------------------------


class CellsOnly:
    """A sheet seen through ``cell``/``[ref]`` only (no raw rows): the general path."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def cell(self, row: int, column: int) -> Any:
        return self._ws.cell(row, column)

    def __getitem__(self, ref: str) -> Any:
        return self._ws[ref]


def test_compact_answers_from_raw_rows_equal_cell_by_cell(tmp_path: Path,
                                                           blank: tuple[Path, Any]) -> None:
    _path, adapted = blank
    values: list[Any] = [None, 1, 5, 3.0, 4.0, 9, 9.0, 0, 6, -1, 2.5, 1e20, -0.0, "3", " 4 ",
                         "  ", "", "three", "=1", True, False, dt.date(2026, 1, 2),
                         dt.datetime(2026, 1, 2, 3, 4), dt.time(1, 2), 10**18, 2**53 + 1.0]
    ids = adapted.item_ids
    checked = 0
    for start in range(0, len(values), len(ids)):
        chunk = values[start : start + len(ids)]
        for shift in range(len(chunk)):
            answers = {item: chunk[(k + shift) % len(chunk)] for k, item in enumerate(ids)}
            form = filled(blank, tmp_path / f"f{start}_{shift}.xlsx", answers)
            wb = open_values(form)
            try:
                layout = form_layout(form, wb, None)
                assert isinstance(layout, Layout)
                ws = wb[layout.meta["form_sheet"]]
                fast: dict[str, Any] = {}
                slow: dict[str, Any] = {}
                fast_problems = read_compact_answers(form, ws, layout, fast)
                slow_problems = read_compact_answers(form, CellsOnly(ws), layout, slow)
            finally:
                wb.close()
            assert fast == slow
            assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
            assert fast_problems == slow_problems
            checked += len(fast) + len(fast_problems)
            if shift >= 2:
                break
    assert checked > 50


# --- layouts checked once ------------------------------------------------------------------


def tampered_copies(good: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Copies of a good form that must be refused, and the start of each refusal."""
    with zipfile.ZipFile(good) as zf:
        meta = zf.read(META_XML)
    copies = {
        # a metadata value changed, the checksum kept: the stored bytes differ
        "sector": (b"<t>foster_homes</t>", b"<t>education</t>", META_XML,
                   "form metadata does not match its checksum"),
        # a metadata value the same after stripping (the cells differ, the text does not)
        "spaces": (b"<t>foster_homes</t>", b"<t>foster_homes </t>", META_XML, ""),
        "entity": (b"<t>foster_homes</t>", b"<t>foster&nope;homes</t>", META_XML,
                   "not a readable .xlsx workbook"),
    }
    result = {}
    for name, (old, new, member, expect) in copies.items():
        assert old in meta, name
        target = rewrite(good, tmp_path / f"{name}.xlsx", member, old, new)
        result[name] = (target, expect)
    return result


def test_a_changed_metadata_sheet_is_checked_again(tmp_path: Path,
                                                    blank: tuple[Path, Any]) -> None:
    good = filled(blank, tmp_path / "a_good.xlsx")
    other = filled(blank, tmp_path / "b_good.xlsx", code="r2")
    copies = tampered_copies(good, tmp_path)
    # the good forms are read first, their layout kept; each copy is refused all the same
    for name in ("sector", "entity"):
        path, expect = copies[name]
        with pytest.raises(FormErrors) as info:
            read_forms([good, other, path])
        assert len(info.value.problems) == 1, info.value.problems
        assert info.value.problems[0].startswith(f"{path}: {expect}"), name
    # the same text with a trailing space reads as the same metadata (cell_text strips)
    path, _expect = copies["spaces"]
    result = read_forms([good, path])
    assert len(result.rows) == 2


def test_a_formula_answer_after_a_kept_layout(tmp_path: Path, blank: tuple[Path, Any]) -> None:
    _path, adapted = blank
    good = filled(blank, tmp_path / "a.xlsx")
    cells = answer_cells(blank[0])
    answers: dict[str, Any] = dict.fromkeys(adapted.item_ids, 3)
    answers[adapted.item_ids[0]] = "=1+2"  # openpyxl saves no value for a formula
    bad = filled(blank, tmp_path / "b.xlsx", answers)
    with pytest.raises(FormErrors) as info:
        read_forms([good, bad])
    (line,) = info.value.problems
    assert line == (f"{bad}: cell {cells[adapted.item_ids[0]]} (item {adapted.item_ids[0]}): "
                    "a formula; relscale reads what was typed, not formulas: type the answer "
                    "or code itself")


def test_layouts_are_kept_by_stored_bytes_or_by_cells(tmp_path: Path,
                                                      blank: tuple[Path, Any]) -> None:
    good = filled(blank, tmp_path / "a.xlsx")
    # the metadata sheet as relscale writes it: inline text only, kept by its bytes
    wb = open_values(good)
    try:
        assert wb.sheet_key(FORM_META_SHEET) is not None
        layouts: dict[Any, Layout] = {}
        layout = form_layout(good, wb, layouts)
        assert isinstance(layout, Layout) and len(layouts) == 2  # bytes and cells
    finally:
        wb.close()
    # one cell as a stored string value (<v>): not by its bytes, but by its cells
    with zipfile.ZipFile(good) as zf:
        meta = zf.read(META_XML)
    found = re.search(rb'<c r="B1"([^>]*) t="inlineStr"><is><t>relscale-form</t></is></c>', meta)
    assert found is not None
    other = rewrite(good, tmp_path / "b.xlsx", META_XML, found.group(0),
                    b'<c r="B1"' + found.group(1) + b' t="str"><v>relscale-form</v></c>')
    wb = open_values(other)
    try:
        assert wb.sheet_key(FORM_META_SHEET) is None
        assert form_layout(other, wb, layouts) is layout  # the same cells, kept
    finally:
        wb.close()
    assert read_form(other)[1] == []
    # and a form whose stored value differs is checked again, and refused
    changed = rewrite(good, tmp_path / "c.xlsx", META_XML, found.group(0),
                      b'<c r="B1"' + found.group(1) + b' t="str"><v>relscale-forms</v></c>')
    with pytest.raises(FormErrors) as info:
        read_forms([good, other, changed])
    (line,) = info.value.problems
    assert line.startswith(f"{changed}: not a relscale form")


def test_forged_metadata_gets_one_line(tmp_path: Path) -> None:
    """A forged form (matching checksum) with two cells for a compact answer, or a 'does
    not apply' code that is no number: one line naming the file, no traceback."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from badinput import filled_form, forge_form

    def two_cells(_pairs: list[tuple[str, str]], rows: list[list[str]]) -> None:
        rows[0][4] = f"{rows[0][4]} {rows[1][4]}"

    def na_text(pairs: list[tuple[str, str]], _rows: list[list[str]]) -> None:
        pairs[:] = [(k, "x" if k == "not_applicable" else v) for k, v in pairs]
        if not any(k == "not_applicable" for k, _v in pairs):
            pairs.append(("not_applicable", "x"))

    for name, change, expect in [("two", two_cells, "which is not a cell"),
                                 ("na", na_text, "not_applicable='x' is not a whole number")]:
        path, _cells = filled_form(tmp_path / name)
        forge_form(path, change)
        form, problems = read_form(path)
        assert form is None and len(problems) == 1, problems
        assert problems[0].startswith(f"{path}: form metadata") and expect in problems[0]

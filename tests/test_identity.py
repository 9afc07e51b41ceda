"""relscale.excel.identity: the metadata sheet that makes a workbook a relscale form or
scoring sheet, written by the builders and recognised by the readers in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import openpyxl
import pytest

from relscale.adapt import adapt
from relscale.excel import identity
from relscale.excel.identity import (
    FORM_KIND,
    FORM_META_SHEET,
    SCORING_META_SHEET,
    SCORING_SHEET_KIND,
    Identity,
    read_metadata,
    recognise,
)
from relscale.io.readback import read_form
from relscale.io.responses import sheet_kind
from relscale.workbooks.form import export_form
from relscale.workbooks.scoring_sheet import write_scoring_sheet

CORE = Path(identity.__file__).parents[1]

# The keys a form's metadata sheet holds, in order: a file format, so that forms written
# by earlier versions still read back. Changing it breaks every form in circulation.
FORM_KEYS = [
    "format", "format_version", "instrument", "instrument_version", "sector", "perspective",
    "locale", "relscale_version", "form_sheet", "scale_min", "scale_max",
    "field.respondent_code", "field.subject_code", "field.date", "item_ids", "checksum",
]
OPTIONAL_FORM_KEYS = {"not_applicable": "scale_max", "field_format": "item_ids",
                      "texts": "field_format"}
"""Keys added since format 1 only where they apply (key: the key it follows); a reader
of an older form finds them absent and carries on."""
SCORING_KEYS = [
    "kind", "relscale_version", "instrument", "instrument_version", "sector", "perspective",
    "locale", "data_sheet", "header_row", "first_row", "last_row", "input_columns",
    "norm_group", "norm_status",
]


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / "form.xlsx"
    export_form(adapt("relationship_quality", "foster_homes", None, "en"), path)
    return path


@pytest.fixture
def scoring_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.xlsx"
    write_scoring_sheet(adapt("relationship_quality", "education", None, "en"), path, rows=5)
    return path


@pytest.mark.parametrize("read_only", [False, True])
def test_a_form_is_recognised_and_verifies(form: Path, read_only: bool) -> None:
    wb = openpyxl.load_workbook(form, read_only=read_only)
    found = recognise(wb)
    assert found is not None and found.kind == FORM_KIND and found.sheet == FORM_META_SHEET
    keys = [k for k, _v in found.pairs]
    expected = list(FORM_KEYS)
    for key, after in OPTIONAL_FORM_KEYS.items():
        if key in keys:
            expected.insert(expected.index(after) + 1, key)
    assert keys == expected
    assert "not_applicable" in keys  # foster homes' professional form has 'does not apply'
    assert {"field_format", "texts"} <= set(keys)  # issue 25: text code cells, wording
    meta = found.metadata
    assert (meta["format"], meta["format_version"]) == ("relscale-form", "1")
    assert (meta["instrument"], meta["sector"], meta["perspective"], meta["locale"]) == (
        "relationship_quality", "foster_homes", "professional", "en")
    assert found.has_form_header and found.checksum_matches
    assert [row[0] for row in found.table] == meta["item_ids"].split(",")
    assert wb[FORM_META_SHEET].sheet_state == "veryHidden"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_scoring_sheet_is_recognised(scoring_sheet: Path, read_only: bool) -> None:
    wb = openpyxl.load_workbook(scoring_sheet, read_only=read_only)
    found = recognise(wb)
    assert found is not None and found.kind == SCORING_SHEET_KIND
    assert found.sheet == SCORING_META_SHEET and found.table == ()
    assert [k for k, _v in found.pairs] == SCORING_KEYS
    meta = found.metadata
    assert (meta["instrument"], meta["sector"], meta["last_row"]) == (
        "relationship_quality", "education", "9")
    assert not found.has_form_header
    assert wb[SCORING_META_SHEET].sheet_state == "hidden"
    # the reader of response tables sees the same
    assert sheet_kind(scoring_sheet) == found


def test_tampered_form_metadata_is_rejected(form: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_META_SHEET]
    for row in ws.iter_rows(max_col=2):
        if row[0].value == "sector":
            row[1].value = "youth_care"
    tampered = tmp_path / "tampered.xlsx"
    wb.save(tampered)
    found = recognise(openpyxl.load_workbook(tampered))
    assert found is not None and found.has_form_header and not found.checksum_matches
    got, problems = read_form(tampered)
    assert got is None and "does not match its checksum" in problems[0]


def test_a_form_without_its_header_and_a_plain_table(form: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(form)
    wb[FORM_META_SHEET]["B1"] = "something-else"
    foreign = tmp_path / "foreign.xlsx"
    wb.save(foreign)
    found = recognise(openpyxl.load_workbook(foreign))
    assert found is not None and found.kind == FORM_KIND and not found.has_form_header
    plain = openpyxl.Workbook()
    plain.active.append(["rq01", "rq02"])
    assert recognise(plain) is None
    # a "relscale" sheet that names no kind is not a relscale workbook
    plain.create_sheet(SCORING_META_SHEET).append(["instrument", "x"])
    assert recognise(plain) is None


def test_read_metadata_from_rows_of_values() -> None:
    rows = [
        ("format", "relscale-form"),
        ("scale_max", 5.0),  # a spreadsheet that turned text into a number
        (" note ", None, None),
        (None, None),
        ("item", "position", "dimension", "keying", "cell"),
        ("rq01", 1.0, "closeness", "+", "C14"),
        ("rq02",),
    ]
    pairs, table = read_metadata(rows)
    assert pairs == [("format", "relscale-form"), ("scale_max", "5"), ("note", "")]
    assert table == [("rq01", "1", "closeness", "+", "C14"), ("rq02", "", "", "", "")]


def test_checksum_ignores_a_stored_checksum_and_covers_the_table() -> None:
    pairs = [("a", "1")]
    table = [("rq01", "1", "closeness", "+", "C14")]
    base = identity.layout_checksum(pairs, table)
    assert identity.layout_checksum([*pairs, ("checksum", "old")], table) == base
    assert identity.layout_checksum(pairs, [("rq01", "1", "closeness", "+", "C15")]) != base
    written = identity.form_pairs(pairs, table)
    assert written[:2] == [("format", "relscale-form"), ("format_version", "1")]
    assert Identity(FORM_KIND, tuple(written), tuple(table)).checksum_matches


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_identity_sits_below_builders_and_readers() -> None:
    """identity imports neither workbooks/ nor io/; io/ does not reach up into workbooks/."""
    assert not {m for m in _imports(CORE / "excel" / "identity.py")
                if m.startswith(("relscale.workbooks", "relscale.io"))}
    for path in (CORE / "io").glob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("relscale.workbooks")}, path


def test_no_other_module_spells_the_metadata_names() -> None:
    spelled = ('"relscale_meta"', '"relscale-form"', '"scoring_sheet"')
    for path in CORE.rglob("*.py"):
        if path.name == "identity.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not [s for s in spelled if s in text], path

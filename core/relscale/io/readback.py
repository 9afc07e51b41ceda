"""Reading filled forms back: verify each workbook, validate every answer, return rows.

:func:`read_forms` takes files and folders (``*.xlsx`` inside a folder, not recursive),
and returns a :class:`FilledForms`: the shared :class:`FormKey` (instrument, version,
sector, perspective), the item ids in form order, and one ``dict`` per form with the
columns of :data:`META_COLUMNS` plus one per item (an ``int`` answer, or ``None`` when
the cell is empty). Forms in one call must share instrument, version, sector and
perspective (they may differ in locale); anything else is refused, because the rows
go to one table and one scoring run.

:func:`read_forms_to_csv` is ``relscale read``: the same, written to one tidy CSV.

Every form is checked before any row is returned:

- the form's metadata sheet exists and its checksum matches its content
  (:func:`relscale.excel.identity.recognise`), so an edited, reordered or foreign
  workbook is refused;
- each item row on the form sheet still holds the item id the metadata names;
- every answer is empty or a whole number within the scale; text, fractions and
  out-of-range numbers are errors naming file, cell and item.

All problems of all files are collected and raised together as one
:class:`FormErrors` (one line per problem), so a user fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relscale.errors import DataError
from relscale.excel.identity import (
    FORM_FIELDS,
    FORM_ITEM_ID_COLUMN,
    FORM_KIND,
    FORM_META_SHEET,
    ITEM_TABLE_HEADER,
    cell_text,
    recognise,
)
from relscale.i18n import _

META_COLUMNS = (
    "source_file",
    "instrument",
    "version",
    "sector",
    "perspective",
    "locale",
    "respondent_code",
    "subject_code",
    "date",
)


class FormErrors(DataError):
    """One or more problems in filled forms; ``problems`` holds one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class FormKey:
    instrument: str
    version: str
    sector: str
    perspective: str

    def __str__(self) -> str:
        return f"{self.instrument} {self.version} / {self.sector} / {self.perspective}"


@dataclass
class FilledForms:
    key: FormKey
    item_ids: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop the read (the same form twice), one line each."""

    @property
    def columns(self) -> tuple[str, ...]:
        return (*META_COLUMNS, *self.item_ids)


@dataclass
class _Form:
    key: FormKey
    item_ids: tuple[str, ...]
    row: dict[str, Any]


def collect_form_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given, folders expanded to their ``*.xlsx`` (sorted); duplicates dropped."""
    result: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        _resolved(p)
        if p.is_dir():
            found = sorted(
                x for x in p.glob("*.xlsx") if not x.name.startswith(("~$", ".~lock", "."))
            )
            if not found:
                raise DataError(_("{path}: no .xlsx files in this folder").format(path=p))
        elif p.exists():
            found = [p]
        else:
            raise DataError(_("{path}: no such file or folder").format(path=p))
        for f in found:
            key = _resolved(f)
            if key not in seen:
                seen.add(key)
                result.append(f)
    return result


def _resolved(path: Path) -> Path:
    """The real path; a symbolic link loop is an error naming the link."""
    try:
        return path.resolve(strict=path.is_symlink())
    except (OSError, RuntimeError) as exc:
        raise DataError(_("{path}: cannot be followed ({reason})").format(
            path=path, reason=getattr(exc, "strerror", None) or _("a symbolic link loop")
        )) from None


def _meta_problem(path: Path, meta: dict[str, str], table: Sequence[Sequence[str]]
                  ) -> str | None:
    """A form whose checksum matches but whose metadata relscale cannot use (a forged or
    hand-built form): a scale bound that is no whole number, a cell that is no cell."""
    from relscale.excel.sheet import parse_ref

    if any(len(row) != len(ITEM_TABLE_HEADER) for row in table):
        return _("{path}: the form's item table is malformed; export a fresh form").format(
            path=path)
    for name in ("scale_min", "scale_max"):
        if not meta.get(name):
            continue  # reported as incomplete metadata
        try:
            int(meta[name])
        except ValueError:
            return _("{path}: form metadata {name}={value!r} is not a whole number; export a "
                     "fresh form").format(path=path, name=name, value=meta[name])
    # a respondent layout lists one box per answer (``B11 D11 F11 H11``)
    cells = [ref for row in table for ref in row[4].split()]
    cells += [meta[f"field.{name}"] for name in FORM_FIELDS if meta.get(f"field.{name}")]
    for cell in cells:
        try:
            r, c = parse_ref(cell)
        except ValueError:
            r, c = 0, 0
        if not (1 <= r <= 1_048_576 and 1 <= c <= 16_384):
            return _("{path}: form metadata names {cell!r}, which is not a cell; export a "
                     "fresh form").format(path=path, cell=cell)
    return None


def _answer_cell_problems(path: Path, ws: Any, cells: dict[str, str]) -> list[str]:
    """Answer cells (cell -> item) read back wrong: merged cells (only the first holds a
    value), and formulas saved without a value (openpyxl reads those as empty)."""
    problems = []
    merged = [c for c in cells if c in ws.merged_cells]
    for cell in merged:
        problems.append(_("{path}: cell {cell} (item {item}): the answer cell is merged with "
                          "other cells; unmerge it or export a fresh form").format(
            path=path, cell=cell, item=cells[cell]))
    empty = [c for c in cells if c not in merged and ws[c].value is None]
    if not getattr(ws, "has_formulas", True):
        empty = []  # the sheet holds no formula at all (io/cells.py looks): no second pass
    for cell in _formulas(path, ws.title, empty):
        problems.append(_("{path}: cell {cell} (item {item}): a formula without a saved value; "
                          "type the answer as a number").format(
            path=path, cell=cell, item=cells[cell]))
    return problems


def _formulas(path: Path, sheet: str, cells: list[str]) -> list[str]:
    """Those of ``cells`` that hold a formula (a second, read-only pass: only when some
    answers read as empty)."""
    if not cells:
        return []
    from openpyxl import load_workbook

    wanted = set(cells)
    found = []
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        for row in wb[sheet].iter_rows():
            for cell in row:
                coordinate = getattr(cell, "coordinate", None)
                if coordinate in wanted and getattr(cell, "data_type", None) == "f":
                    found.append(coordinate)
    finally:
        wb.close()
    return sorted(found, key=cells.index)


def _field_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return cell_text(value)


def read_form(path: Path | str, *, strict: bool = False) -> tuple[_Form | None, list[str]]:
    """Read one filled form: (the form, or None if it cannot be used; problems)."""
    from relscale.io.cells import open_values

    path = Path(path)
    try:  # values only (calamine): openpyxl's style objects were most of the time
        wb = open_values(path)
    except DataError as exc:
        return None, [str(exc)]
    try:
        return _read_open_form(path, wb, strict=strict)
    except DataError as exc:
        return None, [str(exc)]
    finally:
        wb.close()


def _read_open_form(path: Path, wb: Any, *, strict: bool) -> tuple[_Form | None, list[str]]:
    from relscale.excel.sheet import parse_ref

    identity = recognise(wb)
    if identity is None or identity.kind != FORM_KIND:
        return None, [_("{path}: not a relscale form (no {sheet} sheet)").format(
            path=path, sheet=FORM_META_SHEET)]
    meta, table = identity.metadata, identity.table
    if not identity.has_form_header:
        return None, [_("{path}: not a relscale form (sheet {sheet} has no form header)").format(
            path=path, sheet=FORM_META_SHEET)]
    if not identity.checksum_matches:
        return None, [_(
            "{path}: form metadata does not match its checksum: the form was edited or is "
            "not a relscale form; export a fresh form"
        ).format(path=path)]
    bad_meta = _meta_problem(path, meta, table)
    if bad_meta is not None:
        return None, [bad_meta]
    required = ("instrument", "instrument_version", "sector", "perspective", "locale",
                "form_sheet", "scale_min", "scale_max", "item_ids")
    missing = [k for k in required if not meta.get(k)]
    if missing or meta.get("item_ids", "").split(",") != [r[0] for r in table]:
        return None, [_("{path}: form metadata is incomplete ({missing})").format(
            path=path, missing=", ".join(missing) or "item_ids")]
    sheet_name = meta["form_sheet"]
    if sheet_name not in wb.sheetnames:
        return None, [_("{path}: the form sheet {sheet!r} is missing").format(
            path=path, sheet=sheet_name)]
    try:
        ws = wb[sheet_name]
    except DataError as exc:
        return None, [str(exc)]
    lo, hi = int(meta["scale_min"]), int(meta["scale_max"])
    na = int(meta["not_applicable"]) if meta.get("not_applicable") else None
    key = FormKey(meta["instrument"], meta["instrument_version"], meta["sector"],
                  meta["perspective"])

    problems: list[str] = []
    row: dict[str, Any] = {
        "source_file": str(path),
        "instrument": key.instrument,
        "version": key.version,
        "sector": key.sector,
        "perspective": key.perspective,
        "locale": meta["locale"],
    }
    for name in FORM_FIELDS:
        cell = meta.get(f"field.{name}")
        row[name] = _field_value(ws[cell].value) if cell else ""
    if meta.get("layout", "compact") != "compact":
        from relscale.io.readback_layouts import read_respondent_answers

        ids, found = read_respondent_answers(path, ws, meta, table, row, strict=strict)
        return _Form(key, tuple(ids), row), [*problems, *found]
    cell_problems = _answer_cell_problems(path, ws, {row[4]: row[0] for row in table})
    if cell_problems:
        return None, cell_problems
    item_ids: list[str] = []
    for item_id, _position, _dimension, _keying, cell in table:
        item_ids.append(item_id)
        r, _c = parse_ref(cell)
        found_id = cell_text(ws.cell(row=r, column=FORM_ITEM_ID_COLUMN).value)
        if found_id != item_id:
            problems.append(_(
                "{path}: cell {cell} should hold the answer to item {item}, but the row "
                "belongs to {found}: rows were moved; export a fresh form"
            ).format(path=path, cell=cell, item=item_id, found=found_id or "-"))
            continue
        value = ws[cell].value
        answer, problem = _answer(value, lo, hi, na)
        if problem:
            problems.append(_("{path}: cell {cell} (item {item}): {problem}").format(
                path=path, cell=cell, item=item_id, problem=problem))
        row[item_id] = answer
    return _Form(key, tuple(item_ids), row), problems


def _answer(value: Any, lo: int, hi: int, na: int | None = None) -> tuple[int | None, str | None]:
    """The answer, or a problem. The 'does not apply' code ``na`` is returned as given:
    the row keeps why an answer is absent, and scoring counts it as missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    expected = _("expected a whole number from {lo} to {hi}").format(lo=lo, hi=hi)
    if na is not None:
        expected = _("expected a whole number from {lo} to {hi}, or {na} (does not apply)"
                     ).format(lo=lo, hi=hi, na=na)
    if isinstance(value, bool | dt.date | dt.datetime | dt.time):
        return None, _("{value!r} is not a number; {expected}").format(
            value=str(value), expected=expected)
    if isinstance(value, str):
        return None, _("{value!r} is text; {expected}").format(
            value=value.strip(), expected=expected)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, _("{value} is not a whole number; {expected}").format(
                value=value, expected=expected)
        value = int(value)
    if not isinstance(value, int):
        return None, _("{value!r} is not a number; {expected}").format(
            value=str(value), expected=expected)
    if not lo <= value <= hi and value != na:
        return None, _("{value} is out of range; {expected}").format(
            value=value, expected=expected)
    return value, None


def duplicate_forms(forms: Sequence[_Form]) -> list[str]:
    """One line for each form that repeats an earlier one: the same codes, date and
    answers (a copy saved twice into the folder)."""
    first: dict[tuple[Any, ...], str] = {}
    found = []
    for form in forms:
        key = tuple(sorted((k, str(v)) for k, v in form.row.items() if k != "source_file"))
        path = form.row["source_file"]
        if key in first:
            found.append(_("{path}: the same form as {first} (same codes, date and answers)")
                         .format(path=path, first=first[key]))
        else:
            first[key] = path
    return found


def read_forms(paths: Iterable[Path | str], *, strict: bool = False) -> FilledForms:
    """Read and verify filled forms; :class:`FormErrors` lists every problem found.

    A form that repeats another (:func:`duplicate_forms`) is a warning in
    :attr:`FilledForms.warnings`, or with ``strict`` a problem."""
    files = collect_form_paths(paths)
    if not files:
        raise DataError(_("no forms given"))
    problems: list[str] = []
    forms: list[_Form] = []
    for f in files:
        form, found = read_form(f, strict=strict)
        problems.extend(found)
        if form is not None:
            forms.append(form)
    if forms:
        first = forms[0]
        for form in forms[1:]:
            if form.key != first.key or form.item_ids != first.item_ids:
                problems.append(_(
                    "{path}: a form of {other}, but {first_path} is a form of {first}; "
                    "read each instrument, sector and perspective separately"
                ).format(path=form.row["source_file"], other=form.key,
                         first_path=first.row["source_file"], first=first.key))
    repeated = duplicate_forms(forms)
    if strict:
        problems.extend(repeated)
    if problems:
        raise FormErrors(problems)
    return FilledForms(key=forms[0].key, item_ids=forms[0].item_ids,
                       rows=[f.row for f in forms], warnings=repeated)


def csv_cell(value: object) -> object:
    """A CSV cell of ``relscale read``: empty for missing, text guarded against formula
    injection (:mod:`relscale.io.csv_safety`), numbers as they are."""
    from relscale.io.csv_safety import csv_text

    if value is None or isinstance(value, str):
        return csv_text(value)
    return value


def write_csv(forms: FilledForms, path: Path | str, *, overwrite: bool = False,
              inputs: tuple[Path, ...] = ()) -> None:
    """Write the rows as a tidy UTF-8 CSV (empty cells for missing answers), atomically."""
    import csv

    from relscale.io.atomic import atomic_write, check_output

    check_output(Path(path), overwrite=overwrite, inputs=inputs)
    with atomic_write(path, overwrite=overwrite) as tmp, tmp.open(
        "w", newline="", encoding="utf-8"
    ) as fh:
        writer = csv.writer(fh)
        writer.writerow(forms.columns)
        for row in forms.rows:
            writer.writerow([csv_cell(row.get(c)) for c in forms.columns])


def read_forms_to_csv(
    paths: Iterable[Path | str], output: Path | str, *, overwrite: bool = False,
    strict: bool = False,
) -> FilledForms:
    """``relscale read``: verify filled forms and write them as one tidy CSV; return them.

    The output is checked first (it exists and not ``overwrite``, or it is one of the
    forms), then every form is read; :class:`FormErrors` lists every problem, and then
    nothing is written.
    """
    from relscale.io.atomic import check_output

    files = tuple(collect_form_paths(paths))
    check_output(Path(output), overwrite=overwrite, inputs=files)
    forms = read_forms(files, strict=strict)
    write_csv(forms, output, overwrite=overwrite, inputs=files)
    return forms

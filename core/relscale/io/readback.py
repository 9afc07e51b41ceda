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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relscale.errors import DataError
from relscale.excel.identity import FORM_FIELDS, cell_text
from relscale.i18n import _
from relscale.io.form_checks import form_problems, wording_problems
from relscale.io.readback_layouts import (
    FormKey,
    Layouts,
    answer_cell_problems,
    form_layout,
    read_compact_answers,
    read_respondent_answers,
)

__all__ = ["META_COLUMNS", "FilledForms", "FormErrors", "FormKey", "read_form", "read_forms",
           "read_forms_to_csv"]

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
    meta: dict[str, str] = field(default_factory=dict)
    """The form's checked metadata pairs (shared by forms of one layout: do not change);
    a round's form names its round and key here (``round.id``, ``round.form``)."""


def collect_form_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given, folders expanded to their ``*.xlsx`` (sorted); duplicates dropped."""
    result: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        real = _resolved(p)
        if p.is_dir():
            found = sorted(  # by name: the order of the paths, one folder
                (x for x in p.glob("*.xlsx") if not x.name.startswith(("~$", ".~lock", "."))),
                key=lambda x: x.name)
            if not found:
                raise DataError(_("{path}: no .xlsx files in this folder").format(path=p))
            # a file in the folder that is no link is where the folder really is
            keys = [_resolved(f) if f.is_symlink() else real / f.name for f in found]
        elif p.exists():
            found, keys = [p], [real]
        else:
            raise DataError(_("{path}: no such file or folder").format(path=p))
        for f, key in zip(found, keys, strict=True):
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


def _field_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return cell_text(value)


def read_form(path: Path | str, *, strict: bool = False, layouts: Layouts | None = None,
              wb: Any = None) -> tuple[_Form | None, list[str]]:
    """Read one filled form: (the form, or None if it cannot be used; problems).

    ``layouts`` keeps the checked metadata of the forms read so far
    (:func:`relscale.io.readback_layouts.form_layout`), so that many forms of one layout
    check it once; :func:`read_forms` passes one. ``wb``: the workbook already opened
    with :func:`relscale.io.cells.open_values` (the caller closes it)."""
    from relscale.io.cells import open_values

    path = Path(path)
    given = wb is not None
    if not given:
        try:  # values only (calamine): openpyxl's style objects were most of the time
            wb = open_values(path)
        except DataError as exc:
            return None, [str(exc)]
    try:
        return _read_open_form(path, wb, strict=strict, layouts=layouts)
    except DataError as exc:
        return None, [str(exc)]
    finally:
        if not given:
            wb.close()


def _read_open_form(path: Path, wb: Any, *, strict: bool, layouts: Layouts | None = None
                    ) -> tuple[_Form | None, list[str]]:
    layout = form_layout(path, wb, layouts)
    if isinstance(layout, list):
        return None, layout
    meta, table, key = layout.meta, layout.table, layout.key
    sheet_name = meta["form_sheet"]
    if sheet_name not in wb.sheetnames:
        return None, [_("{path}: the form sheet {sheet!r} is missing").format(
            path=path, sheet=sheet_name)]
    try:
        ws = wb[sheet_name]
    except DataError as exc:
        return None, [str(exc)]

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
    cell_problems = form_problems(path, wb, ws, meta, table)  # formulas and codes
    if cell_problems:
        return None, cell_problems
    if meta.get("layout", "compact") != "compact":
        ids, found = read_respondent_answers(path, ws, meta, table, row, strict=strict)
        form = _Form(key, tuple(ids), row, meta)
    else:
        cell_problems = answer_cell_problems(path, ws, layout)
        if cell_problems:
            return None, cell_problems
        found = read_compact_answers(path, ws, layout, row)
        form = _Form(key, tuple(item_id for item_id, *_rest in layout.items), row, meta)
    if not found:  # the wording, once the rows are known to be where they were
        found = wording_problems(path, ws, meta, table)
    return form, found


def duplicate_forms(forms: Sequence[_Form]) -> list[str]:
    """One line for each form that repeats an earlier one: the same codes (compared as
    :func:`relscale.model.columns.id_key`), date and answers (a copy saved twice)."""
    from relscale.model.columns import id_key

    first: dict[tuple[Any, ...], str] = {}
    found = []
    for form in forms:
        key = tuple(sorted((k, id_key(v)) for k, v in form.row.items() if k != "source_file"))
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
    return _read_files(collect_form_paths(paths), strict=strict)


def _read_files(files: Sequence[Path], *, strict: bool) -> FilledForms:
    """:func:`read_forms` of the files :func:`collect_form_paths` gave."""
    if not files:
        raise DataError(_("no forms given"))
    problems: list[str] = []
    forms: list[_Form] = []
    layouts: Layouts = {}
    for f in files:
        form, found = read_form(f, strict=strict, layouts=layouts)
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
    from relscale.io.atomic import atomic_write, check_output
    from relscale.io.csv_safety import TRIGGERS
    from relscale.io.csv_safety import writer as csv_writer

    check_output(Path(path), overwrite=overwrite, inputs=inputs)
    columns = forms.columns
    with atomic_write(path, overwrite=overwrite) as tmp, tmp.open(
        "w", newline="", encoding="utf-8"
    ) as fh:
        writer = csv_writer(fh)
        writer.writerow(columns)
        for row in forms.rows:  # csv_cell, the common cells (a number, plain text) inline
            writer.writerow([
                v if type(v) is int or (type(v) is str and v[:1] not in TRIGGERS)
                else csv_cell(v) for v in map(row.get, columns)])


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
    forms = _read_files(files, strict=strict)
    write_csv(forms, output, overwrite=overwrite, inputs=files)
    return forms

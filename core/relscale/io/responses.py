"""Reading response tables into a matrix the scoring engine takes.

Inputs (see ``docs/scoring.md``):

- a CSV file with a header of item ids (``,`` or ``;`` separated, UTF-8 with or without
  BOM); other columns (``respondent_code``, ``subject_code``, ``source_file``, ...) are
  kept as identifiers. ``relscale read`` writes this shape.
- an XLSX table: the first sheet, same header.
- a filled scoring sheet (``relscale scoring-sheet``), recognised by its metadata sheet;
  it names the instrument, sector and perspective itself.
- filled forms (files or a folder), read with :func:`relscale.io.readback.read_forms`.
- a survey platform's response export (ODK / KoboToolbox, REDCap, LimeSurvey), recognised
  by its header and read by :mod:`relscale.io.platforms`.

Rows with every cell empty are not respondents; they are counted and skipped. Every
other row becomes a respondent. An answer cell must be empty (or ``NA`` / ``.``) or a
whole number on the scale; anything else is an error naming file, row and column.

The file handling and the bulk cell conversion are :mod:`relscale.io.tables`, shared with
:func:`relscale.io.tables.read_columns` (named numeric columns without an instrument).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError
from relscale.excel.identity import SCORING_SHEET_KIND, Identity, metadata_int, recognise
from relscale.i18n import N_, _
from relscale.io.bulk_csv import bulk_answers
from relscale.io.platforms import read_platform_responses, sniff_platform
from relscale.io.sheets import sheet_rows
from relscale.io.tables import (
    MISSING_SPELLINGS,
    WHOLE_NUMBER,
    WORKBOOK_SUFFIXES,
    BulkAnswers,
    BulkCsv,
    Converter,
    ResponseTable,
    Rows,
    answers_table,
    check_text_file,
    collect_bulk,
    collect_rows,
    open_csv,
    open_workbook,
    read_bulk,
)
from relscale.io.values import mark_not_applicable, validate_values
from relscale.messages import where
from relscale.model.columns import reserved_names

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

__all__ = [  # the reader machinery is re-exported for callers of the old names
    "MISSING_SPELLINGS", "ResponseTable", "check_text_file", "read_csv", "read_responses",
    "read_xlsx", "readback_table", "reserved_names", "sheet_kind",
]
_KEY_NAMES = {"instrument": N_("instrument"), "sector": N_("sector"),
              "perspective": N_("perspective")}




def _value_table(adapted: AdaptedInstrument) -> dict[str, float]:
    table: dict[str, float] = {s: float("nan") for s in MISSING_SPELLINGS}
    for v in adapted.scale.values:
        table[str(v)] = float(v)
        table[f"{v}.0"] = float(v)
    return table


def _check_header(
    header: list[str], adapted: AdaptedInstrument, source: object, reserved: set[str]
) -> tuple[list[int], list[int], list[str]]:
    names = [h.strip() for h in header]
    # Item ids match whatever the case (SPSS and some exports write RQ01 for rq01); a
    # column that is exactly an item id wins, and two spellings of one item are a duplicate.
    by_lower = {i.lower(): i for i in adapted.item_ids}
    names = [by_lower.get(n.lower(), n) for n in names]
    seen: dict[str, int] = {}
    for col, name in enumerate(names, start=1):
        if name in seen and name:
            raise DataError(
                _("{where}: the column name appears twice (columns {first} and {second})").format(
                    where=where(source, 1, name), first=seen[name], second=col
                )
            )
        seen[name] = col
    missing = [i for i in adapted.item_ids if i not in seen]
    if missing:
        raise DataError(
            _("{where}: missing item column(s) {items} for "
              "{instrument}/{sector}/{perspective}").format(
                where=where(source, 1),
                items=", ".join(missing),
                instrument=adapted.instrument,
                sector=adapted.sector,
                perspective=adapted.perspective,
            )
        )
    item_idx = [seen[i] - 1 for i in adapted.item_ids]
    item_set = set(adapted.item_ids)
    id_idx = [c for c, name in enumerate(names) if name not in item_set]
    for c in id_idx:
        if not names[c]:
            raise DataError(
                _("{where}: the column has no name").format(where=where(source, 1, c + 1))
            )
        if names[c] in reserved:
            raise DataError(
                _("{where}: the name of a score variable; rename the column (is this already "
                  "scored output?)").format(where=where(source, 1, names[c]))
            )
    return item_idx, id_idx, [names[c] for c in id_idx]


def _read_rows(
    rows: Rows | BulkCsv, header: list[str], adapted: AdaptedInstrument, source: object
) -> ResponseTable:
    """Shared by the CSV, XLSX, scoring-sheet and forms readers: ``rows`` yields (file row,
    cells), or is a CSV file read in bulk; answers are checked against the scale, naming the
    file's own rows."""
    item_idx, id_idx, id_names = _check_header(header, adapted, source, reserved_names(adapted))
    columns = list(adapted.item_ids)
    convert = Converter(_value_table(adapted), source, columns, _not_an_answer, WHOLE_NUMBER)
    if isinstance(rows, BulkCsv):
        table = collect_bulk(rows, source, columns, item_idx, id_idx, id_names, convert)
    else:
        table = collect_rows(
            rows, len(header), source, columns, item_idx, id_idx, id_names, convert
        )
    validate_values(adapted, table.values, source=source, rows=table.rows)
    mark_not_applicable(adapted, table)
    return table


def _not_an_answer(where_: str, value: Any) -> str:
    return _("{where}: {value!r} is not an answer (a whole number on the scale, or empty for "
             "missing)").format(where=where_, value=value)


def read_csv(path: Path | str, adapted: AdaptedInstrument) -> ResponseTable:
    """Read a CSV response table (header of item ids; other columns kept as identifiers)."""
    path = Path(path)
    check_text_file(path)
    bulk = read_bulk(path, lambda header: _check_header(
        header, adapted, path, reserved_names(adapted))[0])
    if bulk is not None:
        return _read_rows(bulk, bulk.header, adapted, path)
    empty = _("{path}: empty file, expected a header row of item ids")
    with open_csv(path, empty) as (header, rows):
        return _read_rows(rows, header, adapted, path)


def read_csv_answers(path: Path | str, adapted: AdaptedInstrument) -> BulkAnswers | None:
    """A plain CSV response table as a polars frame for scoring in bulk
    (:class:`relscale.io.bulk_csv.BulkAnswers`), or None: the file is not one the bulk
    reader takes, or some cell is not a valid answer; :func:`read_csv` then reads it (and
    names the cell). The same rules as :func:`read_csv`: the same spellings and scale
    points. A 'does not apply' code sends the file to :func:`read_csv` too, which keeps
    it apart from the missing answers (:attr:`ResponseTable.not_applicable`)."""
    path = Path(path)
    check_text_file(path)
    checked: list[tuple[list[int], list[int], list[str]]] = []

    def value_columns(header: list[str]) -> list[int]:
        checked.append(_check_header(header, adapted, path, reserved_names(adapted)))
        return checked[-1][0]

    bulk = read_bulk(path, value_columns)
    if bulk is None:
        return None
    item_idx, id_idx, id_names = checked[-1]
    convert = Converter(_value_table(adapted), path, adapted.item_ids, _not_an_answer,
                        WHOLE_NUMBER)
    lo, hi = adapted.scale.min, adapted.scale.max
    na = adapted.scale.not_applicable

    def answer(cell: str) -> int | None:
        x = convert.value(cell)  # ValueError: not a number
        if x != x:
            return None
        if na is not None and x == na.value:
            raise ValueError(cell)  # kept apart from missing: the usual reader does that
        if x != round(x) or not lo <= x <= hi:
            raise ValueError(cell)
        return int(x)

    return bulk_answers(bulk, item_idx, id_idx, list(adapted.item_ids), id_names, answer)


def read_answers_table(
    answers: BulkAnswers, path: Path | str, id_columns: Sequence[str] | None = None
) -> ResponseTable:
    """The :class:`ResponseTable` :func:`read_csv` gives for the same file; with
    ``id_columns``, only those identifiers and no answers."""
    return answers_table(answers, Path(path), id_columns)


_open_workbook = open_workbook


def sheet_kind(path: Path | str) -> Identity | None:
    """What a relscale workbook says about itself (``kind``: a scoring sheet or a form, and
    its ``metadata``), or None for a plain table (:func:`relscale.excel.identity.recognise`).
    A form is verified only by the forms reader."""
    path = Path(path)
    wb = _open_workbook(path)
    try:
        return recognise(wb)
    finally:
        wb.close()


def read_xlsx(path: Path | str, adapted: AdaptedInstrument, *,
              any_sector: bool = False, sheet: str | None = None) -> ResponseTable:
    """Read the first sheet of an XLSX table (or ``sheet``: see
    :func:`relscale.io.sheets.pick_sheet`), or the data sheet of a filled scoring sheet
    (of ``adapted``'s sector unless ``any_sector``: scored as another on purpose)."""
    path = Path(path)
    wb = _open_workbook(path)
    try:
        meta = recognise(wb)
        if meta is not None and meta.kind == SCORING_SHEET_KIND:
            return _read_scoring_sheet(wb, path, adapted, meta.metadata, any_sector)
        header, rows, source, note = sheet_rows(
            wb, path, _("{path}: the first sheet is empty, expected a header of item ids"),
            sheet)
        table = _read_rows(rows, header, adapted, source)
        table.notes += [note] if note else []
        return table
    finally:
        wb.close()


def _read_scoring_sheet(
    wb: Any, path: Path, adapted: AdaptedInstrument, meta: dict[str, str],
    any_sector: bool = False,
) -> ResponseTable:
    for key in ("instrument", "sector", "perspective"):
        if key == "sector" and any_sector:
            continue
        have = getattr(adapted, key)
        if meta.get(key) and meta[key] != have:
            raise DataError(
                _("{path}: a scoring sheet for {key} {value!r}, not {expected!r}").format(
                    path=path, key=_(_KEY_NAMES[key]), value=meta[key], expected=have
                )
            )
    sheet_name = meta.get("data_sheet", "")
    if sheet_name not in wb.sheetnames:
        raise DataError(
            _("{path}: the scoring sheet has no data sheet {sheet!r}").format(
                path=path, sheet=sheet_name
            )
        )
    header_row = metadata_int(meta, "header_row", 1, path)  # hardening hook
    inputs = meta.get("input_columns", "").split(",")
    ws = wb[sheet_name]
    rows = ws.iter_rows(min_row=header_row, values_only=True)
    header = ["" if h is None else str(h) for h in next(rows, ())]
    keep = [c for c, name in enumerate(header) if name in inputs]
    source = f"{path} [{ws.title}]"
    if hasattr(wb, "formula_cells"):  # the input columns are typed in; the rest computes
        from relscale.io.sheet_formulas import refuse_formulas

        refuse_formulas(source, wb.formula_cells(sheet_name), {c + 1 for c in keep},
                        header_row)
    sub_header = [header[c] for c in keep]
    numbered = (
        (r, [cells[c] if c < len(cells) else None for c in keep])
        for r, cells in enumerate(rows, start=header_row + 1)
    )
    table = _read_rows(numbered, sub_header, adapted, source)
    table.metadata = dict(meta)
    return table


def read_responses(
    paths: Sequence[Path | str], adapted: AdaptedInstrument, platform: str | None = None,
    *, any_sector: bool = False,
    sheet: str | None = None,
) -> ResponseTable:
    """Read any supported input (see the module docstring) for one adapted instrument.

    :param platform: ``odk``, ``redcap`` or ``limesurvey``: read the one file as that
        platform's export (:mod:`relscale.io.platforms`); default: recognised by its header.
    :param any_sector: forms and scoring sheets of another sector are read too (scored as
        ``adapted.sector`` on purpose: ``relscale score --as-sector``); else refused.
    :param sheet: the sheet of a workbook table to read (default: the first, refused
        when hidden; :func:`relscale.io.sheets.pick_sheet`).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise DataError(_("no input files given"))
    # --- survey-platform exports (issue 10): the one hook into this reader -------------
    # An ODK/Kobo, REDCap or LimeSurvey export (named, or recognised by its header) is
    # read by relscale.io.platforms, which maps its header to item ids before the item
    # matching and reads the rows with the shared machinery of relscale.io.tables.
    if platform and len(files) != 1:
        raise DataError(_("a platform export is one file; give one file with --from"))
    if len(files) == 1 and (platform or sniff_platform(files[0])):
        return read_platform_responses(files[0], adapted, platform, sheet)[0]
    # ------------------------------------------------------------------------------------
    if len(files) == 1 and files[0].suffix.lower() == ".csv":
        return read_csv(files[0], adapted)
    if len(files) == 1 and files[0].suffix.lower() in WORKBOOK_SUFFIXES:
        kind = sheet_kind(files[0])
        if kind is None or kind.kind == SCORING_SHEET_KIND:
            return read_xlsx(files[0], adapted, any_sector=any_sector, sheet=sheet)
    for p in files:
        if not p.exists():
            raise DataError(_("{path}: no such file or folder").format(path=p))
    return _read_forms(files, adapted, any_sector)


def _read_forms(paths: list[Path], adapted: AdaptedInstrument,
                any_sector: bool = False) -> ResponseTable:
    """Filled forms, through the forms reader (``relscale read`` does the same)."""
    try:
        from relscale.io import readback  # type: ignore[attr-defined]
    except ImportError:
        raise DataError(
            _("{path}: not a CSV, XLSX table or scoring sheet, and reading filled forms "
              "is not available in this version").format(path=paths[0])
        ) from None
    forms = readback.read_forms(paths)
    key = getattr(forms, "key", None)
    if key is not None:
        check_version(paths[0], key.instrument, key.version, adapted)
        for name in ("instrument", "sector", "perspective"):
            if name == "sector" and any_sector:
                continue
            if getattr(key, name) != getattr(adapted, name):
                raise DataError(
                    _("{path}: forms of {key}, not of {instrument} / {sector} / "
                      "{perspective}").format(
                        path=paths[0],
                        key=key,
                        instrument=adapted.instrument,
                        sector=adapted.sector,
                        perspective=adapted.perspective,
                    )
                )
    return readback_table(forms, adapted, paths)


def check_version(source: object, instrument: str, version: str,
                  adapted: AdaptedInstrument) -> None:
    """Refuse responses collected with another version of the instrument's items: the
    item bank's versions are not comparable item by item (docs/item-changelog.md), and no
    pair of versions is declared mappable, so keys and norms of one do not fit the other.

    :raises DataError: naming the source, both versions and what to do."""
    if instrument == adapted.instrument and version and version != adapted.version:
        raise DataError(_(
            "{source}: answers to {instrument} {version}, but this relscale scores version "
            "{current}; the versions are not comparable item by item (see "
            "docs/item-changelog.md): score them with the relscale release that made the "
            "forms").format(source=source, instrument=instrument, version=version,
                            current=adapted.version))


def check_table_versions(table: ResponseTable, adapted: AdaptedInstrument) -> None:
    """:func:`check_version` of a table with ``instrument`` and ``version`` columns (what
    ``relscale read`` writes), naming the first row of another version."""
    if "version" not in table.ids or "instrument" not in table.ids:
        return
    for k, (inst, version) in enumerate(zip(table.ids["instrument"], table.ids["version"],
                                            strict=True)):
        if inst == adapted.instrument and version and version != adapted.version:
            check_version(where(table.source, int(table.rows[k]), "version"), inst, version,
                          adapted)


def readback_table(result: Any, adapted: AdaptedInstrument, paths: list[Path]) -> ResponseTable:
    """Adapt the forms reader's result: rows of ``{column: value}`` dicts or a table."""
    rows_attr = getattr(result, "rows", result)
    records = list(rows_attr)
    if not records:
        raise DataError(_("{path}: no filled forms found").format(path=paths[0]))
    header: list[str] = []
    for rec in records:
        for key in rec:
            if key not in header:
                header.append(str(key))
    numbered = ((n, [rec.get(h) for h in header]) for n, rec in enumerate(records, start=2))
    source = (
        paths[0]
        if len(paths) == 1
        else _("{folder} ({n} files)").format(folder=paths[0].parent, n=len(paths))
    )
    return _read_rows(numbered, header, adapted, source)

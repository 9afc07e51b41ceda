"""Reading response tables into a matrix the scoring engine takes.

Inputs (see ``docs/scoring.md``):

- a CSV file with a header of item ids (``,`` or ``;`` separated, UTF-8 with or without
  BOM); other columns (``respondent_code``, ``subject_code``, ``source_file``, ...) are
  kept as identifiers. ``relscale read`` writes this shape.
- an XLSX table: the first sheet, same header.
- a filled scoring sheet (``relscale scoring-sheet``), recognised by its metadata sheet;
  it names the instrument, sector and perspective itself.
- filled forms (files or a folder), read with :func:`relscale.io.readback.read_forms`.

Rows with every cell empty are not respondents; they are counted and skipped. Every
other row becomes a respondent. An answer cell must be empty (or ``NA`` / ``.``) or a
whole number on the scale; anything else is an error naming file, row and column.

CSV reading is the cost that matters for large files (``benchmarks/bench_scoring.py``):
the :mod:`csv` module splits lines, answer cells go through one dictionary of the
expected spellings in bulk, and only unusual spellings take the slow path, in chunks so
memory stays flat.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError
from relscale.i18n import N_, _, where

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument

MISSING_SPELLINGS = ("", "NA", "N/A", "na", ".")
METADATA_SHEET = "relscale"
SCORING_SHEET_KIND = "scoring_sheet"
FORM_METADATA_SHEET = "relscale_meta"
"""The forms' own metadata sheet (``relscale.workbooks.form``): such a workbook is a filled form."""
FORM_KIND = "form"
CHUNK_CELLS = 1 << 20
_KEY_NAMES = {"instrument": N_("instrument"), "sector": N_("sector"),
              "perspective": N_("perspective")}


@dataclass
class ResponseTable:
    """Responses in the adapted item order, with identifiers and where each row came from."""

    source: str
    items: tuple[str, ...]
    values: np.ndarray
    """respondents x items, float, NaN for missing."""
    rows: np.ndarray
    """The file row (1-based, header = row 1) of each respondent, for messages."""
    id_columns: list[str] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)
    blank_rows: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    """For a scoring sheet: instrument, sector, perspective, ... from its metadata."""

    @property
    def n(self) -> int:
        return int(self.values.shape[0])


@dataclass(frozen=True)
class Sheet:
    """What a file says about itself: a scoring sheet's instrument, sector, perspective."""

    kind: str
    metadata: dict[str, str]


def _value_table(adapted: AdaptedInstrument) -> dict[str, float]:
    table: dict[str, float] = {s: float("nan") for s in MISSING_SPELLINGS}
    for v in adapted.scale.values:
        table[str(v)] = float(v)
        table[f"{v}.0"] = float(v)
    return table


def _convert_cell(text: str) -> float:
    """The slow path for one cell: trimmed, decimal comma, or not a number (NaN + error)."""
    s = text.strip()
    if s in MISSING_SPELLINGS:
        return float("nan")
    try:
        return float(s.replace(",", "."))
    except ValueError:
        raise ValueError(text) from None


class _Converter:
    """Turns answer strings into floats in bulk, naming the cell of any that is not a number."""

    def __init__(self, adapted: AdaptedInstrument, source: object, columns: Sequence[str]):
        self.table = _value_table(adapted)
        self.source = source
        self.columns = list(columns)

    def __call__(self, flat: list[Any], rows: Sequence[int]) -> np.ndarray:
        import numpy as np

        k = len(self.columns)
        try:
            out = np.fromiter(map(self.table.__getitem__, flat), dtype=np.float64, count=len(flat))
        except (KeyError, TypeError):
            out = np.empty(len(flat), dtype=np.float64)
            for n, cell in enumerate(flat):
                got = self.table.get(cell) if isinstance(cell, str) else None
                if got is not None:
                    out[n] = got
                    continue
                try:
                    out[n] = _cell_number(cell)
                except ValueError:
                    i, j = divmod(n, k)
                    raise DataError(
                        _("{where}: {value!r} is not an answer (a whole number on the scale, "
                          "or empty for missing)").format(
                            where=where(self.source, rows[i], self.columns[j]), value=cell
                        )
                    ) from None
        return out.reshape(-1, k)


def _cell_number(cell: Any) -> float:
    if cell is None:
        return float("nan")
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        return float(cell)
    return _convert_cell(str(cell))


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


def reserved_names(adapted: AdaptedInstrument) -> set[str]:
    """Variable names ``relscale score`` writes, which an input column may not take."""
    from relscale.scoring.engine import (
        NORM_GROUP,
        NORM_STATUS,
        REASON,
        STATUS,
        STRAIGHTLINING,
        norm_columns,
    )

    names = {STATUS, REASON, STRAIGHTLINING, NORM_GROUP, NORM_STATUS}
    for d in adapted.dimensions:
        names.add(d.id)
        names.update(norm_columns(d.id))
    return names


def _read_rows(
    rows: Iterable[tuple[int, Sequence[Any]]],
    header: list[str],
    adapted: AdaptedInstrument,
    source: object,
) -> ResponseTable:
    """Shared by the CSV and XLSX readers: ``rows`` yields (file row, cells)."""
    import numpy as np

    item_idx, id_idx, id_names = _check_header(header, adapted, source, reserved_names(adapted))
    width = len(header)
    convert = _Converter(adapted, source, list(adapted.item_ids))
    get_items = operator.itemgetter(*item_idx)
    k = len(item_idx)
    id_values: list[list[str]] = [[] for _ in id_idx]
    chunks: list[np.ndarray] = []
    line_numbers: list[int] = []
    chunk_start = 0
    flat: list[Any] = []
    blank = 0
    per_chunk = max(1, CHUNK_CELLS // max(k, 1))
    for line, cells in rows:
        if not any(cells) and all(c in (None, "") for c in cells):
            blank += 1
            continue
        if len(cells) != width:
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            elif any(c not in (None, "") for c in cells[width:]):
                raise DataError(
                    _("{where}: {n} cells but the header has {width}").format(
                        where=where(source, line), n=len(cells), width=width
                    )
                )
        items = get_items(cells)
        if k == 1:
            flat.append(items)
        else:
            flat.extend(items)
        for store, c in zip(id_values, id_idx, strict=True):
            store.append(_id_text(cells[c]))
        line_numbers.append(line)
        if len(line_numbers) - chunk_start >= per_chunk:
            chunks.append(convert(flat, line_numbers[chunk_start:]))
            flat = []
            chunk_start = len(line_numbers)
    if flat:
        chunks.append(convert(flat, line_numbers[chunk_start:]))
    values = np.concatenate(chunks) if chunks else np.empty((0, k))
    row_array = np.array(line_numbers, dtype=np.int64)
    from relscale.scoring.engine import not_applicable_to_missing, validate_values

    validate_values(adapted, values, source=source, rows=row_array)
    values = not_applicable_to_missing(adapted, values)
    return ResponseTable(
        source=str(source),
        items=tuple(adapted.item_ids),
        values=values,
        rows=row_array,
        id_columns=id_names,
        ids=dict(zip(id_names, id_values, strict=True)),
        blank_rows=blank,
    )


def _id_text(value: Any) -> str:
    """An identifier cell as text; a date from a workbook as ``YYYY-MM-DD`` (with the time
    only when it has one), as ``relscale read`` writes dates."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_text_file(path: Path) -> None:
    """Refuse a workbook saved under a .csv name with a message that says so (instead of
    "not UTF-8"): .xlsx is a zip file, .xls an OLE2 compound file."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError:
        return  # the caller's open() reports it
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            _("{path}: an Excel workbook, not a CSV text file; rename it to .xlsx or save "
              "it as CSV").format(path=path)
        )


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv(path: Path | str, adapted: AdaptedInstrument) -> ResponseTable:
    """Read a CSV response table (header of item ids; other columns kept as identifiers)."""
    path = Path(path)
    check_text_file(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise DataError(_("{path}: no such file").format(path=path)) from None
    with fh:
        try:
            first = fh.readline()
        except UnicodeDecodeError:
            raise DataError(
                _("{path}: not a UTF-8 text file; save the CSV as UTF-8").format(path=path)
            ) from None
        if not first.strip():
            raise DataError(
                _("{path}: empty file, expected a header row of item ids").format(path=path)
            )
        delimiter = _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        while header and not header[-1].strip():
            header.pop()  # Excel writes trailing empty columns as ";;;"
        reader = csv.reader(fh, delimiter=delimiter)

        def numbered() -> Iterator[tuple[int, list[str]]]:
            try:
                for cells in reader:
                    # +1 for the header line the reader never saw.
                    yield reader.line_num + 1, cells
            except UnicodeDecodeError:
                raise DataError(
                    _("{where}: not UTF-8 text; save the CSV as UTF-8").format(
                        where=where(path, reader.line_num + 2)
                    )
                ) from None
            except csv.Error as exc:
                raise DataError(f"{where(path, reader.line_num + 1)}: {exc}") from None

        return _read_rows(numbered(), header, adapted, path)


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise DataError(_("{path}: no such file").format(path=path)) from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise DataError(
            _("{path}: not a readable .xlsx workbook ({reason})").format(
                path=path, reason=type(exc).__name__
            )
        ) from None


def sheet_kind(path: Path | str) -> Sheet | None:
    """The metadata of a relscale workbook (scoring sheet), or None for a plain table."""
    path = Path(path)
    wb = _open_workbook(path)
    try:
        return _metadata(wb)
    finally:
        wb.close()


def _metadata(wb: Any) -> Sheet | None:
    if FORM_METADATA_SHEET in wb.sheetnames:
        return Sheet(FORM_KIND, {})
    if METADATA_SHEET not in wb.sheetnames:
        return None
    meta: dict[str, str] = {}
    for row in wb[METADATA_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    kind = meta.get("kind")
    return Sheet(kind, meta) if kind else None


def read_xlsx(path: Path | str, adapted: AdaptedInstrument) -> ResponseTable:
    """Read the first sheet of an XLSX table, or the data sheet of a filled scoring sheet."""
    path = Path(path)
    wb = _open_workbook(path)
    try:
        meta = _metadata(wb)
        if meta is not None and meta.kind == SCORING_SHEET_KIND:
            return _read_scoring_sheet(wb, path, adapted, meta.metadata)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise DataError(
                _("{path}: the first sheet is empty, expected a header of item ids").format(
                    path=path
                )
            )
        header = ["" if h is None else str(h) for h in header_row]
        while header and not header[-1]:
            header.pop()
        numbered = ((r, list(cells)) for r, cells in enumerate(rows, start=2))
        return _read_rows(numbered, header, adapted, f"{path} [{ws.title}]")
    finally:
        wb.close()


def _read_scoring_sheet(
    wb: Any, path: Path, adapted: AdaptedInstrument, meta: dict[str, str]
) -> ResponseTable:
    for key in ("instrument", "sector", "perspective"):
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
    header_row = int(meta.get("header_row", "1"))
    inputs = meta.get("input_columns", "").split(",")
    ws = wb[sheet_name]
    rows = ws.iter_rows(min_row=header_row, values_only=True)
    header = ["" if h is None else str(h) for h in next(rows, ())]
    keep = [c for c, name in enumerate(header) if name in inputs]
    source = f"{path} [{ws.title}]"
    sub_header = [header[c] for c in keep]
    numbered = (
        (r, [cells[c] if c < len(cells) else None for c in keep])
        for r, cells in enumerate(rows, start=header_row + 1)
    )
    table = _read_rows(numbered, sub_header, adapted, source)
    table.metadata = dict(meta)
    return table


def read_responses(paths: Sequence[Path | str], adapted: AdaptedInstrument) -> ResponseTable:
    """Read any supported input (see the module docstring) for one adapted instrument."""
    files = [Path(p) for p in paths]
    if not files:
        raise DataError(_("no input files given"))
    if len(files) == 1 and files[0].suffix.lower() == ".csv":
        return read_csv(files[0], adapted)
    if len(files) == 1 and files[0].suffix.lower() in (".xlsx", ".xlsm"):
        kind = sheet_kind(files[0])
        if kind is None or kind.kind == SCORING_SHEET_KIND:
            return read_xlsx(files[0], adapted)
    for p in files:
        if not p.exists():
            raise DataError(_("{path}: no such file or folder").format(path=p))
    return _read_forms(files, adapted)


def _read_forms(paths: list[Path], adapted: AdaptedInstrument) -> ResponseTable:
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
        for name in ("instrument", "sector", "perspective"):
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

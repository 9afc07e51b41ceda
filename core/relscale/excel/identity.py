"""How relscale recognises its own workbooks: the metadata sheet, written and read here only.

Two kinds of workbook carry one:

- a **form** (:mod:`relscale.workbooks.form`): a very hidden, protected sheet
  :data:`FORM_META_SHEET` that starts with ``format = relscale-form`` and
  ``format_version``, then the form's key/value pairs, the ``checksum`` pair, a blank row
  and the item table (:data:`ITEM_TABLE_HEADER`, one row per item);
- a **scoring sheet** (:mod:`relscale.workbooks.scoring_sheet`): a hidden, protected
  sheet :data:`SCORING_META_SHEET` of key/value pairs that starts with
  ``kind = scoring_sheet``.

Builders write the sheet with :func:`add_form_metadata` / :func:`add_scoring_sheet_metadata`;
readers call :func:`recognise` on an openpyxl workbook (or :func:`read_metadata` on rows of
values) and get an :class:`Identity`. The names and values are a file format: forms and
scoring sheets written by earlier versions must still be recognised, so they never change.

The checksum (:func:`layout_checksum`) has no secret: it detects edited or foreign
workbooks and accidental changes, not a determined forger.

This module sits in ``excel/`` because both the builders in ``workbooks/`` and the readers
in ``io/`` need it; it imports neither.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from relscale.excel.sheet import Sheet, SheetProtection, Style, Workbook

FORM_META_SHEET = "relscale_meta"
FORM_FORMAT = "relscale-form"
FORM_FORMAT_VERSION = "1"
FORM_KIND = "form"
"""The kind :func:`recognise` gives a workbook with a :data:`FORM_META_SHEET`."""
SCORING_META_SHEET = "relscale"
SCORING_SHEET_KIND = "scoring_sheet"
ITEM_TABLE_HEADER = ("item", "position", "dimension", "keying", "cell")
"""The header row of a form's item table; the rows below it are the items."""
FORM_FIELDS = ("respondent_code", "subject_code", "date")
"""The header fields of a form; their cells are the pairs ``field.<name>``."""
FORM_ITEM_ID_COLUMN = 4
"""The (hidden) column of a form sheet holding each item row's id, checked on reading."""
CHECKSUM = "checksum"
FIELD_FORMAT_KEY = "field_format"
"""A form's pair saying its code cells are text cells (``text``; forms since issue 25)."""
TEXTS_KEY = "texts"
"""A form's pair listing each text shown on its form sheet: ``B12=<digest> ...``
(:func:`text_digest`; forms since issue 25), checked on reading."""

Pairs = list[tuple[str, str]]
ItemTable = list[tuple[str, ...]]


@dataclass(frozen=True)
class Identity:
    """What a relscale workbook says about itself, as read from its metadata sheet."""

    kind: str
    """:data:`FORM_KIND`, or the ``kind`` of a :data:`SCORING_META_SHEET`."""
    pairs: tuple[tuple[str, str], ...]
    """The key/value pairs in sheet order (for a form, including ``format`` and ``checksum``)."""
    table: tuple[tuple[str, ...], ...] = ()
    """A form's item table (:data:`ITEM_TABLE_HEADER` columns); empty for other kinds."""

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.pairs)

    @property
    def sheet(self) -> str:
        """The name of the metadata sheet this identity was read from."""
        return FORM_META_SHEET if self.kind == FORM_KIND else SCORING_META_SHEET

    @property
    def has_form_header(self) -> bool:
        """True for a form whose metadata starts as relscale writes it (``format``)."""
        return self.kind == FORM_KIND and self.metadata.get("format") == FORM_FORMAT

    @property
    def checksum_matches(self) -> bool:
        """True when the stored checksum matches the pairs and the item table."""
        return self.metadata.get(CHECKSUM) == layout_checksum(self.pairs, self.table)


# --- writing ---------------------------------------------------------------------------


def layout_checksum(pairs: Sequence[tuple[str, str]], table: Sequence[Sequence[str]]) -> str:
    """sha256 over the metadata (every pair but the checksum) and the item table."""
    payload = json.dumps(
        {"meta": [list(p) for p in pairs if p[0] != CHECKSUM], "items": [list(r) for r in table]},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def form_pairs(pairs: Sequence[tuple[str, str]], table: Sequence[Sequence[str]]) -> Pairs:
    """A form's pairs as written: the format header, ``pairs``, then the checksum."""
    full = [("format", FORM_FORMAT), ("format_version", FORM_FORMAT_VERSION), *pairs]
    full.append((CHECKSUM, layout_checksum(full, table)))
    return full


def add_form_metadata(
    book: Workbook,
    pairs: Sequence[tuple[str, str]],
    table: Sequence[Sequence[str]],
    *,
    password: str | None = None,
) -> Sheet:
    """Add a form's metadata sheet (very hidden, protected, text cells) to ``book``.

    :param pairs: the form's key/value pairs, without the format header and checksum,
        which are added here (:func:`form_pairs`).
    :param table: one row per item, in the columns of :data:`ITEM_TABLE_HEADER`.
    """
    book.styles.setdefault("meta", Style(number_format="@"))
    book.styles.setdefault("meta_head", Style(bold=True, number_format="@"))
    meta = book.add_sheet(FORM_META_SHEET, visibility="veryHidden")
    row = _write_pairs(meta, form_pairs(pairs, table), style="meta") + 1
    for col, name in enumerate(ITEM_TABLE_HEADER, start=1):
        meta.set(row, col, name, style="meta_head")
    for record in table:
        row += 1
        for col, value in enumerate(record, start=1):
            meta.set(row, col, value, style="meta")
    meta.column_widths.update({1: 20, 2: 70})
    meta.protection = SheetProtection(password=password)
    return meta


def add_scoring_sheet_metadata(book: Workbook, pairs: Sequence[tuple[str, str]]) -> Sheet:
    """Add a scoring sheet's metadata sheet (hidden, protected): ``kind``, then ``pairs``."""
    meta = book.add_sheet(SCORING_META_SHEET, visibility="hidden")
    _write_pairs(meta, [("kind", SCORING_SHEET_KIND), *pairs])
    meta.protection = SheetProtection()
    return meta


def _write_pairs(sheet: Sheet, pairs: Sequence[tuple[str, str]], style: str | None = None) -> int:
    """Write key/value pairs from row 1 down; return the row after the last."""
    row = 1
    for key, value in pairs:
        sheet.set(row, 1, key, style=style)
        sheet.set(row, 2, value, style=style)
        row += 1
    return row


@functools.lru_cache(maxsize=4096)
def text_digest(text: str) -> str:
    """A short digest of a shown text: NFC, whitespace collapsed (a client may rewrap)."""
    import unicodedata

    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:10]


def shown_texts(sheet: Sheet) -> str:
    """The :data:`TEXTS_KEY` value of a form sheet: every locked text cell (what the
    respondent reads; cells they fill in are unlocked), in reading order."""
    from relscale.excel.sheet import ref

    return " ".join(f"{ref(r, c)}={text_digest(cell.value)}"
                    for (r, c), cell in sorted(sheet.cells.items())
                    if isinstance(cell.value, str) and cell.locked and cell.formula is None)


# --- reading ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A metadata cell as text: empty for None, ``4`` for a whole float, stripped."""
    if type(value) is str:  # nearly every cell: first, cheapest test
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_metadata(rows: Iterable[Sequence[Any]]) -> tuple[Pairs, ItemTable]:
    """The key/value pairs and the item table from the rows of values of a metadata sheet."""
    pairs: Pairs = []
    table: ItemTable = []
    width = len(ITEM_TABLE_HEADER)
    in_table = False
    for row in rows:
        cells = [cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            continue
        if tuple(cells[:width]) == ITEM_TABLE_HEADER:
            in_table = True
            continue
        if in_table:
            table.append(tuple((cells + [""] * width)[:width]))
        else:
            pairs.append((cells[0], cells[1] if len(cells) > 1 else ""))
    return pairs, table


def recognise(wb: Any) -> Identity | None:
    """What an openpyxl workbook (read-only or not) says about itself; None for a workbook
    without relscale metadata (a plain table, a foreign file).

    A workbook with a form metadata sheet is a form (check :attr:`Identity.has_form_header`
    and :attr:`Identity.checksum_matches` before trusting it); one with a scoring-sheet
    metadata sheet is of the ``kind`` it names, and None when it names none.
    """
    names = wb.sheetnames
    if FORM_META_SHEET in names:
        pairs, table = read_metadata(wb[FORM_META_SHEET].iter_rows(values_only=True))
        return Identity(FORM_KIND, tuple(pairs), tuple(table))
    if SCORING_META_SHEET in names:
        rows = wb[SCORING_META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True)
        pairs = [(key, value) for key, value in read_metadata(rows)[0] if key]
        kind = dict(pairs).get("kind")
        return Identity(kind, tuple(pairs)) if kind else None
    return None


def metadata_int(meta: dict[str, str], key: str, default: int, path: object) -> int:
    """A whole number >= 1 from relscale's metadata (a row number): one line for a value
    that is not (a hand-edited or forged metadata sheet)."""
    from relscale.errors import DataError
    from relscale.i18n import _

    text = meta.get(key, "").strip() or str(default)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1_048_576:
        raise DataError(
            _("{path}: relscale metadata {key}={value!r} is not a row number; export a fresh "
              "workbook").format(path=path, key=key, value=text)
        )
    return int(text)

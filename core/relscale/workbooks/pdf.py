"""Workbook models as PDF (LibreOffice, through :mod:`relscale.io.libreoffice`, the one
converter), and books combined for printing.

:func:`write_pdf` writes one workbook model as a PDF (the profile pages, a round's report
and cover list); :func:`books_to_pdfs` writes many, converted in as few LibreOffice starts
as the converter allows (a round's printable forms, one PDF per professional);
:func:`combine_for_print` puts the printed sheets of several workbooks into one (hidden
sheets, such as a form's metadata, are left out: a print book is not read back).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from relscale.excel.sheet import Sheet, Workbook


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    from relscale.io.libreoffice import find_soffice

    return find_soffice()


def write_pdf(book: Workbook, path: Path | str, *, overwrite: bool = False,
              inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``book`` as a PDF at ``path`` (atomically; refuses to overwrite unless asked)."""
    return books_to_pdfs([(book, Path(path))], overwrite=overwrite, inputs=inputs)[0]


def books_to_pdfs(books: Sequence[tuple[Workbook, Path]], *, overwrite: bool = False,
                  inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Write each workbook as a PDF at its path, all in one LibreOffice run; every target
    is checked before anything is written, each is written atomically."""
    from relscale.io.atomic import atomic_write, check_output
    from relscale.io.libreoffice import convert_to_pdf, require_soffice
    from relscale.workbooks import write

    if not books:
        return []
    for _book, path in books:
        check_output(path, overwrite=overwrite, inputs=inputs)
    require_soffice(books[0][1])
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = []
        for k, (book, _path) in enumerate(books):
            target = Path(tmp) / f"book{k:05d}.xlsx"
            write(book, target, overwrite=True)
            xlsx.append(target)
        pdfs = convert_to_pdf(xlsx, tmp, target=books[0][1])
        for pdf, (_book, path) in zip(pdfs, books, strict=True):
            with atomic_write(path, overwrite=overwrite) as target:
                shutil.copyfile(pdf, target)
    return [path for _book, path in books]


SHEETS_PER_PART = 250
"""Sheets (A4 pages, as a round's report lays them out) per workbook LibreOffice converts:
as for the profile pages (:data:`relscale.workbooks.profile.PAIRS_PER_BOOK`), a long
report is made of such parts, several per LibreOffice start, joined in order."""


def write_pdf_parts(books: Sequence[Workbook], path: Path | str, *,
                    overwrite: bool = False, title: str | None = None) -> Path:
    """Write the printed sheets of ``books``, in order, as one PDF: the books are combined
    (:func:`combine_for_print`) into parts of about :data:`SHEETS_PER_PART` sheets, never
    splitting a book, converted in as few LibreOffice starts as the converter allows and
    joined (:func:`relscale.workbooks.profile.join_pdfs`). Written atomically."""
    from relscale.io.atomic import atomic_write, check_output
    from relscale.io.libreoffice import convert_to_pdf, require_soffice
    from relscale.workbooks import write
    from relscale.workbooks.profile import BOOKS_PER_START, join_pdfs

    path = Path(path)
    check_output(path, overwrite=overwrite)
    require_soffice(path)
    parts: list[list[Workbook]] = [[]]
    size = 0
    for book in books:
        n = sum(1 for s in book.sheets if s.visibility == "visible")
        if parts[-1] and size + n > SHEETS_PER_PART:
            parts.append([])
            size = 0
        parts[-1].append(book)
        size += n
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = []
        for k, part in enumerate(parts):
            target = Path(tmp) / f"part{k:05d}.xlsx"
            write(combine_for_print(part, title=title), target, overwrite=True)
            xlsx.append(target)
        pdfs = convert_to_pdf(xlsx, tmp, target=path, chunk=BOOKS_PER_START)
        with atomic_write(path, overwrite=overwrite) as out:
            join_pdfs(pdfs, out)
    return path


def combine_for_print(books: Sequence[Workbook], *, title: str | None = None) -> Workbook:
    """One workbook with the visible sheets of ``books`` in order, for printing.

    Sheet names are made unique (a number is added); a style name two books define
    differently is renamed in the sheets of the later book. Defined names and metadata
    sheets are not carried over.
    """
    combined = Workbook(title=title)
    used: set[str] = set()
    for k, book in enumerate(books):
        rename: dict[str, str] = {}
        for name, style in book.styles.items():
            have = combined.styles.get(name)
            if have is None or have == style:
                combined.styles[name] = style
            else:
                new = f"{name}__{k}"
                combined.styles[new] = style
                rename[name] = new
        for sheet in book.sheets:
            if sheet.visibility != "visible":
                continue
            combined.sheets.append(_copy(sheet, _unique(sheet.name, used), rename))
    return combined


def _unique(name: str, used: set[str]) -> str:
    candidate, k = name[:31], 2
    while candidate in used:
        suffix = f" ({k})"
        candidate = name[: 31 - len(suffix)] + suffix
        k += 1
    used.add(candidate)
    return candidate


def _copy(sheet: Sheet, name: str, rename: dict[str, str]) -> Sheet:
    cells = sheet.cells
    if rename:
        cells = {at: dataclasses.replace(cell, style=rename.get(cell.style, cell.style))
                 if cell.style in rename else cell for at, cell in cells.items()}
    return dataclasses.replace(sheet, name=name, cells=dict(cells), protection=None)

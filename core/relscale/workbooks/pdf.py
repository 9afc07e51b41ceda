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

"""Workbooks as PDF, through LibreOffice (``soffice``), and books combined for printing.

:func:`write_pdf` writes one workbook model as a PDF (the profile pages, a round's report
and cover list); :func:`books_to_pdfs` converts many in one LibreOffice run (a round's
printable forms, one PDF per professional); :func:`combine_for_print` puts the printed
sheets of several workbooks into one (hidden sheets, such as a form's metadata, are left
out: a print book is not read back).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.excel.sheet import Sheet, Workbook
from relscale.i18n import _

TIMEOUT_S = 600


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _need_soffice(path: Path | str) -> str:
    program = soffice()
    if program is None:
        raise RelscaleError(_(
            "{path}: a PDF needs LibreOffice (soffice), which is not installed; write "
            ".xlsx instead and print it, or install LibreOffice").format(path=path))
    return program


def convert(xlsx: Sequence[Path], out_dir: Path, *, what: Path | str) -> list[Path]:
    """Convert workbooks to PDFs in ``out_dir`` in one LibreOffice run (same stems);
    ``what`` names the output in the error when LibreOffice fails."""
    program = _need_soffice(what)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [program, "--headless", "--norestore",
             f"-env:UserInstallation={(Path(profile) / 'lo').as_uri()}",
             "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, xlsx)],
            capture_output=True, text=True, timeout=TIMEOUT_S,
        )
    pdfs = [out_dir / (p.stem + ".pdf") for p in xlsx]
    if done.returncode != 0 or not all(p.exists() for p in pdfs):
        reason = (done.stderr or "").strip().splitlines()[-1:] or ["-"]
        raise RelscaleError(_("{path}: LibreOffice could not make the PDF ({reason})").format(
            path=what, reason=reason[0]))
    return pdfs


def write_pdf(book: Workbook, path: Path | str, *, overwrite: bool = False,
              inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``book`` as a PDF at ``path`` (atomically; refuses to overwrite unless asked)."""
    return books_to_pdfs([(book, Path(path))], overwrite=overwrite, inputs=inputs)[0]


def books_to_pdfs(books: Sequence[tuple[Workbook, Path]], *, overwrite: bool = False,
                  inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Write each workbook as a PDF at its path, all in one LibreOffice run; every target
    is checked before anything is written, each is written atomically."""
    from relscale.io.atomic import atomic_write, check_output
    from relscale.workbooks import write

    if not books:
        return []
    for _book, path in books:
        check_output(path, overwrite=overwrite, inputs=inputs)
    _need_soffice(books[0][1])
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = []
        for k, (book, _path) in enumerate(books):
            target = Path(tmp) / f"book{k:05d}.xlsx"
            write(book, target, overwrite=True)
            xlsx.append(target)
        pdfs = convert(xlsx, Path(tmp), what=books[0][1])
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

"""Workbook builders: one workbook each, laid out on the sheet model of relscale.excel.

:func:`write` is how every workbook reaches the disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relscale.excel.sheet import Workbook


def write(
    book: Workbook,
    path: Path | str,
    *,
    overwrite: bool = False,
    inputs: Iterable[Path | str] = (),
    direct: bool = False,
) -> Path:
    """Render ``book`` to the .xlsx file ``path``, atomically; return the path.

    Refuses an existing ``path`` unless ``overwrite``, and a ``path`` that is one of the
    ``inputs`` (:func:`relscale.io.atomic.check_output`); a failure leaves no file behind
    (:func:`relscale.io.atomic.atomic_write`). With ``direct``, a book the direct writer
    supports (:mod:`relscale.excel.xlsx`: no charts, comments or streamed rows) is written
    without openpyxl; forms are, and ``tests/test_forms_writer.py`` compares the two.
    """
    from relscale.errors import DataError
    from relscale.io.atomic import atomic_write, check_output

    path = check_output(Path(path), overwrite=overwrite, inputs=tuple(map(Path, inputs)))
    if direct:
        from relscale.excel.xlsx import supports

        direct = supports(book)
    with atomic_write(path, overwrite=overwrite) as tmp:
        try:
            if direct:
                from relscale.excel.xlsx import write_xlsx

                write_xlsx(book, tmp)
            else:
                from relscale.excel.render import render

                render(book, tmp)
        except DataError as exc:  # text a cell cannot hold: name the file too
            raise DataError(f"{path}: {exc}") from None
    return path

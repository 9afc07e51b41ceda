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
) -> Path:
    """Write ``book`` to the .xlsx file ``path``, atomically; return the path.

    Refuses an existing ``path`` unless ``overwrite``, and a ``path`` that is one of the
    ``inputs`` (:func:`relscale.io.atomic.check_output`); a failure leaves no file behind
    (:func:`relscale.io.atomic.atomic_write`). Every workbook goes through the one writer,
    :func:`relscale.excel.xlsx.write_xlsx`.
    """
    from relscale.errors import DataError
    from relscale.excel.xlsx import write_xlsx
    from relscale.io.atomic import atomic_write, check_output

    path = check_output(Path(path), overwrite=overwrite, inputs=tuple(map(Path, inputs)))
    with atomic_write(path, overwrite=overwrite) as tmp:
        try:
            write_xlsx(book, tmp)
        except DataError as exc:  # text a cell cannot hold: name the file too
            raise DataError(f"{path}: {exc}") from None
    return path

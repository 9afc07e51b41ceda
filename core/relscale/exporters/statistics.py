"""The codebook in every format ``relscale codebook`` writes: csv, md and xlsx
(:mod:`relscale.workbooks.codebook`), SPSS syntax (``sps``) and an R script (``r``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

FORMATS = ("sps", "r")
"""Formats written here; the others are :data:`relscale.workbooks.codebook.FORMATS`."""
ALL_FORMATS = ("csv", "xlsx", "md", *FORMATS)


def codebook_script_text(adapted: AdaptedInstrument, fmt: str) -> str:
    """The codebook as SPSS syntax (``sps``) or an R script (``r``), labels in the
    current locale."""
    if fmt == "sps":
        from relscale.exporters.spss import codebook_syntax

        return codebook_syntax(adapted)
    if fmt == "r":
        from relscale.exporters.rscript import codebook_script

        return codebook_script(adapted)
    raise RelscaleError(
        _("unknown codebook format {fmt!r} (known: {formats})").format(
            fmt=fmt, formats=", ".join(FORMATS)
        )
    )


def write_codebook_script(
    adapted: AdaptedInstrument, path: Path, fmt: str, *, overwrite: bool = False
) -> None:
    """Write :func:`codebook_script_text` atomically (UTF-8)."""
    from relscale.io.atomic import atomic_write

    text = codebook_script_text(adapted, fmt)
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")


def codebook_format(fmt: str | None, path: Path | str | None = None) -> str:
    """The codebook format (any of :data:`ALL_FORMATS`), as
    :func:`relscale.workbooks.codebook.codebook_format` checks it."""
    from relscale.workbooks.codebook import codebook_format as check

    return check(fmt, path, ALL_FORMATS)


def codebook_as_text(adapted: AdaptedInstrument, fmt: str, *, locale: str | None = None) -> str:
    """The codebook as text in any format but xlsx (labels in ``locale``)."""
    if fmt in FORMATS:
        return codebook_script_text(adapted, fmt)
    from relscale.workbooks.codebook import build_codebook, codebook_text

    return codebook_text(build_codebook(adapted, locale), adapted, fmt)


def write_any_codebook(
    adapted: AdaptedInstrument,
    path: Path | str,
    fmt: str | None = None,
    *,
    locale: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the codebook in ``fmt`` (default from the suffix of ``path``), atomically."""
    kind = codebook_format(fmt, path)
    if kind in FORMATS:
        write_codebook_script(adapted, Path(path), kind, overwrite=overwrite)
        return Path(path)
    from relscale.workbooks.codebook import write_codebook

    return write_codebook(adapted, path, kind, locale=locale, overwrite=overwrite)


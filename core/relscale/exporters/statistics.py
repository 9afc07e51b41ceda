"""Writing the SPSS and R codebooks to files (``relscale codebook --format sps|r``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

FORMATS = ("sps", "r")


def codebook_script_text(adapted: AdaptedInstrument, fmt: str) -> str:
    """The codebook as SPSS syntax (``sps``) or an R script (``r``), labels in the
    current locale."""
    if fmt == "sps":
        from relscale.exporters.spss import codebook_syntax

        return codebook_syntax(adapted)
    if fmt == "r":
        from relscale.exporters.rscript import codebook_script

        return codebook_script(adapted)
    raise RelscaleError(_("unknown codebook format {fmt!r} (csv, xlsx, md, sps or r)").format(
        fmt=fmt))


def write_codebook_script(
    adapted: AdaptedInstrument, path: Path, fmt: str, *, overwrite: bool = False
) -> None:
    """Write :func:`codebook_script_text` atomically (UTF-8)."""
    from relscale.io.atomic import atomic_write

    text = codebook_script_text(adapted, fmt)
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")

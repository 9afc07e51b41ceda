"""Core's own plugin: the three instruments of relscale's item bank, and the standard
exporters (forms, scoring sheets, codebooks) available to ``relscale export``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.i18n import N_
from relscale.model.hookspecs import hookimpl

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

INSTRUMENT_DIR = Path(__file__).parent / "instruments"


@hookimpl
def register_instruments(register: Callable[[Any], None]) -> None:
    from relscale.model.content import load_instrument  # pydantic: not for --help

    for path in sorted(INSTRUMENT_DIR.glob("*.toml")):
        register(load_instrument(path))


def _form(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
    from relscale.workbooks.form import export_form

    export_form(adapted, path, overwrite=overwrite)


def _scoring_sheet(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
    from relscale.workbooks.scoring_sheet import write_scoring_sheet

    write_scoring_sheet(adapted, path, locale=adapted.locale, overwrite=overwrite)


def _codebook(fmt: str) -> Callable[..., None]:
    def export(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
        from relscale.workbooks.codebook import write_codebook

        write_codebook(adapted, path, fmt, locale=adapted.locale, overwrite=overwrite)

    return export


@hookimpl
def register_exporters(register: Callable[[Any], None]) -> None:
    from relscale.registry import Exporter

    # Descriptions are English source strings, translated where they are shown.
    register(Exporter("form", ".xlsx", N_("Fillable, print-ready form (Excel)"), _form))
    register(
        Exporter("scoring-sheet", ".xlsx", N_("Data-entry workbook with live scoring"),
                 _scoring_sheet)
    )
    for fmt, description in (
        ("csv", N_("Codebook (CSV)")),
        ("md", N_("Codebook (Markdown)")),
        ("xlsx", N_("Codebook (Excel)")),
    ):
        register(Exporter(f"codebook-{fmt}", f".{fmt}", description, _codebook(fmt)))
    from relscale.exporters.registration import register_platform_exporters

    register_platform_exporters(register)

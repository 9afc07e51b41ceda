"""``relscale export``: any registered exporter, including those plugins add."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    adapt_noting,
    console,
    handle_errors,
    messages_locale,
    note_err,
    old_format_spelling,
    use_locale,
    written,
)
from relscale.cli.forms import VariantOption
from relscale.i18n import _


def _exporter_names() -> list[str]:
    from relscale.plugins import get_registry

    return list(get_registry().exporters)


def register(app: typer.Typer) -> None:
    app.command("export", cls=old_format_spelling(_exporter_names))(handle_errors(export))
    app.command("exporters")(handle_errors(exporters))


def exporters(locale: LocaleOption = None) -> None:
    """List the export formats (built-in and from plugins)."""
    from rich.table import Table

    from relscale.plugins import get_registry

    use_locale(locale)
    reg = get_registry()
    table = Table(box=None)
    table.add_column(_("Format"), no_wrap=True)
    table.add_column(_("Suffix"))
    table.add_column(_("Description"))
    table.add_column(_("Plugin"))
    for exporter in reg.exporters.values():
        table.add_row(
            exporter.name,
            exporter.suffix,
            _(exporter.description),  # core's are marked N_(); a plugin's stay as given
            reg.origin[("exporter", exporter.name)],
        )
    console().print(table)


def export(
    instrument: Annotated[str, typer.Argument(help="Instrument id.")],
    sector: SectorOption,
    fmt: Annotated[str, typer.Option("--format", "-F", help="Exporter name (see `exporters`).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    perspective: PerspectiveOption = None,
    locale: Annotated[
        list[str] | None,
        typer.Option(
            "--locale",
            "-l",
            help="Locale of the export, e.g. en, nl; repeat it for a form in several "
            "languages (xlsform, limesurvey), the first being the default.",
            show_default=False,
        ),
    ] = None,
    variant: VariantOption = None,
    force: ForceOption = False,
) -> None:
    """Export an adapted instrument with any registered exporter."""
    from relscale.exporters.localized import export_locales
    from relscale.i18n import resolve_locale
    from relscale.plugins import get_registry

    locales: list[str | None] = list(locale) if locale else [None]
    used = use_locale(messages_locale(locales[0]))
    exporter = get_registry().exporter(fmt)
    noted: set[str] = set()
    adapted = [  # each in its own locale; the messages in the user's (``used``)
        adapt_noting(instrument, sector, perspective,
                     used if other is None else resolve_locale(other)[0], noted=noted,
                     variant=variant)
        for other in locales
    ]
    if output.suffix.lower() != exporter.suffix:
        note_err(
            _("{path}: the {name} format usually has the suffix {suffix}").format(
                path=output, name=exporter.name, suffix=exporter.suffix
            )
        )
    export_locales(exporter, adapted, output, overwrite=force)
    written(output)

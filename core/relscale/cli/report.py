"""Reports: ``report adaptation`` (library: relscale.workbooks.adaptation_report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relscale.cli.analysis import (
    ClusterOption,
    CollapseOption,
    CriterionOption,
    EstimatorOption,
    IdentificationOption,
    MissingOption,
    analysis_options,
)
from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    handle_errors,
    note_err,
    spinner,
    use_locale,
    written,
)
from relscale.i18n import _

report_app = typer.Typer(
    help="Reports that document an adaptation.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    report_app.command("adaptation")(handle_errors(adaptation))
    app.add_typer(report_app, name="report")


def adaptation(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The report: a .md or .xlsx file.")
    ],
    perspective: PerspectiveOption = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Responses (CSV or XLSX with item-id columns) for the "
                     "CFA, invariance, reliability and DIF sections.", exists=True,
                     dir_okay=False),
    ] = None,
    group_by: Annotated[
        str, typer.Option("--group-by", "-g", help="The data's group column, usually sector.")
    ] = "sector",
    estimator: EstimatorOption = "auto",
    missing: MissingOption = None,
    cluster: ClusterOption = None,
    identification: IdentificationOption = None,
    criterion: CriterionOption = "both",
    collapse: CollapseOption = None,
    locale: LocaleOption = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Write the ITC adaptation report: changes, rationale, translation status, evidence."""
    from relscale.workbooks.adaptation_report import build_adaptation_report, write_report

    used = use_locale(locale)
    options = analysis_options(estimator, missing, cluster, identification, criterion,
                               collapse=collapse)
    with spinner(_("Writing the report") if data is None else
                 _("Fitting the models for the report")) as status:
        report = build_adaptation_report(instrument, sector, perspective, locale=used,
                                         data=data, group_by=group_by, options=options)
        status.update(_("Writing {path}").format(path=output))
        write_report(report, output, overwrite=force)
    if any(n["status"] == "illustrative" for n in report.norms):
        note_err(_("illustrative norms (synthetic data): not for decisions about individuals"))
    written(output)

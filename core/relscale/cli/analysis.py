"""Equivalence evidence: ``cfa`` and ``invariance`` (library: relscale.equivalence)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    adapt_noting,
    console,
    handle_errors,
    note_err,
    spinner,
    use_locale,
    warn_err,
    written,
)
from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.workbooks.evidence_tables import Table

DataArgument = Annotated[
    Path,
    typer.Argument(
        help="Responses: a CSV or XLSX table with one column per item id (as for score).",
        exists=True, dir_okay=False, show_default=False,
    ),
]
InstrumentOption = Annotated[
    str, typer.Option("--instrument", "-i", help="Instrument id, e.g. relationship_quality.")
]
DataSectorOption = Annotated[
    str, typer.Option("--sector", "-s", help="Sector whose wording the data answer.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Output file; without it the result goes to stdout."),
]
ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite the output file if it exists.")
]
EstimatorOption = Annotated[
    str, typer.Option("--estimator", help="auto, ml, mlr or wlsmv. auto: wlsmv when the items "
                      "have fewer than 5 categories, else ml (mlr with --cluster).")
]
MissingOption = Annotated[
    str | None, typer.Option("--missing", help="fiml, listwise or pairwise. Default: fiml for "
                             "ml/mlr when answers are missing, pairwise for wlsmv.")
]
ClusterOption = Annotated[
    str | None, typer.Option("--cluster", help="Column naming each respondent's cluster (e.g. "
                             "the professional's code): cluster-robust χ² and SEs (mlr).")
]
IdentificationOption = Annotated[
    str | None, typer.Option("--identification", help="std.lv (factor variances 1; default "
                             "for invariance) or marker (first loading 1; default for cfa).")
]
CriterionOption = Annotated[
    str, typer.Option("--criterion", help="chen, lrt or both (a level holds when both say so).")
]
CollapseOption = Annotated[
    str | None, typer.Option("--collapse", help="Merge answer categories before the models: "
                             "ITEM=ANSWER:INTO,... (answers as given, e.g. rqc05=4:3), or auto "
                             "(wlsmv: an answer nobody in some group gave joins its neighbour).")
]

ESTIMATOR_CHOICES = ("auto", "ml", "mlr", "wlsmv")
MISSING_CHOICES = ("fiml", "listwise", "pairwise")
IDENTIFICATION_CHOICES = ("std.lv", "marker")
CRITERION_CHOICES = ("chen", "lrt", "both")


def _choice(option: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise RelscaleError(_("{option} {value!r}: choose from {choices}").format(
            option=option, value=value, choices=", ".join(allowed)))


def analysis_options(estimator: str = "auto", missing: str | None = None,
                     cluster: str | None = None, identification: str | None = None,
                     criterion: str = "both", strict: bool = False,
                     collapse: str | None = None) -> Any:
    """The checked command-line choices as :class:`relscale.equivalence_io.AnalysisOptions`."""
    from relscale.equivalence_collapse import parse_collapse
    from relscale.equivalence_io import AnalysisOptions

    _choice("--estimator", estimator, ESTIMATOR_CHOICES)
    _choice("--missing", missing, MISSING_CHOICES)
    _choice("--identification", identification, IDENTIFICATION_CHOICES)
    _choice("--criterion", criterion, CRITERION_CHOICES)
    return AnalysisOptions(estimator, missing, cluster, identification, criterion, strict,
                           parse_collapse(collapse))


def _note_method(method: Any) -> None:
    """The estimator's one line, and one per merged answer category."""
    if method is None:
        return
    note_err(method.estimator_note)
    for merge in method.collapsed:
        note_err(_("answers merged: {merge} ({reason})").format(merge=merge.text(),
                                                             reason=merge.reason))


def register(app: typer.Typer) -> None:
    app.command("cfa")(handle_errors(cfa))
    app.command("invariance")(handle_errors(invariance))


def _emit(fmt: str, output: Path | None, force: bool, title: str, tables: list[Table],
          data: dict[str, Any], notes: list[str]) -> None:
    """Print or write the evidence as a table, JSON or (``-o``) an xlsx workbook."""
    import json

    from relscale.io.atomic import atomic_write, check_output

    if fmt == "xlsx":
        if output is None:
            raise RelscaleError(_("an xlsx result needs a file: give -o FILE.xlsx"))
        from relscale.excel.xlsx import write_xlsx
        from relscale.workbooks.evidence_tables import tables_workbook

        check_output(output, overwrite=force)
        with atomic_write(output, overwrite=force) as tmp:
            write_xlsx(tables_workbook(title, tables, notes), tmp)
    elif fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        if output is None:
            typer.echo(text, nl=False)
            return
        check_output(output, overwrite=force)
        with atomic_write(output, overwrite=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
    else:
        from relscale.workbooks.evidence_tables import markdown

        if output is not None:
            check_output(output, overwrite=force)
            with atomic_write(output, overwrite=force) as tmp:
                tmp.write_text(f"# {title}\n\n" + "\n".join(notes) + "\n\n" + markdown(tables),
                               encoding="utf-8")
        else:
            _print_tables(title, tables, notes)
            return
    written(output)


def _print_tables(title: str, tables: list[Table], notes: list[str]) -> None:
    from rich.table import Table as RichTable

    from relscale.workbooks.evidence_tables import cell_text

    out = console()
    out.print(title)
    for note in notes:
        out.print(note)
    for t in tables:
        table = RichTable(box=None, pad_edge=False)
        for c in t.columns:
            table.add_column(c)
        for row in t.rows:
            table.add_row(*(cell_text(v, t.digits) for v in row))
        out.print()
        out.print(t.title)
        out.print(table)
        for note in t.notes:
            out.print(note)


def _check_format(fmt: str | None, allowed: tuple[str, ...], output: Path | None) -> str:
    """The format asked for, or the one the output file's suffix names (a table, as
    Markdown, for any other file); a table or JSON is never written into an .xlsx file."""
    suffix = output.suffix.lower() if output is not None else ""
    if fmt is None:
        return {".xlsx": "xlsx", ".json": "json"}.get(suffix, "table")
    kind = fmt.lower()
    if kind not in allowed:
        raise RelscaleError(_("unknown format {fmt!r} (choose from: {choices})").format(
            fmt=fmt, choices=", ".join(allowed)))
    if suffix == ".xlsx" and kind != "xlsx":
        raise RelscaleError(_("{path}: --format {fmt} writes text, not a workbook: use "
                              "--format xlsx, or another file name").format(
                                  path=output, fmt=kind))
    return kind


def cfa(
    data: DataArgument,
    instrument: InstrumentOption,
    sector: DataSectorOption = "education",
    perspective: PerspectiveOption = None,
    estimator: EstimatorOption = "auto",
    missing: MissingOption = None,
    cluster: ClusterOption = None,
    identification: IdentificationOption = None,
    collapse: CollapseOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-F", show_default=False,
        help="table, json or xlsx (needs -o); default: from the -o file's suffix "
        "(.xlsx, .json), else table.")] = None,
    output: OutputOption = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
) -> None:
    """Confirmatory factor analysis of the instrument's own dimensions (as lavaan's cfa)."""
    from relscale.equivalence import cfa_evidence
    from relscale.workbooks.evidence_tables import cfa_tables

    kind = _check_format(fmt, ("table", "json", "xlsx"), output)
    used = use_locale(locale)
    options = analysis_options(estimator, missing, cluster, identification, collapse=collapse)
    adapted = adapt_noting(instrument, sector, perspective, used)
    with spinner(_("Fitting the model")):
        evidence = cfa_evidence(data, adapted, options=options)
    _note_method(evidence.method)
    title = _("CFA: {instrument}, {sector}, {perspective} ({path})").format(
        instrument=adapted.instrument, sector=adapted.sector, perspective=adapted.perspective,
        path=data)
    _emit(kind, output, force, title, cfa_tables(evidence), evidence.to_dict(),
          [adapted.notice])
    for warning in evidence.result.warnings:
        warn_err(warning)


def invariance(
    data: DataArgument,
    instrument: InstrumentOption,
    group_by: Annotated[
        str,
        typer.Option("--group-by", "-g",
                     help="The column that names each respondent's group, usually sector."),
    ],
    sector: DataSectorOption = "education",
    perspective: PerspectiveOption = None,
    estimator: EstimatorOption = "auto",
    missing: MissingOption = None,
    cluster: ClusterOption = None,
    identification: IdentificationOption = None,
    criterion: CriterionOption = "both",
    strict: Annotated[
        bool, typer.Option("--strict", help="Also test equal residual variances (strict).")
    ] = False,
    no_dif: Annotated[
        bool, typer.Option("--no-dif", help="Leave out the ordinal DIF per item.")
    ] = False,
    collapse: CollapseOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-F", show_default=False,
        help="table, json or xlsx (needs -o); default: from the -o file's suffix "
        "(.xlsx, .json), else table.")] = None,
    output: OutputOption = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
) -> None:
    """Measurement invariance across groups, with reliability, item means and DIF per group."""
    from relscale.equivalence import group_evidence
    from relscale.workbooks.evidence_tables import group_tables

    kind = _check_format(fmt, ("table", "json", "xlsx"), output)
    used = use_locale(locale)
    options = analysis_options(estimator, missing, cluster, identification, criterion, strict,
                               collapse)
    adapted = adapt_noting(instrument, sector, perspective, used)
    with spinner(_("Fitting the models per group")):
        evidence = group_evidence(data, adapted, group_by, options=options,
                                  run_dif=not no_dif)
    _note_method(evidence.method)
    title = _("Invariance across {column}: {instrument}, {perspective} ({path})").format(
        column=group_by, instrument=adapted.instrument, perspective=adapted.perspective,
        path=data)
    _emit(kind, output, force, title, group_tables(evidence), evidence.to_dict(),
          [adapted.notice])
    for warning in evidence.invariance.warnings:
        warn_err(warning)

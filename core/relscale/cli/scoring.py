"""Scoring: ``score``, ``codebook`` and ``scoring-sheet``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    adapt_noting,
    handle_errors,
    note_err,
    spinner,
    use_locale,
    warn_err,
    written,
)
from relscale.i18n import _

MAX_WARNINGS = 20
"""Warnings printed one by one; beyond, a count."""

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="Output file.")]
SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", help="The sheet of a workbook to read (default: the first; a "
                 "hidden first sheet must be named).", show_default=False),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Read a survey platform's response export: odk (also Kobo), redcap or "
        "limesurvey (score also recognises them by their columns).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command("score")(handle_errors(score))
    app.command("codebook")(handle_errors(codebook))
    app.command("scoring-sheet")(handle_errors(scoring_sheet))


def score(
    data: Annotated[
        list[Path],
        typer.Argument(
            help="Responses: a CSV or XLSX table with item-id columns, a filled scoring "
            "sheet, the output of 'relscale read', or filled forms (files or a folder).",
            show_default=False,
        ),
    ],
    output: OutputOption,
    instrument: Annotated[
        str | None,
        typer.Option(
            "--instrument", "-i", help="Instrument id (a scoring sheet names its own)."
        ),
    ] = None,
    sector: Annotated[
        str | None,
        typer.Option("--sector", "-s", help="Sector id (a scoring sheet names its own)."),
    ] = None,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    norms: Annotated[
        Path | None,
        typer.Option("--norms", help="A norm table file (TOML) to use instead of the "
                     "registered ones."),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            help="Norm group: KEY=VALUE for everyone, or a column name whose values give "
            "each respondent's group (e.g. --group gender). Repeatable.",
        ),
    ] = None,
    flag_straightlining: Annotated[
        int | None,
        typer.Option(
            "--flag-straightlining",
            min=2,
            help="Flag respondents who gave the same answer to every answered item, over "
            "at least this many answered items.",
            show_default=False,
        ),
    ] = None,
    platform: FromOption = None,
    force: ForceOption = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse duplicate respondents instead of warning."),
    ] = False,
    as_sector: Annotated[
        str | None,
        typer.Option("--as-sector", help="Score data that name their own sector (forms, "
                     "scoring sheets, 'relscale read' output) with another sector's wording "
                     "and norms on purpose; the output records it (scored_as_sector).",
                     show_default=False),
    ] = None,
    decimals: Annotated[
        int, typer.Option("--decimals", min=0, max=15,
                          help="Decimals of the scores in a CSV (the .sav and workbooks keep "
                          "full precision).")
    ] = 4,
    sheet: SheetOption = None,
) -> None:
    """Score responses: raw scale scores, norm scores, and a status for every row."""
    from relscale.outputs import check_scores_output, write_scores
    from relscale.scoring.run import score_files, scoring_key

    used = use_locale(locale)
    check_scores_output(output, overwrite=force, inputs=data)
    key = scoring_key(data, instrument, sector, perspective, as_sector=as_sector)
    adapted = adapt_noting(key.instrument, key.sector, key.perspective, used, norms_file=norms)
    with spinner(_("Scoring")) as status:
        run = score_files(
            data, adapted=adapted, locale=used, groups=group or (),
            straightlining=flag_straightlining, platform=platform, strict=strict, key=key,
            norms_file=norms, sheet=sheet,
        )
        for line in run.notes:
            note_err(line)
        if run.mapping is not None:
            for line in run.mapping.lines():
                note_err(line)
        status.update(_("Writing {path}").format(path=output))
        write_scores(run, output, overwrite=force, decimals=decimals)
    _note_key(key, data)
    for warning in run.warnings[:MAX_WARNINGS]:
        warn_err(warning)
    if len(run.warnings) > MAX_WARNINGS:
        warn_err(_("... and {n} more").format(n=len(run.warnings) - MAX_WARNINGS))
    counts = run.counts
    summary = _("{scored} scored, {incomplete} with missing scales, {rejected} rejected").format(
        scored=counts["scored"], incomplete=counts["incomplete"], rejected=counts["rejected"]
    )
    if run.blank_rows:
        summary += "; " + _("{n} empty rows skipped").format(n=run.blank_rows)
    if run.straightlining is not None:
        summary += "; " + _("{n} flagged for straight-lining").format(n=run.straightlining)
    typer.echo(summary, err=True)
    if "illustrative" in run.norm_statuses:
        note_err(_("illustrative norms (synthetic data): not for decisions about individuals"))
    written(output)


def _note_key(key: Any, data: list[Path]) -> None:
    """Say what the data were scored as where they do not say it themselves, or say
    otherwise (``--as-sector``)."""
    if key.as_sector and key.carried is not None:
        note_err(_("scored as {sector} on purpose (--as-sector), though the data were "
                   "answered on {own} forms ({source}); the output records it in "
                   "scored_as_sector").format(sector=key.sector, own=key.carried.sector,
                                              source=key.carried.source))
    elif key.carried is None:
        note_err(_("{path} does not say which sector's forms it was answered on: scored with "
                   "the wording and norms of {sector} (recorded in scored_as_sector)").format(
            path=data[0] if len(data) == 1 else ", ".join(map(str, data)), sector=key.sector))


def codebook(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Output file; without it csv/md go to stdout."),
    ] = None,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-F",
            help="csv, xlsx, md, sps (SPSS syntax) or r (R script); default from the "
            "output's suffix.",
        ),
    ] = None,
    norms: Annotated[
        Path | None, typer.Option("--norms", help="A norm table file (TOML), as for score.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write a codebook: every variable of the data and of the scored output."""
    from relscale.exporters.statistics import codebook_as_text, codebook_format, write_any_codebook

    used = use_locale(locale)
    kind = codebook_format(fmt, output)
    adapted = adapt_noting(instrument, sector, perspective, used, norms_file=norms)
    if output is None:
        typer.echo(codebook_as_text(adapted, kind, locale=used), nl=False)
        return
    write_any_codebook(adapted, output, kind, locale=used, overwrite=force)
    written(output)


def scoring_sheet(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    output: OutputOption,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    rows: Annotated[
        int, typer.Option("--rows", min=1, max=5000, help="Number of respondent rows.")
    ] = 100,
    norms: Annotated[
        Path | None, typer.Option("--norms", help="A norm table file (TOML), as for score.")
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option("--group", "-g", help="Norm group KEY=VALUE for the whole sheet."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write a data-entry scoring sheet with live formulas for scale and norm scores."""
    from relscale.scoring.norms import parse_group_specs
    from relscale.workbooks.scoring_sheet import check_scoring_sheet_path, write_scoring_sheet

    used = use_locale(locale)
    check_scoring_sheet_path(output, overwrite=force)  # before the work of adapting
    adapted = adapt_noting(instrument, sector, perspective, used, norms_file=norms)
    fixed = parse_group_specs(group or [], columns=False).fixed
    if norms is not None and adapted.norms:
        from relscale.scoring.norms import check_norms_fit

        check_norms_fit(adapted.norms[0], norms, fixed)
    write_scoring_sheet(adapted, output, rows=rows, group=fixed, locale=used, overwrite=force)
    written(output)

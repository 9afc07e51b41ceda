"""Scoring: ``score``, ``codebook`` and ``scoring-sheet``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    handle_errors,
    note_err,
    use_locale,
)
from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument, NormTable

ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite the output file if it exists.")
]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="Output file.")]


def register(app: typer.Typer) -> None:
    app.command("score")(handle_errors(score))
    app.command("codebook")(handle_errors(codebook))
    app.command("scoring-sheet")(handle_errors(scoring_sheet))


def _adapt(
    instrument: str,
    sector: str,
    perspective: str | None,
    locale: str,
    norms: Path | None = None,
) -> AdaptedInstrument:
    from relscale.adapt import adapt

    extra: list[NormTable] = []
    if norms is not None:
        from relscale.scoring.norms import read_norm_table

        table = read_norm_table(norms)
        extra.append(table)
    adapted = adapt(instrument, sector, perspective, locale, norms=extra)  # type: ignore[arg-type]
    for table in extra:
        if (table.instrument, table.sector, table.perspective) != (
            adapted.instrument,
            adapted.sector,
            adapted.perspective,
        ):
            raise RelscaleError(
                _("{path}: norms for {table}, not {adapted}").format(
                    path=norms,
                    table=f"{table.instrument}/{table.sector}/{table.perspective}",
                    adapted=f"{adapted.instrument}/{adapted.sector}/{adapted.perspective}",
                )
            )
    for note in adapted.fallbacks:
        note_err(note)
    return adapted


def _parse_groups(
    specs: list[str], table: Any
) -> tuple[dict[str, str] | list[dict[str, str]] | None, list[str]]:
    """``--group KEY=VALUE`` (everyone) and ``--group KEY`` (from the data column KEY)."""
    fixed: dict[str, str] = {}
    from_columns: list[str] = []
    for spec in specs:
        key, sep, value = spec.partition("=")
        key = key.strip()
        if not key:
            raise RelscaleError(
                _("--group {spec!r}: expected KEY=VALUE or a column name").format(spec=spec)
            )
        if sep:
            fixed[key] = value.strip()
        else:
            if key not in table.ids:
                raise RelscaleError(
                    _("--group {key}: {source} has no column {key!r} (columns: {columns})").format(
                        key=key, source=table.source,
                        columns=", ".join(table.id_columns) or _("none"),
                    )
                )
            from_columns.append(key)
    if not from_columns:
        return (fixed or None), []
    groups = []
    for i in range(table.n):
        g = dict(fixed)
        for key in from_columns:
            g[key] = table.ids[key][i].strip()
        groups.append(g)
    return groups, from_columns


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
        typer.Option("--norms", help="A norm table file (TOML) to use before the registered ones."),
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
    force: ForceOption = False,
) -> None:
    """Score responses: raw scale scores, norm scores, and a status for every row."""
    from relscale.io.atomic import atomic_write, check_output
    from relscale.io.responses import SCORING_SHEET_KIND, read_responses, sheet_kind
    from relscale.scoring.engine import add_norms, score_responses
    from relscale.scoring.results import build_scored_table, write_csv

    used = use_locale(locale)
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".sav"):
        raise RelscaleError(
            _("{path}: the output must be a .csv, .xlsx or .sav file").format(path=output)
        )
    check_output(output, overwrite=force, inputs=tuple(data))
    if len(data) == 1 and data[0].suffix.lower() == ".xlsx" and data[0].is_file():
        kind = sheet_kind(data[0])
        if kind is not None and kind.kind == SCORING_SHEET_KIND:
            meta = kind.metadata
            instrument = instrument or meta.get("instrument")
            sector = sector or meta.get("sector")
            perspective = perspective or meta.get("perspective")
    if not instrument or not sector:
        key = _form_key(data)
        if key is not None:
            instrument = instrument or key.instrument
            sector = sector or key.sector
            perspective = perspective or key.perspective
    if not instrument or not sector:
        raise RelscaleError(
            _("give --instrument and --sector (only scoring sheets and forms name their own)")
        )
    adapted = _adapt(instrument, sector, perspective, used, norms)
    table = read_responses(data, adapted)
    if table.n == 0:  # a header only, or every row empty: no output to write
        raise RelscaleError(_("{path}: no respondents").format(path=table.source))
    scores = score_responses(
        adapted,
        table.values,
        straightlining=flag_straightlining,
        validate=False,  # the reader validated, naming the file's own rows
        source=table.source,
        rows=table.rows,
    )
    if adapted.norms:
        groups, _columns = _parse_groups(group or [], table)
        add_norms(scores, adapted.norms, groups, locale=used)
    elif group or norms:
        raise RelscaleError(_("no norm table for this instrument, sector and perspective"))
    scored = build_scored_table(table, adapted, scores)
    if suffix == ".sav":
        from relscale.exporters.spss import write_sav

        write_sav(scored, adapted, output, overwrite=force)
    else:
        with atomic_write(output, overwrite=force) as tmp:
            if suffix == ".csv":
                write_csv(scored, tmp)
            else:
                from relscale.excel.render import render
                from relscale.workbooks.results import build_results_workbook

                render(build_results_workbook(scored, adapted, scores, used), tmp)
    counts = scored.summary()
    summary = _("{scored} scored, {incomplete} with missing scales, {rejected} rejected").format(
        scored=counts["scored"], incomplete=counts["incomplete"], rejected=counts["rejected"]
    )
    if table.blank_rows:
        summary += "; " + _("{n} empty rows skipped").format(n=table.blank_rows)
    if scores.straightlining is not None:
        summary += "; " + _("{n} flagged for straight-lining").format(
            n=int(scores.straightlining.sum())
        )
    typer.echo(summary, err=True)
    # Speak of the tables actually applied: a user's --norms table wins over the
    # registered illustrative one, and then nothing illustrative was used.
    statuses = set(scores.norm_status or ())
    if "illustrative" in statuses:
        note_err(_("illustrative norms (synthetic data): not for decisions about individuals"))
    typer.echo(_("{path} written").format(path=output), err=True)


def _form_key(data: list[Path]) -> Any:
    """The instrument key of the first relscale form among the inputs, or None.

    The reader checks later that every form has the same key, so one is enough here.
    """
    from relscale.io.readback import collect_form_paths, read_form

    if not any(p.is_dir() or p.suffix.lower() == ".xlsx" for p in data):
        return None
    for path in collect_form_paths(data):
        if path.suffix.lower() != ".xlsx":
            continue
        form, _problems = read_form(path)
        if form is not None:
            return form.key
        return None
    return None


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
    adapted = _adapt(instrument, sector, perspective, used, norms)
    if output is None:
        typer.echo(codebook_as_text(adapted, kind, locale=used), nl=False)
        return
    write_any_codebook(adapted, output, kind, locale=used, overwrite=force)
    typer.echo(_("{path} written").format(path=output), err=True)


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
    from relscale.workbooks.scoring_sheet import check_scoring_sheet_path, write_scoring_sheet

    used = use_locale(locale)
    check_scoring_sheet_path(output, overwrite=force)  # before the work of adapting
    adapted = _adapt(instrument, sector, perspective, used, norms)
    fixed: dict[str, str] = {}
    for spec in group or []:
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise RelscaleError(_("--group {spec!r}: expected KEY=VALUE").format(spec=spec))
        fixed[key.strip()] = value.strip()
    write_scoring_sheet(adapted, output, rows=rows, group=fixed, locale=used, overwrite=force)
    typer.echo(_("{path} written").format(path=output), err=True)

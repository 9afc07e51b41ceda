"""Norms and psychometrics: ``norms build``, ``norms show``, ``norms list``, ``reliability``
and ``simulate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    PerspectiveOption,
    adapt_noting,
    console,
    handle_errors,
    note_err,
    spinner,
    table,
    use_locale,
    warn_err,
    written,
)
from relscale.cli.scoring import SheetOption
from relscale.errors import RelscaleError
from relscale.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from relscale.reliability.classical import ReliabilityReport
InstrumentOption = Annotated[
    str, typer.Option("--instrument", "-i", help="Instrument id, e.g. relationship_quality.")
]
SectorOpt = Annotated[str, typer.Option("--sector", "-s", help="Sector id, e.g. foster_homes.")]

# Words shown through _() from data values, marked here for extraction.
_WORDS = (N_("normalized"), N_("linear"), N_("listwise"), N_("pairwise"))

norms_app = typer.Typer(
    help="Norm tables: build them from a reference sample, show and list them.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    norms_app.command("build")(handle_errors(build))
    norms_app.command("show")(handle_errors(show))
    norms_app.command("list")(handle_errors(list_tables))
    app.add_typer(norms_app, name="norms")
    app.command("reliability")(handle_errors(reliability))
    app.command("simulate")(handle_errors(simulate))


def _number(value: float, digits: int = 2) -> str:
    import math

    from relscale.messages import format_number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_number(value, digits=digits)


# --- simulate ---------------------------------------------------------------------------


def simulate(
    instrument: InstrumentOption,
    sector: SectorOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The sample CSV to write.")],
    perspective: PerspectiveOption = None,
    n: Annotated[int, typer.Option("--n", help="Number of simulated respondents.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same sample).")] = 1,
    missing: Annotated[
        float, typer.Option("--missing", help="Share of answers left empty at random.")
    ] = 0.02,
    force: ForceOption = False,
    locale: LocaleOption = None,
) -> None:
    """Write a seeded synthetic reference sample (for trying norms; not real data)."""
    from relscale.scoring.simulate import simulate as draw
    from relscale.scoring.simulate import write_sample

    used = use_locale(locale)
    adapted = adapt_noting(instrument, sector, perspective, used)
    with spinner(_("Simulating")):
        sample = draw(adapted, n, seed, missing=missing)
        write_sample(sample, output, overwrite=force)
    written(output, _("{n} simulated respondents ({instrument}/{sector}/{perspective}, "
                      "seed {seed})").format(n=sample.n, instrument=adapted.instrument,
                                             sector=adapted.sector,
                                             perspective=adapted.perspective, seed=seed))


# --- norms build ------------------------------------------------------------------------


def build(
    data: Annotated[Path, typer.Argument(help="Reference sample: CSV or XLSX with item columns.")],
    instrument: InstrumentOption,
    sector: SectorOpt,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o",
            help="Norm table file (.toml); with --group-by a folder for one file per group.",
        ),
    ],
    perspective: PerspectiveOption = None,
    group_by: Annotated[
        str | None,
        typer.Option("--group-by", help="Comma-separated data columns defining norm groups."),
    ] = None,
    min_n: Annotated[
        int, typer.Option("--min-n", help="Smallest N per norm group and dimension.")
    ] = 200,
    status: Annotated[
        str, typer.Option("--status", help="illustrative, local or published.")
    ] = "local",
    source: Annotated[
        str | None, typer.Option("--source", help="Where the sample comes from.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Year of data collection (default: this year).")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A note stored with the table.")
    ] = None,
    banding: Annotated[
        str, typer.Option("--banding", help="Banding scheme: deciles_nl or five_band.")
    ] = "deciles_nl",
    t_score: Annotated[
        str, typer.Option("--t-score", help="normalized (from percentiles) or linear.")
    ] = "normalized",
    force: ForceOption = False,
    locale: LocaleOption = None,
    sheet: SheetOption = None,
) -> None:
    """Build norm tables from a reference sample (raw scores as `relscale score` computes them)."""
    from relscale.scoring.norms import describe_norms
    from relscale.scoring.norms_build import (
        build_norms_from_file,
        check_build_options,
        write_norm_groups,
    )

    used = use_locale(locale)
    check_build_options(status, t_score, min_n)
    columns = [c.strip() for c in (group_by or "").split(",") if c.strip()]
    adapted = adapt_noting(instrument, sector, perspective, used)
    with spinner(_("Building norms")):
        groups = build_norms_from_file(
            data, adapted, group_by=columns, min_n=min_n, status=status, source=source,
            year=year, note=note, banding=banding, t_score=t_score, sheet=sheet,
        )
    paths = write_norm_groups(
        groups, output, grouped=bool(columns), overwrite=force, inputs=(data,)
    )
    report = table()
    report.add_column(_("Norm group"))
    report.add_column("N", justify="right")
    for d in adapted.dimensions:
        report.add_column(f"n {d.id}", justify="right")
    report.add_column(_("File"), overflow="fold")  # a path is worth more than the table width
    for g, path in zip(groups, paths, strict=True):
        assert g.table is not None
        report.add_row(
            g.label if g.group else _("all"),
            str(g.table.population.n),
            *(str(d.n) for d in g.table.dimensions),
            str(path),
        )
    out = console()
    out.print(report)
    out.print(describe_norms(groups[0].table, used))  # type: ignore[arg-type]
    written(output, ngettext("{n} norm table", "{n} norm tables", len(paths)).format(
        n=len(paths)))


# --- norms show / list ------------------------------------------------------------------


def show(
    path: Annotated[Path, typer.Argument(help="A norm table file (.toml).")],
    dimension: Annotated[
        str | None, typer.Option("--dimension", "-d", help="Only this dimension.")
    ] = None,
    locale: LocaleOption = None,
) -> None:
    """Show a norm table: population, banding and every raw-score step."""
    from relscale.scoring.norms import apply_norms, band_label, describe_norms, read_norm_table

    used = use_locale(locale)
    norms = read_norm_table(path)
    out = console()
    out.print(describe_norms(norms, used), style="bold")
    out.print(f"{_('Source')}: {norms.population.source}")
    if norms.population.note:
        out.print(norms.population.note)
    out.print(
        _("Percentile: share of the norm group scoring at or below the raw score; "
          "T: {kind}.").format(kind=_(norms.t_score))
    )
    dims = [d for d in norms.dimensions if dimension in (None, d.dimension)]
    if not dims:
        raise RelscaleError(
            _("{path}: no dimension {dimension!r} in this table").format(
                path=path, dimension=dimension
            )
        )
    for d in dims:
        steps = table(
            f"{d.dimension}: N={d.n}, {_('mean')} {_number(d.mean)}, SD {_number(d.sd)}"
        )
        steps.add_column(_("Raw from"), justify="right")
        steps.add_column(_("Percentile"), justify="right")
        steps.add_column("T", justify="right")
        steps.add_column(_("Band"))
        result = apply_norms(norms, d.dimension, [p.raw for p in d.percentiles])
        for i, p in enumerate(d.percentiles):
            steps.add_row(
                _number(p.raw, 3),
                _number(p.percentile, 1),
                _number(float(result["t"][i]), 1),
                band_label(result["band"][i] or "", used) if result["band"][i] else "—",
            )
        out.print(steps)


def list_tables(
    instrument: Annotated[
        str | None, typer.Option("--instrument", "-i", help="Only this instrument.")
    ] = None,
    sector: Annotated[str | None, typer.Option("--sector", "-s", help="Only this sector.")] = None,
    locale: LocaleOption = None,
) -> None:
    """List the registered norm tables (shipped by plugins) with their status and N."""
    from relscale.plugins import get_registry
    from relscale.scoring.norms import describe_norms

    used = use_locale(locale)
    reg = get_registry()
    out = console()
    tables = [
        t for t in reg.norms
        if instrument in (None, t.instrument) and sector in (None, t.sector)
    ]
    for t in tables:
        out.print(describe_norms(t, used))
    if not tables:
        out.print(_("No norm tables registered for this selection."))


# --- reliability ------------------------------------------------------------------------


def reliability(
    data: Annotated[Path, typer.Argument(help="Responses: CSV (or XLSX for an instrument).")],
    instrument: Annotated[
        str | None, typer.Option("--instrument", "-i", help="Every dimension of an instrument.")
    ] = None,
    sector: Annotated[
        str | None, typer.Option("--sector", "-s", help="Sector (with --instrument).")
    ] = None,
    perspective: PerspectiveOption = None,
    items: Annotated[
        str | None, typer.Option("--items", help="Ad hoc scale: comma-separated item columns.")
    ] = None,
    reverse: Annotated[
        str | None,
        typer.Option("--reverse", help="Reverse-keyed items of --items (comma-separated)."),
    ] = None,
    scale_min: Annotated[
        float | None, typer.Option("--scale-min", help="Lowest answer, for --reverse.")
    ] = None,
    scale_max: Annotated[
        float | None, typer.Option("--scale-max", help="Highest answer, for --reverse.")
    ] = None,
    missing: Annotated[
        str, typer.Option("--missing", help="listwise (default) or pairwise.")
    ] = "listwise",
    ordinal: Annotated[
        bool | None,
        typer.Option("--ordinal/--no-ordinal", show_default=False,
                     help="Ordinal alpha and categorical omega (with its CI) too. Default: "
                     "when the response scale has fewer than 5 points."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-F", help="table or json.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file: .json or .xlsx.")
    ] = None,
    force: ForceOption = False,
    locale: LocaleOption = None,
    sheet: SheetOption = None,
) -> None:
    """Cronbach's alpha, standardized alpha, McDonald's omega and item statistics per scale."""
    import json

    from relscale.outputs import check_reliability_output, write_reliability
    from relscale.reliability.classical import (
        check_missing,
        instrument_reliability,
        item_reliability,
    )

    used = use_locale(locale)
    check_missing(missing)
    if fmt not in ("table", "json"):
        raise RelscaleError(_("--format {fmt!r}: choose table or json").format(fmt=fmt))
    if output is not None:
        check_reliability_output(output, overwrite=force, inputs=(data,))
    if instrument and items:
        raise RelscaleError(_("give either --instrument or --items, not both"))
    if instrument:
        if not sector:
            raise RelscaleError(_("--instrument needs --sector"))
        adapted = adapt_noting(instrument, sector, perspective, used)
        report = instrument_reliability(data, adapted, missing, sheet, ordinal)
    elif items:
        report = item_reliability(
            data, _names(items), _names(reverse), scale_min, scale_max, missing, sheet, ordinal
        )
    else:
        raise RelscaleError(_("give --instrument (with --sector) or --items"))
    if output is not None:
        write_reliability(report, output, overwrite=force)
    note_err(report.ordinal_note)
    for scale in report.scales:
        for warning in scale.warnings:
            warn_err(warning)
    if fmt == "json" and output is None:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "table":
        _print_reliability(report)
    if output is not None:
        written(output)


def _names(option: str | None) -> list[str]:
    """A comma-separated option as names."""
    return [name.strip() for name in (option or "").split(",") if name.strip()]


def _print_reliability(report: ReliabilityReport) -> None:
    results = report.scales
    out = console()
    out.print(report.title, style="bold")
    summary = table()
    summary.add_column(_("Scale"))
    summary.add_column("k", justify="right")
    summary.add_column("N", justify="right")
    summary.add_column(_("alpha"), justify="right")
    summary.add_column(_("alpha (std.)"), justify="right")
    summary.add_column(_("alpha 95% CI (Feldt)"), justify="right")
    summary.add_column("omega", justify="right")
    summary.add_column(_("Mean"), justify="right")
    summary.add_column("SD", justify="right")
    for r in results:
        summary.add_row(
            r.scale, str(r.k), f"{r.n} / {r.n_total}", _number(r.alpha), _number(r.alpha_std),
            f"{_number(r.ci_feldt[0])} - {_number(r.ci_feldt[1])}",
            _number(r.omega), _number(r.mean), _number(r.sd),
        )
    out.print(summary)
    ordinal = [r for r in results if r.ordinal is not None]
    if ordinal:
        extra = table(_("Ordinal items"))
        extra.add_column(_("Scale"))
        extra.add_column("N", justify="right")
        extra.add_column(_("ordinal alpha"), justify="right")
        extra.add_column(_("categorical omega"), justify="right")
        extra.add_column(_("omega 95% CI"), justify="right")
        for r in ordinal:
            o = r.ordinal
            assert o is not None
            extra.add_row(r.scale, str(o.n), _number(o.ordinal_alpha),
                          _number(o.categorical_omega),
                          f"{_number(o.omega_ci[0])} - {_number(o.omega_ci[1])}")
        out.print(extra)
    for r in results:
        detail = table(f"{r.scale}: {_('items')}")
        detail.add_column(_("Item"))
        detail.add_column("n", justify="right")
        detail.add_column(_("Mean"), justify="right")
        detail.add_column("SD", justify="right")
        detail.add_column(_("r item-rest"), justify="right")
        detail.add_column(_("alpha if deleted"), justify="right")
        for i in r.items:
            detail.add_row(
                i.item, str(i.n), _number(i.mean), _number(i.sd), _number(i.r_drop),
                _number(i.alpha_if_deleted),
            )
        out.print(detail)
    missing = results[0].missing if results else "listwise"
    out.print(
        _("N: respondents used ({missing}) / respondents with any answer. Omega: one-factor "
          "model, iterated principal axis; r item-rest: corrected item-total correlation.")
        .format(missing=_(missing)),
        style="italic",
    )
    if missing == "pairwise":
        out.print(_("Confidence intervals of alpha on N = every respondent in the file, as "
                    "psych::alpha computes them."), style="italic")
    if ordinal:
        out.print(_("Ordinal alpha: alpha of the polychoric correlations. Categorical omega: "
                    "Green & Yang (2009) from a one-factor WLSMV model per scale, with a "
                    "delta-method 95% CI."), style="italic")

"""Norms and psychometrics: ``norms build``, ``norms show``, ``norms list``, ``reliability``
and ``simulate``."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    console,
    handle_errors,
    note_err,
    use_locale,
)
from relscale.errors import DataError, RelscaleError
from relscale.i18n import N_, _, where

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument
    from relscale.scoring.norms_build import NormGroup
    from relscale.scoring.reliability import ScaleReliability

ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite output files that exist.")
]
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


def _adapt(instrument: str, sector: str, perspective: str | None, locale: str) -> Any:
    from relscale.adapt import adapt

    adapted = adapt(instrument, sector, perspective, locale)  # type: ignore[arg-type]
    for note in adapted.fallbacks:
        note_err(note)
    return adapted


def _number(value: float, digits: int = 2) -> str:
    import math

    from relscale.i18n import format_number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_number(value, digits=digits)


def _table(title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")


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
    adapted = _adapt(instrument, sector, perspective, used)
    sample = draw(adapted, n, seed, missing=missing)
    write_sample(sample, output, overwrite=force)
    typer.echo(
        _("{n} simulated respondents ({instrument}/{sector}/{perspective}, seed {seed}) "
          "written to {path}").format(
            n=sample.n,
            instrument=adapted.instrument,
            sector=adapted.sector,
            perspective=adapted.perspective,
            seed=seed,
            path=output,
        )
    )


# --- norms build ------------------------------------------------------------------------


def build_from_file(
    data: Path,
    adapted: AdaptedInstrument,
    *,
    group_by: list[str],
    min_n: int,
    status: str,
    source: str | None,
    year: int | None,
    note: str | None = None,
    banding: str = "deciles_nl",
    t_score: str = "normalized",
) -> list[NormGroup]:
    """What ``norms build`` does before writing: read, score, split into groups, build.

    ``scripts/build_illustrative_norms.py`` calls this too, so shipped tables are made
    exactly as a user's.
    """
    from relscale.io.responses import read_responses
    from relscale.scoring.norms_build import build_norm_tables

    table = read_responses([data], adapted)
    if table.n == 0:
        raise DataError(_("{path}: no respondents").format(path=data))
    return build_norm_tables(
        adapted,
        table.values,
        ids=table.ids,
        group_by=group_by,
        min_n=min_n,
        status=status,
        source=source or f"reference sample {data.name}",
        year=year or datetime.date.today().year,
        note=note,
        banding=banding,
        t_score=t_score,
        data_name=data,
    )


def output_paths(groups: list[NormGroup], output: Path, grouped: bool) -> list[Path]:
    """One file without grouping; ``<folder>/all.toml`` and ``<folder>/<group>.toml`` with."""
    if not grouped:
        return [output]
    return [output / f"{g.file_stem}.toml" for g in groups]


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
) -> None:
    """Build norm tables from a reference sample (raw scores as `relscale score` computes them)."""
    from relscale.io.atomic import check_output
    from relscale.scoring.norms import describe_norms, write_norm_table

    used = use_locale(locale)
    if status not in ("illustrative", "local", "published"):
        raise RelscaleError(
            _("--status {status!r}: choose illustrative, local or published").format(
                status=status
            )
        )
    if t_score not in ("normalized", "linear"):
        raise RelscaleError(
            _("--t-score {t_score!r}: choose normalized or linear").format(t_score=t_score)
        )
    if min_n < 2:
        raise RelscaleError(_("--min-n must be at least 2, got {min_n}").format(min_n=min_n))
    columns = [c.strip() for c in (group_by or "").split(",") if c.strip()]
    adapted = _adapt(instrument, sector, perspective, used)
    groups = build_from_file(
        data, adapted, group_by=columns, min_n=min_n, status=status, source=source,
        year=year, note=note, banding=banding, t_score=t_score,
    )
    grouped = bool(columns)
    if grouped and output.exists() and not output.is_dir():
        raise RelscaleError(
            _("{path}: with --group-by, -o names a folder (one file per group)").format(
                path=output
            )
        )
    paths = output_paths(groups, output, grouped)
    for path in paths:  # check every target before writing any
        check_output(path, overwrite=force, inputs=(data,))
    out = console()
    report = _table()
    report.add_column(_("Norm group"))
    report.add_column("N", justify="right")
    for d in adapted.dimensions:
        report.add_column(f"n {d.id}", justify="right")
    report.add_column(_("File"), overflow="fold")  # a path is worth more than the table width
    for g, path in zip(groups, paths, strict=True):
        table = g.table
        assert table is not None
        write_norm_table(table, path, overwrite=force)
        report.add_row(
            g.label if g.group else _("all"),
            str(table.population.n),
            *(str(d.n) for d in table.dimensions),
            str(path),
        )
    out.print(report)
    out.print(describe_norms(groups[0].table, used))  # type: ignore[arg-type]


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
    table = read_norm_table(path)
    out = console()
    out.print(describe_norms(table, used), style="bold")
    out.print(f"{_('Source')}: {table.population.source}")
    if table.population.note:
        out.print(table.population.note)
    out.print(
        _("Percentile: share of the norm group scoring at or below the raw score; "
          "T: {kind}.").format(kind=_(table.t_score))
    )
    dims = [d for d in table.dimensions if dimension in (None, d.dimension)]
    if not dims:
        raise RelscaleError(
            _("{path}: no dimension {dimension!r} in this table").format(
                path=path, dimension=dimension
            )
        )
    for d in dims:
        steps = _table(
            f"{d.dimension}: N={d.n}, {_('mean')} {_number(d.mean)}, SD {_number(d.sd)}"
        )
        steps.add_column(_("Raw from"), justify="right")
        steps.add_column(_("Percentile"), justify="right")
        steps.add_column("T", justify="right")
        steps.add_column(_("Band"))
        result = apply_norms(table, d.dimension, [p.raw for p in d.percentiles])
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


def read_item_columns(path: Path, items: list[str]) -> Any:
    """Numeric item columns of a CSV file (``,`` or ``;``), NaN for empty/NA cells.

    Errors name the file, row and column of the first bad cell.
    """
    import csv

    import numpy as np

    from relscale.io.responses import MISSING_SPELLINGS, check_text_file

    check_text_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(_("{path}: no such file").format(path=path)) from None
    except UnicodeDecodeError:
        raise DataError(
            _("{path}: not a UTF-8 text file; save the CSV as UTF-8").format(path=path)
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise DataError(_("{path}: empty file, expected a header row").format(path=path))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    for item in items:
        if header.count(item) > 1:
            first = header.index(item)
            raise DataError(
                _("{where}: the column name appears twice (columns {first} and {second})").format(
                    where=where(path, 1, item), first=first + 1,
                    second=header.index(item, first + 1) + 1,
                )
            )
    missing = [i for i in items if i not in header]
    if missing:
        raise DataError(
            _("{where}: no column(s) {columns}").format(
                where=where(path, 1), columns=", ".join(missing)
            )
        )
    index = [header.index(i) for i in items]
    values = []
    for r, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = []
        for item, c in zip(items, index, strict=True):
            cell = cells[c].strip() if c < len(cells) else ""
            if cell in MISSING_SPELLINGS:
                row.append(np.nan)
                continue
            try:
                row.append(float(cell.replace(",", ".")))
            except ValueError:
                raise DataError(
                    _("{where}: {value!r} is not a number").format(
                        where=where(path, r, item), value=cell
                    )
                ) from None
        values.append(row)
    if not values:
        raise DataError(_("{path}: no respondents").format(path=path))
    return np.array(values, dtype=float).reshape(len(values), len(items))


def instrument_scales(
    data: Path, adapted: AdaptedInstrument, missing: str
) -> list[ScaleReliability]:
    """Reliability of every dimension of an adapted instrument, from a response file."""
    from relscale.io.responses import read_responses
    from relscale.scoring.reliability import scale_reliability

    table = read_responses([data], adapted)
    if table.n == 0:
        raise DataError(_("{path}: no respondents").format(path=data))
    results = []
    for d in adapted.dimensions:
        cols = [k for k, item in enumerate(adapted.items) if item.dimension == d.id]
        results.append(
            scale_reliability(
                table.values[:, cols],
                [adapted.items[k].id for k in cols],
                scale=d.id,
                reverse=[adapted.items[k].keying == "-" for k in cols],
                scale_min=adapted.scale.min,
                scale_max=adapted.scale.max,
                missing=missing,  # type: ignore[arg-type]
            )
        )
    return results


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
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file: .json or .xlsx.")
    ] = None,
    force: ForceOption = False,
    locale: LocaleOption = None,
) -> None:
    """Cronbach's alpha, standardized alpha, McDonald's omega and item statistics per scale."""
    import json

    from relscale.io.atomic import atomic_write
    from relscale.scoring.reliability import scale_reliability

    used = use_locale(locale)
    if missing not in ("listwise", "pairwise"):
        raise RelscaleError(
            _("--missing {missing!r}: choose listwise or pairwise").format(missing=missing)
        )
    if fmt not in ("table", "json"):
        raise RelscaleError(_("--format {fmt!r}: choose table or json").format(fmt=fmt))
    if output is not None and output.suffix.lower() not in (".json", ".xlsx"):
        raise RelscaleError(
            _("{path}: the output file must end in .json or .xlsx").format(path=output)
        )
    if output is not None:
        from relscale.io.atomic import check_output

        check_output(output, overwrite=force, inputs=(data,))
    title: str
    if instrument and items:
        raise RelscaleError(_("give either --instrument or --items, not both"))
    if instrument:
        if not sector:
            raise RelscaleError(_("--instrument needs --sector"))
        adapted = _adapt(instrument, sector, perspective, used)
        results = instrument_scales(data, adapted, missing)
        title = f"{adapted.instrument} / {adapted.sector} / {adapted.perspective}"
    elif items:
        names = [i.strip() for i in items.split(",") if i.strip()]
        flipped = [i.strip() for i in (reverse or "").split(",") if i.strip()]
        unknown = [i for i in flipped if i not in names]
        if unknown:
            raise RelscaleError(
                _("--reverse {items}: not among --items").format(items=", ".join(unknown))
            )
        if flipped and (scale_min is None or scale_max is None):
            raise RelscaleError(_("--reverse needs --scale-min and --scale-max"))
        values = read_item_columns(data, names)
        results = [
            scale_reliability(
                values, names, scale="scale", reverse=[n in flipped for n in names],
                scale_min=scale_min, scale_max=scale_max, missing=missing,  # type: ignore[arg-type]
            )
        ]
        title = str(data)
    else:
        raise RelscaleError(_("give --instrument (with --sector) or --items"))

    payload = {"data": str(data), "title": title, "scales": [r.to_dict() for r in results]}
    if output is not None and output.suffix.lower() == ".json":
        with atomic_write(output, overwrite=force) as tmp:
            tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    elif output is not None:
        from relscale.excel.render import render
        from relscale.workbooks.reliability import reliability_workbook

        book = reliability_workbook(title, results)
        with atomic_write(output, overwrite=force) as tmp:
            render(book, tmp)
    if fmt == "json" and output is None:
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt == "table":
        _print_reliability(title, results)
    if output is not None:
        note_err(_("written to {path}").format(path=output))


def _print_reliability(title: str, results: list[ScaleReliability]) -> None:
    out = console()
    out.print(title, style="bold")
    summary = _table()
    summary.add_column(_("Scale"))
    summary.add_column("k", justify="right")
    summary.add_column("N", justify="right")
    summary.add_column(_("alpha"), justify="right")
    summary.add_column(_("alpha (std.)"), justify="right")
    summary.add_column("omega", justify="right")
    summary.add_column(_("Mean"), justify="right")
    summary.add_column("SD", justify="right")
    for r in results:
        summary.add_row(
            r.scale, str(r.k), f"{r.n} / {r.n_total}", _number(r.alpha), _number(r.alpha_std),
            _number(r.omega), _number(r.mean), _number(r.sd),
        )
    out.print(summary)
    for r in results:
        detail = _table(f"{r.scale}: {_('items')}")
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

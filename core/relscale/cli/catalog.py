"""Browsing what is registered: ``sectors``, ``instruments``, ``show`` and ``diff``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    adapt_noting,
    console,
    handle_errors,
    old_format_spelling,
    print_notes,
    table,
    use_locale,
)
from relscale.cli.forms import VariantOption
from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.model.labels import LOCALE_CHANGES, locale_change_label, provenance_label


def register(app: typer.Typer) -> None:
    app.command("sectors")(handle_errors(sectors))
    app.command("instruments")(handle_errors(instruments))
    # -f was --format here: kept one release (-f is --force everywhere)
    old = old_format_spelling(lambda: ("table", "csv", "json"))
    app.command("slots", cls=old)(handle_errors(slots))
    app.command("show", cls=old)(handle_errors(show))
    app.command("diff", cls=old)(handle_errors(diff))


def sectors(locale: LocaleOption = None) -> None:
    """List the registered care sectors, their roles and what they offer."""
    from relscale.catalog import sector_records

    records = sector_records(use_locale(locale))  # the headers below in its language
    listing = table()
    listing.add_column(_("Sector"), no_wrap=True)
    listing.add_column(_("Name"))
    listing.add_column(_("Professional"))
    listing.add_column(_("Client"))
    listing.add_column(_("Offers"))
    listing.add_column(_("Plugin"))
    for r in records:
        listing.add_row(r["sector"], r["name"], r["professional"], r["client"],
                        "\n".join(r["offers"]), r["plugin"])
    console().print(listing)


def instruments(locale: LocaleOption = None) -> None:
    """List the registered instruments with their dimensions and perspectives."""
    from relscale.catalog import instrument_records

    records = instrument_records(use_locale(locale))  # the headers below in its language
    listing = table()
    listing.add_column(_("Instrument"), no_wrap=True)
    listing.add_column(_("Title"))
    listing.add_column(_("Perspectives"), no_wrap=True)
    listing.add_column(_("Dimensions"))
    listing.add_column(_("Items"), justify="right")
    listing.add_column(_("Status"))
    for r in records:
        listing.add_row(
            r["instrument"],
            r["title"],
            ", ".join(r["perspectives"]),
            ", ".join(r["dimensions"]),
            ", ".join(f"{p}: {n}" for p, n in r["items"].items()),
            _("validated") if r["validated"] else _("not yet validated"),
        )
    console().print(listing)


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-F",
        help="table (for reading), csv or json (for documenting an adaptation).",
    ),
]


def _emit_records(records: list[dict[str, Any]], fmt: str) -> bool:
    """Write records as csv/json to stdout; False when the format is 'table'."""
    import json
    import sys

    if fmt == "table":
        return False
    if fmt == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        from relscale.io.csv_safety import dict_writer  # content text: OWASP policy

        writer = dict_writer(sys.stdout, fieldnames=list(records[0]) if records else [])
        writer.writeheader()
        writer.writerows(records)
    else:
        raise RelscaleError(
            _("unknown format {fmt!r} (choose table, csv or json)").format(fmt=fmt)
        )
    return True


def slots(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List an instrument's item slots (id, dimension, keying, intent): what a sector words."""
    from relscale.catalog import slot_records

    slots = slot_records(instrument, perspective, use_locale(locale))  # type: ignore[arg-type]
    if _emit_records(slots.records, fmt):
        return
    listing = table(slots.title)
    listing.add_column(_("Perspective"), no_wrap=True)
    listing.add_column(_("Item"), no_wrap=True)
    listing.add_column(_("Dimension"))
    listing.add_column(_("Keying"), justify="center")
    listing.add_column(_("Intent"))
    for r in slots.records:
        listing.add_row(r["perspective"], r["item"], slots.dimension_labels[r["dimension"]],
                        r["keying"], r["intent"])
    console().print(listing)


def show(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: FormatOption = "table",
    variant: VariantOption = None,
) -> None:
    """Show an instrument as adapted to a sector: instructions, scale and items."""
    from relscale.catalog import item_records
    from relscale.plugins import get_registry

    adapted = adapt_noting(instrument, sector, perspective, use_locale(locale), variant=variant)
    if _emit_records(item_records(adapted), fmt):
        return
    out = console()
    out.print(f"{adapted.title} — {adapted.sector_label}", style="bold")
    out.print(
        f"{_('Respondent')}: {adapted.respondent}    {_('About')}: {adapted.subject}    "
        f"{_('Version')}: {adapted.version}"
    )
    if adapted.variant_label:
        known = ", ".join(v.id for v in get_registry().sector(adapted.sector).variants)
        out.print(f"{_('Respondents')}: {adapted.variant_label} (--variant {adapted.variant}; "
                  f"{known})")
    out.print(adapted.instructions)
    if adapted.administration:
        out.print(f"{_('Administration')}: {adapted.administration}")
    na = adapted.scale.not_applicable
    out.print(
        _("Answers") + ": " + "  ".join(f"{p.value} = {p.label}"
                                        for p in (*adapted.scale.points, *((na,) if na else ())))
    )
    if adapted.scale_rationale:
        out.print(f"{_('Response scale of this sector')}: {adapted.scale_rationale}")
    dims = {d.id: d.label for d in adapted.dimensions}
    listing = table()
    listing.add_column("#", justify="right", no_wrap=True)
    listing.add_column(_("Item"), no_wrap=True)
    listing.add_column(_("Text"))
    listing.add_column(_("Dimension"))
    listing.add_column(_("Keying"), justify="center")
    for item in adapted.items:
        listing.add_row(
            str(item.position), item.id, item.text, dims[item.dimension], item.keying
        )
    out.print(listing)
    out.print(adapted.notice, style="italic")


def diff(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show the education wording beside the sector's, with provenance and rationale."""
    from relscale.catalog import diff_records

    comparison = diff_records(instrument, sector, perspective, use_locale(locale))  # type: ignore[arg-type]
    print_notes((*comparison.adapted.fallbacks, *comparison.source.fallbacks))
    if _emit_records(comparison.records, fmt):
        return
    adapted = comparison.adapted
    listing = table(f"{adapted.title}: {_('education')} → {adapted.sector_label}")
    listing.add_column(_("Item"), no_wrap=True)
    listing.add_column(_("Education"))
    listing.add_column(adapted.sector_label)
    listing.add_column(_("Provenance"))
    listing.add_column(_("Rationale"))
    in_locale = "locale_change" in (comparison.records[0] if comparison.records else {})
    if in_locale:
        listing.add_column(_("Change from English ({locale})").format(locale=adapted.locale))
    for r in comparison.records:
        cells = [
            r["item"],
            r["education"] or "—",
            r["sector"] or "—",
            provenance_label(r["provenance"]),
            r["rationale"],
        ]
        if in_locale:
            cells.append(locale_change_label(r["locale_change"] or None, r["locale_rationale"]))
        listing.add_row(*cells)
    out = console()
    out.print(listing)
    counts = comparison.provenance_counts()
    out.print(
        ", ".join(f"{provenance_label(k)}: {v}" for k, v in sorted(counts.items()))
    )
    if in_locale:
        changes = [r["locale_change"] for r in comparison.records if r["locale_change"]]
        out.print(_("{locale} against English: {counts}").format(
            locale=adapted.locale,
            counts=", ".join(
                f"{_(LOCALE_CHANGES[c])}: {changes.count(c)}" for c in sorted(set(changes))
            ) or "—",
        ))

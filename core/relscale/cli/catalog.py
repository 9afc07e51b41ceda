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
    use_locale,
)
from relscale.errors import RelscaleError
from relscale.i18n import N_, SOURCE_LOCALE, _


def register(app: typer.Typer) -> None:
    app.command("sectors")(handle_errors(sectors))
    app.command("instruments")(handle_errors(instruments))
    app.command("slots")(handle_errors(slots))
    app.command("show")(handle_errors(show))
    app.command("diff")(handle_errors(diff))


def _table(title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_lines=False)


def sectors(locale: LocaleOption = None) -> None:
    """List the registered care sectors, their roles and what they offer."""
    from relscale.i18n import Translator, ctx_field
    from relscale.plugins import get_registry

    used = use_locale(locale)
    reg = get_registry()
    tr = Translator(used)
    table = _table()
    table.add_column(_("Sector"), no_wrap=True)
    table.add_column(_("Name"))
    table.add_column(_("Professional"))
    table.add_column(_("Client"))
    table.add_column(_("Offers"))
    table.add_column(_("Plugin"))
    for sector in reg.sectors.values():

        def t(context: str, source: str, _s: Any = sector) -> str:
            return tr.sector_text(_s, context, source)

        offers = [
            f"{o.instrument}/{o.perspective}" for o in sector.offerings if not o.declined
        ]
        table.add_row(
            sector.id,
            t(ctx_field("sector", "label"), sector.label),
            t(ctx_field(f"role.{sector.professional.id}", "label"), sector.professional.label),
            t(ctx_field(f"role.{sector.client.id}", "label"), sector.client.label),
            "\n".join(offers),
            reg.origin[("sector", sector.id)],
        )
    console().print(table)


def instruments(locale: LocaleOption = None) -> None:
    """List the registered instruments with their dimensions and perspectives."""
    from relscale.i18n import Translator, ctx_field
    from relscale.plugins import get_registry

    used = use_locale(locale)
    reg = get_registry()
    tr = Translator(used)
    table = _table()
    table.add_column(_("Instrument"), no_wrap=True)
    table.add_column(_("Title"))
    table.add_column(_("Perspectives"), no_wrap=True)
    table.add_column(_("Dimensions"))
    table.add_column(_("Items"), justify="right")
    table.add_column(_("Status"))
    for inst in reg.instruments.values():
        title = tr.instrument_text(inst, ctx_field(inst.id, "title"), inst.title)
        counts = ", ".join(f"{p}: {len(inst.slots(p))}" for p in inst.perspectives)
        table.add_row(
            inst.id,
            title,
            ", ".join(inst.perspectives),
            ", ".join(d.id for d in inst.dimensions),
            counts,
            _("validated") if inst.validated else _("not yet validated"),
        )
    console().print(table)


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="table (for reading), csv or json (for documenting an adaptation).",
    ),
]


def _emit_records(records: list[dict[str, Any]], fmt: str) -> bool:
    """Write records as csv/json to stdout; False when the format is 'table'."""
    import csv
    import json
    import sys

    from relscale.errors import RelscaleError

    if fmt == "table":
        return False
    if fmt == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else [])
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
    from relscale.i18n import Translator, ctx_field
    from relscale.plugins import get_registry

    used = use_locale(locale)
    inst = get_registry().instrument(instrument)
    perspectives = [perspective] if perspective else list(inst.perspectives)
    for p in perspectives:
        if p not in inst.perspectives:
            raise RelscaleError(
                _("instrument {instrument!r} has no {perspective!r} perspective "
                  "(it has: {perspectives})").format(
                    instrument=instrument, perspective=p,
                    perspectives=", ".join(inst.perspectives),
                )
            )
    tr = Translator(used)

    def t(owner: str, name: str, source: str) -> str:
        return tr.instrument_text(inst, ctx_field(owner, name), source)

    labels = {d.id: t(f"{inst.id}.{d.id}", "label", d.label) for d in inst.dimensions}
    records = [
        {
            "perspective": slot.perspective,
            "item": slot.id,
            "dimension": slot.dimension,
            "keying": slot.keying,
            "intent": t(slot.id, "intent", slot.intent),
        }
        for slot in inst.items
        if slot.perspective in perspectives
    ]
    if _emit_records(records, fmt):
        return
    table = _table(t(inst.id, "title", inst.title))
    table.add_column(_("Perspective"), no_wrap=True)
    table.add_column(_("Item"), no_wrap=True)
    table.add_column(_("Dimension"))
    table.add_column(_("Keying"), justify="center")
    table.add_column(_("Intent"))
    for r in records:
        table.add_row(r["perspective"], r["item"], labels[r["dimension"]], r["keying"],
                      r["intent"])
    console().print(table)


def show(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show an instrument as adapted to a sector: instructions, scale and items."""
    adapted = adapt_noting(instrument, sector, perspective, use_locale(locale))
    records = [
        {
            "position": i.position,
            "item": i.id,
            "text": i.text,
            "dimension": i.dimension,
            "keying": i.keying,
            "provenance": i.provenance,
        }
        for i in adapted.items
    ]
    if _emit_records(records, fmt):
        return
    out = console()
    out.print(f"{adapted.title} — {adapted.sector_label}", style="bold")
    out.print(
        f"{_('Respondent')}: {adapted.respondent}    {_('About')}: {adapted.subject}    "
        f"{_('Version')}: {adapted.version}"
    )
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
    table = _table()
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(_("Item"), no_wrap=True)
    table.add_column(_("Text"))
    table.add_column(_("Dimension"))
    table.add_column(_("Keying"), justify="center")
    for item in adapted.items:
        table.add_row(
            str(item.position), item.id, item.text, dims[item.dimension], item.keying
        )
    out.print(table)
    out.print(adapted.notice, style="italic")


_PROVENANCE = {
    "unchanged": N_("unchanged"),
    "terms_substituted": N_("terms substituted"),
    "reworded": N_("reworded"),
    "dropped": N_("dropped"),
    "added": N_("added"),
}


def provenance_label(provenance: str) -> str:
    return _(_PROVENANCE[provenance])


_LOCALE_CHANGE = {
    "kept": N_("kept"),
    "terms_substituted": N_("terms substituted"),
    "reworded": N_("reworded"),
}


def locale_change_label(change: str | None, rationale: str | None) -> str:
    """'kept', or the change with its rationale; '—' when none is recorded."""
    if change is None:
        return "—"
    label = _(_LOCALE_CHANGE.get(change, change))
    return f"{label}: {rationale}" if rationale else label


def diff(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show the education wording beside the sector's, with provenance and rationale."""
    from relscale.errors import RelscaleError

    used = use_locale(locale)
    noted: set[str] = set()
    adapted = adapt_noting(instrument, sector, perspective, used, noted=noted)
    try:
        source = adapt_noting(instrument, "education", adapted.perspective, used, noted=noted)
    except RelscaleError as exc:
        raise RelscaleError(
            _("no education wording to compare with ({error}); is the education plugin "
              "loaded?").format(error=exc)
        ) from None
    source_text = {i.id: i.text for i in (*source.items, *source.dropped)}
    rows = sorted(
        (*adapted.items, *adapted.dropped),
        key=lambda i: (i.provenance == "added", i.id),
    )
    records = [
        {
            "item": item.id,
            "dimension": item.dimension,
            "education": source_text.get(item.id, ""),
            "sector": "" if item.provenance == "dropped" else item.text,
            "provenance": item.provenance,
            "rationale": item.rationale,
        }
        for item in rows
    ]
    in_locale = adapted.locale.split("_")[0] != SOURCE_LOCALE
    if in_locale:
        # the locale's own provenance relative to the English wording of the same sector
        for record, item in zip(records, rows, strict=True):
            record["locale_change"] = item.locale_change or ""
            record["locale_rationale"] = item.locale_rationale or ""
    if _emit_records(records, fmt):
        return
    table = _table(f"{adapted.title}: {_('education')} → {adapted.sector_label}")
    table.add_column(_("Item"), no_wrap=True)
    table.add_column(_("Education"))
    table.add_column(adapted.sector_label)
    table.add_column(_("Provenance"))
    table.add_column(_("Rationale"))
    if in_locale:
        table.add_column(_("Change from English ({locale})").format(locale=adapted.locale))
    for item in rows:
        cells = [
            item.id,
            source_text.get(item.id, "—"),
            "—" if item.provenance == "dropped" else item.text,
            provenance_label(item.provenance),
            item.rationale,
        ]
        if in_locale:
            cells.append(locale_change_label(item.locale_change, item.locale_rationale))
        table.add_row(*cells)
    out = console()
    out.print(table)
    counts: dict[str, int] = {}
    for item in rows:
        counts[item.provenance] = counts.get(item.provenance, 0) + 1
    out.print(
        ", ".join(f"{provenance_label(k)}: {v}" for k, v in sorted(counts.items()))
    )
    if in_locale:
        changed = sorted({i.locale_change for i in rows if i.locale_change})
        out.print(_("{locale} against English: {counts}").format(
            locale=adapted.locale,
            counts=", ".join(
                f"{_(_LOCALE_CHANGE[c])}: {sum(i.locale_change == c for i in rows)}"
                for c in changed
            ) or "—",
        ))

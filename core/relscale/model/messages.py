"""Which strings of an instrument or a sector are translatable, each with its message
context (``relscale.i18n.ctx_item`` / ``ctx_field``): what the templates extract and the
catalogs translate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from relscale.i18n import ctx_field, ctx_item

if TYPE_CHECKING:
    from relscale.model.models import Instrument, Sector


def instrument_messages(instrument: Instrument) -> Iterator[tuple[str, str]]:
    """(context, English source) for every translatable string of a core instrument."""
    i = instrument.id
    yield ctx_field(i, "title"), instrument.title
    yield ctx_field(i, "description"), instrument.description
    for d in instrument.dimensions:
        yield ctx_field(f"{i}.{d.id}", "label"), d.label
        yield ctx_field(f"{i}.{d.id}", "description"), d.description
    for p in instrument.scale.points:
        yield ctx_field(f"{i}.scale", str(p.value)), p.label
    if instrument.scale.not_applicable is not None:
        yield ctx_field(f"{i}.scale", "na"), instrument.scale.not_applicable.label
    for slot in instrument.items:
        yield ctx_field(slot.id, "intent"), slot.intent


def sector_messages(sector: Sector) -> Iterator[tuple[str, str]]:
    """(context, English source) for every translatable string of a sector."""
    yield ctx_field("sector", "label"), sector.label
    yield ctx_field("sector", "description"), sector.description
    for role in (sector.professional, sector.client):
        yield ctx_field(f"role.{role.id}", "label"), role.label
        yield ctx_field(f"role.{role.id}", "plural"), role.plural
        if role.spoken_label:
            yield ctx_field(f"role.{role.id}", "spoken_label"), role.spoken_label
    for v in sector.variants:
        yield ctx_field(f"variant.{v.id}", "label"), v.label
        yield ctx_field(f"variant.{v.id}", "spoken_label"), v.spoken_label
    for o in sector.offerings:
        owner = f"{o.instrument}.{o.perspective}"
        for name in ("declined", "title", "instructions", "administration"):
            value = getattr(o, name)
            if value:
                yield ctx_field(owner, name), value
        if o.scale is not None:
            for p in o.scale.points:
                yield ctx_field(f"{owner}.scale", str(p.value)), p.label
            if o.scale.not_applicable is not None:
                yield ctx_field(f"{owner}.scale", "na"), o.scale.not_applicable.label
            yield ctx_field(f"{owner}.scale", "rationale"), o.scale.rationale
        if o.practice is not None:
            for n, statement in enumerate(o.practice.statements, start=1):
                yield ctx_field(f"{owner}.practice", str(n)), statement.text
            yield ctx_field(owner, "practice_script"), o.practice.script
        for w in o.items:
            if w.text:
                yield ctx_item(w.item), w.text
            yield ctx_field(w.item, "rationale"), w.rationale
            if w.intent:
                yield ctx_field(w.item, "intent"), w.intent

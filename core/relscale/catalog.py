"""What is registered, as records: the rows ``sectors``, ``instruments``, ``slots``,
``show`` and ``diff`` print (and write as csv or json).

Each record is a flat dict of strings, in the locale asked for, so a script can write
it as it is; the command line only lays records out as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import CORE_LOCALE_DIR, SOURCE_LOCALE, Translator, _, ctx_field

if TYPE_CHECKING:
    from relscale.catalog_cache import Entries
    from relscale.model.models import AdaptedInstrument, Perspective
    from relscale.registry import Registry

Record = dict[str, Any]


def _registry(registry: Registry | None) -> Registry:
    if registry is None:
        from relscale.plugins import get_registry

        return get_registry()
    return registry


def _listing(registry: Registry | None) -> Entries:
    from relscale.catalog_cache import listing, listing_entries

    return listing() if registry is None else listing_entries(registry)


def sector_records(
    locale: str = SOURCE_LOCALE, *, registry: Registry | None = None
) -> list[Record]:
    """One record per registered sector: ``sector``, ``name``, ``professional`` and
    ``client`` (role labels), ``offers`` (``instrument/perspective`` it does not decline)
    and ``plugin`` (where it was registered from).

    Without ``registry``, the process-wide one; its listing fields may come from the
    cache of :mod:`relscale.catalog_cache` (the same records, without validating again)."""
    tr = Translator(locale)
    records = []
    for sector in _listing(registry)["sectors"]:

        def t(context: str, source: str, _s: Record = sector) -> str:
            return tr.lookup(source, context=context, domain=_s["domain"],
                             locale_dir=_s["locale_dir"])

        (professional, professional_label), (client, client_label) = (
            sector["professional"], sector["client"])
        records.append({
            "sector": sector["sector"],
            "name": t(ctx_field("sector", "label"), sector["label"]),
            "professional": t(ctx_field(f"role.{professional}", "label"), professional_label),
            "client": t(ctx_field(f"role.{client}", "label"), client_label),
            "offers": list(sector["offers"]),
            "plugin": sector["plugin"],
        })
    return records


def instrument_records(
    locale: str = SOURCE_LOCALE, *, registry: Registry | None = None
) -> list[Record]:
    """One record per registered instrument: ``instrument``, ``title``, ``perspectives``,
    ``dimensions`` (ids), ``items`` (count per perspective) and ``validated``.

    Without ``registry``, as :func:`sector_records`."""
    tr = Translator(locale)
    return [
        {
            "instrument": inst["instrument"],
            "title": tr.lookup(inst["title"], context=ctx_field(inst["instrument"], "title"),
                               domain=inst["domain"],
                               locale_dir=inst["locale_dir"] or CORE_LOCALE_DIR),
            "perspectives": list(inst["perspectives"]),
            "dimensions": list(inst["dimensions"]),
            "items": dict(inst["items"]),
            "validated": inst["validated"],
        }
        for inst in _listing(registry)["instruments"]
    ]


@dataclass(frozen=True)
class SlotListing:
    """An instrument's item slots: what every sector words."""

    title: str
    dimension_labels: dict[str, str]
    records: list[Record]
    """``perspective``, ``item``, ``dimension``, ``keying``, ``intent`` per slot."""


def slot_records(
    instrument: str,
    perspective: Perspective | None = None,
    locale: str = SOURCE_LOCALE,
    *,
    registry: Registry | None = None,
) -> SlotListing:
    """The item slots of an instrument (of one perspective, or all), intents in ``locale``.

    :raises RelscaleError: an unknown instrument, or a perspective it does not have.
    """
    inst = _registry(registry).instrument(instrument)
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
    tr = Translator(locale)

    def t(owner: str, name: str, source: str) -> str:
        return tr.instrument_text(inst, ctx_field(owner, name), source)

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
    return SlotListing(
        title=t(inst.id, "title", inst.title),
        dimension_labels={d.id: t(f"{inst.id}.{d.id}", "label", d.label)
                          for d in inst.dimensions},
        records=records,
    )


def item_records(adapted: AdaptedInstrument) -> list[Record]:
    """The items of an adapted instrument: ``position``, ``item``, ``text``, ``dimension``,
    ``keying``, ``provenance`` (what ``relscale show`` lists)."""
    return [
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


@dataclass(frozen=True)
class Comparison:
    """A sector's wording beside the education source's (``relscale diff``)."""

    adapted: AdaptedInstrument
    source: AdaptedInstrument
    """The education wording of the same instrument and perspective."""
    records: list[Record]
    """``item``, ``dimension``, ``education``, ``sector`` (empty when dropped),
    ``provenance`` and ``rationale``; added items last."""

    def provenance_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.records:
            counts[record["provenance"]] = counts.get(record["provenance"], 0) + 1
        return counts


def diff_records(
    instrument: str,
    sector: str,
    perspective: Perspective | None = None,
    locale: str = SOURCE_LOCALE,
    *,
    registry: Registry | None = None,
) -> Comparison:
    """The education wording of every item beside the sector's, with provenance.

    Locale fallback notes are in ``adapted.fallbacks`` and ``source.fallbacks``.

    :raises RelscaleError: as :func:`relscale.adapt`, or no education wording to compare.
    """
    from relscale.adapt import adapt

    adapted = adapt(instrument, sector, perspective, locale, registry=registry)
    try:
        source = adapt(instrument, "education", adapted.perspective, locale, registry=registry)
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
    if adapted.locale.split("_")[0] != SOURCE_LOCALE:
        # the locale's own provenance relative to the English wording of the same sector
        for record, item in zip(records, rows, strict=True):
            record["locale_change"] = item.locale_change or ""
            record["locale_rationale"] = item.locale_rationale or ""
    return Comparison(adapted, source, records)

"""The sector contract as check functions: each returns the problems it finds.

:class:`relscale.testing.SectorContract` (the pytest suite every sector plugin runs) and
``relscale plugin check`` call the same functions, so a plugin author sees the same rule
in both places. Every function takes the sector and the registry it is checked against
and reports problems naming the sector file and the entry (an offering or an item).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from relscale.i18n import _, catalog_languages
from relscale.model.models import Instrument, Offering, Perspective, Sector
from relscale.plugin_kit.problem import Problem
from relscale.registry import Registry

PROVENANCE_UNCHANGED = "unchanged"
"""The provenance of wording identical to education's (the one place to rename it)."""
PLACEHOLDERS = {"subject", "role"}
"""The placeholders item text may contain: ``{subject}`` (the other person's name or a blank)
and ``{role}`` (the respondent's word for the professional)."""
TEXT_PLACEHOLDERS = {"role"}
"""The placeholder a title, instructions or practice text may contain."""
REFERENCE_SECTOR = "education"
MIN_ITEMS_PER_DIMENSION = 3
MIN_DECLINE_WORDS = 5
TODO_MARKER = re.compile(r"\bTODO\b")
"""What ``relscale plugin new`` writes where the author has to fill something in."""


def sector_file(sector: Sector) -> str:
    """The sector's file (``sector.toml`` beside its ``locale`` folder), or its id."""
    if sector.locale_dir:
        return str(Path(sector.locale_dir).parent / "sector.toml")
    return sector.id


def offering_entry(offering: Offering) -> str:
    return f"{offering.instrument}/{offering.perspective}"


def item_entry(offering: Offering, item: str) -> str:
    return f"{offering_entry(offering)}: {item}"


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders in ``text`` (a :class:`ValueError` for unbalanced braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def offered(sector: Sector, registry: Registry) -> list[tuple[Instrument, Perspective]]:
    """The instrument perspectives the sector offers (not declined)."""
    return [(inst, p) for s, inst, p in registry.offerings() if s.id == sector.id]


# --- the rules ---------------------------------------------------------------------------


def check_roles(sector: Sector) -> list[Problem]:
    """Both roles, different, each with a singular and a different plural term."""
    file, found = sector_file(sector), []
    if sector.professional.id == sector.client.id:
        found.append(Problem(file, "[client]", _(
            "the client role has the professional's id {id!r}").format(id=sector.client.id)))
    for kind, role in (("professional", sector.professional), ("client", sector.client)):
        if role.label == role.plural:
            found.append(Problem(file, f"[{kind}]", _(
                "plural {plural!r} is the same as the singular").format(plural=role.plural)))
    return found


def check_offerings(sector: Sector, registry: Registry) -> list[Problem]:
    """Every perspective of every registered instrument offered, or declined with a reason."""
    file, found = sector_file(sector), []
    for inst in registry.instruments.values():
        for perspective in inst.perspectives:
            offering = sector.offering(inst.id, perspective)
            entry = f"{inst.id}/{perspective}"
            if offering is None:
                found.append(Problem(file, entry, _(
                    "neither offered nor declined (add an [[offerings]] block)")))
            elif offering.declined and len(offering.declined.split()) < MIN_DECLINE_WORDS:
                found.append(Problem(file, entry, _(
                    "declined without a reason: say why in a sentence (at least {n} words), "
                    "got {reason!r}").format(n=MIN_DECLINE_WORDS, reason=offering.declined)))
    return found


def check_offers_something(sector: Sector, registry: Registry) -> list[Problem]:
    if offered(sector, registry):
        return []
    return [Problem(sector_file(sector), "offerings", _("the sector offers no instrument"))]


def check_slots(sector: Sector, registry: Registry) -> list[Problem]:
    """Every item slot of an offered perspective worded or dropped, each with a rationale;
    added items with new ids and known dimensions; nothing that is not a slot."""
    file, found = sector_file(sector), []
    for offering in sector.offerings:
        entry = offering_entry(offering)
        inst = registry.instruments.get(offering.instrument)
        if inst is None:
            found.append(Problem(file, entry, _("unknown instrument {instrument!r}").format(
                instrument=offering.instrument)))
            continue
        if offering.perspective not in inst.perspectives:
            found.append(Problem(file, entry, _(
                "the instrument has no {perspective!r} perspective").format(
                    perspective=offering.perspective)))
            continue
        if offering.declined:
            continue
        slots = [s.id for s in inst.slots(offering.perspective)]
        all_ids = {s.id for s in inst.items}
        dimensions = {d.id for d in inst.dimensions}
        worded = {w.item: w for w in offering.items}
        for slot in slots:
            if slot not in worded:
                found.append(Problem(file, item_entry(offering, slot), _(
                    "item slot without wording or provenance (word it, or drop it with a "
                    "rationale)")))
        for w in offering.items:
            where = item_entry(offering, w.item)
            if w.provenance == "added":
                if w.item in all_ids:
                    found.append(Problem(file, where, _(
                        "added item reuses an id of the instrument")))
                elif not re.fullmatch(r"[a-z][a-z0-9_]*", w.item):
                    found.append(Problem(file, where, _("not a valid item id")))
                if w.dimension not in dimensions:
                    found.append(Problem(file, where, _(
                        "added item: unknown dimension {dimension!r}").format(
                            dimension=w.dimension)))
            elif w.item not in slots:
                found.append(Problem(file, where, _(
                    "not a slot of this instrument perspective (new items need provenance "
                    "'added')")))
    return found


def check_dimensions(sector: Sector, registry: Registry,
                     min_items: int = MIN_ITEMS_PER_DIMENSION) -> list[Problem]:
    """Each dimension keeps at least ``min_items`` items after drops (and none is lost)."""
    file, found = sector_file(sector), []
    for inst, perspective in offered(sector, registry):
        offering = sector.offering(inst.id, perspective)
        assert offering is not None
        counts = {d: 0 for d in dict.fromkeys(s.dimension for s in inst.slots(perspective))}
        slot_dims = {s.id: s.dimension for s in inst.items}
        for w in offering.items:
            dim = w.dimension if w.provenance == "added" else slot_dims.get(w.item)
            if w.provenance != "dropped" and dim in counts:
                counts[dim] += 1
        for dim, n in counts.items():
            if n < min_items:
                found.append(Problem(file, offering_entry(offering), _(
                    "dimension {dimension} keeps only {n} items (at least {min})").format(
                        dimension=dim, n=n, min=min_items)))
    return found


def check_placeholders(sector: Sector) -> list[Problem]:
    """Item text uses only ``{subject}`` and ``{role}``; a title, instructions and practice
    texts only ``{role}``; an administration note none (printed as written)."""
    file, found = sector_file(sector), []
    for offering in sector.offerings:
        for w in offering.items:
            if not w.text:
                continue
            try:
                unknown = placeholders(w.text) - PLACEHOLDERS
            except ValueError as exc:
                found.append(Problem(file, item_entry(offering, w.item), _(
                    "unbalanced braces in the text: {error}").format(error=exc)))
                continue
            if unknown:
                found.append(Problem(file, item_entry(offering, w.item), _(
                    "unknown placeholder(s) {names} in the text; item text may use only "
                    "{{subject}} and {{role}}").format(names=", ".join(sorted(unknown)))))
        texts = [(name, getattr(offering, name) or "", allowed) for name, allowed in (
            ("title", TEXT_PLACEHOLDERS), ("instructions", TEXT_PLACEHOLDERS),
            ("administration", set()))]
        if offering.practice is not None:
            texts.append(("practice", offering.practice.script, TEXT_PLACEHOLDERS))
            texts += [("practice", s.text, TEXT_PLACEHOLDERS)
                      for s in offering.practice.statements]
        for name, text, allowed in texts:
            try:
                wrong = bool(placeholders(text) - allowed)
            except ValueError:
                wrong = True
            if wrong:
                found.append(Problem(file, f"{offering_entry(offering)}: {name}", _(
                    "{field} are printed as written, without filling placeholders other "
                    "than {{role}}: {text!r}").format(field=name, text=text)))
    return found


def check_provenance(sector: Sector, registry: Registry) -> list[Problem]:
    """Provenance consistent with the education wording (when education is loaded)."""
    reference = registry.sectors.get(REFERENCE_SECTOR)
    if reference is None:
        return []
    file, found = sector_file(sector), []
    for inst, perspective in offered(sector, registry):
        mine = sector.offering(inst.id, perspective)
        theirs = reference.offering(inst.id, perspective)
        if mine is None or theirs is None or theirs.declined:
            continue
        source = {w.item: w.text for w in theirs.items}
        for w in mine.items:
            where = item_entry(mine, w.item)
            if w.provenance == PROVENANCE_UNCHANGED and w.text != source.get(w.item):
                found.append(Problem(file, where, _(
                    "provenance {provenance!r}, but the text differs from the education "
                    "wording").format(provenance=w.provenance)))
            elif (w.provenance in ("terms_substituted", "reworded")
                  and w.text == source.get(w.item)):
                found.append(Problem(file, where, _(
                    "provenance {provenance!r}, but the text is the education wording "
                    "(use {unchanged!r})").format(provenance=w.provenance,
                                                   unchanged=PROVENANCE_UNCHANGED)))
            elif w.provenance == "added" and w.item in source:
                found.append(Problem(file, where, _(
                    "provenance 'added', but education has this item")))
    return found


def check_todo(sector: Sector) -> list[Problem]:
    """No ``TODO`` marker (``relscale plugin new`` writes them) left in any text."""
    file, found = sector_file(sector), []

    def look(entry: str, text: str | None) -> None:
        if text and TODO_MARKER.search(text):
            found.append(Problem(file, entry, _("a TODO is left: {text!r}").format(text=text)))

    look("label", sector.label)
    look("description", sector.description)
    for v in sector.variants:
        look(f"variants: {v.id}", v.label)
        look(f"variants: {v.id}", v.spoken_label)
    for kind in ("professional", "client"):
        role = sector.role(kind)  # type: ignore[arg-type]
        look(f"[{kind}]", role.label)
        look(f"[{kind}]", role.plural)
        look(f"[{kind}]", role.spoken_label)
    for o in sector.offerings:
        for name in ("declined", "instructions", "administration"):
            look(f"{offering_entry(o)}: {name}", getattr(o, name))
        for w in o.items:
            for value in (w.text, w.rationale, w.intent):
                look(item_entry(o, w.item), value)
    return found


def check_adapts(sector: Sector, registry: Registry, *, fallbacks: bool = True) -> list[Problem]:
    """Every offering adapts in English and every locale the sector ships a catalog for;
    with ``fallbacks``, a sector string shown in English in such a locale is a problem."""
    from relscale.adapt import adapt
    from relscale.errors import RelscaleError

    file, found = sector_file(sector), []
    for locale in ["en", *catalog_languages(sector.locale_dir, sector.domain)]:
        for inst, perspective in offered(sector, registry):
            entry = f"{inst.id}/{perspective}"
            try:
                adapted = adapt(inst.id, sector.id, perspective, locale, registry=registry)
            except RelscaleError as exc:
                found.append(Problem(file, entry, _("does not adapt in {locale}: {error}").format(
                    locale=locale, error=exc)))
                continue
            if not fallbacks:
                continue
            for note in adapted.fallbacks:
                if note.startswith(sector.domain + ":"):
                    found.append(Problem(file, entry, f"{locale}: {note}"))
    return found


def contract_problems(sector: Sector, registry: Registry, *,
                      min_items: int = MIN_ITEMS_PER_DIMENSION,
                      require_every_instrument: bool = True,
                      fallbacks: bool = True) -> list[Problem]:
    """Every rule of the contract, in the order of the pytest suite, but those of
    :mod:`relscale.plugin_kit.contract_locales` (``locale_problems``)."""
    found = check_roles(sector)
    if require_every_instrument:
        found += check_offerings(sector, registry)
    found += check_offers_something(sector, registry)
    slots = check_slots(sector, registry)
    found += slots
    found += check_placeholders(sector)
    found += check_todo(sector)
    if not slots:  # the rest assume well-formed offerings
        found += check_dimensions(sector, registry, min_items)
        found += check_provenance(sector, registry)
        found += check_adapts(sector, registry, fallbacks=fallbacks)
    return found

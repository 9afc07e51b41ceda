"""The contract rules that look at every locale a sector ships: each locale's wording
records its provenance, a sector's own response scale is complete everywhere, and client
items carry no negation. Like :mod:`relscale.plugin_kit.contract`, each function returns
the problems it finds; the pytest suite and ``relscale plugin check`` share them."""

from __future__ import annotations

import re

from relscale.errors import RelscaleError
from relscale.i18n import SOURCE_LOCALE, _, catalog_languages
from relscale.model.models import Sector
from relscale.plugin_kit.contract import item_entry, offered, offering_entry, sector_file
from relscale.plugin_kit.problem import Problem
from relscale.registry import Registry

NEGATIONS = {
    "en": {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without",
           "cannot", "nowhere"},
    "nl": {"niet", "geen", "nooit", "niemand", "niets", "niks", "nergens", "zonder", "noch"},
}
"""Words that make a sentence negated, per language; client items avoid them (a "not true"
answer to a negated sentence is a double negative). English contractions (n't) count too."""


def negations(text: str, language: str) -> set[str]:
    """The negation words in ``text`` (lower-cased); unknown languages find none."""
    words = set(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower()))
    found = {w for w in words if w in NEGATIONS.get(language, set())}
    if language == "en":
        found |= {w for w in words if w.endswith("n't")}
    return found


def sector_locales(sector: Sector) -> list[str]:
    """English and every locale the sector ships a catalog for."""
    return [SOURCE_LOCALE, *catalog_languages(sector.locale_dir, sector.domain)]


def check_locale_provenance(sector: Sector, registry: Registry) -> list[Problem]:
    """Every item has provenance and a rationale; in every translation it also records
    how it relates to the English wording (a ``change:`` translator comment, with a
    ``rationale:`` unless the change is ``kept``)."""
    from relscale.adapt import adapt

    file, found = sector_file(sector), []
    for locale in sector_locales(sector):
        for inst, perspective in offered(sector, registry):
            offering = sector.offering(inst.id, perspective)
            assert offering is not None
            try:
                adapted = adapt(inst.id, sector.id, perspective, locale, registry=registry)
            except RelscaleError:
                continue  # check_adapts reports it
            for item in adapted.items:
                entry = item_entry(offering, item.id)
                if not (item.provenance and item.rationale.strip()):
                    found.append(Problem(file, entry, _("{locale}: no provenance or rationale")
                                         .format(locale=locale)))
                if locale == SOURCE_LOCALE:
                    continue
                if item.locale_change is None:
                    found.append(Problem(file, entry, _(
                        "{locale}: records no change relative to the English wording (a "
                        "'# change: kept|terms_substituted|reworded' translator comment in the "
                        "catalog)").format(locale=locale)))
                elif item.locale_change != "kept" and not (item.locale_rationale or "").strip():
                    found.append(Problem(file, entry, _(
                        "{locale}: change {change!r} without a rationale").format(
                            locale=locale, change=item.locale_change)))
    return found


def check_sector_scales(sector: Sector, registry: Registry, *,
                        fallbacks: bool = True) -> list[Problem]:
    """A sector's own response scale has a rationale and what it changes, and in every
    locale the same points with distinct, non-empty anchors (with ``fallbacks``: none
    shown in English for want of a translation)."""
    from relscale.adapt import adapt

    file, found = sector_file(sector), []
    for offering in sector.offerings:
        scale = offering.scale
        if scale is None or offering.declined:
            continue
        entry = f"{offering_entry(offering)}: scale"
        if not (scale.rationale.strip() and scale.changes):
            found.append(Problem(file, entry, _("a sector scale needs a rationale and what "
                                                "it changes")))
        for locale in sector_locales(sector):
            try:
                adapted = adapt(offering.instrument, sector.id, offering.perspective, locale,
                                registry=registry)
            except RelscaleError:
                continue  # check_adapts reports it
            got = adapted.scale
            labels = [p.label for p in got.points]
            if got.not_applicable is not None:
                labels.append(got.not_applicable.label)
            if got.values != scale.values or not all(label.strip() for label in labels) \
                    or len(set(labels)) != len(labels):
                found.append(Problem(file, entry, _(
                    "{locale}: anchors incomplete or repeated ({labels})").format(
                        locale=locale, labels=" / ".join(labels))))
            for note in adapted.fallbacks if fallbacks else ():
                if note.startswith(sector.domain + ":"):
                    found.append(Problem(file, entry, f"{locale}: {note}"))
    return found


def check_client_negations(sector: Sector, registry: Registry) -> list[Problem]:
    """Client items, read by children or clients, carry no negation in any locale unless
    the item says why it is negated on purpose (``negation = "..."``)."""
    from relscale.adapt import adapt

    file, found = sector_file(sector), []
    for locale in sector_locales(sector):
        language = locale.split("_")[0]
        for inst, perspective in offered(sector, registry):
            if perspective != "client":
                continue
            offering = sector.offering(inst.id, perspective)
            assert offering is not None
            on_purpose = {w.item for w in offering.items if (w.negation or "").strip()}
            try:
                adapted = adapt(inst.id, sector.id, perspective, locale, registry=registry)
            except RelscaleError:
                continue
            for item in adapted.items:
                words = negations(item.text, language)
                if words and item.id not in on_purpose:
                    found.append(Problem(file, item_entry(offering, item.id), _(
                        "{locale}: a client item is negated ({words}); reword it, or say why "
                        "in `negation`").format(locale=locale, words=", ".join(sorted(words)))))
    return found


def locale_problems(sector: Sector, registry: Registry, *,
                    fallbacks: bool = True) -> list[Problem]:
    """Every rule of this module."""
    return [*check_locale_provenance(sector, registry),
            *check_sector_scales(sector, registry, fallbacks=fallbacks),
            *check_client_negations(sector, registry)]

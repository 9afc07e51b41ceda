"""The sector plugin contract: a test suite every sector plugin passes.

A plugin's tests subclass :class:`SectorContract` and set ``sector_id``::

    from relscale.testing import SectorContract

    class TestMySector(SectorContract):
        sector_id = "my_sector"

The built-in sectors run exactly this suite (``tests/test_contract.py``). The checks use
only relscale's public API and the registry the plugin is loaded into.
"""

from __future__ import annotations

import re
import string
from typing import ClassVar

from relscale.adapt import adapt
from relscale.i18n import catalog_languages
from relscale.model.models import Instrument, Perspective, Sector
from relscale.plugins import get_registry
from relscale.registry import Registry

PLACEHOLDERS = {"subject"}
"""The only placeholder item text may contain."""

REFERENCE_SECTOR = "education"

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


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders in ``text`` (a :class:`ValueError` for unbalanced braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class SectorContract:
    """Subclass and set ``sector_id``; pytest collects the ``test_*`` methods."""

    sector_id: ClassVar[str]
    min_items_per_dimension: ClassVar[int] = 3
    """A dimension must keep at least this many items after drops."""
    require_every_instrument: ClassVar[bool] = True
    """Built-in sectors offer or decline every registered instrument perspective."""

    # --- helpers ----------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        return get_registry()

    @property
    def sector(self) -> Sector:
        return self.registry.sector(self.sector_id)

    def _offered(self) -> list[tuple[Instrument, Perspective]]:
        result: list[tuple[Instrument, Perspective]] = []
        for inst in self.registry.instruments.values():
            for perspective in inst.perspectives:
                offering = self.sector.offering(inst.id, perspective)
                if offering is not None and not offering.declined:
                    result.append((inst, perspective))
        return result

    # --- the contract -----------------------------------------------------------------

    def test_registered(self) -> None:
        assert self.sector_id in self.registry.sectors

    def test_roles_complete(self) -> None:
        s = self.sector
        assert s.professional.id != s.client.id
        for role in (s.professional, s.client):
            assert role.label.strip() and role.plural.strip()
            assert role.label != role.plural

    def test_every_instrument_offered_or_declined(self) -> None:
        if not self.require_every_instrument:
            return
        for inst in self.registry.instruments.values():
            for perspective in inst.perspectives:
                offering = self.sector.offering(inst.id, perspective)
                assert offering is not None, (
                    f"{self.sector_id} neither offers nor declines {inst.id}/{perspective}"
                )
                if offering.declined:
                    assert len(offering.declined.split()) >= 5, (
                        f"{inst.id}/{perspective}: declined, but say why in a sentence "
                        f"(at least five words), got {offering.declined!r}"
                    )

    def test_offers_something(self) -> None:
        assert self._offered()

    def test_every_slot_worded_or_dropped_with_rationale(self) -> None:
        for inst, perspective in self._offered():
            offering = self.sector.offering(inst.id, perspective)
            assert offering is not None
            worded = {w.item: w for w in offering.items}
            for slot in inst.slots(perspective):
                assert slot.id in worded, f"{inst.id}/{perspective}: slot {slot.id} missing"
                w = worded[slot.id]
                assert w.rationale.strip(), f"{slot.id}: no rationale"
                assert (w.text is None) == (w.provenance == "dropped")

    def test_dimensions_keep_enough_items(self) -> None:
        for inst, perspective in self._offered():
            adapted = adapt(inst.id, self.sector_id, perspective)
            for dim in adapted.dimensions:
                n = len(adapted.items_for(dim.id))
                assert n >= self.min_items_per_dimension, (
                    f"{inst.id}/{perspective}: {dim.id} keeps only {n} items"
                )
            lost = {s.dimension for s in inst.slots(perspective)} - {
                d.id for d in adapted.dimensions
            }
            assert not lost, f"{inst.id}/{perspective}: dimensions dropped entirely: {lost}"

    def test_item_ids_stable(self) -> None:
        for inst, perspective in self._offered():
            offering = self.sector.offering(inst.id, perspective)
            assert offering is not None
            slot_ids = [s.id for s in inst.slots(perspective)]
            worded = [w.item for w in offering.items if w.provenance != "added"]
            assert sorted(worded) == sorted(slot_ids), (
                f"{inst.id}/{perspective}: slots must keep the instrument's ids"
            )
            for w in offering.items:
                if w.provenance == "added":
                    assert re.fullmatch(r"[a-z][a-z0-9_]*", w.item)

    def test_placeholders(self) -> None:
        for offering in self.sector.offerings:
            for w in offering.items:
                if w.text:
                    unknown = _placeholders_in(w.text) - PLACEHOLDERS
                    assert not unknown, (
                        f"{w.item}: unknown placeholder(s) {sorted(unknown)} in {w.text!r}; "
                        "item text may use only {subject}"
                    )
            # Instructions and notes are printed as written: a placeholder would show as is.
            for name in ("instructions", "administration"):
                text = getattr(offering, name) or ""
                assert not _placeholders_in(text), (
                    f"{offering.instrument}/{offering.perspective}: {name} are printed as "
                    f"written, without filling placeholders: {text!r}"
                )

    def test_provenance_relative_to_education(self) -> None:
        if REFERENCE_SECTOR not in self.registry.sectors:
            return
        reference = self.registry.sector(REFERENCE_SECTOR)
        for inst, perspective in self._offered():
            mine = self.sector.offering(inst.id, perspective)
            theirs = reference.offering(inst.id, perspective)
            assert mine is not None
            if theirs is None or theirs.declined:
                continue
            source = {w.item: w.text for w in theirs.items}
            for w in mine.items:
                if w.provenance == "unchanged":
                    assert w.text == source.get(w.item), (
                        f"{w.item}: 'unchanged' but differs from the education wording"
                    )
                elif w.provenance in ("terms_substituted", "reworded"):
                    assert w.text != source.get(w.item), (
                        f"{w.item}: '{w.provenance}' but identical to the education wording"
                    )
                elif w.provenance == "added":
                    assert w.item not in source

    def _locales(self) -> list[str]:
        s = self.sector
        return ["en", *catalog_languages(s.locale_dir, s.domain)]

    def test_every_item_has_provenance_in_every_locale(self) -> None:
        """Relative to education for the English wording; relative to the English wording
        for every translation (a `change:` translator comment in the sector's catalog)."""
        for locale in self._locales():
            for inst, perspective in self._offered():
                adapted = adapt(inst.id, self.sector_id, perspective, locale)
                for item in adapted.items:
                    assert item.provenance and item.rationale.strip(), (locale, item.id)
                    if locale == "en":
                        assert item.locale_change is None
                        continue
                    assert item.locale_change is not None, (
                        f"{locale}: {inst.id}/{perspective} item {item.id} records no change "
                        "relative to the English wording (a '# change: kept|terms_substituted|"
                        "reworded' translator comment in the catalog)"
                    )
                    if item.locale_change != "kept":
                        assert (item.locale_rationale or "").strip(), (locale, item.id)

    def test_sector_scales_complete_in_every_locale(self) -> None:
        for offering in self.sector.offerings:
            scale = offering.scale
            if scale is None or offering.declined:
                continue
            assert scale.rationale.strip() and scale.changes
            for locale in self._locales():
                adapted = adapt(offering.instrument, self.sector_id, offering.perspective, locale)
                got = adapted.scale
                assert got.values == scale.values
                assert adapted.scale_rationale
                assert (got.not_applicable is None) == (scale.not_applicable is None)
                labels = [p.label for p in got.points]
                if got.not_applicable is not None:
                    assert got.not_applicable.value == scale.not_applicable.value  # type: ignore[union-attr]
                    labels.append(got.not_applicable.label)
                assert all(label.strip() for label in labels)
                assert len(set(labels)) == len(labels), (locale, labels)
                sector_notes = [n for n in adapted.fallbacks
                                if n.startswith(self.sector.domain + ":")]
                assert not sector_notes, (locale, offering.instrument, sector_notes)

    def test_client_items_have_no_negation(self) -> None:
        """Client items read by children or clients carry no negation in any locale,
        unless the item says why it is negated on purpose (`negation = "..."`)."""
        for locale in self._locales():
            language = locale.split("_")[0]
            for inst, perspective in self._offered():
                if perspective != "client":
                    continue
                offering = self.sector.offering(inst.id, perspective)
                assert offering is not None
                on_purpose = {w.item for w in offering.items if (w.negation or "").strip()}
                adapted = adapt(inst.id, self.sector_id, perspective, locale)
                for item in adapted.items:
                    found = negations(item.text, language)
                    assert not found or item.id in on_purpose, (
                        f"{locale}: {inst.id} client item {item.id} is negated ({sorted(found)}): "
                        f"{item.text!r}; reword it, or say why in `negation`"
                    )

    def test_adapts_in_every_shipped_locale(self) -> None:
        s = self.sector
        locales = ["en", *catalog_languages(s.locale_dir, s.domain)]
        for locale in locales:
            for inst, perspective in self._offered():
                adapted = adapt(inst.id, self.sector_id, perspective, locale)
                assert adapted.items
                sector_notes = [n for n in adapted.fallbacks if n.startswith(s.domain + ":")]
                assert not sector_notes, f"{locale}: {sector_notes}"


def _placeholders_in(text: str) -> set[str]:
    try:
        return placeholders(text)
    except ValueError as exc:  # a lone brace
        raise AssertionError(f"{text!r}: {exc}") from None

"""The sector plugin contract: a test suite every sector plugin passes.

A plugin's tests subclass :class:`SectorContract` and set ``sector_id``::

    from relscale.testing import SectorContract

    class TestMySector(SectorContract):
        sector_id = "my_sector"

The built-in sectors run exactly this suite (``tests/test_contract.py``). Each test calls
one check function of :mod:`relscale.plugin_kit.contract`, the functions
``relscale plugin check`` runs too, and fails with the problems it found, one line each
(file, entry, what is wrong). The checks use the registry the plugin is loaded into.
"""

from __future__ import annotations

import re
from typing import ClassVar

from relscale.adapt import adapt
from relscale.i18n import catalog_languages
from relscale.model.models import Instrument, Perspective, Sector
from relscale.plugin_kit import contract
from relscale.plugin_kit.catalogs import check_catalogs
from relscale.plugin_kit.problem import Problem
from relscale.plugins import get_registry
from relscale.registry import Registry

PLACEHOLDERS = contract.PLACEHOLDERS
REFERENCE_SECTOR = contract.REFERENCE_SECTOR
placeholders = contract.placeholders

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


def assert_no_problems(problems: list[Problem]) -> None:
    """Fail with every problem, one per line."""
    assert not problems, "\n".join(str(p) for p in problems)


class SectorContract:
    """Subclass and set ``sector_id``; pytest collects the ``test_*`` methods."""

    sector_id: ClassVar[str]
    min_items_per_dimension: ClassVar[int] = contract.MIN_ITEMS_PER_DIMENSION
    """A dimension must keep at least this many items after drops."""
    require_every_instrument: ClassVar[bool] = True
    """Built-in sectors offer or decline every registered instrument perspective."""

    @property
    def registry(self) -> Registry:
        return get_registry()

    @property
    def sector(self) -> Sector:
        return self.registry.sector(self.sector_id)

    def test_registered(self) -> None:
        assert self.sector_id in self.registry.sectors

    def test_roles_complete(self) -> None:
        assert_no_problems(contract.check_roles(self.sector))

    def test_every_instrument_offered_or_declined(self) -> None:
        if self.require_every_instrument:
            assert_no_problems(contract.check_offerings(self.sector, self.registry))

    def test_offers_something(self) -> None:
        assert_no_problems(contract.check_offers_something(self.sector, self.registry))

    def test_every_slot_worded_or_dropped_with_rationale(self) -> None:
        assert_no_problems(contract.check_slots(self.sector, self.registry))

    def test_dimensions_keep_enough_items(self) -> None:
        assert_no_problems(contract.check_dimensions(self.sector, self.registry,
                                                     self.min_items_per_dimension))

    def test_placeholders(self) -> None:
        assert_no_problems(contract.check_placeholders(self.sector))

    def test_provenance_relative_to_education(self) -> None:
        assert_no_problems(contract.check_provenance(self.sector, self.registry))

    def test_no_todo_left(self) -> None:
        assert_no_problems(contract.check_todo(self.sector))

    def test_catalogs_complete(self) -> None:
        assert_no_problems(check_catalogs(self.sector, self.registry))

    def _offered(self) -> list[tuple[Instrument, Perspective]]:
        result: list[tuple[Instrument, Perspective]] = []
        for inst in self.registry.instruments.values():
            for perspective in inst.perspectives:
                offering = self.sector.offering(inst.id, perspective)
                if offering is not None and not offering.declined:
                    result.append((inst, perspective))
        return result

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
        assert_no_problems(contract.check_adapts(self.sector, self.registry))

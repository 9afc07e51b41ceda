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

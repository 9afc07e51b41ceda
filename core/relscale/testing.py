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

from typing import ClassVar

from relscale.model.models import Instrument, Perspective, Sector
from relscale.plugin_kit import contract, contract_locales, contract_respondents
from relscale.plugin_kit.catalogs import check_catalogs
from relscale.plugin_kit.problem import Problem
from relscale.plugins import get_registry
from relscale.registry import Registry

PLACEHOLDERS = contract.PLACEHOLDERS
REFERENCE_SECTOR = contract.REFERENCE_SECTOR
placeholders = contract.placeholders

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

    def test_every_item_has_provenance_in_every_locale(self) -> None:
        """Relative to education for the English wording; relative to the English wording
        for every translation (a `change:` translator comment in the sector's catalog)."""
        assert_no_problems(contract_locales.check_locale_provenance(self.sector, self.registry))

    def test_sector_scales_complete_in_every_locale(self) -> None:
        assert_no_problems(contract_locales.check_sector_scales(self.sector, self.registry))

    def test_client_items_have_no_negation(self) -> None:
        """Client items read by children or clients carry no negation in any locale,
        unless the item says why it is negated on purpose (`negation = "..."`)."""
        assert_no_problems(contract_locales.check_client_negations(self.sector, self.registry))

    def test_respondents_read_their_own_word_for_the_professional(self) -> None:
        """Client forms name the professional with the respondent's word (the variant's or
        the role's spoken label) in every locale and variant, never the staff term."""
        assert_no_problems(contract_respondents.check_spoken_labels(self.sector, self.registry))

    def test_practice_statements_fit_the_scale(self) -> None:
        assert_no_problems(contract_respondents.check_practice(self.sector, self.registry))

    def test_adapts_in_every_shipped_locale(self) -> None:
        assert_no_problems(contract.check_adapts(self.sector, self.registry))

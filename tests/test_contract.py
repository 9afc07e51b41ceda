"""Every built-in sector passes the plugin contract suite third parties use."""

from collections.abc import Callable
from typing import Any

import pytest

from fixtures_content import instrument_dict, mini_sector_dict
from relscale import hookimpl
from relscale.testing import SectorContract


class TestEducation(SectorContract):
    sector_id = "education"


class TestFosterHomes(SectorContract):
    sector_id = "foster_homes"


class TestDisabilityCare(SectorContract):
    sector_id = "disability_care"


class TestYouthCare(SectorContract):
    sector_id = "youth_care"


def test_contract_rejects_placeholders_outside_item_text(register_plugin: Any) -> None:
    """Instructions are printed as written: `{subject}` there would reach the form as is."""
    sector = mini_sector_dict()
    sector["offerings"][0]["instructions"] = "Think of {subject}."

    class Plugin:
        @hookimpl
        def register_instruments(self, register: Callable[[Any], None]) -> None:
            register(instrument_dict())

        @hookimpl
        def register_sectors(self, register: Callable[[Any], None]) -> None:
            register(sector)

    register_plugin(Plugin(), "braces")

    class TestBraces(SectorContract):
        sector_id = "test_sector"

    with pytest.raises(AssertionError, match="instructions are printed as written"):
        TestBraces().test_placeholders()

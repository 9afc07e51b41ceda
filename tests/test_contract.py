"""Every built-in sector passes the plugin contract suite third parties use."""

from relscale.testing import SectorContract


class TestEducation(SectorContract):
    sector_id = "education"


class TestFosterHomes(SectorContract):
    sector_id = "foster_homes"


class TestDisabilityCare(SectorContract):
    sector_id = "disability_care"


class TestYouthCare(SectorContract):
    sector_id = "youth_care"

"""The contract every relscale sector plugin passes (run: pytest)."""

from relscale.testing import SectorContract


class TestMySector(SectorContract):
    sector_id = "my_sector"

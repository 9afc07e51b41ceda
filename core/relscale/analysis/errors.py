"""The one error the analysis layer raises for data or models it cannot analyse.

Every message is one line and names the item, factor or group at fault, so the CLI can
print it as it prints any other :class:`relscale.errors.RelscaleError`.
"""

from __future__ import annotations

from relscale.errors import RelscaleError


class AnalysisError(RelscaleError):
    """Data or a model that CFA, invariance testing or DIF cannot analyse (one line)."""

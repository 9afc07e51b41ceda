"""Equivalence evidence for adapted instruments: CFA, measurement invariance and DIF.

The statistics match the field's reference implementations: CFA and invariance match
lavaan's defaults (``estimator = "ML"``, normal likelihood, expected information,
listwise deletion, ``group.equal``), the score tests match ``lavTestScore`` and the
ordinal DIF models are the proportional-odds models lordif compares (checked against
``MASS::polr``). ``tests/reference/lavaan_reference.R`` produces the reference results the
tests compare with.
"""

from __future__ import annotations

"""Equivalence evidence for adapted instruments: CFA, measurement invariance and DIF.

The statistics match the field's reference implementations: CFA and invariance match
lavaan's defaults (``estimator = "ML"``, normal likelihood, expected information,
listwise deletion, ``group.equal``), the score tests match ``lavTestScore`` and the
ordinal DIF models are the proportional-odds models lordif compares (checked against
``MASS::polr``). ``tests/reference/lavaan_reference.R`` produces the reference results the
tests compare with. Other estimators (FIML, MLR, cluster-robust MLR, WLSMV) plug in behind
:mod:`relscale.analysis.estimators`; ``tests/reference/lavaan_robust_reference.R`` makes
the references for the ML ones.
"""

from __future__ import annotations

from .cfa import CfaResult, FactorCorrelation, Loading, fit_cfa
from .data import SharedItems, recode, shared_items
from .descriptives import GroupDescriptives, group_descriptives
from .dif import DifItem, DifResult, dif
from .errors import AnalysisError
from .fit import FitMeasures
from .invariance import Comparison, InvarianceResult, ModelFit, PartialStep, test_invariance
from .ordinal_reliability import OmegaResult, OrdinalReliability, ordinal_reliability
from .score_tests import ScoreTest

__all__ = [
    "AnalysisError",
    "CfaResult",
    "Comparison",
    "DifItem",
    "DifResult",
    "FactorCorrelation",
    "FitMeasures",
    "GroupDescriptives",
    "InvarianceResult",
    "Loading",
    "ModelFit",
    "OmegaResult",
    "OrdinalReliability",
    "PartialStep",
    "ScoreTest",
    "SharedItems",
    "dif",
    "fit_cfa",
    "group_descriptives",
    "ordinal_reliability",
    "recode",
    "shared_items",
    "test_invariance",
]

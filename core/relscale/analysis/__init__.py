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

import importlib
from typing import TYPE_CHECKING, Any

# ``dif`` and ``ordinal_reliability`` are functions named as their modules: imported here,
# so the package's name is the function (importing the module later would otherwise bind
# the name to the module). Neither needs scipy.stats.
from .dif import DifItem, DifResult, dif
from .errors import AnalysisError
from .ordinal_reliability import OmegaResult, OrdinalReliability, ordinal_reliability

if TYPE_CHECKING:
    from .cfa import CfaResult, FactorCorrelation, Loading, fit_cfa
    from .data import SharedItems, recode, shared_items
    from .descriptives import GroupDescriptives, group_descriptives
    from .fit import FitMeasures
    from .invariance import Comparison, InvarianceResult, ModelFit, PartialStep, test_invariance
    from .score_tests import ScoreTest

# The names below, each imported from its module on first use (PEP 562): importing one
# module of the package (``relscale reliability``'s ordinal figures need
# ``ordinal_reliability`` only) no longer loads every analysis and scipy.stats with it.
# A name here must not be a module's name (see ``dif`` above).
_LAZY = {
    "cfa": ("CfaResult", "FactorCorrelation", "Loading", "fit_cfa"),
    "data": ("SharedItems", "recode", "shared_items"),
    "descriptives": ("GroupDescriptives", "group_descriptives"),
    "fit": ("FitMeasures",),
    "invariance": ("Comparison", "InvarianceResult", "ModelFit", "PartialStep",
                   "test_invariance"),
    "score_tests": ("ScoreTest",),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

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

"""Per-group descriptive evidence: N, item means and SDs, and scale reliability.

Reliability (Cronbach's alpha, McDonald's omega) comes from relscale's reliability
module (which matches psych's ``alpha``/``omega``), computed per factor in every group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.reliability.classical import scale_reliability

from .errors import AnalysisError


@dataclass(frozen=True)
class GroupDescriptives:
    """One group: respondents, answers per item, item means/SDs, reliability per scale."""

    group: str
    n: int  # respondents with at least one answer
    n_complete: int  # respondents who answered every item
    item_n: dict[str, int]
    item_means: dict[str, float]
    item_sds: dict[str, float]
    reliability: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in vars(self).items()}


def group_descriptives(
    data_by_group: Mapping[str, Any],
    items: Sequence[str],
    factors: Mapping[str, str] | None = None,
) -> list[GroupDescriptives]:
    """N and item means/SDs (ddof 1, available cases) per group; with ``factors``, alpha and
    omega of each factor's items per group (listwise within the scale).

    Scales whose reliability cannot be computed in a group (too few respondents) get NaN
    rather than failing the whole summary.
    """
    out: list[GroupDescriptives] = []
    for name, data in data_by_group.items():
        x = np.array(data, dtype=float)
        if x.ndim != 2 or x.shape[1] != len(items):
            raise AnalysisError(_("group {group!r}: expected {k} item columns, got shape "
                                  "{shape}").format(group=name, k=len(items), shape=x.shape))
        answered = ~np.isnan(x)
        item_n = {it: int(answered[:, j].sum()) for j, it in enumerate(items)}
        means = {it: float(np.nanmean(x[:, j])) if item_n[it] else float("nan")
                 for j, it in enumerate(items)}
        sds = {it: float(np.nanstd(x[:, j], ddof=1)) if item_n[it] > 1 else float("nan")
               for j, it in enumerate(items)}
        reliability: dict[str, dict[str, float]] = {}
        if factors is not None:
            for factor in dict.fromkeys(factors[it] for it in items):
                cols = [j for j, it in enumerate(items) if factors[it] == factor]
                try:
                    rel = scale_reliability(x[:, cols], [items[j] for j in cols], scale=factor)
                    reliability[factor] = {"alpha": rel.alpha, "omega": rel.omega,
                                           "n": float(rel.n)}
                except RelscaleError:  # a summary shows NaN for that scale, not a crash
                    reliability[factor] = {"alpha": float("nan"), "omega": float("nan"),
                                           "n": 0.0}
        out.append(GroupDescriptives(
            str(name), int(answered.any(axis=1).sum()), int(answered.all(axis=1).sum()),
            item_n, means, sds, reliability))
    return out

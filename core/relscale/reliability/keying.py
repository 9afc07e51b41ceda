"""Warnings about keying: items that run against their scale.

An item that correlates negatively with the rest of its scale is either reverse-keyed
without being declared so, or -- when it is declared reverse-keyed and still runs against
the scale after relscale reversed it -- was recoded in the file already (reversed twice:
alpha collapses without a word otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from relscale.i18n import _

if TYPE_CHECKING:
    import numpy as np


def negative_on_first_component(c: np.ndarray) -> list[int]:
    """Columns loading negatively on the first principal component of the correlations
    (signs chosen so most of the loading is positive), as psych's ``alpha`` checks."""
    import numpy as np

    sd = np.sqrt(np.diag(c))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = c / np.outer(sd, sd)
    if not np.all(np.isfinite(r)):
        return []
    vector = np.linalg.eigh(r)[1][:, -1]
    if vector.sum() < 0:
        vector = -vector
    return [j for j in range(len(vector)) if vector[j] < -1e-12]


def keying_warnings(scale: str, items: Sequence[str], reverse: Sequence[bool] | None,
                    c: np.ndarray, r_drop: Sequence[float]) -> list[str]:
    """One warning for undeclared reverse-keyed items, one for items reversed twice."""
    on_first = negative_on_first_component(c)
    rev = list(reverse) if reverse is not None else [False] * len(items)
    out = []
    negative = [items[j] for j in on_first if not rev[j]]
    if negative:
        out.append(
            _("{scale}: {items} correlate(s) negatively with the rest of the scale; reverse-"
              "keyed but not declared so?").format(scale=scale, items=", ".join(negative)))
    twice = [items[j] for j in range(len(items)) if rev[j] and (j in on_first or r_drop[j] < 0)]
    if twice:
        out.append(_(
            "{scale}: {items} reverse-keyed, yet correlate(s) negatively with the rest of the "
            "scale after reversal: already recoded? The answers look reversed; give the "
            "answers as the respondents gave them").format(scale=scale, items=", ".join(twice)))
    return out

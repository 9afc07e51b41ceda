"""What ``relscale reliability --items`` is given, checked before any statistic.

An ad hoc scale is named on the command line: its items must be distinct columns, a
reverse-keyed item one of them, the scale bounds finite with the lowest below the
highest. Every answer within those bounds is checked after reading
(:func:`relscale.io.values.check_range`: 99, a missing-data code, on a 1..3 scale would
otherwise be reverse-keyed into -95 and counted as an answer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    pass


def check_item_args(items: Sequence[str], reverse: Sequence[str], scale_min: float | None,
                    scale_max: float | None) -> None:
    """:raises RelscaleError: an item named twice, a reverse item not among ``items``,
    reverse items without both bounds, a bound that is no finite number, or bounds the
    wrong way round."""
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise RelscaleError(_("--items: {item!r} is named twice").format(item=item))
        seen.add(item)
    unknown = [i for i in reverse if i not in seen]
    if unknown:
        raise RelscaleError(
            _("--reverse {items}: not among --items").format(items=", ".join(unknown)))
    if reverse and (scale_min is None or scale_max is None):
        raise RelscaleError(_("--reverse needs --scale-min and --scale-max"))
    for name, value in (("--scale-min", scale_min), ("--scale-max", scale_max)):
        if value is not None and not math.isfinite(value):
            raise RelscaleError(_("{option} {value}: not a number").format(option=name,
                                                                            value=value))
    if scale_min is not None and scale_max is not None and scale_min >= scale_max:
        raise RelscaleError(_("--scale-min {low:g} is not below --scale-max {high:g}").format(
            low=scale_min, high=scale_max))

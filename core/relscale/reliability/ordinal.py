"""Ordinal alpha and categorical omega in ``relscale reliability``: when to show them, and
the numbers for one scale.

Alpha and McDonald's omega treat the answers as numbers on an interval scale. With three
or four answer categories that understates how well the items measure the latent trait
(Gadermann, Guhn & Zumbo, 2012); reviewers then expect, beside them:

- **ordinal alpha**: alpha of the items' polychoric correlations, as
  ``psych::alpha(psych::polychoric(x)$rho)`` (Zumbo, Gadermann & Zeisser, 2007); the
  reliability of the sum of the latent responses;
- **categorical omega** with its 95% confidence interval: the share of the observed sum
  score's variance the factor explains (Green & Yang, 2009), as
  ``semTools::compRelSEM(fit, ord.scale = TRUE)`` on lavaan's
  ``cfa("F =~ i1 + ... + ik", ordered = TRUE, estimator = "WLSMV")``, one factor per scale.

Both come from :mod:`relscale.analysis.ordinal_reliability`, imported only when a scale
needs them (``relscale reliability`` on a small file of a five-point scale never loads the
analysis package). They are shown automatically when the response scale has fewer than
five points (the analyses' ``auto`` rule: Rhemtulla, Brosseau-Liard & Savalei, 2012), on
request (``ordinal=True``, ``--ordinal``) for any scale, never with ``ordinal=False``.
Missing answers are handled as for alpha: ``listwise`` fits the complete respondents,
``pairwise`` every respondent with an answer (lavaan's ``missing = "pairwise"``, psych's
polychoric default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    import numpy as np

ORDINAL_BELOW = 5
"""Fewer answer categories than this: ordinal alpha and categorical omega are shown
automatically (the same cut as ``relscale.analysis.estimators.ORDINAL_BELOW``)."""


@dataclass(frozen=True)
class OrdinalScale:
    """Ordinal alpha and categorical omega of one scale (``ordinal`` in the JSON)."""

    n: int
    """Respondents in the polychoric correlations and the WLSMV fit."""
    missing: str
    ordinal_alpha: float
    categorical_omega: float
    omega_se: float
    """Delta-method standard error of categorical omega."""
    omega_ci: tuple[float, float]
    """95% Wald interval of categorical omega."""


def points_of(values: np.ndarray, scale_min: float | None,
              scale_max: float | None) -> tuple[int, bool]:
    """(answer categories, whether they are the scale's): the points from ``scale_min`` to
    ``scale_max`` when both are whole numbers, else the different answers given over all
    items (one unused answer on one item does not make a five-point scale ordinal)."""
    import numpy as np

    if scale_min is not None and scale_max is not None and float(scale_min).is_integer() \
            and float(scale_max).is_integer():
        return int(scale_max - scale_min) + 1, True
    given = values[~np.isnan(values)]
    return int(np.unique(given).size), False


def decide(ordinal: bool | None, points: int, known: bool) -> tuple[bool, str]:
    """Whether to show ordinal alpha and categorical omega, and the line that says so.

    :param ordinal: True (asked for), False (declined) or None (automatic: fewer than five
        categories).
    :param points: the response scale's points (``known``) or the different answers given.
    """
    if ordinal is True:
        return True, _("ordinal alpha and categorical omega added, as asked (--ordinal)")
    if ordinal is False:
        return False, _("ordinal alpha and categorical omega left out, as asked (--no-ordinal)")
    what = (_("the response scale has {points} points") if known else
            _("the items have {points} different answers")).format(points=points)
    if points < ORDINAL_BELOW:
        return True, _("ordinal alpha and categorical omega added: {what}, fewer than "
                       "{cut} (--no-ordinal leaves them out)").format(what=what,
                                                                     cut=ORDINAL_BELOW)
    return False, _("items treated as continuous: {what} (--ordinal adds ordinal alpha and "
                    "categorical omega)").format(what=what)


def ordinal_scale(x: np.ndarray, items: Sequence[str], scale: str,
                  missing: str) -> tuple[OrdinalScale | None, list[str]]:
    """Ordinal alpha and categorical omega of one scale (``x``: respondents x items, reverse
    keyed items already recoded, NaN missing), or None and a warning saying why not."""
    if len(items) < 3:
        return None, [_("{scale}: ordinal alpha and categorical omega need at least 3 items "
                        "(a one-factor model of its own); left out").format(scale=scale)]
    import numpy as np

    from relscale.analysis.ordinal_reliability import ordinal_reliability

    try:
        with np.errstate(all="ignore"):  # small samples: a failed pair is named below
            rel = ordinal_reliability(x, list(items), dict.fromkeys(items, scale),
                                      missing=missing)
    except RelscaleError as exc:
        return None, [_("{scale}: no ordinal alpha and categorical omega: {reason}").format(
            scale=scale, reason=exc)]
    (omega,) = rel.omega
    return OrdinalScale(rel.n, missing, rel.alpha[scale], omega.omega, omega.se,
                        (omega.ci_lower, omega.ci_upper)), []

"""The verdict of an invariance ladder in plain words, consistent with its tests.

The sentence names the highest level that holds (``partial`` when parameters were freed),
what it allows to compare, and why the next level does not hold. It says "means ... can
be compared" only when scalar invariance holds in full by the chosen criterion; a partial
scalar level allows latent means from the partial model only.
"""

from __future__ import annotations

from collections.abc import Sequence

from relscale.i18n import N_, _

from ._ladder import Ladder, LevelOutcome
from ._messages import in_group, num
from ._model import ALL_GROUPS, Release

ORDER = ("none", "configural", "thresholds", "metric", "scalar", "strict")

ALLOWS = {
    "none": N_("scores are not comparable across groups"),
    "configural": N_("the groups share the factor structure only; compare neither scale means "
                     "nor correlations across groups"),
    "thresholds": N_("the groups share the factor structure and the response thresholds "
                     "only; compare neither scale means nor correlations across groups"),
    "metric": N_("compare correlations and latent variances across groups, not means"),
    "scalar": N_("means and correlations can be compared across groups"),
    "strict": N_("means, variances and correlations of the scale scores can be compared "
                 "across groups"),
}
ALLOWS_WOULD = {
    "scalar": N_("means and correlations comparable across groups"),
    "strict": N_("means, variances and correlations of the scale scores comparable across "
                 "groups"),
}
"""What a level would allow, in a clause (:func:`summary`: one criterion alone)."""
ALLOWS_PARTIAL = {
    "metric": N_("compare correlations and latent variances (from the partial model) across "
                 "groups, not means"),
    "scalar": N_("compare latent means and correlations from the partial model (latent means "
                 "below), not raw scale means"),
    "strict": N_("compare latent means and correlations from the partial model (latent means "
                 "below), not raw scale means"),
}
INVARIANCE = {
    "configural": N_("configural invariance"),
    "thresholds": N_("thresholds invariance"),
    "metric": N_("metric invariance"),
    "scalar": N_("scalar invariance"),
    "strict": N_("strict invariance"),
    "partial thresholds": N_("partial thresholds invariance"),
    "partial metric": N_("partial metric invariance"),
    "partial scalar": N_("partial scalar invariance"),
    "partial strict": N_("partial strict invariance"),
}
"""A level label (:func:`level_label`) as the invariance it names."""
PARAMETER_PLURAL = {"loading": N_("loadings"), "intercept": N_("intercepts"),
                    "residual": N_("residual variances"), "threshold": N_("thresholds")}
KIND_OF_LEVEL = {"thresholds": "threshold", "metric": "loading", "scalar": "intercept",
                 "strict": "residual"}
FREED = {"loading": N_("the loading of {item!r}"), "intercept": N_("the intercept of {item!r}"),
         "residual": N_("the residual of {item!r}")}
"""A freed parameter of an item, by its kind (thresholds: :func:`freed_text`)."""
HOLM = {
    "loading": N_("the criterion still rejects, and no remaining loading has a significant "
                  "score test after Holm correction"),
    "intercept": N_("the criterion still rejects, and no remaining intercept has a "
                    "significant score test after Holm correction"),
    "residual": N_("the criterion still rejects, and no remaining residual variance has a "
                   "significant score test after Holm correction"),
    "threshold": N_("the criterion still rejects, and no remaining threshold has a "
                    "significant score test after Holm correction"),
    "": N_("the criterion still rejects, and no remaining constraint has a significant "
           "score test after Holm correction"),
}


def invariance_text(label: str) -> str:
    """``metric invariance``, ``partial scalar invariance`` (translated)."""
    return _(INVARIANCE[label]) if label in INVARIANCE else f"{label} invariance"


def freed_text(released: Sequence[Release], names: Sequence[str]) -> str:
    """"the loading of 'x3', the intercept of 'x7' (in group 'B')"."""
    parts = []
    for item, parameter, g in released:
        kind, _sep, k = parameter.partition(":")
        if kind == "threshold" and k:
            text = _("the threshold {k} of {item!r}").format(k=k, item=item)
        elif kind in FREED:
            text = _(FREED[kind]).format(item=item)
        else:
            text = f"the {parameter.replace(':', ' ')} of {item!r}"
        parts.append(text + ("" if g == ALL_GROUPS else in_group(names[g])))
    return ", ".join(parts)


def level_label(ladder: Ladder) -> str:
    """``none``, ``configural``, ``metric``, ``partial scalar``, ... (the highest level that
    holds; ``partial`` when a parameter is freed in it or below)."""
    final = ladder.final
    if final is None:
        return "none"
    released = [r for o in ladder.outcomes[: ladder.outcomes.index(final) + 1]
                for r in o.released]
    return f"partial {final.level}" if released else final.level


def _failure(outcome: LevelOutcome) -> str:
    kind = KIND_OF_LEVEL.get(outcome.level, "")
    what = _(PARAMETER_PLURAL[kind]) if kind in PARAMETER_PLURAL else _("constraints")
    cmp = outcome.comparison
    tests = ""
    if cmp is not None:
        tests = (f" (Δχ²({cmp.delta_df}) = {num(cmp.delta_chisq, '.1f')}, p = "
                 f"{num(cmp.p_value, '.3g')}; ΔCFI = {num(cmp.delta_cfi, '+.3f')}, ΔRMSEA = "
                 f"{num(cmp.delta_rmsea, '+.3f')}, ΔSRMR = {num(cmp.delta_srmr, '+.3f')})")
    freed = len(outcome.released)
    invariance = invariance_text(outcome.level)
    if outcome.reason == "half":
        return _("{invariance} does not hold, even partially: more than half of the {what} "
                 "would have to be freed{tests}").format(invariance=invariance, what=what,
                                                        tests=tests)
    if outcome.reason == "per_factor":
        return _("{invariance} does not hold, even partially: freeing more {what} would leave "
                 "a factor with fewer than two invariant items{tests}").format(
                     invariance=invariance, what=what, tests=tests)
    if outcome.reason == "holm":
        after = _(" after freeing {n}").format(n=freed) if freed else ""
        return _("{invariance} does not hold{after}: {why}{tests}").format(
            invariance=invariance, after=after, why=_(HOLM[kind if kind in HOLM else ""]),
            tests=tests)
    return _("{invariance} does not hold{tests}").format(invariance=invariance, tests=tests)


def _allows(ladder: Ladder, final: LevelOutcome, released: Sequence[Release],
            would: bool = False) -> str:
    """What the final level allows to compare; ``would``: as a clause (one criterion)."""
    allows = ALLOWS_WOULD if would else ALLOWS
    loadings_or_means = any(p != "residual" for _i, p, _g in released)
    if released and loadings_or_means and final.level in ALLOWS_PARTIAL:
        return _(ALLOWS_PARTIAL[final.level])
    if released and final.level == "strict":
        return _("{allows}; residual variances differ for the freed items, so compare scale "
                 "variances and reliabilities with care").format(
                     allows=_(allows.get("scalar", ALLOWS["scalar"])))
    return _(allows.get(final.level, ALLOWS[final.level]))


def decide(ladder: Ladder, names: Sequence[str]) -> tuple[str, str]:
    """The level reached and what it allows, then why the next level fails."""
    label = level_label(ladder)
    first = ladder.outcomes[0]
    if not first.holds:
        fit = first.fit.fit
        return "none", _(
            "the factor model does not fit every group (configural CFI {cfi}, RMSEA {rmsea}); "
            "{allows}").format(cfi=num(fit.index("cfi"), ".3f"),
                               rmsea=num(fit.index("rmsea"), ".3f"), allows=_(ALLOWS["none"]))
    final = ladder.final
    assert final is not None
    released = [r for o in ladder.outcomes[: ladder.outcomes.index(final) + 1]
                for r in o.released]
    text = invariance_text(label)
    if released:
        text += _(" (freed in all groups: {freed})").format(freed=freed_text(released, names))
    text += f": {_allows(ladder, final, released)}"
    failed = [o for o in ladder.outcomes if not o.holds]
    if failed:
        text += f"; {_failure(failed[0])}"
    return label, text


def summary(ladder: Ladder) -> str:
    """The level and what it would allow, without the tests (for one criterion alone)."""
    label = level_label(ladder)
    final = ladder.final
    if final is None:
        return _("no level holds ({allows})").format(allows=_(ALLOWS["none"]))
    released = [r for o in ladder.outcomes[: ladder.outcomes.index(final) + 1]
                for r in o.released]
    allows = _allows(ladder, final, released, would=True)
    return _("{invariance} would hold ({allows})").format(invariance=invariance_text(label),
                                                         allows=allows)


def disagreement(by: dict[str, tuple[str, str]]) -> str:
    """One plain paragraph when the χ² test and Chen's cut-offs reach different levels."""
    return _("The two criteria disagree: by the χ² difference test alone, {lrt}; by Chen's "
             "(2007) cut-offs alone, {chen}. The verdict above needs both; report both "
             "readings").format(lrt=by["lrt"][1], chen=by["chen"][1])


def rank(label: str) -> int:
    """Order of a level label (partial just below the full level)."""
    partial = label.startswith("partial ")
    return 2 * ORDER.index(label.removeprefix("partial ")) - (1 if partial else 0)

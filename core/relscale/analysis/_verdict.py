"""The verdict of an invariance ladder in plain words, consistent with its tests.

The sentence names the highest level that holds (``partial`` when parameters were freed),
what it allows to compare, and why the next level does not hold. It says "means ... can
be compared" only when scalar invariance holds in full by the chosen criterion; a partial
scalar level allows latent means from the partial model only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._ladder import Ladder, LevelOutcome
from ._model import ALL_GROUPS, Release

ORDER = ("none", "configural", "thresholds", "metric", "scalar", "strict")

ALLOWS = {
    "none": "scores are not comparable across groups",
    "configural": "the groups share the factor structure only; compare neither scale means "
                  "nor correlations across groups",
    "thresholds": "the groups share the factor structure and the response thresholds only; "
                  "compare neither scale means nor correlations across groups",
    "metric": "compare correlations and latent variances across groups, not means",
    "scalar": "means and correlations can be compared across groups",
    "strict": "means, variances and correlations of the scale scores can be compared across "
              "groups",
}
ALLOWS_PARTIAL = {
    "metric": "compare correlations and latent variances (from the partial model) across "
              "groups, not means",
    "scalar": "compare latent means and correlations from the partial model (latent means "
              "below), not raw scale means",
    "strict": "compare latent means and correlations from the partial model (latent means "
              "below), not raw scale means",
}
PARAMETER_PLURAL = {"loading": "loadings", "intercept": "intercepts", "residual":
                    "residual variances", "threshold": "thresholds"}


def freed_text(released: Sequence[Release], names: Sequence[str]) -> str:
    """"the loading of 'x3', the intercept of 'x7' (in group 'B')"."""
    parts = []
    for item, parameter, g in released:
        where = "" if g == ALL_GROUPS else f" in group {names[g]!r}"
        parts.append(f"the {parameter.replace(':', ' ')} of {item!r}{where}")
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
    what = PARAMETER_PLURAL.get({"thresholds": "threshold", "metric": "loading",
                                 "scalar": "intercept", "strict": "residual"}
                                .get(outcome.level, ""), "constraints")
    cmp = outcome.comparison
    tests = ""
    if cmp is not None:
        tests = (f" (Δχ²({cmp.delta_df}) = {cmp.delta_chisq:.1f}, p = {cmp.p_value:.3g}; "
                 f"ΔCFI = {cmp.delta_cfi:+.3f}, ΔRMSEA = {cmp.delta_rmsea:+.3f}, ΔSRMR = "
                 f"{cmp.delta_srmr:+.3f})")
    freed = len(outcome.released)
    if outcome.reason == "half":
        return (f"{outcome.level} invariance does not hold, even partially: more than half "
                f"of the {what} would have to be freed{tests}")
    if outcome.reason == "per_factor":
        return (f"{outcome.level} invariance does not hold, even partially: freeing more "
                f"{what} would leave a factor with fewer than two invariant items{tests}")
    if outcome.reason == "holm":
        after = f" after freeing {freed}" if freed else ""
        return (f"{outcome.level} invariance does not hold{after}: the criterion still "
                f"rejects, and no remaining {what[:-1] if what.endswith('s') else what} has a "
                f"significant score test after Holm correction{tests}")
    return f"{outcome.level} invariance does not hold{tests}"


def _allows(ladder: Ladder, final: LevelOutcome, released: Sequence[Release]) -> str:
    loadings_or_means = any(p != "residual" for _, p, _ in released)
    if released and loadings_or_means and final.level in ALLOWS_PARTIAL:
        return ALLOWS_PARTIAL[final.level]
    if released and final.level == "strict":
        return (f"{ALLOWS['scalar']}; residual variances differ for the freed items, so "
                f"compare scale variances and reliabilities with care")
    return ALLOWS[final.level]


def decide(ladder: Ladder, names: Sequence[str]) -> tuple[str, str]:
    """The level reached and what it allows, then why the next level fails."""
    label = level_label(ladder)
    first = ladder.outcomes[0]
    if not first.holds:
        fit = first.fit.fit
        return "none", (
            f"the factor model does not fit every group (configural CFI "
            f"{fit.index('cfi'):.3f}, RMSEA {fit.index('rmsea'):.3f}); {ALLOWS['none']}")
    final = ladder.final
    assert final is not None
    released = [r for o in ladder.outcomes[: ladder.outcomes.index(final) + 1]
                for r in o.released]
    text = f"{label} invariance"
    if released:
        text += f" (freed in all groups: {freed_text(released, names)})"
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
        return f"no level holds ({ALLOWS['none']})"
    released = [r for o in ladder.outcomes[: ladder.outcomes.index(final) + 1]
                for r in o.released]
    allows = _allows(ladder, final, released).replace("can be compared", "comparable")
    return f"{label} invariance would hold ({allows})"


def disagreement(by: dict[str, tuple[str, str]]) -> str:
    """One plain paragraph when the χ² test and Chen's cut-offs reach different levels."""
    return (f"The two criteria disagree: by the χ² difference test alone, {by['lrt'][1]}; by "
            f"Chen's (2007) cut-offs alone, {by['chen'][1]}. The verdict above needs both; "
            f"report both readings")


def rank(label: str) -> int:
    """Order of a level label (partial just below the full level)."""
    partial = label.startswith("partial ")
    return 2 * ORDER.index(label.removeprefix("partial ")) - (1 if partial else 0)

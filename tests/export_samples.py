"""Shared by the platform-export tests: the offered combinations, sample answers with
gaps, and relscale's own scores to compare the platforms' formulas with."""

from __future__ import annotations

import math

import numpy as np

from relscale.adapt import adapt
from relscale.model.models import AdaptedInstrument
from relscale.plugins import get_registry
from relscale.scoring.engine import min_answered_count, score_responses


def offered() -> list[tuple[str, str, str]]:
    """Every (instrument, sector, perspective) a sector offers."""
    return [(i.id, s.id, p) for s, i, p in get_registry().offerings()]


def declined() -> list[tuple[str, str, str, str]]:
    """Every (instrument, sector, perspective, reason) a sector declines."""
    out = []
    for sector in get_registry().sectors.values():
        for offering in sector.offerings:
            if offering.declined:
                out.append((offering.instrument, sector.id, offering.perspective,
                            offering.declined))
    return out


def adapted_locales(key: tuple[str, str, str], locales: tuple[str, ...] = ("en", "nl")
                    ) -> list[AdaptedInstrument]:
    instrument, sector, perspective = key
    return [adapt(instrument, sector, perspective, loc) for loc in locales]  # type: ignore[arg-type]


def sample_answers(adapted: AdaptedInstrument, seed: int = 7) -> np.ndarray:
    """Rows of answers (NaN = missing): complete, one gap per scale, exactly the fewest
    answers a scale needs, one fewer than that (the score must be missing), all
    missing, and random rows with random gaps."""
    rng = np.random.default_rng(seed)
    lo, hi = adapted.scale.min, adapted.scale.max
    n = len(adapted.items)
    rows = [rng.integers(lo, hi + 1, n).astype(float) for _ in range(3)]
    rows.append(np.full(n, float(lo)))
    rows.append(np.full(n, float(hi)))
    for keep_extra in (1, 0, -1):
        row = rng.integers(lo, hi + 1, n).astype(float)
        for d in adapted.dimensions:
            cols = [k for k, i in enumerate(adapted.items) if i.dimension == d.id]
            need = min_answered_count(len(cols), adapted.scoring.min_answered)
            keep = max(0, min(len(cols), need + keep_extra))
            for k in cols[keep:]:
                row[k] = math.nan
        rows.append(row)
    rows.append(np.full(n, math.nan))
    for _ in range(20):
        row = rng.integers(lo, hi + 1, n).astype(float)
        row[rng.random(n) < 0.3] = math.nan
        rows.append(row)
    na = adapted.scale.not_applicable
    if na is not None:  # 'does not apply' is no answer: alone, with gaps, everywhere
        for share in (0.1, 0.3, 1.0):
            row = rng.integers(lo, hi + 1, n).astype(float)
            row[rng.random(n) < share] = float(na.value)
            rows.append(row)
    return np.vstack(rows)


def reference_scores(adapted: AdaptedInstrument, answers: np.ndarray) -> dict[str, np.ndarray]:
    """relscale's raw scale scores for the sample (NaN where missing)."""
    return score_responses(adapted, answers).raw


def same_score(platform: float | None, reference: float) -> bool:
    """A platform's score (None or NaN for empty) equals relscale's."""
    if platform is None or (isinstance(platform, float) and math.isnan(platform)):
        return math.isnan(reference)
    return not math.isnan(reference) and abs(float(platform) - reference) < 1e-9

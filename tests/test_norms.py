"""Norm semantics against hand-worked values: percentiles, T-scores, bands, selection, files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from relscale.errors import ContentError, RelscaleError
from relscale.model.models import NormTable, Population
from relscale.scoring.norms import (
    apply_norms,
    band_for,
    band_label,
    banding_bands,
    describe_norms,
    normalized_t,
    read_norm_table,
    select_norm_table,
    write_norm_table,
)
from relscale.scoring.norms_build import build_dimension_norm

# A norm group of N = 10 with raw scores 1, 2, 2, 3, 3, 3, 4, 4, 5, 5.
#
# raw  count  at-or-below  percentile  mid-rank p           z = Phi^-1(p)   T = 50 + 10 z
#  1     1        1           10       (0 + 1/2)/10 = .05      -1.6449        33.55
#  2     2        3           30       (1 + 2/2)/10 = .20      -0.8416        41.58
#  3     3        6           60       (3 + 3/2)/10 = .45      -0.1257        48.74
#  4     2        8           80       (6 + 2/2)/10 = .70       0.5244        55.24
#  5     2       10          100       (8 + 2/2)/10 = .90       1.2816        62.82
#
# mean = 32 / 10 = 3.2; squared deviations 4.84 + 2(1.44) + 3(.04) + 2(.64) + 2(3.24) = 15.6,
# SD = sqrt(15.6 / 9) = 1.316561.
SAMPLE = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5]
HAND = {1: (10, 33.55), 2: (30, 41.58), 3: (60, 48.74), 4: (80, 55.24), 5: (100, 62.82)}


def make_table(t_score: str = "normalized", group: dict[str, str] | None = None,
               status: str = "local", banding: str = "deciles_nl") -> NormTable:
    return NormTable(
        instrument="relationship_quality",
        sector="foster_homes",
        perspective="professional",
        group=group or {},
        population=Population(n=10, year=2024, source="hand-worked example", status=status),
        banding=banding,
        t_score=t_score,
        bands=banding_bands(banding),
        dimensions=(build_dimension_norm("conflict", SAMPLE, scale_min=1),),
    )


def test_build_matches_hand_worked_steps() -> None:
    norm = build_dimension_norm("conflict", SAMPLE, scale_min=1)
    assert norm.n == 10
    assert norm.mean == pytest.approx(3.2)
    assert norm.sd == pytest.approx(math.sqrt(15.6 / 9), abs=1e-6)
    assert [p.raw for p in norm.percentiles] == [1, 2, 3, 4, 5]
    for point in norm.percentiles:
        pct, t = HAND[int(point.raw)]
        assert point.percentile == pct
        assert point.t == pytest.approx(t, abs=0.01)


def test_build_adds_floor_at_scale_minimum() -> None:
    norm = build_dimension_norm("conflict", [2, 3, 3, 4], scale_min=1)
    first = norm.percentiles[0]
    assert (first.raw, first.percentile) == (1, 0)
    # p clamped to 1 / (2N) = .125: T = 50 + 10 * Phi^-1(.125) = 50 - 11.50 = 38.50
    assert first.t == pytest.approx(38.50, abs=0.01)


def test_lookup_is_a_step_function() -> None:
    table = make_table()
    raw = np.array([1, 2, 2.5, 2.999999, 3, 5, 0.5, np.nan, 7])
    out = apply_norms(table, "conflict", raw)
    assert list(out["percentile"][:7]) == [10, 30, 30, 30, 60, 100, 10]
    assert math.isnan(out["percentile"][7]) and math.isnan(out["t"][7])
    assert out["band"][7] is None
    assert out["percentile"][8] == 100  # above the last step: the last step
    assert out["t"][1] == pytest.approx(41.58, abs=0.01)


def test_lookup_tolerates_a_mean_computed_in_another_order() -> None:
    # 22/7 as a truncated step 3.142857 and as a sum of sevenths in floating point
    norm = build_dimension_norm("conflict", [1, 22 / 7, 5], scale_min=1)
    table = make_table().model_copy(update={"dimensions": (norm,)})
    x = sum([3 / 7, 3 / 7, 3 / 7, 3 / 7, 4 / 7, 3 / 7, 3 / 7])  # 22/7 in another order
    assert apply_norms(table, "conflict", [x])["percentile"][0] == pytest.approx(200 / 3, abs=.01)


def test_bands_deciles_nl_hand_worked() -> None:
    out = apply_norms(make_table(), "conflict", [1, 2, 3, 4, 5])
    # P = 10, 30, 60, 80, 100: bands are [lower, upper), the last one closed.
    assert list(out["band"]) == [
        "low", "slightly below average", "slightly above average", "high", "very high"
    ]
    bands = banding_bands("deciles_nl")
    assert band_for(bands, 0) == "very low"
    assert band_for(bands, 9.99) == "very low"
    assert band_for(bands, 40) == "average" and band_for(bands, 59.9) == "average"
    assert band_for(bands, float("nan")) is None


def test_linear_t() -> None:
    out = apply_norms(make_table("linear"), "conflict", [4, np.nan])
    assert out["t"][0] == pytest.approx(50 + 10 * 0.8 / math.sqrt(15.6 / 9))
    assert math.isnan(out["t"][1])


def test_normalized_t_clamp() -> None:
    assert normalized_t(0.5, 10) == pytest.approx(50)
    assert normalized_t(0.0, 10) == pytest.approx(normalized_t(0.05, 10))
    assert normalized_t(1.0, 10) == pytest.approx(100 - normalized_t(0.0, 10))


def test_unknown_dimension_is_a_clear_error() -> None:
    with pytest.raises(RelscaleError, match="no norms for dimension 'closeness'"):
        apply_norms(make_table(), "closeness", [1])


def test_select_norm_table() -> None:
    all_ = make_table()
    girls = make_table(group={"gender": "f"})
    assert select_norm_table([girls, all_], {"gender": "f"}) is girls
    assert select_norm_table([girls, all_], {"gender": "m"}) is all_
    assert select_norm_table([girls, all_], {}) is all_
    assert select_norm_table([girls], {"gender": "m"}) is None
    assert select_norm_table([], None) is None


def test_describe_norms_says_illustrative() -> None:
    table = make_table(status="illustrative")
    text = describe_norms(table, "en")
    assert text.startswith("Illustrative norms (synthetic data, N=10)")
    assert "foster_homes / relationship_quality / professional, group all" in text
    assert "bands: deciles_nl" in text
    assert describe_norms(make_table(group={"gender": "f"})).startswith("Local norms (N=10, 2024)")


def test_band_label_source_locale() -> None:
    assert band_label("very high", "en") == "very high"


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    table = make_table(group={"gender": "f"})
    out = write_norm_table(table, tmp_path / "n.toml")
    assert read_norm_table(out) == table
    with pytest.raises(RelscaleError, match="already exists"):
        write_norm_table(table, out)
    write_norm_table(table, out, overwrite=True)


def test_bad_norm_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('instrument = "relationship_quality"\n', encoding="utf-8")
    with pytest.raises(ContentError, match=r"bad\.toml"):
        read_norm_table(bad)
    gap = make_table().model_copy(update={"bands": banding_bands("deciles_nl")[1:]})
    write_norm_table(gap, tmp_path / "gap.toml")
    with pytest.raises(ContentError, match=r"gap.toml: bands must cover"):
        read_norm_table(tmp_path / "gap.toml")

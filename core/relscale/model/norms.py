"""Norm tables: the population, raw score to percentile steps, mean, SD and reliability
per dimension, and the verbal bands. Every way a table is loaded (plugin, ``--content``,
``--norms``) runs the same checks: finite numbers, bands without gaps or overlaps."""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import Field, model_validator

from relscale.model.base import IDENTIFIER, Model, NormStatus, Perspective, _no_duplicates


class Population(Model):
    n: int = Field(ge=1)
    year: int = Field(ge=1900, le=2100)
    source: str = Field(min_length=1)
    status: NormStatus
    note: str | None = None


class PercentilePoint(Model):
    """A step of the norm table: raw scores from ``raw`` up to the next point map here."""

    raw: float = Field(allow_inf_nan=False)
    percentile: float = Field(ge=0, le=100, allow_inf_nan=False)
    t: float | None = Field(
        default=None, allow_inf_nan=False, description="Normalized T-score at this point."
    )


class Band(Model):
    """A verbal band over percentile ranks: [lower, upper) except the last, which is closed."""

    label: str = Field(min_length=1)
    lower: float = Field(ge=0, le=100, allow_inf_nan=False)
    upper: float = Field(ge=0, le=100, allow_inf_nan=False)

    @model_validator(mode="after")
    def _two_decimals(self) -> Band:
        # Stored percentiles are cut to two decimals, which bands exactly only against
        # boundaries of at most two decimals (docs/norms.md).
        for bound in (self.lower, self.upper):
            if abs(bound * 100 - round(bound * 100)) > 1e-9:
                raise ValueError(f"band {self.label!r}: boundary {bound} has more than "
                                 "two decimals")
        return self


class DimensionNorm(Model):
    dimension: str = Field(pattern=IDENTIFIER)
    mean: float = Field(allow_inf_nan=False)
    sd: float = Field(gt=0, allow_inf_nan=False)
    n: int = Field(ge=1)
    percentiles: tuple[PercentilePoint, ...] = Field(min_length=1)
    reliability: float | None = Field(
        default=None,
        le=1,
        description="r_xx of the scale in the norm sample (Cronbach's alpha, listwise), "
        "which with `sd` gives the standard error of a difference for the reliable change "
        "index; None in tables built before relscale stored it.",
    )

    @model_validator(mode="after")
    def _sorted(self) -> DimensionNorm:
        raws = [p.raw for p in self.percentiles]
        if raws != sorted(raws) or len(set(raws)) != len(raws):
            raise ValueError(f"{self.dimension}: percentile points must have increasing raw scores")
        pcts = [p.percentile for p in self.percentiles]
        if pcts != sorted(pcts):
            raise ValueError(f"{self.dimension}: percentiles must not decrease with the raw score")
        return self


def _check_bands(bands: tuple[Band, ...]) -> None:
    """Bands cover percentiles 0 to 100 without gap or overlap (every way a table is
    loaded runs this: ``--norms``, ``--content``, plugins)."""
    ordered = sorted(bands, key=lambda b: b.lower)
    if ordered[0].lower != 0 or ordered[-1].upper != 100:
        raise ValueError("bands must cover percentiles 0 to 100")
    for a, b in itertools.pairwise(ordered):
        if a.upper != b.lower:
            raise ValueError(f"bands {a.label!r} and {b.label!r} leave a gap or overlap "
                             f"({a.upper:g} vs {b.lower:g})")


class NormTable(Model):
    """Norms for one instrument x sector x perspective x norm group.

    The norms issue owns the full semantics (percentile-rank definition, T-scores,
    banding); the shape lives here so every layer can rely on it.
    """

    instrument: str = Field(pattern=IDENTIFIER)
    instrument_version: str | None = None
    sector: str = Field(pattern=IDENTIFIER)
    perspective: Perspective
    group: dict[str, str] = Field(
        default_factory=dict, description="Norm group, e.g. {'gender': 'f', 'age_band': '6-8'}."
    )
    population: Population
    banding: str = Field(min_length=1, description="Name of the banding scheme used.")
    t_score: Literal["linear", "normalized"] = Field(
        default="normalized",
        description="Which T-score `<dimension>_t` reports: linear from mean and SD, or "
        "normalized from the percentile rank (the `t` of each percentile point).",
    )
    bands: tuple[Band, ...] = Field(min_length=1)
    dimensions: tuple[DimensionNorm, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> NormTable:
        _no_duplicates("dimension", [d.dimension for d in self.dimensions])
        _check_bands(self.bands)
        return self

    @property
    def group_label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.group.items())) or "all"

    def dimension(self, dimension_id: str) -> DimensionNorm | None:
        for d in self.dimensions:
            if d.dimension == dimension_id:
                return d
        return None

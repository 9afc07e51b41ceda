"""Response scales: an instrument's, and a sector's own for one perspective."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from relscale.model.base import IDENTIFIER, Model


class ScalePoint(Model):
    value: int
    label: str = Field(min_length=1)


class ResponseScale(Model):
    """An ordered set of integer response points, each with an anchor label."""

    id: str = Field(pattern=IDENTIFIER)
    points: tuple[ScalePoint, ...] = Field(min_length=2)
    not_applicable: ScalePoint | None = Field(
        default=None,
        description="An optional 'does not apply' answer. Its code lies outside the points "
        "and scores as missing (in `relscale score`, the form read-back and the scoring "
        "sheet's formulas).",
    )

    @model_validator(mode="after")
    def _consecutive(self) -> ResponseScale:
        values = [p.value for p in self.points]
        if values != list(range(values[0], values[0] + len(values))):
            raise ValueError(f"scale points must be consecutive integers in order, got {values}")
        if self.not_applicable is not None and self.not_applicable.value in values:
            raise ValueError(
                f"the 'does not apply' code {self.not_applicable.value} is also a scale point"
            )
        return self

    @property
    def accepted(self) -> tuple[int, ...]:
        """Every code a respondent may give: the points and the 'does not apply' code."""
        na = () if self.not_applicable is None else (self.not_applicable.value,)
        return (*self.values, *na)

    @property
    def min(self) -> int:
        return self.points[0].value

    @property
    def max(self) -> int:
        return self.points[-1].value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.points)


ScaleChange = Literal["points_changed", "anchors_reworded", "not_applicable_added"]


class SectorScale(ResponseScale):
    """A sector's own response scale for one perspective, documented like a wording change
    (ITC TD-4: the response format is part of the adaptation)."""

    changes: tuple[ScaleChange, ...] = Field(
        min_length=1, description="How it differs from the instrument's scale."
    )
    rationale: str = Field(min_length=1, description="Why the respondents need it.")

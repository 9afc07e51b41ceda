"""The domain model: frozen pydantic models for instruments, sectors, norms and adaptations.

Everything a plugin registers is one of these models, validated on construction. The
English text in them is the gettext *source*; localized text is produced by
:func:`relscale.adapt` and never stored back here.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from relscale.model.base import (
    IDENTIFIER,
    PERSPECTIVES,
    Model,
    NormStatus,
    Perspective,
    _no_duplicates,
)
from relscale.model.norms import Band, DimensionNorm, NormTable, PercentilePoint, Population
from relscale.model.respondents import (
    Practice,
    PracticeStatement,
    RespondentVariant,
    check_variants,
)
from relscale.model.scales import ResponseScale, ScaleChange, ScalePoint, SectorScale

__all__ = [
    "IDENTIFIER", "PERSPECTIVES", "Band", "DimensionNorm", "Model", "NormStatus", "NormTable",
    "PercentilePoint", "Perspective", "Population", "Practice", "PracticeStatement",
    "RespondentVariant", "ResponseScale", "ScaleChange", "ScalePoint", "SectorScale",
]
# (the scale, norm and base names are re-exported: they were defined here before 0.2.0)

Keying = Literal["+", "-"]
Framework = Literal["relationship_quality", "working_alliance"]
Provenance = Literal["unchanged", "terms_substituted", "reworded", "dropped", "added"]
"""How a sector's item relates to the education wording. ``unchanged`` means identical to
relscale's own education item (never "verbatim from a published instrument")."""
DEPRECATED_PROVENANCE = {"verbatim": "unchanged"}
"""Old provenance names still read, with a :class:`RelscaleDeprecationWarning`."""
LocaleChange = Literal["kept", "terms_substituted", "reworded"]
"""How a locale's wording of an item relates to the source-language (English) wording of
the same sector: ``kept`` (a faithful translation), ``terms_substituted`` (only terms
differ, e.g. a role noun the respondents use) or ``reworded``."""



class RelscaleDeprecationWarning(FutureWarning):
    """A content file uses a name relscale still reads but will drop (shown by default)."""


def deprecated_provenance_note(old: str) -> str:
    return (
        f"provenance {old!r} is deprecated since relscale 0.2.0 and read as "
        f"{DEPRECATED_PROVENANCE[old]!r}: it means identical to the education wording, "
        "which 'verbatim' misread as verbatim from a published instrument; "
        f"write {DEPRECATED_PROVENANCE[old]!r}"
    )


# --- instruments ------------------------------------------------------------------------


class Dimension(Model):
    """A construct measured by a scale, e.g. closeness or bond."""

    id: str = Field(pattern=IDENTIFIER)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    framework: Framework
    favourable: Literal["high", "low"] = Field(
        description="Which end of the scale is the favourable one for the relationship."
    )


class ItemSlot(Model):
    """An abstract item: what it measures and how it is keyed, but no wording."""

    id: str = Field(pattern=IDENTIFIER)
    perspective: Perspective
    dimension: str = Field(pattern=IDENTIFIER)
    keying: Keying
    intent: str = Field(min_length=1, description="What the item taps, in one sentence.")


class ScoringRule(Model):
    """How raw scale scores are computed from keyed item values."""

    method: Literal["mean", "sum"] = "mean"
    min_answered: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Minimum share of a scale's items that must be answered; "
        "below it the scale score is missing.",
    )


class Instrument(Model):
    """An abstract instrument defined in core: dimensions, item slots, scale, scoring."""

    id: str = Field(pattern=IDENTIFIER)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    framework: Framework
    perspectives: tuple[Perspective, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    items: tuple[ItemSlot, ...] = Field(min_length=1)
    scale: ResponseScale
    scoring: ScoringRule = ScoringRule()
    validated: bool = Field(
        default=False, description="False for relscale's own item bank until validation data exist."
    )
    domain: str = Field(
        default="relscale_instruments",
        pattern=IDENTIFIER,
        description="gettext domain of the instrument's catalog.",
    )
    locale_dir: str | None = Field(
        default=None,
        description="Folder holding <lang>/LC_MESSAGES/<domain>.po; None for core's own.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        dims = [d.id for d in self.dimensions]
        _no_duplicates("dimension", dims)
        _no_duplicates("item", [i.id for i in self.items])
        _no_duplicates("perspective", list(self.perspectives))
        for item in self.items:
            if item.dimension not in dims:
                raise ValueError(f"item {item.id!r}: unknown dimension {item.dimension!r}")
            if item.perspective not in self.perspectives:
                raise ValueError(
                    f"item {item.id!r}: perspective {item.perspective!r} is not one of "
                    f"{list(self.perspectives)}"
                )
        for perspective in self.perspectives:
            if not self.slots(perspective):
                raise ValueError(f"perspective {perspective!r} has no items")
        return self

    def slots(self, perspective: Perspective) -> tuple[ItemSlot, ...]:
        """The item slots of one perspective, in instrument order."""
        return tuple(i for i in self.items if i.perspective == perspective)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id (:class:`KeyError` if there is none)."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)


# --- sectors ---------------------------------------------------------------------------


class Role(Model):
    """Who answers, or who the answers are about, in one sector (English source terms)."""

    id: str = Field(pattern=IDENTIFIER)
    label: str = Field(min_length=1, description="Singular noun, e.g. 'foster-home parent'.")
    plural: str = Field(min_length=1)
    spoken_label: str | None = Field(
        default=None, min_length=1,
        description="The noun a child or client uses for this role, on the forms they fill "
        "in (e.g. 'teacher', which a Dutch catalog renders as 'juf of meester'); absent: "
        "`label`.",
    )


class ItemWording(Model):
    """A sector's wording of one item, with its provenance relative to education."""

    item: str = Field(pattern=IDENTIFIER)
    text: str | None = Field(default=None, description="English wording; absent when dropped.")
    provenance: Provenance
    rationale: str = Field(
        min_length=1,
        description="Why this wording. May be left out for an 'unchanged' or "
        "'terms_substituted' item when its offering says it once in `rationales`.",
    )
    negation: str | None = Field(
        default=None,
        description="Client items carry no negation (not, never, no ...); an item that is "
        "negated on purpose says why here.",
    )
    # Only for items the sector adds beyond the instrument's slots:
    dimension: str | None = Field(default=None, pattern=IDENTIFIER)
    keying: Keying | None = None
    intent: str | None = None

    @field_validator("provenance", mode="before")
    @classmethod
    def _deprecated_names(cls, value: Any) -> Any:
        if isinstance(value, str) and value in DEPRECATED_PROVENANCE:
            warnings.warn(deprecated_provenance_note(value), RelscaleDeprecationWarning,
                          stacklevel=2)
            return DEPRECATED_PROVENANCE[value]
        return value

    @model_validator(mode="after")
    def _shape(self) -> ItemWording:
        if self.provenance == "dropped":
            if self.text:
                raise ValueError(f"item {self.item!r} is dropped but has text")
        elif not self.text:
            raise ValueError(f"item {self.item!r} ({self.provenance}) needs text")
        added_fields = (self.dimension, self.keying, self.intent)
        if self.provenance == "added" and None in added_fields:
            raise ValueError(f"added item {self.item!r} needs dimension, keying and intent")
        if self.provenance != "added" and any(f is not None for f in added_fields):
            raise ValueError(
                f"item {self.item!r}: dimension/keying/intent belong to added items only "
                "(slots take them from the instrument)"
            )
        return self


class Offering(Model):
    """What a sector offers for one instrument and perspective: wording, or a reason not to."""

    instrument: str = Field(pattern=IDENTIFIER)
    perspective: Perspective
    declined: str | None = Field(
        default=None, description="Why the sector does not offer this perspective."
    )
    instructions: str | None = None
    administration: str | None = Field(
        default=None, description="How the form is administered when not self-completed."
    )
    title: str | None = Field(
        default=None,
        description="The form's title in the respondent's words (e.g. 'How are things "
        "between you and your teacher?'); default the instrument's title.",
    )
    scale: SectorScale | None = Field(
        default=None, description="The sector's own response scale; default the instrument's."
    )
    practice: Practice | None = Field(
        default=None, description="Practice statements before the items, with the "
        "administrator's script (client forms).",
    )
    rationales: dict[Literal["unchanged", "terms_substituted"], str] = Field(
        default_factory=dict,
        description="A rationale said once for every item of this change type that gives "
        "none of its own (e.g. 'Role noun only: student -> client.').",
    )
    items: tuple[ItemWording, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _shared_rationales(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not data.get("rationales"):
            return data
        shared = data["rationales"]
        items = []
        for w in data.get("items") or ():
            if isinstance(w, dict) and not w.get("rationale"):
                given = str(w.get("provenance"))
                provenance = DEPRECATED_PROVENANCE.get(given, given)
                if provenance in shared:
                    w = {**w, "rationale": shared[provenance]}
            items.append(w)
        return {**data, "items": items}

    @model_validator(mode="after")
    def _shape(self) -> Offering:
        if self.declined:
            if self.items:
                raise ValueError(
                    f"{self.instrument}/{self.perspective} is declined but lists items"
                )
        else:
            if not self.items:
                raise ValueError(f"{self.instrument}/{self.perspective} has no items")
            if not self.instructions:
                raise ValueError(f"{self.instrument}/{self.perspective} has no instructions")
        _no_duplicates("item", [w.item for w in self.items])
        return self

    @property
    def key(self) -> tuple[str, Perspective]:
        return (self.instrument, self.perspective)


class Sector(Model):
    """A care sector, supplied by a plugin: roles, wording, provenance, locale catalog."""

    id: str = Field(pattern=IDENTIFIER)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    professional: Role
    client: Role
    variants: tuple[RespondentVariant, ...] = Field(
        default=(),
        description="Groups of client-form respondents with their own word for the "
        "professional (education: primary, secondary); the first is the default.",
    )
    offerings: tuple[Offering, ...] = Field(min_length=1)
    domain: str = Field(
        pattern=IDENTIFIER, description="gettext domain of the sector's catalog."
    )
    locale_dir: str | None = Field(
        default=None, description="Folder holding <lang>/LC_MESSAGES/<domain>.po."
    )

    @model_validator(mode="after")
    def _unique_offerings(self) -> Sector:
        _no_duplicates("offering", [f"{o.instrument}/{o.perspective}" for o in self.offerings])
        check_variants(self.variants)
        return self

    def variant(self, variant_id: str | None) -> RespondentVariant | None:
        """The respondent variant ``variant_id`` (the first when None); None when the
        sector has no variants. :class:`KeyError` for an unknown id."""
        if not self.variants:
            if variant_id is not None:
                raise KeyError(variant_id)
            return None
        if variant_id is None:
            return self.variants[0]
        for v in self.variants:
            if v.id == variant_id:
                return v
        raise KeyError(variant_id)

    def offering(self, instrument: str, perspective: Perspective) -> Offering | None:
        """What the sector says about one instrument perspective (offered or declined);
        None if it says nothing."""
        for o in self.offerings:
            if o.key == (instrument, perspective):
                return o
        return None

    def role(self, kind: Perspective) -> Role:
        """The professional's or the client's role."""
        return self.professional if kind == "professional" else self.client


# --- the adapted instrument ----------------------------------------------------------


class AdaptedItem(Model):
    id: str
    position: int = Field(ge=1)
    dimension: str
    keying: Keying
    text: str
    intent: str
    provenance: Provenance
    rationale: str
    locale_change: LocaleChange | None = Field(
        default=None,
        description="How this locale's wording relates to the English wording of the same "
        "sector; None in English (the source language) and for dropped items.",
    )
    locale_rationale: str | None = Field(
        default=None, description="Why the locale's wording differs, when it does."
    )


class AdaptedPractice(Model):
    """Practice statements in one locale: (text, the answer that is right) and the script."""

    statements: tuple[tuple[str, int], ...]
    script: str
    always: bool


class AdaptedDimension(Model):
    id: str
    label: str
    description: str
    framework: Framework
    favourable: Literal["high", "low"]


class AdaptedInstrument(Model):
    """One instrument, worded for one sector and perspective, rendered in one locale.

    The single object every exporter and the scorer consume.
    """

    instrument: str
    version: str
    framework: Framework
    title: str
    sector: str
    sector_label: str
    perspective: Perspective
    locale: str = Field(description="The locale actually used, after negotiation.")
    requested_locale: str
    fallbacks: tuple[str, ...] = Field(
        default=(), description="Notes on strings that fell back to another locale."
    )
    respondent: str = Field(description="Localized role of who answers.")
    subject: str = Field(description="Localized role of who the answers are about.")
    subject_spoken: str | None = Field(
        default=None, description="Localized role of who the answers are about, in the "
        "respondent's words (the variant's or the role's `spoken_label`); None: `subject`.",
    )
    variant: str | None = Field(
        default=None, description="The sector's respondent variant the client form is "
        "worded for (e.g. 'secondary'); None when the sector has none.",
    )
    variant_label: str | None = Field(default=None, description="The variant, in words.")
    instructions: str
    administration: str | None = None
    scale: ResponseScale
    scale_changes: tuple[ScaleChange, ...] = Field(
        default=(), description="How the sector's scale differs from the instrument's (none: "
        "the instrument's scale)."
    )
    scale_rationale: str | None = None
    practice: AdaptedPractice | None = Field(
        default=None, description="Practice statements and script, in this locale.")
    scoring: ScoringRule
    dimensions: tuple[AdaptedDimension, ...]
    items: tuple[AdaptedItem, ...]
    dropped: tuple[AdaptedItem, ...] = Field(
        default=(), description="Slots the sector dropped (text is the slot intent)."
    )
    validated: bool
    notice: str = Field(description="Localized validation notice for every output.")
    norms: tuple[NormTable, ...] = ()

    def items_for(self, dimension_id: str) -> tuple[AdaptedItem, ...]:
        return tuple(i for i in self.items if i.dimension == dimension_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def subject_said(self) -> str:
        """The other person's role in the respondent's words: on a client form the word the
        client uses (the respondent variant's or the role's spoken label), on a
        professional's form the client role's label."""
        return self.subject_spoken or self.subject

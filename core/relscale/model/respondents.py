"""What a sector says about the people who fill in its client forms: respondent variants
(the noun they use for the professional) and practice statements before the items."""

from __future__ import annotations

from pydantic import Field

from relscale.model.base import IDENTIFIER, Model, _no_duplicates

ROLE_PLACEHOLDER = "{role}"
"""In a client offering's title, instructions, practice script and item text: the noun the
respondent uses for the professional (the variant's or the role's ``spoken_label``),
filled in by :func:`relscale.adapt` in the form's language."""


class RespondentVariant(Model):
    """A group of respondents a sector addresses with its own word for the professional,
    chosen when a client form is made (``relscale form --variant``). Education has two:
    primary school children say "juf of meester" in Dutch, secondary students "docent"."""

    id: str = Field(pattern=IDENTIFIER)
    label: str = Field(min_length=1, description="Who they are, e.g. 'Primary school "
                       "(children of about 8 to 12)'.")
    spoken_label: str = Field(
        min_length=1,
        description="The noun these respondents use for the professional; it fills "
        "`{role}` on their forms (a catalog translates it per variant).",
    )


class PracticeStatement(Model):
    """A practice statement whose answer the respondent and the administrator both know."""

    text: str = Field(min_length=1)
    answer: int = Field(description="The answer that is right (a value of the scale).")


class Practice(Model):
    """Practice statements read before the real items, with the script for the adult who
    administers the form (what to read aloud, and how)."""

    statements: tuple[PracticeStatement, ...] = Field(min_length=1)
    script: str = Field(
        min_length=1,
        description="What the administrator says and does before the practice statements "
        "and between them and the items; printed on the administrator's page.",
    )
    always: bool = Field(
        default=False,
        description="Print the practice statements on every form of this offering "
        "(disability care); otherwise only when asked (`relscale form --practice`).",
    )


def check_variants(variants: tuple[RespondentVariant, ...]) -> None:
    _no_duplicates("variant", [v.id for v in variants])

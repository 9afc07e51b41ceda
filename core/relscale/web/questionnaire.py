"""The questionnaire a respondent link opens, in the form's language, worded as the
personalized paper form is (:mod:`relscale.workbooks.form_parts`): the same title, the
name in the statements, the answers in words, the sector's pictures of the scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from relscale.store.models import CLIENT

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument
    from relscale.web.links import LinkState


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    level: int | None
    """1..n for a point of the scale (the number of filled dots), None for 'does not apply'."""


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    answer: int | None


@dataclass(frozen=True)
class OnlineForm:
    title: str
    about: str | None
    """Who the form is about, for an adult who has several (a child's title says it)."""
    instructions: str
    notice: str
    lang: str
    single: bool
    """One statement per screen (a child or client), else all on one page (an adult)."""
    options: tuple[Option, ...]
    items: tuple[Statement, ...]
    pictures: bool
    levels: int

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.answer is not None)


def adapted_for(instrument: str, sector: str, perspective: str, locale: str) -> AdaptedInstrument:
    """The adapted instrument of a form (the rounds library's cache: every answer is
    checked against it)."""
    from relscale.rounds.record import adapted_for as cached

    return cached(instrument, sector, perspective, locale)


def valid_values(state: LinkState) -> tuple[set[str], set[int]]:
    """The item ids and answer codes a form accepts."""
    adapted = adapted_for(state.instrument, state.sector, state.perspective, state.locale)
    from relscale.workbooks.form_parts import answer_options

    return set(adapted.item_ids), {p.value for p in answer_options(adapted)}


def online_form(state: LinkState, answers: dict[str, int]) -> OnlineForm:
    """The questionnaire of a link with the answers saved so far (UI strings in the
    current locale, which the caller sets to the form's)."""
    from relscale.workbooks.form_parts import (
        answer_options,
        blank_hint,
        render_item_text,
        respondent_title,
    )

    adapted = adapted_for(state.instrument, state.sector, state.perspective, state.locale)
    name = state.subject_name
    points = adapted.scale.points
    options = tuple(
        Option(p.value, p.label, points.index(p) + 1 if p in points else None)
        for p in answer_options(adapted))
    hint = blank_hint(adapted, name)
    instructions = " ".join(x for x in (render_item_text(adapted.instructions, name), hint) if x)
    from relscale.i18n import _

    single = state.perspective == CLIENT
    about = None if single else _("About: {who}").format(
        who=f"{name} ({state.subject_code})" if name else state.subject_code)
    return OnlineForm(
        title=respondent_title(adapted, name),
        about=about,
        instructions=instructions,
        notice=adapted.notice,
        lang=adapted.locale.replace("_", "-"),
        single=single,
        options=options,
        items=tuple(Statement(i.id, render_item_text(i.text, name), answers.get(i.id))
                    for i in adapted.items),
        pictures=state.perspective == CLIENT,
        levels=len(points),
    )

"""Contract rules about what the respondent of a client form reads: the professional is
named with the respondent's own word (the variant's or the role's ``spoken_label``), and
practice statements fit the form's scale. Like :mod:`relscale.plugin_kit.contract`, each
function returns the problems it finds; the pytest suite and ``relscale plugin check``
share them."""

from __future__ import annotations

import re

from relscale.errors import RelscaleError
from relscale.i18n import _, ctx_field
from relscale.model.models import AdaptedInstrument, Sector
from relscale.plugin_kit.contract import offered, offering_entry, sector_file
from relscale.plugin_kit.contract_locales import sector_locales
from relscale.plugin_kit.problem import Problem
from relscale.registry import Registry


def respondent_content(adapted: AdaptedInstrument) -> list[tuple[str, str]]:
    """(where, text) for every text of the sector a client-form respondent reads: the
    title, the instructions, the practice statements and the items (in ``adapted``'s
    locale and variant). The administration note is for the adult and not included."""
    texts = [("title", adapted.title), ("instructions", adapted.instructions)]
    if adapted.practice is not None:
        texts += [(f"practice {n}", text)
                  for n, (text, _answer) in enumerate(adapted.practice.statements, start=1)]
    texts += [(item.id, item.text) for item in adapted.items]
    return texts


def contains_term(text: str, term: str) -> bool:
    """Whether ``term`` occurs in ``text`` as whole words (case-insensitive)."""
    if not term.strip():
        return False
    pattern = r"(?<!\w)" + re.escape(term.strip()).replace(r"\ ", r"\s+") + r"(?!\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def wrong_terms(sector: Sector, adapted: AdaptedInstrument) -> list[str]:
    """The words for the professional a respondent of ``adapted`` must not read: the staff
    term (singular and plural) when the respondent's word differs from it, and the other
    variants' words that are not part of this one's."""
    from relscale.i18n import Translator

    tr = Translator(adapted.locale)
    role = sector.professional
    said = adapted.subject_said
    wrong: list[str] = []
    if said.strip().lower() != adapted.subject.strip().lower():
        plural = tr.sector_text(sector, ctx_field(f"role.{role.id}", "plural"), role.plural)
        wrong += [adapted.subject, plural]
    for v in sector.variants:
        if v.id == adapted.variant:
            continue
        other = tr.sector_text(sector, ctx_field(f"variant.{v.id}", "spoken_label"),
                               v.spoken_label)
        if not contains_term(said, other) and other.strip().lower() != said.strip().lower():
            wrong.append(other)
    return [w for w in dict.fromkeys(wrong) if not contains_term(said, w)]


def check_spoken_labels(sector: Sector, registry: Registry) -> list[Problem]:
    """In every locale and respondent variant, a client form's title, instructions,
    practice statements and items name the professional with the respondent's own word:
    never the staff term it differs from, nor another variant's word."""
    from relscale.adapt import adapt

    file, found = sector_file(sector), []
    variants: list[str | None] = [v.id for v in sector.variants] or [None]
    for locale in sector_locales(sector):
        for inst, perspective in offered(sector, registry):
            if perspective != "client":
                continue
            offering = sector.offering(inst.id, perspective)
            assert offering is not None
            for variant in variants:
                try:
                    adapted = adapt(inst.id, sector.id, perspective, locale,
                                    registry=registry, variant=variant)
                except RelscaleError:
                    continue  # check_adapts reports it
                for where, text in respondent_content(adapted):
                    for term in wrong_terms(sector, adapted):
                        if contains_term(text, term):
                            found.append(Problem(
                                file, f"{offering_entry(offering)}: {where}",
                                _("{locale}{variant}: the respondent reads {term!r}; their "
                                  "word for the professional is {said!r} (write {{role}})")
                                .format(locale=locale,
                                        variant=f" ({variant})" if variant else "",
                                        term=term, said=adapted.subject_said)))
    return found


def check_practice(sector: Sector, registry: Registry) -> list[Problem]:
    """Practice statements: on a client form, at least two, each with an answer on the
    form's scale, one of them answered with the scale's lowest point (so that a respondent
    who agrees with everything shows it)."""
    file, found = sector_file(sector), []
    for offering in sector.offerings:
        practice = offering.practice
        if practice is None or offering.declined:
            continue
        entry = f"{offering_entry(offering)}: practice"
        if offering.perspective != "client":
            found.append(Problem(file, entry, _("practice statements belong on client forms")))
            continue
        inst = registry.instruments.get(offering.instrument)
        if inst is None:
            continue  # check_slots reports it
        scale = offering.scale or inst.scale
        answers = [s.answer for s in practice.statements]
        if len(answers) < 2:
            found.append(Problem(file, entry, _("give at least two practice statements")))
        wrong = [a for a in answers if a not in scale.values]
        if wrong:
            found.append(Problem(file, entry, _(
                "answers {answers} are not on the scale ({min} to {max})").format(
                    answers=", ".join(map(str, wrong)), min=scale.min, max=scale.max)))
        elif scale.min not in answers:
            found.append(Problem(file, entry, _(
                "one practice statement should be answered with the lowest point ({min}): "
                "it shows a respondent who agrees with everything").format(min=scale.min)))
    return found


def respondent_problems(sector: Sector, registry: Registry) -> list[Problem]:
    """Every rule of this module."""
    return [*check_spoken_labels(sector, registry), *check_practice(sector, registry)]

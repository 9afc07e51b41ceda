"""LimeSurvey: the tab-separated survey structure (``.txt``), several languages in one file.

The layout is the documented "Tab Separated Value survey structure" (Import survey
accepts it): a header of :data:`COLUMNS`, then ``S`` rows (survey settings), ``SL`` rows
(per-language texts), and one block of ``G``/``Q``/``SQ``/``A`` rows per language, base
language first, every block with the same rows in the same order. Relations follow from
the order: a question belongs to the group above it, subquestions and answers to the
question above them.

The items are one array question (type ``F``) named ``items`` whose subquestions carry
the item ids and whose answers are the scale points (code = value, assessment value =
value). The respondent and subject codes are short-text questions. Every scale score is
a hidden equation question (type ``*``) with relscale's rules in ExpressionScript::

    {if(count(items_rq01, ...) >= need,
        sum(if(is_empty(items_rq01), 0, items_rq01), if(..., 0, 6 - items_rq06), ...)
        / count(items_rq01, ...), '')}

LimeSurvey codes are letters and digits, start with a letter, at most 20 characters
(answer codes at most 5); :func:`limesurvey_code` checks them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.exporters.localized import check_same_instrument
from relscale.exporters.text import (
    alphanumeric_code,
    limesurvey_html,
    limesurvey_plain,
    names_someone,
    piped_label,
)
from relscale.i18n import CORE_DOMAIN, CORE_LOCALE_DIR, N_, Translator, _
from relscale.io.csv_safety import writer as csv_writer
from relscale.scoring.engine import min_answered_count

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
"""The documented base columns, in LimeSurvey's order (question attributes may follow)."""

ATTRIBUTES = ("hidden",)
"""The question attributes relscale sets, as further columns."""

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
ANSWER_CODE = re.compile(r"^[A-Za-z0-9]{1,5}$")
ITEMS_QUESTION = "items"
RESPONDENT_LABEL = N_("Your name or code")
SUBJECT_LABEL = N_("Name or code of the {role} this form is about")


def limesurvey_code(name: str, *, answer: bool = False) -> str:
    """``name`` as a LimeSurvey code (non-alphanumerics dropped), or an error."""
    code = alphanumeric_code(name)
    if not (ANSWER_CODE if answer else CODE).match(code):
        raise RelscaleError(
            _("LimeSurvey: {name!r} cannot be a code (letters and digits, starting with a "
              "letter, at most 20 characters; answer codes at most 5)").format(name=name)
        )
    return code


def language_code(adapted: AdaptedInstrument) -> str:
    """LimeSurvey's language code for a locale: the language (``nl_BE`` -> ``nl``)."""
    return adapted.locale.split("_")[0]


def equation(adapted: AdaptedInstrument, dimension: str, codes: dict[str, str]) -> str:
    """The ExpressionScript equation of one scale score (see the module docstring)."""
    items = adapted.items_for(dimension)
    k = len(items)
    need = min_answered_count(k, adapted.scoring.min_answered)
    lo, hi = adapted.scale.min, adapted.scale.max
    na = adapted.scale.not_applicable
    names = [f"{ITEMS_QUESTION}_{codes[i.id]}" for i in items]
    # 'does not apply' counts as no answer: never a score
    answers = names if na is None else [f"if({n} == {na.value}, '', {n})" for n in names]
    count = "count(" + ", ".join(answers) + ")"
    keyed = [n if i.keying == "+" else f"{lo + hi} - {n}" for n, i in zip(names, items,
                                                                           strict=True)]
    if na is not None:
        keyed = [f"if({n} == {na.value}, 0, {v})" for n, v in zip(names, keyed, strict=True)]
    total = "sum(" + ", ".join(
        f"if(is_empty({n}), 0, {v})" for n, v in zip(names, keyed, strict=True)
    ) + ")"
    value = f"{total} / {count}" if adapted.scoring.method == "mean" else (
        f"{total} / {count} * {k}"
    )
    return "{" + f"if({count} >= {need}, {value}, '')" + "}"


def _row(**cells: str) -> list[str]:
    named = {("class" if k == "cls" else "type/scale" if k == "type" else k): v
             for k, v in cells.items()}
    return [named.get(c, "") for c in (*COLUMNS, *ATTRIBUTES)]


def build_rows(adapted: Sequence[AdaptedInstrument], *, subject: str | None = None
               ) -> list[list[str]]:
    """The survey structure rows (header first) for one instrument in several locales."""
    check_same_instrument(adapted)
    first = adapted[0]
    languages = [language_code(a) for a in adapted]
    if len(set(languages)) != len(languages):
        raise RelscaleError(
            _("LimeSurvey: two locales share the language code {codes}").format(
                codes=", ".join(languages))
        )
    codes = {item.id: limesurvey_code(item.id) for item in first.items}
    if len(set(codes.values())) != len(codes):
        raise RelscaleError(_("LimeSurvey: item ids clash once reduced to letters and digits"))
    for point in (*first.scale.points, *((first.scale.not_applicable,)
                                         if first.scale.not_applicable else ())):
        limesurvey_code(str(point.value), answer=True)
    scores = {d.id: limesurvey_code(d.id) for d in first.dimensions}
    taken = {ITEMS_QUESTION, "respondentcode", "subjectcode"}
    if len(taken | set(scores.values())) != len(taken) + len(scores):
        raise RelscaleError(_("LimeSurvey: a dimension id clashes with a question code"))
    mandatory = "Y" if all(
        min_answered_count(len(first.items_for(d.id)), first.scoring.min_answered)
        >= len(first.items_for(d.id)) for d in first.dimensions
    ) else "N"

    rows = [list((*COLUMNS, *ATTRIBUTES))]
    rows.append(_row(cls="S", name="language", text=languages[0]))
    if len(languages) > 1:
        rows.append(_row(cls="S", name="additional_languages", text=" ".join(languages[1:])))
    rows.append(_row(cls="S", name="format", text="G"))
    for a, lang in zip(adapted, languages, strict=True):
        rows += [
            _row(cls="SL", name="surveyls_title", language=lang,
                 text=limesurvey_plain(f"{a.title} — {a.sector_label}")),
            _row(cls="SL", name="surveyls_description", language=lang,
                 text=limesurvey_html(a.notice)),
            _row(cls="SL", name="surveyls_welcometext", language=lang,
                 text=limesurvey_html(a.instructions)),
        ]
    for a, lang in zip(adapted, languages, strict=True):
        tr = Translator(a.locale)
        context = "client form" if a.perspective == "client" else None

        def ui(msgid: str, tr: Translator = tr, context: str | None = context) -> str:
            return tr.lookup(msgid, context=context, domain=CORE_DOMAIN,
                             locale_dir=CORE_LOCALE_DIR)

        help_text = limesurvey_html(a.administration) if a.administration else ""
        rows.append(_row(id="1", cls="G", type="1", name=limesurvey_plain(a.title),
                         relevance="1", text=help_text, language=lang))
        rows.append(_row(id="1", cls="Q", type="S", name="respondentcode", relevance="1",
                         text=limesurvey_html(ui(RESPONDENT_LABEL)), language=lang,
                         mandatory="N", other="N"))
        # the sentences show the name typed here ({subjectcode}): it is asked first
        piped = subject is None and names_someone(i.text for i in a.items)
        rows.append(_row(id="2", cls="Q", type="S", name="subjectcode", relevance="1",
                         text=limesurvey_html(ui(SUBJECT_LABEL).format(role=a.subject_said)),
                         language=lang, mandatory="Y" if piped else "N", other="N"))
        rows.append(_row(id="3", cls="Q", type="F", name=ITEMS_QUESTION, relevance="1",
                         text=limesurvey_html(a.instructions), language=lang,
                         mandatory=mandatory, other="N"))
        for k, item in enumerate(a.items, start=1):
            rows.append(_row(id=str(100 + k), cls="SQ", type="0", name=codes[item.id],
                             relevance="1", text=piped_label(item.text, subject,
                                                             limesurvey_html, "{subjectcode}"),
                             language=lang))
        na = a.scale.not_applicable  # a choice of its own, with its own code
        for point in (*a.scale.points, *((na,) if na else ())):
            rows.append(_row(id="3", cls="A", type="0", name=str(point.value),
                             relevance=str(point.value), text=limesurvey_html(point.label),
                             language=lang))
        for k, dim in enumerate(a.dimensions, start=4):
            rows.append(_row(id=str(k), cls="Q", type="*", name=scores[dim.id], relevance="1",
                             text=equation(first, dim.id, codes), help=limesurvey_html(dim.label),
                             language=lang, mandatory="N", other="N", hidden="1"))
    return rows


def survey_text(rows: Sequence[Sequence[str]]) -> str:
    """The rows as LimeSurvey's tab-separated text, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def export_limesurvey(
    adapted: Sequence[AdaptedInstrument],
    path: Path,
    *,
    overwrite: bool = False,
    subject: str | None = None,
) -> None:
    """Write the survey structure for one instrument in the given locales (base first)."""
    from relscale.io.atomic import atomic_write

    text = survey_text(build_rows(adapted, subject=subject))
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")

"""REDCap: a data dictionary (``.csv``) and an instrument zip (``instrument.csv`` +
``OriginID.txt``), one locale each.

The items are ``radio`` fields in one matrix group, with identical choices
``1, label | 2, label | ...``; the instructions are the matrix's section header. Every
scale score is a ``calc`` field (hidden on surveys with ``@HIDDEN-SURVEY``) that states
relscale's rules explicitly, because REDCap's ``mean()`` would average whatever is
answered::

    if(sum(if(isblankormissingcode([rq01]),0,1), ...) >= need,
       sum(if(isblankormissingcode([rq01]),0,[rq01]), if(..., 0, (6-[rq06])), ...)
       / sum(if(isblankormissingcode([rq01]),0,1), ...), '')

The data dictionary starts with ``record_id``; the instrument zip leaves it out, since
the project it is added to has its own record id. :class:`DictionaryRow` and
:func:`validate_dictionary` hold REDCap's rules (names, field types, choices, matrix
groups) because no offline validator exists.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from relscale.errors import RelscaleError
from relscale.exporters.text import names_someone, piped_label, redcap_label
from relscale.i18n import CORE_DOMAIN, CORE_LOCALE_DIR, N_, Translator, _
from relscale.io.csv_safety import Code
from relscale.io.csv_safety import writer as csv_writer
from relscale.messages import pydantic_summary
from relscale.scoring.engine import min_answered_count

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
"""REDCap's data dictionary header: 18 columns, in this order."""

NAME = r"^[a-z][a-z0-9_]*$"
MAX_NAME = 100
RECOMMENDED_FIELD_NAME = 26
RESERVED = ("redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
            "redcap_data_access_group", "redcap_survey_identifier")
CHOICES = re.compile(r"^-?\d+, [^|]+( \| -?\d+, [^|]+)*$")
ORIGIN = "relscale"
RECORD_ID_LABEL = N_("Record ID")
RESPONDENT_LABEL = N_("Your name or code")
SUBJECT_LABEL = N_("Name or code of the {role} this form is about")


class DictionaryRow(BaseModel):
    """One REDCap field, checked against REDCap's rules for a data dictionary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field_name: str = Field(pattern=NAME, max_length=MAX_NAME)
    form_name: str = Field(pattern=NAME, max_length=MAX_NAME)
    section_header: str = ""
    field_type: Literal["text", "notes", "dropdown", "radio", "checkbox", "calc", "file",
                        "yesno", "truefalse", "slider", "descriptive", "sql"]
    field_label: str = ""
    choices: str = ""
    field_note: str = ""
    identifier: Literal["", "y"] = ""
    required: Literal["", "y"] = ""
    matrix_group: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")
    annotation: str = ""

    @field_validator("field_name")
    @classmethod
    def _not_reserved(cls, name: str) -> str:
        if name in RESERVED or name.endswith("_complete"):
            raise ValueError(f"{name!r} is a name REDCap reserves")
        return name

    @model_validator(mode="after")
    def _shape(self) -> DictionaryRow:
        if self.field_type in ("radio", "dropdown", "checkbox") and not CHOICES.match(
            self.choices
        ):
            raise ValueError(f"{self.field_name}: choices must be 'code, label | ...'")
        if self.field_type == "calc" and not self.choices:
            raise ValueError(f"{self.field_name}: a calc field needs its calculation")
        if self.matrix_group and self.field_type not in ("radio", "checkbox"):
            raise ValueError(f"{self.field_name}: only radio/checkbox fields form a matrix")
        return self

    def as_row(self) -> list[str]:
        """The 18 cells of the row, in :data:`HEADER` order."""
        return [self.field_name, self.form_name, self.section_header, self.field_type,
                self.field_label, self.choices, self.field_note, "", "", "",
                self.identifier, "", self.required, "", "", self.matrix_group, "",
                self.annotation]


def validate_dictionary(rows: Sequence[DictionaryRow], *, with_record_id: bool) -> None:
    """REDCap's rules across rows: unique names, ``record_id`` first (for a project
    dictionary), matrix groups contiguous with identical choices.

    :raises RelscaleError: the first broken rule.
    """
    names = [r.field_name for r in rows]
    if with_record_id and (not names or names[0] != "record_id"):
        raise RelscaleError(_("REDCap: the first field must be record_id"))
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise RelscaleError(
            _("REDCap: field names used twice: {names}").format(names=", ".join(twice))
        )
    groups: dict[str, list[int]] = {}
    for k, row in enumerate(rows):
        if row.matrix_group:
            groups.setdefault(row.matrix_group, []).append(k)
    for group, positions in groups.items():
        members = [rows[k] for k in positions]
        contiguous = positions == list(range(positions[0], positions[0] + len(positions)))
        same = len({(m.field_type, m.choices) for m in members}) == 1
        if not (contiguous and same):
            raise RelscaleError(
                _("REDCap: matrix group {group} must be contiguous fields of one type with "
                  "identical choices").format(group=group)
            )


def form_name(adapted: AdaptedInstrument) -> str:
    """The REDCap instrument name: instrument id, and the perspective when it has several
    (``working_alliance_client``)."""
    name = adapted.instrument
    if adapted.perspective == "client" and not name.endswith("_client"):
        name += "_client"
    return name


def score_calculation(adapted: AdaptedInstrument, dimension: str) -> str:
    """The REDCap calculation of one scale score (see the module docstring)."""
    items = adapted.items_for(dimension)
    k = len(items)
    need = min_answered_count(k, adapted.scoring.min_answered)
    lo, hi = adapted.scale.min, adapted.scale.max

    na = adapted.scale.not_applicable

    def blank(item_id: str) -> str:
        return f"isblankormissingcode([{item_id}])"

    def keyed(item_id: str, keying: str) -> str:
        return f"[{item_id}]" if keying == "+" else f"({lo + hi}-[{item_id}])"

    def unless_na(item_id: str, then: str) -> str:
        """'does not apply' counts as no answer: never a score."""
        return then if na is None else f"if([{item_id}]={na.value},0,{then})"

    count = "sum(" + ",".join(f"if({blank(i.id)},0,{unless_na(i.id, '1')})"
                              for i in items) + ")"
    total = "sum(" + ",".join(f"if({blank(i.id)},0,{unless_na(i.id, keyed(i.id, i.keying))})"
                              for i in items)
    mean = f"{total})/{count}"
    value = mean if adapted.scoring.method == "mean" else f"({mean})*{k}"
    return f"if({count}>={need},{value},'')"


def build_dictionary(
    adapted: AdaptedInstrument, *, subject: str | None = None, with_record_id: bool = True
) -> list[DictionaryRow]:
    """The data dictionary rows for one adapted instrument (one locale)."""
    tr = Translator(adapted.locale)
    context = "client form" if adapted.perspective == "client" else None

    def ui(msgid: str) -> str:
        return tr.lookup(msgid, context=context, domain=CORE_DOMAIN, locale_dir=CORE_LOCALE_DIR)

    form = form_name(adapted)
    na = adapted.scale.not_applicable  # a choice of its own, with its own code
    choices = " | ".join(f"{p.value}, {redcap_label(p.label)}"
                         for p in (*adapted.scale.points, *((na,) if na else ())))
    specs: list[dict[str, str]] = []
    if with_record_id:
        specs.append({"field_name": "record_id", "field_type": "text",
                      "field_label": redcap_label(
                          tr.lookup(RECORD_ID_LABEL, domain=CORE_DOMAIN,
                                    locale_dir=CORE_LOCALE_DIR))})
    specs += [
        {"field_name": "respondent_code", "field_type": "text", "identifier": "y",
         "field_label": redcap_label(ui(RESPONDENT_LABEL)),
         "section_header": redcap_label(f"{adapted.title} — {adapted.sector_label}"),
         "field_note": redcap_label(adapted.notice)},
        {"field_name": "subject_code", "field_type": "text", "identifier": "y",
         "field_label": redcap_label(ui(SUBJECT_LABEL).format(role=adapted.subject_said)),
         # the sentences show the name typed here ([subject_code]): it is asked first
         "required": "y" if subject is None and names_someone(
             i.text for i in adapted.items) else ""},
    ]
    if adapted.administration:
        specs.append({"field_name": "administration",
                      "field_type": "descriptive",
                      "field_label": redcap_label(adapted.administration)})
    for k, item in enumerate(adapted.items):
        need = min_answered_count(len(adapted.items_for(item.dimension)),
                                  adapted.scoring.min_answered)
        specs.append({
            "field_name": item.id, "field_type": "radio", "choices": choices,
            "field_label": piped_label(item.text, subject, redcap_label, "[subject_code]"),
            "matrix_group": f"{form}_items"[:MAX_NAME],
            "required": "y" if need >= len(adapted.items_for(item.dimension)) else "",
            "section_header": redcap_label(adapted.instructions) if k == 0 else "",
        })
    for dim in adapted.dimensions:
        specs.append({"field_name": dim.id, "field_type": "calc",
                      "field_label": redcap_label(dim.label),
                      "choices": score_calculation(adapted, dim.id),
                      "annotation": "@HIDDEN-SURVEY"})
    try:
        rows = [DictionaryRow(form_name=form, **spec) for spec in specs]  # type: ignore[arg-type]
    except ValidationError as exc:
        raise RelscaleError(
            _("REDCap: {problem}").format(problem=pydantic_summary(exc))
        ) from None
    validate_dictionary(rows, with_record_id=with_record_id)
    return rows


def dictionary_csv(rows: Sequence[DictionaryRow]) -> str:
    """The data dictionary as CSV text (REDCap's header, every cell quoted as needed)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    annotation = HEADER.index("Field Annotation")  # relscale's own action tags only
    writer.writerows([Code(v) if k == annotation and v else v for k, v in enumerate(
        row.as_row())] for row in rows)
    return buffer.getvalue()


def write_dictionary(
    adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False,
    subject: str | None = None,
) -> None:
    """Write the project data dictionary (``record_id`` first) as UTF-8 CSV with a BOM."""
    from relscale.io.atomic import atomic_write

    text = dictionary_csv(build_dictionary(adapted, subject=subject))
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8-sig", newline="")


def write_instrument_zip(
    adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False,
    subject: str | None = None,
) -> None:
    """Write an instrument zip (``instrument.csv`` without ``record_id``, ``OriginID.txt``)
    for Designer -> Upload instrument."""
    from relscale.io.atomic import atomic_write

    text = dictionary_csv(build_dictionary(adapted, subject=subject, with_record_id=False))
    with atomic_write(path, overwrite=overwrite) as tmp, zipfile.ZipFile(
        tmp, "w", compression=zipfile.ZIP_DEFLATED
    ) as zf:
        zf.writestr("instrument.csv", "\ufeff" + text)
        zf.writestr("OriginID.txt", ORIGIN)

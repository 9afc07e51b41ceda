"""XLSForm (ODK Collect, KoboToolbox, Enketo): one form, several languages, live scores.

The form has the ``survey``, ``choices`` and ``settings`` sheets. Each language is a
column pair ``label::<name> (<code>)`` / ``hint::<name> (<code>)`` (names from babel, in
the language itself). The items are one ``select_one`` list inside a ``field-list`` group
with the ``likert`` appearance; respondent and subject codes are text fields. Every
scale score is a ``calculate`` implementing relscale's rules in XPath, so ODK and Kobo
compute and export the same scores as ``relscale score``:

- ``<dimension>_n``: answered items, ``if(string-length(${item}) > 0, 1, 0) + ...``;
- ``<dimension>_sum``: keyed values of the answered items, reverse-keyed items as
  ``(min + max - number(${item}))``;
- ``<dimension>``: ``if(${<dimension>_n} >= need, ${<dimension>_sum} div
  ${<dimension>_n}, '')`` (times the number of items for ``method = "sum"``), where
  ``need`` is :func:`relscale.scoring.engine.min_answered_count`.

XPath is built from validated identifiers and integers only; no wording enters it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.exporters.localized import check_same_instrument
from relscale.exporters.text import names_someone, odk_label, piped_label
from relscale.i18n import CORE_DOMAIN, CORE_LOCALE_DIR, N_, Translator, _, display_name
from relscale.scoring.engine import min_answered_count

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

SHEETS = ("survey", "choices", "settings")
ITEMS_GROUP = "items"
ID_FIELDS = ("respondent_code", "subject_code")
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

# The forms' own labels for the code fields (already translated for the forms).
RESPONDENT_LABEL = N_("Your name or code")
SUBJECT_LABEL = N_("Name or code of the {role} this form is about")


@dataclass
class XLSForm:
    """An XLSForm as plain rows: ``survey`` and ``choices`` rows are column -> text."""

    survey: list[dict[str, str]] = field(default_factory=list)
    choices: list[dict[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)

    def columns(self, sheet: str) -> list[str]:
        """The sheet's header: every column used, in first-use order."""
        if sheet == "settings":
            return list(self.settings)
        rows = self.survey if sheet == "survey" else self.choices
        return list(dict.fromkeys(key for row in rows for key in row))

    def rows(self, sheet: str) -> list[list[str]]:
        """The sheet as a header row and value rows (empty text for unused cells)."""
        header = self.columns(sheet)
        body = [self.settings] if sheet == "settings" else (
            self.survey if sheet == "survey" else self.choices
        )
        return [header, *([row.get(c, "") for c in header] for row in body)]


def language_name(adapted: AdaptedInstrument) -> str:
    """The XLSForm language of one locale: ``English (en)``, ``Nederlands (nl)``."""
    name = display_name(adapted.locale, adapted.locale)
    return f"{name[:1].upper()}{name[1:]} ({adapted.locale.replace('_', '-')})"


def form_version(today: dt.date | None = None, revision: int = 1) -> str:
    """A form version ``yyyymmddrr``: the date and a two-digit revision."""
    return f"{(today or dt.date.today()):%Y%m%d}{revision:02d}"


@dataclass(frozen=True)
class ScoreCalculation:
    """The three calculate fields of one dimension."""

    dimension: str
    count: str
    """XPath: how many of the dimension's items are answered."""
    keyed_sum: str
    """XPath: the sum of the answered items' keyed values."""
    score: str
    """XPath: the scale score, or '' with too few answers."""

    @property
    def names(self) -> tuple[str, str, str]:
        return (f"{self.dimension}_n", f"{self.dimension}_sum", self.dimension)


def score_calculations(adapted: AdaptedInstrument) -> list[ScoreCalculation]:
    """The calculate expressions for every scale score (see the module docstring)."""
    lo, hi = adapted.scale.min, adapted.scale.max
    na = adapted.scale.not_applicable
    out = []
    for dim in adapted.dimensions:
        items = adapted.items_for(dim.id)
        k = len(items)
        need = min_answered_count(k, adapted.scoring.min_answered)

        def answered(item_id: str) -> str:
            return f"string-length(${{{item_id}}}) > 0"

        def keyed(item_id: str, keying: str) -> str:
            value = f"number(${{{item_id}}})"
            return value if keying == "+" else f"({lo + hi} - {value})"

        def unless_na(item_id: str, then: str) -> str:
            """'does not apply' counts as no answer: never a score."""
            if na is None:
                return then
            return f"if(${{{item_id}}} = '{na.value}', 0, {then})"

        count = " + ".join(unless_na(i.id, f"if({answered(i.id)}, 1, 0)") for i in items)
        total = " + ".join(unless_na(i.id, f"if({answered(i.id)}, {keyed(i.id, i.keying)}, 0)")
                           for i in items)
        n_ref, sum_ref = f"${{{dim.id}_n}}", f"${{{dim.id}_sum}}"
        mean = f"{sum_ref} div {n_ref}"
        value = mean if adapted.scoring.method == "mean" else f"{mean} * {k}"
        out.append(
            ScoreCalculation(dim.id, count, total, f"if({n_ref} >= {need}, {value}, '')")
        )
    return out


def _required(adapted: AdaptedInstrument, dimension: str) -> bool:
    """An item is required when its scale allows no missing answer."""
    k = len(adapted.items_for(dimension))
    return min_answered_count(k, adapted.scoring.min_answered) >= k


def build_xlsform(
    adapted: Sequence[AdaptedInstrument],
    *,
    subject: str | None = None,
    version: str | None = None,
) -> XLSForm:
    """Lay out the XLSForm for one instrument in one or more locales (default first).

    :param subject: the name to put where the wording says ``{subject}``; default a blank.
    :param version: the form version; default today's date and revision 01.
    :raises RelscaleError: locales that are not the same instrument, or names that clash.
    """
    check_same_instrument(adapted)
    first = adapted[0]
    langs = [language_name(a) for a in adapted]
    trs = [Translator(a.locale) for a in adapted]
    form = XLSForm()

    def texts(kind: str, values: Sequence[str]) -> dict[str, str]:
        return {f"{kind}::{lang}": odk_label(v) for lang, v in zip(langs, values, strict=True)}

    def ui(msgid: str, a: AdaptedInstrument, tr: Translator) -> str:
        context = "client form" if a.perspective == "client" else None
        return tr.lookup(msgid, context=context, domain=CORE_DOMAIN, locale_dir=CORE_LOCALE_DIR)

    form.survey.append({
        "type": "note", "name": "instructions",
        **texts("label", [a.instructions for a in adapted]),
        **texts("hint", [a.notice for a in adapted]),
    })
    if any(a.administration for a in adapted):
        form.survey.append({
            "type": "note", "name": "administration",
            **texts("label", [a.administration or first.administration or "" for a in adapted]),
        })
    form.survey.append({
        "type": "text", "name": "respondent_code",
        **texts("label", [ui(RESPONDENT_LABEL, a, tr) for a, tr in zip(adapted, trs,
                                                                       strict=True)]),
    })
    # the sentences show the name typed here (${subject_code}): it is asked first
    piped = subject is None and names_someone(i.text for a in adapted for i in a.items)
    form.survey.append({
        "type": "text", "name": "subject_code",
        **({"required": "yes"} if piped else {}),
        **texts("label", [ui(SUBJECT_LABEL, a, tr).format(role=a.subject_said)
                          for a, tr in zip(adapted, trs, strict=True)]),
    })
    form.survey.append({
        "type": "begin_group", "name": ITEMS_GROUP, "appearance": "field-list",
        **texts("label", [a.title for a in adapted]),
    })
    list_name = first.scale.id
    for j, item in enumerate(first.items):
        form.survey.append({
            "type": f"select_one {list_name}", "name": item.id, "appearance": "likert",
            "required": "yes" if _required(first, item.dimension) else "no",
            **{f"label::{lang}": piped_label(a.items[j].text, subject, odk_label,
                                             "${subject_code}")
               for lang, a in zip(langs, adapted, strict=True)},
        })
    form.survey.append({"type": "end_group", "name": ""})
    for calc in score_calculations(first):
        for name, expression in zip(calc.names, (calc.count, calc.keyed_sum, calc.score),
                                    strict=True):
            form.survey.append({"type": "calculate", "name": name, "calculation": expression})
    for k, point in enumerate(first.scale.points):
        form.choices.append({
            "list_name": list_name, "name": str(point.value),
            **texts("label", [a.scale.points[k].label for a in adapted]),
        })
    if first.scale.not_applicable is not None:  # a choice of its own, with its own code
        form.choices.append({
            "list_name": list_name, "name": str(first.scale.not_applicable.value),
            **texts("label", [a.scale.not_applicable.label if a.scale.not_applicable
                              else first.scale.not_applicable.label for a in adapted]),
        })
    form.settings = {
        "form_title": f"{first.title} — {first.sector_label}",
        "form_id": f"relscale_{first.instrument}_{first.sector}_{first.perspective}",
        "version": version or form_version(),
        "default_language": langs[0],
    }
    _check_names(form)
    return form


def _check_names(form: XLSForm) -> None:
    names = [r["name"] for r in form.survey if r.get("name")]
    seen: set[str] = set()
    for name in [*names, form.settings["form_id"]]:
        if not XML_NAME.match(name):
            raise RelscaleError(
                _("XLSForm: {name!r} is not a valid field name").format(name=name)
            )
    for name in names:
        if name in seen:
            raise RelscaleError(
                _("XLSForm: the field name {name!r} is used twice").format(name=name)
            )
        seen.add(name)


def xlsform_workbook(form: XLSForm) -> object:
    """The XLSForm as relscale's sheet model (every cell text)."""
    from relscale.excel.sheet import Style, Workbook

    book = Workbook(styles={"head": Style(bold=True)}, creator="relscale")
    for name in SHEETS:
        sheet = book.add_sheet(name)
        for r, row in enumerate(form.rows(name), start=1):
            for c, value in enumerate(row, start=1):
                if value:
                    sheet.set(r, c, value, style="head" if r == 1 else None)
        for c, header in enumerate(form.rows(name)[0], start=1):
            sheet.column_widths[c] = 60 if header.startswith(("label", "hint", "calc")) else 18
    return book


def write_xlsform(form: XLSForm, path: Path, *, overwrite: bool = False) -> None:
    """Write the XLSForm atomically; a value starting with ``=`` stays text, not a formula
    (:func:`relscale.excel.xlsx.write_xlsx` writes every string as text)."""
    from relscale.excel.xlsx import write_xlsx
    from relscale.io.atomic import atomic_write

    book = xlsform_workbook(form)
    with atomic_write(path, overwrite=overwrite) as tmp:
        write_xlsx(book, tmp)  # type: ignore[arg-type]


def export_xlsform(
    adapted: Sequence[AdaptedInstrument],
    path: Path,
    *,
    overwrite: bool = False,
    subject: str | None = None,
    version: str | None = None,
) -> None:
    """Build and write the XLSForm for one instrument in the given locales."""
    write_xlsform(build_xlsform(adapted, subject=subject, version=version), path,
                  overwrite=overwrite)

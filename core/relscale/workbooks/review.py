"""The translation review workbook: source and target side by side, for the ITC steps.

Laid out on the writer-neutral sheet model (:mod:`relscale.excel.sheet`): one sheet with
the steps of the ITC Guidelines above a table of item id, context, source, target,
back-translation, reviewer notes, status (a dropdown) and the catalog state. The rows come
from :func:`relscale.translation.review_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from relscale.excel.sheet import (
    PrintSetup,
    SheetProtection,
    Style,
    Validation,
    Workbook,
    range_ref,
    ref,
)
from relscale.i18n import N_, _, display_name
from relscale.io.atomic import atomic_write

REVIEW_STATUSES = (N_("ok"), N_("revise"), N_("discuss"))
"""The reviewer's verdict per row (the dropdown of the review workbook)."""
CATALOG_STATES = {"translated": N_("translated"), "fuzzy": N_("fuzzy"), "missing": N_("missing")}
"""How far a row's message is in its catalog, as shown in the last column."""

_STYLES = {
    "title": Style(bold=True, size=13),
    "intro": Style(wrap=False),
    "header": Style(bold=True, fill="DDEBF7", wrap=True, vertical="top", border="thin"),
    "text": Style(wrap=True, vertical="top", border="thin", border_color="BFBFBF"),
    "input": Style(wrap=True, vertical="top", border="thin", border_color="BFBFBF",
                   fill="FFF9E6"),
}


@dataclass
class ReviewRow:
    """One message under review: its item (if any), context, source and current target."""

    item: str
    context: str
    source: str
    target: str
    state: Literal["translated", "fuzzy", "missing"]


def build_review(rows: list[ReviewRow], *, sector_label: str, locale: str) -> Workbook:
    """The review workbook as the shared sheet model (:mod:`relscale.excel.sheet`).

    Context and source are locked (the sheet is protected without a password, a guard
    against slips); target, back-translation, notes and status stay editable.
    """
    book = Workbook(
        styles=dict(_STYLES),
        title=_("Translation review"),
        creator="relscale",
    )
    sheet = book.add_sheet(_("Review")[:31])
    intro = [
        _("Translation review: {sector}, {language} ({locale})").format(
            sector=sector_label, language=display_name(locale), locale=locale),
        _("ITC Guidelines for Translating and Adapting Tests: forward translation, "
          "back-translation, review."),
        _("1. Forward translation: the translator writes the target text (drafts are "
          "fuzzy in the PO file until reviewed)."),
        _("2. Back-translation: a second translator, who has not seen the source, "
          "translates the target back into English (hide the source column for them)."),
        _("3. Review: a reviewer compares source and back-translation, sets the status "
          "(ok / revise / discuss) and writes notes."),
        _("4. Sign-off: apply the revisions to the PO file, remove the fuzzy flags, and "
          "check with `relscale i18n status`."),
    ]
    for row, text in enumerate(intro, 1):
        sheet.set(row, 1, text, style="title" if row == 1 else "intro")
    header_row = len(intro) + 2
    headers = [_("Item id"), _("Context"), _("Source (English)"),
               _("Target ({locale})").format(locale=locale), _("Back-translation"),
               _("Reviewer notes"), _("Status"), _("Catalog state")]
    widths = [10, 24, 40, 40, 38, 28, 11, 13]  # landscape, one page wide
    editable = {4, 5, 6, 7}
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), 1):
        sheet.set(header_row, col, title, style="header")
        sheet.column_widths[col] = width
    first = header_row + 1
    for offset, r in enumerate(rows):
        values = [r.item, r.context, r.source, r.target, None, None, None,
                  _(CATALOG_STATES[r.state])]
        for col, value in enumerate(values, 1):
            sheet.set(first + offset, col, value or None,
                      style="input" if col in editable else "text",
                      locked=col not in editable)
    last = max(first, first + len(rows) - 1)
    statuses = [_(s) for s in REVIEW_STATUSES]
    sheet.validations.append(Validation.list(
        range_ref(first, 7, last, 7), statuses,
        error_title=_("Status"),
        error=_("Choose one of: {choices}.").format(choices=", ".join(statuses)),
    ))
    sheet.freeze = ref(first, 3)
    sheet.protection = SheetProtection(format_columns=True, format_rows=True)
    sheet.print_setup = PrintSetup(orientation="landscape", title_rows=(header_row, header_row),
                                   footer_center=_("Page {page} of {pages}"))
    from relscale.workbooks.styles import fit_layout, set_fonts

    set_fonts(book)
    fit_layout(book)
    return book


def write_review(rows: list[ReviewRow], path: Path, *, sector_label: str, locale: str,
                 overwrite: bool = False) -> None:
    """Write the side-by-side review workbook of the ITC translation step."""
    from relscale.excel.xlsx import write_xlsx

    book = build_review(rows, sector_label=sector_label, locale=locale)
    with atomic_write(path, overwrite=overwrite) as tmp:
        write_xlsx(book, tmp)

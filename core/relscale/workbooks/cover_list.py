"""A round's cover list: which form goes to whom (``round forms``), one A4 landscape table.

One line per form: group, who fills it in (their role), about whom, the form, its language
and the file. The footer says whether the list holds names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from relscale.excel.sheet import PrintSetup, Style, Workbook, range_ref
from relscale.i18n import _
from relscale.workbooks.form_parts import row_height
from relscale.workbooks.styles import FONT, HEADER_WRAPPED, NOTE_QUIET, TITLE, WRAP


@dataclass(frozen=True)
class CoverLine:
    group: str
    respondent: str
    respondent_role: str
    subject: str
    form: str
    locale: str
    file: str


WIDTHS = (14.0, 24.0, 16.0, 24.0, 36.0, 9.0, 52.0)


def names_note(names: bool) -> str:
    """The line every output of a round carries about names."""
    return (_("This document holds names: keep it safe, delete it when the round is done.")
            if names else _("This document holds codes only, no names."))


def build_cover_list(round_name: str, lines: Sequence[CoverLine], *, names: bool
                     ) -> Workbook:
    """The cover list as a workbook model (printed: A4 landscape, header on every page)."""
    book = Workbook(styles={"title": TITLE, "note": NOTE_QUIET, "head": HEADER_WRAPPED,
                            "cell": WRAP, "small": Style(font=FONT, size=8.0, wrap=True,
                                                         vertical="top", color="404040")},
                    title=_("Cover list"))
    sheet = book.add_sheet(_("Cover list")[:31], show_grid_lines=False)
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_widths[col] = width
    sheet.set(1, 1, _("Round {name}: which form goes to whom").format(name=round_name),
              style="title")
    sheet.row_heights[1] = 22
    sheet.set(2, 1, names_note(names), style="note")
    heads = (_("Group"), _("Filled in by"), _("Role"), _("About"), _("Form"),
             _("Language"), _("File"))
    for col, text in enumerate(heads, start=1):
        sheet.set(4, col, text, style="head")
    sheet.row_heights[4] = max(row_height(h, w, size=10.0, pad=4)
                               for h, w in zip(heads, WIDTHS, strict=True))
    row = 5
    for line in lines:
        values = (line.group, line.respondent, line.respondent_role, line.subject,
                  line.form, line.locale, line.file)
        for col, value in enumerate(values, start=1):
            sheet.set(row, col, value, style="small" if col == 7 else "cell")
        sheet.row_heights[row] = max(
            row_height(str(v), WIDTHS[c], size=8.0 if c == 6 else 10.0, pad=4)
            for c, v in enumerate(values))
        row += 1
    sheet.freeze = "A5"
    sheet.print_setup = PrintSetup(
        orientation="landscape", fit_width=1, fit_height=None, title_rows=(4, 4),
        print_area=range_ref(1, 1, max(row - 1, 4), len(WIDTHS)),
        footer_left=names_note(names), footer_right=_("Page {page} of {pages}"))
    return book

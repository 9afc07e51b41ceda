"""The forms a child, young person or client fills in: answers in words on every row.

Two layouts, both read back by ``relscale read``:

- ``boxes`` (print, or an x typed on screen): each statement on its own row, and under
  it every answer in words beside a box; the respondent marks one box per row.
- ``dropdown`` (on screen): each statement with one answer cell whose drop-down lists
  the answers in words.

Nothing has to be looked up: there is no legend and no number to type. Text is 14 pt
(statements) and 13 pt (answers). Everything meant for the adult who administers the form
(the validation notice, the administration notes, the instrument's codes) is on a
second sheet, :func:`add_administrator_sheet`, printed as its own page; the respondent's
page carries only the title, the name fields, the instructions and the statements, and a
short footer.
"""

from __future__ import annotations

from relscale.__about__ import __version__
from relscale.excel.identity import FORM_FIELDS, add_form_metadata
from relscale.excel.sheet import (
    PrintSetup,
    SheetProtection,
    Style,
    Validation,
    Workbook,
    range_ref,
    ref,
)
from relscale.i18n import _, pgettext
from relscale.model.models import AdaptedInstrument
from relscale.workbooks.form_parts import (
    FONT,
    FormLayout,
    answer_options,
    blank_hint,
    form_metadata,
    render_item_text,
    respondent_title,
    row_height,
)

STATEMENT_PT = 14.0
ANSWER_PT = 13.0
TITLE_PT = 18.0
FULL_WIDTH = 72.0
"""Printable width of the respondent page, in column units (A4 portrait)."""
POS_WIDTH = 4.0
BOX_WIDTH = 4.0
FIT = 1.2
"""Characters per column unit for the respondent's large text: between Excel (~1.1) and
LibreOffice (~1.35), so a row is rarely more than a line too tall, never too short."""
PAGE_PT = 720.0
"""Height of a page's printable area in points (A4 portrait, our margins: 842 - 2 x 51),
with a small reserve. The page prints at 100 %, never shrunk to fit: 14 pt stays 14 pt."""


def _styles() -> dict[str, Style]:
    def base(size: float = STATEMENT_PT, **kwargs: object) -> Style:
        return Style(font=FONT, size=size, **kwargs)  # type: ignore[arg-type]

    return {
        "r_title": base(TITLE_PT, bold=True, vertical="center", wrap=True),
        "r_label": base(ANSWER_PT, bold=True, horizontal="right", vertical="center",
                        indent=1, wrap=True),
        "r_field": base(ANSWER_PT, border="thin", border_color="333333", fill="FFFDE7",
                        vertical="center", horizontal="left", number_format="@",
                        shrink=True),
        "r_date": base(ANSWER_PT, border="thin", border_color="333333", fill="FFFDE7",
                       vertical="center", horizontal="left", number_format="yyyy-mm-dd"),
        "r_text": base(wrap=True, vertical="top"),
        "r_pos": base(bold=True, horizontal="left", vertical="top"),
        "r_item": base(bold=True, wrap=True, vertical="top"),
        "r_box": base(STATEMENT_PT, bold=True, horizontal="center", vertical="center",
                      border="medium", border_color="000000"),
        "r_option": base(ANSWER_PT, wrap=True, vertical="center", indent=0),
        "r_option_small": base(12.0, wrap=True, vertical="center", indent=0),
        "r_option_smaller": base(11.0, wrap=True, vertical="center", indent=0),
        "r_answer": base(ANSWER_PT, bold=True, horizontal="left", vertical="center",
                         border="medium", border_color="000000", fill="FFFDE7", wrap=True),
        "r_rule": Style(font=FONT, size=6, border_bottom="hair", border_color="999999"),
        "r_thanks": base(italic=True, wrap=True, vertical="top"),
        "r_id": Style(font=FONT, size=8, color="999999"),
        # the administrator's sheet
        "a_title": Style(font=FONT, size=14, bold=True, wrap=True, vertical="center"),
        "a_head": Style(font=FONT, size=11, bold=True, vertical="top", wrap=True),
        "a_text": Style(font=FONT, size=11, wrap=True, vertical="top"),
        "a_notice": Style(font=FONT, size=11, italic=True, color="8B1A1A", fill="FBEFEF",
                          wrap=True, vertical="center"),
    }


def circles(k: int, points: int) -> str:
    """``●●○○`` for the third of four answers... the k-th (0-based) of ``points``."""
    return "\u25cf" * (k + 1) + "\u25cb" * (points - k - 1)


def option_text(label: str) -> str:
    """A label as a drop-down entry: list validations cannot hold commas or quotes."""
    return label.replace(",", "\u201a").replace('"', "'")


def build_respondent_form(
    adapted: AdaptedInstrument,
    *,
    layout: str = "boxes",
    subject_name: str | None = None,
    password: str | None = None,
    pictures: bool = False,
) -> tuple[Workbook, FormLayout]:
    """Lay out a respondent form (``boxes`` or ``dropdown``) and its administrator sheet.

    ``pictures`` (boxes): above each answer's words a row of circles, filled from one
    for the lowest answer to all for the highest, that prints in black and white."""
    book = Workbook(styles=_styles(), title=respondent_title(adapted, subject_name),
                    creator=f"relscale {__version__}")
    sheet_name = pgettext("client form", "Questions")[:31]
    sheet = book.add_sheet(sheet_name, show_grid_lines=False)
    options = answer_options(adapted)
    n = len(options)
    name = subject_name.strip() if subject_name and subject_name.strip() else None

    answer_pt = ANSWER_PT
    if layout == "boxes":
        label_width = max(8.0, (FULL_WIDTH - POS_WIDTH) / n - BOX_WIDTH)
        # a word never breaks inside: with many points or long words, the answers get
        # smaller (not below 11 pt) before a word would be split
        longest = max(len(w) for p in options for w in p.label.split())
        answer_pt = max(11.0, min(ANSWER_PT, label_width * FIT * 11.0 / (longest + 1)))
        last_col = 1 + 2 * n
        widths = {1: POS_WIDTH}
        for k in range(n):
            widths[2 + 2 * k] = BOX_WIDTH
            widths[3 + 2 * k] = label_width
        id_col = last_col + 1
        text_width = sum(widths.values()) - POS_WIDTH
        # a name needs room: the field spans the last two answers (box and words)
        field_col = max(2, last_col - 3)
    else:
        widths = {1: POS_WIDTH, 2: FULL_WIDTH - POS_WIDTH - 28.0, 3: 28.0}
        last_col, id_col, field_col = 3, 4, 3
        text_width = widths[2]
    for col, width in widths.items():
        sheet.column_widths[col] = width
    sheet.column_widths[id_col] = 10
    sheet.hidden_columns.add(id_col)
    full = sum(widths.values())

    def banner(row: int, text: str, style: str, size: float, pad: float = 8) -> None:
        sheet.set(row, 1, text, style=style)
        sheet.merge(row, 1, row, last_col, style=style)
        sheet.row_heights[row] = row_height(text, full - 2, size=size, pad=pad,
                                            chars_per_width=FIT)

    row = 1
    banner(row, respondent_title(adapted, subject_name), "r_title", TITLE_PT, pad=12)
    row += 1
    sheet.row_heights[row] = 8
    row += 1
    field_labels = {
        "respondent_code": pgettext("client form", "Your name"),
        "subject_code": pgettext("client form", "Name of your {role}").format(
            role=adapted.subject_spoken or adapted.subject),
        "date": _("Date"),
    }
    fields: dict[str, str] = {}
    for field_name in FORM_FIELDS:
        sheet.set(row, 1, field_labels[field_name], style="r_label")
        sheet.merge(row, 1, row, field_col - 1, style="r_label")
        value = name if field_name == "subject_code" else None
        field_style = "r_date" if field_name == "date" else "r_field"
        sheet.set(row, field_col, value, style=field_style, locked=False)
        if field_col < last_col:
            sheet.merge(row, field_col, row, last_col, style=field_style)
        sheet.row_heights[row] = 26
        fields[field_name] = ref(row, field_col)
        row += 1
    sheet.row_heights[row] = 10
    row += 1
    banner(row, adapted.instructions, "r_text", STATEMENT_PT)
    row += 1
    hint = blank_hint(adapted, subject_name)
    if hint:
        banner(row, hint, "r_text", STATEMENT_PT)
        row += 1
    if layout == "boxes":
        banner(row, pgettext("client form", "Put a cross in one box on every row."),
               "r_text", STATEMENT_PT)
    else:
        banner(row, pgettext("client form", "Choose your answer in the box beside each "
                             "sentence."), "r_text", STATEMENT_PT)
    row += 1
    sheet.row_heights[row] = 10
    row += 1

    option_style = ("r_option" if answer_pt >= ANSWER_PT else
                    "r_option_small" if answer_pt >= 12 else "r_option_smaller")
    answer_pt = {"r_option": ANSWER_PT, "r_option_small": 12.0}.get(option_style, 11.0)
    shown = [p.label for p in options]
    if pictures and layout == "boxes":
        shown = [f"{circles(k, len(adapted.scale.points))}\n{p.label}"
                 if k < len(adapted.scale.points) else p.label
                 for k, p in enumerate(options)]
    first_item_row = row
    answers: list[tuple[str, str]] = []
    breaks: list[int] = []
    used = sum(sheet.row_heights.get(r, 15) for r in range(1, row))
    for item in adapted.items:
        text = render_item_text(item.text, name)
        if layout == "boxes":
            h_text = row_height(text, text_width, size=STATEMENT_PT, pad=4,
                                chars_per_width=FIT)
            h_opts = max(max(row_height(shown[k], label_width, size=answer_pt, pad=4,
                                        chars_per_width=FIT) for k in range(n)), 26.0)
            block = h_text + h_opts + 8
            if used + block > PAGE_PT and answers:
                breaks.append(row - 1)
                used = 0.0
            used += block
            sheet.set(row, 1, f"{item.position}.", style="r_pos")
            sheet.set(row, 2, text, style="r_item")
            sheet.merge(row, 2, row, last_col, style="r_item")
            sheet.set(row, id_col, item.id, style="r_id")
            sheet.row_heights[row] = h_text
            cells = []
            for k in range(n):
                box, lab = 2 + 2 * k, 3 + 2 * k
                sheet.set(row + 1, box, None, style="r_box", locked=False)
                sheet.set(row + 1, lab, shown[k], style=option_style)
                cells.append(ref(row + 1, box))
            sheet.set(row + 1, id_col, item.id, style="r_id")
            sheet.row_heights[row + 1] = h_opts
            sheet.set(row + 2, 1, None, style="r_rule")
            sheet.merge(row + 2, 1, row + 2, last_col, style="r_rule")
            sheet.row_heights[row + 2] = 8
            answers.append((item.id, " ".join(cells)))
            row += 3
        else:
            h = max(row_height(text, widths[2], size=STATEMENT_PT, pad=10,
                               chars_per_width=FIT),
                    row_height(max((p.label for p in options), key=len), widths[3] - 3,
                               size=ANSWER_PT, pad=10, chars_per_width=FIT), 30.0)
            if used + h > PAGE_PT and answers:
                breaks.append(row - 1)
                used = 0.0
            used += h
            sheet.set(row, 1, f"{item.position}.", style="r_pos")
            sheet.set(row, 2, text, style="r_item")
            sheet.set(row, 3, None, style="r_answer", locked=False)
            sheet.set(row, id_col, item.id, style="r_id")
            sheet.row_heights[row] = h
            answers.append((item.id, ref(row, 3)))
            row += 1
    last_item_row = row - 1
    row += 1
    banner(row, pgettext("client form", "Thank you for completing this form."), "r_thanks",
           STATEMENT_PT)
    last_row = row

    if layout == "dropdown":
        sheet.validations.append(Validation.list(
            range_ref(first_item_row, 3, last_item_row, 3),
            [option_text(p.label) for p in options],
            prompt_title=pgettext("client form", "Your answer"),
            prompt=pgettext("client form", "Choose the answer that fits you best."),
            error_title=pgettext("client form", "Not a valid answer"),
            error=pgettext("client form", "Choose one of the answers in the list."),
        ))
    sheet.protection = SheetProtection(password=password)
    sheet.print_setup = PrintSetup(
        fit_width=None,
        scale=100,
        print_area=range_ref(1, 1, last_row, last_col),
        row_breaks=tuple(breaks),
        footer_left=respondent_footer(adapted),
        footer_right=_("Page {page} of {pages}"),
    )
    form_layout = FormLayout(
        sheet=sheet_name,
        fields=fields,
        answers=tuple(answers),
        first_item_row=first_item_row,
        title_rows=(first_item_row, first_item_row),
        layout=layout,
        item_id_column=id_col,
        options=options,
    )
    add_administrator_sheet(book, adapted, form_layout)
    add_form_metadata(book, *form_metadata(adapted, form_layout, sheet), password=password)
    book.protect_structure = True
    book.structure_password = password
    return book, form_layout


def respondent_footer(adapted: AdaptedInstrument) -> str:
    """The quiet footer of a respondent's page: what the form is, for whoever files it."""
    status = "" if adapted.validated else " · " + _("not yet validated")
    return f"relscale · {adapted.instrument} {adapted.version}{status}"


def add_administrator_sheet(
    book: Workbook, adapted: AdaptedInstrument, layout: FormLayout
) -> None:
    """The page for the adult who administers the form: notice, notes and codes."""
    sheet = book.add_sheet(_("For the administrator")[:31], show_grid_lines=False)
    sheet.column_widths.update({1: 26.0, 2: 58.0})

    def line(row: int, head: str, text: str, style: str = "a_text") -> int:
        sheet.set(row, 1, head, style="a_head")
        sheet.set(row, 2, text, style=style)
        sheet.row_heights[row] = max(row_height(head, 24, pad=8), row_height(text, 56, pad=8))
        return row + 1

    sheet.set(1, 1, _("For the administrator: not for the respondent"), style="a_title")
    sheet.merge(1, 1, 1, 2, style="a_title")
    sheet.row_heights[1] = 26
    row = 3
    row = line(row, _("Instrument"), f"{adapted.title} ({adapted.instrument} {adapted.version})")
    row = line(row, _("Sector"), adapted.sector_label)
    row = line(row, _("Completed by"), adapted.respondent)
    row = line(row, _("About"), adapted.subject)
    row = line(row, _("Validation"), adapted.notice, "a_notice")
    if adapted.administration:
        row = line(row, _("Administration"), adapted.administration)
    row = line(row, _("Answers"), "; ".join(f"{p.value} = {p.label}" for p in layout.options))
    row = line(row, _("Reading back"), _(
        "relscale read turns filled forms into one table; a row with no mark is a missing "
        "answer, a row with two or more marks is reported as an error."))
    row = line(row, _("Codes"), f"{adapted.instrument} · {adapted.sector} · "
               f"{adapted.perspective} · {adapted.locale} · {layout.layout} · relscale "
               f"{__version__}")
    sheet.protection = SheetProtection()
    sheet.print_setup = PrintSetup(
        print_area=range_ref(1, 1, row, 2),
        footer_left=respondent_footer(adapted),
    )

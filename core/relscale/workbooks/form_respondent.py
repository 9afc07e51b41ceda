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

from collections.abc import Mapping, Sequence

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
from relscale.workbooks.form_measure import (
    INDENT_PT,
    answer_size,
    balanced_lines,
    fits_beside,
    label_height,
    page_breaks,
)
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
        "r_head": base(bold=True, wrap=True, vertical="center"),
        "r_pos": base(bold=True, horizontal="left", vertical="top"),
        "r_item": base(bold=True, wrap=True, vertical="top"),
        "r_box": base(STATEMENT_PT, bold=True, horizontal="center", vertical="center",
                      border="medium", border_color="000000"),
        # one indent: the words stand clear of their box
        "r_option": base(ANSWER_PT, wrap=True, vertical="center", horizontal="left",
                         indent=1),
        "r_option_small": base(12.0, wrap=True, vertical="center", horizontal="left",
                               indent=1),
        "r_option_smaller": base(11.0, wrap=True, vertical="center", horizontal="left",
                                 indent=1),
        # answers above their boxes (too long to stand beside them), from the box's edge
        "r_option_above": base(ANSWER_PT, wrap=True, vertical="bottom", horizontal="left"),
        "r_option_small_above": base(12.0, wrap=True, vertical="bottom",
                                     horizontal="left"),
        "r_option_smaller_above": base(11.0, wrap=True, vertical="bottom",
                                       horizontal="left"),
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
    respondent_name: str | None = None,
    admin_sheet: bool = False,
    practice: bool = False,
    filled: Mapping[str, str] | None = None,
    metadata: Sequence[tuple[str, str]] = (),
) -> tuple[Workbook, FormLayout]:
    """Lay out a respondent form (``boxes`` or ``dropdown``), and with ``admin_sheet``
    the administrator's page as a second sheet (:func:`add_administrator_sheet`).

    ``pictures`` (boxes): above each answer's words a row of circles, filled from one
    for the lowest answer to all for the highest, that prints in black and white.
    ``practice``: the sector's practice statements (``adapted.practice``) before the items,
    marked A, B, ... and not read back; they are always printed when the sector says so
    (disability care), and the administrator's page then holds the script.
    ``filled`` and ``metadata`` as for :func:`relscale.workbooks.form.build_form`."""
    show_practice = adapted.practice is not None and (practice or adapted.practice.always)
    book = Workbook(styles=_styles(), title=respondent_title(adapted, subject_name),
                    creator=f"relscale {__version__}")
    sheet_name = pgettext("client form", "Questions")[:31]
    sheet = book.add_sheet(sheet_name, show_grid_lines=False)
    options = answer_options(adapted)
    n = len(options)
    name = subject_name.strip() if subject_name and subject_name.strip() else None

    answer_pt = ANSWER_PT
    stacked = False
    if layout == "boxes":
        label_width = max(8.0, (FULL_WIDTH - POS_WIDTH) / n - BOX_WIDTH)
        answer_pt = answer_size([p.label for p in options], label_width)
        # answers whose words cannot stand beside their boxes unbroken (many answers,
        # long words) stand above them, over box and words together
        stacked = not fits_beside([p.label for p in options], label_width)
        if stacked:
            answer_pt = answer_size([p.label for p in options], label_width + BOX_WIDTH,
                                    indent=0.0)
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
        # a narrow gap keeps the statement clear of the answer cell
        widths = {1: POS_WIDTH, 2: FULL_WIDTH - POS_WIDTH - 30.0, 3: 2.0, 4: 28.0}
        last_col, id_col, field_col, answer_col = 4, 5, 3, 4
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
                                            bold=style in ("r_title", "r_head"))

    row = 1
    banner(row, respondent_title(adapted, subject_name), "r_title", TITLE_PT, pad=12)
    row += 1
    sheet.row_heights[row] = 8
    row += 1
    field_labels = {
        "respondent_code": pgettext("client form", "Your name"),
        "subject_code": pgettext("client form", "Name of your {role}").format(
            role=adapted.subject_said),
        "date": _("Date"),
    }
    fields: dict[str, str] = {}
    for field_name in FORM_FIELDS:
        sheet.set(row, 1, field_labels[field_name], style="r_label")
        sheet.merge(row, 1, row, field_col - 1, style="r_label")
        named = respondent_name.strip() if respondent_name else None
        value = name if field_name == "subject_code" else (
            named or None if field_name == "respondent_code" else None)
        given = (filled or {}).get(field_name)
        field_style = "r_date" if field_name == "date" else "r_field"
        sheet.set(row, field_col, given or value, style=field_style, locked=given is not None)
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
    if layout == "boxes" and stacked:
        option_style += "_above"
    shown = [p.label for p in options]
    if layout == "boxes":
        shown = balanced_lines(shown, label_width + (BOX_WIDTH if stacked else 0.0),
                               answer_pt, indent=0.0 if stacked else INDENT_PT)
    if pictures and layout == "boxes":
        shown = [f"{circles(k, len(adapted.scale.points))}\n{label}"
                 if k < len(adapted.scale.points) else label
                 for k, label in enumerate(shown)]
    # The statements: the practice ones first (A., B.: not read back), then the items.
    entries: list[tuple[str, str, str | None]] = []
    if show_practice and adapted.practice is not None:
        entries += [(f"{chr(ord('A') + k)}.", text, None)
                    for k, (text, _answer) in enumerate(adapted.practice.statements)]
    n_practice = len(entries)
    entries += [(f"{item.position}.", render_item_text(item.text, name), item.id)
                for item in adapted.items]
    texts = [text for _label, text, _id in entries]
    # Every block's height first, then where the pages break (page economy: no page with
    # one statement, the closing line never alone), then the rows.
    if layout == "boxes":
        if stacked:
            h_labels = max(label_height(shown[k], label_width + BOX_WIDTH, answer_pt,
                                        indent=0.0) for k in range(n))
            h_opts = h_labels + 26.0
        else:
            h_opts = max(max(label_height(shown[k], label_width, answer_pt)
                             for k in range(n)), 26.0)
        h_texts = [row_height(text, text_width, size=STATEMENT_PT, pad=4, bold=True)
                   for text in texts]
        blocks = [h + h_opts + 8 for h in h_texts]
    else:
        h_answer = max(row_height(p.label, widths[answer_col], size=ANSWER_PT, pad=10,
                                  bold=True) for p in options)
        h_texts = [max(row_height(text, text_width, size=STATEMENT_PT, pad=10, bold=True),
                       h_answer, 30.0) for text in texts]
        blocks = list(h_texts)
    practise = pgettext("client form", "First we practise.")
    begin = pgettext("client form", "Now the real sentences begin.")
    if n_practice:  # the banners go with the statement they head
        blocks[0] += row_height(practise, full - 2, size=STATEMENT_PT, pad=8, bold=True)
        blocks[n_practice] += row_height(begin, full - 2, size=STATEMENT_PT, pad=8, bold=True)
    thanks = pgettext("client form", "Thank you for completing this form.")
    h_thanks = row_height(thanks, full - 2, size=STATEMENT_PT, pad=8) + 15
    head = sum(sheet.row_heights.get(r, 15) for r in range(1, row))
    after = set(page_breaks(blocks, first_page=PAGE_PT - head, page=PAGE_PT,
                            closing=h_thanks))
    breaks: list[int] = []
    practice_rows: list[int] = []
    answers: list[tuple[str, str]] = []
    first_item_row = row
    for k, (label, text, item_id) in enumerate(entries):
        if k in after:
            breaks.append(row - 1)
        if n_practice and k == 0:
            banner(row, practise, "r_head", STATEMENT_PT)
            row += 1
        if n_practice and k == n_practice:
            banner(row, begin, "r_head", STATEMENT_PT)
            row += 1
        if k == n_practice:
            first_item_row = row
        if k < n_practice:
            practice_rows.append(row)
        sheet.set(row, 1, label, style="r_pos")
        sheet.set(row, 2, text, style="r_item")
        if item_id:
            sheet.set(row, id_col, item_id, style="r_id")
        sheet.row_heights[row] = h_texts[k]
        if layout != "boxes":
            sheet.set(row, answer_col, None, style="r_answer", locked=False)
            if item_id:
                answers.append((item_id, ref(row, answer_col)))
            row += 1
            continue
        sheet.merge(row, 2, row, last_col, style="r_item")
        if stacked:  # the words in a row of their own, above the boxes
            row += 1
            for j in range(n):
                sheet.set(row, 2 + 2 * j, shown[j], style=option_style)
                sheet.merge(row, 2 + 2 * j, row, 3 + 2 * j, style=option_style)
            sheet.row_heights[row] = h_labels
        cells = []
        for j in range(n):
            box, lab = 2 + 2 * j, 3 + 2 * j
            sheet.set(row + 1, box, None, style="r_box", locked=False)
            if not stacked:
                sheet.set(row + 1, lab, shown[j], style=option_style)
            cells.append(ref(row + 1, box))
        if item_id:
            sheet.set(row + 1, id_col, item_id, style="r_id")
            answers.append((item_id, " ".join(cells)))
        sheet.row_heights[row + 1] = 26.0 if stacked else h_opts
        sheet.set(row + 2, 1, None, style="r_rule")
        sheet.merge(row + 2, 1, row + 2, last_col, style="r_rule")
        sheet.row_heights[row + 2] = 8
        row += 3
    last_item_row = row - 1
    row += 1
    banner(row, thanks, "r_thanks", STATEMENT_PT)
    last_row = row

    if layout == "dropdown":
        practice_cells = [range_ref(r, answer_col, r, answer_col) for r in practice_rows]
        sheet.validations.append(Validation.list(
            " ".join([*practice_cells,
                      range_ref(first_item_row, answer_col, last_item_row, answer_col)]),
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
    if admin_sheet:
        add_administrator_sheet(book, adapted, form_layout, practice=show_practice)
    add_form_metadata(book, *form_metadata(adapted, form_layout, metadata, sheet),
                      password=password)
    book.protect_structure = True
    book.structure_password = password
    return book, form_layout


def respondent_footer(adapted: AdaptedInstrument) -> str:
    """The quiet footer of a respondent's page: what the form is, for whoever files it."""
    status = "" if adapted.validated else " · " + _("not yet validated")
    return f"relscale · {adapted.instrument} {adapted.version}{status}"


def add_administrator_sheet(
    book: Workbook, adapted: AdaptedInstrument, layout: FormLayout, *, practice: bool = False
) -> None:
    """The page for the adult who administers the form: notice, notes, what to read aloud
    and how (with ``practice``: the practice script and the right answers), and codes."""
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
    if adapted.variant_label:
        row = line(row, _("Respondents"), adapted.variant_label)
    if adapted.administration:
        row = line(row, _("Administration"), adapted.administration)
    if practice and adapted.practice is not None:
        labels = {p.value: p.label for p in layout.options}
        row = line(row, _("Read aloud: practice"), adapted.practice.script)
        row = line(row, _("Practice sentences"), "\n".join(
            _("{letter}. {text} (right answer: {answer})").format(
                letter=chr(ord("A") + k), text=text, answer=labels.get(answer, answer))
            for k, (text, answer) in enumerate(adapted.practice.statements)))
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

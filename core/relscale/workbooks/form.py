"""The fillable form: an :class:`~relscale.AdaptedInstrument` laid out as a workbook.

Three layouts (:data:`LAYOUTS`): ``compact``, below, for professionals (the default for a
professional report), and the respondent layouts ``boxes`` (the default for a child or
client: answers in words on every row, one box to mark) and ``dropdown`` (answers in words
in a drop-down), built in :mod:`relscale.workbooks.form_respondent`.

:func:`build_form` returns the writer-neutral :class:`~relscale.excel.sheet.Workbook`
and the :class:`FormLayout` (where the answers go); :func:`export_form` renders it to an
.xlsx file atomically.

Layout of the compact form sheet (one column of answers, robust on screen and on paper):

====  ==========================================================================
rows  content
====  ==========================================================================
1-4   title, sector, who answers about whom, the "not yet validated" notice
5-7   header fields (unlocked): respondent code, code of the person the answers
      are about, date
8-9   instructions, administration note (if any)
R     response anchors ("1 = ... · 2 = ...")           repeated on every page
R+1   column headings (#, statement, answer min-max)    repeated on every page
R+2.. one row per item: position, text, answer cell (whole-number validation)
====  ==========================================================================

Column D holds the item ids (hidden, not printed) so a reader can verify that the row
it reads still belongs to the item the metadata names.

A second sheet, the metadata sheet (very hidden, protected; written and recognised by
:mod:`relscale.excel.identity`), holds what a reader needs to recognise and verify the
form: instrument id and version, sector, perspective, locale, relscale version, the
header-field and answer cell addresses, and a sha256 checksum over all of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relscale.__about__ import __version__
from relscale.errors import RelscaleError
from relscale.excel.identity import FORM_FIELDS, FORM_ITEM_ID_COLUMN, add_form_metadata
from relscale.excel.sheet import (
    DefinedName,
    PrintSetup,
    SheetProtection,
    Style,
    Workbook,
    quote_sheet,
    range_ref,
    ref,
)
from relscale.i18n import _, pgettext
from relscale.model.models import AdaptedInstrument
from relscale.workbooks.form_parts import (
    BLANK,
    CHARS_PER_WIDTH,
    FONT,
    FONT_SIZE,
    LAYOUTS,
    LINE_PT,
    FormLayout,
    answer_validation,
    blank_hint,
    form_metadata,
    render_item_text,
    respondent_title,
    row_height,
    wrapped_lines,
)
from relscale.workbooks.form_respondent import build_respondent_form, respondent_footer

__all__ = [
    "BLANK", "CHARS_PER_WIDTH", "COL_ANSWER", "COL_ID", "COL_POS", "COL_TEXT", "FONT",
    "FONT_SIZE", "LAYOUTS", "LINE_PT", "FormLayout", "build_form", "check_form_path",
    "default_layout", "export_form", "form_filename", "form_metadata", "form_texts",
    "render_item_text", "row_height", "wrapped_lines",
]

COL_POS, COL_TEXT, COL_ANSWER, COL_ID = 1, 2, 3, FORM_ITEM_ID_COLUMN
WIDTHS = {COL_POS: 5.0, COL_TEXT: 66.0, COL_ANSWER: 13.0, COL_ID: 12.0}


# --- the form --------------------------------------------------------------------------


def _base(**kwargs: Any) -> Style:
    """A style in the form's body font."""
    return Style(font=FONT, size=FONT_SIZE, **kwargs)


def _styles() -> dict[str, Style]:
    return {
        "title": Style(font=FONT, size=15, bold=True, vertical="center"),
        "subtitle": Style(font=FONT, size=12, bold=True, color="404040", vertical="center"),
        "roles": _base(color="404040", vertical="center", wrap=True),
        "notice": Style(
            font=FONT, size=10, italic=True, color="8B1A1A", wrap=True, vertical="center",
            fill="FBEFEF",
        ),
        "label": _base(bold=True, horizontal="right", vertical="center", indent=1),
        "field": _base(border="thin", border_color="555555", fill="FFFDE7",
                       vertical="center", horizontal="left", wrap=True,
                       number_format="@"),  # codes are text: 007 stays 007, 1/2 no date
        "date": _base(border="thin", border_color="555555", fill="FFFDE7",
                      vertical="center", horizontal="left", number_format="yyyy-mm-dd"),
        "text": _base(wrap=True, vertical="top"),
        "admin": _base(italic=True, wrap=True, vertical="top"),
        "anchors": _base(bold=True, wrap=True, vertical="center", fill="EDEDED",
                         border="thin", border_color="BBBBBB", indent=1),
        "heading": _base(bold=True, vertical="center", fill="D9D9D9",
                         border="thin", border_color="888888", wrap=True),
        "heading_c": _base(bold=True, vertical="center", horizontal="center",
                           fill="D9D9D9", border="thin", border_color="888888", wrap=True),
        "pos": _base(horizontal="center", vertical="top", color="555555",
                     border_bottom="hair", border_color="BBBBBB"),
        "item": _base(wrap=True, vertical="top", border_bottom="hair",
                      border_color="BBBBBB"),
        "answer": Style(font=FONT, size=13, bold=True, horizontal="center", vertical="center",
                        border="thin", border_color="333333", fill="FFFDE7",
                        number_format="0"),
        "id": Style(font=FONT, size=8, color="999999", vertical="top"),
    }


def anchors_text(adapted: AdaptedInstrument) -> str:
    """``1 = label   2 = label ...``; no-break spaces keep each value with its label, and
    the one breakable space sits at the end of a gap, so a wrapped line starts with a value."""
    from relscale.workbooks.form_parts import answer_options

    return "\u00a0\u00a0\u00a0 ".join(
        f"{p.value} = {p.label}".replace(" ", "\u00a0") for p in answer_options(adapted)
    )


def form_texts(perspective: str) -> dict[str, str]:
    """The form's UI strings that speak to the respondent, in the current locale.

    A client-perspective form is filled in by a child, young person or client, a
    professional form by a professional; languages that address the two differently
    (Dutch *je* / *u*) translate these strings under the message context ``client form``.
    The English is the same for both.
    """
    if perspective == "client":
        return {
            # TRANSLATORS: "client form": filled in by a child (from about 9), a young
            # person or a client with an intellectual disability. Address them
            # informally (Dutch je/jouw), in plain words.
            "respondent_code": pgettext("client form", "Your name or code"),
            "subject_code": pgettext(
                "client form", "Name or code of the {role} this form is about"
            ),
            # TRANSLATORS: column heading above the items; the instructions call them sentences.
            "statement": pgettext("client form", "Statement"),
            "thanks": pgettext("client form", "Thank you for completing this form."),
            "prompt_title": pgettext("client form", "Your answer"),
            "prompt": pgettext("client form", "Type the number of your answer: {answers}."),
            "error_title": pgettext("client form", "Not a valid answer"),
            "error": pgettext(
                "client form", "Type one of these numbers: {answers}; or leave the cell empty."
            ),
        }
    return {
        "respondent_code": _("Your name or code"),
        "subject_code": _("Name or code of the {role} this form is about"),
        "statement": _("Statement"),
        "thanks": _("Thank you for completing this form."),
        "prompt_title": _("Your answer"),
        "prompt": _("Type the number of your answer: {answers}."),
        "error_title": _("Not a valid answer"),
        "error": _("Type one of these numbers: {answers}; or leave the cell empty."),
    }


def default_layout(adapted: AdaptedInstrument) -> str:
    """``compact`` for a professional, ``boxes`` (answers in words) for a child or client."""
    return "boxes" if adapted.perspective == "client" else "compact"


def build_form(
    adapted: AdaptedInstrument,
    *,
    subject_name: str | None = None,
    password: str | None = None,
    layout: str | None = None,
    pictures: bool = False,
    respondent_name: str | None = None,
    admin_sheet: bool = False,
    practice: bool = False,
    filled: Mapping[str, str] | None = None,
    metadata: Sequence[tuple[str, str]] = (),
    title: str | None = None,
) -> tuple[Workbook, FormLayout]:
    """Lay out the fillable form for one adapted instrument (UI strings in the current
    locale, see :func:`relscale.i18n.set_locale`; content in ``adapted.locale``).

    ``layout`` is one of :data:`LAYOUTS`; default :func:`default_layout`. The respondent
    layouts are built by :func:`relscale.workbooks.form_respondent.build_respondent_form`.
    ``filled``: header fields filled in and locked (a round's form prints who answers
    about whom); ``metadata``: extra pairs for the metadata sheet
    (:func:`relscale.workbooks.form_parts.form_metadata`); ``title``: the compact form's
    title instead of the instrument's (a round's form names the client in it).
    ``subject_name`` is printed where the items refer to the other person and in the
    subject field, ``respondent_name`` in the respondent field (see
    :func:`~relscale.workbooks.form_parts.form_names`). ``admin_sheet``: a respondent
    layout adds the administrator's page (notice, notes, codes) as a second sheet.
    """
    layout = layout or default_layout(adapted)
    if layout not in LAYOUTS:
        raise RelscaleError(_("unknown form layout {layout!r}; choose one of {choices}").format(
            layout=layout, choices=", ".join(LAYOUTS)))
    if layout != "compact":
        return build_respondent_form(adapted, layout=layout, subject_name=subject_name,
                                     password=password, pictures=pictures,
                                     respondent_name=respondent_name,
                                     admin_sheet=admin_sheet, practice=practice,
                                     filled=filled, metadata=metadata)
    book = Workbook(styles=_styles(), title=adapted.title, creator=f"relscale {__version__}")
    sheet_name = _("Form")[:31]
    sheet = book.add_sheet(sheet_name, show_grid_lines=False)
    for col, width in WIDTHS.items():
        sheet.column_widths[col] = width
    sheet.hidden_columns.add(COL_ID)
    full = WIDTHS[COL_POS] + WIDTHS[COL_TEXT] + WIDTHS[COL_ANSWER]
    scale = adapted.scale
    texts = form_texts(adapted.perspective)

    def banner(row: int, text: str, style: str, size: float = FONT_SIZE, pad: float = 8) -> None:
        sheet.set(row, COL_POS, text, style=style)
        sheet.merge(row, COL_POS, row, COL_ANSWER, style=style)
        sheet.row_heights[row] = row_height(text, full - 2, size=size, pad=pad)

    row = 1
    banner(row, title or respondent_title(adapted, subject_name), "title", size=15)
    row += 1
    banner(row, adapted.sector_label, "subtitle", size=12)
    row += 1
    roles = "{a}    {b}".format(
        a=_("Completed by: {role}").format(role=adapted.respondent),
        b=_("About: {role}").format(role=adapted.subject),
    )
    banner(row, roles, "roles")
    row += 1
    banner(row, adapted.notice, "notice", size=10, pad=10)
    row += 1
    sheet.row_heights[row] = 8
    row += 1

    field_labels = {
        "respondent_code": texts["respondent_code"],
        "subject_code": texts["subject_code"].format(
            role=adapted.subject_said),
        "date": _("Date"),
    }
    fields: dict[str, str] = {}
    for name in FORM_FIELDS:
        sheet.set(row, COL_TEXT, field_labels[name], style="label")
        named = {"subject_code": subject_name, "respondent_code": respondent_name}.get(name)
        value = named.strip() if named else None
        given = (filled or {}).get(name)
        shown = given or value or None
        sheet.set(row, COL_ANSWER, shown,
                  style="date" if name == "date" else "field", locked=given is not None)
        # a long name wraps in its field: the row grows with it
        sheet.row_heights[row] = max(22.0, row_height(shown or "", WIDTHS[COL_ANSWER], pad=8))
        fields[name] = ref(row, COL_ANSWER)
        row += 1
    sheet.row_heights[row] = 8
    row += 1

    banner(row, adapted.instructions, "text")
    row += 1
    hint = blank_hint(adapted, subject_name)
    if hint:
        banner(row, hint, "text")
        row += 1
    if adapted.administration:
        banner(row, adapted.administration, "admin")
        row += 1
    sheet.row_heights[row] = 8
    row += 1

    anchors = _("Answers: {anchors}").format(anchors=anchors_text(adapted))
    title_first = row
    banner(row, anchors, "anchors", pad=10)
    sheet.row_heights[row] = row_height(anchors, full - 5, pad=10)
    row += 1
    sheet.set(row, COL_POS, "#", style="heading_c")
    sheet.set(row, COL_TEXT, texts["statement"], style="heading")
    sheet.set(row, COL_ANSWER, _("Answer ({min}–{max})").format(min=scale.min, max=scale.max),
              style="heading_c")
    sheet.set(row, COL_ID, "item", style="id")
    sheet.row_heights[row] = row_height(_("Answer ({min}–{max})"), WIDTHS[COL_ANSWER], pad=8)
    title_rows = (title_first, row)
    row += 1

    first_item_row = row
    answers: list[tuple[str, str]] = []
    # One height for every item row (the tallest statement's), so the rows look even:
    # uneven heights read as meaning something.
    even = max(26.0, *(row_height(render_item_text(i.text, subject_name), WIDTHS[COL_TEXT],
                                  pad=10) for i in adapted.items))
    for item in adapted.items:
        text = render_item_text(item.text, subject_name)
        sheet.set(row, COL_POS, item.position, style="pos")
        sheet.set(row, COL_TEXT, text, style="item")
        sheet.set(row, COL_ANSWER, None, style="answer", locked=False)
        sheet.set(row, COL_ID, item.id, style="id")
        sheet.row_heights[row] = even
        answers.append((item.id, ref(row, COL_ANSWER)))
        row += 1
    last_item_row = row - 1
    row += 1
    sheet.set(row, COL_TEXT, texts["thanks"], style="admin")
    last_row = row

    answer_range = range_ref(first_item_row, COL_ANSWER, last_item_row, COL_ANSWER)
    sheet.validations.append(answer_validation(
        answer_range, scale, prompt_title=texts["prompt_title"], prompt=texts["prompt"],
        error_title=texts["error_title"], error=texts["error"]))
    sheet.protection = SheetProtection(password=password)
    sheet.freeze = None
    sheet.print_setup = PrintSetup(
        title_rows=title_rows,
        print_area=range_ref(1, COL_POS, last_row, COL_ANSWER),
        header_left=f"{adapted.title} — {adapted.sector_label}",
        header_right=_("Code") + ": ____________",
        # what the form is, for whoever files it: no perspective or locale codes (the
        # metadata sheet holds them), which a reader would take for words
        footer_left=respondent_footer(adapted),
        footer_right=_("Page {page} of {pages}"),
    )
    q = quote_sheet(sheet_name)
    for name, cell in fields.items():
        book.defined_names.append(
            DefinedName(f"relscale_{name}", f"{q}!{ref(*_rc(cell), absolute=True)}")
        )
    answers_abs = range_ref(first_item_row, COL_ANSWER, last_item_row, COL_ANSWER, absolute=True)
    book.defined_names.append(DefinedName("relscale_answers", f"{q}!{answers_abs}"))

    form_layout = FormLayout(
        sheet=sheet_name,
        fields=fields,
        answers=tuple(answers),
        first_item_row=first_item_row,
        title_rows=title_rows,
    )
    add_form_metadata(book, *form_metadata(adapted, form_layout, metadata, sheet),
                      password=password)
    book.protect_structure = True
    book.structure_password = password
    return book, form_layout


def _rc(cell: str) -> tuple[int, int]:
    from relscale.excel.sheet import parse_ref

    return parse_ref(cell)


# --- writing ---------------------------------------------------------------------------


def form_filename(adapted: AdaptedInstrument, *, with_variant: bool = False) -> str:
    """``<instrument>_<sector>_<perspective>_<locale>.xlsx``; ``with_variant``: the
    respondent variant after the perspective (``..._client-secondary_nl.xlsx``)."""
    who: str = adapted.perspective
    if with_variant and adapted.variant:
        who = f"{who}-{adapted.variant}"
    return f"{adapted.instrument}_{adapted.sector}_{who}_{adapted.locale}.xlsx"


def check_form_path(path: Path | str) -> Path:
    """Refuse a form file name that does not end in .xlsx (before anything is built)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise RelscaleError(_("{path}: the form file name must end in .xlsx").format(path=path))
    return path


def export_form(
    adapted: AdaptedInstrument,
    path: Path | str,
    *,
    overwrite: bool = False,
    subject_name: str | None = None,
    password: str | None = None,
    layout: str | None = None,
    pictures: bool = False,
    respondent_name: str | None = None,
    admin_sheet: bool = False,
    practice: bool = False,
) -> FormLayout:
    """Write the fillable form to ``path`` (atomically; refuses to overwrite unless asked).

    ``relscale form`` and the ``form`` exporter both come here. UI strings on the form are
    in the current locale (:func:`relscale.i18n.set_locale`), content in ``adapted.locale``.
    """
    path = check_form_path(path)
    book, form_layout = build_form(adapted, subject_name=subject_name, password=password,
                                   layout=layout, pictures=pictures,
                                   respondent_name=respondent_name, admin_sheet=admin_sheet,
                                   practice=practice)
    write_form(book, path, overwrite=overwrite)
    return form_layout


def write_form(book: Workbook, path: Path | str, *, overwrite: bool = False) -> Path:
    """Write a form's book with :func:`relscale.workbooks.write`, atomically."""
    from relscale.workbooks import write

    return write(book, path, overwrite=overwrite)

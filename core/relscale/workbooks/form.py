"""The fillable form: an :class:`~relscale.AdaptedInstrument` laid out as a workbook.

:func:`build_form` returns the writer-neutral :class:`~relscale.excel.sheet.Workbook`
and the :class:`FormLayout` (where the answers go); :func:`export_form` renders it to an
.xlsx file atomically.

Layout of the form sheet (one column of answers, robust on screen and on paper):

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

import math
from dataclasses import dataclass
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
    Validation,
    Workbook,
    quote_sheet,
    range_ref,
    ref,
)
from relscale.i18n import _, pgettext
from relscale.model.models import AdaptedInstrument

BLANK = "______"

COL_POS, COL_TEXT, COL_ANSWER, COL_ID = 1, 2, 3, FORM_ITEM_ID_COLUMN
WIDTHS = {COL_POS: 5.0, COL_TEXT: 66.0, COL_ANSWER: 13.0, COL_ID: 12.0}
FONT = "Arial"  # metric-compatible Liberation Sans in LibreOffice: same line breaks
FONT_SIZE = 11.0
LINE_PT = 14.0  # line height of 11 pt Arial with leading, in points
# Characters of Arial 11 per unit of column width. LibreOffice fits ~1.35 (measured on
# the PDF); Excel's unit is wider text-wise, ~1.1. Too low only makes rows roomier; too
# high would hide the end of a statement, so take the smaller.
CHARS_PER_WIDTH = 1.05


@dataclass(frozen=True)
class FormLayout:
    """Where things are on a generated form (all addresses on sheet ``sheet``)."""

    sheet: str
    fields: dict[str, str]
    """Header field -> cell, for :data:`relscale.excel.identity.FORM_FIELDS`."""
    answers: tuple[tuple[str, str], ...]
    """(item id, answer cell) in form order."""
    first_item_row: int
    title_rows: tuple[int, int]


# --- text measurement ------------------------------------------------------------------


def wrapped_lines(text: str, width: float, *, chars_per_width: float = CHARS_PER_WIDTH) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` units wide.

    Greedy word wrap, like Excel and LibreOffice; a word longer than a line is broken.
    Errs on the generous side: a row that is a little too tall is harmless, one that
    is too short hides the end of a statement.
    """
    capacity = max(1, int(width * chars_per_width))
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in (w for w in paragraph.split(" ") if w):
            n = len(word)
            if used and used + 1 + n <= capacity:
                used += 1 + n
                continue
            if used:
                lines += 1
            while n > capacity:  # a word longer than a line breaks
                lines += 1
                n -= capacity
            used = n
    return max(1, lines)


def row_height(text: str, width: float, *, size: float = FONT_SIZE, pad: float = 6.0) -> float:
    """Row height in points for wrapped ``text`` in a column ``width`` units wide."""
    scale = size / FONT_SIZE
    lines = wrapped_lines(text, width / scale)
    return math.ceil(lines * LINE_PT * scale + pad)


def render_item_text(text: str, subject_name: str | None = None) -> str:
    """Fill the ``{subject}`` placeholder with a name or a blank line to write on."""
    return text.replace("{subject}", subject_name.strip() if subject_name else BLANK)


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
                       vertical="center", horizontal="left"),
        "date": _base(border="thin", border_color="555555", fill="FFFDE7",
                      vertical="center", horizontal="left", number_format="yyyy-mm-dd"),
        "text": _base(wrap=True, vertical="top"),
        "admin": _base(italic=True, wrap=True, vertical="top"),
        "anchors": _base(bold=True, wrap=True, vertical="center", fill="EDEDED",
                         border="thin", border_color="BBBBBB"),
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
    """``1 = label    2 = label ...``; no-break spaces keep each value with its label."""
    scale = adapted.scale
    points = (*scale.points, *((scale.not_applicable,) if scale.not_applicable else ()))
    return "    ".join(f"{p.value} = {p.label}".replace(" ", "\u00a0") for p in points)


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
            "prompt": pgettext(
                "client form", "Type a whole number from {min} to {max} ({labels})."
            ),
            "error_title": pgettext("client form", "Not a valid answer"),
            "error": pgettext(
                "client form", "Type a whole number from {min} to {max}, or leave the cell empty."
            ),
        }
    return {
        "respondent_code": _("Your name or code"),
        "subject_code": _("Name or code of the {role} this form is about"),
        "statement": _("Statement"),
        "thanks": _("Thank you for completing this form."),
        "prompt_title": _("Your answer"),
        "prompt": _("Type a whole number from {min} to {max} ({labels})."),
        "error_title": _("Not a valid answer"),
        "error": _("Type a whole number from {min} to {max}, or leave the cell empty."),
    }


def build_form(
    adapted: AdaptedInstrument,
    *,
    subject_name: str | None = None,
    password: str | None = None,
) -> tuple[Workbook, FormLayout]:
    """Lay out the fillable form for one adapted instrument (UI strings in the current
    locale, see :func:`relscale.i18n.set_locale`; content in ``adapted.locale``)."""
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
    banner(row, adapted.title, "title", size=15)
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
        "subject_code": texts["subject_code"].format(role=adapted.subject),
        "date": _("Date"),
    }
    fields: dict[str, str] = {}
    for name in FORM_FIELDS:
        sheet.set(row, COL_TEXT, field_labels[name], style="label")
        sheet.set(row, COL_ANSWER, None, style="date" if name == "date" else "field",
                  locked=False)
        sheet.row_heights[row] = 22
        fields[name] = ref(row, COL_ANSWER)
        row += 1
    sheet.row_heights[row] = 8
    row += 1

    banner(row, adapted.instructions, "text")
    row += 1
    if adapted.administration:
        banner(row, adapted.administration, "admin")
        row += 1
    sheet.row_heights[row] = 8
    row += 1

    anchors = _("Answers: {anchors}").format(anchors=anchors_text(adapted))
    title_first = row
    banner(row, anchors, "anchors", pad=10)
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
    for item in adapted.items:
        text = render_item_text(item.text, subject_name)
        sheet.set(row, COL_POS, item.position, style="pos")
        sheet.set(row, COL_TEXT, text, style="item")
        sheet.set(row, COL_ANSWER, None, style="answer", locked=False)
        sheet.set(row, COL_ID, item.id, style="id")
        sheet.row_heights[row] = max(26.0, row_height(text, WIDTHS[COL_TEXT], pad=10))
        answers.append((item.id, ref(row, COL_ANSWER)))
        row += 1
    last_item_row = row - 1
    row += 1
    sheet.set(row, COL_TEXT, texts["thanks"], style="admin")
    last_row = row

    answer_range = range_ref(first_item_row, COL_ANSWER, last_item_row, COL_ANSWER)
    labels = f"{scale.min} = {scale.points[0].label}; {scale.max} = {scale.points[-1].label}"
    if scale.not_applicable is not None:
        # codes between the points and the 'does not apply' code pass here and are refused
        # by the read-back, which names the cell
        labels += f"; {scale.not_applicable.value} = {scale.not_applicable.label}"
    sheet.validations.append(
        Validation.whole(
            answer_range,
            min(scale.accepted),
            max(scale.accepted),
            prompt_title=texts["prompt_title"],
            prompt=texts["prompt"].format(min=scale.min, max=scale.max, labels=labels),
            error_title=texts["error_title"],
            error=texts["error"].format(min=scale.min, max=scale.max),
        )
    )
    sheet.protection = SheetProtection(password=password)
    sheet.freeze = None
    sheet.print_setup = PrintSetup(
        title_rows=title_rows,
        print_area=range_ref(1, COL_POS, last_row, COL_ANSWER),
        header_left=f"{adapted.title} — {adapted.sector_label}",
        header_right=_("Code") + ": ____________",
        footer_left=f"relscale · {adapted.instrument} {adapted.version} · "
        f"{adapted.perspective} · {adapted.locale}",
        footer_right=_("Page {page} of {pages}"),
    )
    q = quote_sheet(sheet_name)
    for name, cell in fields.items():
        book.defined_names.append(
            DefinedName(f"relscale_{name}", f"{q}!{ref(*_rc(cell), absolute=True)}")
        )
    answers_abs = range_ref(first_item_row, COL_ANSWER, last_item_row, COL_ANSWER, absolute=True)
    book.defined_names.append(DefinedName("relscale_answers", f"{q}!{answers_abs}"))

    layout = FormLayout(
        sheet=sheet_name,
        fields=fields,
        answers=tuple(answers),
        first_item_row=first_item_row,
        title_rows=title_rows,
    )
    add_form_metadata(book, *form_metadata(adapted, layout), password=password)
    book.protect_structure = True
    book.structure_password = password
    return book, layout


def _rc(cell: str) -> tuple[int, int]:
    from relscale.excel.sheet import parse_ref

    return parse_ref(cell)


# --- metadata --------------------------------------------------------------------------


def form_metadata(
    adapted: AdaptedInstrument, layout: FormLayout
) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    """The key/value pairs and the item table of the metadata sheet (the format header and
    the checksum are added by :func:`relscale.excel.identity.add_form_metadata`)."""
    scale = adapted.scale
    pairs = [
        ("instrument", adapted.instrument),
        ("instrument_version", adapted.version),
        ("sector", adapted.sector),
        ("perspective", adapted.perspective),
        ("locale", adapted.locale),
        ("relscale_version", __version__),
        ("form_sheet", layout.sheet),
        ("scale_min", str(scale.min)),
        ("scale_max", str(scale.max)),
        *((("not_applicable", str(scale.not_applicable.value)),) if scale.not_applicable else ()),
        *((f"field.{name}", cell) for name, cell in layout.fields.items()),
        ("item_ids", ",".join(i for i, _c in layout.answers)),
    ]
    positions = {i.id: i for i in adapted.items}
    table: list[tuple[str, ...]] = [
        (
            item_id,
            str(positions[item_id].position),
            positions[item_id].dimension,
            positions[item_id].keying,
            cell,
        )
        for item_id, cell in layout.answers
    ]
    return pairs, table


# --- writing ---------------------------------------------------------------------------


def form_filename(adapted: AdaptedInstrument) -> str:
    return f"{adapted.instrument}_{adapted.sector}_{adapted.perspective}_{adapted.locale}.xlsx"


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
) -> FormLayout:
    """Write the fillable form to ``path`` (atomically; refuses to overwrite unless asked).

    ``relscale form`` and the ``form`` exporter both come here. UI strings on the form are
    in the current locale (:func:`relscale.i18n.set_locale`), content in ``adapted.locale``.
    """
    from relscale.workbooks import write

    path = check_form_path(path)
    book, layout = build_form(adapted, subject_name=subject_name, password=password)
    write(book, path, overwrite=overwrite)
    return layout

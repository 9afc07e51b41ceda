"""Pieces every form layout shares: text measurement, names, titles and the metadata.

:mod:`relscale.workbooks.form` (the compact professional layout, and the entry point) and
:mod:`relscale.workbooks.form_respondent` (the layouts a child or client fills in) both
build on these; neither imports the other's layout.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from relscale.__about__ import __version__
from relscale.excel.identity import FIELD_FORMAT_KEY, TEXTS_KEY, shown_texts
from relscale.excel.sheet import Sheet, Validation
from relscale.i18n import _, pgettext
from relscale.model.models import AdaptedInstrument, ScalePoint
from relscale.model.scales import ResponseScale

BLANK = "______"
FONT = "Arial"  # metric-compatible Liberation Sans in LibreOffice: same line breaks
FONT_SIZE = 11.0
LINE_PT = 14.0  # line height of 11 pt Arial with leading, in points
# Characters of Arial 11 per unit of column width. LibreOffice fits ~1.35 (measured on
# the PDF); Excel's unit is wider text-wise, ~1.1. Too low only makes rows roomier; too
# high would hide the end of a statement, so take the smaller.
CHARS_PER_WIDTH = 1.05

LAYOUTS = ("compact", "boxes", "dropdown")
"""``compact``: a number per row under a legend (professionals); ``boxes``: every row
shows its answers in words with a box to mark (print, or an x on screen); ``dropdown``:
every row has a drop-down with the answers in words (on screen)."""


@dataclass(frozen=True)
class FormLayout:
    """Where things are on a generated form (all addresses on sheet ``sheet``)."""

    sheet: str
    fields: dict[str, str]
    """Header field -> cell, for :data:`relscale.excel.identity.FORM_FIELDS`."""
    answers: tuple[tuple[str, str], ...]
    """(item id, answer cell) in form order; for ``boxes`` the mark cells, space-separated."""
    first_item_row: int
    title_rows: tuple[int, int]
    layout: str = "compact"
    item_id_column: int = 4
    options: tuple[ScalePoint, ...] = field(default_factory=tuple)
    """The answers offered (boxes and drop-down), in order, 'does not apply' last."""


# --- text measurement ------------------------------------------------------------------


def wrapped_lines(text: str, width: float, *, chars_per_width: float | None = None,
                  size: float = FONT_SIZE, bold: bool = False) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` units wide.

    Measured with the widths of the font a printout may fall back on
    (:mod:`relscale.workbooks.text_metrics`), so a row is never too short under any font the
    form prints with. With ``chars_per_width``, counted in characters instead (every
    character that wide): greedy word wrap, a word longer than a line broken.
    """
    if chars_per_width is None:
        from relscale.workbooks.text_metrics import column_points, line_count

        return line_count(text, column_points(width), size, bold=bold)
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


def row_height(
    text: str,
    width: float,
    *,
    size: float = FONT_SIZE,
    pad: float = 6.0,
    chars_per_width: float | None = None,
    bold: bool = False,
) -> float:
    """Row height in points for wrapped ``text`` in a column ``width`` units wide
    (``chars_per_width``: see :func:`wrapped_lines`)."""
    from relscale.workbooks.text_metrics import LINE_HEIGHT_EM

    if chars_per_width is not None:
        scale = size / FONT_SIZE
        lines = wrapped_lines(text, width / scale, chars_per_width=chars_per_width)
        return math.ceil(lines * LINE_PT * scale + pad)
    lines = wrapped_lines(text, width, size=size, bold=bold)
    return math.ceil(lines * size * LINE_HEIGHT_EM + pad)


def form_names(perspective: str, *, client_name: str | None = None,
               professional_name: str | None = None) -> tuple[str | None, str | None]:
    """(respondent name, subject name) of a form from whose name each is: on a
    professional's form the professional answers about the client, on a client's form the
    other way round. The subject's name goes into the sentences and the subject field,
    the respondent's into the respondent field."""
    if perspective == "client":
        return client_name, professional_name
    return professional_name, client_name


def render_item_text(text: str, subject_name: str | None = None) -> str:
    """Fill the ``{subject}`` placeholder with a name or a blank line to write on."""
    return text.replace("{subject}", subject_name.strip() if subject_name else BLANK)


# --- words for the respondent -----------------------------------------------------------


def answer_options(adapted: AdaptedInstrument) -> tuple[ScalePoint, ...]:
    """The scale's points in order, then its 'does not apply' point if it has one.

    Any number of points, labels of any length: read from ``adapted.scale``, never assumed.
    """
    scale = adapted.scale
    na = getattr(scale, "not_applicable", None)
    return (*scale.points, *((na,) if na is not None else ()))


def respondent_title(adapted: AdaptedInstrument, subject_name: str | None = None) -> str:
    """The form's title in the respondent's words.

    A client form asks the child or client a question about the relationship; a
    professional form keeps the instrument's title. One function, so a title the adapted
    instrument carries itself (``respondent_title``) replaces the template here only.
    """
    own = getattr(adapted, "respondent_title", None)
    if own:
        return str(own)
    if adapted.perspective != "client":
        return adapted.title
    name = subject_name.strip() if subject_name and subject_name.strip() else None
    if not name and _sector_title(adapted):
        return adapted.title  # the sector's own title, in the respondent's words
    if adapted.framework == "working_alliance":
        if name:
            return pgettext("client form", "Working together with {name}").format(name=name)
        return pgettext("client form", "Working together with your {role}").format(
            role=adapted.subject_said)
    if name:
        return pgettext("client form", "How are things between you and {name}?").format(
            name=name)
    return pgettext("client form", "How are things between you and your {role}?").format(
        role=adapted.subject_said)


def _sector_title(adapted: AdaptedInstrument) -> bool:
    """Whether the sector words this form's title itself (``Offering.title``), which
    :func:`relscale.adapt` then puts in ``adapted.title``."""
    from relscale.errors import RelscaleError
    from relscale.plugins import get_registry

    try:
        offering = get_registry().sector(adapted.sector).offering(adapted.instrument,
                                                                  adapted.perspective)
    except (RelscaleError, LookupError):
        return False
    return bool(getattr(offering, "title", None))


def blank_hint(adapted: AdaptedInstrument, subject_name: str | None) -> str | None:
    """Without a name, a line saying who the blank in the sentences stands for."""
    if subject_name and subject_name.strip():
        return None
    if not any("{subject}" in item.text for item in adapted.items):
        return None
    if adapted.perspective == "client":
        return pgettext(
            "client form", "Where a sentence has {blank}, think of your {role}."
        ).format(blank=BLANK, role=adapted.subject_said)
    return _("Where a statement has {blank}, think of this {role}.").format(
        blank=BLANK, role=adapted.subject)


# --- the answers a cell accepts -------------------------------------------------------


def answers_in_words(scale: ResponseScale, *, short: bool = False) -> str:
    """``1 = label; 2 = label; ...; 9 = label``: every answer the scale accepts, its code
    and its words, 'does not apply' last. ``short``: the end points and 'does not apply'
    in words, the codes between as numbers (for a message that must stay short)."""
    points = list(scale.points)
    na = scale.not_applicable
    if short and len(points) > 2:
        middle = ", ".join(str(p.value) for p in points[1:-1])
        parts = [f"{points[0].value} = {points[0].label}", middle,
                 f"{points[-1].value} = {points[-1].label}"]
    else:
        parts = [f"{p.value} = {p.label}" for p in points]
    if na is not None:
        parts.append(f"{na.value} = {na.label}")
    return "; ".join(parts)


def answer_validation(ranges: str, scale: ResponseScale, *, prompt_title: str, prompt: str,
                      error_title: str, error: str) -> Validation:
    """The validation of answer cells: exactly the scale's codes. Consecutive points are a
    whole-number range; with a 'does not apply' code outside them, a list of the codes
    (so 6, 7 and 8 are refused while typing, not at ``relscale read``). ``prompt`` and
    ``error`` are templates with ``{answers}``, filled with :func:`answers_in_words`
    (shortened when a message would pass Excel's 255 characters)."""
    from relscale.excel.sheet import MAX_MESSAGE

    def fill(template: str) -> str:
        text = template.format(answers=answers_in_words(scale))
        if len(text) > MAX_MESSAGE:
            text = template.format(answers=answers_in_words(scale, short=True))
        return text

    na = scale.not_applicable
    values = [p.value for p in scale.points]
    if na is None:
        return Validation.whole(ranges, min(values), max(values), prompt_title=prompt_title,
                                prompt=fill(prompt), error_title=error_title,
                                error=fill(error))
    return Validation.list(ranges, [str(v) for v in (*values, na.value)],
                           prompt_title=prompt_title, prompt=fill(prompt),
                           error_title=error_title, error=fill(error))


# --- metadata --------------------------------------------------------------------------


def form_metadata(
    adapted: AdaptedInstrument, layout: FormLayout, extra: Sequence[tuple[str, str]] = (),
    sheet: Sheet | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    """The key/value pairs and the item table of the metadata sheet (the format header and
    the checksum are added by :func:`relscale.excel.identity.add_form_metadata`).

    A compact form writes the pairs relscale always wrote; the respondent layouts add
    ``layout``, ``item_id_column`` and ``option.<n>`` (value and label of each answer),
    and the item table's ``cell`` lists the mark cells of a row, space-separated.
    Given the form ``sheet``, ``field_format = text`` (the code cells are text cells) and
    ``texts`` (a digest of every text shown: the reader refuses a form whose wording was
    edited; :mod:`relscale.io.form_checks`) follow. ``extra`` pairs come last: a round's
    form names its round and key there (``round.id``, ``round.form``;
    :mod:`relscale.rounds.forms`), under the checksum.
    """
    scale = adapted.scale
    na = getattr(scale, "not_applicable", None)
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
        *((("not_applicable", str(na.value)),) if na is not None else ()),
        *((f"field.{name}", cell) for name, cell in layout.fields.items()),
        ("item_ids", ",".join(i for i, _c in layout.answers)),
    ]
    if layout.layout != "compact":
        pairs += [("layout", layout.layout), ("item_id_column", str(layout.item_id_column))]
        pairs += [(f"option.{k}", f"{p.value}={p.label}") for k, p in enumerate(layout.options)]
    if sheet is not None:
        pairs += [(FIELD_FORMAT_KEY, "text"), (TEXTS_KEY, shown_texts(sheet))]
    pairs += list(extra)
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

"""Pieces every form layout shares: text measurement, names, titles and the metadata.

:mod:`relscale.workbooks.form` (the compact professional layout, and the entry point) and
:mod:`relscale.workbooks.form_respondent` (the layouts a child or client fills in) both
build on these; neither imports the other's layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from relscale.__about__ import __version__
from relscale.excel.identity import FIELD_FORMAT_KEY, TEXTS_KEY, shown_texts
from relscale.excel.sheet import Sheet
from relscale.i18n import _, pgettext
from relscale.model.models import AdaptedInstrument, ScalePoint

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


def row_height(
    text: str,
    width: float,
    *,
    size: float = FONT_SIZE,
    pad: float = 6.0,
    chars_per_width: float = CHARS_PER_WIDTH,
) -> float:
    """Row height in points for wrapped ``text`` in a column ``width`` units wide."""
    scale = size / FONT_SIZE
    lines = wrapped_lines(text, width / scale, chars_per_width=chars_per_width)
    return math.ceil(lines * LINE_PT * scale + pad)


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
            role=adapted.subject)
    if name:
        return pgettext("client form", "How are things between you and {name}?").format(
            name=name)
    return pgettext("client form", "How are things between you and your {role}?").format(
        role=adapted.subject)


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
        ).format(blank=BLANK, role=adapted.subject)
    return _("Where a statement has {blank}, think of this {role}.").format(
        blank=BLANK, role=adapted.subject)


# --- metadata --------------------------------------------------------------------------


def form_metadata(
    adapted: AdaptedInstrument, layout: FormLayout, sheet: Sheet | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, ...]]]:
    """The key/value pairs and the item table of the metadata sheet (the format header and
    the checksum are added by :func:`relscale.excel.identity.add_form_metadata`).

    A compact form writes the pairs relscale always wrote; the respondent layouts add
    ``layout``, ``item_id_column`` and ``option.<n>`` (value and label of each answer),
    and the item table's ``cell`` lists the mark cells of a row, space-separated. Given
    the form ``sheet``, the pairs end with ``field_format = text`` (the code cells are
    text cells) and ``texts`` (a digest of every text shown: the reader refuses a form
    whose wording was edited; :mod:`relscale.io.form_checks`).
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

"""Printable answer cards: one A4 page per response scale, each answer as a large pictogram
with its word, to put on the table when a form is read aloud (disability care, young
children).

Each answer is a bar that fills from the bottom: empty for the lowest answer, full for
the highest, in equal steps between (for "No / A bit / Yes": empty, half, full). An amount
says "how much the sentence is true" without a feeling in it: faces (sad / happy) would make
"Yes" to "we often argue" look like a happy answer. The bars are solid black on white, drawn
as vector graphics by relscale (:mod:`relscale.io.pdf`, no images), so the page prints the
same on any black-and-white printer. Dashed lines between the answers show where to cut
the page into separate cards; the small number in each card's corner is the answer's code,
for the adult who notes the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from relscale.__about__ import __version__
from relscale.i18n import _, pgettext
from relscale.io.pdf import A4_LANDSCAPE, Document, Page, text_width
from relscale.model.models import AdaptedInstrument, ScalePoint

MARGIN = 36.0
BAR_HEIGHT = 290.0
BAR_BOTTOM = 150.0
BAR_LINE = 7.0
BAR_INSET = 12.0
WORD_TOP = BAR_BOTTOM - 16.0
"""The top of the capitals of an answer's word, under its bar."""
CAP_HEIGHT = 0.72
LINE_SPACING = 1.1
WORD_MAX_PT = 56.0
WORD_MIN_PT = 30.0
"""Below this size a word is split over two lines instead of made smaller."""
PROMPT_PT = 24.0
WORD_WIDTH = 0.8
"""Share of a card's width a word may take: room for a wider substitute of Helvetica."""


def fill_share(k: int, points: int) -> float:
    """How full the bar of the ``k``-th (0-based) of ``points`` answers is: 0 .. 1."""
    return k / (points - 1) if points > 1 else 1.0


def word_lines(word: str, width: float, size: float | None = None) -> tuple[list[str], float]:
    """The answer's word as one line (or two, split at the space nearest the middle) and
    the largest size (points, at most :data:`WORD_MAX_PT`) at which it fits ``width``.
    With ``size``: the lines at that size (two when one line would be too wide)."""
    def fit(lines: list[str]) -> float:
        return min(WORD_MAX_PT, *(width / max(text_width(s, 1.0, "bold"), 1e-9) for s in lines))

    one = [word]
    spaces = [i for i, c in enumerate(word) if c == " "]
    middle = min(spaces, key=lambda i: abs(i - len(word) / 2)) if spaces else -1
    two = [word[:middle], word[middle + 1:]] if spaces else one
    if size is not None:
        return (one if fit(one) >= size else two), size
    if fit(one) >= WORD_MIN_PT or not spaces:
        return one, fit(one)
    return two, max(fit(one), fit(two))


def common_size(words: Sequence[str], width: float) -> float:
    """One size for every word of a page, so that no answer looks more important: the
    smallest of their best sizes."""
    return min(word_lines(w, width)[1] for w in words)


def draw_card_page(page: Page, points: Sequence[ScalePoint], footer: str) -> None:
    """One scale's answers side by side on ``page``, separated by dashed cut lines."""
    n = len(points)
    column = (page.width - 2 * MARGIN) / n
    page.text(page.width / 2, page.height - MARGIN - PROMPT_PT,
              pgettext("answer card", "Point at your answer."), size=PROMPT_PT, font="bold",
              align="center")
    bar_width = min(column * 0.42, 140.0)
    size = common_size([p.label for p in points], column * WORD_WIDTH)
    for k, point in enumerate(points):
        left = MARGIN + k * column
        centre = left + column / 2
        x = centre - bar_width / 2
        inner = BAR_HEIGHT - 2 * BAR_INSET
        share = fill_share(k, n)
        if share > 0:
            page.rect(x + BAR_INSET, BAR_BOTTOM + BAR_INSET, bar_width - 2 * BAR_INSET,
                      inner * share, fill=0.0)
        page.rect(x, BAR_BOTTOM, bar_width, BAR_HEIGHT, stroke=0.0, line_width=BAR_LINE)
        lines, _size = word_lines(point.label, column * WORD_WIDTH, size)
        baseline = WORD_TOP - CAP_HEIGHT * size
        for text in lines:
            page.text(centre, baseline, text, size=size, font="bold", align="center")
            baseline -= LINE_SPACING * size
        page.text(left + column - 14, MARGIN + 4, str(point.value), size=9, grey=0.55,
                  align="right")
        if k:
            page.line(left, MARGIN, left, page.height - 2 * MARGIN - PROMPT_PT, grey=0.6,
                      line_width=0.75, dash=(6, 4))
    page.text(MARGIN, MARGIN - 18, footer, size=8, grey=0.4)


def card_scales(adapted: Sequence[AdaptedInstrument]) -> list[AdaptedInstrument]:
    """The first instrument of each distinct answer scale (same words in the same order):
    one page each."""
    seen: dict[tuple[str, ...], AdaptedInstrument] = {}
    for a in adapted:
        seen.setdefault(tuple(p.label for p in a.scale.points), a)
    return list(seen.values())


def build_answer_cards(adapted: Sequence[AdaptedInstrument]) -> Document:
    """The answer cards of ``adapted``'s scales: one A4 (landscape) page per distinct scale.
    A 'does not apply' answer gets no card (respondents never choose it)."""
    first = adapted[0]
    doc = Document(title=_("Answer cards: {title}").format(title=first.title),
                   producer=f"relscale {__version__}")
    for a in card_scales(adapted):
        footer = (f"relscale · {a.instrument} {a.version} · {a.sector} · {a.scale.id} · "
                  f"{a.locale} · " + _("answer cards"))
        draw_card_page(doc.page(A4_LANDSCAPE), a.scale.points, footer)
    return doc


def write_answer_cards(adapted: Sequence[AdaptedInstrument], path: Path | str, *,
                       overwrite: bool = False) -> int:
    """Write the answer cards to ``path`` (.pdf, atomically); the number of pages."""
    from relscale.errors import RelscaleError
    from relscale.io.atomic import atomic_write, check_output

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise RelscaleError(_("{path}: the answer cards file name must end in .pdf").format(
            path=path))
    if not adapted:
        raise RelscaleError(_("no form to make answer cards for"))
    check_output(path, overwrite=overwrite)
    doc = build_answer_cards(adapted)
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(doc.to_bytes())
    return len(doc.pages)

"""Measuring a respondent form: the answers' size and line breaks, and where pages break.

:mod:`relscale.workbooks.form_respondent` lays the form out with these. Text is measured
with :mod:`relscale.workbooks.text_metrics` (the widest font a printout may get), so a row is
never too short and a word never breaks inside.
"""

from __future__ import annotations

ANSWER_PT = 13.0
"""The answers' largest size (:data:`relscale.workbooks.form_respondent.ANSWER_PT`)."""
INDENT_PT = 11.0
"""The gap between a box and its words (one indent: 10.5 points, measured)."""


def answer_size(labels: list[str], width: float, *, indent: float = INDENT_PT) -> float:
    """The answers' font size (13, 12 or 11 points) in a column ``width`` units wide: the
    largest at which every answer fits on one line beside its box, so none wraps where
    the others do not; else the largest at which no word breaks inside."""
    from relscale.workbooks.text_metrics import column_points, fits_on_a_line, widest_word

    room = column_points(width) - indent
    sizes = (ANSWER_PT, 12.0, 11.0)
    for size in sizes:
        if all(fits_on_a_line(label, room, size) for label in labels):
            return size
    for size in sizes:
        if widest_word(labels, size) <= room:
            return size
    return sizes[-1]


def balanced_lines(labels: list[str], width: float, size: float, *,
                   indent: float = INDENT_PT) -> list[str]:
    """The answers as printed: each on one line where all fit on one; else every answer
    of several words broken once, where its two lines are most alike, so they all wrap
    alike (not "Klopt een / beetje" beside "Klopt niet")."""
    from relscale.workbooks.text_metrics import column_points, fits_on_a_line, text_width

    room = column_points(width) - indent
    if all(fits_on_a_line(label, room, size) for label in labels):
        return list(labels)
    out = []
    for label in labels:
        words = label.split()
        if len(words) < 2:
            out.append(label)
            continue
        k = min(range(1, len(words)), key=lambda j: max(
            text_width(" ".join(words[:j]), size), text_width(" ".join(words[j:]), size)))
        first, second = " ".join(words[:k]), " ".join(words[k:])
        fits = fits_on_a_line(first, room, size) and fits_on_a_line(second, room, size)
        out.append(f"{first}\n{second}" if fits else label)
    return out


def label_height(text: str, width: float, size: float, *,
                  indent: float = INDENT_PT) -> float:
    """The height of an answer's words beside its box (one indent less room)."""
    from relscale.workbooks.text_metrics import LINE_HEIGHT_EM, column_points, line_count

    lines = line_count(text, column_points(width) - indent, size)
    return lines * size * LINE_HEIGHT_EM + 6


def fits_beside(labels: list[str], width: float) -> bool:
    """Whether every word of the answers fits beside its box at the smallest size."""
    from relscale.workbooks.text_metrics import column_points, widest_word

    return widest_word(labels, 11.0) <= column_points(width) - INDENT_PT


def page_breaks(blocks: list[float], *, first_page: float, page: float,
                closing: float) -> list[int]:
    """Where a respondent form's pages break: the indexes of the statements that start a
    page after the first. Page economy: the fewest pages on which every page holds at
    least two statements and the closing line (``closing`` points) stands on the page of
    the last ones; earlier pages as full as that allows. ``blocks``: each statement's
    height in points; the first page has ``first_page`` points below the form's head,
    every other ``page``. Where no such split exists (a statement taller than a page),
    pages are simply filled in order."""
    n = len(blocks)
    least = 1 if n < 2 else 2
    infinite = n + 1

    def room(start: int) -> float:
        return first_page if start == 0 else page

    def fits(start: int, end: int) -> bool:
        used = sum(blocks[start:end]) + (closing if end == n else 0.0)
        return end - start >= least and used <= room(start)

    # pages[j]: fewest pages for the statements from j on (the closing line on the last)
    pages = [infinite] * (n + 1)
    pages[n] = 0
    for start in range(n - 1, -1, -1):
        for end in range(start + 1, n + 1):
            if fits(start, end) and pages[end] + 1 < pages[start]:
                pages[start] = pages[end] + 1
    if pages[0] >= infinite:
        return _filled_in_order(blocks, first_page, page)
    starts: list[int] = []
    start = 0
    while start < n:
        end = max(e for e in range(start + 1, n + 1)
                  if fits(start, e) and pages[e] + 1 == pages[start])
        if end < n:
            starts.append(end)
        start = end
    return starts


def _filled_in_order(blocks: list[float], first_page: float, page: float) -> list[int]:
    starts: list[int] = []
    used, room = 0.0, first_page
    for k, height in enumerate(blocks):
        if used + height > room and k > (starts[-1] if starts else 0):
            starts.append(k)
            used, room = 0.0, page
        used += height
    return starts

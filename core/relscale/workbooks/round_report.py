"""A round's report: the organization summary and one A4 overview page per professional.

The overview (:class:`relscale.scoring.overview.ProfessionalOverview`) is the page a coach
and a professional sit down with: one row per client, per dimension the professional's and
the client's view (band in words and percentile, shaded from light for the lowest band to
dark for the highest, as on the profile pages; from :data:`COMPACT_FROM` clients on the
percentile alone, the shade saying the band), an arrow where the change since the previous
round is reliable (RCI beyond 1.96), then the pairs where the two views differ most and
the reliable changes in words. It prints on one A4 page (portrait, scaled to fit).

The summary shows, per group, how many pairs were scored and the mean percentile of each
dimension from each perspective; a group with fewer scored pairs than the minimum is not
shown (it could point at one child), only counted.

:func:`build_round_report` lays out the pages; :mod:`relscale.rounds.report` adds the pair
profile pages (:mod:`relscale.workbooks.profile`) and writes .xlsx or .pdf.
"""

from __future__ import annotations

import math

from relscale.excel.sheet import PrintSetup, Sheet, Style, Workbook, range_ref
from relscale.i18n import _
from relscale.scoring.overview import (
    Change,
    GroupSummary,
    ProfessionalOverview,
    RoundOverview,
    ScoreView,
)
from relscale.workbooks.cover_list import names_note
from relscale.workbooks.form_parts import row_height
from relscale.workbooks.styles import FONT

SHADES = ("FFFFFF", "F4F4F4", "E9E9E9", "DEDEDE", "D3D3D3", "C8C8C8", "BDBDBD", "B2B2B2",
          "A7A7A7", "9C9C9C")
"""Band fills, light (lowest band) to darker (highest); black text stays legible."""
UP, DOWN = "\u25b2", "\u25bc"  # ▲ ▼ a reliable change up or down
CLIENT_WIDTH = 22.0
VIEW_WIDTH = 13.0
PAGE_WIDTH = 100.0
"""Column units of the overview's printed width (A4 portrait, scaled to fit)."""
COMPACT_FROM = 13
"""From this many clients on, a cell holds the percentile only (one line per client, the
band in its shade and the legend), so a class of 25 or 30 fits one page at a readable
size; below it, the band in words too."""


def _styles() -> dict[str, Style]:
    def s(size: float = 10.0, **kw: object) -> Style:
        return Style(font=FONT, size=size, **kw)  # type: ignore[arg-type]

    styles = {
        "title": s(15, bold=True, vertical="center"),
        "sub": s(10, color="404040", vertical="center", wrap=True),
        "norm": s(8.5, italic=True, color="7F3F00", wrap=True, vertical="top"),
        "head": s(10, bold=True, horizontal="center", vertical="center", wrap=True,
                  fill="DDEBF7", border="thin", border_color="FFFFFF"),
        "head_left": s(10, bold=True, vertical="center", wrap=True, fill="DDEBF7",
                       border="thin", border_color="FFFFFF"),
        "who": s(8.5, horizontal="center", vertical="center", wrap=True, fill="EEF4FA",
                 border="thin", border_color="FFFFFF", italic=True),
        "client": s(10, vertical="center", wrap=True, border_bottom="hair",
                    border_color="BBBBBB"),
        "missing": s(9, horizontal="center", vertical="center", color="808080",
                     border="thin", border_color="FFFFFF"),
        "section": s(11, bold=True, vertical="bottom"),
        "line": s(10, wrap=True, vertical="top"),
        "legend": s(8.5, color="404040", wrap=True, vertical="top"),
        "num": s(10, horizontal="center", vertical="center", border_bottom="hair",
                 border_color="BBBBBB"),
    }
    for i, fill in enumerate(SHADES):
        styles[f"band{i}"] = s(9, horizontal="center", vertical="center", wrap=True,
                               fill=fill, border="thin", border_color="FFFFFF")
        styles[f"band{i}_big"] = s(10.5, bold=True, horizontal="center", vertical="center",
                                   fill=fill, border="thin", border_color="FFFFFF")
    return styles


def _shade(view: ScoreView) -> str:
    i = view.band_index
    if i is None or view.table is None:
        return "missing"
    n = len(view.table.bands)
    k = 0 if n <= 1 else round(i * (len(SHADES) - 1) / (n - 1))
    return f"band{k}"


def _band(view: ScoreView, locale: str) -> str:
    from relscale.scoring.norms import band_label

    return band_label(view.band, locale) if view.band else ""


def _cell_text(view: ScoreView | None, change: Change | None, locale: str,
               compact: bool = False) -> str:
    if view is None or math.isnan(view.raw):
        return "—"
    if math.isnan(view.percentile):
        text = _("raw {raw}").format(raw=f"{view.raw:.2f}")
    elif compact:
        text = f"P{view.percentile:.0f}"
    else:
        text = f"{_band(view, locale)}\nP{view.percentile:.0f}"
    if change is not None and change.reliable:
        text += " " + (UP if change.difference > 0 else DOWN)
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _banner(sheet: Sheet, row: int, text: str, style: str, last: int, size: float = 10.0,
            width: float = PAGE_WIDTH) -> None:
    sheet.set(row, 1, text, style=style)
    sheet.merge(row, 1, row, last)
    sheet.row_heights[row] = row_height(text, width, size=size, pad=6)


def build_overview_page(book: Workbook, page: ProfessionalOverview, overview: RoundOverview,
                        *, locale: str, sheet_name: str) -> Sheet:
    """One professional's overview sheet (one A4 page)."""
    sheet = book.add_sheet(sheet_name, show_grid_lines=False)
    columns: list[tuple[str, str]] = []  # (dimension, perspective)
    for d in page.dimensions:
        if d.id in page.professional_dimensions:
            columns.append((d.id, "professional"))
        if d.id in page.client_dimensions:
            columns.append((d.id, "client"))
    last = 1 + len(columns)
    sheet.column_widths[1] = CLIENT_WIDTH
    for c in range(2, last + 1):
        sheet.column_widths[c] = VIEW_WIDTH
    width = CLIENT_WIDTH + VIEW_WIDTH * len(columns)
    title = _("Relationship overview: {professional}").format(professional=page.label)
    _banner(sheet, 1, title, "title", last, 15, width)
    sub = _("Round {round}").format(round=overview.round)
    if overview.previous:
        sub += " · " + _("compared with {previous}").format(previous=overview.previous)
    if page.groups:
        sub += " · " + ", ".join(page.groups)
    sub += f" · {page.instrument}"
    if page.client_instrument and page.client_dimensions:
        sub += f" + {page.client_instrument}"
    _banner(sheet, 2, sub, "sub", last, 10, width)
    norms = " · ".join(overview.norms) or _("No norm table: scores are raw.")
    _banner(sheet, 3, norms, "norm", last, 8.5, width)
    # header: dimension over its views, then who
    labels = {d.id: d for d in page.dimensions}
    row = 5
    sheet.set(row, 1, _cap(page.subject), style="head_left")
    sheet.merge(row, 1, row + 1, 1)
    col = 2
    head_height = 30.0
    while col <= last:
        dim = columns[col - 2][0]
        span = sum(1 for d, _p in columns if d == dim)
        d = labels[dim]
        favourable = (_("higher is favourable") if d.favourable == "high"
                      else _("lower is favourable"))
        head = f"{d.label}\n({favourable})"
        sheet.set(row, col, head, style="head")
        head_height = max(head_height, row_height(head, VIEW_WIDTH * span - 1, size=10,
                                                  pad=6))
        if span > 1:
            sheet.merge(row, col, row, col + span - 1)
        for k in range(span):
            perspective = columns[col - 2 + k][1]
            sheet.set(row + 1, col + k, page.respondent if perspective == "professional"
                      else page.subject, style="who")
        col += span
    sheet.row_heights[row] = head_height
    sheet.row_heights[row + 1] = max(row_height(page.respondent, VIEW_WIDTH - 1, size=8.5,
                                                pad=6), 18.0)
    row += 2
    title_rows = (5, 6)
    compact = len(page.pairs) >= COMPACT_FROM
    for pair in page.pairs:
        sheet.set(row, 1, pair.label, style="client")
        height = row_height(pair.label, CLIENT_WIDTH - 1, size=10, pad=6)
        changes = {(c.perspective, c.dimension): c for c in pair.changes}
        for k, (dim, perspective) in enumerate(columns):
            views = pair.professional if perspective == "professional" else pair.client
            view = views.get(dim)
            text = _cell_text(view, changes.get((perspective, dim)), locale, compact)
            shade = _shade(view) if view else "missing"
            sheet.set(row, 2 + k, text, style=f"{shade}_big" if compact and view else shade)
            height = max(height, row_height(text, VIEW_WIDTH - 1, size=10, pad=6))
        sheet.row_heights[row] = max(height, 18.0 if compact else 26.0)
        row += 1
    row += 1
    row = _differences(sheet, row, page, last, width, locale)
    if overview.previous:
        row = _changes(sheet, row, page, overview, last, width, locale)
    row = _not_returned(sheet, row, page, last, width)
    if overview.notice:
        row += 1
        _banner(sheet, row, overview.notice, "norm", last, 8.5, width)
    cells = (_("Each cell: the percentile (P) in the norm group, shaded by its band: "
               "{bands}.") if compact else
             _("Each cell: the band in the norm group and the percentile (P); darker is "
               "higher ({bands})."))
    legend = cells.format(bands=_bands_text(page, overview, locale)) + " " + _(
        "{up} / {down}: a change since the previous round larger than measurement error "
        "(reliable change index beyond 1.96). — : not returned. Bands describe, they do "
        "not diagnose: discuss them with the {professional} and a coach.").format(
        up=UP, down=DOWN, professional=page.respondent)
    row += 1
    _banner(sheet, row, legend, "legend", last, 8.5, width)
    sheet.print_setup = PrintSetup(
        orientation="portrait", fit_width=1, fit_height=1, title_rows=title_rows,
        print_area=range_ref(1, 1, row, last), margins_cm=(1.2, 1.2, 1.4, 1.6),
        footer_left=_footer(overview), footer_right=_("Page {page} of {pages}"))
    return sheet


def _bands_text(page: ProfessionalOverview, overview: RoundOverview, locale: str) -> str:
    """The bands from lightest to darkest, with their percentiles, in words."""
    from relscale.scoring.norms import band_label

    table = next((v.table for pair in page.pairs for v in pair.professional.values()
                  if v.table is not None), None)
    if table is None:
        return "-"
    return ", ".join(f"{band_label(b.label, locale)} P{b.lower:.0f}–{b.upper:.0f}"
                     for b in table.bands)


def _footer(overview: RoundOverview) -> str:
    return names_note(overview.names)


def _who(page: ProfessionalOverview, perspective: str) -> str:
    return page.respondent if perspective == "professional" else page.subject


def _differences(sheet: Sheet, row: int, page: ProfessionalOverview, last: int,
                 width: float, locale: str) -> int:
    labels = {d.id: d.label for d in page.dimensions}
    _banner(sheet, row, _("Where the two views differ most"), "section", last, 11, width)
    row += 1
    gaps = page.most_different
    if not gaps:
        _banner(sheet, row, _("No pair where the two views are two or more bands apart."),
                "line", last, 10, width)
        return row + 1
    for gap in gaps:
        text = _("{client}, {dimension}: {professional} {p_band} (P{p}), {subject} "
                 "{c_band} (P{c})").format(
            client=gap.pair.label, dimension=labels.get(gap.dimension, gap.dimension).lower(),
            professional=page.respondent, p_band=_band(gap.professional, locale),
            p=f"{gap.professional.percentile:.0f}", subject=page.subject,
            c_band=_band(gap.client, locale), c=f"{gap.client.percentile:.0f}")
        _banner(sheet, row, "• " + text, "line", last, 10, width)
        row += 1
    return row


def _changes(sheet: Sheet, row: int, page: ProfessionalOverview, overview: RoundOverview,
             last: int, width: float, locale: str) -> int:
    from relscale.messages import format_number

    labels = {d.id: d.label for d in page.dimensions}
    _banner(sheet, row, _("Reliable changes since {previous}").format(
        previous=overview.previous), "section", last, 11, width)
    row += 1
    changes = page.reliable_changes
    if not changes:
        _banner(sheet, row, _("No change larger than measurement error."), "line", last,
                10, width)
        row += 1
    for c in changes:
        pair = next(p for p in page.pairs if c in p.changes)
        text = _("{client}, {who}'s view, {dimension}: {before} → {after} (RCI {rci})").format(
            client=pair.label, who=_who(page, c.perspective),
            dimension=labels.get(c.dimension, c.dimension).lower(),
            before=format_number(c.before.raw, locale), after=format_number(c.after.raw, locale),
            rci=f"{c.rci:+.2f}")
        _banner(sheet, row, f"{UP if c.difference > 0 else DOWN} " + text, "line", last, 10,
                width)
        row += 1
    if overview.rci_basis:
        basis = _("Reliable change index (Jacobson & Truax) with: {basis}").format(
            basis=" · ".join(overview.rci_basis))
        _banner(sheet, row, basis, "legend", last, 8.5, width)
        row += 1
    return row


def _not_returned(sheet: Sheet, row: int, page: ProfessionalOverview, last: int,
                  width: float) -> int:
    missing = []
    for pair in page.pairs:
        gone = []
        if not pair.professional:
            gone.append(page.respondent)
        if page.client_dimensions and not pair.client:
            gone.append(page.subject)
        if gone:
            missing.append(f"{pair.label} ({', '.join(gone)})")
    if missing:
        text = _("Not returned yet: {forms}").format(forms="; ".join(missing))
        _banner(sheet, row, text, "legend", last, 8.5, width)
        row += 1
    return row


def build_summary_page(book: Workbook, overview: RoundOverview, *, locale: str) -> Sheet:
    """The organization summary: per group (never one under the minimum) and in total."""
    sheet = book.add_sheet(_("Summary")[:31], show_grid_lines=False)
    keys: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    who: dict[str, str] = {}
    for page in overview.professionals:
        for d in page.dimensions:
            labels.setdefault(d.id, d.label)
            for perspective, dims in (("professional", page.professional_dimensions),
                                      ("client", page.client_dimensions)):
                if d.id in dims and (perspective, d.id) not in keys:
                    keys.append((perspective, d.id))
        who.setdefault("professional", page.respondent)
        who.setdefault("client", page.subject)
    last = 3 + len(keys) + (2 if overview.previous else 0)
    sheet.column_widths[1] = 22.0
    for c in range(2, last + 1):
        sheet.column_widths[c] = 11.0
    width = 22.0 + 11.0 * (last - 1)
    _banner(sheet, 1, _("Round {round}: summary").format(round=overview.round), "title", last,
            15, width)
    _banner(sheet, 2, _("Mean percentile per group and dimension (the norm group's average "
                        "is 50). Groups with fewer than {n} scored pairs are not shown "
                        "({hidden} left out), so that no child can be recognised.").format(
        n=overview.min_group, hidden=overview.hidden_groups), "sub", last, 10, width)
    _banner(sheet, 3, " · ".join(overview.norms) or "-", "norm", last, 8.5, width)
    row = 5
    heads = [_("Group"), _("Pairs"), _("Scored")]
    heads += [f"{labels[d]}\n({who.get(p, p)})" for p, d in keys]
    if overview.previous:
        heads += [_("Reliable up"), _("Reliable down")]
    for col, text in enumerate(heads, start=1):
        sheet.set(row, col, text, style="head" if col > 1 else "head_left")
    sheet.row_heights[row] = 40
    row += 1
    lines: list[GroupSummary] = list(overview.groups)
    if overview.total is not None:
        lines.append(overview.total)
    for line in lines:
        values: list[str | int] = [line.group or _("(no group)"), line.pairs, line.scored]
        for key in keys:
            m = line.mean_percentile.get(key, math.nan)
            values.append("—" if math.isnan(m) else round(m))
        if overview.previous:
            values += [line.reliable_up, line.reliable_down]
        for col, value in enumerate(values, start=1):
            sheet.set(row, col, value, style="client" if col == 1 else "num")
        sheet.row_heights[row] = 20
        row += 1
    if not lines:
        _banner(sheet, row, _("No group has {n} or more scored pairs yet.").format(
            n=overview.min_group), "line", last, 10, width)
        row += 1
    sheet.print_setup = PrintSetup(
        orientation="landscape", fit_width=1, fit_height=None,
        print_area=range_ref(1, 1, row, last), footer_left=_footer(overview),
        footer_right=_("Page {page} of {pages}"))
    return sheet


def build_round_report(overview: RoundOverview, *, locale: str) -> list[tuple[
        ProfessionalOverview | None, Workbook]]:
    """The summary book, then one overview book per professional (each one sheet), so a
    caller can put each professional's profile pages after their overview."""
    books: list[tuple[ProfessionalOverview | None, Workbook]] = []
    summary = Workbook(styles=_styles(), title=_("Summary"))
    build_summary_page(summary, overview, locale=locale)
    books.append((None, summary))
    for k, page in enumerate(overview.professionals, start=1):
        book = Workbook(styles=_styles(), title=page.label)
        name = f"{k:03d} {page.code}"[:31]
        build_overview_page(book, page, overview, locale=locale, sheet_name=name)
        books.append((page, book))
    return books


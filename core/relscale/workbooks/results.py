"""The results workbook ``relscale score -o results.xlsx`` writes: Scores, Summary and a
profile per client."""

from __future__ import annotations

import math
from dataclasses import replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from relscale.excel.stream_table import StreamTable
from relscale.scoring.results import ScoredTable
from relscale.text_safety import shown_code_points

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument
    from relscale.scoring.engine import ScaleScores


PROFILE_CAP = 100
"""Profiles drawn in one results workbook; more respondents are listed, not drawn."""
MAX_WIDTH = 40
"""Widest column on the Scores sheet (characters)."""
SAMPLE_FOR_WIDTH = 2000
"""Rows looked at to size a text column."""
PROFILE_ROWS = 16
"""Rows below a profile's table taken by its chart."""
ROW_PT = 15.0
"""Every row of the Profiles sheet is this tall, so its pages can be worked out."""
PROFILE_WIDTHS = (24, 11, 11, 8, 24, 22)
PAGE_HEIGHT_PT = 740.0
"""A4 portrait less the top and bottom margins of the Profiles sheet, in points."""
PAGE_WIDTH_PT = 510.0
"""A4 portrait less the side margins."""


def _profile_name(scored: ScoredTable, i: int) -> str:
    for column in ("subject_code", "client_code", "respondent_code"):
        values = scored.data.get(column)
        if values is not None and str(values[i]).strip():
            return shown_code_points(str(values[i]).strip())  # a printed name: no override
    return f"#{i + 1}"


def score_table(scored: ScoredTable, norm_labels: dict[str, str] | None = None) -> StreamTable:
    """The Scores sheet's rows below the header, one respondent each, column by column:
    texts as text in the ``body`` style (:func:`relscale.workbooks.styles.set_fonts`;
    status values in the workbook's language, the CSV keeps the codes),
    items and flags as whole numbers, scores with two decimals, missing as an empty
    cell. Iterating it gives the rows as ``(value, style)``."""
    from relscale.excel.stream_table import StreamColumn
    from relscale.i18n import _
    from relscale.model import columns as names

    columns = []
    for c in scored.columns:
        kind = scored.kinds[c]
        values = scored.data[c]
        if kind in ("id", "text", "band"):
            table = {names.STATUS: names.STATUS_LABELS,
                     names.NORM_STATUS: names.NORM_STATUS_LABELS}.get(c, {})
            labels = {code: _(label) for code, label in table.items()}
            if c == names.NORM_GROUP and norm_labels:
                labels = dict(norm_labels)
            columns.append(StreamColumn(values, "text", "body", labels))
        elif kind in ("item", "flag"):
            columns.append(StreamColumn(values, "int", "int"))
        else:
            columns.append(StreamColumn(values, "num", "num"))
    return StreamTable(columns, scored.n)


def _thresholds(table: Any) -> list[float]:
    """Band edges to draw: 10 and 90 and the edges of the band holding 50."""
    edges = {10.0, 90.0}
    for band in table.bands:
        if band.lower <= 50 < band.upper:
            edges.update({float(band.lower), float(band.upper)})
    return sorted(e for e in edges if 0 < e < 100)


def build_results_workbook(
    scored: ScoredTable,
    adapted: AdaptedInstrument,
    scores: ScaleScores,
    locale: str | None = None,
) -> Any:
    """The results workbook: Scores, Summary, Profiles (one block and chart per client).

    Sheets that use norms name the norm table and its status in their first rows.
    """
    import numpy as np

    from relscale.excel.sheet import (
        ChartSpec,
        PrintSetup,
        SeriesSpec,
        Workbook,
        quote_sheet,
    )
    from relscale.i18n import _
    from relscale.scoring.norms import describe_norms
    from relscale.workbooks import styles

    book = Workbook(
        styles={
            "title": styles.TITLE,
            "note": styles.NOTE,
            "head": styles.HEADER,
            "head_r": replace(styles.HEADER, horizontal="right"),
            "note_q": styles.NOTE_QUIET,
            "num": styles.number(styles.DECIMALS_2),
            "int": styles.number(styles.INTEGER),
        },
        title=f"{adapted.title} — {adapted.sector_label}",
    )
    footer = f"relscale · {adapted.instrument} {adapted.version} · {adapted.sector}"
    tables = list(dict.fromkeys(t for t in (scores.norm_group or []) if t))
    norm_lines = tables or ([describe_norms(adapted.norms[0], locale)] if adapted.norms else [])

    # --- Scores: one row per respondent, variable names as the header
    sheet = book.add_sheet(_("Scores")[:31])
    for c, name in enumerate(scored.columns, start=1):
        sheet.set(1, c, name, style="head")
    kinds = [scored.kinds[c] for c in scored.columns]
    columns = [scored.data[c] for c in scored.columns]
    # Streamed while the file is written: memory stays flat however many respondents. The
    # norm group by its group (the table it names is on the Summary sheet): the whole
    # description on every row would not print in its column.
    norm_labels = {describe_norms(t, locale): t.group_label if t.group else _("all")
                   for t in adapted.norms} if adapted.norms else {}
    sheet.stream = lambda: score_table(scored, norm_labels)
    sheet.stream_start = 2
    sheet.freeze = "A2"
    id_columns = [c for c, kind in enumerate(kinds, start=1) if kind == "id"]
    sheet.print_setup = styles.print_table(
        title_rows=(1, 1),
        title_columns=(1, max(id_columns)) if id_columns and id_columns[0] == 1 else None,
        footer_left=footer)
    # Wide enough for the variable name and for the texts (codes, band labels; the long
    # norm-group description is capped), so no heading or band is cut off on screen or paper.
    for c, (name, col, kind) in enumerate(zip(scored.columns, columns, kinds, strict=True),
                                          start=1):
        width = len(name)
        if kind in ("id", "text", "band"):
            shown = (norm_labels.get(str(v), v) for v in col[:SAMPLE_FOR_WIDTH] if v)
            width = max([width, *(len(str(v)) for v in shown)])
        sheet.column_widths[c] = min(max(width + 2, 8), MAX_WIDTH)

    # --- Summary per dimension
    summary = book.add_sheet(_("Summary")[:31])
    summary.set(1, 1, f"{adapted.title} — {adapted.sector_label}", style="title")
    summary.set(2, 1, adapted.notice, style="note")
    for r, line in enumerate(norm_lines, start=3):
        summary.set(r, 1, line, style="note")
    top = 4 + len(norm_lines)
    heads = (_("Dimension"), _("Variable"), "N", _("Mean"), "SD", _("Min"), _("Max"),
             _("N missing"))
    for c, h in enumerate(heads, start=1):
        # numbers are right-aligned, so are their headings
        summary.set(top, c, h, style="head_r" if c > 2 else "head")
    for r, d in enumerate(adapted.dimensions, start=top + 1):
        dim_scores = scores.raw[d.id]
        present = dim_scores[~np.isnan(dim_scores)]
        summary.set(r, 1, d.label)
        summary.set(r, 2, d.id)
        summary.set(r, 3, int(present.size))
        if present.size:
            summary.set(r, 4, float(present.mean()), style="num")
            if present.size > 1:
                summary.set(r, 5, float(present.std(ddof=1)), style="num")
            summary.set(r, 6, float(present.min()), style="num")
            summary.set(r, 7, float(present.max()), style="num")
        summary.set(r, 8, int(dim_scores.size - present.size))
    counts = scored.summary()
    r = top + len(adapted.dimensions) + 2
    for key, label in (("scored", _("scored")), ("incomplete", _("with missing scales")),
                       ("rejected", _("rejected"))):
        summary.set(r, 1, label)
        summary.set(r, 3, counts[key])
        r += 1
    summary.column_widths[1] = 28
    summary.column_widths[2] = max(12, *(len(d.id) + 2 for d in adapted.dimensions))
    for c in range(3, len(heads) + 1):
        summary.column_widths[c] = max(10, len(heads[c - 1]) + 2)

    summary.print_setup = styles.print_table(footer_left=footer)

    # --- Profiles: one block per client
    profiles = book.add_sheet(_("Profiles")[:31])
    q = quote_sheet(profiles.name)
    profiles.set(1, 1, _("Relationship profiles"), style="title")
    profiles.set(2, 1, adapted.notice, style="note")
    for r, line in enumerate(norm_lines, start=3):
        profiles.set(r, 1, line, style="note")
    status = scored.data["status"]
    eligible = [i for i in range(scored.n) if status[i] != "rejected"]
    drawn = eligible[:PROFILE_CAP]
    row = 4 + len(norm_lines)
    if len(eligible) > PROFILE_CAP:
        profiles.set(row, 1, _("Profiles of the first {cap} of {n} respondents; the others "
                               "are on the Scores sheet.").format(cap=PROFILE_CAP,
                                                                  n=len(eligible)),
                     style="note")
        row += 1
    with_norms = bool(scores.norms)
    thresholds = _thresholds(adapted.norms[0]) if with_norms and adapted.norms else []
    dims = adapted.dimensions
    fav = {"high": _("higher is favourable"), "low": _("lower is favourable")}
    edge_cols: list[int] = []
    if thresholds:
        # the band edges once, at the top: every chart draws them as lines from here
        row += 1
        profiles.set(row, 1, _("Band edges (lines)"), style="head")
        edge_head = row
        for j, edge in enumerate(thresholds):
            profiles.set(row, 2 + j, _("P{p}").format(p=f"{edge:g}"), style="head_r")
            edge_cols.append(2 + j)
        for k, d in enumerate(dims, start=1):
            profiles.set(row + k, 1, d.label)
            for j, edge in enumerate(thresholds):
                profiles.set(row + k, 2 + j, edge, style="int")
        edge_last = row + len(dims)
        row = edge_last + 1
    # Each profile (its table and its chart) on one page: every row is ROW_PT tall, and a
    # page break goes before a profile that would not fit on the page any more.
    from relscale.workbooks.form_parts import row_height

    scale = min(1.0, PAGE_WIDTH_PT / (sum(PROFILE_WIDTHS) * 7.0))
    page = PAGE_HEIGHT_PT / scale * 0.96
    used = sum(row_height(str(profiles.cells[(r, 1)].value), sum(PROFILE_WIDTHS), size=10)
               if (r, 1) in profiles.cells else ROW_PT for r in range(1, row + 1))
    breaks: list[int] = []
    for i in drawn:
        start = row + 1
        block = ROW_PT * (len(dims) + 3 + PROFILE_ROWS) + 4
        if used + block > page and used > 0:
            breaks.append(start - 1)
            used = 0.0
        used += block
        for r in range(start - 1, start + len(dims) + 3 + PROFILE_ROWS):
            profiles.row_heights[r] = ROW_PT
        profiles.row_heights[start] = ROW_PT + 4
        profiles.set(start, 1, _profile_name(scored, i), style="title")
        head = [_("Dimension"), _("Raw score")]
        if with_norms:
            head += [_("Percentile"), "T", _("Band")]
        head.append(_("Direction"))
        for c, h in enumerate(head, start=1):
            # numbers are right-aligned, so are their headings
            style = "head_r" if c in ((2, 3, 4) if with_norms else (2,)) else "head"
            profiles.set(start + 1, c, h, style=style)
        for k, d in enumerate(dims):
            r = start + 2 + k
            profiles.set(r, 1, d.label)
            raw = float(scores.raw[d.id][i])
            if not math.isnan(raw):
                profiles.set(r, 2, raw, style="num")
            if with_norms:
                p = float(scores.norms[d.id]["percentile"][i])
                t = float(scores.norms[d.id]["t"][i])
                if not math.isnan(p):
                    profiles.set(r, 3, p, style="int")
                if not math.isnan(t):
                    profiles.set(r, 4, t, style="num")
                profiles.set(r, 5, str(scores.norms[d.id]["band"][i] or ""))
            profiles.set(r, len(head), fav[d.favourable], style="note_q")
        first, last = start + 2, start + 1 + len(dims)
        cats = f"{q}!$A${first}:$A${last}"
        if with_norms:
            # Percentiles as columns, one per dimension, against the band edges as
            # horizontal lines: the picture a coach discusses with the professional.
            series = [SeriesSpec(f"{q}!$C${start + 1}:$C${last}", title_from_first=True)]
            edges = [
                SeriesSpec(f"{q}!${_col(c)}${edge_head}:${_col(c)}${edge_last}",
                           title_from_first=True)
                for c in edge_cols
            ]
            chart = ChartSpec(kind="column", anchor=f"A{last + 2}", lines=tuple(edges),
                              series=tuple(series), categories=cats,
                              title=_profile_name(scored, i), y_title=_("Percentile"),
                              y_min=0, y_max=100, width_cm=14, height_cm=7)
        else:
            chart = ChartSpec(kind="column", anchor=f"A{last + 2}",
                              series=(SeriesSpec(f"{q}!$B${start + 1}:$B${last}",
                                                 title_from_first=True),),
                              categories=cats, title=_profile_name(scored, i),
                              y_title=_("Raw score"), y_min=adapted.scale.min,
                              y_max=adapted.scale.max, width_cm=12, height_cm=7,
                              legend=False)
        profiles.charts.append(chart)
        row = last + 2 + PROFILE_ROWS
    for c, w in enumerate(PROFILE_WIDTHS, start=1):
        profiles.column_widths[c] = w
    profiles.print_setup = PrintSetup(fit_width=1, fit_height=None, footer_left=footer,
                                      footer_right=_("Page {page} of {pages}"),
                                      row_breaks=tuple(breaks))
    add_pair_pages(book, scored, adapted, scores, locale or adapted.locale)
    styles.set_fonts(book)
    styles.fit_layout(book)
    book.active = 2
    return book


PAIR_PAGE_CAP = 50
"""Relationship profile pages (one A4 sheet per professional-client pair) in one results
workbook; ``relscale profile`` makes them for every pair."""


def _first_pairs_rows(scored: ScoredTable, n_pairs: int) -> Any:
    """The row numbers of the first ``n_pairs`` professional-client pairs (every wave of
    each), or None without a ``respondent_code``: the pages are built from these rows only,
    so a million respondents cost no more than fifty."""
    import numpy as np

    from relscale.scoring.profile import pair_key

    if "respondent_code" not in scored.data:
        return None
    codes = scored.data["respondent_code"]
    subjects = scored.data.get("subject_code")
    if subjects is None:
        subjects = [None] * scored.n
    keys = (pair_key(code, subject) for code, subject in zip(codes, subjects, strict=True))
    first: set[tuple[str, str]] = set()
    for key in keys:
        if key != ("", "") and key not in first:
            first.add(key)
            if len(first) == n_pairs:
                break
    wanted = {code for code, _subject in first}
    return np.array([i for i, (code, subject) in enumerate(zip(codes, subjects, strict=True))
                     if str(code or "").strip() in wanted and pair_key(code, subject) in first],
                    dtype=np.int64)


def add_pair_pages(book: Any, scored: ScoredTable, adapted: AdaptedInstrument,
                   scores: ScaleScores, locale: str) -> int:
    """Append the relationship profile page of each professional-client pair (at most
    :data:`PAIR_PAGE_CAP`), as ``relscale profile`` draws it: the professional's view on
    the band scale with the favourable direction and a reading in words. Nothing for a
    client report, without norms or without ``respondent_code``; returns the pages added.
    """
    from relscale.scoring.profile import profiles_from_scores
    from relscale.workbooks.profile import build_profile_workbook

    rows = _first_pairs_rows(scored, PAIR_PAGE_CAP * 2)  # room for pairs without a score
    if rows is None:
        return 0
    ids = {c: [scored.data[c][i] for i in rows]
           for c in scored.columns if scored.kinds[c] == "id"}
    subset = SimpleNamespace(
        raw={d: values[rows] for d, values in scores.raw.items()},
        norms={d: {k: v[rows] for k, v in cols.items()} for d, cols in scores.norms.items()},
    )
    # as on the Profiles sheet: no page for a respondent without any scale score
    found = profiles_from_scores(adapted, ids, subset, locale, limit=PAIR_PAGE_CAP)
    if found is None or not found.profiles:
        return 0
    pages = build_profile_workbook(found)
    rename = {name: f"profile.{name}" for name in pages.styles}
    book.styles.update({rename[name]: style for name, style in pages.styles.items()})
    taken = {sheet.name.casefold() for sheet in book.sheets}
    for sheet in pages.sheets:
        for cell in sheet.cells.values():
            if cell.style is not None:
                cell.style = rename[cell.style]
        name, k = sheet.name, 2
        while name.casefold() in taken:
            suffix = f" ({k})"
            name, k = sheet.name[: 31 - len(suffix)] + suffix, k + 1
        sheet.name = name
        taken.add(name.casefold())
        book.sheets.append(sheet)
    return len(pages.sheets)


def _col(index: int) -> str:
    from relscale.excel.sheet import column_letter

    return column_letter(index)

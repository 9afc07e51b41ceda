"""The scoring sheet: a data-entry workbook with live formulas, as a sheet model.

One row per respondent. Staff type answers into validated cells; formulas compute the
keyed values (hidden helper columns, grouped by dimension so each scale is one
contiguous range), the raw scale scores with the missing rule, percentile / T / band
from the Norms sheet, and a ``status`` flag. The formulas implement the same rules as
:mod:`relscale.scoring.engine` and :func:`relscale.scoring.norms.apply_norms`; a
LibreOffice test checks every formula result against ``relscale score`` on the same filled sheet.

Only functions Excel and LibreOffice both compute: IF, ISNUMBER, COUNT, COUNTA, AVERAGE,
AND, OR, MAX, LOOKUP. A row with a cell that is not a scale point (pasted past the
validation) gets the status ``invalid`` and no scores. A hidden metadata sheet
(:mod:`relscale.excel.identity`) holds what ``relscale score`` reads.

:func:`write_scoring_sheet` is ``relscale scoring-sheet`` and the ``scoring-sheet`` exporter.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.excel.sheet import Sheet, Workbook
    from relscale.model.models import AdaptedInstrument, NormTable

ID_COLUMNS = ("respondent_code", "subject_code")
LABEL_ROW = 3
HEADER_ROW = 4
FIRST_ROW = 5
STATUS_INVALID = "invalid"
"""The sheet's status for a row with a cell that is not an answer (only the sheet has it:
``relscale score`` refuses such a file, naming the cell)."""
TOLERANCE_TEXT = "0.000000001"
"""``relscale.scoring.norms.TOLERANCE`` written out: the norm look-up compares ``raw + 1e-9``."""


def _styles() -> dict:
    from relscale.excel.sheet import Style
    from relscale.workbooks import styles

    return {
        "title": styles.TITLE,
        "note": styles.NOTE,
        "head": styles.HEADER_WRAPPED,
        "varname": Style(font="Consolas", size=9, color="555555", fill="F2F2F2"),
        "input": Style(fill="FFFFE0", border="hair", border_color="BFBFBF", horizontal="center"),
        "code": Style(fill="FFFFE0", border="hair", border_color="BFBFBF"),
        "score": styles.number(styles.DECIMALS_2, fill="E2EFDA", horizontal="center"),
        "pct": styles.number(styles.INTEGER, fill="E2EFDA", horizontal="center"),
        "count": styles.number(styles.INTEGER, fill="E2EFDA", horizontal="center"),
        "text": Style(fill="E2EFDA"),
        "helper": Style(color="808080"),
        "wrap": styles.WRAP,
        "num": styles.number(styles.UP_TO_6_DECIMALS),
    }


def _contiguous(table: NormTable) -> bool:
    bands = table.bands
    return bool(bands) and bands[0].lower == 0 and all(
        a.upper == b.lower for a, b in itertools.pairwise(bands)
    )


MAX_ITEMS = 500
"""Most items a scoring sheet lays out (two columns each, input and helper)."""
MAX_ANSWER_CELLS = 500_000
"""Most answer cells (rows x items): beyond, building and opening the sheet take minutes."""


def check_scoring_sheet_size(adapted: AdaptedInstrument, rows: int) -> None:
    """Refuse, before any work, a scoring sheet too large to build and use (an instrument
    of thousands of items takes minutes and ends past Excel's column or formula limits)."""
    n = len(adapted.items)
    if n > MAX_ITEMS or n * rows > MAX_ANSWER_CELLS:
        raise RelscaleError(
            _("{instrument}: a scoring sheet of {n} items x {rows} rows is too large (at most "
              "{max_items} items and {max_cells} answer cells); use relscale score on a "
              "table instead").format(instrument=adapted.instrument, n=n, rows=rows,
                                      max_items=MAX_ITEMS, max_cells=f"{MAX_ANSWER_CELLS:,}")
        )


def build_scoring_sheet(
    adapted: AdaptedInstrument,
    *,
    rows: int = 100,
    group: dict[str, str] | None = None,
    locale: str | None = None,
) -> Workbook:
    """Lay out the scoring sheet for ``rows`` respondents.

    :param group: the norm group for the whole sheet (``select_norm_table``); the norms
        are left out when no table applies.
    """
    from relscale.__about__ import __version__
    from relscale.excel.identity import add_scoring_sheet_metadata
    from relscale.excel.sheet import SheetProtection, Workbook, ref
    from relscale.model.columns import N_MISSING_SUFFIX, STATUS_LABELS, count_columns
    from relscale.scoring.engine import STATUS, min_answered_count
    from relscale.scoring.norms import describe_norms, select_norm_table
    from relscale.workbooks import styles
    from relscale.workbooks.codebook import add_codebook_sheet, build_codebook
    from relscale.workbooks.form_parts import answer_validation

    check_scoring_sheet_size(adapted, rows)
    # the status in the sheet's language (English: the codes relscale score writes)
    word = {code: _(label).replace('"', '""') for code, label in STATUS_LABELS.items()}
    table = select_norm_table(adapted.norms, group or {}) if adapted.norms else None
    book = Workbook(styles=_styles(), title=f"{adapted.title} — {adapted.sector_label}",
                    creator=f"relscale {__version__}", protect_structure=True)
    data = book.add_sheet(_("Data")[:31])
    norms_sheet = book.add_sheet(_("Norms")[:31]) if table is not None else None
    codebook = book.add_sheet(_("Codebook")[:31])
    adaptation = book.add_sheet(_("Adaptation")[:31])

    last = FIRST_ROW + rows - 1
    lo, hi = adapted.scale.min, adapted.scale.max
    dims = [d.id for d in adapted.dimensions]
    dim_label = {d.id: d.label for d in adapted.dimensions}

    # --- title rows
    data.set(1, 1, f"{adapted.title} — {adapted.sector_label} ({adapted.respondent})",
             style="title")
    data.set(2, 1, adapted.notice, style="note")
    if table is not None:
        data.set(2, 1, f"{describe_norms(table, locale)}. {adapted.notice}", style="note")

    col = 1
    inputs: list[str] = []

    def header(c: int, name: str, label: str) -> None:
        data.set(LABEL_ROW, c, label, style="head")
        data.set(HEADER_ROW, c, name, style="varname")

    for name, label in zip(ID_COLUMNS, (_("Respondent code"), _("About (code)")), strict=True):
        header(col, name, label)
        data.column_widths[col] = 14
        for r in range(FIRST_ROW, last + 1):
            data.set(r, col, None, style="code", locked=False)
        inputs.append(name)
        col += 1
    id_first, id_last = 1, col - 1
    item_col: dict[str, int] = {}
    for item in adapted.items:
        item_col[item.id] = col
        header(col, item.id, f"{item.position}")
        data.set(LABEL_ROW, col, f"{item.position}", style="head", comment=item.text)
        data.column_widths[col] = 5.5
        for r in range(FIRST_ROW, last + 1):
            data.set(r, col, None, style="input", locked=False)
        inputs.append(item.id)
        col += 1
    first_item, last_item = item_col[adapted.items[0].id], col - 1
    na = adapted.scale.not_applicable
    data.validations.append(answer_validation(
        f"{ref(FIRST_ROW, first_item)}:{ref(last, last_item)}", adapted.scale,
        prompt_title=_("Answer"), prompt="{answers}", error_title=_("Not an answer"),
        error=_("Type one of these numbers: {answers}; or leave the cell empty.")))

    # --- scores and norm scores
    score_col: dict[str, int] = {}
    for d in dims:
        score_col[d] = col
        header(col, d, dim_label[d])
        data.column_widths[col] = 10
        col += 1
    # --- answer counts beside the scores (a scale with a 'does not apply' code): the
    # code is kept apart from an answer left out, as relscale score keeps it
    count_col: dict[str, tuple[str, str, int]] = {}
    for name, d, suffix in count_columns(adapted):
        count_col[name] = (d, suffix, col)
        label = _("missing") if suffix == N_MISSING_SUFFIX else _("does not apply")
        header(col, name, f"{dim_label[d]}: {label}")
        data.column_widths[col] = 10
        col += 1
    norm_col: dict[tuple[str, str], int] = {}
    if table is not None:
        for d in dims:
            if table.dimension(d) is None:
                continue
            for suffix, label in (("percentile", _("percentile")), ("t", "T"),
                                  ("band", _("band"))):
                norm_col[(d, suffix)] = col
                header(col, f"{d}_{suffix}", f"{dim_label[d]}: {label}")
                data.column_widths[col] = 16 if suffix == "band" else 10
                col += 1
    status_col = col
    header(col, STATUS, _("Status"))
    data.column_widths[col] = 12
    col += 1

    # --- hidden helpers: keyed values, grouped by dimension. Only a scale point counts;
    # anything else that got past the validation (pasted text, 4.5, 7) leaves the helper
    # empty, and the row is "invalid": COUNTA(answers) > COUNT(helpers).
    helper_range: dict[str, tuple[int, int]] = {}
    first_helper = col
    for d in dims:
        start = col
        for item in adapted.items_for(d):
            c = item_col[item.id]
            data.set(HEADER_ROW, col, f"keyed_{item.id}", style="varname")
            for r in range(FIRST_ROW, last + 1):
                x = ref(r, c)
                value = x if item.keying == "+" else f"{lo + hi}-{x}"
                on_scale = "OR(" + ",".join(f"{x}={v}" for v in adapted.scale.values) + ")"
                data.set(r, col, formula=f'=IF(ISNUMBER({x}),IF({on_scale},{value},""),"")',
                         style="helper")
            data.hidden_columns.add(col)
            col += 1
        helper_range[d] = (start, col - 1)

    # --- norms sheet
    norm_refs: dict[str, tuple[str, str, str, float]] = {}
    band_refs: tuple[str, str] | None = None
    if table is not None and norms_sheet is not None:
        band_refs = _lay_out_norms(norms_sheet, table, adapted, norm_refs, locale)

    method_sum = adapted.scoring.method == "sum"
    last_helper = col - 1
    for r in range(FIRST_ROW, last + 1):
        items = f"{ref(r, first_item)}:{ref(r, last_item)}"
        # 'does not apply' is an answer but not a scale point: it leaves its helper empty
        # (missing) without making the row invalid
        answered = (f"COUNTA({items})" if na is None
                    else f"(COUNTA({items})-COUNTIF({items},{na.value}))")
        invalid = f"{answered}>COUNT({ref(r, first_helper)}:{ref(r, last_helper)})"
        blank = (f"COUNTA({ref(r, id_first)}:{ref(r, id_last)})+COUNTA({items})=0")
        for d, suffix, c in count_col.values():
            cells = [ref(r, item_col[i.id]) for i in adapted.items_for(d)]
            test = ("ISBLANK({})" if suffix == N_MISSING_SUFFIX
                    else f"({{}}={na.value if na else 0})")
            total = "+".join(test.format(x) for x in cells)
            data.set(r, c, style="count", formula=f'=IF(OR({blank},{invalid}),"",{total})')
        for d in dims:
            c1, c2 = helper_range[d]
            rng = f"{ref(r, c1)}:{ref(r, c2)}"
            k = c2 - c1 + 1
            need = min_answered_count(k, adapted.scoring.min_answered)
            score = f"AVERAGE({rng})*{k}" if method_sum else f"AVERAGE({rng})"
            data.set(r, score_col[d], style="score",
                     formula=f'=IF({invalid},"",IF(COUNT({rng})>={need},{score},""))')
            if (d, "percentile") in norm_col:
                raws, pcts, ts, first = norm_refs[d]
                x = ref(r, score_col[d])
                key = f"MAX({x}+{TOLERANCE_TEXT},{first!r})"
                data.set(r, norm_col[(d, "percentile")], style="pct",
                         formula=f'=IF({x}="","",LOOKUP({key},{raws},{pcts}))')
                norm = table.dimension(d)  # type: ignore[union-attr]
                if table.t_score == "linear" and norm is not None:  # type: ignore[union-attr]
                    t = f"50+10*({x}-{norm.mean!r})/{norm.sd!r}"
                else:
                    t = f"LOOKUP({key},{raws},{ts})"
                data.set(r, norm_col[(d, "t")], style="score", formula=f'=IF({x}="","",{t})')
                p = ref(r, norm_col[(d, "percentile")])
                if band_refs is not None:
                    lowers, labels = band_refs
                    band = f'=IF({p}="","",LOOKUP({p},{lowers},{labels}))'
                    data.set(r, norm_col[(d, "band")], style="text", formula=band)
        scores = [ref(r, score_col[d]) for d in dims]
        any_score = "OR(" + ",".join(f'{s}<>""' for s in scores) + ")"
        all_scores = "AND(" + ",".join(f'{s}<>""' for s in scores) + ")"
        ids = f"{ref(r, id_first)}:{ref(r, id_last)}"
        data.set(
            r,
            status_col,
            style="text",
            formula=f'=IF(COUNTA({ids})+COUNTA({items})=0,"",IF({invalid},"{word["invalid"]}",'
            f'IF({all_scores},"{word["scored"]}",IF({any_score},"{word["incomplete"]}",'
            f'"{word["rejected"]}"))))',
        )
    data.freeze = ref(FIRST_ROW, first_item)
    data.protection = SheetProtection()
    data.row_heights[LABEL_ROW] = 30

    # --- codebook and adaptation
    add_codebook_sheet(codebook, build_codebook(adapted, locale), adapted)
    codebook.protection = SheetProtection()
    _lay_out_adaptation(adaptation, adapted)
    adaptation.protection = SheetProtection()

    # --- metadata for relscale score
    pairs = [
        ("relscale_version", __version__),
        ("instrument", adapted.instrument),
        ("instrument_version", adapted.version),
        ("sector", adapted.sector),
        ("perspective", adapted.perspective),
        ("locale", adapted.locale),
        ("data_sheet", data.name),
        ("header_row", str(HEADER_ROW)),
        ("first_row", str(FIRST_ROW)),
        ("last_row", str(last)),
        ("input_columns", ",".join(inputs)),
        ("norm_group", "" if table is None else table.group_label),
        ("norm_status", "" if table is None else table.population.status),
    ]
    add_scoring_sheet_metadata(book, pairs)
    # on paper: landscape, one page wide, headings and the id columns on every page
    footer = f"relscale · {adapted.instrument} {adapted.version} · {adapted.sector}"
    data.print_setup = styles.print_table(title_rows=(LABEL_ROW, HEADER_ROW),
                                          title_columns=(id_first, id_last),
                                          footer_left=footer)
    codebook.print_setup = styles.print_table(title_rows=(4, 4), footer_left=footer)
    adaptation.print_setup = styles.print_table(title_rows=(4, 4), footer_left=footer)
    if norms_sheet is not None:
        norms_sheet.print_setup = styles.print_table(title_rows=(5, 6), footer_left=footer)
    styles.set_fonts(book)
    styles.fit_layout(book)
    return book


def check_scoring_sheet_path(path: Path | str, *, overwrite: bool = False) -> Path:
    """Refuse a scoring-sheet path that is not .xlsx, or that exists (unless ``overwrite``)."""
    from relscale.io.atomic import check_output

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise RelscaleError(_("{path}: a scoring sheet is an .xlsx file").format(path=path))
    return check_output(path, overwrite=overwrite)


def write_scoring_sheet(
    adapted: AdaptedInstrument,
    path: Path | str,
    *,
    rows: int = 100,
    group: dict[str, str] | None = None,
    locale: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the scoring sheet for ``rows`` respondents to ``path`` (atomically); return it.

    ``relscale scoring-sheet`` and the ``scoring-sheet`` exporter both come here.

    :param group: the norm group for the whole sheet, e.g. ``{"gender": "female"}``.
    :param locale: for the norm descriptions and band labels (default: the current locale).
    """
    from relscale.workbooks import write

    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    path = check_scoring_sheet_path(path, overwrite=overwrite)
    book = build_scoring_sheet(adapted, rows=rows, group=group, locale=locale)
    return write(book, path, overwrite=overwrite)


def _lay_out_norms(
    sheet: Sheet,
    table: NormTable,
    adapted: AdaptedInstrument,
    refs: dict[str, tuple[str, str, str, float]],
    locale: str | None,
) -> tuple[str, str] | None:
    """The norm table as step rows per dimension; fills ``refs`` with absolute ranges."""
    from relscale.excel.sheet import SheetProtection, quote_sheet, range_ref
    from relscale.scoring.norms import band_label, describe_norms, normalized_t

    q = quote_sheet(sheet.name)
    sheet.set(1, 1, describe_norms(table, locale), style="title")
    if table.population.status == "illustrative":
        sheet.set(2, 1, _("Illustrative norms from synthetic data: not for decisions about "
                          "individuals."), style="note")
    sheet.set(3, 1, _("T-score: {kind}").format(kind=_(table.t_score)))
    col = 1
    for d in adapted.dimensions:
        norm = table.dimension(d.id)
        if norm is None:
            continue
        sheet.set(5, col, d.label, style="head")
        for c, h in enumerate((_("raw"), _("percentile"), "T"), start=col):
            sheet.set(6, c, h, style="head")
        r = 7
        for p in norm.percentiles:
            t = p.t if p.t is not None else normalized_t(p.percentile / 100, norm.n)
            sheet.set(r, col, p.raw, style="num")
            sheet.set(r, col + 1, p.percentile, style="num")
            sheet.set(r, col + 2, t, style="num")
            r += 1
        end = r - 1
        refs[d.id] = (
            f"{q}!{range_ref(7, col, end, col, absolute=True)}",
            f"{q}!{range_ref(7, col + 1, end, col + 1, absolute=True)}",
            f"{q}!{range_ref(7, col + 2, end, col + 2, absolute=True)}",
            norm.percentiles[0].raw,
        )
        for c in range(col, col + 3):
            sheet.column_widths[c] = 11
        col += 4
    band_refs = None
    if _contiguous(table):
        sheet.set(5, col, _("Bands") + f" ({table.banding})", style="head")
        sheet.set(6, col, _("from percentile"), style="head")
        sheet.set(6, col + 1, _("band"), style="head")
        for r, band in enumerate(table.bands, start=7):
            sheet.set(r, col, band.lower)
            sheet.set(r, col + 1, band_label(band.label, locale))
        end = 6 + len(table.bands)
        band_refs = (
            f"{q}!{range_ref(7, col, end, col, absolute=True)}",
            f"{q}!{range_ref(7, col + 1, end, col + 1, absolute=True)}",
        )
        sheet.column_widths[col + 1] = 22
    sheet.protection = SheetProtection()
    return band_refs


def _lay_out_adaptation(sheet: Sheet, adapted: AdaptedInstrument) -> None:
    from relscale.model.labels import provenance_label
    from relscale.workbooks.codebook import render_text

    dims = {d.id: d.label for d in adapted.dimensions}

    sheet.set(1, 1, f"{_('Adaptation')}: {adapted.title} — {adapted.sector_label}",
              style="title")
    sheet.set(2, 1, adapted.instructions, style="wrap")
    heads = (_("Item"), "#", _("Text"), _("Dimension"), _("Keying"), _("Provenance"),
             _("Rationale"))
    for c, h in enumerate(heads, start=1):
        sheet.set(4, c, h, style="head")
    r = 5
    for item in (*adapted.items, *adapted.dropped):
        dropped = item in adapted.dropped
        values = (item.id, "" if dropped else item.position, render_text(item.text),
                  dims.get(item.dimension, item.dimension), item.keying,
                  provenance_label(item.provenance), item.rationale)
        for c, v in enumerate(values, start=1):
            sheet.set(r, c, v, style="wrap")
        r += 1
    for c, w in enumerate((10, 5, 60, 14, 8, 18, 60), start=1):
        sheet.column_widths[c] = w
    sheet.freeze = "A5"

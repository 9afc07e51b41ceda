"""Equivalence evidence laid out as plain tables, for every output that shows it.

``relscale cfa`` and ``relscale invariance`` print these tables, the adaptation report
writes them as Markdown or into its workbook. A :class:`Table` holds raw values (numbers
stay numbers for a workbook); :func:`cell_text` formats one for text output, with "—" for
a value that does not exist (never ``nan``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.equivalence import CfaEvidence, GroupEvidence

NONE = "—"
Value = str | int | float | bool | None


@dataclass
class Table:
    """A titled table: column headings, rows of raw values, notes printed under it."""

    title: str
    columns: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    digits: int = 3


def cell_text(value: Value, digits: int = 3) -> str:
    """One value as text: floats rounded, booleans yes/no, missing values as "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NONE
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def p_text(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return NONE
    return "< .001" if p < 0.001 else f"{p:.3f}"


def _ci(lower: float, upper: float) -> str:
    return f"[{lower:.3f}, {upper:.3f}]"


# --- CFA --------------------------------------------------------------------------------


def fit_table(title: str, rows: list[tuple[str, Any]], *, n_read: dict[str, int] | None = None,
              ) -> Table:
    """Fit measures of one or more models (``rows``: label, :class:`FitMeasures`)."""
    table = Table(title, [_("Model"), "χ²", "df", "p", "CFI", "TLI", "RMSEA",
                          _("RMSEA 90% CI"), "SRMR", "N"])
    for label, fit in rows:
        table.rows.append([label, fit.chisq, fit.df, p_text(fit.pvalue), fit.cfi, fit.tli,
                           fit.rmsea, _ci(fit.rmsea_ci_lower, fit.rmsea_ci_upper), fit.srmr,
                           fit.ntotal])
    return table


def cfa_tables(ev: CfaEvidence) -> list[Table]:
    """Fit, standardized loadings with SE, factor correlations; warnings as notes."""
    r = ev.result
    fit = fit_table(_("Model fit (ML, lavaan defaults)"), [(_("CFA"), r.fit)])
    fit.notes.append(
        _("{used} of {read} respondents used (listwise deletion: {excluded} with a missing "
          "answer left out).").format(used=r.n, read=ev.n_read, excluded=r.n_excluded))
    fit.notes += r.warnings
    loadings = Table(_("Standardized loadings"), [_("Scale"), _("Item"), _("Loading"), "SE",
                                                 _("Residual variance")])
    for ld in r.loadings:
        loadings.rows.append([ld.factor, ld.item, ld.std, ld.std_se,
                              r.residual_variances.get(ld.item)])
    corr = Table(_("Factor correlations"), [_("Scale"), _("Scale"), "r", "SE"])
    for fc in r.factor_correlations:
        corr.rows.append([fc.factor1, fc.factor2, fc.estimate, fc.se])
    return [fit, loadings, corr]


# --- groups -----------------------------------------------------------------------------


def invariance_tables(ev: GroupEvidence) -> list[Table]:
    """Groups, the invariance ladder, comparisons, score tests and partial steps."""
    inv = ev.invariance
    groups = Table(_("Groups"), [_("Group"), _("N read"), _("N complete"), _("Items left out")])
    for g, n in ev.n_read.items():
        groups.rows.append([g, n, inv.groups.get(g), ", ".join(ev.shared.left_out.get(g, []))
                            or NONE])
    groups.notes.append(_("Shared items in the models: {items}").format(
        items=", ".join(ev.shared.items)))
    groups.notes += ev.notes
    models = [(_("configural"), inv.configural.fit), (_("metric"), inv.metric.fit),
              (_("scalar"), inv.scalar.fit)]
    if inv.partial_metric is not None:
        models.append((_("partial metric"), inv.partial_metric.fit))
    if inv.partial_scalar is not None:
        models.append((_("partial scalar"), inv.partial_scalar.fit))
    fits = fit_table(_("Invariance models"), models)
    cmp = Table(_("Comparisons"), [_("Step"), "Δχ²", "Δdf", "p", "ΔCFI", "ΔRMSEA",
                                   _("Holds")])
    for label, c in ((_("metric vs configural"), inv.metric_vs_configural),
                     (_("scalar vs metric"), inv.scalar_vs_metric)):
        cmp.rows.append([label, c.delta_chisq, c.delta_df, p_text(c.p_value), c.delta_cfi,
                         c.delta_rmsea, c.holds])
    cmp.notes.append(_("Criterion: {criterion}. Decision: {decision}").format(
        criterion=inv.criterion, decision=inv.decision))
    cmp.notes += inv.warnings
    tests = Table(_("Score tests of the scalar model (largest first)"),
                  [_("Item"), _("Parameter"), _("Group"), "χ² (1 df)", "p"])
    for t in inv.score_tests:
        tests.rows.append([t.item, t.parameter, t.group, t.x2, p_text(t.p_value)])
    steps = Table(_("Partial invariance steps"), [_("Level"), _("Freed"), "CFI", "RMSEA",
                                                  "ΔCFI", "ΔRMSEA", _("Holds")])
    for s in inv.steps:
        steps.rows.append([s.level, f"{s.test.parameter} {s.test.item} ({s.test.group})",
                           s.fit.cfi, s.fit.rmsea, s.comparison.delta_cfi,
                           s.comparison.delta_rmsea, s.comparison.holds])
    if not inv.steps:
        steps.notes.append(_("No constraint was freed."))
    return [groups, fits, cmp, tests, steps]


def reliability_table(ev: GroupEvidence) -> Table:
    table = Table(_("Reliability per scale and group"),
                  [_("Group"), _("Scale"), _("Items"), "N", "alpha", "omega"])
    for r in ev.reliability:
        table.rows.append([r.group, r.scale, r.k, r.n, r.alpha, r.omega])
    table.notes.append(_("Each group's own items of the scale (as its sector scores it); "
                         "listwise within the scale."))
    return table


def item_means_table(ev: GroupEvidence) -> Table:
    groups = [d.group for d in ev.descriptives]
    table = Table(_("Item means per group (reverse-keyed items recoded)"),
                  [_("Item"), _("Scale"), *groups], digits=2)
    for it in ev.shared.items:
        table.rows.append([it, ev.factors[it], *(d.item_means[it] for d in ev.descriptives)])
    return table


def dif_table(ev: GroupEvidence) -> Table:
    table = Table(_("Ordinal DIF per item (proportional-odds models)"),
                  [_("Scale"), _("Item"), "χ² 1-2", "p 1-2", "χ² 2-3", "p 2-3", "ΔR² 1-3",
                   _("Flagged"), _("Type")])
    for scale, res in ev.dif.items():
        for it in res.items:
            table.rows.append([scale, it.item, it.chi12, p_text(it.p12), it.chi23,
                               p_text(it.p23), it.delta_nagelkerke["13"], it.flagged,
                               it.dif_type])
    flagged = ev.dif_flagged
    alpha = next(iter(ev.dif.values())).alpha if ev.dif else 0.01
    table.notes.append(
        _("Matching on the scale's observed total score with purification; flagged when a "
          "likelihood-ratio test has p < {alpha}. Flagged: {items}").format(
            alpha=alpha, items=", ".join(flagged) or _("none")))
    return table


def group_tables(ev: GroupEvidence) -> list[Table]:
    """Everything ``relscale invariance`` shows, in order."""
    return [*invariance_tables(ev), reliability_table(ev), item_means_table(ev), dif_table(ev)]


# --- text -------------------------------------------------------------------------------


def markdown(tables: list[Table], level: int = 3) -> str:
    """The tables as GitHub-flavoured Markdown (pipes in values escaped)."""
    out: list[str] = []
    for t in tables:
        out += [f"{'#' * level} {md_escape(t.title)}", ""]
        out.append("| " + " | ".join(md_escape(c) for c in t.columns) + " |")
        out.append("|" + "|".join("---" for _c in t.columns) + "|")
        for row in t.rows:
            out.append("| " + " | ".join(md_escape(cell_text(v, t.digits)) for v in row) + " |")
        if not t.rows:
            out.append("| " + " | ".join(NONE for _c in t.columns) + " |")
        out.append("")
        for note in t.notes:
            out += [md_escape(note), ""]
    return "\n".join(out)


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell, heading or paragraph: HTML characters as
    entities (a group name from the data can be ``<img src=x onerror=...>``), brackets
    and pipes escaped (no link, no new cell), one line."""
    import html

    text = html.escape(text.replace("\\", "\\\\"), quote=False)
    for ch in "|[]`":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


# --- workbook ---------------------------------------------------------------------------

STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 13},
    "head": {"bold": True, "border_bottom": "thin", "fill": "DDEBF7"},
    "section": {"bold": True, "size": 11},
    "note": {"italic": True, "color": "555555"},
    "wrap": {"wrap": True, "vertical": "top"},
    "num": {"number_format": "0.000"},
    "num2": {"number_format": "0.00"},
}


def sheet_value(value: Value) -> str | int | float | None:
    """A table value for a cell: numbers stay numbers, text stays text, missing is "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NONE
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else value
    return str(value)


def book_styles() -> dict[str, Any]:
    from relscale.excel.sheet import Style

    return {name: Style(**spec) for name, spec in STYLES.items()}


def write_tables(sheet: Any, tables: list[Table], row: int) -> int:
    """Lay ``tables`` out down ``sheet`` from ``row``; returns the next free row."""
    for t in tables:
        sheet.set(row, 1, t.title, style="section")
        row += 1
        for c, name in enumerate(t.columns, start=1):
            sheet.set(row, c, name, style="head")
        row += 1
        for values in t.rows:
            for c, v in enumerate(values, start=1):
                style = ("num" if t.digits == 3 else "num2") if isinstance(v, float) else None
                sheet.set(row, c, sheet_value(v), style=style)
            row += 1
        for note in t.notes:
            sheet.set(row, 1, note, style="note")
            row += 1
        row += 1
    return row


def tables_workbook(title: str, tables: list[Table], notes: Sequence[str] = ()) -> Any:
    """A one-sheet workbook of ``tables`` under ``title`` (``relscale cfa -o FILE.xlsx``)."""
    from relscale.excel.sheet import Workbook

    book = Workbook(title=title, creator="relscale", styles=book_styles())
    sheet = book.add_sheet(_("Evidence"))
    sheet.set(1, 1, title, style="title")
    row = 2
    for note in notes:
        sheet.set(row, 1, note, style="note")
        row += 1
    write_tables(sheet, tables, row + 1)
    sheet.column_widths = {1: 22, 2: 16, **{c: 12 for c in range(3, 12)}}
    return book

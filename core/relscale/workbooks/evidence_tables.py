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

from relscale.i18n import N_, _
from relscale.messages import number_text

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
    """One value as text: floats rounded (with the locale's decimal sign), booleans yes/no,
    missing values as "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NONE
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return number_text(value, f".{digits}f")
    return str(value)


def p_text(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return NONE
    # TRANSLATORS: a p-value below .001, in a table (Dutch: "< 0,001")
    return _("< .001") if p < 0.001 else number_text(p, ".3f")


def _ci(lower: float, upper: float) -> str:
    # a semicolon between the bounds where the decimal sign is a comma
    sep = "; " if number_text(0.5, ".1f") != "0.5" else ", "
    return f"[{number_text(lower, '.3f')}{sep}{number_text(upper, '.3f')}]"


LEVELS = {"configural": N_("configural"), "thresholds": N_("thresholds"),
          "metric": N_("metric"), "scalar": N_("scalar"), "strict": N_("strict")}
"""Invariance levels as the tables name them (JSON keeps the ids)."""
PARAMETERS = {"loading": N_("loading"), "intercept": N_("intercept"),
              "residual": N_("residual"), "threshold": N_("threshold")}
"""Model parameters as the tables name them (JSON keeps the ids)."""
DIF_TYPES = {"none": N_("none"), "uniform": N_("uniform"), "non-uniform": N_("non-uniform"),
             "uniform and non-uniform": N_("uniform and non-uniform"),
             "uniform or non-uniform (overall test only)":
                 N_("uniform or non-uniform (overall test only)")}
"""Types of DIF as the tables name them (JSON keeps ``dif_type`` as the library gives it)."""
CRITERIA = {"chen": "chen", "lrt": "lrt", "both": N_("both")}
"""``--criterion`` values: ``both`` is a word, the others are names."""


def level_text(level: str | None) -> str:
    """An invariance level in the reader's language (``metric`` -> ``metrisch``)."""
    if level is None:
        return NONE
    return _(LEVELS[level]) if level in LEVELS else level


def parameter_text(parameter: str) -> str:
    """A parameter in the reader's language (``loading``; ``threshold:2``, Dutch
    ``drempel 2``)."""
    kind, _sep, k = parameter.partition(":")
    if kind == "threshold" and k:
        return _("threshold:{k}").format(k=k)
    return _(PARAMETERS[kind]) if kind in PARAMETERS else parameter


def criterion_text(criterion: str | None) -> str:
    if criterion is None:
        return NONE
    return _(CRITERIA[criterion]) if criterion in CRITERIA else criterion


def dif_type_text(kind: str) -> str:
    return _(DIF_TYPES[kind]) if kind in DIF_TYPES else kind


# --- CFA --------------------------------------------------------------------------------


def fit_table(title: str, rows: list[tuple[str, Any]], *, n_read: dict[str, int] | None = None,
              ) -> Table:
    """Fit measures of one or more models (``rows``: label, :class:`FitMeasures`); with a
    robust estimator also the scaled χ², and CFI, TLI and RMSEA are the robust ones."""
    scaled = any(getattr(fit, "chisq_scaled", None) is not None for _l, fit in rows)
    table = Table(title, [_("Model"), "χ²", *([_("χ² scaled")] if scaled else []), "df", "p",
                          "CFI", "TLI", "RMSEA", _("RMSEA 90% CI"), "SRMR", "N"])
    for label, fit in rows:
        p = fit.pvalue_scaled if scaled and fit.pvalue_scaled is not None else fit.pvalue
        table.rows.append([label, fit.chisq, *([fit.chisq_scaled] if scaled else []), fit.df,
                           p_text(p), fit.index("cfi"), fit.index("tli"), fit.index("rmsea"),
                           _rmsea_ci(fit), fit.srmr, fit.ntotal])
    if scaled and any(fit.estimator == "wlsmv" for _l, fit in rows):
        table.notes.append(_("CFI, TLI and RMSEA are the scaled versions: for ordinal items "
                             "the robust ones cannot show unequal thresholds or intercepts; "
                             "p is that of the scaled χ²."))
    elif scaled:
        table.notes.append(_("CFI, TLI and RMSEA are the robust versions (scaled where lavaan "
                             "gives no robust one); p is that of the scaled χ²."))
    return table


def _rmsea_ci(fit: Any) -> str:
    """The interval of the RMSEA shown (:meth:`FitMeasures.index`), or "—"."""
    suffix = fit.index_suffix("rmsea")
    lower = getattr(fit, "rmsea_ci_lower" + suffix, None)
    upper = getattr(fit, "rmsea_ci_upper" + suffix, None)
    return _ci(lower, upper) if lower is not None and upper is not None else NONE


def method_table(method: Any, warnings: Sequence[str] = ()) -> Table:
    """How the models were fitted: estimator (and why), missing data, clustering,
    identification, criterion; every warning as a note."""
    table = Table(_("Method"), [_("Choice"), _("Value"), _("Why")])
    if method is not None:
        table.rows.append([_("Estimator"), method.estimator, method.estimator_note])
        table.rows.append([_("Missing data"), method.missing, method.missing_note])
        cluster = (_("{column} ({n} clusters)").format(column=method.cluster,
                                                      n=method.n_clusters)
                   if method.cluster else _("none"))
        table.rows.append([_("Clustering"), cluster, _("cluster-robust χ² and standard errors")
                           if method.cluster else NONE])
        table.rows.append([_("Identification"), method.identification,
                           _("factor variances 1 in the reference group") if
                           method.identification == "std.lv" else
                           _("first loading of each factor 1")])
        if method.criterion:
            table.rows.append([_("Criterion"), criterion_text(method.criterion),
                               _(CRITERION_TEXT[method.criterion])
                               if method.criterion in CRITERION_TEXT else ""])
        for merge in getattr(method, "collapsed", ()):
            table.rows.append([_("Answers merged"), merge.text(), merge.reason])
    table.notes += [_("Warning: {warning}").format(warning=w) for w in warnings]
    return table


CRITERION_TEXT = {
    "chen": N_("Chen (2007): ΔCFI ≤ -.010 with ΔRMSEA ≥ .015 or ΔSRMR ≥ .030 (loadings) / "
               ".010 (intercepts, residuals) signals non-invariance"),
    "lrt": N_("χ² difference test, p < .05 signals non-invariance"),
    "both": N_("a level holds when both Chen's cut-offs and the χ² difference test say so"),
}


def cfa_tables(ev: CfaEvidence) -> list[Table]:
    """Method, fit, standardized loadings with SE, factor correlations; warnings as notes."""
    r = ev.result
    estimator = ev.method.estimator if ev.method else "ml"
    fit = fit_table(_("Model fit ({estimator})").format(estimator=estimator), [(_("CFA"), r.fit)])
    missing = ev.method.missing if ev.method else "listwise"
    fit.notes.append(
        _("{used} of {read} respondents used ({missing}: {excluded} left out).").format(
            used=r.n, read=ev.n_read, missing=missing, excluded=r.n_excluded))
    loadings = Table(_("Standardized loadings"), [_("Scale"), _("Item"), _("Loading"), "SE",
                                                 _("Residual variance")])
    for ld in r.loadings:
        loadings.rows.append([ld.factor, ld.item, ld.std, ld.std_se,
                              r.residual_variances.get(ld.item)])
    corr = Table(_("Factor correlations"), [_("Scale"), _("Scale"), "r", "SE"])
    for fc in r.factor_correlations:
        corr.rows.append([fc.factor1, fc.factor2, fc.estimate, fc.se])
    return [method_table(ev.method, r.warnings), fit, loadings, corr]


# --- groups -----------------------------------------------------------------------------

REASONS = {
    "criterion": N_("the criterion rejects"),
    "holm": N_("the criterion rejects; no remaining score test significant after Holm"),
    "half": N_("does not hold, even partially (more than half would have to be freed)"),
    "per_factor": N_("does not hold, even partially (a factor would keep fewer than two "
                     "invariant items)"),
    "fit": N_("the factor model does not fit"),
}


def invariance_tables(ev: GroupEvidence) -> list[Table]:
    """Method, groups, the invariance ladder, comparisons, the procedure, score tests and
    latent means."""
    inv = ev.invariance
    groups = Table(_("Groups"), [_("Group"), _("N read"), _("N used"), _("Items left out")])
    for g, n in ev.n_read.items():
        groups.rows.append([g, n, inv.groups.get(g), ", ".join(ev.shared.left_out.get(g, []))
                            or NONE])
    groups.notes.append(_("Shared items in the models: {items}").format(
        items=", ".join(ev.shared.items)))
    groups.notes.append(_("Reference group (latent mean 0): {group}").format(
        group=inv.reference_group))
    groups.notes += ev.notes
    models = [(_("configural"), inv.configural.fit)]
    if inv.thresholds is not None:
        models.append((_("thresholds"), inv.thresholds.fit))
    models += [(_("metric"), inv.metric.fit), (_("scalar"), inv.scalar.fit)]
    if inv.strict is not None:
        models.append((_("strict"), inv.strict.fit))
    for label, partial in ((_("partial metric"), inv.partial_metric),
                           (_("partial scalar"), inv.partial_scalar),
                           (_("partial strict"), inv.partial_strict)):
        if partial is not None:
            models.append((label, partial.fit))
    fits = fit_table(_("Invariance models"), models)
    cmp = Table(_("Comparisons"), [_("Step"), "Δχ²", "Δdf", "p", "ΔCFI", "ΔRMSEA", "ΔSRMR",
                                   "Chen", "χ²", _("Holds")])
    below = _("thresholds") if inv.thresholds is not None else _("configural")
    steps_cmp = [(_("thresholds vs configural"), inv.thresholds_vs_configural),
                 (_("metric vs {below}").format(below=below), inv.metric_vs_configural),
                 (_("scalar vs metric"), inv.scalar_vs_metric),
                 (_("strict vs scalar"), inv.strict_vs_scalar)]
    for label, c in steps_cmp:
        if c is not None:
            cmp.rows.append([label, c.delta_chisq, c.delta_df, p_text(c.p_value), c.delta_cfi,
                             c.delta_rmsea, c.delta_srmr, c.chen_ok, c.lrt_ok, c.holds])
    cmp.notes.append(_("Criterion: {criterion}. Decision: {decision}").format(
        criterion=criterion_text(inv.criterion), decision=inv.decision))
    procedure = Table(_("Partial invariance procedure"),
                      [_("Level"), _("Holds"), _("Freed (in all groups)"), _("Why not")])
    for o in inv.outcomes:
        freed = ", ".join(f"{parameter_text(p)} {it}" for it, p, _g in o.released) or NONE
        procedure.rows.append([level_text(o.level), o.holds, freed,
                               _(REASONS[o.reason]) if o.reason else NONE])
    steps = Table(_("Partial invariance steps"),
                  [_("Level"), _("Freed"), _("Score test"), "df", "p", _("Holm α"), "CFI",
                   "RMSEA", "ΔCFI", "ΔRMSEA", _("Holds")])
    for s in inv.steps:
        fit = s.fit.fit
        steps.rows.append([level_text(s.level), f"{parameter_text(s.test.parameter)} "
                           f"{s.test.item}", s.test.x2,
                           s.test.df, p_text(s.test.p_value), s.test.holm_alpha,
                           fit.index("cfi"), fit.index("rmsea"), s.comparison.delta_cfi,
                           s.comparison.delta_rmsea, s.comparison.holds])
    if not inv.steps:
        steps.notes.append(_("No parameter was freed."))
    tests = Table(_("Score tests of the scalar model (largest first)"),
                  [_("Item"), _("Parameter"), _("Group"), "χ² (1 df)", "p"])
    for t in inv.score_tests:
        tests.rows.append([t.item, parameter_text(t.parameter), t.group, t.x2,
                           p_text(t.p_value)])
    latent = Table(_("Latent means and variances ({level} model)").format(
        level=level_text(inv.latent_level)), [_("Group"), _("Scale"), _("Mean"), "SE",
                                              _("Variance"), "SE"])
    means = inv.latent_level in ("scalar", "strict")
    for lt in inv.latent:
        latent.rows.append([lt.group, lt.factor, lt.mean if means else None,
                            lt.mean_se if means else None, lt.variance, lt.variance_se])
    if not inv.latent:
        latent.notes.append(_("No latent statistics: metric invariance does not hold."))
    elif not means:
        latent.notes.append(_("Latent means are not comparable: scalar invariance does not "
                              "hold."))
    return [method_table(ev.method, inv.warnings), groups, fits, cmp, procedure, steps,
            latent, tests]


def reliability_table(ev: GroupEvidence) -> Table:
    ordinal = any(r.categorical_omega is not None for r in ev.reliability)
    extra = [_("ordinal alpha"), _("categorical omega"), _("omega 95% CI")] if ordinal else []
    table = Table(_("Reliability per scale and group"),
                  [_("Group"), _("Scale"), _("Items"), "N", _("alpha"), "omega", *extra])
    for r in ev.reliability:
        ci = _ci(*r.omega_ci) if r.omega_ci else NONE
        table.rows.append([r.group, r.scale, r.k, r.n, r.alpha, r.omega,
                           *([r.ordinal_alpha, r.categorical_omega, ci] if ordinal else [])])
    table.notes.append(_("Each group's own items of the scale (as its sector scores it); "
                         "listwise within the scale."))
    if ordinal:
        table.notes.append(_("Ordinal alpha: alpha on the polychoric correlations; categorical "
                             "omega: Green & Yang (2009), from the WLSMV factor model."))
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
                               dif_type_text(it.dif_type)])
    flagged = ev.dif_flagged
    alpha = next(iter(ev.dif.values())).alpha if ev.dif else 0.01
    table.notes.append(
        _("Matching on the scale's observed total score with purification; flagged when a "
          "likelihood-ratio test has p < {alpha}. Flagged: {items}").format(
            alpha=number_text(alpha, "g"), items=", ".join(flagged) or _("none")))
    return table


def group_tables(ev: GroupEvidence) -> list[Table]:
    """Everything ``relscale invariance`` shows, in order."""
    if ev.dif_run:
        return [*invariance_tables(ev), reliability_table(ev), item_means_table(ev),
                dif_table(ev)]
    means = item_means_table(ev)
    means.notes.append(_("Ordinal DIF was not run (--no-dif)."))
    return [*invariance_tables(ev), reliability_table(ev), means]


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
    from relscale.workbooks.styles import fit_layout, print_table, set_fonts

    book = Workbook(title=title, creator="relscale", styles=book_styles())
    sheet = book.add_sheet(_("Evidence"))
    sheet.set(1, 1, title, style="title")
    row = 2
    for note in notes:
        sheet.set(row, 1, note, style="note")
        row += 1
    write_tables(sheet, tables, row + 1)
    sheet.column_widths = {1: 22, 2: 16, **{c: 12 for c in range(3, 12)}}
    sheet.print_setup = print_table()
    set_fonts(book)
    fit_layout(book)
    return book

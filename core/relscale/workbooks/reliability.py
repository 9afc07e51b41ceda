"""The reliability workbook ``relscale reliability -o FILE.xlsx`` writes: a summary sheet
and one item sheet for all scales."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relscale.i18n import _, pgettext

if TYPE_CHECKING:
    from relscale.reliability.classical import ScaleReliability


def reliability_workbook(title: str, results: list[ScaleReliability]) -> Any:
    """A writer-neutral workbook: a summary sheet and one item sheet for all scales."""
    from relscale.excel.sheet import Workbook
    from relscale.workbooks import styles

    book = Workbook(title=title, creator="relscale")
    book.styles = {
        "title": styles.TITLE,
        "head": styles.HEADER,
        "num": styles.number(styles.DECIMALS_3),
        "num2": styles.number(styles.DECIMALS_2),
        "note": styles.NOTE_QUIET,
    }
    summary = book.add_sheet(_("Reliability"), freeze="A4")
    summary.set(1, 1, title, style="title")
    head = ["scale", "k", "n", "n_total", "missing", "alpha", "alpha_std", "omega", "mean", "sd",
            "alpha_feldt_low", "alpha_feldt_high", "alpha_duhachek_low", "alpha_duhachek_high",
            "left_out", "warnings"]
    for c, name in enumerate(head, start=1):
        summary.set(3, c, column_label(name), style="head")
    for r, res in enumerate(results, start=4):
        fields: list[str | int] = [res.scale, res.k, res.n, res.n_total, res.missing]
        for c, field in enumerate(fields, start=1):
            summary.set(r, c, field)
        for c, stat in enumerate((res.alpha, res.alpha_std, res.omega), start=6):
            summary.set(r, c, _cell(stat), style="num")
        for c, stat in enumerate((res.mean, res.sd), start=9):
            summary.set(r, c, _cell(stat), style="num2")
        for c, stat in enumerate((*res.ci_feldt, *res.ci_duhachek), start=11):
            summary.set(r, c, _cell(stat), style="num")
        summary.set(r, 15, ", ".join(res.left_out) or None)
        summary.set(r, 16, " ".join(res.warnings) or None)
    summary.set(
        len(results) + 5, 1,
        _("Omega: one-factor model, iterated principal axis. relscale reliability."),
        style="note",
    )
    summary.column_widths = {1: 24, **{c: 11 for c in range(2, 15)}, 15: 16, 16: 60}
    _ordinal_columns(summary, results)
    detail = book.add_sheet(_("Items"), freeze="A2")
    cols = ["scale", "item", "n", "mean", "sd", "r_drop", "alpha_if_deleted", "loading"]
    for c, name in enumerate(cols, start=1):
        detail.set(1, c, column_label(name), style="head")
    line = 2
    for res in results:
        loadings = list(res.loadings) or [float("nan")] * res.k
        for item, loading in zip(res.items, loadings, strict=True):
            detail.set(line, 1, res.scale)
            detail.set(line, 2, item.item)
            detail.set(line, 3, item.n)
            for c, v in enumerate(
                (item.mean, item.sd, item.r_drop, item.alpha_if_deleted, loading), start=4
            ):
                detail.set(line, c, _cell(v), style="num" if c > 5 else "num2")
            line += 1
    detail.column_widths = {1: 24, 2: 14, **{c: 14 for c in range(3, 9)}}
    summary.print_setup = styles.print_table(title_rows=(3, 3))
    detail.print_setup = styles.print_table(title_rows=(1, 1))
    styles.set_fonts(book)
    styles.fit_layout(book)
    return book


ORDINAL_HEAD = ("ordinal_n", "ordinal_alpha", "categorical_omega", "omega_ci_low",
                "omega_ci_high", "n_ci")


def _ordinal_columns(summary: Any, results: list[ScaleReliability]) -> None:
    """Ordinal alpha and categorical omega (columns 17-21) and the N of alpha's intervals
    (22), only when a scale has them or the intervals rest on another N than ``n``."""
    if all(r.ordinal is None and r.n_ci in (0, r.n) for r in results):
        return
    for c, name in enumerate(ORDINAL_HEAD, start=17):
        summary.set(3, c, column_label(name), style="head")
        summary.column_widths[c] = 11 if c != 19 else 13
    for r, res in enumerate(results, start=4):
        summary.set(r, 22, res.n_ci)
        o = res.ordinal
        if o is None:
            continue
        summary.set(r, 17, o.n)
        for c, stat in enumerate((o.ordinal_alpha, o.categorical_omega, *o.omega_ci), start=18):
            summary.set(r, c, _cell(stat), style="num")
    summary.set(len(results) + 6, 1, _(
        "Ordinal alpha: alpha of the polychoric correlations; categorical omega: Green & Yang "
        "(2009), one-factor WLSMV model per scale, delta-method 95% CI; n_ci: the N of "
        "alpha's confidence intervals (pairwise: every respondent, as psych::alpha)."),
        style="note")


def column_label(name: str) -> str:
    """A column's header: its id (the JSON key) in English, a label in other languages."""
    labels = {
        "scale": pgettext("reliability column", "scale"),
        "item": pgettext("reliability column", "item"),
        "k": "k",
        "n": "n",
        "n_total": pgettext("reliability column", "n_total"),
        "missing": pgettext("reliability column", "missing"),
        "alpha": pgettext("reliability column", "alpha"),
        "alpha_std": pgettext("reliability column", "alpha_std"),
        "omega": pgettext("reliability column", "omega"),
        "mean": pgettext("reliability column", "mean"),
        "sd": pgettext("reliability column", "sd"),
        "alpha_feldt_low": pgettext("reliability column", "alpha_feldt_low"),
        "alpha_feldt_high": pgettext("reliability column", "alpha_feldt_high"),
        "alpha_duhachek_low": pgettext("reliability column", "alpha_duhachek_low"),
        "alpha_duhachek_high": pgettext("reliability column", "alpha_duhachek_high"),
        "left_out": pgettext("reliability column", "left_out"),
        "warnings": pgettext("reliability column", "warnings"),
        "r_drop": pgettext("reliability column", "r_drop"),
        "alpha_if_deleted": pgettext("reliability column", "alpha_if_deleted"),
        "loading": pgettext("reliability column", "loading"),
        "ordinal_n": pgettext("reliability column", "ordinal_n"),
        "ordinal_alpha": pgettext("reliability column", "ordinal_alpha"),
        "categorical_omega": pgettext("reliability column", "categorical_omega"),
        "omega_ci_low": pgettext("reliability column", "omega_ci_low"),
        "omega_ci_high": pgettext("reliability column", "omega_ci_high"),
        "n_ci": pgettext("reliability column", "n_ci"),
    }
    return labels.get(name, name)


def _cell(value: float) -> float | None:
    import math

    return None if value is None or math.isnan(value) else float(value)

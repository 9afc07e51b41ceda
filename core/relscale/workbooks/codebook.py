"""Codebooks: every variable of the response data and of the scored output.

Variable names are the ones ``relscale score``, the scoring sheet and the results
workbook use. Labels are in the chosen locale; the CSV header stays English so scripts
can read any locale's codebook.

:func:`write_codebook` is ``relscale codebook -o FILE`` and the ``codebook-*`` exporters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.excel.sheet import Workbook
    from relscale.model.models import AdaptedInstrument, AdaptedItem

SUBJECT_PLACEHOLDER = "{subject}"
BLANK = "______"
FIELDS = ("variable", "label", "dimension", "keying", "values", "missing", "kind", "provenance")
FORMATS = ("csv", "xlsx", "md")


def render_text(text: str, subject: str | None = None) -> str:
    """Item text with the ``{subject}`` placeholder filled: a name or a blank line."""
    return text.replace(SUBJECT_PLACEHOLDER, subject or BLANK)


@dataclass(frozen=True)
class Entry:
    variable: str
    label: str
    dimension: str = ""
    keying: str = ""
    values: str = ""
    missing: str = ""
    kind: str = ""
    provenance: str = ""
    """Items: the change relative to education and, outside English, this locale's
    change relative to the English wording, each with its rationale."""

    def as_row(self) -> list[str]:
        return [getattr(self, f) for f in FIELDS]


def headers() -> list[str]:
    return [
        _("Variable"),
        _("Label"),
        _("Dimension"),
        _("Keying"),
        _("Valid values"),
        _("Missing"),
        _("Kind"),
        _("Provenance"),
    ]


def item_provenance(item: AdaptedItem, locale: str) -> str:
    """The item's provenance for a codebook cell, in the reader's words: relative to
    education, and in a translation also relative to the English wording."""
    from relscale.i18n import SOURCE_LOCALE, display_name
    from relscale.model.labels import locale_change_label, provenance_label

    text = f"{provenance_label(item.provenance)}: {item.rationale}"
    if locale.split("_")[0] != SOURCE_LOCALE and item.locale_change:
        language = display_name(locale, locale)
        text += " | " + _("{language}: {change}").format(
            language=language, change=locale_change_label(item.locale_change,
                                                          item.locale_rationale))
    return text


def build_codebook(adapted: AdaptedInstrument, locale: str | None = None) -> list[Entry]:
    """The codebook entries: items, then scores, norm scores and status variables."""
    from relscale.model.columns import NORM_STATUS_LABELS, STATUS_LABELS, coded_values
    from relscale.scoring.engine import (
        NORM_GROUP,
        NORM_STATUS,
        REASON,
        STATUS,
        STRAIGHTLINING,
        min_answered_count,
    )
    from relscale.scoring.norms import BANDINGS, band_label

    dims = {d.id: d.label for d in adapted.dimensions}
    anchors = "; ".join(f"{p.value} = {p.label}" for p in adapted.scale.points)
    missing = _("empty cell")
    if adapted.scale.not_applicable is not None:
        na = adapted.scale.not_applicable
        missing = _("empty cell; {code} = {label} (a missing value of its own, kept as "
                    "{code}: not scored)").format(code=na.value, label=na.label)
    keyings = {"+": _("+ (as answered)"), "-": _("- (reversed: {lo} + {hi} - value)")}
    reverse = keyings["-"].format(lo=adapted.scale.min, hi=adapted.scale.max)
    entries = [
        Entry(
            variable=item.id,
            label=render_text(item.text),
            dimension=dims.get(item.dimension, item.dimension),
            keying=keyings["+"] if item.keying == "+" else reverse,
            values=anchors,
            missing=missing,
            kind=_("item"),
            provenance=item_provenance(item, adapted.locale),
        )
        for item in adapted.items
    ]
    method = (
        _("mean of the keyed items")
        if adapted.scoring.method == "mean"
        else _("prorated sum of the keyed items (mean x number of items)")
    )
    lo, hi = adapted.scale.min, adapted.scale.max
    span = f"{lo}-{hi}" if adapted.scoring.method == "mean" else ""
    for d in adapted.dimensions:
        k = len(adapted.items_for(d.id))
        need = min_answered_count(k, adapted.scoring.min_answered)
        entries.append(
            Entry(
                variable=d.id,
                label=_("{dimension}: raw score, {method}").format(
                    dimension=d.label, method=method
                ),
                dimension=d.label,
                values=span or f"{lo * k}-{hi * k}",
                missing=_("empty when fewer than {need} of {k} items are answered").format(
                    need=need, k=k
                ),
                kind=_("score"),
            )
        )
    from relscale.model.columns import N_MISSING_SUFFIX, count_columns

    for name, d_id, suffix in count_columns(adapted):
        k = len(adapted.items_for(d_id))
        label = (_("{dimension}: items without an answer") if suffix == N_MISSING_SUFFIX
                 else _("{dimension}: items answered {code} = {label}")).format(
            dimension=dims[d_id], code=getattr(adapted.scale.not_applicable, "value", ""),
            label=getattr(adapted.scale.not_applicable, "label", ""))
        entries.append(Entry(name, label, dims[d_id], values=f"0-{k}", kind=_("count")))
    if adapted.norms:
        table = adapted.norms[0]
        band_names = "; ".join(
            band_label(b.label, locale) for b in table.bands
        ) or "; ".join(band_label(b[0], locale) for b in BANDINGS.get(table.banding, ()))
        for d in adapted.dimensions:
            no_score = _("empty when the raw score is missing or no norm table applies")
            entries += [
                Entry(f"{d.id}_percentile", _("{dimension}: percentile rank (share of the norm "
                      "group at or below the raw score)").format(dimension=dims[d.id]),
                      d.label, values="0-100", missing=no_score, kind=_("norm score")),
                Entry(f"{d.id}_t", _("{dimension}: T-score (mean 50, SD 10)").format(
                      dimension=dims[d.id]), d.label, missing=no_score, kind=_("norm score")),
                Entry(f"{d.id}_band", _("{dimension}: verbal band of the percentile rank").format(
                      dimension=dims[d.id]), d.label, values=band_names, missing=no_score,
                      kind=_("norm score")),
            ]
    entries += [
        Entry(STATUS, _("scored: every scale scored; incomplete: some scales missing; "
                        "rejected: no scale scored"),
              values=coded_values({k: v for k, v in STATUS_LABELS.items()
                                   if k != "invalid"}), kind=_("status")),
        Entry(REASON, _("why scales are missing (answered of items, needed)"), kind=_("status")),
        Entry(STRAIGHTLINING, _("1 when every answered item has the same answer (only with "
                                "--flag-straightlining)"), values="0; 1", kind=_("status")),
    ]
    if adapted.norms:
        entries += [
            Entry(NORM_GROUP, _("the norm table used: status, N, group and banding"),
                  kind=_("status")),
            Entry(NORM_STATUS, _("status of the norms: published, local or illustrative "
                                 "(synthetic data, not for decisions)"),
                  values=coded_values(NORM_STATUS_LABELS), kind=_("status")),
        ]
    from relscale.model.columns import SCORED_AS

    entries.append(Entry(SCORED_AS, _("the sector whose wording and norms the scores use, "
                                      "where the data do not name it or were scored as "
                                      "another sector on purpose (--as-sector)"),
                         kind=_("status")))
    return entries


def _markdown(entries: list[Entry], adapted: AdaptedInstrument) -> str:
    import html

    def text(value: str) -> str:
        # raw HTML from content or a catalog is shown, never rendered
        return html.escape(value, quote=False)

    def cell(value: str) -> str:
        return text(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        f"# {_('Codebook')}: {text(adapted.title)}",
        "",
        f"{_('Sector')}: {text(adapted.sector_label)}; {_('perspective')}: "
        f"{adapted.perspective}; {_('version')}: {text(adapted.version)}; "
        f"{_('locale')}: {adapted.locale}",
        "",
        f"_{text(adapted.notice)}_",
        "",
        "| " + " | ".join(headers()) + " |",
        "|" + "---|" * len(FIELDS),
    ]
    lines += ["| " + " | ".join(cell(v) for v in e.as_row()) + " |" for e in entries]
    if adapted.norms:
        from relscale.scoring.norms import describe_norms

        lines += ["", f"{_('Norms')}: {describe_norms(adapted.norms[0], adapted.locale)}"]
    return "\n".join(lines) + "\n"


def codebook_workbook(entries: list[Entry], adapted: AdaptedInstrument) -> Workbook:
    """The codebook as a sheet model (also used as a sheet of the scoring sheet)."""
    from relscale.excel.sheet import Workbook
    from relscale.workbooks import styles

    book = Workbook(
        styles={
            "title": styles.TITLE,
            "note": styles.NOTE_WRAPPED,
            "head": styles.HEADER,
            "wrap": styles.WRAP,
        },
        title=f"{_('Codebook')}: {adapted.title}",
    )
    sheet = book.add_sheet(_("Codebook")[:31])
    add_codebook_sheet(sheet, entries, adapted)
    sheet.print_setup = styles.print_table(
        title_rows=(4, 4), footer_left=f"relscale · {adapted.instrument} {adapted.version} · "
        f"{adapted.sector}")
    styles.set_fonts(book)
    styles.fit_layout(book)
    return book


def add_codebook_sheet(sheet: object, entries: list[Entry], adapted: AdaptedInstrument) -> None:
    """Lay out the codebook on a sheet; the workbook must define title/note/head/wrap."""
    from relscale.excel.sheet import Sheet

    assert isinstance(sheet, Sheet)
    sheet.set(1, 1, f"{_('Codebook')}: {adapted.title} — {adapted.sector_label}", style="title")
    sheet.set(2, 1, adapted.notice, style="note")
    for c, h in enumerate(headers(), start=1):
        sheet.set(4, c, h, style="head")
    for r, e in enumerate(entries, start=5):
        for c, v in enumerate(e.as_row(), start=1):
            sheet.set(r, c, v, style="wrap")
    # on paper: landscape, one page wide (about 190 units)
    for c, w in enumerate((18, 44, 14, 16, 30, 24, 10, 34), start=1):
        sheet.column_widths[c] = w
    sheet.freeze = "B5"


def codebook_text(entries: list[Entry], adapted: AdaptedInstrument, fmt: str) -> str:
    """The codebook as CSV or Markdown text."""
    if fmt == "md":
        return _markdown(entries, adapted)
    import io

    from relscale.io.csv_safety import writer as csv_writer

    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")  # every text cell guarded
    writer.writerow(FIELDS)
    writer.writerows(e.as_row() for e in entries)
    return buffer.getvalue()


def codebook_format(
    fmt: str | None, path: Path | str | None = None, formats: tuple[str, ...] = FORMATS
) -> str:
    """The codebook format: ``fmt``, else the suffix of ``path``, else csv; one of
    ``formats``. Without a file every format but xlsx can be written as text.
    """
    kind = (fmt or (Path(path).suffix.lstrip(".") if path is not None else "csv")).lower()
    if kind not in formats:
        raise RelscaleError(
            _("unknown codebook format {fmt!r} (known: {formats})").format(
                fmt=kind, formats=", ".join(formats)
            )
        )
    if path is None and kind == "xlsx":
        raise RelscaleError(_("an xlsx codebook needs a file: give -o FILE.xlsx"))
    return kind


def write_codebook(
    adapted: AdaptedInstrument,
    path: Path | str,
    fmt: str | None = None,
    *,
    locale: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the codebook as ``csv``, ``md`` or ``xlsx`` (default from the suffix of
    ``path``), atomically; return the path.

    :param locale: for band labels (default: the current locale); the other labels follow
        the current locale and ``adapted``.
    """
    from relscale.io.atomic import atomic_write
    from relscale.workbooks import write

    kind = codebook_format(fmt, path)
    entries = build_codebook(adapted, locale)
    if kind == "xlsx":
        return write(codebook_workbook(entries, adapted), path, overwrite=overwrite)
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(codebook_text(entries, adapted, kind), encoding="utf-8")
    return Path(path)

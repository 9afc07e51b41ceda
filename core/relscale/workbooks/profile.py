"""Relationship profile pages: one A4 page per professional-client pair.

A page a coach and a professional can discuss: per dimension its band scale (the norm
table's bands, very low ... very high, shaded from light to dark), a mark where the
professional's view falls and one for the client's, the raw score and percentile, which
direction is favourable in words, the change since the first measurement with its
reliable change index, and a short neutral reading. The norm group and its status head the
page; the validation notice is in the footer.

:func:`build_profile_workbook` lays out a :class:`~relscale.excel.sheet.Workbook` (one
sheet per pair); :func:`write_profiles` writes .xlsx, or .pdf through LibreOffice.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.excel.sheet import PrintSetup, Sheet, Style, Workbook, range_ref
from relscale.i18n import _
from relscale.scoring.change import is_reliable
from relscale.scoring.profile import DimensionLine, ProfileSet, View
from relscale.text_safety import sheet_name_from
from relscale.text_safety import shown_code_points as shown
from relscale.workbooks.styles import FONT

LABEL_WIDTH = 22.0
BAND_WIDTH = 7.0
VALUE_WIDTH = 15.0
SHADES = ("F2F2F2", "E4E4E4", "D6D6D6", "C8C8C8", "BABABA", "ACACAC", "9E9E9E", "909090",
          "828282", "747474")
"""Band fills from light to dark, legible in black and white: the darker, the more
favourable for the relationship (so a row deepens to the right where higher is favourable,
closeness, and to the left where lower is, conflict)."""
MARK_PROFESSIONAL = "\u25cf"  # ● filled circle
MARK_CLIENT = "\u25b2"  # ▲ triangle
MARK_BEFORE = "\u25cb"  # ○ open circle


def _styles(n_bands: int) -> dict[str, Style]:
    def s(size: float = 10.0, **kw: object) -> Style:
        return Style(font=FONT, size=size, **kw)  # type: ignore[arg-type]

    styles = {
        "title": s(16, bold=True, vertical="center"),
        "pair": s(12, bold=True, vertical="center"),
        "sub": s(10, color="404040", vertical="center", wrap=True),
        "norm": s(9, italic=True, color="7F3F00", wrap=True, vertical="top"),
        "band_head": s(8, horizontal="center", vertical="bottom", wrap=True,
                       border="thin", border_color="FFFFFF"),
        "dim": s(12, bold=True, vertical="center"),
        "fav": s(10, italic=True, vertical="center", wrap=True),
        "who": s(10, vertical="center", indent=1),
        "value": s(9, vertical="center", horizontal="left", indent=1),
        "change": s(9, vertical="center", wrap=True, indent=1),
        "reading": s(10, wrap=True, vertical="top"),
        "legend": s(9, color="404040", wrap=True, vertical="top"),
    }
    shades = _shades(n_bands)
    for i, fill in enumerate(shades):
        styles[f"band{i}"] = s(12, horizontal="center", vertical="center", fill=fill,
                               border="thin", border_color="FFFFFF", bold=True)
    # the band names head every dimension alike: unshaded (each row shades its own way)
    styles["head"] = s(8, horizontal="center", vertical="bottom", wrap=True,
                       border_bottom="thin", border_color="7F7F7F")
    return styles


def shade(band: int, n_bands: int, favourable: str) -> str:
    """The style of band ``band`` (0 = lowest) in a row whose ``favourable`` end is
    ``high`` or ``low``: the darker, the more favourable."""
    return f"band{band if favourable == 'high' else n_bands - 1 - band}"


def _shades(n: int) -> list[str]:
    if n <= 1:
        return [SHADES[0]]
    return [SHADES[round(i * (len(SHADES) - 1) / (n - 1))] for i in range(n)]


def favourable_text(favourable: str) -> str:
    if favourable == "high":
        return _("Higher is favourable for the relationship.")
    return _("Lower is favourable for the relationship.")


def _position(view: View, middle: int) -> str:
    if view.band_index is None or view.band_index == middle:
        return "around"
    return "above" if view.band_index > middle else "below"


def reading(line: DimensionLine, set_: ProfileSet, middle: int) -> str:
    """A short neutral reading of one dimension (catalog templates, en and nl)."""
    parts = []
    views = (
        (set_.professional.respondent, line.professional),
        (set_.client.respondent if set_.client else "", line.client),
    )
    templates = {
        "around": _("{who}: {dimension} about as in most pairs of the norm group."),
        "above": _("{who}: {dimension} higher than in most pairs of the norm group."),
        "below": _("{who}: {dimension} lower than in most pairs of the norm group."),
    }
    for who, view in views:
        if view is None or view.band_index is None:
            continue
        parts.append(templates[_position(view, middle)].format(
            who=_cap(who), dimension=line.label.lower()))
    p, c = line.professional, line.client
    if p and c and p.band_index is not None and c.band_index is not None:
        if abs(p.band_index - c.band_index) <= 1:
            parts.append(_("The two views are alike."))
        else:
            parts.append(_("The two views differ: a point to talk about."))
    return " ".join(parts)


def _number(value: float, digits: int = 2, *, sign: bool = False) -> str:
    """A number in the reader's locale (decimal comma in Dutch), with its sign if asked."""
    from relscale.messages import format_number

    text = format_number(abs(value) if sign else value, digits=digits)
    return (("+" if value >= 0 else "−") + text) if sign else text


def _value_text(view: View) -> str:
    if math.isnan(view.percentile):
        return _("raw {raw}").format(raw=_number(view.raw))
    return _("raw {raw} · P{percentile}").format(raw=_number(view.raw),
                                                 percentile=_number(view.percentile, 0))


def _change_text(before: View, after: View, rci: float | None, since: str) -> str:
    diff = after.raw - before.raw
    if rci is None or math.isnan(rci):
        return _("{since}: {diff} (no reliable change index: the norm table has no "
                 "reliability)").format(since=since, diff=_number(diff, sign=True))
    verdict = (_("larger than measurement error") if is_reliable(rci)
               else _("within measurement error"))
    return _("{since}: {diff}, RCI {rci}: {verdict}").format(
        since=since, diff=_number(diff, sign=True), rci=_number(rci, sign=True),
        verdict=verdict)


def legend_lines(profiles: ProfileSet) -> list[str]:
    """What the marks and numbers of a page mean, in words: who each mark is (only the
    views the page shows), raw score, percentile, bands and their shading, and the RCI
    where there is change."""
    prof, client = profiles.professional, profiles.client
    marks = [f"{MARK_PROFESSIONAL} {prof.respondent}"]
    if client is not None:
        marks.append(f"{MARK_CLIENT} {client.respondent}")
    if any(line.professional_before or line.client_before
           for p in profiles.profiles for line in p.lines):
        marks.append(f"{MARK_BEFORE} " + _("earlier measurement"))
    lines = ["   ".join(marks),
             _("raw: the scale score, the mean of the answers (after reversing); P: the "
               "percentile, the share of the norm group with the same or a lower score; "
               "the bands group the percentiles, from very low to very high; the darker a "
               "band, the more favourable for the relationship.")]
    if any(line.professional_rci is not None or line.client_rci is not None
           for p in profiles.profiles for line in p.lines):
        lines.append(_("RCI: the reliable change index, the change divided by what "
                       "measurement error alone could cause; beyond 1.96 either way the "
                       "change is larger than measurement error."))
    return lines


def build_profile_workbook(profiles: ProfileSet, *, taken: set[str] | None = None
                           ) -> Workbook:
    """One sheet per pair, each an A4 page.

    :param taken: sheet names already used (by earlier chunks of the same profile set);
        the names used here are added to it.
    """
    bands = profiles.bands
    nb = len(bands)
    book = Workbook(styles=_styles(nb), title=_("Relationship profiles"))
    first_band, value_col = 2, 2 + nb
    last_col = value_col
    from relscale.workbooks.text_metrics import POINTS_PER_COLUMN_UNIT, text_width

    # the first column holds every dimension's name whole (12 pt bold)
    labels = [line.label for p in profiles.profiles for line in p.lines]
    label_width = max([LABEL_WIDTH, *(text_width(t, 12, bold=True) / POINTS_PER_COLUMN_UNIT
                                      + 2 for t in labels)])
    width_all = label_width + nb * BAND_WIDTH + VALUE_WIDTH
    middle = next((i for i, b in enumerate(bands) if b.lower <= 50 < b.upper), nb // 2)
    prof, client = profiles.professional, profiles.client
    prof_dims = {d.id for d in prof.dimensions}
    client_dims = {d.id for d in client.dimensions} if client else set()
    used: set[str] = set() if taken is None else taken
    # the same on every page: measured once (per page, the legend's scan of every profile
    # made the workbook quadratic in pairs)
    legend = [(text, _text_height(text, width_all, 9, pad=4)) for text in legend_lines(profiles)]
    norm_text = " · ".join(profiles.norms)
    norm_height = _text_height(norm_text, width_all, 9, pad=6)
    for profile in profiles.profiles:
        name = _sheet_name(" - ".join(c for c in (profile.professional_code,
                                                   profile.client_code) if c), used)
        sheet = book.add_sheet(name, show_grid_lines=False)
        sheet.column_widths[1] = round(label_width, 1)
        for c in range(first_band, first_band + nb):
            sheet.column_widths[c] = BAND_WIDTH
        sheet.column_widths[value_col] = VALUE_WIDTH

        def banner(row: int, text: str, style: str, height: float, sheet: Sheet = sheet) -> None:
            sheet.set(row, 1, text, style=style)
            sheet.merge(row, 1, row, last_col)
            sheet.row_heights[row] = height

        banner(1, _("Relationship profile"), "title", 26)
        pair = f"{_cap(prof.respondent)}: {shown(profile.professional_code) or '—'}    " \
               f"{_cap(prof.subject)}: {shown(profile.client_code) or '—'}"
        banner(2, pair, "pair", 20)
        sub = f"{prof.title} — {prof.sector_label}"
        if client is not None:
            sub += f"; {client.title}"
        if profile.wave:
            sub += " · " + _("wave {wave} (compared with wave {before})").format(
                wave=shown(profile.wave), before=shown(profile.before_wave or ""))
        banner(3, sub, "sub", _text_height(sub, width_all, 10))
        banner(4, norm_text, "norm", norm_height)
        row = 5
        for text, height in legend:
            banner(row, text, "legend", height)
            row += 1
        row += 1
        for i, band in enumerate(bands):
            sheet.set(row, first_band + i, _(band.label), style="head")
        sheet.row_heights[row] = 36
        row += 1
        for line in profile.lines:
            sheet.row_heights[row] = 8
            row += 1
            sheet.set(row, 1, line.label, style="dim")
            sheet.set(row, first_band, favourable_text(line.favourable), style="fav")
            sheet.merge(row, first_band, row, last_col)
            sheet.row_heights[row] = 20
            row += 1
            rows = [
                (prof.respondent if line.id in prof_dims else None, line.professional,
                 MARK_PROFESSIONAL),
                (client.respondent if client and line.id in client_dims else None,
                 line.client, MARK_CLIENT),
            ]
            for who, view, mark in rows:
                if who is None:
                    continue
                sheet.set(row, 1, _cap(who), style="who")
                for i in range(nb):
                    sheet.set(row, first_band + i, None, style=shade(i, nb, line.favourable))
                if view is not None and view.band_index is not None:
                    sheet.set(row, first_band + view.band_index, mark,
                              style=shade(view.band_index, nb, line.favourable))
                sheet.set(row, value_col, _value_text(view) if view else _("no score"),
                          style="value")
                sheet.row_heights[row] = 20
                row += 1
            for who, before, after, rci in (
                (prof.respondent, line.professional_before, line.professional,
                 line.professional_rci),
                (client.respondent if client else "", line.client_before, line.client,
                 line.client_rci),
            ):
                if before is None or after is None:
                    continue
                since = _("{who}, change since the first measurement").format(who=_cap(who))
                sheet.set(row, 1, f"{MARK_BEFORE} " + _cap(_("earlier")), style="who")
                for i in range(nb):
                    sheet.set(row, first_band + i, None, style=shade(i, nb, line.favourable))
                if before.band_index is not None:
                    sheet.set(row, first_band + before.band_index, MARK_BEFORE,
                              style=shade(before.band_index, nb, line.favourable))
                sheet.set(row, value_col, _value_text(before), style="value")
                sheet.row_heights[row] = 18
                row += 1
                change = _change_text(before, after, rci, since)
                sheet.set(row, 1, change, style="change")
                sheet.merge(row, 1, row, last_col)
                sheet.row_heights[row] = _text_height(change, width_all - 2, 9)
                row += 1
            text = reading(line, profiles, middle)
            if text:
                sheet.set(row, 1, text, style="reading")
                sheet.merge(row, 1, row, last_col)
                sheet.row_heights[row] = _text_height(text, width_all, 10)
                row += 1
        row += 1
        if profiles.rci_basis and any(line.professional_before or line.client_before
                                      for line in profile.lines):
            basis = _("Reliable change index (Jacobson & Truax) with: {basis}").format(
                basis=" · ".join(profiles.rci_basis))
            banner(row, basis, "legend", 14 * (1 + len(basis) // 110) + 4)
            row += 1
        note = _("Bands compare with the norm group; they describe, they do not diagnose. "
                 "Discuss the profile with the {professional} and a coach.").format(
            professional=prof.respondent)
        banner(row, note, "legend", _text_height(note, width_all, 9, pad=6))
        sheet.print_setup = PrintSetup(
            fit_width=1, fit_height=1,
            print_area=range_ref(1, 1, row, last_col),
            margins_cm=(1.5, 1.5, 1.5, 1.8),
            footer_left=prof.notice if prof.notice else None,
            footer_right=_("Page {page} of {pages}"),
        )
    return book


def _text_height(text: str, width: float, size: float, *, pad: float = 4) -> float:
    """The height of a row holding ``text`` wrapped in ``width`` column units."""
    from relscale.workbooks.form_parts import row_height

    return row_height(text, width, size=size, pad=pad)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sheet_name(text: str, used: set[str]) -> str:
    """A pair's sheet: its codes, made a valid and unique name (``a1`` and ``A1``, a code
    ending in a quote: :func:`relscale.excel.sheet.sheet_name_from`)."""
    return sheet_name_from(text, used, "pair")


def check_profile_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".pdf"):
        raise RelscaleError(_("{path}: a profile file name ends in .xlsx or .pdf").format(
            path=path))
    return path


PAIRS_PER_BOOK = 250
"""Profile pages per workbook LibreOffice converts; a PDF of more pairs is made of such
chunks (several per LibreOffice start), so neither a conversion's time nor memory grows
with the whole set (benchmarks/RESULTS-writer.md)."""
BOOKS_PER_START = 4


def write_profiles(profiles: ProfileSet, path: Path | str, *, overwrite: bool = False,
                   inputs: tuple[Path, ...] = ()) -> Path:
    """Write the profile pages as .xlsx, or as .pdf through LibreOffice (``soffice``).

    A PDF is converted in chunks of :data:`PAIRS_PER_BOOK` pages, :data:`BOOKS_PER_START`
    chunks per LibreOffice start, each start bounded in time
    (:mod:`relscale.io.libreoffice`), and the chunks joined in order into one file.
    """
    from relscale.io.atomic import atomic_write, check_output
    from relscale.workbooks import write

    path = check_profile_path(path)
    if path.suffix.lower() == ".xlsx":
        write(build_profile_workbook(profiles), path, overwrite=overwrite, inputs=inputs)
        return path
    from dataclasses import replace

    from relscale.io.libreoffice import convert_to_pdf, require_soffice

    require_soffice(path)
    check_output(path, overwrite=overwrite, inputs=inputs)
    with tempfile.TemporaryDirectory() as tmp:
        books, taken = [], set[str]()
        pairs = profiles.profiles
        for k, start in enumerate(range(0, max(len(pairs), 1), PAIRS_PER_BOOK)):
            part = replace(profiles, profiles=pairs[start:start + PAIRS_PER_BOOK])
            book = Path(tmp) / f"part{k:05d}.xlsx"
            write(build_profile_workbook(part, taken=taken), book, overwrite=True)
            books.append(book)
        pdfs = convert_to_pdf(books, tmp, target=path, chunk=BOOKS_PER_START)
        with atomic_write(path, overwrite=overwrite) as target:
            join_pdfs(pdfs, target)
    return path


def join_pdfs(parts: list[Path], target: Path) -> None:
    """Write the pages of ``parts``, in order, as one PDF (one part is copied as it is)."""
    if len(parts) == 1:
        shutil.copyfile(parts[0], target)
        return
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with open(target, "wb") as fh:
        writer.write(fh)

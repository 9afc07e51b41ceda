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
import subprocess
import tempfile
from pathlib import Path

from relscale.errors import RelscaleError
from relscale.excel.sheet import PrintSetup, Sheet, Style, Workbook, range_ref, sheet_name_from
from relscale.i18n import _
from relscale.scoring.change import is_reliable
from relscale.scoring.profile import DimensionLine, ProfileSet, View
from relscale.text_safety import shown_code_points as shown
from relscale.workbooks.styles import FONT

LABEL_WIDTH = 22.0
BAND_WIDTH = 7.0
VALUE_WIDTH = 15.0
SHADES = ("F2F2F2", "E4E4E4", "D6D6D6", "C8C8C8", "BABABA", "ACACAC", "9E9E9E", "909090",
          "828282", "747474")
"""Band fills from light (lowest band) to dark (highest); legible in black and white."""
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
        styles[f"head{i}"] = s(8, horizontal="center", vertical="bottom", wrap=True,
                               fill=fill, border="thin", border_color="FFFFFF")
    return styles


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


def _value_text(view: View) -> str:
    if math.isnan(view.percentile):
        return _("raw {raw}").format(raw=f"{view.raw:.2f}")
    return _("raw {raw} · P{percentile}").format(raw=f"{view.raw:.2f}",
                                                 percentile=f"{view.percentile:.0f}")


def _change_text(before: View, after: View, rci: float | None, since: str) -> str:
    diff = after.raw - before.raw
    if rci is None or math.isnan(rci):
        return _("{since}: {diff:+.2f} (no reliable change index: the norm table has no "
                 "reliability)").format(since=since, diff=diff)
    verdict = (_("larger than measurement error") if is_reliable(rci)
               else _("within measurement error"))
    return _("{since}: {diff:+.2f}, RCI {rci:+.2f}: {verdict}").format(
        since=since, diff=diff, rci=rci, verdict=verdict)


def build_profile_workbook(profiles: ProfileSet) -> Workbook:
    """One sheet per pair, each an A4 page."""
    bands = profiles.bands
    nb = len(bands)
    book = Workbook(styles=_styles(nb), title=_("Relationship profiles"))
    first_band, value_col = 2, 2 + nb
    last_col = value_col
    middle = next((i for i, b in enumerate(bands) if b.lower <= 50 < b.upper), nb // 2)
    prof, client = profiles.professional, profiles.client
    prof_dims = {d.id for d in prof.dimensions}
    client_dims = {d.id for d in client.dimensions} if client else set()
    used: set[str] = set()
    for profile in profiles.profiles:
        name = _sheet_name(" - ".join(c for c in (profile.professional_code,
                                                   profile.client_code) if c), used)
        sheet = book.add_sheet(name, show_grid_lines=False)
        sheet.column_widths[1] = LABEL_WIDTH
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
        banner(3, sub, "sub", 16)
        banner(4, " · ".join(profiles.norms), "norm", 14 * max(1, len(profiles.norms)) + 4)
        legend = _("{p} {professional}   {c} {client}   {b} earlier measurement").format(
            p=MARK_PROFESSIONAL, professional=prof.respondent, c=MARK_CLIENT,
            client=client.respondent if client else "—", b=MARK_BEFORE)
        banner(5, legend, "legend", 16)
        row = 7
        for i, band in enumerate(bands):
            sheet.set(row, first_band + i, _(band.label), style=f"head{i}")
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
                    sheet.set(row, first_band + i, None, style=f"band{i}")
                if view is not None and view.band_index is not None:
                    sheet.set(row, first_band + view.band_index, mark,
                              style=f"band{view.band_index}")
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
                    sheet.set(row, first_band + i, None, style=f"band{i}")
                if before.band_index is not None:
                    sheet.set(row, first_band + before.band_index, MARK_BEFORE,
                              style=f"band{before.band_index}")
                sheet.set(row, value_col, _value_text(before), style="value")
                sheet.row_heights[row] = 18
                row += 1
                sheet.set(row, 1, _change_text(before, after, rci, since), style="change")
                sheet.merge(row, 1, row, last_col)
                sheet.row_heights[row] = 16
                row += 1
            text = reading(line, profiles, middle)
            if text:
                sheet.set(row, 1, text, style="reading")
                sheet.merge(row, 1, row, last_col)
                sheet.row_heights[row] = 28 if len(text) > 110 else 16
                row += 1
        row += 1
        note = _("Bands compare with the norm group; they describe, they do not diagnose. "
                 "Discuss the profile with the {professional} and a coach.").format(
            professional=prof.respondent)
        banner(row, note, "legend", 28)
        sheet.print_setup = PrintSetup(
            fit_width=1, fit_height=1,
            print_area=range_ref(1, 1, row, last_col),
            margins_cm=(1.5, 1.5, 1.5, 1.8),
            footer_left=prof.notice if prof.notice else None,
            footer_right=_("Page {page} of {pages}"),
        )
    return book


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


def write_profiles(profiles: ProfileSet, path: Path | str, *, overwrite: bool = False,
                   inputs: tuple[Path, ...] = ()) -> Path:
    """Write the profile pages as .xlsx, or as .pdf through LibreOffice (``soffice``)."""
    from relscale.io.atomic import atomic_write, check_output
    from relscale.workbooks import write

    path = check_profile_path(path)
    book = build_profile_workbook(profiles)
    if path.suffix.lower() == ".xlsx":
        write(book, path, overwrite=overwrite, inputs=inputs)
        return path
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RelscaleError(_(
            "{path}: a PDF needs LibreOffice (soffice), which is not installed; write "
            ".xlsx instead (-o profiles.xlsx) and print it, or install LibreOffice"
        ).format(path=path))
    check_output(path, overwrite=overwrite, inputs=inputs)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / (path.stem + ".xlsx")
        write(book, xlsx, overwrite=True)
        done = subprocess.run(
            [soffice, "--headless", "--norestore",
             f"-env:UserInstallation={(Path(tmp) / 'lo').as_uri()}",
             "--convert-to", "pdf", "--outdir", tmp, str(xlsx)],
            capture_output=True, text=True, timeout=300,
        )
        pdf = Path(tmp) / (path.stem + ".pdf")
        if done.returncode != 0 or not pdf.exists():
            raise RelscaleError(_("{path}: LibreOffice could not make the PDF ({reason})").format(
                path=path, reason=(done.stderr or "").strip().splitlines()[-1:] or "-"))
        with atomic_write(path, overwrite=overwrite) as target:
            shutil.copyfile(pdf, target)
    return path

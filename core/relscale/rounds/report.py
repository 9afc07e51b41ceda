"""``round report``: the organization summary, one A4 overview page per professional, and
after each overview the profile page of each of their pairs, as .pdf or .xlsx.

The pages are laid out by :mod:`relscale.workbooks.round_report` (summary, overviews) and
:mod:`relscale.workbooks.profile` (the existing profile page, one per pair), put into one
book for .xlsx (:func:`relscale.workbooks.pdf.combine_for_print`), or converted in parts
and joined for .pdf (:func:`relscale.workbooks.pdf.write_pdf_parts`), written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.excel.sheet import Workbook
    from relscale.scoring.overview import ProfessionalOverview, RoundOverview
    from relscale.store.engine import Store


@dataclass(frozen=True)
class RoundReport:
    path: Path
    professionals: int
    pair_pages: int
    names: bool
    """Whether the report holds names."""
    statuses: frozenset[str]
    """Statuses of the norm tables used (``illustrative`` means: not for decisions)."""


def check_report_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".pdf", ".xlsx"):
        raise RelscaleError(_("{path}: a report file name ends in .pdf or .xlsx").format(
            path=path))
    return path


def _profile_book(page: ProfessionalOverview, overview: RoundOverview, locale: str
                  ) -> Workbook | None:
    from relscale.rounds.record import adapted_for
    from relscale.scoring.profile import profiles_from_views
    from relscale.workbooks.profile import build_profile_workbook

    prof = adapted_for(page.instrument, page.sector, "professional", locale)
    client = None
    if page.client_instrument is not None and page.client_dimensions:
        client = adapted_for(page.client_instrument, page.sector, "client", locale)
    made = profiles_from_views(page, prof, client, locale, wave=overview.round,
                               before_wave=overview.previous)
    return build_profile_workbook(made) if made is not None and made.profiles else None


def build_report_books(overview: RoundOverview, *, locale: str, pairs: bool = True
                       ) -> tuple[list[Workbook], int]:
    """The report's books in print order (the summary, then per professional the overview
    and their pairs' profile pages), and how many pair pages there are."""
    from relscale.i18n import current_locale, set_locale
    from relscale.workbooks.round_report import build_round_report

    ui = current_locale()
    set_locale(locale)
    try:
        books = []
        n_pairs = 0
        for page, book in build_round_report(overview, locale=locale):
            books.append(book)
            if page is not None and pairs:
                profile = _profile_book(page, overview, locale)
                if profile is not None:
                    books.append(profile)
                    n_pairs += len(profile.sheets)
        return books, n_pairs
    finally:
        set_locale(ui)


def write_round_report(store: Store, name: str, path: Path | str, *,
                       previous: str | None = None, min_group: int = 5, names: bool = True,
                       pairs: bool = True, locale: str = "en", overwrite: bool = False
                       ) -> RoundReport:
    """Write the report of round ``name`` (see the module docstring).

    :param previous: an earlier round: change per pair and reliable changes.
    :param min_group: the summary shows no group with fewer scored pairs.
    :param names: put the stored names beside the codes (the footer says whether).
    :param pairs: add the profile page of every pair after its professional's overview.
    """
    from relscale.io.atomic import check_output
    from relscale.rounds.overview import round_overview
    from relscale.workbooks import write
    from relscale.workbooks.pdf import combine_for_print, write_pdf_parts

    path = check_report_path(path)
    check_output(path, overwrite=overwrite)
    if min_group < 1:
        raise RelscaleError(_("--min-group must be 1 or more"))
    overview = round_overview(store, name, previous=previous, locale=locale, names=names,
                              min_group=min_group)
    books, n_pairs = build_report_books(overview, locale=locale, pairs=pairs)
    title = _("Round {round}").format(round=overview.round)
    if path.suffix.lower() == ".xlsx":
        write(combine_for_print(books, title=title), path, overwrite=overwrite)
    else:  # in parts: LibreOffice's time and memory do not grow with the organization
        write_pdf_parts(books, path, overwrite=overwrite, title=title)
    return RoundReport(path, len(overview.professionals), n_pairs, overview.names,
                       frozenset(overview.statuses))

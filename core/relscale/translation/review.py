"""The rows of a translation review: every message of a sector with its current target.

:func:`write_sector_review` writes them as the review workbook laid out in
:mod:`relscale.workbooks.review`, for the review step of the ITC Guidelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from relscale.errors import RelscaleError
from relscale.i18n import Translator, _, ctx_field, current_locale, fallback_chain
from relscale.translation.catalogs import message_id, message_text, read_catalog
from relscale.translation.domains import registry_or_default, target_locale
from relscale.translation.templates import sector_template
from relscale.workbooks.review import ReviewRow, write_review

if TYPE_CHECKING:
    from relscale.registry import Registry


def review_rows(sector_id: str, locale: str, registry: Registry | None = None,
                catalog_path: Path | None = None) -> list[ReviewRow]:
    """One row per message of a sector's template with its current translation.

    ``catalog_path`` reviews that PO file (e.g. a draft) instead of the sector's catalog.
    """
    reg = registry_or_default(registry)
    locale = target_locale(locale)
    sector = reg.sector(sector_id)
    entries: dict[tuple[str | None, str], Any] = {}
    path = catalog_path
    if path is None:
        for lang in fallback_chain(locale):
            candidate = Path(sector.locale_dir or ".") / lang / "LC_MESSAGES" / \
                f"{sector.domain}.po"
            if sector.locale_dir and candidate.is_file():
                path = candidate
                break
    if path is not None:
        entries = {(m.context, message_id(m)): m for m in read_catalog(Path(path)) if m.id}
    item_ids = {w.item for o in sector.offerings for w in o.items}
    rows = []
    for message in sector_template(sector, reg):
        if not message.id:
            continue
        context = message.context or ""
        owner = context.split("|", 1)[0]
        item = owner if owner in item_ids else ""
        found = entries.get((message.context, message_id(message)))
        target = message_text(found) if found is not None else ""
        state: Literal["translated", "fuzzy", "missing"] = (
            "missing" if not target else "fuzzy" if found.fuzzy else "translated"  # type: ignore[union-attr]
        )
        rows.append(ReviewRow(item, context, message_id(message), target, state))
    return rows


@dataclass
class ReviewResult:
    """A review workbook written by :func:`write_sector_review`."""

    path: Path
    locale: str
    """The locale under review, normalized."""
    rows: list[ReviewRow]

    @property
    def untranslated(self) -> int:
        return sum(1 for r in self.rows if r.state == "missing")


def write_sector_review(sector_id: str, locale: str, output: Path, *,
                        catalog_path: Path | None = None, registry: Registry | None = None,
                        overwrite: bool = False) -> ReviewResult:
    """Write the review workbook of a sector's catalog in ``locale`` to ``output`` (.xlsx).

    The workbook's own text, and the sector's name in its title, are in the current
    locale (:func:`relscale.i18n.set_locale`). ``catalog_path`` as for :func:`review_rows`.
    :raises RelscaleError: ``output`` is not an ``.xlsx`` file, or exists and not
        ``overwrite``.
    :raises LocaleError: ``locale`` is English (the source) or not a locale.
    """
    if Path(output).suffix.lower() != ".xlsx":
        raise RelscaleError(
            _("{path}: the review workbook must be an .xlsx file").format(path=output)
        )
    reg = registry_or_default(registry)
    target = target_locale(locale)
    rows = review_rows(sector_id, target, reg, catalog_path=catalog_path)
    sector = reg.sector(sector_id)
    label = Translator(current_locale()).sector_text(sector, ctx_field("sector", "label"),
                                                     sector.label)
    write_review(rows, output, sector_label=label, locale=target, overwrite=overwrite)
    return ReviewResult(Path(output), target, rows)

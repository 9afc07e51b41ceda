"""The words shown for the domain's codes: provenance of an adapted item, a locale's change
relative to the English wording, a norm table's status. Marked for the catalogs here,
translated when shown; every command, workbook and report uses these."""

from __future__ import annotations

from relscale.i18n import N_, _

PROVENANCE = {
    "unchanged": N_("unchanged"),
    "terms_substituted": N_("terms substituted"),
    "reworded": N_("reworded"),
    "dropped": N_("dropped"),
    "added": N_("added"),
}
"""An adapted item relative to the education wording."""

LOCALE_CHANGES = {
    "kept": N_("kept"),
    "terms_substituted": N_("terms substituted"),
    "reworded": N_("reworded"),
}
"""A locale's wording relative to the English wording of the same sector."""

NORM_STATUS = {
    "published": N_("published"),
    "local": N_("local"),
    "illustrative": N_("illustrative"),
}


def provenance_label(provenance: str) -> str:
    """The translated word for a provenance code (the code itself if unknown)."""
    return _(PROVENANCE.get(provenance, provenance))


def locale_change_label(change: str | None, rationale: str | None = None, *,
                        none: str = "—") -> str:
    """'kept', or the change with its rationale; ``none`` when no change is recorded."""
    if change is None:
        return none
    label = _(LOCALE_CHANGES.get(change, change))
    return f"{label}: {rationale}" if rationale else label

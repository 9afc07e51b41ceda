"""The variable names of scored output, shared by every layer that reads or writes them.

The same names appear in the CSV output, the results workbook, the codebook and the
scoring sheet; the response readers refuse an input column that takes one of them. They
live in the model layer so that readers (``relscale.io``) need not import the scorer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relscale.i18n import N_, _
from relscale.model import labels

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

STATUS = "status"
REASON = "reason"
STRAIGHTLINING = "straightlining"
NORM_GROUP = "norm_group"
NORM_STATUS = "norm_status"
NORM_SUFFIXES = ("percentile", "t", "band")
RCI_SUFFIX = "rci"
"""``<dimension>_rci``: reliable change since the pair's first wave (data with ``wave``)."""

STATUS_SCORED = "scored"
STATUS_INCOMPLETE = "incomplete"
STATUS_REJECTED = "rejected"


STATUS_LABELS = {
    STATUS_SCORED: N_("scored"),
    STATUS_INCOMPLETE: N_("incomplete"),
    STATUS_REJECTED: N_("rejected"),
    "invalid": N_("invalid"),
}
"""Status codes (the values of ``status``) -> their label, translated for display."""
NORM_STATUS_LABELS = labels.NORM_STATUS
"""Norm-table statuses -> their label (:data:`relscale.model.labels.NORM_STATUS`)."""


def coded_values(labels: dict[str, str]) -> str:
    """``code = label; ...`` in the current locale (just ``code; ...`` where they agree):
    the codes stay the data's values, the labels say what they mean."""
    parts = []
    for code, label in labels.items():
        shown = _(label)
        parts.append(code if shown == code else f"{code} = {shown}")
    return "; ".join(parts)


def norm_columns(dimension: str) -> tuple[str, ...]:
    """``<dimension>_percentile``, ``<dimension>_t`` and ``<dimension>_band``."""
    return tuple(f"{dimension}_{suffix}" for suffix in NORM_SUFFIXES)


def reserved_names(adapted: AdaptedInstrument) -> set[str]:
    """Variable names ``relscale score`` writes, which an input column may not take."""
    names = {STATUS, REASON, STRAIGHTLINING, NORM_GROUP, NORM_STATUS}
    for d in adapted.dimensions:
        names.add(d.id)
        names.update(norm_columns(d.id))
        names.add(f"{d.id}_{RCI_SUFFIX}")
    return names


def id_key(value: object) -> str:
    """An identifier as compared (pairs, duplicates, norm groups): text, stripped, in
    Unicode NFC, so ``José`` typed with a combined or a separate accent is one code. The
    identifier itself is written as it was read; only comparisons use this key."""
    import unicodedata

    text = "" if value is None else str(value).strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)

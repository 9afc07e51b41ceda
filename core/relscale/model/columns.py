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
N_MISSING_SUFFIX = "n_missing"
"""``<dimension>_n_missing``: the scale's items left without an answer (scales with a
'does not apply' code only, beside ``_n_na``)."""
N_NA_SUFFIX = "n_na"
"""``<dimension>_n_na``: the scale's items answered 'does not apply'."""
SCORED_AS = "scored_as_sector"
"""The sector whose wording and norms the scores use, where the data do not say it
themselves (a plain table) or were scored as another sector on purpose (``--as-sector``)."""

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


def count_columns(adapted: AdaptedInstrument) -> list[tuple[str, str, str]]:
    """(column, dimension, ``n_missing`` or ``n_na``) of the answer counts ``relscale
    score`` writes after the raw scores: for an instrument whose scale has a 'does not
    apply' code, so that code is not lost among the missing answers; none otherwise."""
    if getattr(adapted.scale, "not_applicable", None) is None:
        return []
    return [(f"{d.id}_{suffix}", d.id, suffix) for d in adapted.dimensions
            for suffix in (N_MISSING_SUFFIX, N_NA_SUFFIX)]


def reserved_names(adapted: AdaptedInstrument) -> set[str]:
    """Variable names ``relscale score`` writes, which an input column may not take."""
    names = {STATUS, REASON, STRAIGHTLINING, NORM_GROUP, NORM_STATUS, SCORED_AS}
    for d in adapted.dimensions:
        names.add(d.id)
        names.update(norm_columns(d.id))
        names.add(f"{d.id}_{RCI_SUFFIX}")
        names.update(f"{d.id}_{s}" for s in (N_MISSING_SUFFIX, N_NA_SUFFIX))
    return names


def id_key(value: object) -> str:
    """An identifier as compared (pairs, duplicates, norm groups): text, stripped, in
    Unicode NFC, so ``José`` typed with a combined or a separate accent is one code. The
    identifier itself is written as it was read; only comparisons use this key."""
    import unicodedata

    text = "" if value is None else str(value).strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)

"""Variable metadata for statistics packages: labels, value labels, missing values and
measurement levels of every variable ``relscale score`` writes.

The names, labels and kinds come from :func:`relscale.workbooks.codebook.build_codebook`, so the
``.sav`` file, the SPSS syntax and the R script say what the codebook says. SPSS's name
rules are checked here (:func:`check_spss_names`) for all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

Measure = Literal["nominal", "ordinal", "scale"]

SPSS_RESERVED = frozenset(
    ("ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH")
)
SPSS_NAME_BYTES = 64
TEXT_KINDS = ("id", "text", "band")
"""Kinds of a :class:`relscale.scoring.results.ScoredTable` column written as strings."""


@dataclass(frozen=True)
class Variable:
    """One variable of the scored output, as a statistics package should know it."""

    name: str
    label: str
    numeric: bool
    measure: Measure
    value_labels: dict[float | str, str] = field(default_factory=dict)
    missing: tuple[float | str, ...] = ()
    """User-missing values: the empty string of a string variable, and an item's 'does
    not apply' code (a missing value of its own, labelled). Otherwise a missing answer or
    score is system-missing."""
    kind: str = ""


def _status_labels() -> dict[float | str, str]:
    from relscale.scoring.engine import STATUS_INCOMPLETE, STATUS_REJECTED, STATUS_SCORED

    return {
        STATUS_SCORED: _("scored"),
        STATUS_INCOMPLETE: _("with missing scales"),
        STATUS_REJECTED: _("rejected"),
    }


def describe_variables(
    adapted: AdaptedInstrument,
    columns: Sequence[str] | None = None,
    kinds: dict[str, str] | None = None,
) -> list[Variable]:
    """The variables of the scored output for ``adapted``, labels in the current locale.

    :param columns: the columns actually present (a :class:`ScoredTable`'s ``columns``),
        in order; default every variable the codebook lists.
    :param kinds: the columns' kinds (``ScoredTable.kinds``); columns not in the codebook
        (identifiers such as ``respondent_code``) are then described from them.
    """
    from relscale.model.columns import SCORED_AS, count_columns
    from relscale.scoring.engine import NORM_GROUP, NORM_STATUS, REASON, STATUS, STRAIGHTLINING
    from relscale.workbooks.codebook import build_codebook

    entries = {e.variable: e for e in build_codebook(adapted, adapted.locale)}
    items = set(adapted.item_ids)
    dims = {d.id for d in adapted.dimensions}
    anchors: dict[float | str, str] = {float(p.value): p.label for p in adapted.scale.points}
    na = adapted.scale.not_applicable
    item_missing: tuple[float | str, ...] = ()
    if na is not None:
        anchors[float(na.value)] = na.label
        item_missing = (float(na.value),)
    counts = {name for name, _d, _s in count_columns(adapted)}
    norm_scores = {f"{d}_{suffix}" for d in dims for suffix in ("percentile", "t")}
    bands = {f"{d}_band" for d in dims}
    kinds = kinds or {}
    out: list[Variable] = []
    for name in columns if columns is not None else list(entries):
        entry = entries.get(name)
        label = entry.label if entry is not None else name
        kind = kinds.get(name, "")
        if name in items:
            out.append(Variable(name, label, True, "ordinal", dict(anchors), item_missing,
                                kind="item"))
        elif name in counts:
            out.append(Variable(name, label, True, "scale", kind="count"))
        elif name in dims or name in norm_scores:
            out.append(Variable(name, label, True, "scale", kind="score"))
        elif name in bands:
            out.append(Variable(name, label, False, "ordinal", missing=("",), kind="band"))
        elif name == STATUS:
            out.append(Variable(name, label, False, "nominal", _status_labels(), kind="status"))
        elif name == STRAIGHTLINING:
            out.append(Variable(name, label, True, "nominal",
                                {0.0: _("no"), 1.0: _("yes")}, kind="flag"))
        elif name in (REASON, NORM_GROUP, NORM_STATUS, SCORED_AS):
            out.append(Variable(name, label, False, "nominal", missing=("",), kind="text"))
        else:  # identifiers and anything a future scorer adds
            numeric = kind not in TEXT_KINDS and kind != ""
            out.append(Variable(name, label, numeric, "scale" if numeric else "nominal",
                                kind=kind or "id"))
    check_spss_names(v.name for v in out)
    return out


def check_spss_names(names: Iterable[str]) -> None:
    """SPSS's rules for variable names, with one clear error for the first broken one:
    at most 64 bytes (UTF-8), a letter or ``@`` first, then letters, digits and
    ``_ . @ # $``, not ending in ``.``, not a reserved word (ALL AND BY EQ GE GT LE LT
    NE NOT OR TO WITH), and unique ignoring case.

    :raises RelscaleError: naming the variable and the rule.
    """
    seen: dict[str, str] = {}
    for name in names:
        problem = None
        if len(name.encode("utf-8")) > SPSS_NAME_BYTES:
            problem = _("longer than 64 bytes")
        elif not name or not (name[0].isalpha() or name[0] == "@"):
            problem = _("must start with a letter")
        elif any(not (ch.isalnum() or ch in "_.@#$") for ch in name) or name.endswith("."):
            problem = _("may hold only letters, digits and _ . @ # $, and not end in a period")
        elif name.upper() in SPSS_RESERVED:
            problem = _("is a reserved word")
        elif name.lower() in seen:
            problem = _("is the same as {other} when case is ignored").format(
                other=seen[name.lower()]
            )
        if problem:
            raise RelscaleError(
                _("SPSS variable name {name!r}: {problem}").format(name=name, problem=problem)
            )
        seen[name.lower()] = name

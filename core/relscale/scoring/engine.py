"""The scoring engine: keyed item values to raw scale scores, flags and norm scores.

Vectorized with numpy over the whole response matrix (respondents x items, in the
adapted item order, NaN for a missing answer). Never imports openpyxl: reading files is
:mod:`relscale.io.responses`, writing them the exporters'.

The rules, the same as the scoring sheet's formulas (``docs/scoring.md``):

- A value must be one of the scale's integer points; anything else is an error naming
  the row and column, and nothing is scored.
- Reverse-keyed items are recoded as ``min + max - value``.
- A scale score is computed only when at least ``ceil(min_answered * k)`` of its ``k``
  items are answered; otherwise it is missing (NaN), never computed from a few answers.
- ``method = "mean"``: the mean of the answered keyed items. ``method = "sum"``: the
  *prorated* sum, mean x k, so a respondent with one allowed gap is on the same metric
  as one who answered everything.
- Straight-lining (optional): every answered item has the same raw value, over at least
  ``N`` answered items. Raw values, not keyed ones: the pattern is about the answering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relscale.errors import DataError
from relscale.i18n import N_, _
from relscale.io.values import not_applicable_to_missing, validate_values
from relscale.model.columns import (  # re-exported: the scorer's output names
    NORM_GROUP,
    NORM_STATUS,
    NORM_SUFFIXES,
    REASON,
    STATUS,
    STATUS_INCOMPLETE,
    STATUS_REJECTED,
    STATUS_SCORED,
    STRAIGHTLINING,
    norm_columns,
)

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument, NormTable

__all__ = [
    "NORM_GROUP", "NORM_STATUS", "NORM_SUFFIXES", "REASON", "STATUS", "STATUS_INCOMPLETE",
    "STATUS_REJECTED", "STATUS_SCORED", "STRAIGHTLINING", "ScaleScores", "add_norms",
    "min_answered_count", "norm_columns", "score_responses", "validate_values",
]

def min_answered_count(n_items: int, share: float) -> int:
    """The fewest answered items a scale of ``n_items`` needs: ``ceil(share * n_items)``.

    The small tolerance keeps ``0.8 * 5`` at 4 even if the product lands a hair above.
    """
    return max(1, math.ceil(share * n_items - 1e-9))


@dataclass
class ScaleScores:
    """The result of :func:`score_responses` for ``n`` respondents."""

    dimensions: tuple[str, ...]
    raw: dict[str, np.ndarray]
    """Raw scale score per dimension (NaN where missing)."""
    answered: dict[str, np.ndarray]
    """Number of answered items per dimension."""
    needed: dict[str, int]
    """Answered items a scale needs to be scored."""
    n_items: dict[str, int]
    keyed: np.ndarray
    """The keyed item matrix (reverse-keyed items recoded)."""
    straightlining: np.ndarray | None = None
    """True where every answered item has the same value (only when asked for)."""
    norms: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """``{dimension: {'percentile': ..., 't': ..., 'band': ...}}`` when norms apply."""
    norm_group: list[str] | None = None
    norm_status: list[str] | None = None
    norm_tables: list[NormTable | None] | None = None
    """The norm table each respondent's scores were placed with (None: none applied);
    the reliable change index takes SD and reliability from it."""

    @property
    def n(self) -> int:
        return int(self.keyed.shape[0])

    def missing_scales(self) -> np.ndarray:
        """Boolean matrix respondents x dimensions: the scale score is missing."""
        import numpy as np

        return np.column_stack([np.isnan(self.raw[d]) for d in self.dimensions])

    def status(self) -> list[str]:
        """``scored`` / ``incomplete`` (some scales missing) / ``rejected`` (none scored)."""
        import numpy as np

        n_missing = self.missing_scales().sum(axis=1)
        out = np.where(
            n_missing == 0,
            STATUS_SCORED,
            np.where(n_missing == len(self.dimensions), STATUS_REJECTED, STATUS_INCOMPLETE),
        )
        return out.astype(object).tolist()

    def reasons(self) -> list[str]:
        """Why a scale is missing, e.g. ``too few answers: conflict (3 of 7, needs 6)``."""
        import numpy as np

        answered = np.column_stack([self.answered[d] for d in self.dimensions])
        missing = self.missing_scales()
        rows = np.flatnonzero(missing.any(axis=1))
        out = np.full(self.n, "", dtype=object)
        if rows.size == 0:
            return out.tolist()
        # Respondents share few patterns (which scales, how many answers): word each once.
        patterns, which = np.unique(
            np.hstack([missing[rows], answered[rows]]).astype(np.int64), axis=0,
            return_inverse=True,
        )
        k = len(self.dimensions)
        part = _("{dimension} ({answered} of {total}, needs {needed})")
        texts = []
        for pattern in patterns.tolist():
            miss, counts = pattern[:k], pattern[k:]
            if sum(counts) == 0:
                texts.append(_("no answers"))
                continue
            parts = [
                part.format(dimension=d, answered=counts[j], total=self.n_items[d],
                            needed=self.needed[d])
                for j, d in enumerate(self.dimensions)
                if miss[j]
            ]
            texts.append(_("too few answers: {scales}").format(scales=", ".join(parts)))
        out[rows] = np.array(texts, dtype=object)[np.asarray(which).reshape(-1)]
        return out.tolist()


def score_responses(
    adapted: AdaptedInstrument,
    values: np.ndarray,
    *,
    straightlining: int | None = None,
    validate: bool = True,
    source: object = "data",
    rows: Sequence[int] | np.ndarray | None = None,
) -> ScaleScores:
    """Score a response matrix.

    :param adapted: the instrument as adapted; its item order is the column order.
    :param values: float array respondents x items, NaN for missing answers.
    :param straightlining: flag respondents whose answered items are all equal, over at
        least this many answered items; None for no flag.
    :param validate: check values first (see :func:`validate_values`).
    :raises DataError: a value that is not a scale point (naming row and column), or a
        matrix of the wrong shape.
    """
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(adapted.items):
        raise DataError(
            _("{source}: expected {n} item columns, got shape {shape}").format(
                source=source, n=len(adapted.items), shape=values.shape
            )
        )
    if validate:
        validate_values(adapted, values, source=source, rows=rows)
    values = not_applicable_to_missing(adapted, values)
    lo, hi = adapted.scale.min, adapted.scale.max
    reverse = np.array([item.keying == "-" for item in adapted.items])
    keyed = values.copy()
    if reverse.any():
        keyed[:, reverse] = (lo + hi) - values[:, reverse]
    answered_mask = ~np.isnan(keyed)

    raw: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    needed: dict[str, int] = {}
    n_items: dict[str, int] = {}
    dims = tuple(d.id for d in adapted.dimensions)
    for dim in dims:
        cols = np.array([k for k, item in enumerate(adapted.items) if item.dimension == dim])
        k = len(cols)
        sub = keyed[:, cols]
        count = answered_mask[:, cols].sum(axis=1)
        need = min_answered_count(k, adapted.scoring.min_answered)
        total = np.where(answered_mask[:, cols], sub, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        score = mean * k if adapted.scoring.method == "sum" else mean
        raw[dim] = np.where(count >= need, score, np.nan)
        answered[dim] = count
        needed[dim] = need
        n_items[dim] = k

    flag = None
    if straightlining is not None:
        n_answered = answered_mask.sum(axis=1)
        big = np.where(answered_mask, values, -np.inf).max(axis=1)
        small = np.where(answered_mask, values, np.inf).min(axis=1)
        flag = (n_answered >= straightlining) & (big == small)
    return ScaleScores(
        dimensions=dims,
        raw=raw,
        answered=answered,
        needed=needed,
        n_items=n_items,
        keyed=keyed,
        straightlining=flag,
    )


# --- norms ---------------------------------------------------------------------------


def add_norms(
    scores: ScaleScores,
    tables: Sequence[NormTable],
    groups: Sequence[dict[str, str]] | dict[str, str] | None = None,
    *,
    locale: str | None = None,
) -> None:
    """Fill ``scores.norms``, ``norm_group`` and ``norm_status`` in place.

    The semantics are :func:`relscale.scoring.norms.apply_norms` and
    :func:`relscale.scoring.norms.select_norm_table`; band labels are translated into ``locale``.

    :param tables: the candidate tables (``AdaptedInstrument.norms``).
    :param groups: one norm group for everyone (a dict) or one per respondent.
    """
    import numpy as np

    from relscale.i18n import Translator, resolve_locale
    from relscale.scoring.norms import apply_norms, describe_norms, select_norm_table

    tr = _ if locale is None else Translator(resolve_locale(locale)[0]).lookup
    n = scores.n
    position: dict[tuple[tuple[str, str], ...], int] = {}
    if groups is None or isinstance(groups, dict):
        position[tuple(sorted((groups or {}).items()))] = 0
        key_index = np.zeros(n, dtype=np.int64)
    else:
        keys = [tuple(sorted(g.items())) for g in groups]
        for key in keys:
            position.setdefault(key, len(position))
        key_index = np.array([position[k] for k in keys], dtype=np.int64)
    result = {
        d: {
            "percentile": np.full(n, np.nan),
            "t": np.full(n, np.nan),
            "band": np.full(n, "", dtype=object),
        }
        for d in scores.dimensions
    }
    group_label = np.full(n, "", dtype=object)
    status = np.full(n, "", dtype=object)
    used = np.full(n, None, dtype=object)
    for key, gi in position.items():
        rows = np.flatnonzero(key_index == gi)
        table = select_norm_table(tables, dict(key))
        if table is None:
            label = tr(N_("no norm table for {group}")).format(
                group=", ".join(f"{k}={v}" for k, v in key) or tr(N_("all"))
            )
            group_label[rows] = label
            continue
        group_label[rows] = describe_norms(table, locale)
        status[rows] = table.population.status
        used[rows] = table
        for d in scores.dimensions:
            if table.dimension(d) is None:
                continue
            part = apply_norms(table, d, scores.raw[d][rows])
            result[d]["percentile"][rows] = part["percentile"]
            result[d]["t"][rows] = part["t"]
            result[d]["band"][rows] = _translate_bands(part["band"], table, locale)
    scores.norms = result
    scores.norm_group = group_label.tolist()
    scores.norm_status = status.tolist()
    scores.norm_tables = used.tolist()


def _translate_bands(bands: np.ndarray, table: NormTable, locale: str | None) -> np.ndarray:
    """The band labels (object array, None for no band) in ``locale``, "" for none; one
    comparison per band over the array, not a look-up per respondent."""
    import numpy as np

    from relscale.scoring.norms import band_label

    out = np.full(len(bands), "", dtype=object)
    labels = {b.label for b in table.bands}
    if len(bands) < 1000:
        return np.array([band_label(b, locale) if b in labels else "" for b in bands],
                        dtype=object)
    # The array holds one string object per norm step: compare by identity, in C.
    ids = np.fromiter(map(id, bands), dtype=np.int64, count=len(bands))
    first = {}
    for b in bands[np.unique(ids, return_index=True)[1]]:
        first[id(b)] = band_label(b, locale) if b in labels else ""
    keys = np.array(list(first), dtype=np.int64)
    order = np.argsort(keys)
    values = np.array(list(first.values()), dtype=object)[order]
    out[:] = values[np.searchsorted(keys[order], ids)]
    return out

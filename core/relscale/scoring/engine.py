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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

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

    from relscale.io.tables import ResponseTable
    from relscale.model.models import AdaptedInstrument, NormTable

__all__ = [
    "NORM_GROUP", "NORM_STATUS", "NORM_SUFFIXES", "REASON", "STATUS", "STATUSES",
    "STATUS_INCOMPLETE", "STATUS_REJECTED", "STATUS_SCORED", "STRAIGHTLINING", "ScaleScores",
    "add_norms", "coded_texts", "min_answered_count", "norm_columns", "reverse_keyed",
    "score_responses", "score_table", "validate_values",
]

def reverse_keyed(values: Any, lo: float, hi: float) -> Any:
    """Answers on a ``lo`` .. ``hi`` scale reverse-keyed: ``lo + hi - value`` (5 becomes 1
    on 1..5; NaN stays NaN). The one place the rule is written: the engine and
    :func:`relscale.reliability.classical.recode` use it."""
    return (lo + hi) - values


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
    rows: int
    """Respondents scored."""
    column: Callable[[int], np.ndarray] = field(repr=False)
    """Item ``j``'s answers as scored (floats, 'does not apply' as missing)."""
    reverse: np.ndarray = field(repr=False)
    """True for the reverse-keyed columns."""
    scale: tuple[float, float] = (1, 5)
    """The scale's lowest and highest point (reverse keying: ``min + max - value``)."""
    straightlining: np.ndarray | None = None
    """True where every answered item has the same value (only when asked for)."""
    norms: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    """``{dimension: {'percentile': ..., 't': ..., 'band': ...}}`` when norms apply."""
    norm_group: list[str] | None = None
    norm_status: list[str] | None = None
    norm_tables: list[NormTable | None] | None = None
    """The norm table each respondent's scores were placed with (None: none applied);
    the reliable change index takes SD and reliability from it."""
    coded: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    """The text columns :func:`add_norms` fills (``<dimension>_band``, ``norm_group``,
    ``norm_status``) as a few texts and, per respondent, the position of theirs: what
    the writers use instead of a million references (:func:`coded_texts` gives the
    list)."""

    @property
    def n(self) -> int:
        return self.rows

    @cached_property
    def keyed(self) -> np.ndarray:
        """The keyed item matrix (reverse-keyed items recoded), made when first asked for:
        the scores are worked out a column at a time, without a matrix of their own."""
        import numpy as np

        keyed = np.empty((self.rows, len(self.reverse)), order="F")
        for j in range(len(self.reverse)):
            keyed[:, j] = self.keyed_column(j)
        return keyed

    def keyed_column(self, j: int) -> np.ndarray:
        """Item ``j`` keyed: :func:`reverse_keyed` for a reverse-keyed item, the answers
        as they are otherwise."""
        column = self.column(j)
        return reverse_keyed(column, *self.scale) if self.reverse[j] else column

    def missing_scales(self) -> np.ndarray:
        """Boolean matrix respondents x dimensions: the scale score is missing."""
        import numpy as np

        return np.column_stack([np.isnan(self.raw[d]) for d in self.dimensions])

    def status_codes(self) -> np.ndarray:
        """Per respondent, the position of their status in :data:`STATUSES`: ``scored``
        (no scale missing), ``incomplete`` (some missing), ``rejected`` (none scored)."""
        import numpy as np

        n_missing = self.missing_scales().sum(axis=1)
        return np.where(n_missing == 0, 0,
                        np.where(n_missing == len(self.dimensions), 2, 1)).astype(np.uint8)

    def status(self) -> list[str]:
        """``scored`` / ``incomplete`` (some scales missing) / ``rejected`` (none scored)."""
        return coded_texts(list(STATUSES), self.status_codes())

    def reason_codes(self) -> tuple[list[str], np.ndarray]:
        """Why a scale is missing, as texts and, per respondent, the position of theirs
        (0: ``""``, nothing missing), e.g. ``too few answers: conflict (3 of 7, needs 6)``.
        Respondents share few patterns (which scales, how many answers): each is worded
        once."""
        import numpy as np

        missing = self.missing_scales()
        rows = np.flatnonzero(missing.any(axis=1))
        codes = np.zeros(self.n, dtype=np.uint32)
        texts = [""]
        if rows.size == 0:
            return texts, codes
        # One integer per respondent for the pattern (per scale: answered x 2 + missing),
        # so the patterns are found by a 1-D unique, not a row-wise sort.
        base = 2 * (max(self.n_items.values()) + 1)
        key = np.zeros(rows.size, dtype=np.int64)
        for j, d in enumerate(self.dimensions):
            key += (self.answered[d][rows] * 2 + missing[rows, j]) * base**j
        keys, which = np.unique(key, return_inverse=True)
        patterns = [[(int(c) // base**j) % 2 for j in range(len(self.dimensions))]
                    + [(int(c) // base**j) // 2 % (base // 2) for j in range(len(self.dimensions))]
                    for c in keys]
        k = len(self.dimensions)
        part = _("{dimension} ({answered} of {total}, needs {needed})")
        for pattern in patterns:
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
        codes[rows] = np.asarray(which).reshape(-1) + 1
        return texts, codes

    def reasons(self) -> list[str]:
        """Why a scale is missing (:meth:`reason_codes`), ``""`` where none is."""
        return coded_texts(*self.reason_codes())


STATUSES = (STATUS_SCORED, STATUS_INCOMPLETE, STATUS_REJECTED)
"""The statuses, in the order of :meth:`ScaleScores.status_codes`."""


def coded_texts(texts: Sequence[str], codes: np.ndarray) -> list[str]:
    """``[texts[c] for c in codes]``, in C: one reference per row to a few texts."""
    import numpy as np

    table = np.empty(len(texts), dtype=object)
    table[:] = list(texts)
    return table[codes].tolist()


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
    return _score(adapted, len(values), lambda j: values[:, j], straightlining)


def score_table(
    adapted: AdaptedInstrument, table: ResponseTable, *, straightlining: int | None = None
) -> ScaleScores:
    """Score a response table its reader has validated (every reader does, naming the
    file's own rows), a column at a time: a table read in bulk
    (:class:`relscale.io.bulk_table.BulkTable`) is never made into one float matrix.
    The same rules and results as :func:`score_responses` on ``table.values``."""
    if len(table.items) != len(adapted.items):
        raise DataError(
            _("{source}: expected {n} item columns, got shape {shape}").format(
                source=table.source, n=len(adapted.items),
                shape=(table.n, len(table.items)))
        )

    def column(j: int) -> np.ndarray:
        return not_applicable_to_missing(adapted, table.item_values(j))

    return _score(adapted, table.n, column, straightlining)


def _score(
    adapted: AdaptedInstrument, n: int, column: Callable[[int], np.ndarray],
    straightlining: int | None,
) -> ScaleScores:
    """The rules over ``n`` respondents, item ``j``'s answers given by ``column(j)``."""
    import numpy as np

    reverse = np.array([item.keying == "-" for item in adapted.items], dtype=bool)
    scores = ScaleScores(dimensions=tuple(d.id for d in adapted.dimensions), raw={},
                         answered={}, needed={}, n_items={}, rows=n, column=column,
                         reverse=reverse, scale=(adapted.scale.min, adapted.scale.max))
    for dim in scores.dimensions:
        cols = [j for j, item in enumerate(adapted.items) if item.dimension == dim]
        k = len(cols)
        # Column by column, keyed as it is added: no copy of the matrix. The answers are
        # whole scale points, so the sums are exact whatever the order of adding.
        count = np.zeros(n, dtype=np.int64)
        total = np.zeros(n)
        for j in cols:
            keyed = scores.keyed_column(j)
            answered = ~np.isnan(keyed)
            count += answered
            total += np.where(answered, keyed, 0.0)
        need = min_answered_count(k, adapted.scoring.min_answered)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        score = mean * k if adapted.scoring.method == "sum" else mean
        scores.raw[dim] = np.where(count >= need, score, np.nan)
        scores.answered[dim] = count
        scores.needed[dim] = need
        scores.n_items[dim] = k

    if straightlining is not None:
        n_answered = np.zeros(n, dtype=np.int64)
        big = np.full(n, -np.inf)
        small = np.full(n, np.inf)
        for j in range(len(adapted.items)):  # fmax and fmin pass over a missing answer
            values = column(j)
            n_answered += ~np.isnan(values)
            np.fmax(big, values, out=big)
            np.fmin(small, values, out=small)
        scores.straightlining = (n_answered >= straightlining) & (big == small)
    return scores


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
    from relscale.scoring.norms import band_label, describe_norms, norm_steps, select_norm_table

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
    nothing = np.full(n, np.nan)
    result = {d: {"percentile": nothing.copy() if len(position) > 1 else nothing,
                  "t": nothing.copy() if len(position) > 1 else nothing}
              for d in scores.dimensions}
    # Texts as a few distinct texts and a position per respondent (0: "").
    texts: dict[str, dict[str, int]] = {
        name: {"": 0} for name in (NORM_GROUP, NORM_STATUS,
                                   *(f"{d}_band" for d in scores.dimensions))}
    codes = {name: np.zeros(n, dtype=np.uint32) for name in texts}

    def code(name: str, text: str) -> int:
        return texts[name].setdefault(text, len(texts[name]))

    used = np.full(n, None, dtype=object)
    for key, gi in position.items():
        rows = np.flatnonzero(key_index == gi) if len(position) > 1 else slice(None)
        table = select_norm_table(tables, dict(key))
        if table is None:
            label = tr(N_("no norm table for {group}")).format(
                group=", ".join(f"{k}={v}" for k, v in key) or tr(N_("all"))
            )
            codes[NORM_GROUP][rows] = code(NORM_GROUP, label)
            continue
        codes[NORM_GROUP][rows] = code(NORM_GROUP, describe_norms(table, locale))
        codes[NORM_STATUS][rows] = code(NORM_STATUS, table.population.status)
        used[rows] = table
        for d in scores.dimensions:
            if table.dimension(d) is None:
                continue
            step = norm_steps(table, d, scores.raw[d][rows])
            if isinstance(rows, slice):  # everyone: the look-up's own arrays
                result[d] = {"percentile": step.percentile, "t": step.t}
            else:
                result[d]["percentile"][rows] = step.percentile
                result[d]["t"][rows] = step.t
            name = f"{d}_band"
            by_step = np.array([code(name, band_label(b, locale) if b else "")
                                for b in step.bands], dtype=np.uint32)
            codes[name][rows] = np.where(step.missing, 0, by_step[step.index])
    scores.coded = {name: (list(found), codes[name]) for name, found in texts.items()}
    for d in scores.dimensions:
        result[d]["band"] = _coded_array(*scores.coded[f"{d}_band"])
    scores.norms = result
    scores.norm_group = coded_texts(*scores.coded[NORM_GROUP])
    scores.norm_status = coded_texts(*scores.coded[NORM_STATUS])
    scores.norm_tables = used.tolist()


def _coded_array(texts: list[str], codes: np.ndarray) -> np.ndarray:
    """:func:`coded_texts` as an object array."""
    import numpy as np

    table = np.empty(len(texts), dtype=object)
    table[:] = texts
    return table[codes]

"""Scoring a plain CSV file in bulk: the engine's rules as polars expressions.

:func:`relscale.scoring.run.score_files` takes this path for one plain CSV file (read by
:func:`relscale.io.responses.read_csv_answers`) scored with one norm group for everyone;
everything else goes through the numpy engine. The rules are the engine's, spelt as
polars expressions over the answer columns, so no Python code runs per row or per cell:

- reverse keying, answered counts and the minimum-answered rule, mean or prorated sum
  (:func:`relscale.scoring.engine.score_responses`; answers are whole numbers, so the
  sums are exact and the scores the same floats as numpy's);
- percentile, T and band by the step look-up of :func:`relscale.scoring.norms.apply_norms`
  and the table choice and wording of :func:`relscale.scoring.engine.add_norms`;
- status, reason and straight-lining (:class:`relscale.scoring.engine.ScaleScores`);
- the CSV cells of :func:`relscale.scoring.results.write_csv` (the CSV-injection guard on
  text, empty for missing), written by polars in one go.

``tests/test_bulk_scoring.py`` compares the output with the numpy engine's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.i18n import N_, _
from relscale.model import columns as col

if TYPE_CHECKING:
    import polars as pl

    from relscale.io.bulk_csv import BulkAnswers
    from relscale.model.models import AdaptedInstrument, NormTable

PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``str.strip()`` removes (``str.isspace``), for polars."""


@dataclass
class BulkScores:
    """The scored output of :func:`score_bulk`, ready to write."""

    columns: list[str]
    frame: pl.DataFrame | None
    """The output's columns, typed as the CSV writes them (null for an empty cell), but
    for the ones that hold one text for everyone (in ``constants``); None once freed."""
    constants: dict[str, str]
    counts: dict[str, int]
    norm_statuses: set[str]
    straightlining: int | None


def score_bulk(
    answers: BulkAnswers,
    adapted: AdaptedInstrument,
    group: dict[str, str] | None,
    *,
    locale: str,
    straightlining: int | None = None,
) -> BulkScores:
    """Score answers read in bulk, with one norm group (``group``) for everyone."""
    import polars as pl

    from relscale.scoring.engine import min_answered_count

    lo, hi = adapted.scale.min, adapted.scale.max
    dims = [d.id for d in adapted.dimensions]
    keyed = {
        item.id: (lo + hi - pl.col(item.id).cast(pl.Int32)) if item.keying == "-"
        else pl.col(item.id).cast(pl.Int32)
        for item in adapted.items
    }
    count_names = [f"\x00n{j}" for j in range(len(dims))]
    stats: list[pl.Expr] = []
    n_items: dict[str, int] = {}
    needed: dict[str, int] = {}
    for dim, count_name in zip(dims, count_names, strict=True):
        ids = [item.id for item in adapted.items if item.dimension == dim]
        n_items[dim] = k = len(ids)
        needed[dim] = need = min_answered_count(k, adapted.scoring.min_answered)
        count = pl.sum_horizontal(pl.col(i).is_not_null() for i in ids)
        total = pl.sum_horizontal(keyed[i].fill_null(0) for i in ids)
        mean = total / count
        score = mean * k if adapted.scoring.method == "sum" else mean
        stats += [pl.when(count >= need).then(score).alias(dim), count.alias(count_name)]
    # A 'does not apply' code never comes this way (the file is read by the usual reader),
    # so the items without an answer are the missing ones.
    counts = col.count_columns(adapted)
    stats += [(n_items[d] - pl.sum_horizontal(
        pl.col(i.id).is_not_null() for i in adapted.items if i.dimension == d)
               if suffix == col.N_MISSING_SUFFIX else pl.lit(0)).cast(pl.Int64).alias(name)
              for name, d, suffix in counts]
    frame = answers.frame.with_columns(stats)
    # Status, reason and the flag from the scores and counts.
    n_missing = pl.col("\x00missing")
    frame = frame.with_columns(
        pl.sum_horizontal(pl.col(d).is_null() for d in dims).cast(pl.Int32).alias("\x00missing"))
    scored, rejected, n = frame.select(
        (n_missing == 0).sum().alias("a"), (n_missing == len(dims)).sum().alias("b"),
        pl.len()).row(0)
    counted = {col.STATUS_SCORED: scored, col.STATUS_REJECTED: rejected,
               col.STATUS_INCOMPLETE: n - scored - rejected}
    status = (
        pl.when(n_missing == 0).then(pl.lit(col.STATUS_SCORED))
        .when(n_missing == len(dims)).then(pl.lit(col.STATUS_REJECTED))
        .otherwise(pl.lit(col.STATUS_INCOMPLETE))
    )
    extra = [status.alias(col.STATUS)]
    if straightlining is not None:
        values = [pl.col(i.id) for i in adapted.items]
        flag = (pl.sum_horizontal(v.is_not_null() for v in values) >= straightlining) & (
            pl.max_horizontal(values) == pl.min_horizontal(values)
        )
        extra.append(flag.fill_null(False).cast(pl.Int8).alias(col.STRAIGHTLINING))
    norm_exprs, constants, statuses = _norms(adapted, dims, group, locale, frame)
    first = [e.meta.output_name().startswith("\x00") for e in norm_exprs]
    reasons = _reasons(frame, dims, count_names, n_items, needed)
    frame = frame.with_columns(
        [*[e for e, f in zip(norm_exprs, first, strict=True) if f], reasons])
    frame = frame.with_columns(
        extra + [e for e, f in zip(norm_exprs, first, strict=True) if not f])
    frame = frame.drop([c for c in frame.columns if c.startswith("\x00")])
    columns = [*answers.id_columns, *answers.items, *dims, *(name for name, _d, _s in counts)]
    if adapted.norms:
        columns += [f"{d}_{s}" for d in dims for s in col.NORM_SUFFIXES]
    columns += [col.STATUS, col.REASON]
    if straightlining is not None:
        columns.append(col.STRAIGHTLINING)
    columns += list(constants)
    frame = frame.with_columns(_texts(frame, answers.id_columns))
    flagged = (None if straightlining is None
               else int(frame[col.STRAIGHTLINING].sum()))
    return BulkScores(
        columns=columns,
        frame=frame,
        constants=constants,
        counts={s: int(counted.get(s, 0)) for s in (
            col.STATUS_SCORED, col.STATUS_INCOMPLETE, col.STATUS_REJECTED)},
        norm_statuses=statuses,
        straightlining=flagged,
    )


def _reasons(
    frame: pl.DataFrame, dims: list[str], counts: list[str], n_items: dict[str, int],
    needed: dict[str, int],
) -> pl.Series:
    """:meth:`relscale.scoring.engine.ScaleScores.reasons` over ``frame`` (the scores and
    answered counts): respondents share few patterns (which scales are missing, how many
    answers), so each pattern is worded once, in Python, and the rows point to it."""
    import polars as pl

    from relscale.io.csv_safety import csv_text

    base = 2 * (max(n_items.values(), default=0) + 1)
    key = pl.sum_horizontal(
        (pl.col(c).cast(pl.Int64) * 2 + pl.col(d).is_null().cast(pl.Int64)) * base**j
        for j, (d, c) in enumerate(zip(dims, counts, strict=True))
    )
    some = pl.any_horizontal(pl.col(d).is_null() for d in dims)
    keys = frame.select(pl.when(some).then(key).alias("key")).to_series()
    patterns = keys.drop_nulls().unique().sort().to_list()
    part = _("{dimension} ({answered} of {total}, needs {needed})")
    texts = []
    for pattern in patterns:
        cells = [(pattern // base**j) % base for j in range(len(dims))]
        miss, answered = [c % 2 for c in cells], [c // 2 for c in cells]
        if sum(answered) == 0:
            texts.append(csv_text(_("no answers")))
            continue
        parts = [
            part.format(dimension=d, answered=answered[j], total=n_items[d], needed=needed[d])
            for j, d in enumerate(dims)
            if miss[j]
        ]
        texts.append(csv_text(_("too few answers: {scales}").format(scales=", ".join(parts))))
    shown = [t or None for t in texts]
    return keys.replace_strict(patterns, shown, default=None, return_dtype=pl.String).alias(
        col.REASON)


def _texts(frame: pl.DataFrame, names: list[str]) -> list[pl.Expr]:
    """:func:`_text` for the text columns ``names`` of ``frame``, skipping the work where
    no cell starts with a trigger character or is empty (the usual identifiers)."""
    import polars as pl

    from relscale.scoring.results import TRIGGER

    if not names:
        return []
    checks = frame.select(
        pl.any_horizontal(
            pl.col(c).str.contains(TRIGGER).any(), (pl.col(c).str.len_bytes() == 0).any()
        ).alias(c)
        for c in names
    ).row(0)
    return [_text(pl.col(c)).alias(c) for c, work in zip(names, checks, strict=True) if work]


def _text(expr: pl.Expr) -> pl.Expr:
    """A text column as the CSV writes it: guarded (:mod:`relscale.io.csv_safety`), empty
    as null."""
    import polars as pl

    from relscale.scoring.results import guard_expr

    shown = guard_expr(expr)
    return pl.when(shown.str.len_bytes() > 0).then(shown)


def _norms(
    adapted: AdaptedInstrument, dims: list[str], group: dict[str, str] | None, locale: str,
    frame: pl.DataFrame,
) -> tuple[list[pl.Expr], dict[str, str], set[str]]:
    """The norm columns (expressions), the columns with one text for everyone (norm group
    and status) and the statuses of the tables applied, as
    :func:`relscale.scoring.engine.add_norms` gives them for one group."""
    import polars as pl

    from relscale.i18n import Translator, resolve_locale
    from relscale.io.csv_safety import csv_text
    from relscale.scoring.norms import describe_norms, select_norm_table

    if not adapted.norms:
        return [], {}, set()
    tr = Translator(resolve_locale(locale)[0]).lookup
    key = tuple(sorted((group or {}).items()))
    table = select_norm_table(adapted.norms, dict(key))
    exprs: list[pl.Expr] = []
    if table is None:
        label = tr(N_("no norm table for {group}")).format(
            group=", ".join(f"{k}={v}" for k, v in key) or tr(N_("all")))
        for d in dims:
            exprs += [pl.lit(None, pl.Float64).alias(f"{d}_percentile"),
                      pl.lit(None, pl.Float64).alias(f"{d}_t"),
                      pl.lit(None, pl.String).alias(f"{d}_band")]
        return exprs, {col.NORM_GROUP: csv_text(label), col.NORM_STATUS: ""}, set()
    for d in dims:
        exprs += _dimension_norms(table, d, locale, frame)
    constants = {col.NORM_GROUP: csv_text(describe_norms(table, locale)),
                 col.NORM_STATUS: csv_text(table.population.status)}
    return exprs, constants, {str(table.population.status)} - {""}


def _dimension_norms(
    table: NormTable, d: str, locale: str, frame: pl.DataFrame
) -> list[pl.Expr]:
    """Percentile, T and band of one dimension: :func:`relscale.scoring.norms.apply_norms`."""
    import polars as pl

    from relscale.io.csv_safety import csv_text
    from relscale.scoring.norms import TOLERANCE, band_for, band_label, normalized_t

    norm = table.dimension(d)
    if norm is None:
        return [pl.lit(None, pl.Float64).alias(f"{d}_percentile"),
                pl.lit(None, pl.Float64).alias(f"{d}_t"),
                pl.lit(None, pl.String).alias(f"{d}_band")]
    steps = norm.percentiles
    raws = pl.Series([float(p.raw) for p in steps], dtype=pl.Float64)
    pcts = pl.Series([float(p.percentile) for p in steps], dtype=pl.Float64)
    ts = pl.Series([float(p.t) if p.t is not None else normalized_t(p.percentile / 100, norm.n)
                    for p in steps], dtype=pl.Float64)
    labels = {b.label for b in table.bands}
    bands = []
    for p in steps:
        label = band_for(table.bands, float(p.percentile))
        text = csv_text(band_label(label, locale)) if label in labels and label else ""
        bands.append(text or None)
    x = pl.col(d)
    found = x.is_not_null()
    name = f"\x00step_{d}"
    step_expr = (
        pl.lit(raws).search_sorted(x.fill_null(raws[0]) + TOLERANCE, side="right")
        .cast(pl.Int64) - 1
    ).clip(0, len(steps) - 1).alias(name)
    step = pl.col(name)
    if table.t_score == "linear":
        # Worked out in Python for each distinct raw score, the floats numpy gives
        # (polars may reorder the arithmetic, a last digit apart).
        raw = frame[d].drop_nulls().unique().to_list()
        linear = [50 + 10 * (r - norm.mean) / norm.sd for r in raw]
        t = x.replace_strict(raw, linear, default=None, return_dtype=pl.Float64)
    else:
        t = pl.when(found).then(pl.lit(ts).gather(step))
    return [
        step_expr,
        pl.when(found).then(pl.lit(pcts).gather(step)).alias(f"{d}_percentile"),
        t.alias(f"{d}_t"),
        pl.when(found).then(pl.lit(pl.Series(bands, dtype=pl.String)).gather(step))
        .alias(f"{d}_band"),
    ]


def has_duplicates(answers: BulkAnswers, columns: Sequence[str]) -> bool:
    """Whether two rows have the same identifier (``columns``, each stripped as Python
    strips, in NFC), rows with every one empty not compared: the test of
    :func:`relscale.scoring.run.duplicate_respondents`, in bulk. Hashes first (distinct
    hashes: no duplicate), the values themselves only when two hashes agree."""
    import polars as pl

    if not columns:
        return False
    frame = answers.frame
    space = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PY_WHITESPACE) + "]"
    padded = frame.select(
        pl.any_horizontal(pl.col(c).str.contains(f"^{space}|{space}$").any() for c in columns)
    ).item()
    keys = [pl.col(c).str.strip_chars(PY_WHITESPACE) if padded else pl.col(c)
            for c in columns]
    ascii_only = frame.select(pl.all_horizontal(
        pl.col(c).str.contains(r"^[\x00-\x7F]*$").all() for c in columns)).item()
    if not ascii_only:  # compared in NFC, as relscale.model.columns.id_key compares
        keys = [k.str.normalize("NFC") for k in keys]
    kept = pl.any_horizontal(k.str.len_bytes() > 0 for k in keys)
    key = keys[0] if len(keys) == 1 else pl.struct(keys)
    hashed = pl.when(kept).then(key.hash()).drop_nulls()
    distinct, n = frame.select(hashed.n_unique().alias("a"), hashed.len().alias("b")).row(0)
    if distinct == n:
        return False
    return bool(frame.select(key.filter(kept).is_duplicated().any()).item())


def write_bulk_csv(scores: BulkScores, path: Path, decimals: int | None = 4) -> bool:
    """Write the scored CSV as :func:`relscale.scoring.results.write_csv` writes the same
    table (scores rounded to ``decimals``, as numpy rounds); False (nothing written) where
    a float column would print otherwise."""
    import io

    import polars as pl

    from relscale.io.csv_safety import writer as csv_writer
    from relscale.scoring.results import FLOAT_RANGE

    columns = scores.columns
    if len(columns) < 2 or len(set(columns)) != len(columns):
        return False
    frame = scores.frame
    if frame is None:
        return False
    floats = [name for name, dtype in frame.schema.items() if dtype == pl.Float64]
    if floats and decimals is not None:
        import numpy as np

        frame = frame.with_columns(
            pl.col(floats).map_batches(
                lambda s: pl.Series(s.name, np.round(s.to_numpy(), decimals)).fill_nan(None),
                return_dtype=pl.Float64))
    if floats:
        # Polars prints a float as repr() does when it is finite and zero (not -0.0) or
        # in FLOAT_RANGE (relscale.scoring.results.floats_print_as_repr).
        lo, hi = FLOAT_RANGE
        size = pl.col(floats).abs()
        fine = (size.is_finite() & (((size == 0) & (1 / pl.col(floats) > 0))
                                    | ((size >= lo) & (size < hi)))) | size.is_null()
        if not all(frame.select(fine.all()).row(0)):
            return False
    head = io.StringIO()
    csv_writer(head).writerow(columns)
    constants = [pl.lit(text or None, pl.String).alias(name)
                 for name, text in scores.constants.items()]
    out = frame.lazy().with_columns(constants).select(columns)
    with Path(path).open("wb") as fh:
        fh.write(head.getvalue().encode("utf-8"))
        out.sink_csv(fh, include_header=False, line_terminator="\r\n",
                     quote_style="necessary", null_value="")
    return True

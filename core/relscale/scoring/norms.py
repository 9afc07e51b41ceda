"""Norm tables: percentile ranks, T-scores and verbal bands for raw scale scores.

The definitions below are the contract the scorer, the scoring sheet and ``norms build``
share; ``docs/norms.md`` explains them for users.

**Percentile rank** (Dutch practice): the share of the norm group, in percent, scoring
*at or below* a raw score: ``100 * #(x_i <= x) / N``. We report this and not the mid-rank
variant ``100 * (#(x_i < x) + #(x_i = x) / 2) / N`` because it is what Dutch manuals and
COTAN reviews call a percentile, and because a norm table's steps then read the way a
user checks them by hand ("83% of the norm group scored this or lower").

**Look-up** is a step function: raw score ``x`` takes the values of the
:class:`~relscale.model.models.PercentilePoint` with the largest ``raw <= x``, so a scoring sheet
reproduces it with Excel ``LOOKUP(x, raws, percentiles)``. Tables built by relscale start
at the scale minimum (a point with percentile 0 when nobody scored that low), so every
valid raw score has a step. Below the first point of a hand-written table the first
point's values are used (the table's floor). Raw scores are compared with a tolerance of
1e-9 and the builder truncates step raws to 6 decimals, so a mean computed in another
order (numpy, Excel ``AVERAGE``) still finds its own step.

**Normalized T**: ``50 + 10 * Phi^-1(p)`` with ``p`` the *mid-rank* proportion
``(#(x_i < x) + #(x_i = x) / 2) / N``: the at-or-below share would give ``p = 1`` (an
infinite T) at the top score. ``p`` is clamped to ``[1 / (2N), 1 - 1 / (2N)]``, the
mid-rank of a single observation, so a raw score nobody in the norm group reached gets a
finite T. **Linear T**: ``50 + 10 * (x - mean) / sd`` with the norm group's mean and SD.
A table's ``t_score`` says which one ``<dimension>_t`` reports.

**Bands** are read from the percentile rank: ``lower <= P < upper``, the last band closed.
They describe the score *level*, not whether it is good: a conflict score in the band
"very high" means much conflict. Band labels are English source strings translated with
:func:`band_label`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import ContentError, RelscaleError
from relscale.i18n import N_, _
from relscale.model.models import Band, DimensionNorm, NormTable

if TYPE_CHECKING:
    import numpy as np

    from relscale.io.tables import ResponseTable
    from relscale.model.models import AdaptedInstrument


TOLERANCE = 1e-9
RAW_DECIMALS = 6

# --- banding schemes --------------------------------------------------------------------

BANDINGS: dict[str, tuple[tuple[str, float, float], ...]] = {
    # The Dutch decile reading: 1 zeer laag, 2 laag, 3 onder gemiddeld,
    # 4 iets onder gemiddeld, 5-6 gemiddeld, 7 iets boven gemiddeld, 8 boven gemiddeld,
    # 9 hoog, 10 zeer hoog.
    "deciles_nl": (
        (N_("very low"), 0, 10),
        (N_("low"), 10, 20),
        (N_("below average"), 20, 30),
        (N_("slightly below average"), 30, 40),
        (N_("average"), 40, 60),
        (N_("slightly above average"), 60, 70),
        (N_("above average"), 70, 80),
        (N_("high"), 80, 90),
        (N_("very high"), 90, 100),
    ),
    # A coarser reading for short reports: the outer 10%, the next 15%, the middle half.
    "five_band": (
        (N_("very low"), 0, 10),
        (N_("below average"), 10, 25),
        (N_("average"), 25, 75),
        (N_("above average"), 75, 90),
        (N_("very high"), 90, 100),
    ),
}
DEFAULT_BANDING = "deciles_nl"


def banding_bands(name: str) -> tuple[Band, ...]:
    """The bands of a named banding scheme (``deciles_nl``, ``five_band``)."""
    try:
        scheme = BANDINGS[name]
    except KeyError:
        known = ", ".join(sorted(BANDINGS))
        raise RelscaleError(
            _("unknown banding {name!r} (known: {known})").format(name=name, known=known)
        ) from None
    return tuple(Band(label=label, lower=lo, upper=hi) for label, lo, hi in scheme)


def band_label(label: str, locale: str | None = None) -> str:
    """A band's English source label translated into ``locale`` (default: the UI locale)."""
    from relscale.i18n import Translator, resolve_locale

    if locale is None:
        return _(label)
    used, _notes = resolve_locale(locale)
    return Translator(used).lookup(label)


def band_index(bands: Sequence[Band], percentile: float) -> int | None:
    """The position of the band holding ``percentile``: ``[lower, upper)``, the last closed."""
    if percentile is None or math.isnan(percentile):
        return None
    for i, band in enumerate(bands):
        last = i == len(bands) - 1
        if band.lower <= percentile < band.upper or (last and percentile == band.upper):
            return i
    return None


def band_for(bands: Sequence[Band], percentile: float) -> str | None:
    """The label of the band holding ``percentile`` (:func:`band_index`)."""
    i = band_index(bands, percentile)
    return None if i is None else bands[i].label


# --- look-up ----------------------------------------------------------------------------


def normal_quantile(p: float) -> float:
    """Phi^-1(p), the standard normal quantile (stdlib, no scipy)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def normalized_t(p: float, n: int) -> float:
    """``50 + 10 * Phi^-1(p)`` with ``p`` clamped to ``[1/(2n), 1 - 1/(2n)]``."""
    lo = 1 / (2 * n)
    return 50 + 10 * normal_quantile(min(max(p, lo), 1 - lo))


def _dimension_norm(table: NormTable, dimension: str) -> DimensionNorm:
    norm = table.dimension(dimension)
    if norm is None:
        have = ", ".join(d.dimension for d in table.dimensions)
        raise RelscaleError(
            _("norm table {instrument}/{sector}/{perspective} ({group}) has no norms for "
              "dimension {dimension!r} (it has: {have})").format(
                instrument=table.instrument,
                sector=table.sector,
                perspective=table.perspective,
                group=table.group_label,
                dimension=dimension,
                have=have,
            )
        )
    return norm


def apply_norms(table: NormTable, dimension: str, raw: Any) -> dict[str, np.ndarray]:
    """Percentile ranks, T-scores and bands for raw scale scores of one dimension.

    :param table: the norm table (see :func:`select_norm_table`).
    :param dimension: dimension id, e.g. ``closeness``.
    :param raw: raw scale scores (array-like; NaN for a missing score).
    :returns: ``{"percentile": float array, "t": float array, "band": object array}``;
        ``band`` holds English source labels (translate with :func:`band_label`); a NaN
        raw score gives NaN, NaN and None.
    """
    import numpy as np

    norm = _dimension_norm(table, dimension)
    x = np.asarray(raw, dtype=float).reshape(-1)
    raws = np.array([p.raw for p in norm.percentiles])
    pcts = np.array([p.percentile for p in norm.percentiles])
    ts = np.array(
        [
            p.t if p.t is not None else normalized_t(p.percentile / 100, norm.n)
            for p in norm.percentiles
        ]
    )
    missing = np.isnan(x)
    # Largest step raw <= x; below the first step, the first step (the table's floor).
    idx = np.searchsorted(raws, np.where(missing, raws[0], x) + TOLERANCE, side="right") - 1
    idx = np.clip(idx, 0, len(raws) - 1)
    percentile = np.where(missing, np.nan, pcts[idx])
    if table.t_score == "linear":
        t = 50 + 10 * (x - norm.mean) / norm.sd
    else:
        t = np.where(missing, np.nan, ts[idx])
    # A respondent's band depends only on their step: label each step once, then index
    # (a per-respondent loop cost seconds per million rows).
    step_bands = np.array([band_for(table.bands, float(p)) for p in pcts], dtype=object)
    band = step_bands[idx]
    band[missing] = None
    return {"percentile": percentile, "t": t, "band": band}


def select_norm_table(
    tables: Iterable[NormTable], group: Mapping[str, str] | None = None
) -> NormTable | None:
    """The table for a norm group: an exact group match first, then the 'all' table.

    ``tables`` should already be those of one instrument x sector x perspective (e.g.
    ``AdaptedInstrument.norms``, where tables passed with ``--norms`` come first and so
    win over registered ones). Returns None when neither exists.
    """
    from relscale.model.columns import id_key

    tables = list(tables)
    wanted = {id_key(k): id_key(v) for k, v in (group or {}).items()}
    if wanted:
        for table in tables:
            if {id_key(k): id_key(v) for k, v in table.group.items()} == wanted:
                return table
    for table in tables:
        if not table.group:
            return table
    return None


_STATUS = {
    "illustrative": N_("Illustrative norms (synthetic data, N={n})"),
    "local": N_("Local norms (N={n}, {year})"),
    "published": N_("Published norms (N={n}, {year})"),
}


_BANDING_WORDS = {"deciles_nl": N_("Dutch decile bands"), "five_band": N_("five bands")}
_PERSPECTIVE_WORDS = {"professional": N_("professional's report"),
                      "client": N_("client's report")}


def describe_norms(table: NormTable, locale: str | None = None) -> str:
    """One localized line naming the norms, their status, N, group and banding.

    e.g. ``Illustrative norms (synthetic data, N=1000): foster_homes /
    relationship_quality / professional, group all; bands: deciles_nl``. Every output that
    uses a table prints this, so illustrative norms are never mistaken for real ones.
    Outside English the sector, instrument, perspective and banding are named in words
    (``Gezinshuizen / Relatiekwaliteit / oordeel van de professional``), not ids.
    """
    from relscale.i18n import SOURCE_LOCALE, Translator, current_locale, resolve_locale

    if locale is None:
        tr = _
        used = current_locale()
    else:
        used = resolve_locale(locale)[0]
        tr = Translator(used).lookup
    head = tr(_STATUS[table.population.status]).format(
        n=table.population.n, year=table.population.year
    )
    group = table.group_label if table.group else tr(N_("all"))
    line = tr(
        N_("{head}: {sector} / {instrument} / {perspective}, group {group}; bands: {banding}")
    )
    names: tuple[str, str, str, str] = (table.sector, table.instrument, table.perspective,
                                        table.banding)
    if used.split("_")[0] != SOURCE_LOCALE:
        names = _named(table, used, tr)
    return line.format(head=head, sector=names[0], instrument=names[1],
                       perspective=names[2], group=group, banding=names[3])


def _named(table: NormTable, locale: str, tr: Any) -> tuple[str, str, str, str]:
    """Sector, instrument, perspective and banding of ``table`` in words (ids where the
    registry does not know them: a user's own norm file for an unregistered sector)."""
    from relscale.i18n import CORE_LOCALE_DIR, Translator, ctx_field
    from relscale.plugins import get_registry

    reg = get_registry()
    translator = Translator(locale)
    sector, instrument = table.sector, table.instrument
    known = reg.sectors.get(table.sector)
    if known is not None:
        sector = translator.lookup(known.label, context=ctx_field("sector", "label"),
                                   domain=known.domain, locale_dir=known.locale_dir)
    inst = reg.instruments.get(table.instrument)
    if inst is not None:
        instrument = translator.lookup(inst.title, context=ctx_field(inst.id, "title"),
                                       domain=inst.domain,
                                       locale_dir=inst.locale_dir or CORE_LOCALE_DIR)
    perspective = tr(_PERSPECTIVE_WORDS.get(table.perspective, table.perspective))
    banding = tr(_BANDING_WORDS.get(table.banding, table.banding))
    return sector, instrument, perspective, banding


# --- norm groups ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    """Which norm group respondents belong to: the same for everyone (``fixed``), completed
    per respondent from data columns (``columns``)."""

    fixed: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


def parse_group_specs(specs: Iterable[str], *, columns: bool = True) -> GroupSpec:
    """Parse ``--group`` values: ``KEY=VALUE`` puts everyone in that group; a bare ``KEY``
    (only with ``columns``) names the data column that gives each respondent's value.

    :raises RelscaleError: an empty key, or a bare key where only ``KEY=VALUE`` is allowed.
    """
    fixed: dict[str, str] = {}
    from_columns: list[str] = []
    for spec in specs:
        key, sep, value = spec.partition("=")
        key = key.strip()
        if not columns and (not sep or not key):
            raise RelscaleError(_("--group {spec!r}: expected KEY=VALUE").format(spec=spec))
        if not key:
            raise RelscaleError(
                _("--group {spec!r}: expected KEY=VALUE or a column name").format(spec=spec)
            )
        if sep:
            fixed[key] = value.strip()
        else:
            from_columns.append(key)
    return GroupSpec(fixed, tuple(from_columns))


def respondent_groups(
    spec: GroupSpec, table: ResponseTable
) -> dict[str, str] | list[dict[str, str]] | None:
    """The norm group of a response table's respondents, as
    :func:`relscale.scoring.engine.add_norms` takes it: None (everyone in 'all'), one dict
    for everyone, or one dict per respondent when a column gives the group.

    :raises RelscaleError: a group column the table does not have.
    """
    for key in spec.columns:
        if key not in table.ids:
            raise RelscaleError(
                _("--group {key}: {source} has no column {key!r} (columns: {columns})").format(
                    key=key, source=table.source,
                    columns=", ".join(table.id_columns) or _("none"),
                )
            )
    if not spec.columns:
        return dict(spec.fixed) or None
    return [
        {**spec.fixed, **{key: table.ids[key][i].strip() for key in spec.columns}}
        for i in range(table.n)
    ]


# --- files ------------------------------------------------------------------------------


def norm_table_to_toml(table: NormTable) -> str:
    """The TOML text of a norm table, in the format :func:`relscale.load_norm_table` reads."""
    import tomli_w

    data = table.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)


def write_norm_table(table: NormTable, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a norm table as TOML, atomically; an existing file only with ``overwrite``."""
    from relscale.io.atomic import atomic_write

    text = norm_table_to_toml(table)
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def read_norm_table(path: str | Path) -> NormTable:
    """Load a norm table file given by a user (``--norms FILE``); errors name the file."""
    from relscale.model.content import load_norm_table

    path = Path(path)
    if path.is_dir():
        raise ContentError(
            _("{path}: is a folder, expected a norm table file (.toml)").format(path=path)
        )
    table = load_norm_table(path)
    check_norm_table(table, path)
    return table


def check_norm_table(table: NormTable, path: object = "norm table") -> None:
    """Checks beyond the model: bands cover 0..100 without gaps; percentiles within 0..100."""
    bands = sorted(table.bands, key=lambda b: b.lower)
    if bands[0].lower != 0 or bands[-1].upper != 100:
        raise ContentError(_("{path}: bands must cover percentiles 0 to 100").format(path=path))
    for a, b in itertools.pairwise(bands):
        if a.upper != b.lower:
            raise ContentError(
                _("{path}: bands {first!r} and {second!r} leave a gap or overlap "
                  "({upper:g} vs {lower:g})").format(
                    path=path, first=a.label, second=b.label, upper=a.upper, lower=b.lower
                )
            )


def with_norms_file(adapted: AdaptedInstrument, path: str | Path) -> AdaptedInstrument:
    """``adapted`` with the norm table in ``path`` (``--norms FILE``) as its only norm
    table: a file given is used or refused (:func:`check_norms_fit`), never set aside for
    a registered table (the illustrative norms' group "all" would otherwise take every
    respondent a group table of the file does not cover).

    :raises ContentError: the file is not a valid norm table.
    :raises RelscaleError: the table is for another instrument, sector or perspective.
    """
    table = read_norm_table(path)
    if (table.instrument, table.sector, table.perspective) != (
        adapted.instrument, adapted.sector, adapted.perspective,
    ):
        raise RelscaleError(
            _("{path}: norms for {table}, not {adapted}").format(
                path=path,
                table=f"{table.instrument}/{table.sector}/{table.perspective}",
                adapted=f"{adapted.instrument}/{adapted.sector}/{adapted.perspective}",
            )
        )
    return adapted.model_copy(update={"norms": (table,)})


def check_norms_fit(table: NormTable, path: object,
                    groups: Mapping[str, str] | Sequence[Mapping[str, str]] | None) -> None:
    """Refuse a norm table file (``--norms``) that no respondent's group selects: one
    group for everyone (a dict; None: no group), or one per respondent.

    :raises RelscaleError: naming the file, the table's group and what to give."""
    many = groups if isinstance(groups, Sequence) else [groups or {}]
    if any(select_norm_table([table], g) is table for g in many):
        return
    wanted = ", ".join(f"{k}={v}" for k, v in table.group.items())
    raise RelscaleError(_(
        "{path}: a norm table for group {group}, which no respondent belongs to; give "
        "--group {group} (or --group with the column that holds {keys})").format(
        path=path, group=wanted, keys=", ".join(table.group)))

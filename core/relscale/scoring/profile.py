"""Relationship profiles: per professional-client pair, each dimension's score in the
norm group, from the professional's and the client's view, and change between waves.

The feedback step of relationship-focused coaching shows a professional (teacher, foster
parent, support worker, youth worker) a profile per child or client: closeness, conflict,
dependency (or bond, goals, tasks) in bands, the professional's view beside the client's,
discussed with a coach. :func:`build_profiles` gathers what such a page shows;
:mod:`relscale.workbooks.profile` lays it out.

Pairs are matched on codes: a professional report's ``respondent_code`` (the professional)
and ``subject_code`` (the client) against a client report's ``subject_code`` and
``respondent_code``. Data with a ``wave`` column (or a ``before`` file) give each
dimension's change since the first wave with its reliable change index
(:mod:`relscale.scoring.change`).
"""

from __future__ import annotations

import csv
import itertools
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relscale.errors import DataError, RelscaleError
from relscale.i18n import _
from relscale.model.models import AdaptedInstrument, Band, NormTable
from relscale.scoring.change import WAVE, reliable_change, wave_key
from relscale.scoring.norms import band_index


@dataclass(frozen=True)
class View:
    """One perspective's score on one dimension at one wave."""

    raw: float
    percentile: float
    band: str | None
    band_index: int | None
    """Position of the band in the norm table's bands (0 = lowest)."""


@dataclass(frozen=True)
class DimensionLine:
    id: str
    label: str
    favourable: str
    """``high`` or ``low``: which end of the scale is favourable for the relationship."""
    professional: View | None = None
    client: View | None = None
    professional_before: View | None = None
    client_before: View | None = None
    professional_rci: float | None = None
    client_rci: float | None = None


@dataclass
class PairProfile:
    professional_code: str
    client_code: str
    lines: list[DimensionLine]
    wave: str | None = None
    before_wave: str | None = None


@dataclass
class ProfileSet:
    """Everything the profile pages show."""

    professional: AdaptedInstrument
    client: AdaptedInstrument | None
    bands: tuple[Band, ...]
    norms: list[str]
    """One line per norm table used (:func:`relscale.scoring.norms.describe_norms`)."""
    statuses: set[str]
    profiles: list[PairProfile] = field(default_factory=list)
    rci_basis: list[str] = field(default_factory=list)
    """Which SD and reliability the reliable change indices took, per norm table used
    (:func:`rci_basis`); empty without change."""
    warnings: list[str] = field(default_factory=list)
    """Pairs one report has and the other has not (one-sided profiles), one line each."""


def client_counterpart(instrument: str) -> str | None:
    """The instrument a client answers about the same relationship: the same instrument
    when it has a client perspective, else ``<instrument>_client`` when registered."""
    from relscale.plugins import get_registry

    registry = get_registry()
    inst = registry.instrument(instrument)
    if "client" in inst.perspectives:
        return instrument
    try:
        registry.instrument(f"{instrument}_client")
    except (KeyError, RelscaleError):
        return None
    return f"{instrument}_client"


@dataclass
class _Scored:
    adapted: AdaptedInstrument
    ids: dict[str, list[Any]]
    raw: dict[str, Any]
    norms: dict[str, dict[str, Any]]
    table: NormTable | None


def _score(path: Path, instrument: str, sector: str, perspective: str, locale: str,
           norms_file: Path | None = None) -> _Scored:
    """Score a response file, or the items of ``relscale score`` output (its score columns
    are set aside and recomputed: the same rules give the same scores). A ``norms_file``
    comes before the registered norm tables (``--norms``)."""
    from relscale.adapt import adapt
    from relscale.model.columns import reserved_names
    from relscale.scoring.norms import select_norm_table, with_norms_file
    from relscale.scoring.run import score_files

    adapted = adapt(instrument, sector, perspective, locale)  # type: ignore[arg-type]
    if norms_file is not None:
        adapted = with_norms_file(adapted, norms_file)
    source = path
    with tempfile.TemporaryDirectory() as tmp:
        if path.suffix.lower() == ".csv" and path.exists():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            reserved = reserved_names(adapted)
            if rows and reserved & set(rows[0]):
                keep = [j for j, name in enumerate(rows[0]) if name not in reserved]
                source = Path(tmp) / path.name
                with source.open("w", encoding="utf-8", newline="") as fh:
                    # a copy read back at once: not guarded (tests/test_architecture.py)
                    csv.writer(fh).writerows([[r[j] if j < len(r) else "" for j in keep]
                                              for r in rows])
        run = score_files([source], adapted=adapted, locale=locale)
    scores = run.scores
    return _Scored(adapted, dict(run.responses.ids), scores.raw, scores.norms,
                   select_norm_table(adapted.norms, {}))


def _view(s: _Scored, dimension: str, i: int) -> View | None:
    raw = float(s.raw[dimension][i])
    if math.isnan(raw):
        return None
    if not s.norms or s.table is None:
        return View(raw, float("nan"), None, None)
    p = float(s.norms[dimension]["percentile"][i])
    band = s.norms[dimension]["band"][i]
    return View(raw, p, str(band) if band else None, band_index(s.table.bands, p))


def pair_key(code: object, subject: object, *, client: bool = False) -> tuple[str, str]:
    """The (professional code, client code) of a row: its ``respondent_code`` and
    ``subject_code``, as compared (:func:`relscale.model.columns.id_key`: stripped, NFC);
    a client's row names the professional in ``subject_code``. ``("", "")`` is no pair."""
    from relscale.model.columns import id_key

    me, other = id_key(code), id_key(subject)  # NFC: José typed two ways is one code
    return (other, me) if client else (me, other)


def _rows_by_pair(s: _Scored, *, client: bool, name: str) -> dict[tuple[str, str], list[int]]:
    """Row indices per (professional code, client code), in wave order."""
    ids = s.ids
    if "respondent_code" not in ids:
        raise DataError(_("{data}: a respondent_code column is needed to make profiles").format(
            data=name))
    if client and "subject_code" not in ids:
        raise DataError(_(
            "{data}: the client report needs respondent_code and subject_code (the "
            "professional's code) to match pairs"
        ).format(data=name))
    n = len(ids["respondent_code"])
    subject = ids.get("subject_code", [""] * n)
    pairs: dict[tuple[str, str], list[int]] = {}
    for i in range(n):
        key = pair_key(ids["respondent_code"][i], subject[i], client=client)
        if key != ("", ""):
            pairs.setdefault(key, []).append(i)
    waves = ids.get(WAVE)
    if waves is not None:
        for rows in pairs.values():
            rows.sort(key=lambda i: wave_key(waves[i]))
    return pairs


def unmatched_pairs(prof: dict[tuple[str, str], Any], client: dict[tuple[str, str], Any],
                    data: str, client_data: str) -> list[str]:
    """One line per pair that only one report has (its profile shows one view), naming a
    pair of the other report that differs only in case or leading zeros (``007`` / ``7``:
    codes relscale does not take for one another)."""
    def loose(key: tuple[str, str]) -> tuple[str, str]:
        return tuple(part.casefold().lstrip("0") for part in key)  # type: ignore[return-value]

    found = []
    for mine, theirs, name, other in ((prof, client, data, client_data),
                                      (client, prof, client_data, data)):
        near = {loose(k): k for k in theirs if k not in mine}
        for key in sorted(k for k in mine if k not in theirs):
            hint = near.get(loose(key))
            line = _("{data}: pair {professional} / {client} has no match in {other}; its "
                     "profile shows one view").format(data=name, professional=key[0],
                                                      client=key[1], other=other)
            if hint is not None:
                line += " " + _("(there: {professional} / {client}, which differs in case or "
                                "leading zeros only)").format(professional=hint[0],
                                                               client=hint[1])
            found.append(line)
    return found


def _rci(table: NormTable | None, dimension: str, before: View | None,
         after: View | None) -> float | None:
    if table is None or before is None or after is None:
        return None
    norm = table.dimension(dimension)
    if norm is None or norm.reliability is None:
        return None
    return reliable_change(before.raw, after.raw, norm.sd, norm.reliability)


def build_profiles(
    data: Path | str,
    *,
    instrument: str,
    sector: str,
    client_data: Path | str | None = None,
    client_instrument: str | None = None,
    before: Path | str | None = None,
    locale: str = "en",
    norms_file: Path | str | None = None,
    client_norms_file: Path | str | None = None,
) -> ProfileSet:
    """Score the professional's (and the client's) reports and gather one profile per pair.

    :param data: the professional report: raw responses or ``relscale score`` output, with
        ``respondent_code`` and (to match the client's view) ``subject_code``; with a
        ``wave`` column, the last wave is shown and compared with the first.
    :param client_data: the client report of the same pairs (codes the other way round).
    :param client_instrument: default :func:`client_counterpart`.
    :param before: the professional report of an earlier measurement (instead of ``wave``).
    :param norms_file: a norm table (TOML) for the professional's report, before the
        registered ones (``--norms``): percentiles, bands and the reliable change index
        (its SD and reliability) all come from it; ``client_norms_file`` the same for the
        client's report.
    :raises RelscaleError: no norms, or no pairs.
    """
    data = Path(data)
    norms = Path(norms_file) if norms_file is not None else None
    prof = _score(data, instrument, sector, "professional", locale, norms)
    if prof.table is None:
        raise RelscaleError(_(
            "{sector} / {instrument}: no norm table, so no profile can place the scores; "
            "give one with relscale norms build"
        ).format(sector=sector, instrument=instrument))
    client: _Scored | None = None
    if client_data is not None:
        client_id = client_instrument or client_counterpart(instrument)
        if client_id is None:
            raise RelscaleError(_("{instrument}: no client report to set beside it").format(
                instrument=instrument))
        client = _score(Path(client_data), client_id, sector, "client", locale,
                        Path(client_norms_file) if client_norms_file is not None else None)
    earlier = (_score(Path(before), instrument, sector, "professional", locale, norms)
               if before else None)

    return _gather(prof, client, earlier, locale, names=(str(data), str(client_data),
                                                         str(before)))


def profiles_from_scores(adapted: AdaptedInstrument, ids: dict[str, list[Any]],
                         scores: Any, locale: str, *,
                         limit: int | None = None) -> ProfileSet | None:
    """The professional's view per pair from scores already computed (the results
    workbook's profile pages); None where no profile can be made: a client report, no
    norm table, or no ``respondent_code`` column."""
    from relscale.scoring.norms import select_norm_table

    if adapted.perspective != "professional" or not adapted.norms or not scores.norms:
        return None
    if "respondent_code" not in ids:
        return None
    prof = _Scored(adapted, ids, scores.raw, scores.norms,
                   select_norm_table(adapted.norms, {}))
    try:
        return _gather(prof, None, None, locale, names=("data", "", ""), limit=limit)
    except RelscaleError:
        return None


def _gather(prof: _Scored, client: _Scored | None, earlier: _Scored | None, locale: str, *,
            names: tuple[str, str, str], limit: int | None = None) -> ProfileSet:
    """One profile per pair from the scored reports (:func:`build_profiles`); with
    ``limit``, only the pairs that come first in the professional's report that have a
    score (pages for a capped workbook, without building a million)."""
    from relscale.scoring.norms import describe_norms

    assert prof.table is not None
    data, client_data, before = names
    prof_pairs = _rows_by_pair(prof, client=False, name=data)
    client_pairs = (_rows_by_pair(client, client=True, name=client_data)
                    if client is not None else {})
    before_pairs = (_rows_by_pair(earlier, client=False, name=before)
                    if earlier is not None else {})
    dims = list(prof.adapted.dimensions)
    if client is not None:
        dims += [d for d in client.adapted.dimensions if d.id not in {x.id for x in dims}]

    result = ProfileSet(
        professional=prof.adapted,
        client=client.adapted if client else None,
        bands=prof.table.bands,
        norms=[describe_norms(prof.table, locale)]
        + ([describe_norms(client.table, locale)] if client and client.table else []),
        statuses={prof.table.population.status}
        | ({client.table.population.status} if client and client.table else set()),
    )
    if client is not None:
        result.warnings += unmatched_pairs(prof_pairs, client_pairs, data, client_data)
    waves = prof.ids.get(WAVE)
    keys = sorted(set(prof_pairs) | set(client_pairs))
    if limit is not None:
        scored = (key for key, rows in prof_pairs.items()
                  if any(not math.isnan(float(raw[rows[-1]])) for raw in prof.raw.values()))
        keys = sorted(itertools.islice(scored, limit))
    for key in keys:
        p_rows, c_rows = prof_pairs.get(key, []), client_pairs.get(key, [])
        lines = []
        for d in dims:
            pv = _view(prof, d.id, p_rows[-1]) if p_rows and d.id in prof.raw else None
            cv = (_view(client, d.id, c_rows[-1])
                  if client and c_rows and d.id in client.raw else None)
            pb = None
            if len(p_rows) > 1 and d.id in prof.raw:
                pb = _view(prof, d.id, p_rows[0])
            elif earlier is not None and key in before_pairs and d.id in earlier.raw:
                pb = _view(earlier, d.id, before_pairs[key][-1])
            cb = (_view(client, d.id, c_rows[0])
                  if client and len(c_rows) > 1 and d.id in client.raw else None)
            lines.append(DimensionLine(
                id=d.id, label=d.label, favourable=d.favourable,
                professional=pv, client=cv, professional_before=pb, client_before=cb,
                professional_rci=_rci(prof.table, d.id, pb, pv),
                client_rci=_rci(client.table if client else None, d.id, cb, cv),
            ))
        profile = PairProfile(key[0], key[1], lines)
        if waves is not None and len(p_rows) > 1:
            profile.wave = str(waves[p_rows[-1]])
            profile.before_wave = str(waves[p_rows[0]])
        result.profiles.append(profile)
    if not result.profiles:
        raise RelscaleError(_("{data}: no pairs to profile").format(data=data))
    tables = [prof.table] + ([client.table] if client is not None and client.table else [])
    result.rci_basis = rci_basis(tables, result.profiles, locale)
    return result


def rci_basis(tables: list[NormTable], profiles: list[PairProfile], locale: str
              ) -> list[str]:
    """One line per norm table whose SD and reliability a reliable change index on the
    pages took: the table, then SD and reliability per dimension with a change."""
    from relscale.messages import format_number
    from relscale.scoring.norms import describe_norms

    changed = {line.id for p in profiles for line in p.lines
               if line.professional_before is not None or line.client_before is not None}
    lines = []
    for table in {id(t): t for t in tables}.values():
        parts = []
        for d in table.dimensions:
            if d.dimension not in changed:
                continue
            if d.reliability is None:
                parts.append(_("{dimension}: no reliability").format(dimension=d.dimension))
            else:
                parts.append(_("{dimension}: SD {sd}, reliability {r}").format(
                    dimension=d.dimension, sd=format_number(d.sd, locale),
                    r=format_number(d.reliability, locale)))
        if parts:
            lines.append(describe_norms(table, locale) + " — " + "; ".join(parts))
    return lines


def profiles_from_views(page: Any, professional: AdaptedInstrument,
                        client: AdaptedInstrument | None, locale: str, *,
                        wave: str | None = None, before_wave: str | None = None
                        ) -> ProfileSet | None:
    """The profile pages of one professional's pairs from scores already placed (a
    round's, :class:`relscale.scoring.overview.ProfessionalOverview`); None when no
    score of theirs was placed in a norm table."""
    from relscale.scoring.norms import describe_norms

    def view(v: Any) -> View | None:
        if v is None or math.isnan(v.raw):
            return None
        return View(v.raw, v.percentile, v.band, v.band_index)

    tables = [v.table for pair in page.pairs for views in (pair.professional, pair.client)
              for v in views.values() if v.table is not None]
    prof_tables = [v.table for pair in page.pairs for v in pair.professional.values()
                   if v.table is not None]
    if not prof_tables:
        return None
    result = ProfileSet(
        professional=professional, client=client, bands=prof_tables[0].bands,
        norms=list(dict.fromkeys(describe_norms(t, locale) for t in tables)),
        statuses={t.population.status for t in tables})
    dims = list(professional.dimensions)
    if client is not None:
        dims += [d for d in client.dimensions if d.id not in {x.id for x in dims}]
    for pair in page.pairs:
        if not pair.professional and not pair.client:
            continue  # nothing returned: no page
        rci = {(c.perspective, c.dimension): c.rci for c in pair.changes}
        lines = []
        for d in dims:
            lines.append(DimensionLine(
                id=d.id, label=d.label, favourable=d.favourable,
                professional=view(pair.professional.get(d.id)),
                client=view(pair.client.get(d.id)),
                professional_before=view(pair.before_professional.get(d.id)),
                client_before=view(pair.before_client.get(d.id)),
                professional_rci=rci.get(("professional", d.id)),
                client_rci=rci.get(("client", d.id))))
        profile = PairProfile(pair.professional_code, pair.client_code, lines)
        if pair.changes:
            profile.wave, profile.before_wave = wave, before_wave
        result.profiles.append(profile)
    after_tables = [c.after.table for pair in page.pairs for c in pair.changes
                    if c.after.table is not None]
    result.rci_basis = rci_basis(after_tables, result.profiles, locale)
    return result

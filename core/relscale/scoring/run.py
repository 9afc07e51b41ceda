"""Scoring response files end to end: what ``relscale score`` does before writing.

:func:`score_files` reads the responses (a table, a filled scoring sheet or filled forms,
which name their own instrument, sector and perspective), scores them, adds norm scores
and returns a :class:`ScoreRun`; :func:`relscale.outputs.write_scores` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.io.bulk_csv import BulkAnswers
    from relscale.io.carried import CarriedKey
    from relscale.io.platforms import MappingReport
    from relscale.io.tables import ResponseTable
    from relscale.model.models import AdaptedInstrument
    from relscale.scoring.bulk import BulkScores
    from relscale.scoring.engine import ScaleScores
    from relscale.scoring.norms import GroupSpec
    from relscale.scoring.results import ScoredTable


@dataclass
class ScoreRun:
    """Responses read and scored: the input table, the scores and the scored output."""

    paths: tuple[Path, ...]
    adapted: AdaptedInstrument
    """The instrument as adapted, with the norm tables that were candidates."""
    responses: ResponseTable
    scores: ScaleScores
    scored: ScoredTable
    """The output table (the columns of the CSV and the results workbook)."""
    mapping: MappingReport | None = None
    """For a survey platform's export: what its columns were mapped to."""
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the run (duplicate respondents), one line each."""
    key: ScoringKey | None = None
    """What the data were scored as, and what they say they are."""

    @property
    def counts(self) -> dict[str, int]:
        """Respondents per status: ``scored``, ``incomplete`` and ``rejected``."""
        return self.scored.summary()

    @property
    def blank_rows(self) -> int:
        """Rows with every cell empty, skipped as not respondents."""
        return self.responses.blank_rows

    @property
    def straightlining(self) -> int | None:
        """Respondents flagged for straight-lining; None when not asked for."""
        flags = self.scores.straightlining
        return None if flags is None else int(flags.sum())

    @property
    def norm_statuses(self) -> set[str]:
        """The statuses (``illustrative``, ``local``, ``published``) of the norm tables
        actually applied: a user's ``--norms`` table wins over a registered one."""
        return {s for s in self.scores.norm_status or () if s}

    @property
    def notes(self) -> list[str]:
        """What the reader chose that the user should know (which sheet was read)."""
        return list(self.responses.notes)


    def write_csv(self, path: Path, decimals: int | None = 4) -> None:
        """The scored table as CSV (:func:`relscale.scoring.results.write_csv`), scores
        rounded to ``decimals``."""
        from relscale.scoring.results import write_csv

        write_csv(self.scored, path, decimals)


class BulkScoreRun(ScoreRun):
    """A :class:`ScoreRun` for one plain CSV file read in bulk. The CSV is written from
    the polars columns of :mod:`relscale.scoring.bulk`; ``responses``, ``scores`` and
    ``scored`` are the numpy engine's (the results workbook, .sav, library callers). Each
    side is computed on first use, so a run scores once, by the side its output needs; the
    counts come from whichever side has been computed."""

    def __init__(
        self,
        paths: tuple[Path, ...],
        adapted: AdaptedInstrument,
        answers: BulkAnswers,
        *,
        group: dict[str, str] | None,
        locale: str,
        straightlining: int | None,
        warnings: tuple[str, ...] = (),
        key: ScoringKey | None = None,
    ):
        self.paths = paths
        self.key = key
        self.adapted = adapted
        self.mapping = None
        self.warnings = warnings
        self.answers = answers
        self._group = group
        self._locale = locale
        self._straightlining = straightlining

    @cached_property
    def bulk(self) -> BulkScores:
        """The scored output as polars columns (before the numpy side is computed)."""
        from relscale.model.columns import SCORED_AS
        from relscale.scoring.bulk import score_bulk

        bulk = score_bulk(self.answers, self.adapted, self._group, locale=self._locale,
                          straightlining=self._straightlining)
        scored_as = self.key.scored_as if self.key is not None else None
        if scored_as is not None:
            bulk.constants[SCORED_AS] = scored_as
            bulk.columns.append(SCORED_AS)
        return bulk

    def _engine(self) -> bool:
        """Whether the numpy side has been computed (then it answers for the run)."""
        return "scores" in self.__dict__ or "bulk" not in self.__dict__

    @cached_property
    def responses(self) -> ResponseTable:  # type: ignore[override]
        from relscale.io.responses import read_answers_table

        if "bulk" in self.__dict__:
            self.bulk.frame = None  # another writer wants these: free the bulk output first
        table = read_answers_table(self.answers, self.paths[0])
        self.answers.frame = self.answers.frame.clear()  # the table holds the answers now
        return table

    @cached_property
    def scores(self) -> ScaleScores:  # type: ignore[override]
        from relscale.scoring.engine import add_norms, score_responses

        table = self.responses
        scores = score_responses(self.adapted, table.values, straightlining=self._straightlining,
                                 validate=False, source=table.source, rows=table.rows)
        if self.adapted.norms:
            add_norms(scores, self.adapted.norms, self._group, locale=self._locale)
        return scores

    @cached_property
    def scored(self) -> ScoredTable:  # type: ignore[override]
        from relscale.scoring.results import build_scored_table

        return build_scored_table(self.responses, self.adapted, self.scores,
                                  scored_as=self.key.scored_as if self.key else None)

    @property
    def counts(self) -> dict[str, int]:
        return super().counts if self._engine() else dict(self.bulk.counts)

    @property
    def blank_rows(self) -> int:
        return self.answers.blank_rows

    @property
    def straightlining(self) -> int | None:
        return super().straightlining if self._engine() else self.bulk.straightlining

    @property
    def norm_statuses(self) -> set[str]:
        return super().norm_statuses if self._engine() else set(self.bulk.norm_statuses)

    @property
    def notes(self) -> list[str]:
        return []  # one plain CSV file: no sheet to choose

    def write_csv(self, path: Path, decimals: int | None = 4) -> None:
        from relscale.scoring.bulk import write_bulk_csv

        if "scores" in self.__dict__ or not write_bulk_csv(self.bulk, path, decimals):
            super().write_csv(path, decimals)


@dataclass(frozen=True)
class ScoringKey:
    """The instrument, sector and perspective responses are scored for."""

    instrument: str
    sector: str
    perspective: str | None
    carried: CarriedKey | None = None
    """What the data say they are (:func:`relscale.io.carried.carried_key`), or None."""
    as_sector: bool = False
    """Scored as :attr:`sector` on purpose, against what the data say (``--as-sector``)."""

    @property
    def scored_as(self) -> str | None:
        """The sector the output records (``scored_as_sector``): where the data do not
        name one (it was assumed) or name another (``--as-sector``); else None."""
        return self.sector if self.carried is None or self.as_sector else None


def scoring_key(
    paths: Sequence[Path],
    instrument: str | None = None,
    sector: str | None = None,
    perspective: str | None = None,
    *,
    as_sector: str | None = None,
) -> ScoringKey:
    """What to score the input as. Data that name their instrument, sector and perspective
    (forms, a scoring sheet, a ``relscale read`` CSV: :func:`relscale.io.carried.carried_key`)
    are scored only as what they are: what is not given is taken from them, and a given
    value that disagrees is an error naming both. ``as_sector`` scores them as another
    sector on purpose (the output then records it). Data that name nothing are scored as
    asked.

    :raises RelscaleError: a value that disagrees with the data, or instrument and sector
        neither given nor named by the input.
    """
    from relscale.io.carried import carried_key

    data = [Path(p) for p in paths]
    if as_sector and sector and as_sector != sector:
        raise RelscaleError(_("--sector {sector} and --as-sector {as_sector} disagree: give "
                              "one").format(sector=sector, as_sector=as_sector))
    carried = carried_key(data)
    if carried is not None:
        for name, given in (("instrument", instrument), ("perspective", perspective)):
            own = getattr(carried, name)
            if given and own and given != own:
                raise RelscaleError(_(
                    "the data are answers to {name} {own} ({source}), not {given}: leave out "
                    "the option or give {own}").format(name=name, own=own, given=given,
                                                        source=carried.source))
        instrument = instrument or carried.instrument
        perspective = perspective or carried.perspective
        own_sector = carried.sector
        if as_sector is None and sector and own_sector and sector != own_sector:
            raise RelscaleError(_(
                "the data were answered on {own} forms ({source}), not {given}: leave out "
                "--sector to score them as {own}, or give --as-sector {given} to score them "
                "with the wording and norms of {given} on purpose").format(
                    own=own_sector, given=sector, source=carried.source))
        sector = as_sector or sector or own_sector
    else:
        sector = as_sector or sector
    if not instrument or not sector:
        raise RelscaleError(
            _("give --instrument and --sector (only forms, scoring sheets and the output of "
              "'relscale read' name their own)")
        )
    overridden = bool(as_sector and carried is not None and carried.sector
                      and as_sector != carried.sector)
    return ScoringKey(instrument, sector, perspective, carried, overridden)


def score_files(
    paths: Sequence[Path | str],
    *,
    instrument: str | None = None,
    sector: str | None = None,
    perspective: str | None = None,
    locale: str = "en",
    norms_file: Path | str | None = None,
    groups: Sequence[str] = (),
    straightlining: int | None = None,
    adapted: AdaptedInstrument | None = None,
    platform: str | None = None,
    strict: bool = False,
    as_sector: str | None = None,
    key: ScoringKey | None = None,
    sheet: str | None = None,
) -> ScoreRun:
    """Read, score and norm response files, as ``relscale score`` does.

    :param paths: a CSV or XLSX table with item-id columns, a filled scoring sheet, or
        filled forms (files or folders).
    :param instrument: instrument id; with ``sector`` and ``perspective`` taken from a
        scoring sheet or forms when not given.
    :param locale: the (resolved) locale of band labels and norm descriptions.
    :param norms_file: a norm table file (TOML) to use instead of the registered ones;
        with ``adapted``, the file its only norm table came from
        (:func:`relscale.scoring.norms.with_norms_file`): refused when no respondent's
        group selects it.
    :param groups: norm groups, ``KEY=VALUE`` for everyone or a column name whose values
        give each respondent's group (see :func:`relscale.scoring.norms.parse_group_specs`).
    :param straightlining: flag respondents who gave one answer to every answered item,
        over at least this many items; None for no flag.
    :param adapted: the instrument already adapted (skips ``instrument`` .. ``norms_file``).
    :param platform: read the one file as an ``odk``, ``redcap`` or ``limesurvey`` export
        (:func:`relscale.io.platforms.read_platform_responses`); without it, such an export
        is recognised by its header. :attr:`ScoreRun.mapping` says what was mapped.
    :param strict: duplicate respondents (:func:`duplicate_respondents`) are an error, not
        a warning in :attr:`ScoreRun.warnings`.
    :param sheet: the sheet of a workbook table (default: the first, refused when hidden;
        :attr:`ScoreRun.notes` says which was read when there are others).
    :param as_sector: score data that name their sector as this one on purpose
        (:func:`scoring_key`); the output records it in ``scored_as_sector``.
    :param key: the :func:`scoring_key` already worked out (with ``adapted``).
    :raises RelscaleError: data scored as another sector than they name, unknown ids,
        a norm file for another combination, groups or a norm file without norm tables,
        or no respondents.
    :raises DataError: a response that is not an answer, naming file, row and column.
    """
    from relscale.adapt import adapt
    from relscale.io.platforms import read_platform_responses, sniff_platform
    from relscale.io.responses import check_table_versions, read_responses
    from relscale.scoring.engine import add_norms, score_responses
    from relscale.scoring.norms import (
        check_norms_fit,
        parse_group_specs,
        respondent_groups,
        with_norms_file,
    )
    from relscale.scoring.results import build_scored_table

    data = tuple(Path(p) for p in paths)
    if adapted is None:
        key = scoring_key(data, instrument, sector, perspective, as_sector=as_sector)
        adapted = adapt(key.instrument, key.sector, key.perspective, locale)  # type: ignore[arg-type]
        if norms_file is not None:
            adapted = with_norms_file(adapted, norms_file)
    elif key is None:
        key = scoring_key(data, adapted.instrument, adapted.sector, adapted.perspective,
                          as_sector=as_sector)
    try:
        spec: GroupSpec | None = parse_group_specs(groups)
    except RelscaleError:
        spec = None  # reported where it always was, after reading
    user_table = adapted.norms[0] if norms_file is not None and adapted.norms else None
    if user_table is not None and spec is not None and not spec.columns:
        check_norms_fit(user_table, norms_file, spec.fixed)  # used, or refused before reading
    if spec is not None and (adapted.norms or not (groups or norms_file)):
        run = _score_bulk(data, adapted, spec, locale, straightlining, platform, strict)
        if run is not None:
            run.key = key
            return run
    mapping = None
    if len(data) == 1 and (platform or sniff_platform(data[0])):
        table, mapping = read_platform_responses(data[0], adapted, platform, sheet)
    else:
        table = read_responses(data, adapted, platform, any_sector=key.as_sector,
                               sheet=sheet)
    if table.n == 0:  # a header only, or every row empty: no output to write
        raise RelscaleError(_("{path}: no respondents").format(path=table.source))
    check_table_versions(table, adapted)
    warnings = tuple(duplicate_respondents(table))
    if strict and warnings:
        raise RelscaleError(warnings[0] + " " + _("(--strict)"))
    scores = score_responses(
        adapted,
        table.values,
        straightlining=straightlining,
        validate=False,  # the reader validated, naming the file's own rows
        source=table.source,
        rows=table.rows,
    )
    if adapted.norms:
        each = respondent_groups(parse_group_specs(groups), table)
        if user_table is not None:
            check_norms_fit(user_table, norms_file, each)
        add_norms(scores, adapted.norms, each, locale=locale)
    elif groups or norms_file:
        raise RelscaleError(_("no norm table for this instrument, sector and perspective"))
    scored = build_scored_table(table, adapted, scores, scored_as=key.scored_as)
    return ScoreRun(data, adapted, table, scores, scored, mapping, warnings, key)


def _score_bulk(
    data: tuple[Path, ...],
    adapted: AdaptedInstrument,
    spec: GroupSpec,
    locale: str,
    straightlining: int | None,
    platform: str | None,
    strict: bool,
) -> BulkScoreRun | None:
    """One plain CSV file scored in bulk (:mod:`relscale.scoring.bulk`), or None where
    that path does not apply: another input, group columns, a ``wave`` column (reliable
    change), or a cell that is not an answer (the usual reader names it)."""
    from relscale.io.platforms import sniff_platform
    from relscale.io.responses import check_table_versions, read_answers_table, read_csv_answers
    from relscale.scoring.bulk import has_duplicates
    from relscale.scoring.change import WAVE

    if platform or spec.columns or len(data) != 1 or data[0].suffix.lower() != ".csv":
        return None
    if not data[0].is_file() or sniff_platform(data[0]):
        return None
    answers = read_csv_answers(data[0], adapted)
    if answers is None or (adapted.norms and WAVE in answers.id_columns):
        return None
    if {"instrument", "version"} <= set(answers.id_columns):
        check_table_versions(read_answers_table(answers, data[0], ["instrument", "version"]),
                             adapted)
    if answers.frame.height == 0:
        raise RelscaleError(_("{path}: no respondents").format(path=data[0]))
    group = dict(spec.fixed) or None
    run = BulkScoreRun(data, adapted, answers, group=group, locale=locale,
                       straightlining=straightlining)
    keys = key_columns(answers.id_columns)
    if has_duplicates(answers, keys):
        run.warnings = tuple(duplicate_respondents(read_answers_table(answers, data[0], keys)))
    if strict and run.warnings:
        raise RelscaleError(run.warnings[0] + " " + _("(--strict)"))
    return run


KEY_COLUMNS = ("respondent_code", "subject_code")
"""The identifier columns that name one respondent about one subject (forms write them)."""


def key_columns(id_columns: Sequence[str]) -> list[str]:
    """The identifier columns compared by :func:`duplicate_respondents`; with a ``wave``
    column, the wave too: a pair measured again is a repeated measurement (docs/scoring.md,
    reliable change), not the same respondent twice."""
    from relscale.scoring.change import WAVE

    keys = [c for c in KEY_COLUMNS if c in id_columns] or list(id_columns[:1])
    if keys and WAVE in id_columns and WAVE not in keys:
        keys.append(WAVE)
    return keys


def duplicate_respondents(table: ResponseTable) -> list[str]:
    """One line per identifier that occurs on more than one row: the respondent-subject
    pair (``respondent_code``, ``subject_code``) when the table has those columns, else
    the first identifier column, compared as :func:`relscale.model.columns.id_key` (NFC).
    Rows with an empty identifier are not compared."""
    from collections import Counter

    columns = key_columns(table.id_columns)
    if not columns:
        return []
    from relscale.model.columns import id_key

    # Counted in bulk first: most tables have no duplicate, and then no loop per row.
    parts = [[id_key(v) for v in table.ids[c]] for c in columns]
    keys = parts[0] if len(parts) == 1 else list(zip(*parts, strict=True))
    if not any(n > 1 and any(k if isinstance(k, tuple) else (k,))
               for k, n in Counter(keys).items()):
        return []
    first: dict[tuple[str, ...], int] = {}
    found: list[str] = []
    for i in range(table.n):
        key = tuple(id_key(table.ids[c][i]) for c in columns)
        if not any(key):
            continue
        row = int(table.rows[i])
        if key in first:
            found.append(_("{path}: rows {first} and {row} have the same {columns} ({key}): "
                           "the same respondent twice?").format(
                path=table.source, first=first[key], row=row, columns=" + ".join(columns),
                key=", ".join(key)))
        else:
            first[key] = row
    return found


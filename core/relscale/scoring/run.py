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
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.io.bulk_csv import BulkAnswers
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


    def write_csv(self, path: Path) -> None:
        """The scored table as CSV (:func:`relscale.scoring.results.write_csv`)."""
        from relscale.scoring.results import write_csv

        write_csv(self.scored, path)


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
    ):
        self.paths = paths
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
        from relscale.scoring.bulk import score_bulk

        return score_bulk(self.answers, self.adapted, self._group, locale=self._locale,
                          straightlining=self._straightlining)

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

        return build_scored_table(self.responses, self.adapted, self.scores)

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

    def write_csv(self, path: Path) -> None:
        from relscale.scoring.bulk import write_bulk_csv

        if "scores" in self.__dict__ or not write_bulk_csv(self.bulk, path):
            super().write_csv(path)


@dataclass(frozen=True)
class ScoringKey:
    """The instrument, sector and perspective responses are scored for."""

    instrument: str
    sector: str
    perspective: str | None


def scoring_key(
    paths: Sequence[Path],
    instrument: str | None = None,
    sector: str | None = None,
    perspective: str | None = None,
) -> ScoringKey:
    """Complete what is not given from the input: a filled scoring sheet and relscale's
    forms name their own instrument, sector and perspective.

    :raises RelscaleError: neither given nor named by the input.
    """
    from relscale.io.responses import SCORING_SHEET_KIND, sheet_kind

    data = [Path(p) for p in paths]
    if len(data) == 1 and data[0].suffix.lower() == ".xlsx" and data[0].is_file():
        kind = sheet_kind(data[0])
        if kind is not None and kind.kind == SCORING_SHEET_KIND:
            meta = kind.metadata
            instrument = instrument or meta.get("instrument")
            sector = sector or meta.get("sector")
            perspective = perspective or meta.get("perspective")
    if not instrument or not sector:
        key = _form_key(data)
        if key is not None:
            instrument = instrument or key.instrument
            sector = sector or key.sector
            perspective = perspective or key.perspective
    if not instrument or not sector:
        raise RelscaleError(
            _("give --instrument and --sector (only scoring sheets and forms name their own)")
        )
    return ScoringKey(instrument, sector, perspective)


def _form_key(data: list[Path]) -> Any:
    """The instrument key of the first relscale form among the inputs, or None.

    The reader checks later that every form has the same key, so one is enough here.
    """
    if not any(p.is_dir() or p.suffix.lower() == ".xlsx" for p in data):
        return None
    from relscale.io.readback import collect_form_paths, read_form

    for path in collect_form_paths(data):
        if path.suffix.lower() != ".xlsx":
            continue
        form, _problems = read_form(path)
        return None if form is None else form.key
    return None


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
    :raises RelscaleError: unknown ids, a norm file for another combination, groups or
        a norm file without norm tables, or no respondents.
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
        key = scoring_key(data, instrument, sector, perspective)
        adapted = adapt(key.instrument, key.sector, key.perspective, locale)  # type: ignore[arg-type]
        if norms_file is not None:
            adapted = with_norms_file(adapted, norms_file)
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
            return run
    mapping = None
    if len(data) == 1 and (platform or sniff_platform(data[0])):
        table, mapping = read_platform_responses(data[0], adapted, platform, sheet)
    else:
        table = read_responses(data, adapted, platform, sheet)
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
    scored = build_scored_table(table, adapted, scores)
    return ScoreRun(data, adapted, table, scores, scored, mapping, warnings)


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
    """The identifier columns compared by :func:`duplicate_respondents`: with a ``wave``
    column (a REDCap event, repeated measurement) the wave too, since one respondent
    answers once per wave."""
    from relscale.scoring.change import WAVE

    keys = [c for c in KEY_COLUMNS if c in id_columns] or list(id_columns[:1])
    return [*keys, WAVE] if keys and WAVE in id_columns and WAVE not in keys else keys


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


"""``round collect``: filled forms, scoring sheets and platform exports into the store.

Each file is read and validated by the readers ``relscale read`` and ``relscale score``
use (:mod:`relscale.io.readback`, :mod:`relscale.io.responses`,
:mod:`relscale.io.platforms`), then stored in **one transaction per file**: a file with
any problem stores nothing (its problems are listed, one line each, and the next file is
read), and a collect that is interrupted leaves the store as it was before the file it
was on.

Which form a submission belongs to:

- a form written by ``round forms`` names its round and key in its metadata: nothing
  typed is needed, and a form of another round is refused;
- any other relscale form, a scoring sheet, a platform export or a response table: by the
  codes it holds (``respondent_code``, and ``subject_code``: the client's for a
  professional's form, the professional's for a client's) and its instrument and
  perspective. A code pair the round does not have is an error naming file and row.

Reading the same file again stores nothing (each form's current version already holds
those answers); a changed file stores a new version of the forms it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError, RelscaleError
from relscale.i18n import _
from relscale.messages import where
from relscale.rounds.record import (
    FormRef,
    Recorded,
    Scored,
    adapted_for,
    stored_norm_tables,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.model.models import AdaptedInstrument, NormTable
    from relscale.rounds.queries import RoundInfo
    from relscale.store.engine import Store

Progress = Callable[[int, int, str], None]
RETRIES = 3
"""A file's transaction is tried again this often after a deadlock (PostgreSQL)."""
SUFFIXES = (".xlsx", ".xlsm", ".csv")
CHUNK = 256
"""Files read (and their forms scored together) before they are stored, each file in its
own transaction."""


@dataclass
class FileResult:
    """What became of one file."""

    path: Path
    kind: str = ""
    """``form``, ``scoring_sheet``, ``platform`` or ``table``."""
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class CollectReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]

    def total(self, what: str) -> int:
        return sum(getattr(f, what) for f in self.files)


@dataclass
class _Entry:
    form: FormRef
    answers: dict[str, Any]
    filled_on: str | None
    locale: str | None
    version: str
    source: str


@dataclass
class _Context:
    round: RoundInfo
    by_key: dict[str, FormRef]
    by_codes: dict[tuple[str, str, str, str], FormRef]
    """(professional, client, instrument, perspective) -> form."""
    tables: list[NormTable]
    other_rounds: dict[str, str]
    """uid -> name of the store's other rounds (to name a form of another round)."""
    platform: str | None
    instrument: str | None
    perspective: str | None
    layouts: dict[Any, Any] = field(default_factory=dict)


def collect_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; folders expanded to their forms, workbooks and CSV files (sorted,
    not recursive; lock files and hidden files skipped); each file once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file()
                           and x.suffix.lower() in SUFFIXES
                           and not x.name.startswith(("~$", ".~lock", ".")))
            if not found:
                raise DataError(_("{path}: no .xlsx or .csv files in this folder").format(
                    path=p))
        elif p.exists():
            found = [p]
        else:
            raise DataError(_("{path}: no such file or folder").format(path=p))
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _context(store: Store, name: str, platform: str | None, instrument: str | None,
             perspective: str | None) -> _Context:
    from sqlalchemy import select

    from relscale.rounds.forms import _forms
    from relscale.rounds.norms import round_norm_tables
    from relscale.rounds.queries import get_round
    from relscale.store.models import Round

    with store.read() as conn:
        round_ = get_round(conn, name, store)
        forms = _forms(conn, round_.id)
        tables = round_norm_tables(conn, round_.id)
        others = dict(conn.execute(select(Round.uid, Round.name)
                                   .where(Round.id != round_.id)).all())
    return _Context(round_, {f.key: f for f in forms},
                    {(f.professional_code, f.client_code, f.instrument, f.perspective): f
                     for f in forms}, tables, others, platform, instrument, perspective)


def collect(store: Store, name: str, paths: Sequence[Path | str], *,
            platform: str | None = None, instrument: str | None = None,
            perspective: str | None = None, strict: bool = False,
            progress: Progress | None = None) -> CollectReport:
    """Read and store files (see the module docstring) into round ``name``.

    :param paths: files and folders (a folder: its ``.xlsx`` and ``.csv`` files).
    :param platform: read CSV/xlsx tables as this platform's export (``odk``, ``redcap``,
        ``limesurvey``); default: recognised by the header.
    :param instrument: with ``perspective``: the instrument of tables that do not name it
        (a platform export); default: the round's instrument whose items the table has.
    :param strict: a row of boxes without a mark is an error (as ``read --strict``).
    :returns: one :class:`FileResult` per file, in order; a file with problems stored
        nothing.
    :raises RelscaleError: no such round, no files.
    """
    files = collect_paths(paths)
    ctx = _context(store, name, platform, instrument, perspective)
    report = CollectReport()
    if progress is not None:
        progress(0, len(files), "")
    with store.writer() as conn:
        for start in range(0, len(files), CHUNK):
            chunk = files[start:start + CHUNK]
            read: list[tuple[FileResult, list[_Entry]]] = []
            for path in chunk:
                result = FileResult(path)
                try:
                    read.append((result, _read(path, ctx, result, strict)))
                except RelscaleError as exc:
                    result.problems.append(str(exc))
                    read.append((result, []))
            try:
                scored = _score(ctx, [e for result, entries in read if result.ok
                                      for e in entries])
            except RelscaleError:  # an answer the readers let through: find its file
                scored = {}
                for result, entries in read:
                    try:
                        scored.update(_score(ctx, entries) if result.ok else {})
                    except RelscaleError as exc:
                        result.problems.append(str(exc))
            with conn.begin():  # the norm tables already stored (new ones: with a file)
                table_ids = stored_norm_tables(conn, list(scored.values()))
            for result, entries in read:
                if result.ok:
                    try:
                        _store(conn, entries, [scored[id(e)] for e in entries], result,
                               table_ids)
                    except RelscaleError as exc:
                        result.problems.append(str(exc))
                report.files.append(result)
                if progress is not None:
                    progress(len(report.files), len(files), str(result.path))
    return report


# --- reading -----------------------------------------------------------------------------


def _read(path: Path, ctx: _Context, result: FileResult, strict: bool) -> list[_Entry]:
    from relscale.excel.identity import FORM_META_SHEET, SCORING_META_SHEET, SCORING_SHEET_KIND

    if path.suffix.lower() == ".csv":
        return _read_table(path, ctx, result)
    from relscale.io.cells import open_values

    wb = open_values(path)
    try:
        names = wb.sheetnames
        if FORM_META_SHEET in names and ctx.platform is None:
            result.kind = "form"
            return _read_form(path, wb, ctx, result, strict)
        if SCORING_META_SHEET in names and ctx.platform is None:
            result.kind = SCORING_SHEET_KIND
    finally:
        wb.close()
    return _read_table(path, ctx, result)


def _read_form(path: Path, wb: Any, ctx: _Context, result: FileResult, strict: bool
               ) -> list[_Entry]:
    from relscale.io.readback import read_form

    form, problems = read_form(path, strict=strict, layouts=ctx.layouts, wb=wb)
    if problems or form is None:
        result.problems.extend(problems)
        return []
    meta, row, key = form.meta, form.row, form.key
    uid = meta.get("round.id")
    if uid is not None and uid != ctx.round.uid:
        other = ctx.other_rounds.get(uid)
        raise DataError(_("{path}: a form of round {other!r}, not of {round!r}").format(
            path=path, other=other or _("unknown (another store?)"), round=ctx.round.name))
    if uid is not None:
        found = ctx.by_key.get(meta.get("round.form", ""))
        if found is None:
            raise DataError(_("{path}: not a form of round {round!r} (its key is unknown "
                              "here)").format(path=path, round=ctx.round.name))
    else:  # a relscale form filled in with codes typed
        found = _by_codes(ctx, str(row.get("respondent_code") or ""),
                          str(row.get("subject_code") or ""), key.instrument,
                          key.perspective, where(path))
    if found.instrument != key.instrument or found.perspective != key.perspective:
        raise DataError(_("{path}: a form of {key}, but the round's form {form} is of "
                          "{instrument} ({perspective})").format(
            path=path, key=key, form=found.key, instrument=found.instrument,
            perspective=found.perspective))
    if found.sector != key.sector:
        raise DataError(_("{path}: a form for sector {sector!r}, but the pair's sector is "
                          "{expected!r}").format(path=path, sector=key.sector,
                                                 expected=found.sector))
    answers = {item: row.get(item) for item in form.item_ids}
    return [_Entry(found, answers, str(row.get("date") or "") or None,
                   str(row.get("locale") or "") or None, key.version, path.name)]


def _by_codes(ctx: _Context, respondent: str, subject: str, instrument: str,
              perspective: str, at: str) -> FormRef:
    respondent, subject = respondent.strip(), subject.strip()
    if not respondent or not subject:
        raise DataError(_("{where}: no respondent_code or subject_code: which pair of round "
                          "{round!r} is this?").format(where=at, round=ctx.round.name))
    prof, client = ((respondent, subject) if perspective == "professional"
                    else (subject, respondent))
    found = ctx.by_codes.get((prof, client, instrument, perspective))
    if found is None:
        raise DataError(_(
            "{where}: round {round!r} has no {instrument} form ({perspective}) for "
            "professional {professional!r} and client {client!r}").format(
            where=at, round=ctx.round.name, instrument=instrument, perspective=perspective,
            professional=prof, client=client))
    return found


def _candidates(ctx: _Context, path: Path) -> list[AdaptedInstrument]:
    """The adapted instruments a table may be of: the one named, else the round's."""
    kinds = [(i.instrument, i.perspective) for i in ctx.round.instruments]
    if ctx.instrument is not None:
        kinds = [(i, p) for i, p in kinds if i == ctx.instrument
                 and (ctx.perspective is None or p == ctx.perspective)]
        if not kinds:
            raise DataError(_("{path}: round {round!r} has no {instrument} form").format(
                path=path, round=ctx.round.name, instrument=ctx.instrument))
    sectors = sorted({f.sector for f in ctx.by_key.values()})
    out = []
    for instrument, perspective in kinds:
        for sector in sectors:
            try:
                out.append(adapted_for(instrument, sector, perspective, ctx.round.locale))
            except RelscaleError:
                continue  # the sector declines it
    return out


def _read_table(path: Path, ctx: _Context, result: FileResult) -> list[_Entry]:
    """A scoring sheet, platform export or response table: rows matched by their codes."""
    from relscale.io.platforms import check_platform, read_platform_responses, sniff_platform
    from relscale.io.responses import read_responses

    platform = check_platform(ctx.platform) or (sniff_platform(path)
                                               if path.suffix.lower() == ".csv" else None)
    if not result.kind:
        result.kind = "platform" if platform else "table"
    errors: list[str] = []
    for adapted in _candidates(ctx, path):
        try:
            if platform:
                table = read_platform_responses(path, adapted, platform)[0]
            else:
                table = read_responses([path], adapted)
        except DataError as exc:
            errors.append(str(exc))
            continue
        return _table_entries(path, table, adapted, ctx)
    if len(errors) == 1:
        raise DataError(errors[0])
    raise DataError(_("{path}: not a table of any of the round's forms (give --instrument "
                      "and --perspective to see why); first: {problem}").format(
        path=path, problem=errors[0] if errors else "-"))


def _table_entries(path: Path, table: Any, adapted: AdaptedInstrument, ctx: _Context
                   ) -> list[_Entry]:
    import math

    ids = table.ids
    for column in ("respondent_code", "subject_code"):
        if column not in ids:
            raise DataError(_("{where}: no {column} column: rows are matched to the round's "
                              "pairs by respondent_code and subject_code").format(
                where=where(table.source, 1), column=column))
    na = adapted.scale.not_applicable
    entries: list[_Entry] = []
    seen: dict[int, int] = {}
    dates = ids.get("date")
    for i in range(table.n):
        row = int(table.rows[i])
        at = where(table.source, row)
        form = _by_codes(ctx, str(ids["respondent_code"][i] or ""),
                         str(ids["subject_code"][i] or ""), adapted.instrument,
                         adapted.perspective, at)
        if form.sector != adapted.sector:
            raise DataError(_("{where}: the pair's sector is {expected!r}, but the table was "
                              "read as one of {sector!r}").format(
                where=at, expected=form.sector, sector=adapted.sector))
        if form.id in seen:
            raise DataError(_("{where}: the same form as row {first} (professional "
                              "{professional}, client {client})").format(
                where=at, first=seen[form.id], professional=form.professional_code,
                client=form.client_code))
        seen[form.id] = row
        answers: dict[str, Any] = {}
        for j, item in enumerate(adapted.item_ids):
            value = table.values[i, j]
            if table.not_applicable is not None and table.not_applicable[i, j] and na:
                answers[item] = na.value
            else:
                answers[item] = None if math.isnan(value) else int(value)
        date = str(dates[i]).strip() if dates is not None and dates[i] else None
        entries.append(_Entry(form, answers, date or None, None, adapted.version,
                              f"{path.name}, {_('row {row}').format(row=row)}"))
    if not entries:
        raise DataError(_("{path}: no respondents").format(path=path))
    return entries


# --- storing -----------------------------------------------------------------------------


def _score(ctx: _Context, entries: list[_Entry]) -> dict[int, Scored]:
    """Every entry of a chunk of files scored, a kind of form at a time (the engine
    scores a matrix: one call for many forms, not one per form)."""
    from relscale.rounds.record import score_answers

    by_kind: dict[tuple[str, str, str, str], list[_Entry]] = {}
    for e in entries:
        by_kind.setdefault((e.form.instrument, e.form.sector, e.form.perspective,
                            e.form.locale), []).append(e)
    out: dict[int, Scored] = {}
    for (instrument, sector, perspective, locale), group in by_kind.items():
        adapted = adapted_for(instrument, sector, perspective, locale)
        done = score_answers(adapted, [e.answers for e in group], ctx.tables,
                             [e.source for e in group])
        out.update((id(e), s) for e, s in zip(group, done, strict=True))
    return out


def _store(conn: Connection, entries: list[_Entry], scored: list[Scored],
           result: FileResult, table_ids: dict[int, int]) -> None:
    """Every entry of one file in one transaction (tried again after a deadlock)."""
    from sqlalchemy.exc import OperationalError

    from relscale.rounds.record import record_submission

    for attempt in range(RETRIES):
        outcomes: list[Recorded] = []
        try:
            with conn.begin():
                for e, s in zip(entries, scored, strict=True):
                    outcomes.append(record_submission(
                        conn, e.form, s, source=e.source, source_kind=result.kind,
                        filled_on=e.filled_on, instrument_version=e.version,
                        locale=e.locale or e.form.locale, table_ids=table_ids))
            break
        except OperationalError as exc:
            if attempt == RETRIES - 1 or "deadlock" not in str(exc).lower():
                raise DataError(_("{path}: not stored ({reason})").format(
                    path=result.path, reason=str(getattr(exc, "orig", exc)).strip()
                    .splitlines()[0])) from None
    for o in outcomes:
        if o.outcome == "new":
            result.new += 1
        elif o.outcome == "new_version":
            result.new_versions += 1
        else:
            result.unchanged += 1

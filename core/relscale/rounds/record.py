"""Storing answers: one submission of one form, scored, versioned, never overwritten.

:func:`find_form` finds the form a submission belongs to (by the key a round's form file
carries, or by the pair's codes and the instrument); :func:`score_answers` scores answers
with the scoring engine and places them in the norm table that applies (a round's own
tables first); :func:`record_submission` stores them inside the caller's write
transaction:

- the same answers and date as the form's current version: nothing is stored
  (``unchanged``);
- different ones: a new version (``new`` for the first), the earlier ones kept.

The form's row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
transaction holds the whole file), so two processes storing the same form one after the
other see each other's version and store nothing twice.

:func:`record_answers` does all of it in its own transaction: the call for one submission
from Python or the web page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from relscale.errors import DataError
from relscale.i18n import _
from relscale.store.models import ANSWERED, NOT_APPLICABLE, SKIPPED

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.model.models import AdaptedInstrument, NormTable
    from relscale.rounds.queries import RoundInfo
    from relscale.store.engine import Store

Outcome = Literal["new", "new_version", "unchanged"]


@dataclass(frozen=True)
class FormRef:
    """A form issued in a round, with its pair."""

    id: int
    key: str
    round_id: int
    pair_id: int
    professional_code: str
    client_code: str
    group: str | None
    instrument: str
    perspective: str
    sector: str
    locale: str

    @property
    def respondent_code(self) -> str:
        return self.professional_code if self.perspective == "professional" \
            else self.client_code

    @property
    def subject_code(self) -> str:
        return self.client_code if self.perspective == "professional" \
            else self.professional_code


def _form_query() -> Any:
    from sqlalchemy import select

    from relscale.store.models import Form, Pair

    return (select(Form.id, Form.key, Form.round_id, Form.pair_id, Pair.professional_code,
                   Pair.client_code, Pair.group_name, Form.instrument, Form.perspective,
                   Form.sector, Form.locale)
            .join(Pair, Pair.id == Form.pair_id))


def find_form(conn: Connection, round_: RoundInfo, *, key: str | None = None,
              respondent_code: str | None = None, subject_code: str | None = None,
              instrument: str | None = None, perspective: str | None = None,
              where: str = "") -> FormRef:
    """The form of ``round_`` with this key, or for this respondent, subject, instrument
    and perspective (codes as the form's fields have them: a client's form names the
    client as respondent).

    :raises DataError: no such form in the round (``where`` starts the message).
    """
    from relscale.store.models import Form, Pair

    query = _form_query().where(Form.round_id == round_.id)
    if key is not None:
        row = conn.execute(query.where(Form.key == key)).first()
        if row is None:
            raise DataError(_("{where}: not a form of round {round!r} (its key is unknown "
                              "here)").format(where=where, round=round_.name))
        return FormRef(*row)
    prof, client = ((respondent_code, subject_code) if perspective == "professional"
                    else (subject_code, respondent_code))
    row = conn.execute(query.where(Pair.professional_code == prof,
                                   Pair.client_code == client,
                                   Form.instrument == instrument,
                                   Form.perspective == perspective)).first()
    if row is None:
        raise DataError(_(
            "{where}: round {round!r} has no {instrument} form ({perspective}) for "
            "professional {professional!r} and client {client!r}").format(
            where=where, round=round_.name, instrument=instrument, perspective=perspective,
            professional=prof or "", client=client or ""))
    return FormRef(*row)


@functools.lru_cache(maxsize=64)
def adapted_for(instrument: str, sector: str, perspective: str, locale: str
                ) -> AdaptedInstrument:
    """The adapted instrument of a form (cached: a round has a few kinds of forms)."""
    from relscale.adapt import adapt

    return adapt(instrument, sector, perspective, locale)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    raw: float
    answered: int
    percentile: float
    t: float
    band: str | None
    table: NormTable | None


@dataclass(frozen=True)
class Scored:
    """One submission's answers as given and its scores."""

    answers: tuple[tuple[str, int, int | None, str], ...]
    """(item, position, value as given, state) in form order."""
    status: str
    scores: tuple[DimensionScore, ...]


@dataclass(frozen=True)
class _Spec:
    items: tuple[tuple[str, int], ...]
    states: dict[int, str]
    known: frozenset[str]


_specs: dict[int, tuple[AdaptedInstrument, _Spec]] = {}


def _spec(adapted: AdaptedInstrument) -> _Spec:
    """The items and the state of every code of an adapted instrument, worked out once
    (checking answers is done per form, thousands of times in a collect)."""
    known = _specs.get(id(adapted))
    if known is None or known[0] is not adapted:
        scale = adapted.scale
        states = dict.fromkeys(range(scale.min, scale.max + 1), ANSWERED)
        if scale.not_applicable is not None:
            states[scale.not_applicable.value] = NOT_APPLICABLE
        items = tuple((i.id, i.position) for i in adapted.items)
        known = _specs[id(adapted)] = (adapted, _Spec(items, states,
                                                      frozenset(i for i, _p in items)))
    return known[1]


def check_answers(adapted: AdaptedInstrument, answers: Mapping[str, Any],
                  where: str = "") -> tuple[tuple[str, int, int | None, str], ...]:
    """The answers in form order with their state; an unknown item or a value off the
    scale is an error naming it (readers have checked files already)."""
    spec = _spec(adapted)
    if not spec.known.issuperset(answers):
        name = next(n for n in answers if n not in spec.known)
        raise DataError(_("{where}: {item!r} is not an item of {instrument}").format(
            where=where, item=name, instrument=adapted.instrument))
    out: list[tuple[str, int, int | None, str]] = []
    states = spec.states
    for item, position in spec.items:
        value = answers.get(item)
        if value is None:
            out.append((item, position, None, SKIPPED))
            continue
        # 3 and 3.0 are one key; True is not an answer though it equals 1
        state = states.get(value) if type(value) is not bool else None
        if state is not None:
            out.append((item, position, int(value), state))
        elif isinstance(value, float) and math.isnan(value):
            out.append((item, position, None, SKIPPED))
        else:
            scale = adapted.scale
            raise DataError(_("{where}: {item}: {value!r} is not an answer on this scale "
                              "({lo} to {hi})").format(where=where, item=item, value=value,
                                                       lo=scale.min, hi=scale.max))
    return tuple(out)


def score_answers(adapted: AdaptedInstrument, rows: Sequence[Mapping[str, Any]],
                  tables: Sequence[NormTable] = (), where: Sequence[str] = ()
                  ) -> list[Scored]:
    """Score submissions with the scoring engine and place each dimension in the norm
    table that applies: ``tables`` (a round's own) first, then the adapted instrument's.
    """
    import numpy as np

    from relscale.scoring.engine import score_responses
    from relscale.scoring.norms import apply_norms, select_norm_table

    checked = [check_answers(adapted, row, where[i] if i < len(where) else "")
               for i, row in enumerate(rows)]
    if not checked:
        return []
    values = np.array([[np.nan if v is None else float(v) for _i, _p, v, _s in answers]
                       for answers in checked], dtype=float)
    scores = score_responses(adapted, values, validate=False)
    candidates = [t for t in tables if (t.instrument, t.sector, t.perspective) ==
                  (adapted.instrument, adapted.sector, adapted.perspective)]
    table = select_norm_table([*candidates, *adapted.norms], {})
    placed: dict[str, dict[str, Any]] = {}
    for d in scores.dimensions:
        if table is not None and table.dimension(d) is not None:
            placed[d] = apply_norms(table, d, scores.raw[d])
    status = scores.status()
    out = []
    for i, answers in enumerate(checked):
        dims = []
        for d in scores.dimensions:
            raw = float(scores.raw[d][i])
            norm = placed.get(d)
            dims.append(DimensionScore(
                d, raw, int(scores.answered[d][i]),
                float(norm["percentile"][i]) if norm else math.nan,
                float(norm["t"][i]) if norm else math.nan,
                (norm["band"][i] or None) if norm else None,
                table if norm else None))
        out.append(Scored(answers, status[i], tuple(dims)))
    return out


def content_digest(scored: Scored, filled_on: str | None) -> str:
    """What makes two submissions of a form the same: the answers as given and the date."""
    payload = json.dumps({"answers": [[i, v] for i, _p, v, _s in scored.answers],
                          "date": filled_on or ""}, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Recorded:
    form: FormRef
    outcome: Outcome
    version: int
    submission_id: int


def _none(x: float) -> float | None:
    return None if math.isnan(x) else x


@functools.lru_cache(maxsize=1)
def _statements() -> dict[str, Any]:
    """The statements :func:`record_submission` runs, built once (SQLAlchemy then reuses
    their compiled form: building them per call cost more than running them)."""
    from sqlalchemy import bindparam, insert, select

    from relscale.store.models import Form, Submission

    return {
        "lock": select(Form.id).where(Form.id == bindparam("form_id")).with_for_update(),
        "latest": select(Submission.id, Submission.version, Submission.sha256)
        .where(Submission.form_id == bindparam("form_id"))
        .order_by(Submission.version.desc()).limit(1),
        "submission": insert(Submission).returning(Submission.id),
    }


_PLAIN = {
    "answers": ("answers", ("submission_id", "item", "position", "value", "state")),
    "scores": ("scores", ("submission_id", "dimension", "raw", "answered", "percentile",
                          "t", "band", "norm_table_id")),
}


@functools.lru_cache(maxsize=8)
def _plain_sql(what: str, paramstyle: str) -> str:
    table, columns = _PLAIN[what]
    mark = "?" if paramstyle == "qmark" else "%s"
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})")


def _plain(conn: Connection, what: str) -> str:
    return _plain_sql(what, conn.dialect.paramstyle)


def record_submission(conn: Connection, form: FormRef, scored: Scored, *, source: str,
                      source_kind: str, filled_on: str | None, instrument_version: str,
                      locale: str | None, table_ids: Mapping[int, int] | None = None
                      ) -> Recorded:
    """Store one submission of ``form`` inside the caller's write transaction (see the
    module docstring); the same content as the current version stores nothing.

    ``table_ids``: ``id(norm table) -> its row id`` for tables already stored and
    committed (:func:`stored_norm_tables`), so each submission need not look them up."""
    import datetime as dt

    from relscale.rounds.norms import store_norm_table

    sql = _statements()
    if conn.dialect.name == "postgresql":  # one writer per form at a time
        conn.execute(sql["lock"], {"form_id": form.id})
    digest = content_digest(scored, filled_on)
    latest = conn.execute(sql["latest"], {"form_id": form.id}).first()
    if latest is not None and latest.sha256 == digest:
        return Recorded(form, "unchanged", latest.version, latest.id)
    version = 1 if latest is None else latest.version + 1
    submission_id = conn.execute(sql["submission"], {
        "form_id": form.id, "version": version, "sha256": digest, "source": source[:500],
        "source_kind": source_kind, "filled_on": filled_on,
        "instrument_version": instrument_version, "locale": locale, "status": scored.status,
        "received_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
    }).scalar_one()
    # the two many-row inserts as plain SQL with tuples: SQLAlchemy's parameter handling
    # per row was most of the time of storing a form (benchmarks/RESULTS-rounds.md)
    conn.exec_driver_sql(_plain(conn, "answers"), [
        (submission_id, item, position, value, state)
        for item, position, value, state in scored.answers])
    known = dict(table_ids or {})
    rows = []
    for s in scored.scores:
        tid = None
        if s.table is not None:
            tid = known.get(id(s.table))
            if tid is None:
                tid = known[id(s.table)] = store_norm_table(conn, s.table)
        rows.append((submission_id, s.dimension, _none(s.raw), s.answered,
                     _none(s.percentile), _none(s.t), s.band, tid))
    conn.exec_driver_sql(_plain(conn, "scores"), rows)
    return Recorded(form, "new" if latest is None else "new_version", version, submission_id)


def stored_norm_tables(conn: Connection, scored: Sequence[Scored]) -> dict[int, int]:
    """``id(table) -> row id`` of the norm tables of ``scored`` already in the store (a
    table not yet there is stored with the first submission that uses it, in that
    submission's transaction)."""
    from relscale.rounds.norms import find_norm_table

    out: dict[int, int] = {}
    seen: set[int] = set()
    for one in scored:
        for s in one.scores:
            if s.table is not None and id(s.table) not in seen:
                seen.add(id(s.table))
                found = find_norm_table(conn, s.table)
                if found is not None:
                    out[id(s.table)] = found
    return out


def record_answers(store: Store, round_name: str, answers: Mapping[str, Any], *,
                   key: str | None = None, respondent_code: str | None = None,
                   subject_code: str | None = None, instrument: str | None = None,
                   perspective: str | None = None, source: str = "python",
                   source_kind: str = "web", filled_on: str | None = None) -> Recorded:
    """Store one submission (``{item id: answer code or None}``; the 'does not apply'
    code as given) of the form found by ``key`` or by the codes, instrument and
    perspective (:func:`find_form`), in its own transaction.

    :raises DataError: no such form, an unknown item, an answer off the scale.
    """
    from relscale.rounds.norms import round_norm_tables
    from relscale.rounds.queries import get_round

    with store.read() as conn:
        round_ = get_round(conn, round_name, store)
        form = find_form(conn, round_, key=key, respondent_code=respondent_code,
                         subject_code=subject_code, instrument=instrument,
                         perspective=perspective, where=source)
        tables = round_norm_tables(conn, round_.id)
    adapted = adapted_for(form.instrument, form.sector, form.perspective, form.locale)
    scored = score_answers(adapted, [answers], tables, [source])[0]
    with store.write() as conn:
        return record_submission(conn, form, scored, source=source, source_kind=source_kind,
                                 filled_on=filled_on, instrument_version=adapted.version,
                                 locale=form.locale)


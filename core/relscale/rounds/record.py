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


def check_answers(adapted: AdaptedInstrument, answers: Mapping[str, Any],
                  where: str = "") -> tuple[tuple[str, int, int | None, str], ...]:
    """The answers in form order with their state; an unknown item or a value off the
    scale is an error naming it (readers have checked files already)."""
    scale = adapted.scale
    na = scale.not_applicable.value if scale.not_applicable is not None else None
    known = set(adapted.item_ids)
    for name in answers:
        if name not in known:
            raise DataError(_("{where}: {item!r} is not an item of {instrument}").format(
                where=where, item=name, instrument=adapted.instrument))
    out: list[tuple[str, int, int | None, str]] = []
    for item in adapted.items:
        value = answers.get(item.id)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append((item.id, item.position, None, SKIPPED))
            continue
        if isinstance(value, bool) or not float(value).is_integer():
            raise DataError(_("{where}: {item}: {value!r} is not an answer").format(
                where=where, item=item.id, value=value))
        code = int(value)
        if code == na:
            out.append((item.id, item.position, code, NOT_APPLICABLE))
        elif scale.min <= code <= scale.max:
            out.append((item.id, item.position, code, ANSWERED))
        else:
            raise DataError(_("{where}: {item}: {value} is not an answer on this scale "
                              "({lo} to {hi})").format(where=where, item=item.id, value=code,
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


def record_submission(conn: Connection, form: FormRef, scored: Scored, *, source: str,
                      source_kind: str, filled_on: str | None, instrument_version: str,
                      locale: str | None) -> Recorded:
    """Store one submission of ``form`` inside the caller's write transaction (see the
    module docstring); the same content as the current version stores nothing."""
    import datetime as dt

    from sqlalchemy import insert, select

    from relscale.rounds.norms import store_norm_table
    from relscale.store.models import Answer, Form, Score, Submission

    if conn.dialect.name == "postgresql":  # one writer per form at a time
        conn.execute(select(Form.id).where(Form.id == form.id).with_for_update())
    digest = content_digest(scored, filled_on)
    latest = conn.execute(select(Submission.id, Submission.version, Submission.sha256)
                          .where(Submission.form_id == form.id)
                          .order_by(Submission.version.desc()).limit(1)).first()
    if latest is not None and latest.sha256 == digest:
        return Recorded(form, "unchanged", latest.version, latest.id)
    version = 1 if latest is None else latest.version + 1
    submission_id = conn.execute(insert(Submission).values(
        form_id=form.id, version=version, sha256=digest, source=source[:500],
        source_kind=source_kind, filled_on=filled_on, instrument_version=instrument_version,
        locale=locale, status=scored.status,
        received_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    ).returning(Submission.id)).scalar_one()
    conn.execute(insert(Answer), [
        {"submission_id": submission_id, "item": item, "position": position, "value": value,
         "state": state} for item, position, value, state in scored.answers])
    table_ids: dict[int, int] = {}
    rows = []
    for s in scored.scores:
        tid = None
        if s.table is not None:
            tid = table_ids.get(id(s.table))
            if tid is None:
                tid = table_ids[id(s.table)] = store_norm_table(conn, s.table)
        rows.append({"submission_id": submission_id, "dimension": s.dimension,
                     "raw": _none(s.raw), "answered": s.answered,
                     "percentile": _none(s.percentile), "t": _none(s.t), "band": s.band,
                     "norm_table_id": tid})
    conn.execute(insert(Score), rows)
    return Recorded(form, "new" if latest is None else "new_version", version, submission_id)


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


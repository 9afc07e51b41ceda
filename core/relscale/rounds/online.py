"""Answers given online (``relscale serve``): one sent questionnaire becomes a submission
of its form, scored and versioned as a collected form is (:mod:`relscale.rounds.record`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.rounds.record import Recorded


def record_online_submission(conn: Connection, form_id: int, answers: Mapping[str, Any], *,
                             source: str, filled_on: str | None = None) -> Recorded:
    """Store the answers of form ``form_id`` (``{item id: code}``; items not answered are
    skipped) inside the caller's write transaction, as ``source_kind="web"``; the date
    filled in is today (UTC) unless given.

    :raises DataError: an unknown item or an answer off the scale.
    """
    from sqlalchemy import select

    from relscale.rounds.norms import round_norm_tables
    from relscale.rounds.queries import get_round
    from relscale.rounds.record import adapted_for, find_form, record_submission, score_answers
    from relscale.store.models import Form, Round

    key, round_name = conn.execute(select(Form.key, Round.name).join(
        Round, Round.id == Form.round_id).where(Form.id == form_id)).one()
    round_ = get_round(conn, round_name)
    form = find_form(conn, round_, key=key, where=source)
    adapted = adapted_for(form.instrument, form.sector, form.perspective, form.locale)
    scored = score_answers(adapted, [answers], round_norm_tables(conn, round_.id), [source])[0]
    return record_submission(
        conn, form, scored, source=source, source_kind="web",
        filled_on=filled_on or dt.datetime.now(dt.UTC).date().isoformat(),
        instrument_version=adapted.version, locale=form.locale)

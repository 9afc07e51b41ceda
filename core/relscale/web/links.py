"""Respondent links: issuing them, resolving a token or code, saving each answer as it is
given, and sending the questionnaire.

A link belongs to one form of one round (one pair, one perspective), is good for one
submission, and can be revoked; it expires after :attr:`WebConfig.link_days`. The store
keeps the SHA-256 of its token and code only, so the letters are printed when the links
are made; printing them again makes new links (the old ones are revoked).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relscale.store.models import CLIENT, Form, Name, Pair, Round
from relscale.store.web_tables import OnlineAnswer, RespondentLink
from relscale.web.accounts import aware, now
from relscale.web.security import digest, new_code, new_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Connection

    from relscale.store.engine import Store

OPEN, USED, REVOKED, EXPIRED, UNKNOWN = "open", "used", "revoked", "expired", "unknown"


@dataclass(frozen=True)
class IssuedLink:
    """A link as made: the only moment its token and code exist in clear."""

    form_id: int
    token: str
    code: str
    professional_code: str
    client_code: str
    perspective: str
    instrument: str
    locale: str
    group: str | None
    respondent_name: str | None
    subject_name: str | None


@dataclass(frozen=True)
class LinkState:
    """What a token opens."""

    status: str
    link_id: int = 0
    form_id: int = 0
    round_name: str = ""
    instrument: str = ""
    perspective: str = ""
    sector: str = ""
    locale: str = "en"
    subject_name: str | None = None
    subject_code: str = ""


def _names(conn: Connection, round_id: int) -> dict[tuple[str, str], str]:
    from sqlalchemy import select

    rows = conn.execute(select(Name.role, Name.code, Name.name).where(Name.round_id == round_id))
    return {(role, code): name for role, code, name in rows}


def issue_links(store: Store, round_name: str, *, days: int,
                form_ids: set[int] | None = None) -> list[IssuedLink]:
    """New links for the round's forms (those in ``form_ids``, else every form not yet
    sent online or collected); any older unsent link of those forms is revoked."""
    from sqlalchemy import insert, select, update

    from relscale.store.models import Submission

    moment = now()
    made: list[IssuedLink] = []
    with store.write() as conn:
        round_id = conn.execute(select(Round.id).where(Round.name == round_name)).scalar_one()
        names = _names(conn, round_id)
        query = (select(Form.id, Form.perspective, Form.instrument, Form.locale,
                        Pair.professional_code, Pair.client_code, Pair.group_name)
                 .join(Pair, Pair.id == Form.pair_id).where(Form.round_id == round_id)
                 .order_by(Pair.group_name, Pair.professional_code, Pair.client_code,
                           Form.perspective.desc(), Form.instrument))
        answered = set(conn.execute(select(Submission.form_id).join(
            Form, Form.id == Submission.form_id).where(Form.round_id == round_id)).scalars())
        rows = [r for r in conn.execute(query)
                if (r.id in form_ids if form_ids is not None else r.id not in answered)]
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            conn.execute(update(RespondentLink).where(
                RespondentLink.form_id.in_(ids[start:start + 500]),
                RespondentLink.submitted_at.is_(None), RespondentLink.revoked_at.is_(None),
            ).values(revoked_at=moment))
        values = []
        for r in rows:
            token, code = new_token(), new_code()
            values.append({"form_id": r.id, "token_sha256": digest(token),
                           "code_sha256": digest(code), "created_at": moment,
                           "expires_at": moment + dt.timedelta(days=days)})
            client = r.perspective == CLIENT
            made.append(IssuedLink(
                form_id=r.id, token=token, code=code, professional_code=r.professional_code,
                client_code=r.client_code, perspective=r.perspective,
                instrument=r.instrument, locale=r.locale, group=r.group_name,
                respondent_name=names.get(("client", r.client_code) if client else
                                          ("professional", r.professional_code)),
                subject_name=names.get(("professional", r.professional_code) if client else
                                       ("client", r.client_code))))
        if values:
            conn.execute(insert(RespondentLink), values)
    return made


@functools.cache
def _statements() -> dict[str, Any]:
    """The statements of the answer path, built once: an answer is one request, and
    building a SQLAlchemy statement costs more than running it on SQLite."""
    from sqlalchemy import bindparam, select

    link = (select(RespondentLink.id, RespondentLink.form_id, RespondentLink.expires_at,
                   RespondentLink.revoked_at, RespondentLink.submitted_at, Form.instrument,
                   Form.perspective, Form.sector, Form.locale, Round.name,
                   Round.id.label("rid"), Pair.professional_code, Pair.client_code)
            .join(Form, Form.id == RespondentLink.form_id)
            .join(Round, Round.id == Form.round_id).join(Pair, Pair.id == Form.pair_id))
    by_token = link.where(RespondentLink.token_sha256 == bindparam("digest"))
    by_code = link.where(RespondentLink.code_sha256 == bindparam("digest"))
    # a write locks the link's row (PostgreSQL; SQLite's write transaction holds the whole
    # store): an answer saved while the questionnaire is being sent waits, then finds the
    # link used, instead of being saved after the answers were taken
    return {
        "by_token": by_token,
        "by_code": by_code,
        "by_token_write": by_token.with_for_update(of=RespondentLink),
        "by_code_write": by_code.with_for_update(of=RespondentLink),
        "name": select(Name.name).where(Name.round_id == bindparam("rid"),
                                        Name.role == bindparam("role"),
                                        Name.code == bindparam("code")),
    }


def _state(conn: Connection, by: str, secret: str, *, names: bool = True) -> LinkState:
    """The link whose token (``by="by_token"``) or code (``"by_code"``; ``..._write`` in a
    write transaction, to lock it) is ``secret``;
    with ``names``, the name of whom the form is about."""
    row = conn.execute(_statements()[by], {"digest": digest(secret)}).first()
    if row is None:
        return LinkState(UNKNOWN)
    if row.submitted_at is not None:
        status = USED
    elif row.revoked_at is not None:
        status = REVOKED
    elif aware(row.expires_at) <= now():
        status = EXPIRED
    else:
        status = OPEN
    subject = (("professional", row.professional_code) if row.perspective == CLIENT
               else ("client", row.client_code))
    name = conn.execute(_statements()["name"], {
        "rid": row.rid, "role": subject[0], "code": subject[1]}).scalar_one_or_none() \
        if names else None
    return LinkState(status, row.id, row.form_id, row.name, row.instrument, row.perspective,
                     row.sector, row.locale, name, subject[1])


def resolve(store: Store, token: str) -> LinkState:
    """What a token from a link opens (``UNKNOWN`` for a token no link has)."""
    if not token or len(token) > 64:
        return LinkState(UNKNOWN)
    with store.read() as conn:
        return _state(conn, "by_token", token)


def redeem_code(store: Store, code: str) -> str | None:
    """A new token for the open link with this code (the link's old token stops working,
    so only the device that typed the code last can go on); None for a wrong code."""
    from sqlalchemy import update

    if not code:
        return None
    with store.write() as conn:
        state = _state(conn, "by_code_write", code)
        if state.status != OPEN:
            return None
        token = new_token()
        conn.execute(update(RespondentLink).where(RespondentLink.id == state.link_id)
                     .values(token_sha256=digest(token)))
    return token


def answers_so_far(store: Store, link_id: int) -> dict[str, int]:
    from sqlalchemy import select

    with store.read() as conn:
        return dict(conn.execute(select(OnlineAnswer.item, OnlineAnswer.value)
                                 .where(OnlineAnswer.link_id == link_id)).all())


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    from sqlalchemy import bindparam

    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = insert(OnlineAnswer).values(link_id=bindparam("link_id"), item=bindparam("item"),
                                       value=bindparam("value"),
                                       answered_at=bindparam("answered_at"))
    return stmt.on_conflict_do_update(
        index_elements=["link_id", "item"],
        set_={"value": stmt.excluded.value, "answered_at": stmt.excluded.answered_at})


def _upsert(conn: Connection, link_id: int, item: str, value: int) -> None:
    conn.execute(_upsert_statement(conn.dialect.name),
                 {"link_id": link_id, "item": item, "value": value, "answered_at": now()})


def save_answer(store: Store, token: str, item: str, value: int,
                check: Callable[[LinkState], None] | None = None) -> LinkState:
    """Save one answer for an open link, replacing an earlier answer to the same item, in
    one transaction. ``check`` may refuse the answer (raise) once the link is known (an
    item or code that is not the form's). Returns the link (its status says whether the
    answer was saved: ``OPEN``)."""
    with store.write() as conn:
        state = _state(conn, "by_token_write", token, names=False)
        if state.status != OPEN:
            return state
        if check is not None:
            check(state)
        _upsert(conn, state.link_id, item, value)
    return state


def revoke(store: Store, link_form_ids: set[int]) -> int:
    """Revoke the unsent links of these forms; returns how many."""
    from sqlalchemy import update

    with store.write() as conn:
        result = conn.execute(update(RespondentLink).where(
            RespondentLink.form_id.in_(link_form_ids), RespondentLink.submitted_at.is_(None),
            RespondentLink.revoked_at.is_(None)).values(revoked_at=now()))
    return int(result.rowcount or 0)


def finish(store: Store, token: str,
           extra: Callable[[LinkState], dict[str, int]] | None = None) -> LinkState:
    """Send the questionnaire: the answers saved so far (and those ``extra`` picks from the
    post, sent with the button by a browser without script) become a submission of the
    form, and the link is used up. Returns the link as it was (status ``OPEN``: sent now)."""
    from sqlalchemy import select, update

    from relscale.rounds.online import record_online_submission

    with store.write() as conn:
        state = _state(conn, "by_token_write", token)
        if state.status != OPEN:
            return state
        for item, value in (extra(state) if extra else {}).items():
            _upsert(conn, state.link_id, item, value)
        answers = dict(conn.execute(select(OnlineAnswer.item, OnlineAnswer.value)
                                    .where(OnlineAnswer.link_id == state.link_id)).all())
        record_online_submission(conn, state.form_id, answers, source=f"web link {state.link_id}")
        conn.execute(update(RespondentLink).where(RespondentLink.id == state.link_id)
                     .values(submitted_at=now()))
    return state


def round_form_ids(store: Store, round_id: int) -> set[int]:
    from sqlalchemy import select

    with store.read() as conn:
        return set(conn.execute(select(Form.id).where(Form.round_id == round_id)).scalars())


@dataclass(frozen=True)
class OnlineCounts:
    links: int
    open: int
    started: int
    sent: int


def online_counts(store: Store, round_id: int) -> OnlineCounts:
    """How the round's links stand: made, still open, with an answer, sent."""
    from sqlalchemy import distinct, func, select

    moment = now()
    with store.read() as conn:
        base = (select(func.count()).select_from(RespondentLink)
                .join(Form, Form.id == RespondentLink.form_id).where(Form.round_id == round_id))
        total = conn.execute(base).scalar_one()
        sent = conn.execute(base.where(RespondentLink.submitted_at.is_not(None))).scalar_one()
        still = conn.execute(base.where(RespondentLink.submitted_at.is_(None),
                                        RespondentLink.revoked_at.is_(None),
                                        RespondentLink.expires_at > moment)).scalar_one()
        started = conn.execute(
            select(func.count(distinct(OnlineAnswer.link_id)))
            .join(RespondentLink, RespondentLink.id == OnlineAnswer.link_id)
            .join(Form, Form.id == RespondentLink.form_id)
            .where(Form.round_id == round_id, RespondentLink.submitted_at.is_(None),
                   RespondentLink.revoked_at.is_(None))).scalar_one()
    return OnlineCounts(int(total), int(still), int(started), int(sent))


@dataclass(frozen=True)
class PairRow:
    id: int
    group: str | None
    professional_code: str
    professional_name: str | None
    client_code: str
    client_name: str | None
    sector: str
    locale: str


def round_pairs(store: Store, round_id: int) -> list[PairRow]:
    """The round's pairs with their names (where stored)."""
    from sqlalchemy import select

    with store.read() as conn:
        names = _names(conn, round_id)
        rows = conn.execute(select(Pair.id, Pair.group_name, Pair.professional_code,
                                   Pair.client_code, Pair.sector, Pair.locale)
                            .where(Pair.round_id == round_id)
                            .order_by(Pair.group_name, Pair.professional_code, Pair.client_code))
        return [PairRow(r.id, r.group_name, r.professional_code,
                        names.get(("professional", r.professional_code)), r.client_code,
                        names.get(("client", r.client_code)), r.sector, r.locale)
                for r in rows]


def known_professionals(store: Store) -> list[tuple[str, str | None]]:
    """Every professional code of every round, with the latest name stored for it."""
    from sqlalchemy import select

    with store.read() as conn:
        codes = sorted(set(conn.execute(select(Pair.professional_code)).scalars()))
        named = dict(conn.execute(select(Name.code, Name.name).where(
            Name.role == "professional").order_by(Name.round_id)).all())
    return [(code, named.get(code)) for code in codes]


def open_links(store: Store, round_id: int) -> list[tuple[int, str, str, str]]:
    """The round's links that still work: (form id, professional code, client code,
    perspective), to revoke one (a lost letter)."""
    from sqlalchemy import select

    with store.read() as conn:
        rows = conn.execute(
            select(Form.id, Pair.professional_code, Pair.client_code, Form.perspective)
            .join(RespondentLink, RespondentLink.form_id == Form.id)
            .join(Pair, Pair.id == Form.pair_id)
            .where(Form.round_id == round_id, RespondentLink.submitted_at.is_(None),
                   RespondentLink.revoked_at.is_(None), RespondentLink.expires_at > now())
            .order_by(Pair.professional_code, Pair.client_code, Form.perspective)).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]

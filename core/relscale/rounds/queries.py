"""Looking rounds up in a store: the round by name, what it holds, the list of rounds.

Every function takes an open connection (from :meth:`relscale.store.engine.Store.read` or
``write``), so callers decide the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.store.engine import Store


@dataclass(frozen=True)
class RoundInstrumentInfo:
    id: int
    instrument: str
    perspective: str
    version: str
    report_of: str


@dataclass(frozen=True)
class RoundInfo:
    """A round as stored (its row and instruments; counts in :func:`round_counts`)."""

    id: int
    uid: str
    name: str
    sector: str
    locale: str
    created_at: dt.datetime
    relscale_version: str
    roster_file: str | None
    instruments: tuple[RoundInstrumentInfo, ...]

    @property
    def professional_instruments(self) -> tuple[str, ...]:
        return tuple(i.instrument for i in self.instruments if i.perspective == "professional")


class NoSuchRound(RelscaleError):
    """A round name the store does not hold."""


def get_round(conn: Connection, name: str, store: Store | None = None) -> RoundInfo:
    """The round called ``name``; :class:`NoSuchRound` naming the rounds there are."""
    from sqlalchemy import select

    from relscale.store.models import Round, RoundInstrument

    row = conn.execute(select(Round).where(Round.name == name)).first()
    if row is None:
        names = list(conn.execute(select(Round.name).order_by(Round.name)).scalars())
        where = f"{store.shown}: " if store is not None else ""
        raise NoSuchRound(_("{where}no round {name!r} (rounds: {known})").format(
            where=where, name=name, known=", ".join(names) or _("none yet")))
    r = row[0] if not hasattr(row, "id") else row
    instruments = conn.execute(
        select(RoundInstrument.id, RoundInstrument.instrument, RoundInstrument.perspective,
               RoundInstrument.version, RoundInstrument.report_of)
        .where(RoundInstrument.round_id == r.id).order_by(RoundInstrument.position)).all()
    return RoundInfo(r.id, r.uid, r.name, r.sector, r.locale, r.created_at,
                     r.relscale_version, r.roster_file,
                     tuple(RoundInstrumentInfo(*i) for i in instruments))


@dataclass(frozen=True)
class RoundCounts:
    pairs: int
    professionals: int
    clients: int
    forms: int
    returned: int
    """Forms with at least one submission."""
    submissions: int
    names: int


def round_counts(conn: Connection, round_id: int) -> RoundCounts:
    """How much a round holds."""
    from sqlalchemy import distinct, func, select

    from relscale.store.models import Form, Name, Pair, Submission

    pairs = conn.execute(select(func.count(), func.count(distinct(Pair.professional_code)),
                                func.count(distinct(Pair.client_code)))
                         .where(Pair.round_id == round_id)).one()
    forms = conn.execute(select(func.count()).select_from(Form)
                         .where(Form.round_id == round_id)).scalar_one()
    returned, submissions = conn.execute(
        select(func.count(distinct(Submission.form_id)), func.count())
        .select_from(Submission).join(Form, Form.id == Submission.form_id)
        .where(Form.round_id == round_id)).one()
    names = conn.execute(select(func.count()).select_from(Name)
                         .where(Name.round_id == round_id)).scalar_one()
    return RoundCounts(pairs[0], pairs[1], pairs[2], forms, returned, submissions, names)


def list_rounds(store: Store) -> list[tuple[RoundInfo, RoundCounts]]:
    """Every round in the store, oldest first, with what it holds."""
    from sqlalchemy import select

    from relscale.store.models import Round

    with store.read() as conn:
        names = conn.execute(select(Round.name).order_by(Round.created_at, Round.id)).scalars()
        out = []
        for name in list(names):
            info = get_round(conn, name)
            out.append((info, round_counts(conn, info.id)))
        return out

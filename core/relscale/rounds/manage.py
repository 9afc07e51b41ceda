"""``round delete`` and ``round forget-names``: what the AVG/GDPR asks a store to be able
to do (``docs/rounds.md``, *Privacy*).

Both run in one transaction. On SQLite the deleted content is overwritten in the file
(``secure_delete``, set for every connection: deleted rows and freed pages are zeroed) and
the write-ahead log, which still holds earlier copies of the changed pages, is copied back
and emptied afterwards (``wal_checkpoint(TRUNCATE)``). That can only finish when no other
connection is still reading an older state of the store; when one is, the result says so
(``wal_flushed`` false) and the next removal, or the last connection closing, empties it.
On PostgreSQL the server keeps deleted rows in its files until they are overwritten
(``VACUUM`` only marks the space free; ``VACUUM FULL`` rewrites a table without them; the
server's write-ahead log and backups keep copies until they are recycled): the result says
so (``vacuum_needed``).

Forgetting names also forgets the names of the files the round's answers came from (a
collected file may be named after a child) and of its roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relscale.store.engine import Store

CHECKPOINT_WAIT_MS = 10_000
"""How long emptying SQLite's write-ahead log waits for readers of an older state."""


@dataclass(frozen=True)
class Removed:
    round: str
    rows: int
    """Names removed (forget-names) or forms removed with the round (delete)."""
    submissions: int = 0
    vacuum_needed: bool = False
    """PostgreSQL: the rows are gone for every query but stay on disk until overwritten."""
    wal_flushed: bool = True
    """SQLite: the write-ahead log was emptied (False: another connection was reading, and
    the log keeps a copy of the removed content until it is emptied later)."""


def _after(store: Store) -> tuple[bool, bool]:
    """Flush deleted content out of the store's files where relscale can; whether a
    VACUUM by the server's administrator is still needed, and whether SQLite's
    write-ahead log was emptied."""
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(CHECKPOINT_WAIT_MS)}")
            try:
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {_busy_ms()}")
        return False, not (busy and busy[0])
    return True, True


def _busy_ms() -> int:
    from relscale.store.engine import BUSY_TIMEOUT_S

    return int(BUSY_TIMEOUT_S * 1000)


def forget_names(store: Store, name: str) -> Removed:
    """Delete every name of round ``name`` (codes, answers and scores stay), and the file
    names its submissions and roster came from (they may hold names): a submission's
    ``source`` becomes its kind (``form``, ``platform``, ...)."""
    from sqlalchemy import delete, select, update

    from relscale.rounds.queries import get_round
    from relscale.store.models import Form, Name, Round, Submission

    with store.write() as conn:
        round_ = get_round(conn, name, store)
        n = conn.execute(delete(Name).where(Name.round_id == round_.id)).rowcount
        forms = select(Form.id).where(Form.round_id == round_.id).scalar_subquery()
        conn.execute(update(Submission).where(Submission.form_id.in_(forms))
                     .values(source=Submission.source_kind))
        conn.execute(update(Round).where(Round.id == round_.id).values(roster_file=None))
    vacuum, flushed = _after(store)
    return Removed(round_.name, int(n or 0), vacuum_needed=vacuum, wal_flushed=flushed)


def delete_round(store: Store, name: str) -> Removed:
    """Delete round ``name`` and everything of it: pairs, names, forms issued, submissions,
    answers, scores (norm tables stay: they hold no one's data)."""
    from sqlalchemy import delete, func, select

    from relscale.rounds.queries import get_round
    from relscale.store.models import Form, Round, Submission

    with store.write() as conn:
        round_ = get_round(conn, name, store)
        forms = conn.execute(select(func.count()).select_from(Form)
                             .where(Form.round_id == round_.id)).scalar_one()
        subs = conn.execute(select(func.count()).select_from(Submission)
                            .join(Form, Form.id == Submission.form_id)
                            .where(Form.round_id == round_.id)).scalar_one()
        conn.execute(delete(Round).where(Round.id == round_.id))
    vacuum, flushed = _after(store)
    return Removed(round_.name, int(forms), int(subs), vacuum_needed=vacuum,
                   wal_flushed=flushed)

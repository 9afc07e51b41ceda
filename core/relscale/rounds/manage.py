"""``round delete`` and ``round forget-names``: what the AVG/GDPR asks a store to be able
to do (``docs/rounds.md``, *Privacy*).

Both run in one transaction. On SQLite the deleted content is overwritten in the file
(``secure_delete``, set for every connection) and the write-ahead log is emptied
afterwards (``wal_checkpoint(TRUNCATE)``), so no copy of it stays in the store's files; on
PostgreSQL the server keeps deleted rows until ``VACUUM`` runs (autovacuum, or by hand):
the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relscale.store.engine import Store


@dataclass(frozen=True)
class Removed:
    round: str
    rows: int
    """Names removed (forget-names) or forms removed with the round (delete)."""
    submissions: int = 0
    vacuum_needed: bool = False
    """PostgreSQL: the rows are gone for every query but stay on disk until VACUUM."""


def _after(store: Store) -> bool:
    """Flush deleted content out of the store's files where relscale can; whether a
    VACUUM by the server's administrator is still needed."""
    from sqlalchemy import text

    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute(text("SELECT 1"))
        return False
    return True


def forget_names(store: Store, name: str) -> Removed:
    """Delete every name of round ``name`` (codes, answers and scores stay)."""
    from sqlalchemy import delete

    from relscale.rounds.queries import get_round
    from relscale.store.models import Name

    with store.write() as conn:
        round_ = get_round(conn, name, store)
        n = conn.execute(delete(Name).where(Name.round_id == round_.id)).rowcount
    return Removed(round_.name, int(n or 0), vacuum_needed=_after(store))


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
    return Removed(round_.name, int(forms), int(subs), vacuum_needed=_after(store))

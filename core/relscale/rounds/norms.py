"""Norm tables in the store: every score names the very table it was placed with.

A table is stored once (by the sha256 of its JSON) in ``norm_tables``; a round's own
tables (``round new --norms``) are linked in ``round_norms`` and come before the
registered ones when the round's answers are scored. The reliable change index of a
round's report takes SD and reliability from the table the later score was placed with
(:func:`load_norm_table`), and says which.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.model.models import NormTable


def norm_json(table: NormTable) -> str:
    return table.model_dump_json()


_digests: dict[int, tuple[NormTable, str, str]] = {}
"""id(table) -> (the table, its JSON, the JSON's sha256): a table is serialized once per
process (it is kept here, so its id is not reused)."""


def _content(table: NormTable) -> tuple[str, str]:
    known = _digests.get(id(table))
    if known is None or known[0] is not table:
        content = norm_json(table)
        known = _digests[id(table)] = (table, content,
                                       hashlib.sha256(content.encode("utf-8")).hexdigest())
    return known[1], known[2]


def find_norm_table(conn: Connection, table: NormTable) -> int | None:
    """The id of ``table`` in the store; None when it is not stored (nothing is written)."""
    from sqlalchemy import select

    from relscale.store.models import NormTableRecord

    digest = _content(table)[1]
    found = conn.execute(select(NormTableRecord.id)
                         .where(NormTableRecord.sha256 == digest)).scalar()
    return None if found is None else int(found)


def store_norm_table(conn: Connection, table: NormTable) -> int:
    """The id of ``table`` in the store, inserted when new."""
    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from relscale.store.models import NormTableRecord

    content, digest = _content(table)
    found = conn.execute(select(NormTableRecord.id)
                         .where(NormTableRecord.sha256 == digest)).scalar()
    if found is not None:
        return int(found)
    try:
        with conn.begin_nested():  # another writer may insert the same table (PostgreSQL)
            return int(conn.execute(insert(NormTableRecord).values(
                sha256=digest, instrument=table.instrument, sector=table.sector,
                perspective=table.perspective, status=table.population.status,
                content=content).returning(NormTableRecord.id)).scalar_one())
    except IntegrityError:
        return int(conn.execute(select(NormTableRecord.id)
                                .where(NormTableRecord.sha256 == digest)).scalar_one())


@functools.lru_cache(maxsize=256)
def _parse(content: str) -> NormTable:
    from relscale.model.models import NormTable

    return NormTable.model_validate_json(content)


def load_norm_table(conn: Connection, table_id: int) -> NormTable:
    """A stored norm table."""
    from sqlalchemy import select

    from relscale.store.models import NormTableRecord

    content = conn.execute(select(NormTableRecord.content)
                           .where(NormTableRecord.id == table_id)).scalar_one()
    return _parse(content)


def round_norm_tables(conn: Connection, round_id: int) -> list[NormTable]:
    """The norm tables given for a round, in the order given."""
    from sqlalchemy import select

    from relscale.store.models import NormTableRecord, RoundNorm

    rows = conn.execute(select(NormTableRecord.content)
                        .join(RoundNorm, RoundNorm.norm_table_id == NormTableRecord.id)
                        .where(RoundNorm.round_id == round_id)
                        .order_by(NormTableRecord.id)).scalars()
    return [_parse(c) for c in rows]

"""Schema versions of a store, with Alembic, run from Python (no ``alembic`` command).

Opening a store (:func:`relscale.store.engine.open_store`) calls :func:`upgrade`:

- an empty database gets every migration (a new store);
- a store at an earlier revision is upgraded to the newest one relscale knows;
- a store at a revision this relscale does not know was made by a newer relscale and is
  refused, with a message saying so (nothing is changed);
- a database that already holds tables named like relscale's but no relscale version
  table is refused (not a relscale store).

The version is kept in the table :data:`VERSION_TABLE` (not Alembic's default name, so a
PostgreSQL database that other applications manage with Alembic can hold a store too).
The upgrade runs in one transaction that holds the write lock (SQLite) or an advisory lock
(PostgreSQL), so two processes opening a new store at once do not both create it.

Developers add a migration with Alembic's own command
(``alembic -c core/relscale/store/alembic.ini revision --autogenerate -m "..."``) and
review it; ``tests/test_store.py`` checks that the migrated schema equals the models.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from relscale.errors import StoreError
from relscale.i18n import _

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection


class Store(Protocol):
    """What :func:`upgrade` uses of :class:`relscale.store.engine.Store` (a protocol, so
    this module need not import the engine, which imports it)."""

    @property
    def dialect(self) -> str: ...

    @property
    def shown(self) -> str: ...

    def read(self) -> AbstractContextManager[Connection]: ...

    def write(self) -> AbstractContextManager[Connection]: ...

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0002_web"
"""The newest revision in ``migrations/versions``, written here too so that opening a
current store needs no Alembic import (a quarter of a round command's start-up);
``tests/test_store.py`` fails when a new migration is added without updating it."""
VERSION_TABLE = "relscale_schema_version"
LOCK_KEY = 0x72656C7363616C65  # "relscale": PostgreSQL advisory lock for upgrades
_script: ScriptDirectory | None = None


def script_directory() -> ScriptDirectory:
    """The migrations shipped with relscale (read once per process)."""
    global _script
    if _script is None:
        from alembic.script import ScriptDirectory

        _script = ScriptDirectory(str(MIGRATIONS))
    return _script


def head() -> str:
    """The newest revision this relscale knows."""
    heads = script_directory().get_heads()
    if len(heads) != 1:  # a developer's merge left two heads: a bug, not a user's problem
        raise RuntimeError(f"relscale's migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(conn: Connection) -> str | None:
    """The store's revision; None for a database without relscale's version table."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade(store: Store) -> str:
    """Bring the store's schema to :func:`head`; return the revision it had before
    (``"new"`` for an empty database).

    :raises StoreError: a newer store, or a database that is not a relscale store.
    """
    try:
        with store.read() as conn:
            if current_revision(conn) == HEAD:
                return HEAD
        target = head()
        with store.write() as conn:
            if store.dialect == "postgresql":
                from sqlalchemy import text

                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
            before = current_revision(conn)  # again: another process may have upgraded
            _check_known(store, conn, before)
            if before != target:
                _run(conn, target)
            return before or "new"
    except StoreError:
        raise
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise StoreError(_("{url}: the store cannot be opened ({reason})").format(
                url=store.shown, reason=_db_reason(exc))) from None
        raise


def _db_reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _check_known(store: Store, conn: Connection, revision: str | None) -> None:
    from alembic.util.exc import CommandError
    from sqlalchemy import inspect

    if revision is None:
        from relscale.store.models import Base

        tables = set(inspect(conn).get_table_names())
        clash = sorted(tables & set(Base.metadata.tables))
        if clash:
            raise StoreError(_(
                "{url}: holds tables named like relscale's ({tables}) but no relscale "
                "schema version: not a relscale store; use another database").format(
                url=store.shown, tables=", ".join(clash)))
        return
    try:
        script_directory().get_revision(revision)
    except CommandError:
        raise StoreError(_(
            "{url}: this store was made by a newer relscale (schema {revision}; this "
            "relscale knows up to {head}); upgrade relscale to use it").format(
            url=store.shown, revision=revision, head=head())) from None


def _run(conn: Connection, target: str) -> None:
    """Run the migrations from the store's revision to ``target`` on ``conn``, inside its
    transaction (Alembic's documented way of sharing a connection: ``env.py`` takes it
    from the config's attributes)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, target)

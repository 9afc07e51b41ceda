"""Opening a store: where it is, the engine, transactions, the schema version.

:func:`open_store` takes a database URL or a file path (``--db``), else
``$RELSCALE_DB``, else ``relscale.db`` in the current folder, and returns a
:class:`Store` whose schema is current: a store made by an older relscale is upgraded
(:mod:`relscale.store.migrate`), one made by a newer relscale is refused.

SQLite is set up for many small transactions that survive a killed process: write-ahead
log, ``synchronous=NORMAL`` (a commit is atomic and survives the process; only a power cut
can lose the last ones), foreign keys on, deleted content overwritten
(``secure_delete``), and a write transaction that takes the write lock when it begins
(``BEGIN IMMEDIATE``), so that two processes collecting into one file wait for each other
instead of failing half-way. A new store file is made readable by its owner only (mode
600). PostgreSQL is the same code with another URL.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import StoreError
from relscale.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

ENV_DB = "RELSCALE_DB"
DEFAULT_DB = "relscale.db"
__all__ = ["DEFAULT_DB", "ENV_DB", "Store", "StoreError", "make_engine", "open_store",
           "readable_by_others", "store_url"]
BUSY_TIMEOUT_S = 60.0
"""How long a SQLite writer waits for another one before giving up."""


def need_store_packages() -> None:
    """One line saying what to do when SQLAlchemy or Alembic is missing (a broken install)."""
    from importlib.util import find_spec

    for name in ("sqlalchemy", "alembic"):  # found, not imported: Alembic only if needed
        if find_spec(name) is None:
            raise StoreError(_(
                "rounds need {missing}, which relscale installs with itself; reinstall "
                "relscale (pip install --force-reinstall relscale)"
            ).format(missing=name))


def store_url(db: str | Path | None = None) -> str:
    """The database URL for ``--db``: a URL as given (``postgresql+psycopg://...``,
    ``sqlite:///file.db``), a file path as a SQLite URL; default ``$RELSCALE_DB``, then
    ``relscale.db`` in the current folder."""
    text = str(db) if db is not None else os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given: it holds nothing to hide
        return url


@dataclass
class Store:
    """An open store: the engine and the transactions every round function runs in."""

    url: str
    engine: Engine
    _closed: bool = field(default=False, repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def shown(self) -> str:
        return shown_url(self.url)

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on error.

        On SQLite it holds the write lock from the start (``BEGIN IMMEDIATE``), so a
        read-then-write inside it sees no other writer in between.
        """
        with self.engine.connect().execution_options(relscale_write=True) as conn, \
                conn.begin():
            yield conn

    @contextlib.contextmanager
    def writer(self) -> Iterator[Connection]:
        """One connection for many write transactions (``with conn.begin(): ...`` each,
        each as :meth:`write` begins it): a collect stores file after file on one."""
        with self.engine.connect().execution_options(relscale_write=True) as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (one consistent view)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        if not self._closed:
            self.engine.dispose()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_engine(url: str) -> Engine:
    """The SQLAlchemy engine for a store URL, with relscale's SQLite settings."""
    need_store_packages()
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        hint = ""
        if url.startswith("postgresql"):
            hint = " " + _("(PostgreSQL needs the 'postgres' extra: pip install "
                           "\"relscale[postgres]\")")
        raise StoreError(_("{url}: not a database URL relscale can open ({reason}){hint}")
                         .format(url=shown_url(url), reason=exc, hint=hint)) from None
    if engine.dialect.name == "sqlite":
        _sqlite_settings(engine)
    return engine


def _sqlite_settings(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off: SQLAlchemy's begin event below says
        # BEGIN itself, IMMEDIATE for a write (see Store.write)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get("relscale_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite store (not of an in-memory one or a server's)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database)


def _create_private(path: Path) -> None:
    """A new store file that only its owner can read and write (mode 600, whatever the
    umask): it holds names and answers about children. SQLite gives the files beside it
    (``-wal``, ``-shm``, a journal) the same mode."""
    import contextlib

    with contextlib.suppress(OSError):  # there already, or SQLite says why it cannot be
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def readable_by_others(store: Store) -> Path | None:
    """A SQLite store's file when users other than its owner may read it (``None`` for a
    private file, or a store on a server)."""
    import stat

    path = _sqlite_file(store.engine)
    if path is None:
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return path if mode & (stat.S_IRGRP | stat.S_IROTH) else None


def open_store(db: str | Path | None = None, *, create: bool = False) -> Store:
    """Open the store named by ``db`` (see :func:`store_url`), its schema brought to the
    current version.

    :param create: make a new SQLite file when there is none (``round new``); otherwise a
        missing file is an error naming it.
    :raises StoreError: no store there, one made by a newer relscale, a database that is
        not a relscale store, or a server that cannot be reached.
    """
    from relscale.store.migrate import upgrade

    url = store_url(db)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise StoreError(_(
                "{path}: no relscale store here (make one with relscale round new, or name "
                "it with --db or ${env})").format(path=path, env=ENV_DB))
    engine = make_engine(url)
    file = _sqlite_file(engine)
    if file is not None:
        _create_private(file)
    store = Store(url, engine)
    try:
        upgrade(store)
    except BaseException:
        store.close()
        raise
    return store

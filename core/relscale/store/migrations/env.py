"""Alembic's environment for relscale's store.

relscale runs the migrations itself (:func:`relscale.store.migrate.upgrade`) and passes
its open connection in ``config.attributes["connection"]``. A developer running Alembic's
command (``alembic -c core/relscale/store/alembic.ini ...``) names the database with
``-x db=URL`` or ``$RELSCALE_DB`` (default ``relscale.db``).
"""

from __future__ import annotations

from alembic import context

from relscale.store import web_tables  # noqa: F401 (the page's tables, same metadata)
from relscale.store.migrate import VERSION_TABLE
from relscale.store.models import Base


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
        render_as_batch=True,  # SQLite alters a table by copying it
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from relscale.store.engine import make_engine, store_url

    engine = make_engine(store_url(context.get_x_argument(as_dictionary=True).get("db")))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


_main()

"""The relscale store: measurement rounds in a relational database (SQLAlchemy 2, Alembic).

- :mod:`relscale.store.models`: the tables;
- :mod:`relscale.store.engine`: :func:`open_store` (SQLite file by default, PostgreSQL by
  URL), transactions;
- :mod:`relscale.store.migrate`: schema versions (Alembic), run when a store is opened;
- ``migrations/``: the Alembic scripts, shipped with the package.

The store is a layer like ``io/``: it knows tables and transactions, not instruments,
scoring, forms or the command line (:mod:`relscale.rounds` does the work on top of it).
SQLAlchemy and Alembic are imported inside the functions: nothing here is imported by
``relscale --help``.
"""

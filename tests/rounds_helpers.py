"""Helpers for the rounds tests: a store on SQLite and on a real PostgreSQL server, a
roster, filling a round's forms with openpyxl, counting rows.

PostgreSQL: ``$RELSCALE_TEST_POSTGRES`` is a URL of a role that may create databases
(default ``postgresql+psycopg://relscale_test:relscale_test@127.0.0.1:5432/postgres``,
the role ``.ci/run`` makes). Each test gets a database of its own, dropped afterwards.
Without a reachable server the PostgreSQL tests skip, unless
``$RELSCALE_TEST_POSTGRES_REQUIRED`` is set (``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PG_DEFAULT = "postgresql+psycopg://relscale_test:relscale_test@127.0.0.1:5432/postgres"
ENV_PG = "RELSCALE_TEST_POSTGRES"
ENV_PG_REQUIRED = "RELSCALE_TEST_POSTGRES_REQUIRED"
BACKENDS = ("sqlite", "postgresql")


def pg_admin_url() -> str:
    return os.environ.get(ENV_PG) or PG_DEFAULT


def _pg_unavailable(reason: str) -> None:
    if os.environ.get(ENV_PG_REQUIRED):
        pytest.fail(f"PostgreSQL is required here (${ENV_PG_REQUIRED} is set): {reason}")
    pytest.skip(f"no PostgreSQL server reachable: {reason}")


def make_pg_database() -> tuple[str, Callable[[], None]]:
    """A new, empty database; its URL and a function that drops it."""
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - the test extra has it
        _pg_unavailable(str(exc))
        raise
    admin_url = pg_admin_url()
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to connect: skip, or fail in CI
        _pg_unavailable(str(exc).splitlines()[0])
        raise
    name = f"relscale_test_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(
        hide_password=False)

    def drop() -> None:
        import time

        # FORCE ends the test's own leftover connections; a server process of no role (an
        # autovacuum worker on the new database) can refuse that for a moment: try again
        for attempt in range(10):
            try:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except sa.exc.DBAPIError:
                if attempt == 9:
                    raise
                time.sleep(0.5)
        admin.dispose()

    return url, drop


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on each backend: a SQLite file in ``tmp_path``, a fresh PostgreSQL
    database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relscale.db'}"
        return
    url, drop = make_pg_database()
    try:
        yield url
    finally:
        drop()


# --- rosters -----------------------------------------------------------------------------


def roster_rows(groups: int = 3, professionals: int = 2, clients: int = 8,
                names: bool = True) -> list[dict[str, str]]:
    """groups x professionals x clients pairs: P<g><p> with clients C<g><p><c>."""
    rows = []
    for g in range(1, groups + 1):
        for p in range(1, professionals + 1):
            prof = f"P{g}{p}"
            for c in range(1, clients + 1):
                client = f"C{g}{p}{c:02d}"
                row = {"professional_code": prof, "client_code": client,
                       "group": f"Group {g}"}
                if names:
                    row["professional_name"] = f"Prof {g}{p}"
                    row["client_name"] = f"Child {g}{p}{c:02d}"
                rows.append(row)
    return rows


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- filling forms -----------------------------------------------------------------------


def _meta_rows(rows: Any) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    rows = [tuple("" if v is None else str(v) for v in r) for r in rows]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "item")
    meta = {r[0]: r[1] for r in rows[:start] if r and r[0]}
    return meta, [r[:5] for r in rows[start + 1:] if r and r[0]]


def form_meta(path: Path) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """A form's metadata pairs and item table, read with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return _meta_rows(wb["relscale_meta"].iter_rows(values_only=True))
    finally:
        wb.close()


Answers = dict[str, int | None] | Callable[[dict[str, str]], dict[str, int | None]]


def fill_round_form(path: Path, target: Path, answers: Answers,
                    date: dt.date = dt.date(2027, 3, 1)) -> dict[str, str]:
    """Fill a round's form with openpyxl as a person would: a number per row (compact),
    an x in the box of the answer's option (boxes); the date field. ``answers`` may be a
    function of the form's metadata. Returns the metadata."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    meta, items = _meta_rows(wb["relscale_meta"].iter_rows(values_only=True))
    given = answers(meta) if callable(answers) else answers
    options = {}
    k = 0
    while f"option.{k}" in meta:
        value, _sep, _label = meta[f"option.{k}"].partition("=")
        options[int(value)] = k
        k += 1
    ws = wb[meta["form_sheet"]]
    for item, _pos, _dim, _key, cells in items:
        value = given.get(item)
        if value is None:
            continue
        addresses = cells.split()
        if len(addresses) == 1:
            ws[addresses[0]] = value
        else:
            ws[addresses[options[value]]] = "x"
    ws[meta["field.date"]] = date
    wb.save(target)
    return meta


def count_rows(url: str) -> dict[str, int]:
    """Rows per table of a store (every table the models define)."""
    import sqlalchemy as sa

    from relscale.store.models import Base

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
                    for name in Base.metadata.tables}
    finally:
        engine.dispose()


def answers_for(items: list[tuple[str, Any]], value: Callable[[str], int | None]
                ) -> dict[str, int | None]:
    return {item: value(item) for item, *_rest in items}

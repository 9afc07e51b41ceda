"""The store: migrations make exactly the models' tables, an older store is upgraded, a
newer one is refused, a foreign database is refused, and ``relscale --help`` imports no
SQLAlchemy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import runner
from relscale.cli.main import app
from relscale.store.engine import StoreError, open_store, store_url
from relscale.store.migrate import HEAD, VERSION_TABLE, head, script_directory
from relscale.store.models import Base

DATA = Path(__file__).parent / "data" / "rounds"


def test_migrations_make_exactly_the_models(store_url: str) -> None:
    """Alembic's own comparison of the migrated database with the models finds nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with open_store(store_url, create=True) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, Base.metadata) == []
        assert conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")
                            ).scalar_one() == head()


def test_one_head() -> None:
    """A merge that leaves two migration heads is caught here, not by a user; the head
    written in relscale.store.migrate.HEAD (opening a current store reads only that) is
    the migrations' head."""
    assert script_directory().get_heads() == [HEAD]


def test_first_schema_store_is_upgraded(tmp_path: Path) -> None:
    """A stored copy of a store made by the first migration (tests/reference/
    make_store_v0001.py) opens with the current code: upgraded, its round readable."""
    from relscale.rounds.export import export_round
    from relscale.rounds.status import round_status

    path = tmp_path / "old.db"
    shutil.copy(DATA / "store_v0001.db", path)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        before = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
    engine.dispose()
    assert before == "0001_rounds"
    with open_store(path) as store:
        with store.read() as conn:
            now = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
        assert now == head()
        status = round_status(store, "v1-round")
        assert (status.returned, status.expected) == (1, 4)
        done = export_round(store, "v1-round", tmp_path / "old.csv")
    lines = (tmp_path / "old.csv").read_text().splitlines()
    assert done.answers == 22
    assert any(",item,fh_rq_a01,9,not_applicable," in line for line in lines)


def test_two_processes_make_one_new_store(store_url: str) -> None:
    """Two processes opening a new store at once: one creates it (under the write lock or
    an advisory lock), the other finds it made; both go on."""
    code = ("import sys\nfrom relscale.store.engine import open_store\n"
            "open_store(sys.argv[1], create=True).close()\nprint('ok')")
    procs = [subprocess.Popen([sys.executable, "-c", code, store_url], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar_one() == 1
    engine.dispose()


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(path, create=True).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"made by a newer relscale.*9999_future"):
        open_store(path)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:  # nothing was changed
        assert conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")
                            ).scalar_one() == "9999_future"
    engine.dispose()
    result = runner().invoke(app, ["round", "list", "--db", str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "newer relscale" in result.stderr


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE rounds (id INTEGER PRIMARY KEY, what TEXT)"))
    engine.dispose()
    with pytest.raises(StoreError, match="not a relscale store"):
        open_store(path)


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    result = runner().invoke(app, ["round", "status", "spring", "--db",
                                   str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "none.db: no relscale store here" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "none.db").exists()


def test_store_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RELSCALE_DB", raising=False)
    assert store_url() == f"sqlite:///{tmp_path / 'relscale.db'}"
    monkeypatch.setenv("RELSCALE_DB", "x/y.db")
    assert store_url() == f"sqlite:///{tmp_path / 'x' / 'y.db'}"
    url = "postgresql+psycopg://u:secret@h/db"
    assert store_url(url) == url
    with pytest.raises(StoreError, match="not a database URL") as info:
        open_store("nosuchdialect://u:secret@h/db")
    assert "secret" not in str(info.value)


def test_help_imports_no_sqlalchemy() -> None:
    code = ("import sys, runpy; sys.argv = ['relscale', '--help']\n"
            "try:\n    runpy.run_module('relscale', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'psycopg')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "round" in out.stdout

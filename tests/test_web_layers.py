"""Where the page sits: a second front end beside cli/, optional, and light to start.

- nothing in ``relscale.web`` imports ``relscale.cli``; nothing but ``relscale.web`` and
  the ``serve`` command imports ``relscale.web``, and ``serve`` only inside its function;
- ``relscale --help`` loads none of the page's packages (nor the store's);
- the page's tables come with migration 0002 on top of the rounds schema, and a store at
  revision 0001 is upgraded to them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from test_architecture import MODULES, graph

WEB_PACKAGES = ("starlette", "jinja2", "uvicorn", "argon2", "multipart", "python_multipart",
                "sqlalchemy", "alembic", "httpx")


def test_web_never_imports_the_cli_and_only_serve_imports_web() -> None:
    edges = graph()
    web = {m for m in edges if m == "relscale.web" or m.startswith("relscale.web.")}
    assert len(web) > 5
    for module in web:
        assert not any(t == "relscale.cli" or t.startswith("relscale.cli.")
                       for t in edges[module]), module
    importers = {m for m, targets in edges.items()
                 if any(t == "relscale.web" or t.startswith("relscale.web.") for t in targets)}
    assert importers - web == {"relscale.cli.serve"}


def test_serve_imports_the_page_lazily() -> None:
    tree = ast.parse(MODULES["relscale.cli.serve"].read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = [getattr(n, "module", None) or n.names[0].name for n in top]  # type: ignore[attr-defined]
    assert not [n for n in names if n and n.startswith(("relscale.web", "relscale.store"))]
    assert "relscale.web.app" in MODULES["relscale.cli.serve"].read_text(encoding="utf-8")


def test_help_loads_none_of_the_page_packages() -> None:
    code = ("import sys\nsys.argv = ['relscale', '--help']\nfrom relscale.cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', ' '.join(sorted(m.split('.')[0] for m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    loaded = set(result.stdout.split("LOADED", 1)[1].split())
    assert "serve" in result.stdout  # the command is listed
    assert loaded.isdisjoint(WEB_PACKAGES), loaded & set(WEB_PACKAGES)
    assert "relscale" in loaded


def test_store_at_the_first_schema_is_upgraded_to_the_pages_tables(tmp_path: Path) -> None:
    pytest.importorskip("alembic")
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    from relscale.store.engine import open_store
    from relscale.store.migrate import MIGRATIONS, VERSION_TABLE, head

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001_rounds")
    tables = set(inspect(engine).get_table_names())
    assert "rounds" in tables and "web_users" not in tables
    engine.dispose()
    with open_store(url) as store, store.read() as conn:
        from sqlalchemy import text

        assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one() \
            == head()
        now = set(inspect(conn).get_table_names())
    assert {"web_users", "web_sessions", "web_coach_assignments", "web_links", "web_answers",
            "web_audit"} <= now


def test_migrated_page_tables_equal_the_models(tmp_path: Path) -> None:
    pytest.importorskip("alembic")
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from relscale.store import web_tables  # noqa: F401 (the page's tables in the metadata)
    from relscale.store.engine import open_store
    from relscale.store.models import Base

    with open_store(str(tmp_path / "new.db"), create=True) as store, store.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if "web_" in repr(d)]
    assert ours == []

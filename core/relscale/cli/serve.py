"""``relscale serve``: the organization's page (library: relscale.web)."""

from __future__ import annotations

from typing import Annotated

import typer

from relscale.cli.common import LocaleOption, handle_errors, note_err, use_locale, warn_err
from relscale.i18n import _


def register(app: typer.Typer) -> None:
    app.command("serve")(handle_errors(serve))


def serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="The store: a SQLite file or a postgresql+psycopg:// URL (default "
        "$RELSCALE_DB, then relscale.db here).", show_default=False)] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    create_user: Annotated[bool, typer.Option(
        "--create-user", help="Make a staff account (asks for the name and password) and "
        "stop; the first one made is a coordinator.")] = False,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Serve a demo store in a temporary folder: a round on the built-in "
        "content with some answers, a coordinator and a coach.")] = False,
    certfile: Annotated[str | None, typer.Option(
        "--certfile", help="TLS certificate (PEM) to serve HTTPS directly.")] = None,
    keyfile: Annotated[str | None, typer.Option(
        "--keyfile", help="TLS private key (PEM) for --certfile.")] = None,
    behind_proxy: Annotated[bool, typer.Option(
        "--behind-proxy", help="Trust X-Forwarded-Proto/For from a reverse proxy on this "
        "machine (cookies are then Secure when the proxy says HTTPS).")] = False,
    link_days: Annotated[int, typer.Option(
        "--link-days", help="How long a respondent link stays valid.", min=1)] = 30,
    locale: LocaleOption = None,
) -> None:
    """Serve the page: rounds, online questionnaires, profiles for coaches (docs/web.md)."""
    from relscale.web.server import exposure_warning, need_web_packages, store_warning

    use_locale(locale)
    need_web_packages()
    from relscale.store.engine import open_store
    from relscale.web.app import WebConfig

    if create_user:
        _create_user(db)
        return
    config = WebConfig(secure_cookies=bool(certfile), link_days=link_days)
    if demo:
        import tempfile

        from relscale.web.demo import make_demo

        folder = tempfile.mkdtemp(prefix="relscale-demo-")
        store = open_store(db or f"{folder}/demo.db", create=True)
        info = make_demo(store)
        typer.echo(_("Demo store: {path}").format(path=store.shown))
        for line in info.lines(f"http://{host}:{port}"):
            typer.echo(line)
    else:
        store = open_store(db, create=True)
        from relscale.web.accounts import count_coordinators

        if count_coordinators(store) == 0:
            note_err(_("no coordinator yet: make one with relscale serve --create-user"))
    for warning in (exposure_warning(host, bool(certfile), behind_proxy),
                    store_warning(store)):
        if warning:
            warn_err(warning)
    scheme = "https" if certfile else "http"
    typer.echo(_("relscale serve: {url} (Ctrl-C stops it)").format(url=f"{scheme}://{host}:{port}"))
    from relscale.web.server import run

    try:
        run(store, config, host=host, port=port, certfile=certfile, keyfile=keyfile,
            behind_proxy=behind_proxy)
    finally:
        store.close()


def _create_user(db: str | None) -> None:
    from relscale.store.engine import open_store
    from relscale.store.web_tables import COACH, COORDINATOR
    from relscale.web.accounts import count_coordinators, create_user

    with open_store(db, create=True) as store:
        first = count_coordinators(store) == 0
        username = typer.prompt(_("User name"))
        name = typer.prompt(_("Full name"), default=username)
        role = COORDINATOR if first else typer.prompt(
            _("Role (coordinator or coach)"), default=COACH)
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
        made = create_user(store, username, name, role, password)
    typer.echo(_("Made {role} {username} in {store}").format(
        role=made.role, username=made.username, store=store.shown))

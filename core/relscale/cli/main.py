"""The root ``relscale`` application: global options and the command groups."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from relscale.__about__ import __version__
from relscale.cli import analysis as analysis_cli
from relscale.cli import catalog
from relscale.cli import export as export_cli
from relscale.cli import forms as forms_cli
from relscale.cli import i18n as i18n_cli
from relscale.cli import norms as norms_cli
from relscale.cli import plugin as plugin_cli
from relscale.cli import profile as profile_cli
from relscale.cli import report as report_cli
from relscale.cli import rounds as rounds_cli
from relscale.cli import scoring as scoring_cli
from relscale.cli import serve as serve_cli
from relscale.cli.common import ENV_LOCALE, state, terminal_safe
from relscale.errors import RelscaleError

app = typer.Typer(
    name="relscale",
    help="Adapt relationship instruments from education to other care sectors: "
    "localized forms, scoring sheets, norms and reliability.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"relscale {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    locale: Annotated[
        str | None,
        typer.Option(
            "--locale",
            "-l",
            envvar=ENV_LOCALE,
            help="Locale for all output, e.g. en, nl, nl_BE.",
            show_default=False,
        ),
    ] = None,
    content: Annotated[
        list[Path] | None,
        typer.Option(
            "--content",
            help="A content file (sector, instrument or norm table in TOML) to load beside "
            "the installed plugins, e.g. licensed item wording. Repeatable.",
            exists=True,
            dir_okay=False,
            metavar="FILE",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    state.locale = locale
    if content:
        from relscale import plugins
        from relscale.user_content import add_content_files

        add_content_files(content)
        plugins.reset_registry()


# Registration order is the order of `relscale --help`: browse, forms, scoring, norms,
# export, translation, equivalence evidence.
catalog.register(app)
forms_cli.register(app)
scoring_cli.register(app)
profile_cli.register(app)
rounds_cli.register(app)
norms_cli.register(app)
export_cli.register(app)
# late bound: cli_command is defined below and the plugins' commands load on first use
i18n_cli.register(app, command_tree=lambda: cli_command())
analysis_cli.register(app)
report_cli.register(app)
plugin_cli.register(app)
serve_cli.register(app)

_plugins_loaded = False


def load_plugin_commands() -> None:
    """Let plugins add commands (``register_commands`` hook), once."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from relscale.plugins import get_plugin_manager

    get_plugin_manager().hook.register_commands(cli=app)


def cli_command() -> Any:
    """The click command tree of ``relscale`` with the plugins' commands, in English."""
    load_plugin_commands()
    return typer.main.get_command(app)


def main() -> None:
    try:
        load_plugin_commands()
    except RelscaleError as exc:  # a plugin that cannot load: one line, as for commands
        typer.echo(f"relscale: error: {terminal_safe(str(exc))}", err=True)
        raise SystemExit(exc.exit_code) from None
    from relscale.cli.help_i18n import command_for

    try:
        command = command_for(app, sys.argv[1:], os.environ.get(ENV_LOCALE))
    except RelscaleError as exc:  # a catalog that cannot be read: one line
        typer.echo(f"relscale: error: {terminal_safe(str(exc))}", err=True)
        raise SystemExit(exc.exit_code) from None
    if command is None:
        from relscale.cli.click_words import localize

        command = typer.main.get_command(app)
        localize(command)  # metavars that name what to give
    defer_coercion(command)
    from relscale.cli.click_words import words_installed

    # What app() does: typer runs the same click command in standalone mode. Its only
    # extra, a traceback hook, defers to Python's own with pretty exceptions off, as here.
    with words_installed():  # typer's and click's words in the user's language
        command()


class _UnsetFirst:
    """typer's coercion of one parameter, left unbuilt while the parameter is unset."""

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # what typer's coercion returns for an unset parameter
            return () if param.multiple or param.nargs == -1 else None
        param._runtime_param = None  # typer builds its own now (and keeps it)
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)


def defer_coercion(command: Any) -> None:
    """Let typer build a parameter's coercion only once the parameter has a value.

    typer 0.29 coerces every parameter through a pydantic ``TypeAdapter`` that it builds
    on first use, even for a parameter left unset (whose value it passes on as None or
    ``()`` without asking the adapter): importing pydantic and building the adapters
    costs ``relscale sectors`` more CPU than the rest of its start-up. A parameter with a
    value is coerced by typer itself, as before. A typer whose parameters build their
    coercion otherwise is left alone.

    Why it stays (measured 2026-12-06, whole processes, 9 pairs): without it ``relscale
    sectors`` takes 1.41x the CPU (0.30 s against 0.21 s), which would put it at about 1.7x
    the two-command typer floor of ``benchmarks/bench_startup.py``, past the 1.5x target;
    ``--help`` is the same either way. ``tests/test_cli_deferred_coercion.py`` checks every
    option still coerces as typer does.
    """
    for param in getattr(command, "params", ()):
        _defer(param)
    find_help = getattr(command, "get_help_option", None)
    if find_help is not None:  # typer makes --help on first use, per command

        def get_help_option(ctx: Any, _find: Any = find_help) -> Any:
            option = _find(ctx)
            _defer(option)
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        defer_coercion(sub)


def _defer(param: Any) -> None:
    if hasattr(param, "get_runtime_param") and getattr(param, "_runtime_param", 0) is None:
        param._runtime_param = _UnsetFirst()

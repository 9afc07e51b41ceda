"""``relscale plugin new|check`` (the plugin kit) and ``relscale schema``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from relscale.cli.common import console, echo, handle_errors, note_err, use_locale, written
from relscale.i18n import _, ngettext

plugin_app = typer.Typer(
    name="plugin",
    help="Create a sector plugin package, and check plugins (see docs/plugins.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    plugin_app.command("new")(handle_errors(new))
    plugin_app.command("check")(handle_errors(check))
    app.add_typer(plugin_app, name="plugin")
    app.command("schema")(handle_errors(schema))


def new(
    name: Annotated[str, typer.Argument(help="Sector id of the new plugin, e.g. care_farms.")],
    from_sector: Annotated[
        str | None,
        typer.Option("--from", help="Start from this sector's roles, offerings, wording and "
                     "catalogs (default: a skeleton with TODO markers).", show_default=False),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder to create relscale-NAME/ in.", file_okay=False)
    ] = Path("."),
) -> None:
    """Create a standalone, installable sector plugin package relscale-NAME/."""
    from relscale.plugin_kit import new_plugin

    use_locale(None)
    made = new_plugin(name, from_sector=from_sector, directory=directory)
    out = console()
    for file in made.files:
        out.print(f"  {file}")
    written(made.path, ngettext("{n} file", "{n} files", len(made.files)).format(
        n=len(made.files)))
    out.print(_("Next: pip install -e {path}, then relscale plugin check {name}").format(
        path=made.path, name=made.names.sector))


def check(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Installed plugins to check (entry-point names); default all.",
                       show_default=False),
    ] = None,
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Check the plugin in this folder (a project with "
                     "pyproject.toml, or a package with sector.toml) instead.",
                     exists=True, file_okay=False, show_default=False),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-F", help="text (one line per problem) or json.")
    ] = CheckFormat.text,
    build: Annotated[
        bool, typer.Option("--build/--no-build",
                           help="Build the wheel and sdist to check they hold the data files.")
    ] = True,
    against: Annotated[
        Path | None,
        typer.Option("--against", help="A text file of sentences the items must not echo "
                     "(one per line, e.g. a licensed instrument's items): every item, in "
                     "every language, that comes too close to one is a problem.",
                     dir_okay=False, show_default=False),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0,
                     help="With --against: the similarity (0-1) from which a pair is listed "
                     "(default 0.4, see docs/content.md).", show_default=False),
    ] = None,
) -> None:
    """Check sector plugins: contract, translations, norms and packaging; exit 0 when clean."""
    from relscale.plugin_kit import check_plugins

    use_locale(None)
    report = check_plugins(names or None, path=path, build=build, against=against,
                           threshold=threshold)
    if output_format is CheckFormat.json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for note in report.notes:
            note_err(note)
        for problem in report.problems:
            echo(str(problem))
        summary = (_("{plugins}: no problems") if report.clean else
                   _("{plugins}: {n} problem(s)"))
        typer.echo(summary.format(plugins=", ".join(report.plugins) or "-",
                                  n=len(report.problems)), err=not report.clean)
    if not report.clean:
        raise typer.Exit(1)


def schema(
    kind: Annotated[str, typer.Argument(help="instrument, sector, norm_table or roster.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output.",
                     dir_okay=False, show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite an existing file.")]
    = False,
) -> None:
    """Print (or write) the JSON Schema of a content file kind, for editors and CI."""
    from relscale.model.schema import schema_text, write_schema

    use_locale(None)
    if output is None:
        typer.echo(schema_text(kind), nl=False)
        return
    write_schema(kind, output, overwrite=force)
    written(output)

"""The start-up floor: a two-command typer app (``bench_startup.py`` runs it).

``python benchmarks/floor_typer_app.py --help`` prints typer's rich help (rich imported);
with ``FLOOR_PLAIN_HELP=1`` plain click help. ``hello`` prints one line, the floor of a
command that does a little work.
"""

import os

import typer

app = typer.Typer(
    help="A two-command typer app: the start-up floor.",
    rich_markup_mode=None if os.environ.get("FLOOR_PLAIN_HELP") else "rich",
    add_completion=False,
)


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


@app.command()
def bye(name: str = "world") -> None:
    """Say goodbye."""
    typer.echo(f"bye {name}")


if __name__ == "__main__":
    app()

"""What every command module shares: the global options, error handling, output helpers."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer

from relscale.errors import RelscaleError

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument, Perspective

F = TypeVar("F", bound=Callable[..., Any])

ENV_LOCALE = "RELSCALE_LOCALE"


@dataclass
class State:
    locale: str | None = None


state = State()

LocaleOption = Annotated[
    str | None,
    typer.Option(
        "--locale",
        "-l",
        help="Locale for output, e.g. en, nl, nl_BE (falls back nl_BE -> nl -> en). "
        f"Default: the global --locale, then ${ENV_LOCALE}, then en.",
        show_default=False,
    ),
]
PerspectiveOption = Annotated[
    str | None,
    typer.Option(
        "--perspective",
        "-p",
        help="professional or client; default the instrument's only perspective.",
        show_default=False,
    ),
]
SectorOption = Annotated[str, typer.Option("--sector", "-s", help="Sector id, e.g. foster_homes.")]
ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite output files that already exist.")
]


def terminal_safe(text: str) -> str:
    """``text`` fit for a terminal: control characters (an escape sequence that sets the
    title, moves the cursor or writes a link, hidden in a column name or a group value)
    and direction overrides (``exe.png`` for ``gnp.exe``) written as ``\\x1b`` or
    ``\\u202e``; tabs and line breaks kept."""
    if text.isascii() and text.isprintable():
        return text
    import unicodedata

    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")):
            out.append(ch)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error line to stderr and exit (no traceback)."""
    typer.echo(f"relscale: error: {terminal_safe(message)}", err=True)
    raise typer.Exit(code)


def echo(text: str, *, err: bool = False) -> None:
    """:func:`typer.echo` of text that may hold something from a file (a code, a path in
    a folder, a catalog entry), made :func:`terminal_safe`."""
    typer.echo(terminal_safe(text), err=err)


def handle_errors(fn: F) -> F:
    """Turn :class:`RelscaleError` (and Ctrl-C) into one line and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RelscaleError as exc:
            warn_catalogs()
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            from relscale.i18n import _

            fail(_("interrupted"), 130)
        finally:
            warn_catalogs()

    return wrapper  # type: ignore[return-value]


def warn_catalogs() -> None:
    """Print each catalog entry left unused for a bad placeholder (once, on stderr)."""
    from relscale.i18n import take_catalog_warnings

    for message in take_catalog_warnings():
        warn_err(message)


def warn_err(message: str) -> None:
    """Print one warning (``relscale: warning: ...``) to stderr."""
    typer.echo(f"relscale: warning: {terminal_safe(message)}", err=True)


def use_locale(locale: str | None) -> str:
    """Resolve the effective locale (command, global, environment, en) and activate it.

    Returns the locale used; notes on fallback go to stderr once.
    """
    from relscale.i18n import resolve_locale, set_locale

    requested = locale or state.locale or os.environ.get(ENV_LOCALE) or "en"
    used, notes = resolve_locale(requested)
    set_locale(used)
    if notes:  # worded again, now in the locale just chosen
        notes = resolve_locale(requested)[1]
    for note in notes:
        note_err(note)
    return used


def note_err(message: str) -> None:
    """Print one note (``relscale: note: ...``) to stderr."""
    typer.echo(f"relscale: note: {terminal_safe(message)}", err=True)


def adapt_noting(
    instrument: str,
    sector: str,
    perspective: str | None,
    locale: str,
    *,
    norms_file: Path | None = None,
    noted: set[str] | None = None,
) -> AdaptedInstrument:
    """:func:`relscale.adapt` in a locale already resolved by :func:`use_locale`, with a
    ``--norms`` file first among its norm tables
    (:func:`relscale.scoring.norms.with_norms_file`), and its fallback notes on stderr."""
    from relscale.adapt import adapt

    adapted = adapt(instrument, sector, cast("Perspective | None", perspective), locale)
    print_notes(adapted.fallbacks, noted)
    if norms_file is not None:
        from relscale.scoring.norms import with_norms_file

        adapted = with_norms_file(adapted, norms_file)
    return adapted


def print_notes(notes: Iterable[str], noted: set[str] | None = None) -> None:
    """Each note on stderr once: those already in ``noted`` are not repeated (and are added)."""
    noted = set() if noted is None else noted
    for note in notes:
        if note not in noted:
            note_err(note)
            noted.add(note)


def table(title: str | None = None) -> Any:
    """A rich table in the style of every listing relscale prints; its title, headings
    and cells are made :func:`terminal_safe` (a group value can hold an escape)."""
    from rich import box
    from rich.table import Table

    class SafeTable(Table):  # type: ignore[misc]
        def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
            super().add_column(_safe(header), *args, **kwargs)

        def add_row(self, *cells: Any, **kwargs: Any) -> None:
            super().add_row(*map(_safe, cells), **kwargs)

    return SafeTable(title=_safe(title), box=box.SIMPLE_HEAD, title_justify="left")


def _safe(value: Any) -> Any:
    return terminal_safe(value) if isinstance(value, str) else value


def console() -> Any:
    """A rich console for listings: printed text made :func:`terminal_safe`."""
    from rich.console import Console

    class SafeConsole(Console):  # type: ignore[misc]
        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*map(_safe, objects), **kwargs)

    # Outside a terminal (pipes, CI, tests) rich would wrap at 80 columns.
    width = None if sys.stdout.isatty() else 160
    return SafeConsole(soft_wrap=False, highlight=False, markup=False, width=width)


def is_interactive() -> bool:
    return sys.stderr.isatty()

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


def old_format_spelling(values: Callable[[], Iterable[str]]) -> Any:
    """A command class that reads ``-f VALUE`` as ``-F VALUE`` (``--format``), with a
    deprecation note: ``-f`` is ``--force`` in every command now, and the old spelling of
    the format keeps working for one release. ``values``: the formats, asked only when
    ``-f`` is followed by a value."""
    from typer.core import TyperCommand

    class OldFormatSpelling(TyperCommand):  # type: ignore[misc]
        def parse_args(self, ctx: Any, args: list[str]) -> Any:
            args = list(args)
            for i, arg in enumerate(args[:-1]):
                if arg == "--":
                    break
                if arg == "-f" and not args[i + 1].startswith("-") and (
                        args[i + 1] in set(values())):
                    from relscale.i18n import _

                    args[i] = "-F"
                    note_err(_("-f {value} is deprecated and will mean --force from the next "
                               "release, as in every other command: write -F {value} (or "
                               "--format {value})").format(value=args[i + 1]))
            return super().parse_args(ctx, args)

    return OldFormatSpelling


def prefixed(kind: str, message: str) -> str:
    """``relscale: error: ...`` with ``kind`` (error, warning, note) in the current language."""
    from relscale.i18n import pgettext

    try:
        words = {
            # TRANSLATORS: the prefix of an error line, "relscale: error: ..."
            "error": pgettext("message prefix", "error"),
            "warning": pgettext("message prefix", "warning"),
            "note": pgettext("message prefix", "note"),
        }
    except RelscaleError:  # a catalog that cannot be read: say so in English
        words = {"error": "error", "warning": "warning", "note": "note"}
    return f"relscale: {words[kind]}: {terminal_safe(message)}"


def error_err(message: str) -> None:
    """Print one error line (``relscale: error: ...``) to stderr, without exiting."""
    typer.echo(prefixed("error", message), err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error line to stderr and exit (no traceback)."""
    error_err(message)
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
    typer.echo(prefixed("warning", message), err=True)


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


def messages_locale(first: str | None) -> str | None:
    """The locale for the messages of a command whose ``--locale`` names what it writes
    (``forms``, ``export``: several locales): the user's language when given globally
    (``relscale --locale``, ``$RELSCALE_LOCALE``), else the first locale written."""
    if state.locale or os.environ.get(ENV_LOCALE):
        return None  # use_locale() takes the global one
    return first


def note_err(message: str) -> None:
    """Print one note (``relscale: note: ...``) to stderr."""
    typer.echo(prefixed("note", message), err=True)


def adapt_noting(
    instrument: str,
    sector: str,
    perspective: str | None,
    locale: str,
    *,
    norms_file: Path | None = None,
    noted: set[str] | None = None,
    variant: str | None = None,
) -> AdaptedInstrument:
    """:func:`relscale.adapt` in a locale already resolved by :func:`use_locale`, with a
    ``--norms`` file first among its norm tables
    (:func:`relscale.scoring.norms.with_norms_file`), and its fallback notes on stderr."""
    from relscale.adapt import adapt

    adapted = adapt(instrument, sector, cast("Perspective | None", perspective), locale,
                    variant=variant)
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


def written(path: object, what: str | None = None) -> None:
    """The one message for a file (or folder) a command wrote, on stderr:
    ``{path} written``, or ``{path}: {what} written`` when there is more to say."""
    from relscale.i18n import _

    if what:
        echo(_("{path}: {what} written").format(path=path, what=what), err=True)
    else:
        echo(_("{path} written").format(path=path), err=True)


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


class spinner:
    """A spinner with ``label`` on stderr while slow work runs, when stderr is a terminal;
    nothing when it is piped or redirected (scripts, CI, tests)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._status: Any = None

    def __enter__(self) -> spinner:
        if is_interactive():
            from rich.console import Console

            self._status = Console(stderr=True).status(self.label)
            self._status.__enter__()
        return self

    def update(self, label: str) -> None:
        """Say what is being done now."""
        if self._status is not None:
            self._status.update(label)

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)

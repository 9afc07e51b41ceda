"""The ``--help`` texts of the command line as messages of the ``relscale`` template.

typer builds the help texts at import time, before ``--locale`` is read, so they are not
marked ``_()``. The command line walks its own command tree
(:func:`relscale.cli.help_i18n.help_texts`) and hands the texts in as :class:`HelpText`
records; this module only turns records into catalog entries, so the library never
imports the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

HELP_CONTEXT = "help"
"""Message context of every ``--help`` text in the ``relscale`` domain."""


@dataclass(frozen=True)
class HelpText:
    """One help text of the command tree, where it sits and what it describes."""

    path: tuple[str, ...]
    """The command, e.g. ``("relscale", "i18n", "status")``."""
    target: Any
    """The click command or parameter holding the text."""
    attr: str
    """``help``, ``short_help``, ``epilog`` or ``deprecated``."""
    text: str
    """The English text as shown (cleaned like a docstring)."""
    param: str | None = None
    """The option (``--force``) or argument (``INSTRUMENT``) the text describes."""
    source: Callable[..., Any] | None = None
    """A function defined where the text is written, for source locations: the
    command's callback, or for a group without one its first subcommand's."""

    @property
    def where(self) -> str:
        """``relscale i18n status --check``: the command line the text belongs to."""
        return " ".join([*self.path, *([self.param] if self.param else [])])


def add_help_messages(catalog: Catalog, help_messages: Iterable[HelpText]) -> int:
    """Add each help text to ``catalog`` under the context :data:`HELP_CONTEXT`.

    Each entry gets the source line it is written on (when found) and a note naming the
    command line it belongs to. Returns the number of messages added.
    """
    finder = _HelpSource()
    uses: dict[str, tuple[Any, list[str]]] = {}
    added = 0
    for entry in help_messages:
        where = finder.locate(entry.text, entry.source)
        found = catalog.get(entry.text, HELP_CONTEXT)
        if found is None:
            found = catalog.add(entry.text, context=HELP_CONTEXT)
            added += 1
        if where is not None and where not in found.locations:
            found.locations.append(where)
        uses.setdefault(entry.text, (found, []))[1].append(entry.where)
    for message, wheres in uses.values():
        more = len(wheres) - 1
        message.auto_comments = [
            f"--help of `{wheres[0]}`" + (f" (and {more} more)" if more else "")
        ]
    return added


class _HelpSource:
    """Finds the source line of a help text near the function it belongs to."""

    def __init__(self) -> None:
        self._lines: dict[Path, list[str]] = {}

    def _read(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]

    def locate(self, text: str, source: Any) -> tuple[str, int] | None:
        """``(file, line)``: the text's first words in a string literal of the function's
        file or a file beside it (shared options); None if not there (click's own)."""
        import inspect
        import sys

        if source is None:
            return None
        fn = inspect.unwrap(source)
        try:
            found = inspect.getsourcefile(fn)
        except TypeError:
            return None
        if not found:
            return None
        file = Path(found)
        top = sys.modules.get((fn.__module__ or "").split(".")[0])
        base = Path(top.__file__).parent.parent if top and top.__file__ else file.parent

        def name(path: Path) -> str:
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                return path.name

        probe = text.splitlines()[0][:24]
        for path in [file, *sorted(p for p in file.parent.glob("*.py") if p != file)]:
            for lineno, line in enumerate(self._read(path), 1):
                if f'"{probe}' in line or f"'{probe}" in line:
                    return name(path), lineno
        return None

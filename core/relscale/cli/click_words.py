"""Click's and typer's own words in the user's language, and metavars that say something.

:mod:`relscale.cli.help_i18n` translates relscale's help texts; what the command-line
library prints around them is its own English: ``Usage:``, ``Options``, ``[required]``,
``[default: ...]``, the metavars typer makes from type annotations (``<list[Path]>``,
``<int range>``), and its usage errors (``Error: Missing option ...``). Here:

- every parameter gets a metavar that names what to give (``FILE``, ``FOLDER``,
  ``SECTOR``, ``LOCALE``...), in the user's language (:data:`METAVARS`);
- with a translation, typer's words (its module-level ``_``), the usage line, the
  ``[OPTIONS]`` and ``COMMAND [ARGS]...`` placeholders and click's usage errors go through
  the ``relscale`` catalog.

The words are marked below (``N_``) so ``relscale i18n`` puts them in the template. The
library's words are routed only while :func:`relscale.cli.main.main` runs a command
(:func:`words_installed`), so an English run, the library and other callers in the same
process are untouched.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from relscale.i18n import N_

WORDS = (
    # typer's and click's help
    N_("Usage:"), N_("Options"), N_("Arguments"), N_("Commands"), N_("required"),
    N_("default: {default}"), N_("env var: {var}"), N_("(dynamic)"), N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    # click's usage errors
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Missing command."), N_("No such command {name!r}."), N_("Aborted!"),
    N_("Missing option {hint}."), N_("Missing argument {hint}."),
    N_("No such option: {name}"), N_("No such option: {name} (Possible options: {options})"),
    N_("Did you mean {choices}?"), N_("Got unexpected extra argument(s) ({args})"),
    N_("Option {name} requires an argument."), N_("Invalid value for {hint}: {message}"),
    N_("{kind} {name} does not exist."), N_("{value} is not one of {choices}."),
    N_("a whole number"), N_("a number"), N_("at least {n}"), N_("at most {n}"),
)

METAVARS = {
    "FILE": N_("FILE"), "FOLDER": N_("FOLDER"), "TEXT": N_("TEXT"), "N": "N",
    "NUMBER": N_("NUMBER"), "LOCALE": N_("LOCALE"), "SECTOR": N_("SECTOR"),
    "INSTRUMENT": N_("INSTRUMENT"), "PERSPECTIVE": N_("PERSPECTIVE"), "FORMAT": N_("FORMAT"),
    "KEY=VALUE": N_("KEY=VALUE"), "COLUMN": N_("COLUMN"), "PASSWORD": N_("PASSWORD"),
    "LAYOUT": N_("LAYOUT"), "DOMAIN": N_("DOMAIN"), "PLATFORM": N_("PLATFORM"),
    "STATUS": N_("STATUS"), "DIMENSION": N_("DIMENSION"), "ITEMS": N_("ITEMS"),
    "NAME": N_("NAME"), "DATA": N_("DATA"), "FORMS": N_("FORMS"), "KIND": N_("KIND"),
    "NAMES": N_("NAMES"), "PATH": N_("PATH"), "FILE|URL": N_("FILE|URL"),
}
"""What a parameter takes, in the user's language (the values themselves are ids)."""

_BY_NAME = {
    "locale": "LOCALE", "catalog_locale": "LOCALE", "target": "LOCALE",
    "sector": "SECTOR", "from_sector": "SECTOR", "as_sector": "SECTOR",
    "instrument": "INSTRUMENT", "client_instrument": "INSTRUMENT",
    "perspective": "PERSPECTIVE", "fmt": "FORMAT", "output_format": "FORMAT",
    "group": "KEY=VALUE", "group_by": "COLUMN", "password": "PASSWORD", "layout": "LAYOUT",
    "domain": "DOMAIN", "platform": "PLATFORM", "status": "STATUS",
    "dimension": "DIMENSION", "items": "ITEMS", "reverse": "ITEMS",
    "subject_name": "NAME", "client_name": "NAME", "professional_name": "NAME",
    "data": "DATA", "forms_": "FORMS", "kind": "KIND", "names": "NAMES", "name": "NAME",
}


def metavar(param: Any, ctx: Any) -> str | None:
    """The English metavar of a parameter (a key of :data:`METAVARS`), or None to leave
    typer's (a choice of values, a flag)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    try:
        shown = str(param.display_type(ctx))
    except (AttributeError, TypeError, ValueError):
        return None
    name = str(param.name or "")
    inner = shown.strip("<>")
    if param.param_type_name == "argument" and name in _BY_NAME:
        return _BY_NAME[name]
    if "|" in inner:
        return None  # the values themselves (text|json)
    if inner in ("dir",) or name.endswith(("dir", "_dir", "into")):
        return "FOLDER"
    if inner in ("file", "path", "list[Path]") or "Path" in inner:
        return "PATH" if name == "path" and param.param_type_name == "option" else "FILE"
    if inner.startswith("int"):
        return "N"
    if inner == "float":
        return "NUMBER"
    return _BY_NAME.get(name, "TEXT" if param.param_type_name == "option"
                        else name.rstrip("_").upper() or "TEXT")


_pending: list[Callable[[str], str]] = []


def localize(command: Any, translate: Callable[[str], str] | None = None,
             name: str = "relscale") -> None:
    """Metavars on every parameter of the tree (translated with ``translate``), and with
    ``translate`` the usage line and placeholders of every command; the library's own
    words follow while :func:`words_installed` runs."""
    word = translate or (lambda text: text)
    _walk(command, (name,), None, word, translate is not None)
    if translate is not None:
        _pending[:] = [translate]


def _walk(command: Any, path: tuple[str, ...], parent: Any, word: Callable[[str], str],
          words: bool) -> None:
    ctx = command.context_class(command, info_name=path[-1], parent=parent,
                                **dict(command.context_settings))
    for param in getattr(command, "params", ()):
        if param.param_type_name == "argument":
            english = param.metavar.rstrip(".") if param.metavar else metavar(param, ctx)
            if english:
                param.metavar = word(METAVARS.get(english, english))
                # the name says it: no type after it in the help
                param.display_type_rich = lambda ctx: None
        elif param.metavar is None:
            english = metavar(param, ctx)
            if english:
                param.metavar = word(METAVARS.get(english, english))
        elif words:
            param.metavar = word(param.metavar)
    if words:
        prefix = word("Usage:") + " "

        def format_usage(ctx: Any, formatter: Any, command: Any = command) -> None:
            formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)),
                                  prefix=prefix)

        command.format_usage = format_usage
        if getattr(command, "options_metavar", None) == "[OPTIONS]":
            command.options_metavar = word("[OPTIONS]")
        if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
            command.subcommand_metavar = word("COMMAND [ARGS]...")
    for sub_name, sub in getattr(command, "commands", {}).items():
        _walk(sub, (*path, sub_name), ctx, word, words)


# --- the library's own words ------------------------------------------------------------

_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing option (?P<hint>.+)\.$", re.S), "Missing option {hint}."),
    (re.compile(r"^Missing argument (?P<hint>.+)\.$", re.S), "Missing argument {hint}."),
    (re.compile(r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)$",
                re.S), "No such option: {name} (Possible options: {options})"),
    (re.compile(r"^No such option: (?P<name>\S+)$", re.S), "No such option: {name}"),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.+)\)$", re.S),
     "Got unexpected extra argument(s) ({args})"),
    (re.compile(r"^Option (?P<name>\S+) requires an argument\.$", re.S),
     "Option {name} requires an argument."),
    (re.compile(r"^Invalid value for (?P<hint>.+?): (?P<message>.+)$", re.S),
     "Invalid value for {hint}: {message}"),
]
_INNER: list[tuple[re.Pattern[str], Callable[[re.Match[str], Callable[[str], str]], str]]] = [
    (re.compile(r"^(?P<kind>[Ff]ile|[Dd]irectory|[Pp]ath) (?P<name>.+) does not exist\.$"),
     lambda m, t: t("{kind} {name} does not exist.").format(
         kind=t({"file": "FILE", "directory": "FOLDER", "path": "PATH"}[
             m["kind"].lower()]).capitalize(), name=m["name"])),
    (re.compile(r"^(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.$"),
     lambda m, t: t("{value} is not one of {choices}.").format(value=m["value"],
                                                              choices=m["choices"])),
    (re.compile(r"^Input should be a valid integer.*$"), lambda m, t: t("a whole number")),
    (re.compile(r"^Input should be a valid number.*$"), lambda m, t: t("a number")),
    (re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"),
     lambda m, t: t("at least {n}").format(n=m["n"])),
    (re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"),
     lambda m, t: t("at most {n}").format(n=m["n"])),
]
_SUGGESTION = re.compile(r"^(?P<head>.+?)\s*Did you mean (?P<choices>.+)\?$", re.S)


def translate_error(message: str, translate: Callable[[str], str]) -> str:
    """A usage error of click or typer in the user's language, where it has a known shape
    (an unknown one stays as it is)."""
    suggestion = ""
    found = _SUGGESTION.match(message)
    if found:
        message = found["head"]
        suggestion = " " + translate("Did you mean {choices}?").format(choices=found["choices"])
    for pattern, template in _ERRORS:
        m = pattern.match(message)
        if m:
            parts = dict(m.groupdict())
            if "message" in parts:
                parts["message"] = _inner(parts["message"], translate)
            return translate(template).format(**parts) + suggestion
    return message + suggestion


def _inner(message: str, translate: Callable[[str], str]) -> str:
    for pattern, word in _INNER:
        m = pattern.match(message)
        if m:
            return word(m, translate)
    return message


@contextlib.contextmanager
def words_installed() -> Iterator[None]:
    """While the block runs, typer's words (its module-level ``_``) and the output of
    click's usage errors go through the translation :func:`localize` was given (nothing
    when it was given none); restored afterwards."""
    if not _pending:
        yield
        return
    translate = _pending.pop()
    import typer.core as typer_core
    from typer._click import exceptions

    saved = (typer_core._, exceptions.UsageError.show,  # type: ignore[attr-defined]
             exceptions.ClickException.show)
    install_words(translate)
    try:
        yield
    finally:
        typer_core._ = saved[0]  # type: ignore[attr-defined,assignment]
        exceptions.UsageError.show = saved[1]  # type: ignore[method-assign]
        exceptions.ClickException.show = saved[2]  # type: ignore[method-assign]


def install_words(translate: Callable[[str], str]) -> None:
    """Route typer's words (its module-level ``_``) and the output of click's usage errors
    through ``translate`` (:func:`words_installed` undoes it)."""
    import typer.core as typer_core
    from typer._click import exceptions, utils

    typer_core._ = translate  # type: ignore[attr-defined,assignment]

    def show_usage_error(self: Any, file: Any = None) -> None:
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = translate("Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=self.ctx.help_option_names[0]) + "\n"
        if self.ctx is not None:
            utils.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None,
                       color=self.ctx.color)
        show_error(self, file)

    def show_error(self: Any, file: Any = None) -> None:
        message = translate_error(self.format_message(), translate)
        utils.echo(translate("Error: {message}").format(message=message), file=file,
                   err=file is None)

    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
    exceptions.ClickException.show = show_error  # type: ignore[method-assign]

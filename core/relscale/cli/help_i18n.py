"""``--help`` in the user's language.

typer builds the help texts (docstrings, ``help=`` of options, arguments and groups) at
import time, before ``--locale`` is parsed, so they cannot be marked ``_()``. Instead
:func:`help_texts` walks the click command tree typer builds (``typer.main.get_command``)
and yields every help text with the object and attribute it sits on. The same walk
serves both sides, so they cannot drift:

- run time: :func:`command_for` finds the locale asked for on the command line (or in
  ``$RELSCALE_LOCALE``) and, when it is not English, replaces each text by its
  translation in the ``relscale`` domain under the message context ``help``;
- extraction: ``relscale i18n`` hands the texts to :mod:`relscale.translation`
  (``help_messages=``), whose :func:`~relscale.translation.add_help_messages` puts each
  into the ``relscale`` template under that context.

Click's and typer's own words (``Usage:``, ``Options``, ``[default: ...]``, metavars,
usage errors) are :mod:`relscale.cli.click_words`'.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relscale.translation.help_texts import HelpText

# HelpText and HELP_CONTEXT belong to the library, which extracts the texts; this module
# only produces the records. They are imported where used: an English ``relscale --help``
# walks no tree and needs none of relscale.translation.

UI_LOCALE_PARAM = "locale"
"""Name of the parameters that choose the language of the output (``--locale`` of the
root and of most commands). The ``i18n`` commands name their catalog locale otherwise
(``catalog_locale``), so ``relscale i18n status --locale de --help`` stays in the
language of ``relscale --locale``."""


def _clean(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return inspect.cleandoc(value)


def _context(command: Any, name: str, parent: Any) -> Any:
    """A context for ``command`` as ``make_context`` would build it (without parsing)."""
    return command.context_class(command, info_name=name, parent=parent,
                                 **dict(command.context_settings))


def help_texts(command: Any, name: str = "relscale") -> Iterator[HelpText]:
    """Every help text shown by ``--help`` anywhere in the tree, in tree order.

    Hidden commands and parameters are left out. The help option's own text (``Show
    this message and exit.``) is included: click builds that option per command, and
    keeps the one built here.
    """
    yield from _walk(command, (name,), None)


def _walk(command: Any, path: tuple[str, ...], parent_ctx: Any) -> Iterator[HelpText]:
    from relscale.translation.help_texts import HelpText

    ctx = _context(command, path[-1], parent_ctx)
    commands: Mapping[str, Any] = getattr(command, "commands", {})
    source = getattr(command, "callback", None) or next(
        (c.callback for c in commands.values() if getattr(c, "callback", None)), None)
    for attr in ("help", "short_help", "epilog", "deprecated"):
        text = _clean(getattr(command, attr, None))
        if text:
            yield HelpText(path, command, attr, text, source=source)
    for param in command.get_params(ctx):
        text = _clean(getattr(param, "help", None))
        if text and not getattr(param, "hidden", False):
            if param.param_type_name == "option":
                label = max(param.opts, key=len)
            else:
                label = getattr(param, "metavar", None) or str(param.name).upper()
            yield HelpText(path, param, "help", text, param=label, source=source)
    for sub_name in commands:
        sub = commands[sub_name]
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, (*path, sub_name), ctx)


def translate_help(command: Any, translate: Callable[[str], str],
                   name: str = "relscale") -> int:
    """Replace every help text of the tree by ``translate(text)``; returns how many changed."""
    changed = 0
    for entry in list(help_texts(command, name)):
        new = translate(entry.text)
        if new and new != entry.text:
            setattr(entry.target, entry.attr, new)
            changed += 1
    return changed


# --- which locale the command line asks for --------------------------------------------


def _is_english(value: str) -> bool:
    """``en``, ``en_GB``, ``EN-us``: English without asking babel (the fast path)."""
    code = value.strip().replace("-", "_").lower()
    return code == "en" or code.startswith("en_")


def mentioned_locales(args: Sequence[str], env_value: str | None) -> list[str]:
    """Every value that might be a ``--locale`` (no command tree needed; may over-match)."""
    found = [env_value] if env_value else []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg.startswith("--locale"):
            name, eq, value = arg.partition("=")
            if eq:
                found.append(value)
            elif name == "--locale" and i + 1 < len(args):
                found.append(args[i + 1])
        elif arg.startswith("-") and not arg.startswith("--") and "l" in arg[1:]:
            value = arg[arg.index("l", 1) + 1:]  # -l nl, -lnl, -fl nl
            if value:
                found.append(value)
            elif i + 1 < len(args):
                found.append(args[i + 1])
    return found


def _find_option(command: Any, token: str) -> Any:
    for param in getattr(command, "params", []):
        if param.param_type_name == "option" and (
            token in param.opts or token in param.secondary_opts
        ):
            return param
    return None


def _takes_value(option: Any) -> bool:
    return not (getattr(option, "is_flag", False) or getattr(option, "count", False))


def requested_locale(command: Any, args: Sequence[str], env_value: str | None) -> str | None:
    """The output locale the arguments ask for, read as click will parse them.

    A command's ``--locale`` wins over the root's, which wins over ``env_value``
    (``$RELSCALE_LOCALE``), as in :func:`relscale.cli.common.use_locale`. Only options
    named :data:`UI_LOCALE_PARAM` count; of a repeatable one the first value (``forms``
    writes its messages in the first locale), else the last (click keeps the last).
    """
    chosen = env_value or None
    current = command
    level: str | None = None
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            break
        if token.startswith("-") and token != "-":
            option, value, used_next = _match(current, token, args[i:])
            i += used_next
            is_ui = option is not None and option.name == UI_LOCALE_PARAM and value
            if is_ui and (not option.multiple or level is None):
                level = value  # click keeps the last; forms uses the first
            continue
        sub = getattr(current, "commands", {}).get(token)
        if sub is not None:  # a subcommand: its --locale overrides the parent's
            if level is not None:
                chosen = level
            current, level = sub, None
    return level if level is not None else chosen


def _match(command: Any, token: str, rest: Sequence[str]) -> tuple[Any, str | None, int]:
    """(option, value, arguments consumed after ``token``) as click's parser reads them."""
    if token.startswith("--"):
        name, eq, attached = token.partition("=")
        option = _find_option(command, name)
        if option is None or not _takes_value(option):
            return option, None, 0
        if eq:
            return option, attached, 0
        n = max(option.nargs, 1)
        return option, (rest[0] if rest else None), n
    # short options, possibly clustered (-fl nl) or with the value attached (-lnl)
    for pos in range(1, len(token)):
        option = _find_option(command, "-" + token[pos])
        if option is None:
            return None, None, 0
        if _takes_value(option):
            attached = token[pos + 1:]
            if attached:
                return option, attached, 0
            return option, (rest[0] if rest else None), max(option.nargs, 1)
    return None, None, 0


def command_for(app: Any, args: Sequence[str], env_value: str | None) -> Any | None:
    """The click command to run with its help in the requested language.

    None when no locale other than English is mentioned: the caller then runs the typer
    app as it is, and neither the command tree is built twice nor babel imported. An
    unknown or unavailable locale is left alone here; the command reports it later
    (``--help`` then shows English).
    """
    if all(_is_english(x) for x in mentioned_locales(args, env_value)):
        return None
    import typer

    command = typer.main.get_command(app)
    try:
        _translate_for(command, args, env_value)
    except (AttributeError, TypeError):  # pragma: no cover - a click unlike typer 0.29's
        return typer.main.get_command(app)  # English help rather than a failing command
    return command


def _translate_for(command: Any, args: Sequence[str], env_value: str | None) -> None:
    value = requested_locale(command, args, env_value)
    if value is None or _is_english(value):
        return
    from relscale.errors import RelscaleError
    from relscale.i18n import SOURCE_LOCALE, Translator, resolve_locale
    from relscale.translation.help_texts import HELP_CONTEXT

    try:
        locale, _notes = resolve_locale(value)
    except RelscaleError:
        return
    if locale != SOURCE_LOCALE:
        from relscale.cli.click_words import localize

        translator = Translator(locale)
        translate_help(command, lambda text: translator.lookup(text, context=HELP_CONTEXT))
        localize(command, lambda text: translator.lookup(text))

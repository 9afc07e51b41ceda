"""Errors relscale reports to its users.

A :class:`RelscaleError` carries a message fit to show as one line, naming the file,
row and column (or plugin, object and field) at fault. The CLI prints it without a
traceback and exits non-zero.
"""

from __future__ import annotations


class RelscaleError(Exception):
    """A problem with the user's input or a plugin's content, explained in one line."""

    exit_code = 1


class PluginError(RelscaleError):
    """A plugin registered something invalid or conflicting."""


class ContentError(RelscaleError):
    """A content file (instrument, sector, norms) is malformed."""


class DataError(RelscaleError):
    """A data file (responses, forms, reference sample) has a bad value or shape."""


class LocaleError(RelscaleError):
    """A locale that cannot be parsed or has no catalog."""


def where(path: object, row: int | None = None, column: str | int | None = None) -> str:
    """Format a location as ``file, row R, column C`` for error messages (translated)."""
    from relscale.i18n import _  # here: relscale.i18n imports this module

    parts = [str(path)]
    if row is not None:
        parts.append(_("row {row}").format(row=row))
    if column is not None:
        parts.append(_("column {column}").format(column=column))
    return ", ".join(parts)


def pydantic_summary(exc: Exception) -> str:
    """One line out of a pydantic ValidationError: ``field.path: message; ...``."""
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc)
    parts = []
    for err in errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = err.get("msg", "invalid")
        msg = msg.removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    summary = "; ".join(parts[:3])
    if len(parts) > 3:
        from relscale.i18n import _

        summary += " " + _("(and {n} more)").format(n=len(parts) - 3)
    return summary

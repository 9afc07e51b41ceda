"""Messages in the user's locale that are not catalog look-ups: where in a file a problem
is (``file, row R, column C``), a one-line summary of a validation error, numbers and dates
formatted for the locale."""

from __future__ import annotations

from relscale.i18n import _, current_locale


def format_number(value: float, locale: str | None = None, digits: int = 2) -> str:
    """A number formatted for the locale (decimal comma in Dutch)."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=locale or current_locale())


def format_date(value: object, locale: str | None = None) -> str:
    from babel.dates import format_date as _format_date

    return _format_date(value, format="medium", locale=locale or current_locale())  # type: ignore[arg-type]


def where(path: object, row: int | None = None, column: str | int | None = None) -> str:
    """Format a location as ``file, row R, column C`` for error messages (translated)."""
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
        summary += " " + _("(and {n} more)").format(n=len(parts) - 3)
    return summary

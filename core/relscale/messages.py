"""Messages in the user's locale that are not catalog look-ups: where in a file a problem
is (``file, row R, column C``), a one-line summary of a validation error, numbers and dates
formatted for the locale."""

from __future__ import annotations

import functools

from relscale.i18n import _, current_locale


def format_number(value: float, locale: str | None = None, digits: int = 2) -> str:
    """A number formatted for the locale (decimal comma in Dutch)."""
    from babel.numbers import format_decimal

    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=locale or current_locale())


@functools.lru_cache(maxsize=16)
def decimal_sign(locale: str) -> str:
    """The locale's decimal sign: ``.`` in English, ``,`` in Dutch."""
    from babel import UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        return str(get_decimal_symbol(locale))
    except (UnknownLocaleError, ValueError, TypeError):
        return "."


def number_text(value: float, spec: str = ".3f", locale: str | None = None) -> str:
    """``format(value, spec)`` with the locale's decimal sign (``0,458`` in Dutch): in
    English exactly what Python prints, so the source-language text never changes. For
    numbers inside sentences and text tables; numeric cells of a workbook stay numbers."""
    text = format(value, spec)
    sign = decimal_sign(locale or current_locale())
    return text if sign == "." else text.replace(".", sign)


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

"""The overview of ``relscale locales``: every locale and which catalogs are complete in it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relscale.i18n import SOURCE_LOCALE
from relscale.translation.checks import status
from relscale.translation.domains import domains, registry_or_default
from relscale.translation.help_texts import HelpText

if TYPE_CHECKING:
    from relscale.registry import Registry


@dataclass
class LocaleSummary:
    """One locale: its names and the domains complete and incomplete in it."""

    code: str
    english: str
    """The locale's name in English."""
    native: str
    """The locale's name in itself."""
    complete: list[str]
    incomplete: list[str]


def locale_summaries(registry: Registry | None = None, *,
                     help_messages: Iterable[HelpText] = ()) -> Iterator[LocaleSummary]:
    """Every locale with a core catalog, and which domains are complete in it.

    English, the source, comes first and is complete. ``help_messages``: the ``--help``
    texts for the ``relscale`` template (see :func:`relscale.translation.templates.template`).
    """
    from relscale.i18n import available_locales, display_name

    reg = registry_or_default(registry)
    rows = status(reg, locales=[x for x in available_locales() if x != SOURCE_LOCALE],
                  help_messages=help_messages)
    all_names = [d.name for d in domains(reg)]
    yield LocaleSummary(SOURCE_LOCALE, display_name(SOURCE_LOCALE),
                        display_name(SOURCE_LOCALE, SOURCE_LOCALE), all_names, [])
    for code in available_locales():
        if code == SOURCE_LOCALE:
            continue
        mine = [r for r in rows if r.locale == code]
        yield LocaleSummary(
            code, display_name(code), display_name(code, code),
            [r.domain.name for r in mine if r.complete],
            [r.domain.name for r in mine if not r.complete],
        )

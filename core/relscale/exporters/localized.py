"""Exporters that write several locales of one adapted instrument into one file.

:class:`relscale.registry.Exporter` takes one :class:`~relscale.model.models.AdaptedInstrument`.
A platform form (XLSForm, LimeSurvey) holds every language of a questionnaire in one
file, so :class:`LocalizedExporter` adds ``export_locales(adapted_list, path, *,
overwrite=False)``: one AdaptedInstrument per locale, the first being the form's
default language. Its ``export`` is the one-locale case, so ``relscale export`` and
any code that knows only :class:`Exporter` keep working.

``relscale export ... --locale en --locale nl`` adapts once per locale and calls
:func:`export_locales`; an exporter without ``export_locales`` given several locales
is refused with an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.registry import Exporter

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument


@dataclass(frozen=True)
class LocalizedExporter(Exporter):
    """An :class:`Exporter` that can also write several locales into one file.

    ``export_locales(adapted_list, path, *, overwrite=False)``: the same instrument,
    sector and perspective adapted once per locale, default language first.
    """

    export_locales: Callable[..., None] | None = None


def localized_exporter(
    name: str, suffix: str, description: str, export_locales: Callable[..., None]
) -> LocalizedExporter:
    """A :class:`LocalizedExporter` whose one-locale ``export`` calls ``export_locales``."""

    def export(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
        export_locales([adapted], path, overwrite=overwrite)

    return LocalizedExporter(name, suffix, description, export, export_locales)


def check_same_instrument(adapted: Sequence[AdaptedInstrument]) -> None:
    """Refuse locales that are not one instrument, sector and perspective with the same
    items, dimensions and scale values, or a locale given twice."""
    if not adapted:
        raise RelscaleError(_("no locale to export"))
    first = adapted[0]
    seen: set[str] = set()
    for a in adapted:
        if a.locale in seen:
            raise RelscaleError(
                _("locale {locale} is given twice (after fallback)").format(locale=a.locale)
            )
        seen.add(a.locale)
        same = (
            (a.instrument, a.sector, a.perspective) == (first.instrument, first.sector,
                                                         first.perspective)
            and a.item_ids == first.item_ids
            and [d.id for d in a.dimensions] == [d.id for d in first.dimensions]
            and a.scale.values == first.scale.values
            and [(i.dimension, i.keying) for i in a.items]
            == [(i.dimension, i.keying) for i in first.items]
        )
        if not same:
            raise RelscaleError(
                _("the {locale} version differs from the {first} version in its items, "
                  "dimensions or scale").format(locale=a.locale, first=first.locale)
            )


def export_locales(
    exporter: Exporter,
    adapted: Sequence[AdaptedInstrument],
    path: Path,
    *,
    overwrite: bool = False,
) -> None:
    """Write ``adapted`` (one per locale) with ``exporter``: all locales in one file when
    it is a :class:`LocalizedExporter`, otherwise exactly one locale.

    :raises RelscaleError: several locales for an exporter that takes one.
    """
    adapted = list(adapted)
    localized = getattr(exporter, "export_locales", None)
    if localized is not None:
        localized(adapted, path, overwrite=overwrite)
        return
    if len(adapted) != 1:
        raise RelscaleError(
            _("the {name} format holds one locale; give --locale once").format(
                name=exporter.name
            )
        )
    exporter.export(adapted[0], path, overwrite=overwrite)

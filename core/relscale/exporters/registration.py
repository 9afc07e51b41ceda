"""The exporters of this package, as registered by core's ``register_exporters`` hook.

Each ``export`` imports its module only when called, so listing the exporters stays
cheap. Descriptions are English source strings, translated where they are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.exporters.localized import localized_exporter
from relscale.i18n import N_
from relscale.registry import Exporter

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument


def _xlsform(adapted: Sequence[AdaptedInstrument], path: Path, *,
             overwrite: bool = False) -> None:
    from relscale.exporters.xlsform import export_xlsform

    export_xlsform(adapted, path, overwrite=overwrite)


def _limesurvey(adapted: Sequence[AdaptedInstrument], path: Path, *,
                overwrite: bool = False) -> None:
    from relscale.exporters.limesurvey import export_limesurvey

    export_limesurvey(adapted, path, overwrite=overwrite)


def _redcap(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
    from relscale.exporters.redcap import write_dictionary

    write_dictionary(adapted, path, overwrite=overwrite)


def _redcap_zip(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
    from relscale.exporters.redcap import write_instrument_zip

    write_instrument_zip(adapted, path, overwrite=overwrite)


def _codebook(fmt: str) -> Callable[..., None]:
    def export(adapted: AdaptedInstrument, path: Path, *, overwrite: bool = False) -> None:
        from relscale.exporters.statistics import write_codebook_script

        write_codebook_script(adapted, path, fmt, overwrite=overwrite)

    return export


def platform_exporters() -> list[Exporter]:
    """The survey-platform and statistics-package exporters, in listing order."""
    return [
        localized_exporter("xlsform", ".xlsx",
                           N_("XLSForm for ODK and KoboToolbox (several languages)"), _xlsform),
        Exporter("redcap", ".csv", N_("REDCap data dictionary"), _redcap),
        Exporter("redcap-zip", ".zip", N_("REDCap instrument zip"), _redcap_zip),
        localized_exporter("limesurvey", ".txt",
                           N_("LimeSurvey survey structure (several languages)"), _limesurvey),
        Exporter("codebook-sps", ".sps", N_("Codebook as SPSS syntax"), _codebook("sps")),
        Exporter("codebook-r", ".r", N_("Codebook as an R script"), _codebook("r")),
    ]


def register_platform_exporters(register: Callable[[Any], None]) -> None:
    """Register :func:`platform_exporters` with a ``register_exporters`` hook's callable."""
    for exporter in platform_exporters():
        register(exporter)

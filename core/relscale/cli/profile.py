"""``relscale profile``: one relationship-profile page per professional-client pair."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    SectorOption,
    handle_errors,
    spinner,
    use_locale,
    warn_err,
    written,
)
from relscale.i18n import _, ngettext


def register(app: typer.Typer) -> None:
    app.command("profile")(handle_errors(profile))


def profile(
    data: Annotated[
        Path,
        typer.Argument(help="The professional's report: responses, or 'relscale score' "
                       "output, with respondent_code and subject_code (and wave).",
                       show_default=False),
    ],
    instrument: Annotated[
        str, typer.Option("--instrument", "-i", help="Instrument id of the professional's "
                          "report, e.g. relationship_quality.")
    ],
    sector: SectorOption,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="profiles.pdf (needs LibreOffice) or "
                           "profiles.xlsx.")
    ],
    client_data: Annotated[
        Path | None,
        typer.Option("--client-data", help="The client's report on the same pairs, set "
                     "beside the professional's view.", show_default=False),
    ] = None,
    client_instrument: Annotated[
        str | None,
        typer.Option("--client-instrument", help="Instrument id of the client's report; "
                     "default the instrument's client counterpart.", show_default=False),
    ] = None,
    before: Annotated[
        Path | None,
        typer.Option("--before", help="The professional's report of an earlier measurement "
                     "(instead of a wave column): change and reliable change index.",
                     show_default=False),
    ] = None,
    norms: Annotated[
        Path | None,
        typer.Option("--norms", help="A norm table (TOML) for the professional's report, "
                     "before the registered ones: bands, percentiles and the reliable "
                     "change index's SD and reliability come from it.", show_default=False),
    ] = None,
    client_norms: Annotated[
        Path | None,
        typer.Option("--client-norms", help="A norm table (TOML) for the client's report.",
                     show_default=False),
    ] = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
) -> None:
    """Write relationship profiles: per pair, each dimension in bands, both views, change."""
    from relscale.scoring.profile import build_profiles
    from relscale.workbooks.profile import check_profile_path, write_profiles

    used = use_locale(locale)
    check_profile_path(output)
    with spinner(_("Scoring")) as status:
        profiles = build_profiles(data, instrument=instrument, sector=sector,
                                  client_data=client_data, client_instrument=client_instrument,
                                  before=before, locale=used, norms_file=norms,
                                  client_norms_file=client_norms)
        inputs = tuple(p for p in (data, client_data, before, norms, client_norms)
                       if p is not None)
        status.update(_("Writing {path}").format(path=output))  # a PDF: LibreOffice
        write_profiles(profiles, output, overwrite=force, inputs=inputs)
    for line in profiles.warnings[:20]:
        warn_err(line)
    if len(profiles.warnings) > 20:
        warn_err(_("... and {n} more").format(n=len(profiles.warnings) - 20))
    n = len(profiles.profiles)
    written(output, ngettext("{n} profile", "{n} profiles", n).format(n=n))

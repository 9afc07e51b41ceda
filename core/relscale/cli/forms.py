"""Fillable forms: ``form`` (one), ``forms`` (a batch) and ``read`` (filled forms -> CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from relscale.cli.common import (
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    handle_errors,
    is_interactive,
    note_err,
    use_locale,
)
from relscale.errors import RelscaleError
from relscale.i18n import _

ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite output files that already exist.")
]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password",
        help="Protect the form with this password (default: protected without a password, "
        "so answers cannot be typed outside the answer cells by accident).",
        show_default=False,
    ),
]
SubjectNameOption = Annotated[
    str | None,
    typer.Option(
        "--subject-name",
        help="Name (or code) printed where items refer to the other person; "
        "default a blank line '______'.",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command("form")(handle_errors(form))
    app.command("forms")(handle_errors(forms))
    app.command("read")(handle_errors(read))


def form(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write.")],
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
    subject_name: SubjectNameOption = None,
    password: PasswordOption = None,
) -> None:
    """Export one fillable, print-ready form (.xlsx) for a sector and perspective."""
    from relscale.adapt import adapt
    from relscale.workbooks.form import export_form

    used = use_locale(locale)
    if output.suffix.lower() != ".xlsx":
        raise RelscaleError(_("{path}: the form file name must end in .xlsx").format(path=output))
    adapted = adapt(instrument, sector, perspective, used)  # type: ignore[arg-type]
    for note in adapted.fallbacks:
        note_err(note)
    layout = export_form(
        adapted, output, overwrite=force, subject_name=subject_name, password=password
    )
    typer.echo(
        _("{path}: form with {n} items written").format(path=output, n=len(layout.answers)),
        err=True,
    )


def _combinations(
    sectors: list[str], instruments: list[str], perspectives: list[str], all_: bool
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(sector, instrument, perspective) to export, and notes on declined ones skipped."""
    from relscale.adapt import declined_reason
    from relscale.i18n import current_locale
    from relscale.plugins import get_registry

    reg = get_registry()
    if not all_ and not (sectors or instruments or perspectives):
        raise RelscaleError(
            _("say what to export: --sector, --instrument, --perspective, or --all")
        )
    sector_ids = sectors or list(reg.sectors)
    instrument_ids = instruments or list(reg.instruments)
    for s in sector_ids:
        reg.sector(s)
    for i in instrument_ids:
        reg.instrument(i)
    for p in perspectives:
        if p not in ("professional", "client"):
            raise RelscaleError(
                _("unknown perspective {p!r} (choose professional or client)").format(p=p)
            )
    combos: list[tuple[str, str, str]] = []
    skipped: list[str] = []
    for s in sector_ids:
        sec = reg.sector(s)
        for i in instrument_ids:
            inst = reg.instrument(i)
            for p in inst.perspectives:
                if perspectives and p not in perspectives:
                    continue
                offering = sec.offering(i, p)
                if offering is None:
                    skipped.append(
                        _("{sector}: does not offer {instrument} ({perspective}); skipped").format(
                            sector=s, instrument=i, perspective=p
                        )
                    )
                elif offering.declined:
                    skipped.append(
                        _("{sector}: declines {instrument} ({perspective}), skipped: "
                          "{reason}").format(
                            sector=s,
                            instrument=i,
                            perspective=p,
                            reason=declined_reason(sec, offering, current_locale()),
                        )
                    )
                else:
                    combos.append((s, i, p))
    return combos, skipped


def forms(
    out_dir: Annotated[Path, typer.Option("--out-dir", "-d", help="Folder for the forms.")],
    sector: Annotated[
        list[str] | None, typer.Option("--sector", "-s", help="Sector id (repeatable).")
    ] = None,
    instrument: Annotated[
        list[str] | None, typer.Option("--instrument", "-i", help="Instrument id (repeatable).")
    ] = None,
    perspective: Annotated[
        list[str] | None,
        typer.Option("--perspective", "-p", help="professional or client (repeatable)."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every sector, instrument and offered perspective.")
    ] = False,
    locale: Annotated[
        list[str] | None,
        typer.Option(
            "--locale",
            "-l",
            help="Locale of the forms, repeatable (--locale en --locale nl); default the "
            "global --locale, then $RELSCALE_LOCALE, then en. Messages use the first.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    subject_name: SubjectNameOption = None,
    password: PasswordOption = None,
) -> None:
    """Export a batch of forms, one workbook per sector x instrument x perspective x locale.

    Files are named <instrument>_<sector>_<perspective>_<locale>.xlsx. Perspectives a
    sector declines are skipped with a note; the exit code is non-zero if any form failed.
    """
    from relscale.adapt import adapt
    from relscale.i18n import resolve_locale, set_locale
    from relscale.workbooks.form import export_form, form_filename

    ui = use_locale(locale[0] if locale else None)
    combos, skipped = _combinations(sector or [], instrument or [], perspective or [], all_)
    locales = list(dict.fromkeys(locale or [ui]))
    for loc in locales:
        resolve_locale(loc)  # an unknown locale fails before anything is written
    for note in skipped:
        note_err(note)
    jobs = [(s, i, p, loc) for (s, i, p) in combos for loc in locales]
    if not jobs:
        raise RelscaleError(_("nothing to export: every requested combination was skipped"))
    out_dir.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    written = 0
    notes: set[str] = set()
    with _progress(len(jobs)) as advance:
        for s, i, p, loc in jobs:
            label = f"{i}/{s}/{p}/{loc}"
            try:
                used, _notes = resolve_locale(loc)
                set_locale(used)  # UI strings on the form follow the form's locale
                adapted = adapt(i, s, p, used)  # type: ignore[arg-type]
                notes.update(adapted.fallbacks)
                export_form(
                    adapted,
                    out_dir / form_filename(adapted),
                    overwrite=force,
                    subject_name=subject_name,
                    password=password,
                )
                written += 1
            except (RelscaleError, OSError) as exc:
                failed.append(f"{label}: {exc}")
            finally:
                set_locale(ui)
            advance(label)
    for note in sorted(notes):
        note_err(note)
    typer.echo(
        _("{n} forms written to {path}").format(n=written, path=out_dir), err=True
    )
    if failed:
        for line in failed:
            typer.echo(f"relscale: error: {line}", err=True)
        raise RelscaleError(
            _("{n} of {total} forms failed (listed above)").format(n=len(failed), total=len(jobs))
        )


class _progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._progress: Any = None

    def __enter__(self) -> Any:
        if is_interactive():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.__enter__()
            task = self._progress.add_task(_("Forms"), total=self.total)

            def advance(label: str) -> None:
                self._progress.update(task, advance=1, description=label)

            return advance
        return lambda label: None

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def read(
    forms_: Annotated[
        list[Path],
        typer.Argument(metavar="FORMS...", help="Filled forms (.xlsx) and/or folders of them."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The CSV file to write.")],
    locale: LocaleOption = None,
    force: ForceOption = False,
) -> None:
    """Read filled forms back into one tidy CSV (one row per form, one column per item).

    Every form is verified (metadata checksum, item rows) and every answer validated;
    all problems are listed, one per line, and nothing is written if there are any.
    """
    from relscale.io.readback import FormErrors, collect_form_paths, read_forms, write_csv

    use_locale(locale)
    from relscale.io.atomic import check_output

    files = collect_form_paths(forms_)
    check_output(output, overwrite=force, inputs=tuple(files))
    try:
        result = read_forms(files)
    except FormErrors as exc:
        for line in exc.problems:
            typer.echo(f"relscale: error: {line}", err=True)
        raise RelscaleError(
            _("{n} problem(s) in the forms; nothing written").format(n=len(exc.problems))
        ) from None
    write_csv(result, output, overwrite=force, inputs=tuple(files))
    typer.echo(
        _("{n} forms of {key} read into {path}").format(
            n=len(result.rows), key=result.key, path=output
        ),
        err=True,
    )

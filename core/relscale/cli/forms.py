"""Fillable forms: ``form`` (one), ``forms`` (a batch) and ``read`` (filled forms -> CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    PerspectiveOption,
    SectorOption,
    adapt_noting,
    echo,
    handle_errors,
    is_interactive,
    note_err,
    use_locale,
    warn_err,
)
from relscale.cli.scoring import FromOption
from relscale.errors import RelscaleError
from relscale.i18n import _, ngettext

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
        help="Name (or code) printed where items refer to the other person, and in the "
        "form's name field; default a blank line '______'.",
        show_default=False,
    ),
]
LayoutOption = Annotated[
    str | None,
    typer.Option(
        "--layout",
        help="compact (a number per row; default for professionals), boxes (answers in "
        "words, mark one box per row; default for children and clients) or dropdown "
        "(answers in words in a drop-down, for filling on screen).",
        show_default=False,
    ),
]
PicturesOption = Annotated[
    bool,
    typer.Option(
        "--pictures",
        help="boxes layout: a row of circles above each answer's words, from one filled "
        "(lowest) to all filled (highest); prints in black and white.",
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
    layout: LayoutOption = None,
    pictures: PicturesOption = False,
) -> None:
    """Export one fillable, print-ready form (.xlsx) for a sector and perspective."""
    from relscale.workbooks.form import check_form_path, export_form

    used = use_locale(locale)
    check_form_path(output)  # before the work of adapting
    adapted = adapt_noting(instrument, sector, perspective, used)
    written = export_form(
        adapted, output, overwrite=force, subject_name=subject_name, password=password,
        layout=layout, pictures=pictures,
    )
    typer.echo(
        ngettext("{path}: form with {n} item written", "{path}: form with {n} items written",
                 len(written.answers)).format(path=output, n=len(written.answers)),
        err=True,
    )


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
    layout: LayoutOption = None,
    pictures: PicturesOption = False,
) -> None:
    """Export a batch of forms, one workbook per sector x instrument x perspective x locale.

    Files are named <instrument>_<sector>_<perspective>_<locale>.xlsx. Perspectives a
    sector declines are skipped with a note; the exit code is non-zero if any form failed.
    """
    from relscale.workbooks.form_batch import NothingToExport, export_forms

    use_locale(locale[0] if locale else None)
    if not all_ and not (sector or instrument or perspective):
        raise RelscaleError(
            _("say what to export: --sector, --instrument, --perspective, or --all")
        )
    try:
        with _progress() as progress:
            batch = export_forms(
                out_dir,
                sectors=sector or [],
                instruments=instrument or [],
                perspectives=perspective or [],
                locales=locale or [],
                overwrite=force,
                subject_name=subject_name,
                password=password,
                progress=progress,
                layout=layout,
                pictures=pictures,
            )
    except NothingToExport as exc:
        for declined in exc.declined:
            note_err(str(declined))
        raise
    for declined in batch.declined:
        note_err(str(declined))
    for note in batch.notes:
        note_err(note)
    typer.echo(
        ngettext("{n} form written to {path}", "{n} forms written to {path}",
                 len(batch.written)).format(n=len(batch.written), path=out_dir), err=True
    )
    if batch.failed:
        for failure in batch.failed:
            echo(f"relscale: error: {failure.label}: {failure.error}", err=True)
        raise RelscaleError(
            _("{n} of {total} forms failed (listed above)").format(
                n=len(batch.failed), total=len(batch.exports)
            )
        )


class _progress:
    """A progress bar on stderr when it is a terminal; silent otherwise. Yields the
    ``progress(done, total, label)`` callback of :func:`export_forms`."""

    def __init__(self) -> None:
        self._progress: Any = None

    def __enter__(self) -> Any:
        if not is_interactive():
            return None
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
        task: Any = None

        def progress(done: int, total: int, label: str) -> None:
            nonlocal task
            if task is None:
                task = self._progress.add_task(_("Forms"), total=total)
            if done:
                self._progress.update(task, completed=done, description=label)

        return progress

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
    platform: FromOption = None,
    instrument: Annotated[
        str | None, typer.Option("--instrument", "-i", help="With --from: the instrument id.")
    ] = None,
    sector: Annotated[
        str | None, typer.Option("--sector", "-s", help="With --from: the sector id.")
    ] = None,
    perspective: PerspectiveOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a form saved twice, and a row of boxes "
                           "without a mark, instead of a warning and a missing answer.")
    ] = False,
) -> None:
    """Read filled forms back into one tidy CSV (one row per form, one column per item).

    Every form is verified (metadata checksum, item rows) and every answer validated;
    all problems are listed, one per line, and nothing is written if there are any.
    """
    from relscale.io.readback import FormErrors, read_forms_to_csv

    used = use_locale(locale)
    # --- survey-platform exports (issue 10): relscale.io.platforms ------------------------
    if platform is not None or instrument or sector:
        _read_platform(forms_, output, platform, instrument, sector, perspective, used, force)
        return
    # ---------------------------------------------------------------------------------------
    try:
        result = read_forms_to_csv(forms_, output, overwrite=force, strict=strict)
    except FormErrors as exc:
        for line in exc.problems:
            echo(f"relscale: error: {line}", err=True)
        raise RelscaleError(
            ngettext("{n} problem in the forms; nothing written",
                     "{n} problems in the forms; nothing written",
                     len(exc.problems)).format(n=len(exc.problems))
        ) from None
    for warning in result.warnings:
        warn_err(warning)
    echo(
        ngettext("{n} form of {key} read into {path}", "{n} forms of {key} read into {path}",
                 len(result.rows)).format(
            n=len(result.rows), key=result.key, path=output
        ),
        err=True,
    )


def _read_platform(
    files: list[Path], output: Path, platform: str | None, instrument: str | None,
    sector: str | None, perspective: str | None, locale: str, force: bool,
) -> None:
    """``read FILE --from PLATFORM -i I -s S``: a platform export as relscale's responses CSV."""
    from relscale.io.platforms import write_platform_responses

    if platform is None or not instrument or not sector or len(files) != 1:
        raise RelscaleError(
            _("a platform export needs --from, --instrument and --sector, and one file")
        )
    adapted = adapt_noting(instrument, sector, perspective, locale)
    table, report = write_platform_responses(files[0], adapted, output, platform,
                                             overwrite=force)
    for line in report.lines():
        note_err(line)
    typer.echo(_("{n} responses read into {path}").format(n=table.n, path=output), err=True)

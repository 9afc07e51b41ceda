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
    error_err,
    handle_errors,
    is_interactive,
    messages_locale,
    note_err,
    spinner,
    use_locale,
    warn_err,
    written,
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
        help="Deprecated: use --client-name or --professional-name (this one names "
        "whoever the form is about).",
        show_default=False,
    ),
]
ClientNameOption = Annotated[
    str | None,
    typer.Option(
        "--client-name",
        help="The child's or client's name (or code): on a professional's form printed "
        "where the statements refer to them and in the field for whom the form is about; "
        "on a client's form in the field for their own name. Default a blank line.",
        show_default=False,
    ),
]
ProfessionalNameOption = Annotated[
    str | None,
    typer.Option(
        "--professional-name",
        help="The professional's name (or code): on a client's form printed where the "
        "sentences refer to them and in the field for whom the form is about; on a "
        "professional's form in the field for their own name. Default a blank line.",
        show_default=False,
    ),
]
AdminSheetOption = Annotated[
    bool,
    typer.Option(
        "--with-admin-sheet",
        help="Child and client forms: add the page for whoever administers the form "
        "(validation notice, administration notes, codes) as a second sheet. Without it "
        "the workbook holds the respondent's pages only.",
    ),
]


def _names(perspective: str, client_name: str | None, professional_name: str | None,
           subject_name: str | None) -> tuple[str | None, str | None]:
    """(respondent name, subject name) of one form; ``--subject-name`` (deprecated) names
    the subject when its own option is not given."""
    from relscale.workbooks.form_parts import form_names

    respondent, subject = form_names(perspective, client_name=client_name,
                                     professional_name=professional_name)
    return respondent, subject or subject_name


def _note_subject_name(subject_name: str | None) -> None:
    if subject_name is not None:
        note_err(_("--subject-name is deprecated and will be removed in the next release: "
                   "use --client-name (the child or client) or --professional-name"))
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
VariantOption = Annotated[
    str | None,
    typer.Option(
        "--variant",
        help="Client forms: the sector's respondent variant, which decides the word for the "
        "professional (education: primary or secondary; `relscale show` lists them); "
        "default the sector's first.",
        show_default=False,
    ),
]
PracticeOption = Annotated[
    bool,
    typer.Option(
        "--practice",
        help="Client forms: practice statements before the items, with the script on the "
        "administrator's page (always on the disability-care client form).",
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
    app.command("cards")(handle_errors(cards))
    app.command("read")(handle_errors(read))


def form(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. relationship_quality.")],
    sector: SectorOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write.")],
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
    client_name: ClientNameOption = None,
    professional_name: ProfessionalNameOption = None,
    subject_name: SubjectNameOption = None,
    password: PasswordOption = None,
    layout: LayoutOption = None,
    pictures: PicturesOption = False,
    admin_sheet: AdminSheetOption = False,
    variant: VariantOption = None,
    practice: PracticeOption = False,
) -> None:
    """Export one fillable, print-ready form (.xlsx) for a sector and perspective."""
    from relscale.workbooks.form import check_form_path, export_form

    used = use_locale(locale)
    _note_subject_name(subject_name)
    check_form_path(output)  # before the work of adapting
    adapted = adapt_noting(instrument, sector, perspective, used, variant=variant)
    if practice and adapted.practice is None:
        raise RelscaleError(_("the {sector} form {instrument} ({perspective}) has no practice "
                              "statements").format(sector=adapted.sector,
                                                   instrument=adapted.instrument,
                                                   perspective=adapted.perspective))
    respondent, subject = _names(adapted.perspective, client_name, professional_name,
                                 subject_name)
    layout_ = export_form(
        adapted, output, overwrite=force, subject_name=subject, respondent_name=respondent,
        password=password, layout=layout, pictures=pictures, admin_sheet=admin_sheet,
        practice=practice,
    )
    n = len(layout_.answers)
    written(output, ngettext("form with {n} item", "form with {n} items", n).format(n=n))


def cards(
    instrument: Annotated[str, typer.Argument(
        help="Instrument id, e.g. relationship_quality_client.")],
    sector: SectorOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .pdf file to write.")],
    perspective: PerspectiveOption = None,
    locale: LocaleOption = None,
    force: ForceOption = False,
    variant: VariantOption = None,
) -> None:
    """Print answer cards (.pdf): one A4 page with each answer of the form's scale as a
    large black-and-white pictogram and its word, to point at while the form is read aloud."""
    from relscale.workbooks.answer_cards import write_answer_cards

    used = use_locale(locale)
    adapted = adapt_noting(instrument, sector, perspective, used, variant=variant)
    pages = write_answer_cards([adapted], output, overwrite=force)
    written(output, ngettext("{n} page of answer cards", "{n} pages of answer cards",
                             pages).format(n=pages))


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
            "global --locale, then $RELSCALE_LOCALE, then en. Messages use the global "
            "--locale (or $RELSCALE_LOCALE), else the first.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    client_name: ClientNameOption = None,
    professional_name: ProfessionalNameOption = None,
    subject_name: SubjectNameOption = None,
    password: PasswordOption = None,
    layout: LayoutOption = None,
    pictures: PicturesOption = False,
    admin_sheet: AdminSheetOption = False,
    variant: VariantOption = None,
    practice: PracticeOption = False,
) -> None:
    """Export a batch of forms, one workbook per sector x instrument x perspective x locale.

    Files are named <instrument>_<sector>_<perspective>_<locale>.xlsx. Perspectives a
    sector declines are skipped with a note; the exit code is non-zero if any form failed.
    """
    from relscale.workbooks.form_batch import NothingToExport, export_forms

    use_locale(messages_locale(locale[0] if locale else None))
    _note_subject_name(subject_name)
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
                client_name=client_name,
                professional_name=professional_name,
                password=password,
                progress=progress,
                layout=layout,
                pictures=pictures,
                admin_sheet=admin_sheet,
                variant=variant,
                practice=practice,
            )
    except NothingToExport as exc:
        for declined in exc.declined:
            note_err(str(declined))
        raise
    for declined in batch.declined:
        note_err(str(declined))
    for note in batch.notes:
        note_err(note)
    written(out_dir, ngettext("{n} form", "{n} forms", len(batch.written)).format(
        n=len(batch.written)))
    if batch.failed:
        for failure in batch.failed:
            error_err(f"{failure.label}: {failure.error}")
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
        with spinner(_("Reading forms")):
            result = read_forms_to_csv(forms_, output, overwrite=force, strict=strict)
    except FormErrors as exc:
        for line in exc.problems:
            error_err(line)
        raise RelscaleError(
            ngettext("{n} problem in the forms; nothing written",
                     "{n} problems in the forms; nothing written",
                     len(exc.problems)).format(n=len(exc.problems))
        ) from None
    for warning in result.warnings:
        warn_err(warning)
    written(output, ngettext("{n} form of {key}", "{n} forms of {key}",
                             len(result.rows)).format(n=len(result.rows), key=result.key))


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
    written(output, ngettext("{n} response", "{n} responses", table.n).format(n=table.n))

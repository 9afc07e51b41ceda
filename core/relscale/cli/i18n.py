"""``relscale i18n ...`` (translator tooling) and ``relscale locales``.

In this group ``--locale`` names the catalog locale to work on (``status --locale de``);
the language of the command's own output follows the global ``relscale --locale`` or
``$RELSCALE_LOCALE``. Its parameters are therefore named ``catalog_locale``, not
``locale`` (see :data:`relscale.cli.help_i18n.UI_LOCALE_PARAM`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    SectorOption,
    console,
    echo,
    handle_errors,
    note_err,
    table,
    use_locale,
    written,
)
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.translation import HelpText, InitResult

i18n_app = typer.Typer(
    name="i18n",
    help="Translator tooling: templates, new languages, merging, status, checks, "
    "adaptation drafts and review workbooks (see docs/translating.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

TargetLocales = Annotated[
    list[str] | None,
    typer.Option(
        "--locale",
        "-l",
        help="Catalog locale(s) to work on (repeatable); default every shipped one.",
        show_default=False,
    ),
]
DomainOption = Annotated[
    list[str] | None,
    typer.Option(
        "--domain",
        "-d",
        help="gettext domain(s) to work on (repeatable), e.g. relscale_foster_homes; "
        "default all.",
        show_default=False,
    ),
]
DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Work on catalogs in this one folder (<lang>/LC_MESSAGES/<domain>.po, as "
        "used with $RELSCALE_LOCALE_PATH) instead of each package's locale folder.",
        show_default=False,
        file_okay=False,
    ),
]


_command_tree: Callable[[], Any] | None = None
"""Builds the whole ``relscale`` command tree in English, for its ``--help`` texts."""


def register(app: typer.Typer, command_tree: Callable[[], Any]) -> None:
    """Add the ``i18n`` group and ``locales`` to ``app``.

    ``command_tree`` builds the whole command tree (with plugin commands) whose ``--help``
    texts go into the ``relscale`` template. The root module passes it: importing the root
    from here would be an import loop.
    """
    global _command_tree
    _command_tree = command_tree
    for name, fn in (
        ("extract", extract),
        ("init", init),
        ("update", update),
        ("check", check),
        ("status", status),
        ("draft", draft),
        ("review", review),
    ):
        i18n_app.command(name)(handle_errors(fn))
    app.add_typer(i18n_app, name="i18n")
    app.command("locales")(handle_errors(locales))


def _help_messages() -> list[HelpText]:
    """The ``--help`` texts of the whole command line, for the ``relscale`` template."""
    from relscale.cli.help_i18n import help_texts

    assert _command_tree is not None, "register() was not called"
    return list(help_texts(_command_tree()))


def _show(path: Path, base: Path | None = None) -> str:
    """A path relative to the current folder, else to ``base`` (a package's parent)."""
    for root in (Path.cwd(), base):
        if root is None:
            continue
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def extract(
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-o", help="Folder for the .pot files.", file_okay=False)
    ] = Path("locale-templates"),
    domain: DomainOption = None,
    force: ForceOption = False,
) -> None:
    """Write a POT template for every domain: UI strings and all registered content."""
    from relscale import translation

    use_locale(None)
    templates = translation.extract(out_dir, names=domain or (), overwrite=force,
                                  help_messages=_help_messages())
    for d, path, n in templates:
        written(_show(path), _("{n} messages ({owner})").format(n=n, owner=d.owner))


def init(
    target: Annotated[str, typer.Argument(metavar="LOCALE", help="New locale, e.g. de or fr_BE.")],
    domain: DomainOption = None,
    into: DirOption = None,
) -> None:
    """Create PO files for a new locale in every package (existing files are kept)."""
    from relscale import translation

    use_locale(None)
    try:
        results = translation.init_locale(target, names=domain or (), root=into,
                                          require_new=True, help_messages=_help_messages())
    except translation.NothingCreatedError as exc:
        _report_init(exc.results)
        raise
    _report_init(results)


def _report_init(results: list[InitResult]) -> None:
    for r in results:
        if r.created:
            written(_show(r.path), _("{n} messages").format(n=r.messages))
        else:
            note_err(_("{path} exists, kept (use `relscale i18n update`)").format(
                path=_show(r.path)))


def update(
    catalog_locale: TargetLocales = None,
    domain: DomainOption = None,
    into: DirOption = None,
) -> None:
    """Merge the current templates into existing PO files.

    Changed source strings keep their old translation, marked fuzzy; entries whose
    source is gone are kept as obsolete.
    """
    from relscale import translation

    use_locale(None)
    results = translation.update_locales(names=domain or (), locales=catalog_locale or (),
                                         root=into, help_messages=_help_messages())
    if not results:
        note_err(_("no catalogs to update"))
    for r in results:
        written(_show(r.path), _("{added} new, {fuzzy} fuzzy, {obsolete} obsolete").format(
            added=r.merge.added, fuzzy=r.merge.fuzzy, obsolete=r.merge.obsolete))


def check(
    catalog_locale: TargetLocales = None,
    domain: DomainOption = None,
    into: DirOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings (fuzzy or stale entries) too.")
    ] = False,
) -> None:
    """Validate PO files: syntax, {placeholders}, fuzzy and stale entries.

    There is no compile step: relscale reads PO files directly, so this check is
    what a compiler would catch.
    """
    from relscale import translation

    use_locale(None)
    problems = translation.check(names=domain or (), locales=catalog_locale or (), root=into,
                                 help_messages=_help_messages())
    for p in problems:
        echo(str(p), err=True)  # a catalog's text: terminal-safe
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    typer.echo(_("{errors} error(s), {warnings} warning(s)").format(
        errors=errors, warnings=warnings))
    if errors or (strict and warnings):
        raise typer.Exit(1)


def status(
    catalog_locale: TargetLocales = None,
    domain: DomainOption = None,
    into: DirOption = None,
    check_complete: Annotated[
        bool,
        typer.Option("--check", help="Exit 1 if any shipped locale is incomplete."),
    ] = False,
) -> None:
    """Translated / fuzzy / missing entries per domain and locale."""
    from relscale import translation

    use_locale(None)
    rows = translation.status(names=domain or (), locales=catalog_locale or (), root=into,
                              help_messages=_help_messages())
    report = table()
    for title, justify in (
        (_("Package"), "left"), (_("Domain"), "left"), (_("Locale"), "left"),
        (_("Translated"), "right"), (_("Fuzzy"), "right"), (_("Missing"), "right"),
        (_("Total"), "right"), (_("Complete"), "center"), (_("File"), "left"),
    ):
        report.add_column(title, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        report.add_row(
            r.domain.owner, r.domain.name, r.locale, str(r.translated), str(r.fuzzy),
            str(r.missing), str(r.total), _("yes") if r.complete else _("no"),
            _show(r.path, r.domain.locale_dir.parent.parent) if r.path else _("no catalog"),
        )
    console().print(report)
    if not rows:
        note_err(_("no translated locales yet (see `relscale i18n init`)"))
    incomplete = [r for r in rows if not r.complete]
    if check_complete and incomplete:
        typer.echo(
            _("{n} catalog(s) incomplete").format(n=len(incomplete)), err=True
        )
        raise typer.Exit(1)


def draft(
    sector: SectorOption,
    catalog_locale: Annotated[
        str, typer.Option("--locale", "-l", help="Locale of the draft, e.g. nl.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="PO file to write; default "
                     "<domain>.<locale>.draft.po in the current folder.", dir_okay=False),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Draft a sector's catalog from the education wording (forward-translation step).

    Items are taken from education's translation with the role terms replaced by the
    sector's, every drafted entry fuzzy, for a translator to review.
    """
    from relscale import translation

    use_locale(None)
    result = translation.write_draft(sector, catalog_locale, output, overwrite=force)
    assert result.path is not None
    written(_show(result.path), _("{drafted} drafted (fuzzy), {kept} already translated, "
                                  "{empty} left empty").format(
        drafted=result.drafted, kept=result.kept, empty=result.empty))
    if result.bracketed:
        note_err(_("no {locale} role terms for {sector} yet: left in brackets: {terms}").format(
            locale=catalog_locale, sector=sector, terms=", ".join(result.bracketed)))


def review(
    sector: SectorOption,
    catalog_locale: Annotated[
        str, typer.Option("--locale", "-l", help="Locale under review, e.g. nl.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).", dir_okay=False)
    ],
    catalog: Annotated[
        Path | None,
        typer.Option("--catalog", help="Review this PO file (e.g. a draft) instead of the "
                     "sector's catalog.", dir_okay=False, exists=True),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write a side-by-side review workbook (source, target, back-translation, status)."""
    from relscale import translation
    from relscale.i18n import display_name

    used = use_locale(None)
    result = translation.write_sector_review(sector, catalog_locale, output,
                                             catalog_path=catalog, overwrite=force)
    written(_show(result.path), _("{n} rows for {language} ({missing} untranslated)").format(
        n=len(result.rows), language=display_name(result.locale, used),
        missing=result.untranslated))


def locales(locale: LocaleOption = None) -> None:
    """List the available locales and which catalogs are complete in each."""
    from relscale import translation

    use_locale(locale)
    report = table()
    report.add_column(_("Code"))
    report.add_column(_("English name"))
    report.add_column(_("Native name"))
    report.add_column(_("Complete"))
    report.add_column(_("Incomplete"))
    for s in translation.locale_summaries(help_messages=_help_messages()):
        report.add_row(s.code, s.english, s.native,
                      _("all") if not s.incomplete else ", ".join(s.complete) or "—",
                      ", ".join(s.incomplete) or "—")
    console().print(report)

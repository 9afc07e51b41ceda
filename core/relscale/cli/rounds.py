"""``relscale round ...``: measurement rounds (:mod:`relscale.rounds`), a thin front end.

Nothing here imports SQLAlchemy at module level: the store is opened inside each command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relscale.cli.common import (
    ForceOption,
    LocaleOption,
    console,
    handle_errors,
    note_err,
    table,
    use_locale,
    warn_err,
)
from relscale.errors import RelscaleError
from relscale.i18n import _, ngettext

if TYPE_CHECKING:
    from relscale.store.engine import Store

round_app = typer.Typer(
    help="Measurement rounds: a roster in, a form per pair out, every answer in a store, "
    "the overview per professional.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="The store: a SQLite file or a database URL "
                 "(postgresql+psycopg://...). Default $RELSCALE_DB, then relscale.db here.",
                 show_default=False, metavar="FILE|URL"),
]
NameArg = Annotated[str, typer.Argument(help="The round's name, e.g. spring-2027.")]


def register(app: typer.Typer) -> None:
    round_app.command("new")(handle_errors(new))
    round_app.command("forms")(handle_errors(forms))
    round_app.command("collect")(handle_errors(collect))
    round_app.command("status")(handle_errors(status))
    round_app.command("report")(handle_errors(report))
    round_app.command("export")(handle_errors(export))
    round_app.command("list")(handle_errors(list_rounds))
    round_app.command("forget-names")(handle_errors(forget_names))
    round_app.command("delete")(handle_errors(delete))
    app.add_typer(round_app, name="round")


def _open(db: str | None, *, create: bool = False) -> Store:
    from relscale.store.engine import open_store

    return open_store(db, create=create)


def new(
    name: NameArg,
    roster: Annotated[Path, typer.Option("--roster", "-r", help="The roster: CSV or xlsx, "
                                          "one row per pair (relscale schema roster).")],
    instrument: Annotated[list[str], typer.Option(
        "--instrument", "-i", help="The professional's report, e.g. relationship_quality "
        "(repeatable); the client's form on the same relationship comes with it.")],
    sector: Annotated[str, typer.Option("--sector", "-s", help="Sector id; a roster row "
                                        "may name another.")],
    locale: Annotated[str | None, typer.Option(
        "--locale", "-l", help="Form language, e.g. nl; a roster row may name another. "
        "Messages use it too.", show_default=False)] = None,
    norms: Annotated[list[Path] | None, typer.Option(
        "--norms", help="A norm table (TOML) for this round's scores, before the "
        "registered ones (repeatable).", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Make a round from a roster: its pairs, names (kept apart) and the forms to issue."""
    from relscale.rounds.create import new_round
    from relscale.rounds.roster import RosterErrors

    used = use_locale(locale)
    with _open(db, create=True) as store:
        try:
            made = new_round(store, name, roster, instruments=instrument, sector=sector,
                             locale=used, norms=norms or ())
        except RosterErrors as exc:
            for line in exc.problems:
                typer.echo(f"relscale: error: {line}", err=True)
            raise RelscaleError(ngettext("{n} problem in the roster; nothing stored",
                                         "{n} problems in the roster; nothing stored",
                                         len(exc.problems)).format(n=len(exc.problems))
                                ) from None
        for note in made.notes:
            note_err(note)
        forms = ", ".join(f"{k}: {v}" for k, v in made.forms.items())
        typer.echo(_("round {name}: {pairs} pairs ({professionals} professionals, {clients} "
                     "clients), forms {forms}; {names} names stored apart; in {db}").format(
            name=made.name, pairs=made.pairs, professionals=made.professionals,
            clients=made.clients, forms=forms, names=made.names, db=store.shown), err=True)


def forms(
    name: NameArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the forms.",
                                         metavar="FOLDER")],
    pdf: Annotated[bool | None, typer.Option(
        "--pdf/--no-pdf", help="Printable PDFs (LibreOffice); default: when installed.",
        show_default=False)] = None,
    names: Annotated[bool, typer.Option(
        "--names/--no-names", help="Print the roster's names on the forms (the default).",
        show_default=False)] = True,
    force: ForceOption = False,
    locale: LocaleOption = None,
    db: DbOption = None,
) -> None:
    """Write a personalized form per pair and perspective, a PDF per professional (and one
    of their clients' forms) and the cover list (xlsx, pdf)."""
    from relscale.rounds.forms import write_round_forms

    use_locale(locale)
    with _open(db) as store:
        written = write_round_forms(store, name, output, overwrite=force, pdf=pdf,
                                    names=names)
    for note in written.notes:
        note_err(note)
    typer.echo(ngettext("{n} form written to {path}", "{n} forms written to {path}",
                        len(written.forms)).format(n=len(written.forms), path=output), err=True)
    typer.echo(_("{pdfs} PDFs; cover list: {cover}; {names}").format(
        pdfs=len(written.pdfs), cover=", ".join(str(p) for p in written.cover),
        names=_holds(written.names)), err=True)


def _holds(names: bool) -> str:
    return _("with names") if names else _("codes only, no names")


def collect(
    name: NameArg,
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH...", help="Filled forms, scoring sheets, platform exports, or folders "
        "of them.")],
    platform: Annotated[str | None, typer.Option(
        "--from", help="Read tables as this platform's export: odk, redcap or limesurvey "
        "(default: recognised by the header).", show_default=False)] = None,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", help="The instrument of tables that do not name it.",
        show_default=False)] = None,
    perspective: Annotated[str | None, typer.Option(
        "--perspective", "-p", help="With --instrument: professional or client.",
        show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="A row of boxes without a mark is "
                                         "an error, not a missing answer.")] = False,
    locale: LocaleOption = None,
    db: DbOption = None,
) -> None:
    """Store filled forms, scoring sheets and platform exports: one transaction per file,
    nothing stored twice, a changed form as a new version."""
    from relscale.rounds.collect import collect as collect_files

    use_locale(locale)
    with _open(db) as store:
        done = collect_files(store, name, paths, platform=platform, instrument=instrument,
                             perspective=perspective, strict=strict)
    for f in done.failed:
        for line in f.problems:
            typer.echo(f"relscale: error: {line}", err=True)
    typer.echo(_("{files} files: {new} new, {versions} new versions, {same} unchanged; "
                 "{failed} files not stored").format(
        files=len(done.files), new=done.total("new"), versions=done.total("new_versions"),
        same=done.total("unchanged"), failed=len(done.failed)), err=True)
    if done.failed:
        raise typer.Exit(1)


def status(
    name: NameArg,
    outstanding: Annotated[bool, typer.Option(
        "--outstanding", help="List every form still out.")] = False,
    locale: LocaleOption = None,
    db: DbOption = None,
) -> None:
    """Returned / expected forms per group and professional; which forms are still out."""
    from relscale.rounds.status import round_status

    use_locale(locale)
    with _open(db) as store:
        st = round_status(store, name)
    t = table(_("Round {name}: {returned} of {expected} forms returned").format(
        name=st.round.name, returned=st.returned, expected=st.expected))
    for head in (_("group"), _("professional"), _("returned"), _("expected"), _("still out")):
        t.add_column(head)
    for g in st.groups:
        for p in g.professionals:
            label = f"{p.name} ({p.code})" if p.name else p.code
            t.add_row(g.group or "-", label, str(p.returned), str(p.expected),
                      str(len(p.outstanding)))
    console().print(t)
    if outstanding and st.outstanding:
        out = table(_("Forms still out"))
        for head in (_("professional"), _("client"), _("form"), _("file")):
            out.add_column(head)
        for f in st.outstanding:
            out.add_row(f.professional_code, f.client_code,
                        f"{f.instrument} ({f.perspective})", f.file or "-")
        console().print(out)


def report(
    name: NameArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="report.pdf (needs "
                                         "LibreOffice) or report.xlsx.")],
    previous: Annotated[str | None, typer.Option(
        "--previous", help="An earlier round: change per pair, reliable changes.",
        show_default=False)] = None,
    min_group: Annotated[int, typer.Option(
        "--min-group", help="The summary shows no group with fewer scored pairs.")] = 5,
    names: Annotated[bool, typer.Option("--names/--no-names",
                                        help="Put the stored names beside the codes (the default).",
                                        show_default=False)] = True,
    pairs: Annotated[bool, typer.Option("--pairs/--no-pairs",
                                        help="A profile page per pair after each overview.")
                     ] = True,
    force: ForceOption = False,
    locale: LocaleOption = None,
    db: DbOption = None,
) -> None:
    """Write the report: organization summary, one A4 overview per professional, a profile
    page per pair."""
    from relscale.rounds.report import check_report_path, write_round_report

    used = use_locale(locale)
    check_report_path(output)
    with _open(db) as store:
        done = write_round_report(store, name, output, previous=previous,
                                  min_group=min_group, names=names, pairs=pairs, locale=used,
                                  overwrite=force)
    if "illustrative" in done.statuses:
        warn_err(_("the norms are illustrative (synthetic data): not for decisions about "
                   "anyone"))
    typer.echo(_("{path}: {n} professionals, {pairs} pair pages; {names}").format(
        path=output, n=done.professionals, pairs=done.pair_pages, names=_holds(done.names)),
        err=True)


def export(
    name: NameArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="answers.csv, .xlsx or .sav.")],
    wide: Annotated[bool, typer.Option("--wide", help="One row per form instead of one per "
                                       "answer.")] = False,
    names: Annotated[bool, typer.Option("--names", help="Include the stored names.")] = False,
    all_versions: Annotated[bool, typer.Option(
        "--all-versions", help="Every version of a re-submitted form, not only the newest.")
    ] = False,
    force: ForceOption = False,
    locale: LocaleOption = None,
    db: DbOption = None,
) -> None:
    """Export a round's answers (as given) and scores, long or wide."""
    from relscale.rounds.export import check_export_path, export_round

    use_locale(locale)
    check_export_path(output)
    with _open(db) as store:
        done = export_round(store, name, output, wide=wide, names=names,
                            versions="all" if all_versions else "current", overwrite=force)
    typer.echo(_("{path}: {rows} rows, {answers} answers; {names}").format(
        path=output, rows=done.rows, answers=done.answers, names=_holds(done.names)), err=True)


def list_rounds(locale: LocaleOption = None, db: DbOption = None) -> None:
    """List the rounds in the store."""
    from relscale.rounds.queries import list_rounds as rounds_in

    use_locale(locale)
    with _open(db) as store:
        found = rounds_in(store)
    t = table(_("Rounds"))
    for head in (_("round"), _("sector"), _("instruments"), _("pairs"), _("returned"),
                 _("names")):
        t.add_column(head)
    for info, counts in found:
        t.add_row(info.name, info.sector, ", ".join(info.professional_instruments),
                  str(counts.pairs), f"{counts.returned}/{counts.forms}", str(counts.names))
    console().print(t)


def _confirm(question: str, yes: bool) -> None:
    from relscale.cli.common import is_interactive

    if yes:
        return
    if not is_interactive():
        raise RelscaleError(_("{question} Add --yes to confirm.").format(question=question))
    if not typer.confirm(question):
        raise typer.Exit(1)


YesOption = Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")]


def forget_names(name: NameArg, yes: YesOption = False, locale: LocaleOption = None,
                 db: DbOption = None) -> None:
    """Remove every name of a round from the store (codes, answers and scores stay)."""
    from relscale.rounds.manage import forget_names as forget

    use_locale(locale)
    _confirm(_("Remove every name of round {name}?").format(name=name), yes)
    with _open(db) as store:
        done = forget(store, name)
    _removed_note(done)
    typer.echo(ngettext("round {name}: {n} name removed", "round {name}: {n} names removed",
                        done.rows).format(name=done.round, n=done.rows), err=True)


def delete(name: NameArg, yes: YesOption = False, locale: LocaleOption = None,
           db: DbOption = None) -> None:
    """Delete a round and everything of it (pairs, names, forms, answers, scores)."""
    from relscale.rounds.manage import delete_round

    use_locale(locale)
    _confirm(_("Delete round {name} and all its answers?").format(name=name), yes)
    with _open(db) as store:
        done = delete_round(store, name)
    _removed_note(done)
    typer.echo(_("round {name} deleted: {forms} forms, {submissions} submissions").format(
        name=done.round, forms=done.rows, submissions=done.submissions), err=True)


def _removed_note(done: Any) -> None:
    if done.vacuum_needed:
        note_err(_("PostgreSQL keeps deleted rows in its files until they are overwritten "
                   "(VACUUM only marks the space free); VACUUM FULL rewrites the tables "
                   "without them, and the server's write-ahead log and backups keep copies "
                   "until they are recycled (docs/rounds.md)"))
    if not done.wal_flushed:
        note_err(_("another program was reading the store: a copy of what was removed stays "
                   "in its write-ahead log (the -wal file) until that program closes it"))
    note_err(_("files written earlier (forms, PDFs, reports, exports) are not touched: "
               "delete them yourself"))

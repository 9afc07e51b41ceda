"""``round forms``: a personalized form for every form a round issues, a printable PDF per
professional, and the cover list of which form goes to whom.

Each form is built by the form builder (:func:`relscale.workbooks.form.build_form`), in
the pair's language, with the codes of who answers about whom in its (locked) header
fields, the client's or professional's name in the title and the statements and the
respondent's name in the page header where the roster gave names, and the round's id and
the form's key in its checksummed metadata
(``round.id``, ``round.form``): reading it back (``round collect``) needs no code typed.

Files are named by codes only (``<professional>/<professional>_<client>_<instrument>_
<perspective>.xlsx``), never by names. Per professional one PDF holds all the forms they
fill in (``<professional>.pdf``), and a second one the forms of their clients
(``<professional>_clients.pdf``), for whoever administers those: the sectors ask that the
professional a child answers about is not the one who reads the questions to the child or
sees the answers. The cover list (xlsx and PDF) says which file goes to whom. PDFs need
LibreOffice; without it they are left out with a note (or, asked for with ``pdf=True``,
an error before anything is written).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.rounds.record import FormRef, adapted_for

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.excel.sheet import Workbook
    from relscale.rounds.queries import RoundInfo
    from relscale.store.engine import Store
    from relscale.workbooks.form_parts import FormLayout

Progress = Callable[[int, int, str], None]
COVER = "cover_list"


@dataclass(frozen=True)
class IssuedForm:
    form: FormRef
    path: Path
    """Relative to the output folder."""
    respondent: str
    """Who fills it in: a name with the code, or the code."""
    subject: str


@dataclass
class RoundForms:
    """What :func:`write_round_forms` wrote."""

    out_dir: Path
    forms: list[IssuedForm] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    cover: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: bool = False
    """Whether the forms and the cover list hold names."""


def safe(code: str) -> str:
    """A code as part of a file name: letters, digits, ``.``, ``_``, ``-`` kept."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", code).strip(".") or "_"


def _forms(conn: Connection, round_id: int) -> list[FormRef]:
    from relscale.rounds.record import _form_query
    from relscale.store.models import Form, Pair

    rows = conn.execute(_form_query().where(Form.round_id == round_id)
                        .order_by(Pair.group_name, Pair.professional_code,
                                  Form.round_instrument_id, Pair.client_code)).all()
    return [FormRef(*r) for r in rows]


def _names(conn: Connection, round_id: int) -> dict[tuple[str, str], str]:
    from relscale.rounds.overview import _names

    return _names(conn, round_id)


def _label(code: str, name: str | None) -> str:
    return f"{name} ({code})" if name else code


def build_round_form(round_: RoundInfo, form: FormRef, names: dict[tuple[str, str], str]
                     ) -> tuple[Workbook, FormLayout]:
    """The personalized form (the UI strings in the form's language)."""
    from relscale.i18n import current_locale, resolve_locale, set_locale
    from relscale.workbooks.form import build_form

    ui = current_locale()
    used = resolve_locale(form.locale)[0]
    adapted = adapted_for(form.instrument, form.sector, form.perspective, used)
    prof_name = names.get(("professional", form.professional_code))
    client_name = names.get(("client", form.client_code))
    prof, client = (_label(form.professional_code, prof_name),
                    _label(form.client_code, client_name))
    metadata = [("round.id", round_.uid), ("round.form", form.key),
                ("round.professional", form.professional_code),
                ("round.client", form.client_code)]
    codes = {"respondent_code": form.respondent_code, "subject_code": form.subject_code}
    set_locale(used)
    try:
        if form.perspective == "professional":
            book, layout = build_form(adapted, subject_name=client_name, filled=codes,
                                      metadata=metadata, title=f"{adapted.title}: {client}")
            for_whom = prof
        else:
            book, layout = build_form(adapted, subject_name=prof_name, filled=codes,
                                      metadata=metadata)
            for_whom = client
        # who the printed form is for, on every page (the code fields hold codes only)
        sheet = book.sheets[0]
        if sheet.print_setup is not None:
            sheet.print_setup = dataclasses.replace(
                sheet.print_setup, header_right=_("For: {who}").format(who=for_whom))
        return book, layout
    finally:
        set_locale(ui)


def round_form(store: Store, name: str, key: str, *, names: bool = True
               ) -> tuple[Workbook, FormLayout, FormRef]:
    """One personalized form of a round, by its key (a download of one form)."""
    from relscale.rounds.queries import get_round
    from relscale.rounds.record import find_form

    with store.read() as conn:
        round_ = get_round(conn, name, store)
        form = find_form(conn, round_, key=key, where=key)
        known = _names(conn, round_.id) if names else {}
    book, layout = build_round_form(round_, form, known)
    return book, layout, form


def form_path(form: FormRef) -> Path:
    """Where a form goes in the output folder (codes only)."""
    prof = safe(form.professional_code)
    return Path(prof) / (f"{prof}_{safe(form.client_code)}_{form.instrument}_"
                         f"{form.perspective}.xlsx")


def write_round_forms(store: Store, name: str, out_dir: Path | str, *,
                      overwrite: bool = False, pdf: bool | None = None, names: bool = True,
                      progress: Progress | None = None) -> RoundForms:
    """Write every form of a round, a PDF per professional and the cover list.

    :param pdf: True: PDFs are required (an error without LibreOffice, before anything is
        written); None: written when LibreOffice is installed; False: none.
    :param names: print the roster's names (where given) on the forms and the cover list.
    :raises RelscaleError: an output file exists (without ``overwrite``), no LibreOffice
        with ``pdf=True``.
    """
    import datetime as dt

    from sqlalchemy import update

    from relscale.io.atomic import check_output, make_folder
    from relscale.rounds.queries import get_round
    from relscale.store.models import Form
    from relscale.workbooks.form import write_form
    from relscale.workbooks.pdf import soffice

    out = Path(out_dir)
    with store.read() as conn:
        round_ = get_round(conn, name, store)
        forms = _forms(conn, round_.id)
        known = _names(conn, round_.id) if names else {}
    result = RoundForms(out, names=bool(known))
    if pdf is None:
        pdf = soffice() is not None
        if not pdf:
            result.notes.append(_("LibreOffice (soffice) is not installed: no PDFs written "
                                  "(the .xlsx forms print too)"))
    elif pdf and soffice() is None:
        raise RelscaleError(_("{path}: the PDFs need LibreOffice (soffice), which is not "
                              "installed; leave them out with --no-pdf").format(path=out))
    paths = _unique_paths(forms)
    books: dict[Path, list[Workbook]] = {}
    if pdf:
        for f in forms:
            own = f.perspective == "professional"
            books.setdefault(out / f"{safe(f.professional_code)}{'' if own else '_clients'}.pdf",
                             [])
    targets = [out / paths[f.key] for f in forms] + list(books) + \
        [out / f"{COVER}.xlsx"] + ([out / f"{COVER}.pdf"] if pdf else [])
    for target in targets:  # every target checked before the first is written
        check_output(target, overwrite=overwrite)
    make_folder(out)
    total = len(forms)
    if progress is not None:
        progress(0, total, "")
    for done, form in enumerate(forms, start=1):
        book, _layout = build_round_form(round_, form, known)
        target = out / paths[form.key]
        make_folder(target.parent)
        write_form(book, target, overwrite=overwrite)
        prof_name = known.get(("professional", form.professional_code))
        client_name = known.get(("client", form.client_code))
        who = (_label(form.professional_code, prof_name), _label(form.client_code, client_name))
        respondent, subject = who if form.perspective == "professional" else who[::-1]
        result.forms.append(IssuedForm(form, paths[form.key], respondent, subject))
        if pdf:
            suffix = "" if form.perspective == "professional" else "_clients"
            books[out / f"{safe(form.professional_code)}{suffix}.pdf"].append(book)
        if progress is not None:
            progress(done, total, str(paths[form.key]))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with store.write() as conn:
        for issued in result.forms:
            conn.execute(update(Form).where(Form.id == issued.form.id)
                         .values(file=issued.path.as_posix(), issued_at=now))
    result.cover = _write_cover(round_, result, out, pdf=pdf, overwrite=overwrite)
    if pdf:
        result.pdfs = _write_pdfs(books, overwrite=overwrite)
    return result


def _unique_paths(forms: Sequence[FormRef]) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    taken: set[str] = set()
    for form in forms:
        path = form_path(form)
        k = 2
        while path.as_posix().lower() in taken:  # two codes alike once made safe
            path = path.with_name(f"{form_path(form).stem}-{k}.xlsx")
            k += 1
        taken.add(path.as_posix().lower())
        paths[form.key] = path
    return paths


def _write_pdfs(books: dict[Path, list[Workbook]], *, overwrite: bool) -> list[Path]:
    from relscale.workbooks.pdf import books_to_pdfs, combine_for_print

    return books_to_pdfs([(combine_for_print(parts, title=path.stem), path)
                          for path, parts in books.items() if parts], overwrite=overwrite)


def _write_cover(round_: RoundInfo, result: RoundForms, out: Path, *, pdf: bool,
                 overwrite: bool) -> list[Path]:
    from relscale.workbooks import write
    from relscale.workbooks.cover_list import CoverLine, build_cover_list
    from relscale.workbooks.pdf import write_pdf

    lines = []
    for issued in result.forms:
        f = issued.form
        adapted = adapted_for(f.instrument, f.sector, f.perspective, f.locale)
        lines.append(CoverLine(group=f.group or "", respondent=issued.respondent,
                               respondent_role=adapted.respondent, subject=issued.subject,
                               form=adapted.title, locale=f.locale,
                               file=issued.path.as_posix()))
    book = build_cover_list(round_.name, lines, names=result.names)
    written = [write(book, out / f"{COVER}.xlsx", overwrite=overwrite)]
    if pdf:
        written.append(write_pdf(book, out / f"{COVER}.pdf", overwrite=overwrite))
    return written

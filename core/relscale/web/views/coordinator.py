"""The coordinator's pages: rounds, a new round from a roster, pairs, forms, links and
letters, uploads of filled forms, progress, deleting a round or its names; staff accounts,
coach assignments and the audit log.

Every page that shows names, and every download that holds them, is written to the audit
log (:func:`relscale.web.accounts.audit`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _, current_locale
from relscale.store.web_tables import COACH, COORDINATOR
from relscale.web import accounts, links
from relscale.web.http import (
    Refused,
    client_key,
    page,
    posted_form,
    redirect,
    require_user,
    store_of,
)
from relscale.web.security import format_code

if TYPE_CHECKING:
    from starlette.datastructures import UploadFile
    from starlette.requests import Request
    from starlette.responses import Response

    from relscale.rounds.queries import RoundInfo
    from relscale.store.engine import Store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".ods", ".xls", ".txt", ".tsv")


def round_by_id(store: Store, round_id: int) -> RoundInfo:
    """The round with this id, or 404."""
    from sqlalchemy import select

    from relscale.rounds.queries import get_round
    from relscale.store.models import Round

    with store.read() as conn:
        name = conn.execute(select(Round.name).where(Round.id == round_id)).scalar_one_or_none()
        if name is None:
            raise Refused(404, _("Page not found"))
        return get_round(conn, name)


def round_id_of(request: Request) -> int:
    try:
        return int(request.path_params["round_id"])
    except ValueError:
        raise Refused(404, _("Page not found")) from None


def new_round_choices() -> dict[str, Any]:
    """Sectors, professional instruments and form languages for the new-round form."""
    from relscale.catalog import instrument_records, sector_records
    from relscale.web.render import language_name, page_locales

    locale = current_locale()
    return {
        "sectors": sector_records(locale),
        "instruments": [r for r in instrument_records(locale)
                        if "professional" in r["perspectives"]],
        "locales": [(loc, language_name(loc)) for loc in page_locales()],
    }


def rounds_page(request: Request) -> Response:
    from relscale.rounds.queries import list_rounds

    require_user(request, COORDINATOR)
    return page(request, "rounds.html", title=_("Rounds"), rounds=list_rounds(store_of(request)),
                problems=[], error=None, values={}, **new_round_choices())


def upload_name(filename: str | None) -> str:
    """The name an uploaded file is shown and stored under: the browser's file name
    without any folder (``..\\x`` or ``../x`` too), without control characters, at most
    80 characters (its suffix kept), so it is a valid file name in a folder of ours."""
    import unicodedata

    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    if len(name) > 80:
        name = name[:80 - len(suffix)] + suffix
    return name if name.strip(".") else "upload" + suffix


async def save_upload(upload: UploadFile, folder: Path, index: int) -> Path:
    """An uploaded file in a folder of its own in ``folder``, under its
    :func:`upload_name` (which messages show), its size limited."""
    name = upload_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise RelscaleError(_("{name}: not a file relscale reads (use {kinds})").format(
            name=name, kinds=", ".join(UPLOAD_SUFFIXES)))
    target = folder / f"{index:04d}" / name
    target.parent.mkdir()
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise RelscaleError(_("{name}: larger than {n} MB").format(
                    name=name, n=MAX_UPLOAD_BYTES // (1024 * 1024)))
            out.write(chunk)
    return target


def shown(text: str, path: Path) -> str:
    """A message about an uploaded file with the server's folder left out."""
    return text.replace(str(path), path.name).replace(str(path.parent), "")


async def create_round(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.create import new_round
    from relscale.rounds.queries import list_rounds
    from relscale.rounds.roster import RosterErrors

    user = require_user(request, COORDINATOR)
    form = await posted_form(request, files=True)
    store = store_of(request)
    values = {k: str(form.get(k, "")) for k in ("name", "sector", "locale")}
    instruments = [str(v) for v in form.getlist("instrument")]
    values["instruments"] = instruments  # type: ignore[assignment]
    upload = form.get("roster")
    problems: list[str] = []
    error = None
    path: Path | None = None
    with tempfile.TemporaryDirectory(prefix="relscale-roster-") as tmp:
        try:
            if upload is None or isinstance(upload, str) or not upload.filename:
                raise RelscaleError(_("choose a roster file (CSV or Excel)"))
            path = await save_upload(upload, Path(tmp), 0)
            made = await run_in_threadpool(
                new_round, store, values["name"], path, instruments=instruments or
                ["relationship_quality"], sector=values["sector"], locale=values["locale"])
        except RosterErrors as exc:
            problems = [shown(p, path) if path else p for p in exc.problems]
        except RelscaleError as exc:
            error = shown(str(exc), path) if path else str(exc)
        finally:
            await form.close()
    if problems or error:
        return page(request, "rounds.html", 400, title=_("Rounds"),
                    rounds=await run_in_threadpool(list_rounds, store), problems=problems,
                    error=error, values=values, **new_round_choices())
    await run_in_threadpool(accounts.audit, store, user, "round-new", round_name=made.name,
                            detail=f"{made.pairs} pairs, {made.names} names",
                            client=client_key(request))
    info = await run_in_threadpool(_round_named, store, made.name)
    return redirect(f"/rounds/{info.id}")


def _round_named(store: Store, name: str) -> RoundInfo:
    from relscale.rounds.queries import get_round

    with store.read() as conn:
        return get_round(conn, name)


def round_page(request: Request) -> Response:
    from relscale.rounds.queries import round_counts
    from relscale.rounds.status import round_status

    user = require_user(request, COORDINATOR)
    store = store_of(request)
    info = round_by_id(store, round_id_of(request))
    with store.read() as conn:
        counts = round_counts(conn, info.id)
    status = round_status(store, info.name, names=True)
    accounts.audit(store, user, "view-progress", round_name=info.name, client=client_key(request))
    return page(request, "round.html", title=info.name, round=info, counts=counts,
                progress=status, online=links.online_counts(store, info.id),
                open_links=links.open_links(store, info.id),
                link_days=request.app.state.config.link_days)


def pairs_page(request: Request) -> Response:
    user = require_user(request, COORDINATOR)
    store = store_of(request)
    info = round_by_id(store, round_id_of(request))
    pairs = links.round_pairs(store, info.id)
    accounts.audit(store, user, "view-pairs", round_name=info.name, client=client_key(request))
    return page(request, "pairs.html", title=_("Pairs of {round}").format(round=info.name),
                round=info, pairs=pairs)


async def make_links(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    only = {int(str(x)) for x in form.getlist("form") if str(x).isdigit()} or None
    made = await run_in_threadpool(links.issue_links, store, info.name,
                                   days=request.app.state.config.link_days, form_ids=only)
    await run_in_threadpool(accounts.audit, store, user, "links-made", round_name=info.name,
                            detail=f"{len(made)} links", client=client_key(request))
    base = str(request.base_url).rstrip("/")
    return page(request, "letters.html", title=_("Letters for {round}").format(round=info.name),
                round=info, letters=[letter(link, base) for link in made])


def letter(link: links.IssuedLink, base: str) -> dict[str, Any]:
    """One respondent's letter, worded in the language of their form."""
    from relscale.i18n import current_locale as page_locale
    from relscale.web.render import use_page_locale
    from relscale.web.views.respondent import ui_locale

    client = link.perspective == "client"
    who = link.respondent_name or (link.client_code if client else link.professional_code)
    about = link.subject_name or (link.professional_code if client else link.client_code)
    before = page_locale()
    lang = ui_locale(link.locale)
    use_page_locale(lang)
    try:
        return {
            "link": link, "lang": lang, "url": f"{base}/r/{link.token}",
            "code": format_code(link.code),
            "label": _("Letter for {who}").format(who=who),
            "title": _("Questionnaire for {who}").format(who=who),
            "about": _("About: {who}").format(who=about)
            + (f" · {link.group}" if link.group else ""),
            "open": _("Open this link on a tablet, phone or computer:"),
            "or_code": _("Or go to {address} and type this code:").format(
                address=f"{base}/code"),
            "note": _("The link works for one questionnaire. Your answers are saved as you "
                      "give them; send them at the end."),
        }
    finally:
        use_page_locale(before)


async def revoke_links(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    ids = await run_in_threadpool(links.round_form_ids, store, info.id)
    chosen = {int(str(x)) for x in form.getlist("form") if str(x).isdigit()}
    if chosen or form.getlist("form"):  # one letter (of this round only), else every one
        ids &= chosen
    count = await run_in_threadpool(links.revoke, store, ids) if ids else 0
    await run_in_threadpool(accounts.audit, store, user, "links-revoked", round_name=info.name,
                            detail=f"{count} links", client=client_key(request))
    return redirect(f"/rounds/{info.id}?done=revoked")


# --- staff ---------------------------------------------------------------------------------


def users_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    user = require_user(request, COORDINATOR)
    store = store_of(request)
    if request.method == "GET":  # every professional's name, of every round
        accounts.audit(store, user, "view-staff", client=client_key(request))
    return page(request, "users.html", status, title=_("Staff and coaches"),
                users=accounts.list_users(store), assigned=accounts.assignments(store),
                professionals=links.known_professionals(store), error=error)


async def create_user(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    role = str(form.get("role", COACH))
    try:
        made = await run_in_threadpool(
            accounts.create_user, store, str(form.get("username", "")),
            str(form.get("name", "")), role, str(form.get("password", "")))
    except RelscaleError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: users_page(request, error=message, status=400))
    await run_in_threadpool(accounts.audit, store, user, "user-made", detail=made.username,
                            client=client_key(request))
    return redirect("/users?done=user-made")


async def disable_user(request: Request) -> Response:
    """Close a staff account (someone who left): no more sign-in, sessions ended."""
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    await posted_form(request)
    store = store_of(request)
    try:
        user_id = int(request.path_params["user_id"])
    except ValueError:
        raise Refused(404, _("Page not found")) from None
    try:
        name = await run_in_threadpool(accounts.disable_user, store, user_id, user)
    except RelscaleError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: users_page(request, error=message, status=400))
    await run_in_threadpool(accounts.audit, store, user, "user-closed", detail=name,
                            client=client_key(request))
    return redirect("/users?done=user-closed")


async def assign(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    try:
        coach_id = int(request.path_params["user_id"])
    except ValueError:
        raise Refused(404, _("Page not found")) from None
    codes = {str(c).strip() for c in form.getlist("professional") if str(c).strip()}
    extra = str(form.get("more", ""))
    codes |= {c.strip() for c in extra.replace(",", "\n").splitlines() if c.strip()}
    try:
        await run_in_threadpool(accounts.set_assignments, store, coach_id, codes)
    except RelscaleError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: users_page(request, error=message, status=400))
    await run_in_threadpool(accounts.audit, store, user, "assigned",
                            detail=f"coach {coach_id}: {', '.join(sorted(codes))}",
                            client=client_key(request))
    return redirect("/users?done=assigned")


AUDIT_PAGE = 500
"""Entries of the audit log per page (older ones: the link at the foot of the page)."""


def audit_page(request: Request) -> Response:
    require_user(request, COORDINATOR)
    before = request.query_params.get("before", "")
    entries = accounts.audit_log(store_of(request), AUDIT_PAGE + 1,
                                 int(before) if before.isdigit() else None)
    older = entries[AUDIT_PAGE - 1].id if len(entries) > AUDIT_PAGE else None
    return page(request, "audit.html", title=_("Audit log"), entries=entries[:AUDIT_PAGE],
                older=older)


def _routes() -> list:
    from starlette.routing import Route

    return [
        Route("/rounds", rounds_page, methods=["GET"]),
        Route("/rounds", create_round, methods=["POST"]),
        Route("/rounds/{round_id}", round_page, methods=["GET"]),
        Route("/rounds/{round_id}/pairs", pairs_page, methods=["GET"]),
        Route("/rounds/{round_id}/links", make_links, methods=["POST"]),
        Route("/rounds/{round_id}/links/revoke", revoke_links, methods=["POST"]),
        Route("/users", users_page, methods=["GET"]),
        Route("/users", create_user, methods=["POST"]),
        Route("/users/{user_id}/assign", assign, methods=["POST"]),
        Route("/users/{user_id}/close", disable_user, methods=["POST"]),
        Route("/audit", audit_page, methods=["GET"]),
    ]


ROUTES = _routes()

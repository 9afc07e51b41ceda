"""A round's files and privacy: the personalized forms as a zip with the cover list,
uploads of filled forms and platform exports (each file's result shown), exports of
answers and scores as ``round export`` writes them, forgetting names, deleting the round.

The work is the rounds library's (``write_round_forms``, ``collect``, ``export_round``,
``forget_names``, ``delete_round``); this module moves files between the browser and a
temporary folder that is removed when the response is done.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.store.web_tables import COORDINATOR
from relscale.web import accounts
from relscale.web.http import (
    Refused,
    client_key,
    page,
    posted_form,
    redirect,
    require_user,
    store_of,
)
from relscale.web.views.coordinator import (
    round_by_id,
    round_id_of,
    save_upload,
    shown,
    upload_name,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

EXPORT_TYPES = {".csv": "text/csv",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".sav": "application/x-spss-sav"}


@dataclass(frozen=True)
class FileResult:
    name: str
    ok: bool
    lines: tuple[str, ...]


def manage_page(request: Request) -> Response:
    require_user(request, COORDINATOR)
    info = round_by_id(store_of(request), round_id_of(request))
    return page(request, "manage.html", title=_("Forms, exports, deleting: {round}").format(
        round=info.name), round=info, error=None)


def _download(path: Path, filename: str, media_type: str, folder: str) -> Response:
    from starlette.background import BackgroundTask
    from starlette.responses import FileResponse

    return FileResponse(path, media_type=media_type, filename=filename,
                        background=BackgroundTask(shutil.rmtree, folder, True))


def _safe_filename(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "round"


async def forms_zip(request: Request) -> Response:
    """Every personalized form of the round and the cover list, as one zip."""
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.forms import write_round_forms

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    pdf = form.get("pdf") == "1"
    folder = tempfile.mkdtemp(prefix="relscale-forms-")

    def build() -> Path:
        out = Path(folder) / "forms"
        write_round_forms(store, info.name, out, pdf=pdf)
        target = Path(folder) / "forms.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(out).as_posix())
        return target

    try:
        target = await run_in_threadpool(build)
    except RelscaleError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return page(request, "manage.html", 400, title=info.name, round=info, error=str(exc))
    await run_in_threadpool(accounts.audit, store, user, "forms-download", round_name=info.name,
                            detail="with PDFs" if pdf else None, client=client_key(request))
    return _download(target, f"{_safe_filename(info.name)}-forms.zip", "application/zip", folder)


async def export(request: Request) -> Response:
    """Answers and scores as ``relscale round export`` writes them."""
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.export import export_round

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    suffix = str(form.get("format", ".csv"))
    if suffix not in EXPORT_TYPES:
        raise Refused(400, _("Refused"), _("Unknown export format."))
    wide = form.get("layout") == "wide"
    names = form.get("names") == "1"
    folder = tempfile.mkdtemp(prefix="relscale-export-")
    target = Path(folder) / f"{_safe_filename(info.name)}{suffix}"
    try:
        await run_in_threadpool(lambda: export_round(store, info.name, target, wide=wide,
                                                     names=names))
    except RelscaleError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return page(request, "manage.html", 400, title=info.name, round=info, error=str(exc))
    await run_in_threadpool(accounts.audit, store, user, "export", round_name=info.name,
                            detail=f"{suffix} {'wide' if wide else 'long'}"
                            f"{', with names' if names else ', codes only'}",
                            client=client_key(request))
    return _download(target, target.name, EXPORT_TYPES[suffix], folder)


def collect_page(request: Request) -> Response:
    require_user(request, COORDINATOR)
    info = round_by_id(store_of(request), round_id_of(request))
    return page(request, "collect.html", title=_("Upload filled forms: {round}").format(
        round=info.name), round=info, results=None)


def _result(found: object, name: str, path: Path) -> FileResult:
    """One file's line for the page: what was stored, or every problem."""
    problems = [shown(str(p), path) for p in getattr(found, "problems", [])]
    if problems:
        return FileResult(name, False, tuple(problems))
    return FileResult(name, True, (_(
        "{new} new, {versions} new version(s), {unchanged} unchanged").format(
        new=getattr(found, "new", 0), versions=getattr(found, "new_versions", 0),
        unchanged=getattr(found, "unchanged", 0)),))


async def collect_upload(request: Request) -> Response:
    """Filled forms, scoring sheets and platform exports, several at once: each file is
    stored in its own transaction and gets its own line of result or error."""
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.collect import collect

    user = require_user(request, COORDINATOR)
    form = await posted_form(request, files=True)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    results: list[FileResult | None] = []
    saved: list[tuple[int, Path, str]] = []
    with tempfile.TemporaryDirectory(prefix="relscale-collect-") as tmp:
        try:
            for index, upload in enumerate(form.getlist("files")):
                if isinstance(upload, str) or not upload.filename:
                    continue
                name = upload_name(upload.filename)
                try:
                    path = await save_upload(upload, Path(tmp), index)
                except RelscaleError as exc:
                    results.append(FileResult(name, False, (str(exc),)))
                    continue
                saved.append((len(results), path, name))
                results.append(None)
            if saved:
                report = await run_in_threadpool(
                    collect, store, info.name, [path for _i, path, _s in saved])
                for (slot, path, name), found in zip(saved, report.files, strict=True):
                    results[slot] = _result(found, name, path)
        except RelscaleError as exc:
            for slot, path, name in saved:
                results[slot] = FileResult(name, False, (shown(str(exc), path),))
        finally:
            await form.close()
    done = [r for r in results if r is not None]
    await run_in_threadpool(accounts.audit, store, user, "collect", round_name=info.name,
                            detail=f"{len(done)} files", client=client_key(request))
    status = 200 if all(r.ok for r in done) else 400
    return page(request, "collect.html", status, title=_("Upload filled forms: {round}").format(
        round=info.name), round=info, results=done)


async def _confirmed(request: Request) -> tuple[Any, Any, Any, Response | None]:
    """The coordinator, the store and the round of a destructive post, and the page to
    show instead when the round's name was not typed to confirm it."""
    from starlette.concurrency import run_in_threadpool

    user = require_user(request, COORDINATOR)
    form = await posted_form(request)
    store = store_of(request)
    info = await run_in_threadpool(round_by_id, store, round_id_of(request))
    if str(form.get("confirm", "")).strip() != info.name:
        return user, store, info, page(request, "manage.html", 400, title=info.name,
                                       round=info,
                                       error=_("Type the name of the round to confirm."))
    return user, store, info, None


async def forget(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.manage import forget_names

    user, store, info, refused = await _confirmed(request)
    if refused is not None:
        return refused
    done = await run_in_threadpool(forget_names, store, info.name)
    await run_in_threadpool(accounts.audit, store, user, "forget-names", round_name=info.name,
                            detail=f"{done.rows} names", client=client_key(request))
    copy = "-copy" if done.vacuum_needed or not done.wal_flushed else ""
    return redirect(f"/rounds/{info.id}?done=names-forgotten{copy}")


async def delete(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from relscale.rounds.manage import delete_round

    user, store, info, refused = await _confirmed(request)
    if refused is not None:
        return refused
    done = await run_in_threadpool(delete_round, store, info.name)
    await run_in_threadpool(accounts.audit, store, user, "round-deleted", round_name=info.name,
                            client=client_key(request))
    copy = "-copy" if done.vacuum_needed or not done.wal_flushed else ""
    return redirect(f"/rounds?done=round-deleted{copy}")


def _routes() -> list:
    from starlette.routing import Route

    return [
        Route("/rounds/{round_id}/manage", manage_page, methods=["GET"]),
        Route("/rounds/{round_id}/forms.zip", forms_zip, methods=["POST"]),
        Route("/rounds/{round_id}/export", export, methods=["POST"]),
        Route("/rounds/{round_id}/collect", collect_page, methods=["GET"]),
        Route("/rounds/{round_id}/collect", collect_upload, methods=["POST"]),
        Route("/rounds/{round_id}/forget-names", forget, methods=["POST"]),
        Route("/rounds/{round_id}/delete", delete, methods=["POST"]),
    ]


ROUTES = _routes()

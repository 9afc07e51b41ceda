"""The respondent's pages: ``/r/TOKEN`` (no account), ``/code`` (a code from a letter).

Each answer is one post of ``item`` and ``value`` to ``/r/TOKEN/answer``, saved at once
in one transaction; ``/r/TOKEN/finish`` sends the questionnaire. A used, revoked or
expired token is refused with 410, an unknown one with 404, in the form's language.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from relscale.i18n import _
from relscale.web import links
from relscale.web.http import Refused, limit_key, page, posted_form, redirect, store_of
from relscale.web.render import page_locales, use_page_locale
from relscale.web.security import normalize_code

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.responses import Response


def ui_locale(locale: str) -> str:
    """The page language for a form's language (``nl_BE`` -> ``nl``; else English)."""
    offered = page_locales()
    for candidate in (locale, locale.split("_")[0]):
        if candidate in offered:
            return candidate
    return "en"


def refusal(state: links.LinkState) -> Refused:
    """Why a link does not open, in its form's language when the link is known."""
    if state.status != links.UNKNOWN:
        use_page_locale(ui_locale(state.locale))
    locale = ui_locale(state.locale) if state.status != links.UNKNOWN else None
    if state.status == links.USED:
        return Refused(410, _("These answers have been sent"), _(
            "This link has been used: the answers were sent. Thank you!"),
            locale=locale, respondent=True)
    if state.status in (links.REVOKED, links.EXPIRED):
        return Refused(410, _("This link no longer works"), _(
            "Ask the person who gave you the link for a new one."),
            locale=locale, respondent=True)
    return Refused(404, _("Link not found"), _(
        "Check the address, or enter the code from your letter at /code."), respondent=True)


def questionnaire(request: Request) -> Response:
    from relscale.web.questionnaire import online_form

    request.scope["relscale.no_user"] = True
    store = store_of(request)
    state = links.resolve(store, request.path_params["token"])
    if state.status != links.OPEN:
        raise refusal(state)
    use_page_locale(ui_locale(state.locale))
    form = online_form(state, links.answers_so_far(store, state.link_id))
    return page(request, "respondent.html", form=form, token=request.path_params["token"],
                page_lang=form.lang, title=form.title)


def _value(text: object) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return None


def _check(item: str, value: int | None) -> Callable[[links.LinkState], None]:
    from relscale.web.questionnaire import valid_values

    def check(state: links.LinkState) -> None:
        items, values = valid_values(state)
        if item not in items or value not in values:
            raise Refused(400, _("Refused"), _("This answer does not belong to this form."),
                          respondent=True)

    return check


async def answer(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse

    form = await posted_form(request)
    token = request.path_params["token"]
    item, value = str(form.get("item", ""))[:200], _value(form.get("value"))
    state = await run_in_threadpool(
        links.save_answer, store_of(request), token, item, value or 0, _check(item, value))
    if state.status != links.OPEN:
        raise refusal(state)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"saved": item})
    return redirect(f"/r/{token}")


def _posted_answers(form: FormData) -> Callable[[links.LinkState], dict[str, int]]:
    from relscale.web.questionnaire import valid_values

    def pick(state: links.LinkState) -> dict[str, int]:
        items, values = valid_values(state)
        found: dict[str, int] = {}
        for key, raw in form.multi_items():
            value = _value(raw)
            if key.startswith("a.") and key[2:] in items and value in values:
                found[key[2:]] = value  # type: ignore[assignment]
        return found

    return pick


async def finish(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await posted_form(request)
    state = await run_in_threadpool(links.finish, store_of(request), request.path_params["token"],
                                    _posted_answers(form))
    if state.status != links.OPEN:
        raise refusal(state)
    use_page_locale(ui_locale(state.locale))
    return page(request, "respondent_end.html", title=_("Thank you!"), user=None, lines=[
        _("Your answers have been sent."), _("You can close this page now.")])


def code_form(request: Request) -> Response:
    return page(request, "code.html", title=_("Enter your code"), error=None, user=None)


async def code(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await posted_form(request)
    # per address, and for the whole site: a code has 40 bits, and many addresses together
    # must not be able to try them faster than a site's children type them
    wait = (request.app.state.code_limit.hit(limit_key(request))
            or request.app.state.site_code_limit.hit("site"))
    if wait:
        await asyncio.sleep(request.app.state.config.slow_down_s)
        return page(request, "code.html", 429, title=_("Enter your code"), user=None,
                    error=_("Too many attempts. Wait {seconds} seconds and try again.")
                    .format(seconds=int(wait) + 1))
    typed = normalize_code(str(form.get("code", "")))
    token = await run_in_threadpool(links.redeem_code, store_of(request), typed)
    if token is None:
        return page(request, "code.html", 404, title=_("Enter your code"), user=None,
                    error=_("This code is not right, or it has been used. Check the letter "
                            "and try again."))
    return redirect(f"/r/{token}")


def _routes() -> list:
    from starlette.routing import Route

    return [
        Route("/r/{token}", questionnaire, methods=["GET"]),
        Route("/r/{token}/answer", answer, methods=["POST"]),
        Route("/r/{token}/finish", finish, methods=["POST"]),
        Route("/code", code_form, methods=["GET"]),
        Route("/code", code, methods=["POST"]),
    ]


ROUTES = _routes()

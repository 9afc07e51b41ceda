"""Signing in and out, and the language switch."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from relscale.i18n import _
from relscale.web.accounts import audit, authenticate, end_session, start_session
from relscale.web.http import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    client_key,
    limit_key,
    page,
    posted_form,
    redirect,
    safe_next,
    store_of,
)
from relscale.web.render import LANG_COOKIE, page_locales
from relscale.web.security import RateLimiter, new_csrf

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response


def login_form(request: Request) -> Response:
    return page(request, "login.html", title=_("Sign in"), error=None, username="",
                next=safe_next(request.query_params.get("next"), "/"), user=None)


async def login(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await posted_form(request)
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))[:1000]
    target = safe_next(str(form.get("next", "")), "/")
    limiter: RateLimiter = request.app.state.login_limit
    # the user name as authenticate() looks it up: "coord " is one more try at "coord"
    wait = (limiter.hit(limit_key(request))
            or limiter.hit("user:" + username.strip().lower()))
    if wait:
        await asyncio.sleep(request.app.state.config.slow_down_s)
        return page(request, "login.html", 429, title=_("Sign in"), username=username,
                    next=target, user=None, error=_(
                        "Too many attempts. Wait {seconds} seconds and try again.").format(
                        seconds=int(wait) + 1))
    store = store_of(request)
    user = await run_in_threadpool(authenticate, store, username, password)
    if user is None:
        return page(request, "login.html", 401, title=_("Sign in"), username=username,
                    next=target, user=None,
                    error=_("The user name or the password is not right."))
    # a session this browser had before (another user's, or a planted one) ends here
    await run_in_threadpool(end_session, store, request.cookies.get(SESSION_COOKIE))
    session_id = await run_in_threadpool(start_session, store, user)
    await run_in_threadpool(audit, store, user, "sign-in", client=client_key(request))
    response = redirect(target if target != "/" else
                        ("/rounds" if user.is_coordinator else "/coach"))
    secure = request.url.scheme == "https" or request.app.state.config.secure_cookies
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="lax",
                        secure=secure, path="/")
    new_csrf_cookie(request, response)
    return response


def new_csrf_cookie(request: Request, response: Response) -> None:
    """A fresh CSRF token from here on: a token known before signing in or out (read or
    set by someone else) does not carry over."""
    secure = request.url.scheme == "https" or request.app.state.config.secure_cookies
    response.set_cookie(CSRF_COOKIE, new_csrf(), httponly=True, samesite="strict",
                        secure=secure, path="/")


async def logout(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    await posted_form(request)
    await run_in_threadpool(end_session, store_of(request), request.cookies.get(SESSION_COOKIE))
    response = redirect("/login?done=signed-out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    new_csrf_cookie(request, response)
    return response


def switch_language(request: Request) -> Response:
    locale = request.path_params["locale"]
    response = redirect(safe_next(request.query_params.get("next"), "/"))
    if locale in page_locales():
        secure = request.url.scheme == "https" or request.app.state.config.secure_cookies
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=secure, path="/")
    return response


def _routes() -> list:
    from starlette.routing import Route

    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]


ROUTES = _routes()

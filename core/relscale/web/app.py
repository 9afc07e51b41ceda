"""The ASGI application of ``relscale serve`` (Starlette).

:func:`create_app` wires the views (one module per kind of page under
``relscale.web.views``) to an open store. :class:`PageMiddleware` gives every request its
language, its CSRF cookie and the security headers:

- ``Content-Security-Policy``: scripts, styles, images, fonts and connections from this
  site only, no inline script or style, no framing, forms post to this site only;
- ``Cache-Control: no-store`` on every page (they may show names), static files cached;
- ``X-Content-Type-Options``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options``,
  ``Permissions-Policy``, ``Cross-Origin-Opener-Policy``; ``Strict-Transport-Security``
  when the request came over HTTPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from relscale.i18n import N_, _
from relscale.web.http import BODY_LIMIT, CSRF_COOKIE, Refused, SignInNeeded, page, redirect
from relscale.web.render import LANG_COOKIE, STATIC, negotiate, use_page_locale
from relscale.web.security import RateLimiter, new_csrf

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from relscale.store.engine import Store

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


@dataclass
class WebConfig:
    """How the page runs (``relscale serve`` options)."""

    secure_cookies: bool = False
    """Mark cookies Secure even when the request does not say HTTPS (behind a proxy that
    does not forward the scheme)."""
    link_days: int = 30
    """How long a respondent link stays valid."""
    login_per_minute: int = 10
    """Sign-in attempts per minute from one address (and for one user name)."""
    codes_per_minute: int = 10
    """Codes typed per minute from one address (an IPv6 address: from its /64)."""
    site_codes_per_minute: int = 300
    """Codes typed per minute on the whole site, from all addresses together (a class
    typing its codes at once stays far below; guessing codes from many addresses does not)."""
    slow_down_s: float = 1.0
    """How long each attempt past a limit waits before it is refused."""
    max_body_mb: int = 200
    """The largest request body (an upload of many filled forms); larger ones get 413."""
    flash: dict[str, str] = field(default_factory=dict)


class PageMiddleware:
    """Language, CSRF cookie and security headers for every request (plain ASGI, so
    answers under load pay for no extra task per request)."""

    def __init__(self, app: Any, config: WebConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        use_page_locale(negotiate(cookies.get(LANG_COOKIE), headers.get("accept-language")))
        csrf = cookies.get(CSRF_COOKIE)
        fresh = not csrf or len(csrf) > 64
        if fresh:
            csrf = new_csrf()
        scope["relscale.csrf"] = csrf
        limit = self.config.max_body_mb * 1024 * 1024
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _too_large(send)
            return
        received = 0

        async def receive_limited() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            # a body sent without Content-Length, or with a false one; a view that takes no
            # files lowers the limit before it reads (relscale.web.http.posted_form)
            if received > scope.get(BODY_LIMIT, limit):
                raise Refused(413, _("Refused"), _("The upload is too large."))
            return message

        https = scope.get("scheme") == "https"
        secure = https or self.config.secure_cookies
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                if fresh and not static:
                    cookie = f"{CSRF_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Strict"
                    extra.append((b"set-cookie", (cookie + ("; Secure" if secure else ""))
                                  .encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive_limited, send_with_headers)


async def _too_large(send: Any) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": b"413: the request is too large\n"})


def _cookies(scope: dict) -> dict[str, str]:
    from http.cookies import SimpleCookie

    found: dict[str, str] = {}
    for key, value in scope["headers"]:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is no cookie
                continue
            found.update({k: m.value for k, m in jar.items()})
    return found


FLASH = {
    "signed-out": N_("You are signed out."),
    "round-deleted": N_("The round was deleted."),
    "names-forgotten": N_("The names of this round were removed."),
    "names-forgotten-copy": N_(
        "The names of this round were removed. A copy is still in the store's files: on "
        "PostgreSQL until VACUUM FULL (ask the database's administrator), on SQLite until "
        "the pages being read at that moment are done (remove the names again later)."),
    "round-deleted-copy": N_(
        "The round was deleted. A copy is still in the store's files: on PostgreSQL until "
        "VACUUM FULL (ask the database's administrator), on SQLite until the pages being "
        "read at that moment are done (restart the page, or remove names of another round)."),
    "assigned": N_("The coach's professionals were saved."),
    "user-made": N_("The account was made."),
    "user-closed": N_("The account was closed: it can no longer sign in."),
    "revoked": N_("The link was revoked."),
}


def create_app(store: Store, config: WebConfig | None = None) -> Starlette:
    """The page on an open store."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from relscale.web.views import auth, coordinator, manage, respondent, results

    config = config or WebConfig()
    routes: list[Any] = [
        Route("/", home),
        Route("/lang/{locale}", auth.switch_language),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        *auth.ROUTES, *respondent.ROUTES, *coordinator.ROUTES, *manage.ROUTES,
        *results.ROUTES,
    ]

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        if exc.locale:
            use_page_locale(exc.locale)
        if exc.respondent:
            return page(request, "respondent_end.html", exc.status, title=exc.title,
                        lines=list(exc.lines), user=None)
        return page(request, "message.html", exc.status, title=exc.title,
                    lines=list(exc.lines), link=None)

    async def sign_in(request: Request, exc: Exception) -> Response:
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/login?next=" + quote(target, safe=""))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        title = _("Page not found") if exc.status_code == 404 else _("Refused")
        return page(request, "message.html", exc.status_code, title=title, lines=[],
                    link=None)

    app = Starlette(routes=routes, exception_handlers={
        Refused: refused, SignInNeeded: sign_in, HTTPException: http_error})
    app.state.store = store
    app.state.config = config
    app.state.flash_messages = {**FLASH, **config.flash}
    app.state.login_limit = RateLimiter(config.login_per_minute)
    app.state.code_limit = RateLimiter(config.codes_per_minute)
    app.state.site_code_limit = RateLimiter(config.site_codes_per_minute)
    app.add_middleware(PageMiddleware, config=config)
    return app


async def home(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from relscale.web.http import current_user

    user = await run_in_threadpool(current_user, request)
    if user is None:
        return redirect("/login")
    return redirect("/rounds" if user.is_coordinator else "/coach")

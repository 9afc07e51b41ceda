"""What every view needs: the signed-in user, the CSRF check, pages and refusals.

CSRF: a random token in a cookie (HttpOnly, SameSite=Strict) that every form and every
script post must repeat (form field ``csrf`` or header ``X-CSRF-Token``); a post whose
token is missing or differs is refused with 403 before anything is read or changed.
Another site can neither read the cookie nor make the browser send it. A post whose
``Origin`` names another site is refused too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from relscale.i18n import _
from relscale.web.accounts import StaffUser, session_user
from relscale.web.render import render
from relscale.web.security import address_key, same

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.responses import Response

    from relscale.store.engine import Store

SESSION_COOKIE = "relscale_session"
CSRF_COOKIE = "relscale_csrf"
MAX_FORM_FIELDS = 2000
MAX_UPLOAD_FILES = 200
MAX_FORM_BYTES = 1024 * 1024
"""The largest body of a post without files (sign-in, a code, an answer, a page of
answers): the request-wide limit (``WebConfig.max_body_mb``) is for uploads only, so that
no one can make the server hold hundreds of megabytes of form fields before it refuses."""
BODY_LIMIT = "relscale.body_limit"
"""The scope key a view sets to lower the body limit :class:`PageMiddleware` enforces."""


class Refused(Exception):
    """A request the page refuses: an HTTP status and a page saying why."""

    def __init__(self, status: int, title: str, *lines: str, locale: str | None = None,
                 respondent: bool = False) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.lines = lines
        self.locale = locale
        """The language the page is shown in (a respondent's form's), else the request's."""
        self.respondent = respondent


class SignInNeeded(Exception):
    """A staff page asked for without a session: go to /login and come back."""


def store_of(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def client_key(request: Request) -> str:
    """The client's address (behind ``--behind-proxy``: the one the proxy names)."""
    return request.client.host if request.client else "?"


def limit_key(request: Request) -> str:
    """The key the client's attempts are limited by (an IPv6 address by its /64)."""
    return address_key(client_key(request))


def csrf_token(request: Request) -> str:
    return str(request.scope.get("relscale.csrf", ""))


def current_user(request: Request) -> StaffUser | None:
    if "relscale.user" not in request.scope:
        request.scope["relscale.user"] = session_user(
            store_of(request), request.cookies.get(SESSION_COOKIE))
    user: StaffUser | None = request.scope["relscale.user"]
    return user


def require_user(request: Request, role: str | None = None) -> StaffUser:
    """The signed-in user (of ``role``, if given); else sign in first, or 404 for a
    user of another role (a coach is not told what coordinators' pages exist)."""
    user = current_user(request)
    if user is None:
        raise SignInNeeded
    if role is not None and user.role != role:
        raise Refused(404, _("Page not found"))
    return user


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise Refused(403, _("Refused"), _("This form was sent from another site."))


async def posted_form(request: Request, *, files: bool = False) -> FormData:
    """The form of a post whose CSRF token matches the cookie's; else 403."""
    check_origin(request)
    if not files:
        request.scope[BODY_LIMIT] = MAX_FORM_BYTES
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_FORM_BYTES:
            raise Refused(413, _("Refused"), _("The form is too large."))
    cookie = request.cookies.get(CSRF_COOKIE)
    header = request.headers.get("x-csrf-token")
    form = await request.form(max_files=MAX_UPLOAD_FILES if files else 0,
                              max_fields=MAX_FORM_FIELDS)
    sent = header or form.get("csrf")
    if not same(cookie, sent if isinstance(sent, str) else None):
        await form.close()
        raise Refused(403, _("Refused"), _(
            "This form has expired or was not sent from this page. Go back, reload the "
            "page and try again."))
    return form


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """A page rendered in the request's language, with what the layout needs."""
    from starlette.responses import HTMLResponse

    # where the language switch comes back to: this page, or home after a post
    here = (request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method == "GET" else "/")
    context.setdefault("user", current_user(request) if "relscale.no_user" not in
                       request.scope else None)
    context.setdefault("flash", request.query_params.get("done") and _flash(request))
    return HTMLResponse(render(template, csrf=csrf_token(request), here=here, **context),
                        status_code=status)


def _flash(request: Request) -> str | None:
    messages = request.app.state.flash_messages
    key = request.query_params.get("done", "")
    return _(messages[key]) if key in messages else None


def redirect(url: str, status: int = 303) -> Response:
    from starlette.responses import RedirectResponse

    return RedirectResponse(url, status_code=status)


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target from the request, only ever a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target

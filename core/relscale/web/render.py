"""Templates and the page's language.

Pages are Jinja2 templates rendered on the server with autoescaping on (a name a
coordinator typed is text, never markup). Their strings go through the same gettext
catalogs as the command line (``relscale.i18n``): each request negotiates its language
(the switch on the page, stored in a cookie, else the browser's ``Accept-Language``,
else English) and sets it for its own context only.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from relscale.i18n import _, available_locales, current_locale, ngettext, pgettext, set_locale

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANG_COOKIE = "relscale_lang"


@functools.lru_cache(maxsize=1)
def page_locales() -> list[str]:
    """The languages the page offers: English and every language with a core catalog
    (looked up once per process: a language added later needs a restart)."""
    return available_locales()


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The page language for a request: the cookie's if offered, else the first offered
    language of ``Accept-Language`` (by q-value; ``nl-BE`` counts as ``nl``), else English."""
    offered = page_locales()
    if cookie and cookie in offered:
        return cookie
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _sep, params = piece.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        wanted.append((-q, index, tag.strip().replace("-", "_")))
    for neg_q, _index, tag in sorted(wanted):
        if neg_q >= 0:
            break
        for candidate in (tag, tag.split("_")[0]):
            if candidate in offered:
                return candidate
            if candidate.lower() in offered:
                return candidate.lower()
    return "en"


def use_page_locale(locale: str) -> None:
    set_locale(locale)


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    """The Jinja2 environment of the page's templates (package data)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=_, pgettext=pgettext, ngettext=ngettext, current_locale=current_locale,
                       page_locales=page_locales, language_name=language_name)
    return env


def language_name(locale: str) -> str:
    """A language's name in itself (``Nederlands``), for the switch."""
    from relscale.i18n import display_name

    return display_name(locale, locale).capitalize()


def render(template: str, **context: Any) -> str:
    """A page as text, in the current request's language."""
    return str(environment().get_template(template).render(**context))

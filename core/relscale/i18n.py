"""Locales and gettext catalogs.

English is the source language. Every package has its own gettext domain (``relscale``
for core, ``relscale_<sector>`` for a sector) with PO files under
``locale/<lang>/LC_MESSAGES/<domain>.po``. PO files are read directly at run time (with
babel, cached): no compile step, nothing binary in the repository, and a translator's
edited PO file takes effect at once. Fuzzy and empty entries are not used.

Negotiation falls back region -> language -> English (``nl_BE`` -> ``nl`` -> ``en``),
and a :class:`Translator` records a note for everything that fell back.

Each translated item carries its own provenance relative to the English wording, in the
translator comments of its PO entry (see :func:`parse_locale_change`)::

    # change: terms_substituted
    # rationale: Kinderen van 9 zeggen 'juf' of 'meester', niet 'leerkracht'.
    msgctxt "rqc02"

Content strings use message contexts built by the ``ctx_*`` functions below, the same
for extraction (``relscale i18n extract``) and look-up (:func:`relscale.adapt`). Item
wording uses the item id as context, so a reworded English source keeps its
translation, marked fuzzy for review, instead of losing it.
"""

from __future__ import annotations

import functools
import os
import threading
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import LocaleError
from relscale.format_fields import forms_problem, placeholder_problem

__all__ = ["forms_problem", "placeholder_problem"]  # checked here, defined there

if TYPE_CHECKING:
    from relscale.model.models import Instrument, Sector

SOURCE_LOCALE = "en"
CORE_DOMAIN = "relscale"
CORE_LOCALE_DIR = Path(__file__).parent / "locale"
ENV_LOCALE_PATH = "RELSCALE_LOCALE_PATH"
"""Extra folders (``os.pathsep``-separated) holding ``<lang>/LC_MESSAGES/<domain>.po``
for any domain: a language or a local wording can be added without touching the
installed packages. Their entries win over the shipped catalogs'."""


# --- message contexts ------------------------------------------------------------------


def ctx_item(item_id: str) -> str:
    return item_id


def ctx_field(owner: str, name: str) -> str:
    """Context for a named field of an owner, e.g. ``closeness|label``."""
    return f"{owner}|{name}"


# --- locales ---------------------------------------------------------------------------


def normalize_locale(value: str) -> str:
    """``nl-be`` / ``nl_BE`` -> ``nl_BE``; a clear error if babel does not know it."""
    from babel import Locale, UnknownLocaleError

    text = value.strip().replace("-", "_")
    try:
        return str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError):
        raise LocaleError(
            _("unknown locale {locale!r} (available: {available})").format(
                locale=value, available=describe_locales(available_locales())
            )
        ) from None


def locale_path() -> list[Path]:
    """The extra catalog folders named by ``$RELSCALE_LOCALE_PATH``, in order."""
    value = os.environ.get(ENV_LOCALE_PATH, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _languages_in(root: Path, domain: str) -> set[str]:
    if not root.is_dir():
        return set()
    return {p.name for p in root.iterdir() if (p / "LC_MESSAGES" / f"{domain}.po").is_file()}


def catalog_languages(locale_dir: Path | str | None, domain: str) -> list[str]:
    """Locales that have a PO file for ``domain`` under ``locale_dir`` or the locale path."""
    found: set[str] = set()
    for root in [*locale_path(), *([Path(locale_dir)] if locale_dir else [])]:
        found |= _languages_in(root, domain)
    return sorted(found)


def available_locales() -> list[str]:
    """English plus every locale with a core catalog."""
    return [SOURCE_LOCALE, *(x for x in catalog_languages(CORE_LOCALE_DIR, CORE_DOMAIN)
                              if x != SOURCE_LOCALE)]


def describe_locales(locales: list[str]) -> str:
    """``en (English), nl (Nederlands)``: codes with their native names."""
    return ", ".join(f"{code} ({display_name(code, code)})" for code in locales)


def fallback_chain(locale: str) -> list[str]:
    """``nl_BE`` -> ``['nl_BE', 'nl']``; English is implied at the end."""
    chain = [locale]
    if "_" in locale:
        chain.append(locale.split("_", 1)[0])
    return [c for c in chain if c != SOURCE_LOCALE]


def resolve_locale(value: str) -> tuple[str, list[str]]:
    """Validate a requested locale and pick the core catalog that serves it.

    Returns the locale used and notes on what fell back. A locale babel knows but for
    which no catalog exists at any level is an error listing what is available.
    """
    locale = SOURCE_LOCALE if value.strip() == SOURCE_LOCALE else normalize_locale(value)
    if locale == SOURCE_LOCALE or locale.split("_")[0] == SOURCE_LOCALE:
        return SOURCE_LOCALE, []
    have = set(catalog_languages(CORE_LOCALE_DIR, CORE_DOMAIN))
    for candidate in fallback_chain(locale):
        if candidate in have:
            notes = [] if candidate == locale else [
                _("{locale}: no catalog, using {fallback}").format(
                    locale=locale, fallback=candidate
                )
            ]
            return candidate, notes
    raise LocaleError(
        _("no catalog for locale {locale!r} (available: {available}); see "
          "docs/translating.md to add one").format(
            locale=value, available=describe_locales(available_locales())
        )
    )


def display_name(locale: str, in_locale: str = SOURCE_LOCALE) -> str:
    """The locale's name in another locale, e.g. ``nl`` -> ``Nederlands`` / ``Dutch``."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale).get_display_name(Locale.parse(in_locale)) or locale
    except (UnknownLocaleError, ValueError, TypeError):
        return locale


# --- catalogs --------------------------------------------------------------------------


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now."""
    return msgid


_catalog_warnings: list[tuple[str, str, str, str]] = []
class _Reading(threading.local):
    depth = 0


_reading = _Reading()
"""Depth of catalog reading in this thread: while a catalog is read, UI strings are not
looked up (a broken core catalog must not be read again to word its own error)."""

_PROBLEMS = {
    "braces": N_("unbalanced braces"),
    "name": N_("field {{{field}}} is not a plain name"),
    "unknown": N_("field {{{field}}} is not in the English text"),
    "nested": N_("field {{{field}}} has a nested format"),
    "conversion": N_("field {{{field}}} has a conversion the English text does not use"),
    "spec": N_("field {{{field}}} has a format the English text does not use"),
}
"""The problems of :data:`relscale.format_fields.PROBLEMS`, marked for translation."""


def take_catalog_warnings() -> list[str]:
    """Warnings about catalog entries left unused since the last call (each once)."""
    found = [
        _("{path}: entry {msgid!r} not used ({problem}); shown in English").format(
            path=path, msgid=msgid, problem=_(_PROBLEMS[code]).format(field=name)
        )
        for path, msgid, code, name in _catalog_warnings
    ]
    _catalog_warnings.clear()
    return found


def read_content(path: str | Path) -> bytes:
    """A content file's bytes (TOML, PO); ContentError past ``RELSCALE_MAX_CONTENT_MB``."""
    from relscale.errors import ContentError
    from relscale.limits import BadLimit, TooLarge, read_limited

    try:
        return read_limited(path)
    except BadLimit as exc:
        raise ContentError(_("{env}={value!r} is not a limit: set a positive number or leave "
                             "it unset").format(env=exc.env, value=exc.value)) from None
    except TooLarge as exc:
        raise ContentError(_("{path}: larger than {limit} MB, the limit for content files (set "
                             "{env} to raise it)").format(path=path, limit=exc.limit_mb,
                                                          env=exc.env)) from None


@functools.lru_cache(maxsize=64)
def _read_catalog(path: str, mtime: float) -> dict[tuple[str | None, str], str]:
    import io

    from babel.messages.pofile import read_po

    _reading.depth += 1
    try:
        catalog = read_po(io.BytesIO(read_content(path)))
        catalog.num_plurals  # noqa: B018 (babel parses Plural-Forms only when asked)
    except (ValueError, UnicodeDecodeError, SyntaxError, LookupError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        # worded in English: this catalog may be the one that would translate it
        raise LocaleError(
            _("{path}: not a readable PO file ({reason})").format(path=path, reason=reason)
        ) from None
    finally:
        _reading.depth -= 1
    table: dict[tuple[str | None, str], str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        msgid = ids[0]
        string = message.string
        forms = [string] if isinstance(string, str) else list(string or ())
        problem = forms_problem(ids, forms)  # every form: msgstr[1] is read too
        if problem is not None:
            _catalog_warnings.append((path, msgid[:60], *problem))
            continue
        msgstr = forms[0] if forms else ""
        if msgstr:
            table[(message.context, msgid)] = msgstr
        if not isinstance(string, str):  # plural forms: msgstr[1], ... under their index
            for k, form in enumerate(string or ()):
                if form:
                    table[(message.context, f"{msgid}{PLURAL_SEP}{k}")] = form
    return table


LOCALE_CHANGES = ("kept", "terms_substituted", "reworded")
"""How a locale's wording relates to the English wording (see ``LocaleChange``)."""
_CHANGE_TAG = "change:"
_RATIONALE_TAG = "rationale:"


def parse_locale_change(comments: list[str]) -> tuple[str, str | None] | None:
    """``(change, rationale)`` from an entry's translator comments, None without a
    ``change:`` line.

    ``change: <kept|terms_substituted|reworded>`` on one comment line; ``rationale:`` starts
    the rationale, which runs to the end of the comments (PO editors wrap long comments
    over several lines). An unknown change type is returned as written, for
    :func:`relscale.i18n_tools.check_catalog` or a test to report.
    """
    change: str | None = None
    rationale: list[str] | None = None
    for line in comments:
        text = line.strip()
        if rationale is not None:
            rationale.append(text)
        elif text.startswith(_CHANGE_TAG):
            change = text[len(_CHANGE_TAG):].strip()
        elif text.startswith(_RATIONALE_TAG):
            rationale = [text[len(_RATIONALE_TAG):].strip()]
    if change is None:
        return None
    joined = " ".join(x for x in rationale or () if x)
    return change, joined or None


@functools.lru_cache(maxsize=64)
def _read_changes(path: str, mtime: float) -> dict[tuple[str | None, str], tuple[str, str | None]]:
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        catalog = read_po(fh)
    table: dict[tuple[str | None, str], tuple[str, str | None]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        found = parse_locale_change(list(message.user_comments))
        if found is not None:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            table[(message.context, msgid)] = found
    return table


def locale_change(locale_dir: Path | str | None, domain: str, locale: str, context: str,
                  msgid: str) -> tuple[str, str | None] | None:
    """The provenance of the translation of one entry that the runtime would show: the
    entry of the first catalog in the fallback chain that translates it; None in the
    source language, when no catalog translates it, or when it records no change."""
    for loc in fallback_chain(locale):
        for path in catalog_files(locale_dir, domain, loc):
            if (context, msgid) in _read_catalog(str(path), path.stat().st_mtime):
                return _read_changes(str(path), path.stat().st_mtime).get((context, msgid))
    return None


def catalog_files(locale_dir: Path | str | None, domain: str, locale: str) -> list[Path]:
    """The PO files serving ``domain`` in ``locale``: locale path first, then the shipped."""
    roots = [*locale_path(), *([Path(locale_dir)] if locale_dir else [])]
    paths = (root / locale / "LC_MESSAGES" / f"{domain}.po" for root in roots)
    return [p for p in paths if p.is_file()]


@functools.lru_cache(maxsize=64)
def _merged(files: tuple[tuple[str, float], ...]) -> dict[tuple[str | None, str], str]:
    table: dict[tuple[str | None, str], str] = {}
    for path, mtime in reversed(files):
        table.update(_read_catalog(path, mtime))
    return table


def load_catalog(locale_dir: Path | str | None, domain: str, locale: str) -> dict | None:
    """Translations for one domain and locale as ``{(context, msgid): msgstr}``.

    None if no PO file exists. Files on ``$RELSCALE_LOCALE_PATH`` win over the shipped one.
    """
    files = catalog_files(locale_dir, domain, locale)
    if not files:
        return None
    if len(files) == 1:
        return _read_catalog(str(files[0]), files[0].stat().st_mtime)
    return _merged(tuple((str(p), p.stat().st_mtime) for p in files))


class Translator:
    """Looks up translations in one locale, falling back and noting what fell back."""

    def __init__(self, locale: str = SOURCE_LOCALE) -> None:
        self.locale = locale
        self.chain = fallback_chain(locale)
        self._missing: dict[str, int] = {}
        self._no_catalog: set[str] = set()

    def lookup(
        self,
        msgid: str,
        *,
        context: str | None = None,
        domain: str = CORE_DOMAIN,
        locale_dir: Path | str | None = CORE_LOCALE_DIR,
    ) -> str:
        if not self.chain or _reading.depth:
            return msgid
        found_catalog = False
        for loc in self.chain:
            table = load_catalog(locale_dir, domain, loc)
            if table is None:
                continue
            found_catalog = True
            text = table.get((context, msgid))
            if text is not None:
                return text
        if found_catalog:
            self._missing[domain] = self._missing.get(domain, 0) + 1
        else:
            self._no_catalog.add(domain)
        return msgid

    def instrument_text(self, instrument: Instrument, context: str, source: str) -> str:
        """A string of an instrument's content, from the instrument's own catalog."""
        return self.lookup(source, context=context, domain=instrument.domain,
                           locale_dir=instrument.locale_dir or CORE_LOCALE_DIR)

    def sector_text(self, sector: Sector, context: str, source: str) -> str:
        """A string of a sector's content, from the sector's own catalog."""
        return self.lookup(source, context=context, domain=sector.domain,
                           locale_dir=sector.locale_dir)

    def sector_change(self, sector: Sector, context: str,
                      source: str) -> tuple[str, str | None] | None:
        """How this locale's wording of a sector string differs from the English: see
        :func:`locale_change`."""
        return locale_change(sector.locale_dir, sector.domain, self.locale, context, source)

    @property
    def notes(self) -> list[str]:
        lang = self.locale
        notes = [
            _("{domain}: no {locale} catalog, shown in English").format(domain=d, locale=lang)
            for d in sorted(self._no_catalog)
        ]
        notes += [
            _("{domain}: {n} string(s) not translated into {locale}, shown in English").format(
                domain=d, n=n, locale=lang
            )
            for d, n in sorted(self._missing.items())
        ]
        return notes


# --- UI strings ------------------------------------------------------------------------

# one context per request in relscale.web: concurrent requests never mix their locales
_current: ContextVar[Translator] = ContextVar("ui_locale", default=Translator())  # noqa: B039


def set_locale(locale: str) -> Translator:
    """Make ``locale`` (already resolved) the locale of UI strings; returns its translator."""
    _current.set(translator := Translator(locale))
    return translator


def current_locale() -> str:
    return _current.get().locale


def _(msgid: str) -> str:
    """Translate a core UI string into the current locale."""
    return _current.get().lookup(msgid)


PLURAL_SEP = "\x00"
"""Separates a plural message's singular id from the index of its form in a catalog table."""


def plural_index(n: int) -> int:
    """The plural form for ``n``: 0 for one, 1 for other (English, Dutch and the other
    two-form languages relscale ships; a language with more forms needs its rule here)."""
    return 0 if n == 1 else 1


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose wording depends on a count (``1 form``, ``2 forms``).

    The PO entry has ``msgid_plural`` and ``msgstr[0]``/``msgstr[1]``; without a
    translation the English singular or plural is shown.
    """
    index = plural_index(n)
    if (chain := _current.get().chain):
        for loc in chain:
            table = load_catalog(CORE_LOCALE_DIR, CORE_DOMAIN, loc)
            if table is None:
                continue
            text = table.get((None, f"{singular}{PLURAL_SEP}{index}"))
            if text is not None:
                return text
    return singular if index == 0 else plural


def pgettext(context: str, msgid: str) -> str:
    """Translate a core UI string that has a message context into the current locale.

    For a string whose translation depends on where it is shown, e.g. a form label that
    addresses a child or client (Dutch *je*) rather than a professional (Dutch *u*). The
    context must be a literal for extraction (babel keyword spec ``pgettext:1c,2``).
    Without a translation in this context the English ``msgid`` is shown.
    """
    return _current.get().lookup(msgid, context=context)

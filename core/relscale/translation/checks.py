"""How far each catalog is, and what is wrong in it.

:func:`status` counts translated / fuzzy / missing entries against the current templates;
:func:`check` finds what a compiler would: syntax errors, ``{placeholders}`` that differ
from the source, and fuzzy or stale entries. relscale reads PO files directly, so there is
no compile step to catch them.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from relscale.errors import RelscaleError
from relscale.i18n import (
    LOCALE_CHANGES,
    SOURCE_LOCALE,
    _,
    catalog_files,
    catalog_languages,
    locale_path,
    parse_locale_change,
    placeholder_problem,
)
from relscale.translation.catalogs import (
    CatalogSyntaxError,
    at_line,
    catalog_locales,
    duplicate_entries,
    existing_catalogs,
    message_id,
    message_text,
    read_catalog,
)
from relscale.translation.domains import Domain, domains, select_domains, target_locale
from relscale.translation.help_texts import HelpText
from relscale.translation.templates import template

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.registry import Registry


@dataclass
class CatalogStatus:
    """How far one domain is translated in one locale."""

    domain: Domain
    locale: str
    path: Path | None
    total: int
    translated: int = 0
    fuzzy: int = 0
    stale: int = 0
    """Entries in the PO file that the template no longer has."""

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def complete(self) -> bool:
        return self.path is not None and self.translated == self.total


def catalog_status(domain: Domain, locale: str, path: Path | None, tmpl: Catalog) -> CatalogStatus:
    """Count translated / fuzzy / missing entries of a PO file against the template."""
    keys = [(m.context, message_id(m)) for m in tmpl if m.id]
    status = CatalogStatus(domain, locale, path, total=len(keys))
    if path is None:
        return status
    catalog = read_catalog(path, locale)
    entries = {(m.context, message_id(m)): m for m in catalog if m.id}
    for key in keys:
        message = entries.pop(key, None)
        if message is None or not message_text(message):
            continue
        if message.fuzzy:
            status.fuzzy += 1
        else:
            status.translated += 1
    status.stale = len(entries)
    return status


def shipped_locales(all_domains: Iterable[Domain]) -> list[str]:
    """Every locale for which some package (or ``$RELSCALE_LOCALE_PATH``) has a catalog."""
    found: set[str] = set()
    for domain in all_domains:
        found |= set(catalog_languages(domain.locale_dir, domain.name))
    return sorted(found - {SOURCE_LOCALE})


def status(registry: Registry | None = None, *, locales: Iterable[str] = (),
           names: Iterable[str] = (), root: Path | None = None,
           help_messages: Iterable[HelpText] = ()) -> list[CatalogStatus]:
    """Status of every domain in every shipped locale (or the given ones).

    A domain without a PO file in a locale that other packages ship shows as
    incomplete with ``path`` None. Without ``root``, a file on ``$RELSCALE_LOCALE_PATH``
    is counted instead of the shipped one (it is what the runtime reads first).
    ``help_messages``: the ``--help`` texts for the ``relscale`` template (see
    :func:`relscale.translation.templates.template`).
    """
    all_domains = domains(registry)
    chosen = select_domains(all_domains, names)
    wanted = [target_locale(x) for x in locales]
    if root is not None:
        langs = wanted or sorted({x for d in chosen for x in catalog_locales(root, d.name)})
    else:
        langs = wanted or shipped_locales(all_domains)
    help_messages = tuple(help_messages)
    rows = []
    for domain in chosen:
        tmpl = template(domain, registry, help_messages=help_messages)
        for lang in langs:
            if root is not None:
                path: Path | None = domain.po_path(lang, root)
                path = path if path.is_file() else None  # type: ignore[union-attr]
            else:
                # the file the runtime reads first: the locale path's, else the shipped
                files = catalog_files(domain.locale_dir, domain.name, lang)
                path = files[0] if files else None
            rows.append(catalog_status(domain, lang, path, tmpl))
    return rows


@dataclass(frozen=True)
class Problem:
    """One finding of :func:`check_catalog`, printed as ``<file>, line <n>: <severity>: ...``."""

    path: Path
    line: int | None
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        where = at_line(self.path, self.line) if self.line else str(self.path)
        return f"{where}: {self.severity}: {self.message}"


def placeholders(text: str) -> set[str]:
    """``{name}`` fields of a ``str.format`` string; ValueError if braces are malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_catalog(path: Path, tmpl: Catalog | None = None) -> list[Problem]:
    """Problems in one PO file: syntax, entries defined twice, placeholders, fuzzy and
    stale entries.

    Placeholders must be the same set in msgid and msgstr: a missing one loses
    information, an extra one fails at run time.
    """
    try:
        catalog = read_catalog(path)
    except CatalogSyntaxError as exc:
        return [Problem(path, exc.line, "error", exc.detail if exc.line else str(exc))]
    except RelscaleError as exc:
        return [Problem(path, None, "error", str(exc))]
    problems: list[Problem] = [
        Problem(path, line, "error", _("{entry}: defined twice in this file").format(
            entry=f"[{context}] {msgid!r}" if context else repr(msgid)))
        for line, context, msgid in duplicate_entries(path)
    ]
    keys = {(m.context, message_id(m)) for m in tmpl if m.id} if tmpl is not None else None
    for message in catalog:
        if not message.id:
            continue
        msgid, msgstr = message_id(message), message_text(message)
        label = f"[{message.context}] " if message.context else ""
        line = getattr(message, "lineno", None)
        if msgstr:
            try:
                source_fields = placeholders(msgid)
            except ValueError:
                source_fields = set()
            try:
                target_fields = placeholders(msgstr)
            except ValueError as exc:
                problems.append(Problem(path, line, "error", _(
                    "{entry}: malformed braces in msgstr ({error})"
                ).format(entry=f"{label}{msgid!r}", error=exc)))
                target_fields = source_fields
            problems += _unsafe_forms(message, path, line, f"{label}{msgid!r}")
            if source_fields != target_fields:
                lost = ", ".join(f"{{{n}}}" for n in sorted(source_fields - target_fields))
                extra = ", ".join(f"{{{n}}}" for n in sorted(target_fields - source_fields))
                detail = "; ".join(x for x in (
                    lost and _("missing {placeholders}").format(placeholders=lost),
                    extra and _("unknown {placeholders}").format(placeholders=extra),
                ) if x)
                problems.append(Problem(path, line, "error", _(
                    "{entry}: placeholders differ ({detail})"
                ).format(entry=f"{label}{msgid!r}", detail=detail)))
        change = parse_locale_change(list(message.user_comments))
        if change and (change[0] not in LOCALE_CHANGES or (change[0] != "kept" and not change[1])):
            problems.append(Problem(path, line, "error", _(
                "{entry}: 'change: {change}' must be kept, terms_substituted or reworded, "
                "and a change other than kept needs a 'rationale:'"
            ).format(entry=f"{label}{msgid!r}", change=change[0])))
        if message.fuzzy:
            problems.append(Problem(path, line, "warning", _(
                "{entry}: fuzzy (needs review; not used)"
            ).format(entry=f"{label}{msgid!r}")))
        if keys is not None and (message.context, msgid) not in keys:
            problems.append(Problem(path, line, "warning", _(
                "{entry}: not in the template (run `relscale i18n update`)"
            ).format(entry=f"{label}{msgid!r}")))
    return problems


def _unsafe_forms(message: Any, path: Path, line: int | None, entry: str) -> list[Problem]:
    """Every form of an entry (``msgstr``, each ``msgstr[k]`` of a plural one) checked
    as the runtime checks it (:func:`relscale.format_fields.placeholder_problem`): a field
    that is not a bare name of the English text, or has a conversion or format of the
    translator's own; an unknown field in a form after the first (the first is compared
    with the English text below)."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    string = message.string
    forms = [string] if isinstance(string, str) else list(string or ())
    found = []
    for k, form in enumerate(forms):
        unsafe = placeholder_problem(ids, form) if form else None
        if unsafe is None or unsafe[0] == "braces" or (unsafe[0] == "unknown" and k == 0):
            continue
        form_entry = entry if isinstance(string, str) else f"{entry} msgstr[{k}]"
        found.append(Problem(path, line, "error", _(
            "{entry}: unsafe placeholder {field} (only the English text's plain "
            "{{name}} fields; not used at run time)"
        ).format(entry=form_entry, field="{" + unsafe[1] + "}")))
    return found


def check(registry: Registry | None = None, *, locales: Iterable[str] = (),
          names: Iterable[str] = (), root: Path | None = None,
          help_messages: Iterable[HelpText] = ()) -> list[Problem]:
    """Check every PO file of the chosen domains and locales (see :func:`check_catalog`).

    ``root`` and ``help_messages`` as for
    :func:`relscale.translation.catalogs.existing_catalogs`.
    """
    roots: list[Path | None] = [root]
    if root is None:
        # the catalogs on $RELSCALE_LOCALE_PATH are read at run time too: check them always
        roots += [folder for folder in locale_path() if folder.is_dir()]
    return [problem
            for where in roots
            for found in existing_catalogs(registry, names=names, locales=locales, root=where,
                                           help_messages=help_messages)
            for problem in check_catalog(found.path, found.template)]

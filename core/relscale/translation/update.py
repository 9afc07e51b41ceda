"""Keeping catalogs in step with the sources: write templates, start a locale, merge.

:func:`extract` writes ``.pot`` files, :func:`init_locale` creates the PO files of a new
locale, :func:`update_locales` merges the current templates into existing PO files
(:func:`merge` for one catalog), keeping what translators wrote.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.translation.catalogs import (
    existing_catalogs,
    message_id,
    message_text,
    po_bytes,
    read_catalog,
    write_catalog,
)
from relscale.translation.domains import Domain, domains, select_domains, target_locale
from relscale.translation.help_texts import HelpText
from relscale.translation.templates import brace_format_only, new_catalog, template

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.registry import Registry


def extract(out_dir: Path, registry: Registry | None = None, *, names: Iterable[str] = (),
            overwrite: bool = False,
            help_messages: Iterable[HelpText] = ()) -> list[tuple[Domain, Path, int]]:
    """Write ``<domain>.pot`` for each domain into ``out_dir``; returns (domain, path, n).

    An existing ``.pot`` file is an error unless ``overwrite``.
    :param help_messages: the ``--help`` texts for the ``relscale`` template (see
        :func:`relscale.translation.templates.template`).
    """
    help_messages = tuple(help_messages)
    written = []
    for domain in select_domains(domains(registry), names):
        catalog = template(domain, registry, help_messages=help_messages)
        path = Path(out_dir) / f"{domain.name}.pot"
        write_catalog(catalog, path, overwrite=overwrite, template_file=True)
        written.append((domain, path, len(catalog)))
    return written


@dataclass
class InitResult:
    """One domain's PO file for a new locale: created, or kept because it existed."""

    domain: Domain
    path: Path
    created: bool
    messages: int


class NothingCreatedError(RelscaleError):
    """:func:`init_locale` with ``require_new``: every catalog existed already.

    ``results`` says which files were kept, for a front end to list before the error.
    """

    def __init__(self, message: str, results: list[InitResult]) -> None:
        super().__init__(message)
        self.results = results


def init_locale(locale: str, registry: Registry | None = None, *, names: Iterable[str] = (),
                root: Path | None = None, require_new: bool = False,
                help_messages: Iterable[HelpText] = ()) -> list[InitResult]:
    """Create empty PO files for a new locale, one per domain; existing files are kept.

    :param root: write every domain into this one folder (for ``$RELSCALE_LOCALE_PATH``)
        instead of each package's ``locale`` folder.
    :param require_new: raise :class:`NothingCreatedError` when every file existed.
    :param help_messages: the ``--help`` texts for the ``relscale`` template (see
        :func:`relscale.translation.templates.template`).
    :raises LocaleError: ``locale`` is English (the source) or not a locale.
    """
    requested, locale = locale, target_locale(locale)
    help_messages = tuple(help_messages)
    results = []
    for domain in select_domains(domains(registry), names):
        path = domain.po_path(locale, root)
        tmpl = template(domain, registry, help_messages=help_messages)
        if path.exists():
            results.append(InitResult(domain, path, False, len(tmpl)))
            continue
        catalog = new_catalog(domain.name, locale)
        for message in tmpl:
            if message.id:
                catalog.add(message.id, context=message.context, locations=message.locations,
                            auto_comments=message.auto_comments)
        write_catalog(catalog, path)
        results.append(InitResult(domain, path, True, len(tmpl)))
    if require_new and not any(r.created for r in results):
        raise NothingCreatedError(
            _("every catalog for {locale!r} exists already; nothing created").format(
                locale=requested
            ),
            results,
        )
    return results


@dataclass
class MergeResult:
    """What :func:`merge` did to a catalog."""

    added: int = 0
    fuzzy: int = 0
    """Entries newly marked fuzzy because their source changed."""
    obsolete: int = 0
    revived: int = 0
    """Obsolete entries whose exact source came back, restored as they were."""


@dataclass
class UpdateResult:
    """One PO file after :func:`update_locales`."""

    domain: Domain
    path: Path
    merge: MergeResult


def merge(catalog: Catalog, tmpl: Catalog, *, contexts_name_objects: bool = True) -> MergeResult:
    """Merge a template into a catalog, in place.

    A source string that changed under the same message context keeps its old
    translation, marked fuzzy, with the old source as ``#| msgid``. Without a context
    (UI strings) a close match (difflib) does the same. Entries gone from the template
    are kept as obsolete (``#~``).

    ``contexts_name_objects``: a context names one object (an item, a field), as in the
    content domains. In the UI domain a context names a kind of text (``help``,
    ``client form``) shared by many strings: pass False there, and a changed string is
    matched by similarity within its context, as without one.
    """
    before = {(m.context, message_id(m)) for m in catalog if m.id}
    # keep the file's POT-Creation-Date: an update that changes nothing changes no byte
    catalog.update(tmpl, no_fuzzy_matching=True, update_creation_date=False)
    result = MergeResult()
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message_id(message))
        if key in before:
            continue
        old_key = _previous_translation(catalog, message, contexts_name_objects)
        if old_key is None:
            result.added += 1
            continue
        old = catalog.obsolete.pop(old_key)
        message.string = old.string
        message.user_comments = list(old.user_comments)
        if message_id(old) == message_id(message) and not old.fuzzy:
            result.revived += 1  # the same source came back: its translation still holds
            continue
        message.flags.add("fuzzy")
        message.previous_id = [message_id(old)]
        result.fuzzy += 1
    result.obsolete = len(catalog.obsolete)
    brace_format_only(catalog)  # babel re-derives the flag for each merged entry
    return result


def _previous_translation(catalog: Catalog, message: Any,
                          contexts_name_objects: bool = True) -> Any:
    """Key of the obsolete entry whose translation a new entry should inherit, if any."""
    # babel keys a message by its id, or (id, context) when it has a context
    msgid = message_id(message)
    key = (msgid, message.context) if message.context is not None else msgid
    exact = catalog.obsolete.get(key)
    if exact is not None and message_text(exact):
        return key
    candidates = {
        key: old for key, old in catalog.obsolete.items()
        if old.context == message.context and message_text(old)
    }
    if not candidates:
        return None
    ids = {message_id(old): key for key, old in candidates.items()}
    cutoff = 0.0 if message.context is not None and contexts_name_objects else 0.6
    best = difflib.get_close_matches(msgid, list(ids), n=1, cutoff=cutoff)
    return ids[best[0]] if best else None


def update_locales(registry: Registry | None = None, *, names: Iterable[str] = (),
                   locales: Iterable[str] = (), root: Path | None = None,
                   help_messages: Iterable[HelpText] = ()) -> list[UpdateResult]:
    """Merge the current templates into every existing PO file (or those of ``locales``).

    A file is rewritten only when the merge changed it. ``root`` and ``help_messages`` as
    for :func:`relscale.translation.catalogs.existing_catalogs`.
    """
    results = []
    for found in existing_catalogs(registry, names=names, locales=locales, root=root,
                                   help_messages=help_messages):
        catalog = read_catalog(found.path, found.locale)
        outcome = merge(catalog, found.template,
                        contexts_name_objects=found.domain.kind != "ui")
        if po_bytes(catalog) != found.path.read_bytes():
            write_catalog(catalog, found.path, overwrite=True)
        results.append(UpdateResult(found.domain, found.path, outcome))
    return results

"""A sector's translations checked entry by entry: untranslated, fuzzy, placeholders.

The template is built from the sector itself (its messages, as ``relscale i18n extract``
lists them), so a reworded English source shows up as an untranslated entry here as it
would at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relscale.errors import RelscaleError
from relscale.format_fields import forms_problem
from relscale.i18n import _, catalog_languages
from relscale.model.models import Sector
from relscale.plugin_kit.contract import placeholders
from relscale.plugin_kit.po import read_po, sector_entries
from relscale.plugin_kit.problem import Problem
from relscale.registry import Registry


def catalog_path(sector: Sector, locale: str) -> Path:
    return Path(sector.locale_dir or ".") / locale / "LC_MESSAGES" / f"{sector.domain}.po"


def check_catalogs(sector: Sector, registry: Registry | None = None) -> list[Problem]:
    """Every PO file the sector ships, against the messages of its current wording."""
    if not sector.locale_dir:
        return []
    template = sector_entries(sector)
    found: list[Problem] = []
    for locale in catalog_languages(sector.locale_dir, sector.domain):
        path = catalog_path(sector, locale)
        if path.is_file():
            found += check_catalog(path, template)
    return found


def check_catalog(path: Path, template: list[tuple[str, str]]) -> list[Problem]:
    """One PO file: each (context, source) translated, not fuzzy, with the same
    placeholders."""
    file = str(path)
    try:
        catalog = read_po(path)
    except RelscaleError as exc:
        return [Problem(file, "-", str(exc))]
    found: list[Problem] = []
    for context, msgid in template:
        entry = context
        existing = catalog.get(msgid, context=context)
        target = _text(existing.string) if existing is not None else ""
        if existing is None or not target:
            found.append(Problem(file, entry, _("untranslated: {source!r}").format(
                source=_short(msgid))))
            continue
        if existing.fuzzy:
            found.append(Problem(file, entry, _("fuzzy (not used until reviewed): {target!r}"
                                                ).format(target=_short(target))))
        try:
            source_names, target_names = placeholders(msgid), placeholders(target)
        except ValueError as exc:
            found.append(Problem(file, entry, _("unbalanced braces: {error}").format(
                error=exc)))
            continue
        unsafe = forms_problem(_ids(existing.id), _forms(existing.string))
        if unsafe is not None and unsafe[0] not in ("braces", "unknown"):
            found.append(Problem(file, entry, _(
                "unsafe placeholder {field} (only the English text's plain {{name}} fields; "
                "not used at run time)").format(field="{" + unsafe[1] + "}")))
            continue
        if source_names != target_names:
            found.append(Problem(file, entry, _(
                "placeholders do not match: the source has {source}, the translation "
                "{target}").format(source=_names(source_names), target=_names(target_names))))
    return found


def _ids(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _forms(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


def _text(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        value = value[0] if value else ""
    return value or ""


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _names(names: set[str]) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names)) or _("none")

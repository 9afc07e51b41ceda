"""Adaptation drafts: a sector's catalog pre-filled from the education wording.

The forward-translation step of an adaptation: where education has a translation, the
draft takes it with education's role terms replaced by the sector's, marked fuzzy for a
translator to review (:func:`draft`, :func:`write_draft`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _, ctx_field, ctx_item, fallback_chain, load_catalog
from relscale.model.messages import sector_messages
from relscale.translation.catalogs import message_id, write_catalog
from relscale.translation.domains import registry_or_default, target_locale
from relscale.translation.templates import new_catalog, sector_template

if TYPE_CHECKING:
    from relscale.model.models import Sector
    from relscale.registry import Registry

REFERENCE_SECTOR = "education"
"""The sector drafts are made from: the instruments' source wording."""


def _lookup(locale_dir: str | Path | None, domain: str, locale: str, context: str | None,
            msgid: str) -> str | None:
    for lang in fallback_chain(locale):
        table = load_catalog(locale_dir, domain, lang)
        if table and (context, msgid) in table:
            return table[(context, msgid)]
    return None


def substitute_terms(text: str, terms: dict[str, str]) -> tuple[str, list[str]]:
    """Replace whole-word role terms (longest first, case-insensitive, keeping a capital).

    Returns the new text and the substitutions made, as ``old → new``.
    """
    if not terms:
        return text, []
    ordered = sorted(terms, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)", re.IGNORECASE
    )
    lower = {k.lower(): v for k, v in terms.items()}
    done: list[str] = []

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        new = lower[found.lower()]
        if found[:1].isupper() and new[:1].islower():
            new = new[:1].upper() + new[1:]
        note = f"{found} → {new}"
        if note not in done:
            done.append(note)
        return new

    return pattern.sub(replace, text), done


@dataclass
class DraftResult:
    """A draft catalog and what went into it."""

    catalog: Any
    """The draft (a babel ``Catalog`` in the draft's locale)."""
    drafted: int = 0
    kept: int = 0
    empty: int = 0
    bracketed: list[str] = field(default_factory=list)
    """Role terms left in brackets because the sector has no catalog in the locale."""
    path: Path | None = None
    """Where :func:`write_draft` wrote the draft."""


def _role_terms(reference: Sector, sector: Sector, locale: str) -> tuple[dict[str, str], list[str]]:
    terms: dict[str, str] = {}
    bracketed: list[str] = []
    for kind in ("professional", "client"):
        source_role = reference.role(kind)  # type: ignore[arg-type]
        target_role = sector.role(kind)  # type: ignore[arg-type]
        for form in ("label", "plural"):
            src = _lookup(reference.locale_dir, reference.domain, locale,
                          ctx_field(f"role.{source_role.id}", form), getattr(source_role, form))
            if not src:
                continue
            english = getattr(target_role, form)
            dst = _lookup(sector.locale_dir, sector.domain, locale,
                          ctx_field(f"role.{target_role.id}", form), english)
            if not dst:
                dst = f"[{english}]"
                bracketed.append(english)
            terms[src] = dst
    return terms, bracketed


def draft(sector_id: str, locale: str, registry: Registry | None = None) -> DraftResult:
    """A draft catalog for a sector in ``locale``, pre-filled from education's wording.

    For every item (and the instructions) the education catalog has translated, the
    education text in ``locale`` is taken with education's role terms replaced by the
    sector's (in brackets, in English, when the sector has no ``locale`` catalog yet),
    and marked fuzzy with a comment saying where it came from. Entries the sector's
    catalog already translates are kept as they are.
    """
    reg = registry_or_default(registry)
    locale = target_locale(locale)
    sector = reg.sector(sector_id)
    if sector.id == REFERENCE_SECTOR:
        raise RelscaleError(
            _("{sector!r} is the reference sector drafts are made from").format(sector=sector_id)
        )
    if REFERENCE_SECTOR not in reg.sectors:
        raise RelscaleError(
            _("drafts start from the {sector!r} sector, which is not loaded").format(
                sector=REFERENCE_SECTOR
            )
        )
    reference = reg.sector(REFERENCE_SECTOR)
    if not _lookup_any(reference, locale):
        raise RelscaleError(
            _("the {sector} sector has no {locale} catalog to draft from").format(
                sector=REFERENCE_SECTOR, locale=locale
            )
        )
    source_text: dict[str, str] = {}
    for ctx, text in sector_messages(reference):
        source_text.setdefault(ctx, text)
    terms, bracketed = _role_terms(reference, sector, locale)
    draftable = {ctx_item(w.item) for o in sector.offerings for w in o.items if w.text}
    draftable |= {ctx_field(f"{o.instrument}.{o.perspective}", n) for o in sector.offerings
                  for n in ("instructions", "administration")}

    tmpl = sector_template(sector, reg)
    catalog = new_catalog(sector.domain, locale)
    result = DraftResult(catalog, bracketed=bracketed)
    for message in tmpl:
        if not message.id:
            continue
        msgid, context = message_id(message), message.context
        existing = _lookup(sector.locale_dir, sector.domain, locale, context, msgid)
        entry = catalog.add(msgid, context=context, locations=message.locations,
                            auto_comments=message.auto_comments)
        if existing:
            entry.string = existing
            result.kept += 1
            continue
        ref_source = source_text.get(context or "")
        ref_text = (_lookup(reference.locale_dir, reference.domain, locale, context, ref_source)
                    if context in draftable and ref_source else None)
        if not ref_text:
            result.empty += 1
            continue
        text, done = substitute_terms(ref_text, terms)
        entry.string = text
        entry.flags.add("fuzzy")
        how = f"; role terms: {', '.join(done)}" if done else "; no role term found to replace"
        entry.user_comments = [
            f"draft from the {REFERENCE_SECTOR} {locale} wording of {context}{how}. "
            "Review against the source above, then remove the fuzzy flag."
        ]
        result.drafted += 1
    return result


def write_draft(sector_id: str, locale: str, output: Path | None = None, *,
                registry: Registry | None = None, overwrite: bool = False) -> DraftResult:
    """:func:`draft`, written to ``output`` (default :func:`default_draft_path` in the
    current folder); an existing file is an error unless ``overwrite``."""
    reg = registry_or_default(registry)
    result = draft(sector_id, locale, reg)
    path = output or default_draft_path(reg.sector(sector_id), result.catalog.locale_identifier)
    write_catalog(result.catalog, path, overwrite=overwrite)
    result.path = path
    return result


def _lookup_any(sector: Sector, locale: str) -> bool:
    return any(load_catalog(sector.locale_dir, sector.domain, lang) is not None
               for lang in fallback_chain(locale))


def default_draft_path(sector: Sector, locale: str) -> Path:
    """``<domain>.<locale>.draft.po``, relative to the current folder."""
    return Path(f"{sector.domain}.{locale}.draft.po")

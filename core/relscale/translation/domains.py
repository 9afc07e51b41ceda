"""The gettext domains relscale's catalogs are split into, and the locales worked on.

One domain for the user interface (``relscale``), one per group of instruments that share a
catalog, one per sector. Each lives in the package folder that registered the content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from relscale.errors import LocaleError, RelscaleError
from relscale.i18n import CORE_DOMAIN, CORE_LOCALE_DIR, SOURCE_LOCALE, _, normalize_locale

if TYPE_CHECKING:
    from relscale.registry import Registry


@dataclass(frozen=True)
class Domain:
    """One gettext domain and the package folder its catalogs live in."""

    name: str
    locale_dir: Path
    kind: Literal["ui", "instruments", "sector"]
    owner: str
    """``core`` or the name of the plugin that registered the content."""
    instruments: tuple[str, ...] = ()
    sector: str | None = None

    def po_path(self, locale: str, root: Path | None = None) -> Path:
        """Where the PO file for ``locale`` lives (under ``root`` instead, if given)."""
        return (root or self.locale_dir) / locale / "LC_MESSAGES" / f"{self.name}.po"


def domains(registry: Registry | None = None) -> list[Domain]:
    """Every domain: core UI, the instruments' domains, then one per sector."""
    reg = registry_or_default(registry)
    found: list[Domain] = [Domain(CORE_DOMAIN, CORE_LOCALE_DIR, "ui", "core")]
    groups: dict[tuple[str, Path], list[str]] = {}
    owners: dict[tuple[str, Path], str] = {}
    for inst in reg.instruments.values():
        key = (inst.domain, Path(inst.locale_dir) if inst.locale_dir else CORE_LOCALE_DIR)
        groups.setdefault(key, []).append(inst.id)
        owners.setdefault(key, _plugin_label(reg.origin.get(("instrument", inst.id), "core")))
    for (name, locale_dir), ids in groups.items():
        found.append(Domain(name, locale_dir, "instruments", owners[(name, locale_dir)],
                            instruments=tuple(ids)))
    for sec in reg.sectors.values():
        if sec.locale_dir is None:
            continue  # nowhere to put a catalog; only $RELSCALE_LOCALE_PATH can serve it
        found.append(Domain(sec.domain, Path(sec.locale_dir), "sector",
                            _plugin_label(reg.origin.get(("sector", sec.id), "?")),
                            sector=sec.id))
    return found


def select_domains(all_domains: list[Domain], names: Iterable[str] = ()) -> list[Domain]:
    """The domains named (all when none are); an unknown name is an error."""
    wanted = list(names)
    if not wanted:
        return all_domains
    known = {d.name: d for d in all_domains}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise RelscaleError(
            _("unknown domain {domain!r} (known: {known})").format(
                domain=unknown[0], known=", ".join(sorted(known))
            )
        )
    return [known[n] for n in dict.fromkeys(wanted)]


def target_locale(value: str) -> str:
    """A locale to create or work on: normalized, and not the source language."""
    locale = normalize_locale(value)
    if locale.split("_")[0] == SOURCE_LOCALE:
        raise LocaleError(
            _("{locale!r}: English is the source language; its text lives in the content "
              "and code, not in a catalog").format(locale=value)
        )
    return locale


def registry_or_default(registry: Registry | None) -> Registry:
    """``registry``, or the one of the installed plugins when None."""
    if registry is not None:
        return registry
    from relscale.plugins import get_registry

    return get_registry()


def _plugin_label(name: str) -> str:
    return "core" if name.startswith("relscale.") else name

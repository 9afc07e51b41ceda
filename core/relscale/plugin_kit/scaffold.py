"""``relscale plugin new``: a standalone, installable sector plugin package.

The package is a data plugin (``relscale.data_plugin(__file__)``) with its
``pyproject.toml`` (hatchling, one entry point), ``sector.toml``, a Dutch catalog, a
README and tests that run the contract suite. It starts either from an existing sector's
wording (``from_sector``) or from a skeleton wording every item slot with ``TODO``
markers, which the contract check reports until they are replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from relscale.i18n import catalog_languages
from relscale.model.models import Offering, Perspective, Sector
from relscale.model.schema import schema_file_name, schema_text
from relscale.plugin_kit import files as templates
from relscale.plugin_kit.contract import PROVENANCE_UNCHANGED, REFERENCE_SECTOR
from relscale.plugin_kit.names import PluginNames, plugin_names
from relscale.plugin_kit.po import new_po, sector_entries, write_po
from relscale.plugin_kit.sector_toml import Block, render
from relscale.registry import Registry

SCHEMA_DIR = "schemas"
SKELETON_PROVENANCE = "reworded"
"""A skeleton's ``TODO`` wording differs from education's: reworded until decided."""


@dataclass
class NewPlugin:
    """What :func:`new_plugin` wrote."""

    names: PluginNames
    path: Path
    """The project folder, ``<directory>/relscale-<name>``."""
    from_sector: str | None
    files: list[Path] = field(default_factory=list)
    """Every file written, relative to ``path``."""


def new_plugin(name: str, *, from_sector: str | None = None, directory: Path | str = ".",
               registry: Registry | None = None) -> NewPlugin:
    """Create the plugin project ``<directory>/relscale-<name>/``; nothing is overwritten.

    :param name: the sector id, e.g. ``care_farms`` (also the entry-point name).
    :param from_sector: start from this registered sector's roles, offerings and item
        wording, and copy its catalogs under the new domain; default a ``TODO`` skeleton.
    :param directory: where the project folder goes.
    :raises RelscaleError: an invalid or taken name, an existing folder, an unknown sector.
    """
    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    directory = Path(directory)
    names = plugin_names(name, registry, directory)
    source = registry.sector(from_sector) if from_sector else None
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{names.distribution}-", dir=directory))
    try:
        written = _write_project(staging, names, source, registry)
        target = directory / names.distribution
        os.rename(staging, target)  # fails rather than overwrite a folder made meanwhile
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return NewPlugin(names, target, from_sector, written)


def _write_project(root: Path, names: PluginNames, source: Sector | None,
                   registry: Registry) -> list[Path]:
    package = root / names.package
    schema = root / SCHEMA_DIR / schema_file_name("sector")
    files: dict[Path, str] = {
        root / "pyproject.toml": templates.pyproject(names),
        root / "README.md": templates.readme(names, source),
        package / "__init__.py": templates.init_module(names),
        package / "sector.toml": sector_toml(names, source, registry,
                                             schema_ref=f"../{SCHEMA_DIR}/{schema.name}"),
        schema: schema_text("sector"),
        root / "tests" / "conftest.py": templates.conftest(names),
        root / "tests" / "test_contract.py": templates.contract_test(names),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    written = list(files)
    written += write_catalogs(names, package, source, registry)
    return sorted(p.relative_to(root) for p in written)


# --- sector.toml -------------------------------------------------------------------------


def sector_toml(names: PluginNames, source: Sector | None, registry: Registry, *,
                schema_ref: str) -> str:
    """The text of the new ``sector.toml``."""
    reference = registry.sectors.get(REFERENCE_SECTOR)
    if source is None:
        header = templates.SKELETON_HEADER
        keys = {"id": names.sector, "label": names.label,
                "description": "TODO: one or two sentences: the setting, and whose "
                               "relationship the forms are about."}
        roles = [Block("[professional]", {"id": "worker", "label": "TODO: worker",
                                          "plural": "TODO: workers"},
                       ["who works with the client (singular and plural, English)"]),
                 Block("[client]", {"id": "client", "label": "TODO: client",
                                    "plural": "TODO: clients"}, ["who is cared for"])]
        offerings: list[tuple[str, Perspective, Offering | None]] = [
            (inst.id, p, None) for inst in registry.instruments.values()
            for p in inst.perspectives]
    else:
        header = templates.from_header(source)
        keys = {"id": names.sector, "label": names.label,
                "description": templates.from_description("en", names.label, source.label)}
        roles = [Block(f"[{kind}]", {"id": role.id, "label": role.label,
                                     "plural": role.plural, "spoken_label": role.spoken_label})
                 for kind, role in (("professional", source.professional),
                                    ("client", source.client))]
        offerings = [(o.instrument, o.perspective, o) for o in source.offerings]
        roles += [Block("[[variants]]", {"id": v.id, "label": v.label,
                                         "spoken_label": v.spoken_label},
                        ["a respondent variant: the word its client forms use for {role}"]
                        if k == 0 else [])
                  for k, v in enumerate(source.variants)]
    blocks = list(roles)
    for instrument, perspective, offering in offerings:
        blocks += _offering_blocks(instrument, perspective, offering, source, registry,
                                   reference)
    return render([f"#:schema {schema_ref}", *header], keys, blocks)


def _offering_blocks(instrument: str, perspective: Perspective, offering: Offering | None,
                     source: Sector | None, registry: Registry,
                     reference: Sector | None) -> list[Block]:
    inst = registry.instrument(instrument)
    edu = reference.offering(inst.id, perspective) if reference else None
    edu_text = {w.item: w.text for w in edu.items} if edu and not edu.declined else {}
    rule = "-" * 86
    head = [rule, f"{inst.id}/{perspective}", rule]
    if offering is None:
        blocks = [Block("[[offerings]]", {
            "instrument": inst.id, "perspective": perspective,
            "instructions": "TODO: what the respondent thinks of while answering, and how "
                            "to answer. No placeholders here.",
        }, [*head, "Offer it (below), or replace the items with",
            'declined = "a sentence saying why the sector does not offer it"'])]
        for slot in inst.slots(perspective):
            comments = [f"{slot.dimension}, keyed {slot.keying}: {slot.intent}"]
            if slot.id in edu_text:
                comments.append(f"education: {edu_text[slot.id]}")
            blocks.append(Block("[[offerings.items]]", {
                "item": slot.id, "provenance": SKELETON_PROVENANCE,
                "text": f"TODO: {slot.id} in your sector's words ({{subject}} is the other "
                        "person's name).",
                "rationale": "TODO: why this wording, in one line.",
            }, comments))
        return blocks
    blocks = [Block("[[offerings]]", {
        "instrument": offering.instrument, "perspective": offering.perspective,
        "declined": offering.declined, "title": offering.title,
        "instructions": offering.instructions, "administration": offering.administration,
    }, head)]
    if offering.scale is not None:  # the answers (and the practice answers) depend on it
        scale = offering.scale
        blocks.append(Block("[offerings.scale]", {
            "id": scale.id, "changes": list(scale.changes), "rationale": scale.rationale},
            [f"{source.id if source else 'the'}'s own response scale for this perspective"]))
        blocks += [Block("[[offerings.scale.points]]", {"value": p.value, "label": p.label})
                   for p in scale.points]
        if scale.not_applicable is not None:
            blocks.append(Block("[offerings.scale.not_applicable]", {
                "value": scale.not_applicable.value, "label": scale.not_applicable.label}))
    assert source is not None
    dims = {s.id: (s.dimension, s.keying) for s in inst.items}
    for w in offering.items:
        dimension, keying = (w.dimension, w.keying) if w.provenance == "added" else dims[w.item]
        # Provenance stays relative to education (the contract's reference): identical
        # text is unchanged, whichever sector it was copied from.
        provenance = (PROVENANCE_UNCHANGED if w.text is not None and edu_text.get(w.item)
                      == w.text else w.provenance)
        blocks.append(Block("[[offerings.items]]", {
            "item": w.item, "provenance": provenance, "text": w.text,
            "rationale": w.rationale, "dimension": w.dimension, "keying": w.keying,
            "intent": w.intent,
        }, [f"{dimension}, keyed {keying}; as worded in {source.id}"]))
    if offering.practice is not None:
        blocks.append(Block("[offerings.practice]", {
            "script": offering.practice.script, "always": offering.practice.always},
            [f"practice statements before the items, as in {source.id}"]))
        blocks += [Block("[[offerings.practice.statements]]",
                         {"text": s.text, "answer": s.answer})
                   for s in offering.practice.statements]
    return blocks


# --- catalogs ----------------------------------------------------------------------------


def write_catalogs(names: PluginNames, package: Path, source: Sector | None,
                   registry: Registry) -> list[Path]:
    """The new sector's PO files: the source's translations under the new domain (with
    ``from_sector``), each with the source's provenance relative to the English wording
    (its ``change:``/``rationale:`` translator comments), else an empty Dutch catalog."""
    from relscale.i18n import ctx_field, locale_change
    from relscale.model.content import load_sector

    sector = load_sector(package / "sector.toml")
    languages = (catalog_languages(source.locale_dir, source.domain) if source else [])
    languages = [x for x in languages if x != "en"] or [templates.DEFAULT_LANGUAGE]
    written = []
    for lang in languages:
        translated = _translations(source, lang)
        source_label = translated.get((ctx_field("sector", "label"), source.label),
                                      source.label) if source else ""
        catalog = new_po(sector.domain, lang, names.distribution)
        for context, msgid in sector_entries(sector):
            string = translated.get((context, msgid), "")
            if source is not None and context == ctx_field("sector", "label"):
                string = names.label  # a name to translate by hand: the README says so
            elif source is not None and context == ctx_field("sector", "description"):
                string = templates.from_description(lang, names.label, source_label)
            change = (locale_change(source.locale_dir, source.domain, lang, context, msgid)
                      if source is not None and string else None)
            comments = ([f"change: {change[0]}",
                         *([f"rationale: {change[1]}"] if change[1] else [])]
                        if change else [])
            catalog.add(msgid, string=string, context=context, user_comments=comments,
                        flags=["python-brace-format"] if "{" in msgid else [])
        path = package / "locale" / lang / "LC_MESSAGES" / f"{sector.domain}.po"
        write_po(catalog, path)
        written.append(path)
    return written


def _translations(source: Sector | None, lang: str) -> dict[tuple[str | None, str], str]:
    """The source sector's translations in ``lang`` (fuzzy ones left out)."""
    from relscale.i18n import load_catalog

    if source is None:
        return {}
    return dict(load_catalog(source.locale_dir, source.domain, lang) or {})


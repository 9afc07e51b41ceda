"""Templates (POT catalogs) built on demand from the sources, so they can never be stale.

The ``relscale`` domain holds the strings marked ``_()`` / ``N_()`` / ``pgettext()`` in
core's Python and, when given, the command line's ``--help`` texts; the instrument and
sector domains hold every message of the registered content (``instrument_messages``,
``sector_messages``) with comments for the translator and the content file's line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.i18n import CORE_DOMAIN, ctx_field, ctx_item
from relscale.model.messages import instrument_messages, sector_messages
from relscale.translation.domains import Domain, registry_or_default
from relscale.translation.help_texts import HelpText, add_help_messages

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.model.models import Instrument, Sector
    from relscale.registry import Registry

CORE_PACKAGE_DIR = Path(__file__).parent.parent
"""``core/relscale``: the sources the UI template is extracted from."""
UI_KEYWORDS = ("_", "N_")
UI_KEYWORD_SPECS: dict[str, Any] = {"_": None, "N_": None, "pgettext": ((1, "c"), 2),
                                     "ngettext": (1, 2)}
"""babel keyword specs: ``pgettext(context, msgid)`` takes its context from argument 1."""
TRANSLATOR_TAG = "TRANSLATORS:"


def new_catalog(domain: str, locale: str | None = None) -> Catalog:
    """An empty catalog of ``domain`` (a template when ``locale`` is None) with relscale's
    project header."""
    from babel.messages.catalog import Catalog

    from relscale.__about__ import __version__

    catalog = Catalog(
        locale=locale,
        domain=domain,
        project="relscale",
        version=__version__,
        msgid_bugs_address="https://github.com/relscale/relscale/issues",
        copyright_holder="The relscale developers",
        fuzzy=False,
    )
    return catalog


def template(domain: Domain, registry: Registry | None = None, *,
             help_messages: Iterable[HelpText] = ()) -> Catalog:
    """The template (POT) of one domain, built from the current sources.

    :param help_messages: the command line's ``--help`` texts, added to the ``relscale``
        (UI) template under the context ``help``. The command line passes
        ``relscale.cli.help_i18n.help_texts(relscale.cli.main.cli_command())``; without
        them the UI template holds only the strings marked in the sources.
    """
    if domain.kind == "ui":
        catalog = ui_template()
        add_help_messages(catalog, help_messages)
        return brace_format_only(catalog)
    reg = registry_or_default(registry)
    if domain.kind == "instruments":
        return brace_format_only(instruments_template(
            domain.name, [reg.instrument(i) for i in domain.instruments]))
    assert domain.sector is not None
    return brace_format_only(sector_template(reg.sector(domain.sector), reg))


def brace_format_only(catalog: Catalog) -> Catalog:
    """Drop babel's ``python-format`` flag: relscale fills ``{name}`` placeholders only,
    and babel flags any text with a percent sign before a letter ("10% of ...") as a
    %-format, which msgfmt -c then holds the translation to ("10% van" fails)."""
    for message in catalog:
        message.flags.discard("python-format")
    return catalog


def ui_template(source_dirs: Iterable[Path] | None = None) -> Catalog:
    """UI strings marked with ``_()`` / ``N_()`` / ``pgettext()`` in core's Python sources,
    and with ``_()`` / ``ngettext()`` in the page's Jinja2 templates (``web/templates``,
    read when Jinja2 is installed: the ``web`` extra).

    Comments starting ``# TRANSLATORS:`` just above a string become extracted comments.
    """
    import importlib.util

    from babel.messages.extract import extract_from_dir

    method_map = [("**.py", "python")]
    if importlib.util.find_spec("jinja2") is not None:
        method_map.append(("**/templates/**.html", "jinja2.ext:babel_extract"))
    catalog = new_catalog(CORE_DOMAIN)
    for root in source_dirs or [CORE_PACKAGE_DIR]:
        root = Path(root)
        results = extract_from_dir(
            root,
            method_map=method_map,
            keywords=UI_KEYWORD_SPECS,
            comment_tags=(TRANSLATOR_TAG,),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in results:
            if isinstance(message, tuple) and len(message) == 2 and all(message):
                location = (f"{root.name}/{Path(filename).as_posix()}", lineno)
                if catalog.get(message[0], context) is None:  # a plural message
                    catalog.add(message, locations=[location], auto_comments=list(comments),
                                context=context)
                continue
            if not isinstance(message, str) or not message:
                continue
            location = (f"{root.name}/{Path(filename).as_posix()}", lineno)
            existing = catalog.get(message, context)
            if existing is not None:
                existing.locations.append(location)
                existing.auto_comments.extend(c for c in comments
                                              if c not in existing.auto_comments)
                continue
            catalog.add(message, locations=[location], auto_comments=list(comments),
                        context=context)
        for path in sorted(root.rglob("*.py")):
            if any(part.startswith((".", "_")) for part in path.relative_to(root).parts[:-1]):
                continue  # as babel: skip __pycache__, .hidden and _private folders
            name = f"{root.name}/{path.relative_to(root).as_posix()}"
            for message, lineno in _calls_in_fstrings(path):
                found = catalog.get(message)
                if found is None:
                    catalog.add(message, locations=[(name, lineno)])
                elif (name, lineno) not in found.locations:
                    found.locations.append((name, lineno))
    return catalog


def _calls_in_fstrings(path: Path) -> Iterator[tuple[str, int]]:
    """``_("...")`` calls inside f-strings, which babel's extractor does not see before
    Python 3.12 (an f-string is one token there)."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError):
        return
    for fstring in ast.walk(tree):
        if not isinstance(fstring, ast.JoinedStr):
            continue
        for node in ast.walk(fstring):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in UI_KEYWORDS
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value
            ):
                yield node.args[0].value, node.lineno


class _SourceFile:
    """Finds the line of a source string in the content file it came from."""

    def __init__(self, path: Path | None, base: Path | None) -> None:
        self.name: str | None = None
        self.lines: list[str] = []
        if path is not None and path.is_file():
            self.name = path.relative_to(base).as_posix() if base else path.name
            self.lines = path.read_text(encoding="utf-8").splitlines()

    def locate(self, *needles: str) -> list[Any]:
        """``[(file, line)]``; line None when the text is not found verbatim (escaped)."""
        if self.name is None:
            return []
        for needle in needles:
            probe = needle.strip()[:40]
            if not probe:
                continue
            for lineno, line in enumerate(self.lines, 1):
                if probe in line and not line.lstrip().startswith("#"):
                    return [(self.name, lineno)]
        return [(self.name, None)]


def _instrument_file(inst: Instrument) -> _SourceFile:
    if inst.locale_dir is None:
        path = CORE_PACKAGE_DIR / "instruments" / f"{inst.id}.toml"
        return _SourceFile(path, CORE_PACKAGE_DIR.parent)
    root = Path(inst.locale_dir).parent
    return _SourceFile(root / f"{inst.id}.toml", root.parent)


def instrument_comments(inst: Instrument) -> dict[str, list[str]]:
    """Extracted comments for translators, by message context."""
    i = inst.id
    notes: dict[str, list[str]] = {
        ctx_field(i, "title"): [f"Title of the instrument {i} ({inst.framework})."],
        ctx_field(i, "description"): [f"Description of the instrument {i}."],
    }
    for d in inst.dimensions:
        notes[ctx_field(f"{i}.{d.id}", "label")] = [
            f"Name of the dimension {d.id} ({d.framework}); favourable end: {d.favourable}."
        ]
        notes[ctx_field(f"{i}.{d.id}", "description")] = [f"Description of the dimension {d.id}."]
    for p in inst.scale.points:
        notes[ctx_field(f"{i}.scale", str(p.value))] = [
            f"Answer option {p.value} of {inst.scale.min}..{inst.scale.max} "
            f"(response scale {inst.scale.id}); keep the options parallel in length and tone."
        ]
    for slot in inst.items:
        notes[ctx_field(slot.id, "intent")] = [
            f"What item {slot.id} measures ({slot.perspective} report, dimension "
            f"{slot.dimension}, keying {slot.keying}); shown to researchers, not respondents."
        ]
    return notes


def instruments_template(domain: str, instruments: Iterable[Instrument]) -> Catalog:
    """The template of an instruments domain: every message of ``instruments``."""
    catalog = new_catalog(domain)
    for inst in instruments:
        source = _instrument_file(inst)
        notes = instrument_comments(inst)
        for context, text in instrument_messages(inst):
            catalog.add(text, context=context, auto_comments=notes.get(context, []),
                        locations=source.locate(text))
    return catalog


def sector_comments(sector: Sector, registry: Registry | None = None) -> dict[str, list[str]]:
    """Extracted comments for translators, by message context."""
    notes: dict[str, list[str]] = {
        ctx_field("sector", "label"): [f"Name of the care sector {sector.id}."],
        ctx_field("sector", "description"): [f"Description of the care sector {sector.id}."],
    }
    for kind, role in (("professional", sector.professional), ("client", sector.client)):
        for form in ("label", "plural"):
            notes[ctx_field(f"role.{role.id}", form)] = [
                f"Role term for the {kind} ({'singular' if form == 'label' else 'plural'}). "
                "Drafts substitute it into the education wording: keep it a plain noun."
            ]
    for v in sector.variants:
        notes[ctx_field(f"variant.{v.id}", "label")] = [
            f"Respondent variant {v.id} of {sector.id}: who fills in its client forms."]
        notes[ctx_field(f"variant.{v.id}", "spoken_label")] = [
            f"The noun respondents of the variant {v.id} use for the professional; it fills "
            "{role} on their forms (title, instructions, items)."]
    slots: dict[str, Any] = {}
    if registry is not None:
        for inst in registry.instruments.values():
            slots.update({s.id: s for s in inst.items})
    for o in sector.offerings:
        owner = f"{o.instrument}.{o.perspective}"
        notes[ctx_field(owner, "declined")] = [
            f"Why {sector.id} does not offer {o.instrument} ({o.perspective} report)."
        ]
        notes[ctx_field(owner, "instructions")] = [
            f"Instructions printed above the {o.instrument} form ({o.perspective} report)."
        ]
        notes[ctx_field(owner, "administration")] = [
            f"How the {o.instrument} form ({o.perspective} report) is administered."
        ]
        notes[ctx_field(owner, "title")] = [
            f"Title of the {o.instrument} form ({o.perspective} report), in the words of "
            "whoever fills it in."
        ]
        if o.scale is not None:
            n = len(o.scale.points)
            for p in o.scale.points:
                notes[ctx_field(f"{owner}.scale", str(p.value))] = [
                    f"Answer option {p.value} of {n} on {sector.id}'s own scale {o.scale.id} "
                    f"for {o.instrument} ({o.perspective}); keep the options parallel."
                ]
            notes[ctx_field(f"{owner}.scale", "na")] = [
                "The 'does not apply' answer; it scores as missing."
            ]
            notes[ctx_field(f"{owner}.scale", "rationale")] = [
                f"Why {sector.id} gives this perspective its own response scale."
            ]
        if o.practice is not None:
            for n, statement in enumerate(o.practice.statements, start=1):
                notes[ctx_field(f"{owner}.practice", str(n))] = [
                    f"Practice statement {n} before the {o.instrument} items ({o.perspective} "
                    f"report); the answer that is right is {statement.answer}: keep it so."]
            notes[ctx_field(owner, "practice_script")] = [
                f"What the administrator reads aloud and does around the practice statements "
                f"of the {o.instrument} form ({o.perspective} report)."]
        for w in o.items:
            slot = slots.get(w.item)
            dimension = w.dimension or (slot.dimension if slot else "?")
            keying = w.keying or (slot.keying if slot else "?")
            intent = w.intent or (slot.intent if slot else "")
            text_notes = [
                f"Item {w.item} of {o.instrument} ({o.perspective} report): dimension "
                f"{dimension}, keying {keying}; provenance: {w.provenance}.",
            ]
            if intent:
                text_notes.append(f"Intent: {intent}")
            if w.text and "{subject}" in w.text:
                text_notes.append(
                    "{subject} is the other person's name, or a blank line: keep it."
                )
            if w.text and "{role}" in w.text:
                text_notes.append(
                    "{role} is the respondent's own word for the professional: keep it."
                )
            notes[ctx_item(w.item)] = text_notes
            notes[ctx_field(w.item, "rationale")] = [
                f"Why item {w.item} was {w.provenance.replace('_', ' ')} for {sector.id}; "
                "shown in codebooks and `relscale diff`."
            ]
            notes[ctx_field(w.item, "intent")] = [f"What the added item {w.item} measures."]
    return notes


def sector_template(sector: Sector, registry: Registry | None = None) -> Catalog:
    """The template of a sector's domain: every message of ``sector``."""
    catalog = new_catalog(sector.domain)
    base = Path(sector.locale_dir).parent if sector.locale_dir else None
    source = _SourceFile(base / "sector.toml" if base else None, base.parent if base else None)
    notes = sector_comments(sector, registry)
    for context, text in sector_messages(sector):
        catalog.add(text, context=context, auto_comments=notes.get(context, []),
                    locations=source.locate(text))
    return catalog

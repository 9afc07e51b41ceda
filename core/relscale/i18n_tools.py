"""Translator tooling: templates, new locales, merging, status, checks, drafts, review.

The runtime side (reading PO files, fallback) is :mod:`relscale.i18n`; this module
produces and maintains the PO files it reads. Templates are built on demand from the
sources (``_()`` / ``N_()`` in core's Python, ``instrument_messages`` and
``sector_messages`` over the registry), so they can never be stale; ``relscale i18n
extract`` writes them out for tools that want a ``.pot`` file.

babel and openpyxl are imported inside the functions that need them.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from relscale.errors import LocaleError, RelscaleError
from relscale.i18n import (
    CORE_DOMAIN,
    CORE_LOCALE_DIR,
    LOCALE_CHANGES,
    N_,
    SOURCE_LOCALE,
    _,
    catalog_files,
    catalog_languages,
    ctx_field,
    ctx_item,
    fallback_chain,
    instrument_messages,
    load_catalog,
    normalize_locale,
    parse_locale_change,
    sector_messages,
)
from relscale.io.atomic import atomic_write

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.model.models import Instrument, Sector
    from relscale.registry import Registry

CORE_PACKAGE_DIR = Path(__file__).parent
REFERENCE_SECTOR = "education"
UI_KEYWORDS = ("_", "N_")
UI_KEYWORD_SPECS: dict[str, Any] = {"_": None, "N_": None, "pgettext": ((1, "c"), 2)}
"""babel keyword specs: ``pgettext(context, msgid)`` takes its context from argument 1."""
TRANSLATOR_TAG = "TRANSLATORS:"
REVIEW_STATUSES = (N_("ok"), N_("revise"), N_("discuss"))
"""The reviewer's verdict per row (the dropdown of the review workbook)."""
CATALOG_STATES = {"translated": N_("translated"), "fuzzy": N_("fuzzy"), "missing": N_("missing")}


# --- domains ---------------------------------------------------------------------------


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
    reg = _registry(registry)
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


def _plugin_label(name: str) -> str:
    return "core" if name.startswith("relscale.") else name


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from relscale.plugins import get_registry

    return get_registry()


# --- templates -------------------------------------------------------------------------


def new_catalog(domain: str, locale: str | None = None) -> Catalog:
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


def template(domain: Domain, registry: Registry | None = None) -> Catalog:
    """The template (POT) of one domain, built from the current sources."""
    if domain.kind == "ui":
        catalog = ui_template()
        add_help_messages(catalog)
        return catalog
    reg = _registry(registry)
    if domain.kind == "instruments":
        return instruments_template(domain.name, [reg.instrument(i) for i in domain.instruments])
    assert domain.sector is not None
    return sector_template(reg.sector(domain.sector), reg)


def ui_template(source_dirs: Iterable[Path] | None = None) -> Catalog:
    """UI strings marked with ``_()`` / ``N_()`` / ``pgettext()`` in core's Python sources.

    Comments starting ``# TRANSLATORS:`` just above a string become extracted comments.
    """
    from babel.messages.extract import extract_from_dir

    catalog = new_catalog(CORE_DOMAIN)
    for root in source_dirs or [CORE_PACKAGE_DIR]:
        root = Path(root)
        results = extract_from_dir(
            root,
            method_map=[("**.py", "python")],
            keywords=UI_KEYWORD_SPECS,
            comment_tags=(TRANSLATOR_TAG,),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in results:
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


def add_help_messages(catalog: Catalog, command: Any = None) -> int:
    """Add every ``--help`` text of the CLI to ``catalog`` under the context ``help``.

    ``command`` is the click command tree (default: ``relscale`` with the commands of the
    loaded plugins), walked by :func:`relscale.cli.help_i18n.help_texts`, the same walk
    that translates the help at run time. Returns the number of messages added.
    """
    from relscale.cli.help_i18n import HELP_CONTEXT, help_texts

    if command is None:
        from relscale.cli.main import cli_command

        command = cli_command()
    finder = _HelpSource()
    uses: dict[str, tuple[Any, list[str]]] = {}
    added = 0
    for entry in help_texts(command):
        where = finder.locate(entry.text, entry.source)
        found = catalog.get(entry.text, HELP_CONTEXT)
        if found is None:
            found = catalog.add(entry.text, context=HELP_CONTEXT)
            added += 1
        if where is not None and where not in found.locations:
            found.locations.append(where)
        uses.setdefault(entry.text, (found, []))[1].append(entry.where)
    for message, wheres in uses.values():
        more = len(wheres) - 1
        message.auto_comments = [
            f"--help of `{wheres[0]}`" + (f" (and {more} more)" if more else "")
        ]
    return added


class _HelpSource:
    """Finds the source line of a help text near the function it belongs to."""

    def __init__(self) -> None:
        self._lines: dict[Path, list[str]] = {}

    def _read(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]

    def locate(self, text: str, source: Any) -> tuple[str, int] | None:
        """``(file, line)``: the text's first words in a string literal of the function's
        file or a file beside it (shared options); None if not there (click's own)."""
        import inspect
        import sys

        if source is None:
            return None
        fn = inspect.unwrap(source)
        try:
            found = inspect.getsourcefile(fn)
        except TypeError:
            return None
        if not found:
            return None
        file = Path(found)
        top = sys.modules.get((fn.__module__ or "").split(".")[0])
        base = Path(top.__file__).parent.parent if top and top.__file__ else file.parent

        def name(path: Path) -> str:
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                return path.name

        probe = text.splitlines()[0][:24]
        for path in [file, *sorted(p for p in file.parent.glob("*.py") if p != file)]:
            for lineno, line in enumerate(self._read(path), 1):
                if f'"{probe}' in line or f"'{probe}" in line:
                    return name(path), lineno
        return None


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
            notes[ctx_item(w.item)] = text_notes
            notes[ctx_field(w.item, "rationale")] = [
                f"Why item {w.item} was {w.provenance.replace('_', ' ')} for {sector.id}; "
                "shown in codebooks and `relscale diff`."
            ]
            notes[ctx_field(w.item, "intent")] = [f"What the added item {w.item} measures."]
    return notes


def sector_template(sector: Sector, registry: Registry | None = None) -> Catalog:
    catalog = new_catalog(sector.domain)
    base = Path(sector.locale_dir).parent if sector.locale_dir else None
    source = _SourceFile(base / "sector.toml" if base else None, base.parent if base else None)
    notes = sector_comments(sector, registry)
    for context, text in sector_messages(sector):
        catalog.add(text, context=context, auto_comments=notes.get(context, []),
                    locations=source.locate(text))
    return catalog


# --- reading and writing PO files ------------------------------------------------------


class CatalogSyntaxError(RelscaleError):
    """A PO file that cannot be read: ``line`` (or None) and the problem without the file."""

    def __init__(self, message: str, line: int | None, detail: str) -> None:
        super().__init__(message)
        self.line = line
        self.detail = detail


def _at_line(path: object, line: int) -> str:
    return _("{path}, line {line}").format(path=path, line=line)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Read a PO file; a syntax error names the file and line."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as fh:
            return read_po(fh, locale=locale, abort_invalid=True)
    except FileNotFoundError:
        raise RelscaleError(_("{path}: no such file").format(path=path)) from None
    except PoFileError as exc:
        line = exc.lineno + 1
        detail = _("not a valid PO file: {error}").format(error=str(exc).rsplit(" on ", 1)[0])
        raise CatalogSyntaxError(f"{_at_line(path, line)}: {detail}", line, detail) from None
    except (UnicodeDecodeError, ValueError) as exc:
        detail = _("not a valid PO file: {error}").format(error=exc)
        raise CatalogSyntaxError(f"{path}: {detail}", None, detail) from None


def write_catalog(catalog: Catalog, path: Path, *, overwrite: bool = False,
                  template_file: bool = False) -> None:
    """Write a PO (or POT) file atomically; an existing file only with ``overwrite``."""
    from babel.messages.pofile import write_po

    with atomic_write(path, overwrite=overwrite) as tmp, open(tmp, "wb") as fh:
        write_po(fh, catalog, width=96, include_previous=True,
                 ignore_obsolete=template_file)


def _po_bytes(catalog: Catalog) -> bytes:
    from io import BytesIO

    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=96, include_previous=True)
    return buffer.getvalue()


def _msgid(message: Any) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _msgstr(message: Any) -> str:
    value = message.string
    return (value if isinstance(value, str) else (value[0] if value else "")) or ""


# --- extract / init / update -----------------------------------------------------------


def extract(out_dir: Path, registry: Registry | None = None, *, names: Iterable[str] = (),
            overwrite: bool = False) -> list[tuple[Domain, Path, int]]:
    """Write ``<domain>.pot`` for each domain into ``out_dir``; returns (domain, path, n)."""
    written = []
    for domain in select_domains(domains(registry), names):
        catalog = template(domain, registry)
        path = Path(out_dir) / f"{domain.name}.pot"
        write_catalog(catalog, path, overwrite=overwrite, template_file=True)
        written.append((domain, path, len(catalog)))
    return written


def target_locale(value: str) -> str:
    """A locale to create or work on: normalized, and not the source language."""
    locale = normalize_locale(value)
    if locale.split("_")[0] == SOURCE_LOCALE:
        raise LocaleError(
            _("{locale!r}: English is the source language; its text lives in the content "
              "and code, not in a catalog").format(locale=value)
        )
    return locale


@dataclass
class InitResult:
    domain: Domain
    path: Path
    created: bool
    messages: int


def init_locale(locale: str, registry: Registry | None = None, *, names: Iterable[str] = (),
                root: Path | None = None) -> list[InitResult]:
    """Create empty PO files for a new locale, one per domain; existing files are kept.

    :param root: write every domain into this one folder (for ``$RELSCALE_LOCALE_PATH``)
        instead of each package's ``locale`` folder.
    """
    locale = target_locale(locale)
    results = []
    for domain in select_domains(domains(registry), names):
        path = domain.po_path(locale, root)
        tmpl = template(domain, registry)
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
    return results


@dataclass
class MergeResult:
    added: int = 0
    fuzzy: int = 0
    """Entries newly marked fuzzy because their source changed."""
    obsolete: int = 0
    revived: int = 0
    """Obsolete entries whose exact source came back, restored as they were."""


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
    before = {(m.context, _msgid(m)) for m in catalog if m.id}
    # keep the file's POT-Creation-Date: an update that changes nothing changes no byte
    catalog.update(tmpl, no_fuzzy_matching=True, update_creation_date=False)
    result = MergeResult()
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, _msgid(message))
        if key in before:
            continue
        old_key = _previous_translation(catalog, message, contexts_name_objects)
        if old_key is None:
            result.added += 1
            continue
        old = catalog.obsolete.pop(old_key)
        message.string = old.string
        message.user_comments = list(old.user_comments)
        if _msgid(old) == _msgid(message) and not old.fuzzy:
            result.revived += 1  # the same source came back: its translation still holds
            continue
        message.flags.add("fuzzy")
        message.previous_id = [_msgid(old)]
        result.fuzzy += 1
    result.obsolete = len(catalog.obsolete)
    return result


def _previous_translation(catalog: Catalog, message: Any,
                          contexts_name_objects: bool = True) -> Any:
    """Key of the obsolete entry whose translation a new entry should inherit, if any."""
    # babel keys a message by its id, or (id, context) when it has a context
    key = (_msgid(message), message.context) if message.context is not None else _msgid(message)
    exact = catalog.obsolete.get(key)
    if exact is not None and _msgstr(exact):
        return key
    candidates = {
        key: old for key, old in catalog.obsolete.items()
        if old.context == message.context and _msgstr(old)
    }
    if not candidates:
        return None
    ids = {_msgid(old): key for key, old in candidates.items()}
    cutoff = 0.0 if message.context is not None and contexts_name_objects else 0.6
    best = difflib.get_close_matches(_msgid(message), list(ids), n=1, cutoff=cutoff)
    return ids[best[0]] if best else None


@dataclass
class UpdateResult:
    domain: Domain
    path: Path
    merge: MergeResult


def update_locales(registry: Registry | None = None, *, names: Iterable[str] = (),
                   locales: Iterable[str] = (), root: Path | None = None) -> list[UpdateResult]:
    """Merge the current templates into every existing PO file (or those of ``locales``)."""
    wanted = {target_locale(x) for x in locales}
    results = []
    for domain in select_domains(domains(registry), names):
        base = root or domain.locale_dir
        langs = [x for x in _languages(base, domain.name) if not wanted or x in wanted]
        if not langs:
            continue
        tmpl = template(domain, registry)
        for lang in langs:
            path = domain.po_path(lang, root)
            catalog = read_catalog(path, lang)
            outcome = merge(catalog, tmpl, contexts_name_objects=domain.kind != "ui")
            if _po_bytes(catalog) != path.read_bytes():
                write_catalog(catalog, path, overwrite=True)
            results.append(UpdateResult(domain, path, outcome))
    return results


def _languages(root: Path, domain: str) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if (p / "LC_MESSAGES" / f"{domain}.po").is_file())


# --- status and checks -----------------------------------------------------------------


@dataclass
class CatalogStatus:
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
    keys = [(m.context, _msgid(m)) for m in tmpl if m.id]
    status = CatalogStatus(domain, locale, path, total=len(keys))
    if path is None:
        return status
    catalog = read_catalog(path, locale)
    entries = {(m.context, _msgid(m)): m for m in catalog if m.id}
    for key in keys:
        message = entries.pop(key, None)
        if message is None or not _msgstr(message):
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
           names: Iterable[str] = (), root: Path | None = None) -> list[CatalogStatus]:
    """Status of every domain in every shipped locale (or the given ones).

    A domain without a PO file in a locale that other packages ship shows as
    incomplete with ``path`` None. Without ``root``, a file on ``$RELSCALE_LOCALE_PATH``
    is counted instead of the shipped one (it is what the runtime reads first).
    """
    all_domains = domains(registry)
    chosen = select_domains(all_domains, names)
    wanted = [target_locale(x) for x in locales]
    if root is not None:
        langs = wanted or sorted({x for d in chosen for x in _languages(root, d.name)})
    else:
        langs = wanted or shipped_locales(all_domains)
    rows = []
    for domain in chosen:
        tmpl = template(domain, registry)
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
    path: Path
    line: int | None
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        where = _at_line(self.path, self.line) if self.line else str(self.path)
        return f"{where}: {self.severity}: {self.message}"


def placeholders(text: str) -> set[str]:
    """``{name}`` fields of a ``str.format`` string; ValueError if braces are malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_catalog(path: Path, tmpl: Catalog | None = None) -> list[Problem]:
    """Problems in one PO file: syntax, placeholders, fuzzy and stale entries.

    Placeholders must be the same set in msgid and msgstr: a missing one loses
    information, an extra one fails at run time.
    """
    try:
        catalog = read_catalog(path)
    except CatalogSyntaxError as exc:
        return [Problem(path, exc.line, "error", exc.detail if exc.line else str(exc))]
    except RelscaleError as exc:
        return [Problem(path, None, "error", str(exc))]
    problems: list[Problem] = []
    keys = {(m.context, _msgid(m)) for m in tmpl if m.id} if tmpl is not None else None
    for message in catalog:
        if not message.id:
            continue
        msgid, msgstr = _msgid(message), _msgstr(message)
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


def check(registry: Registry | None = None, *, locales: Iterable[str] = (),
          names: Iterable[str] = (), root: Path | None = None) -> list[Problem]:
    """Check every PO file of the chosen domains and locales."""
    wanted = {target_locale(x) for x in locales}
    problems: list[Problem] = []
    for domain in select_domains(domains(registry), names):
        base = root or domain.locale_dir
        langs = [x for x in _languages(base, domain.name) if not wanted or x in wanted]
        if not langs:
            continue
        tmpl = template(domain, registry)
        for lang in langs:
            problems += check_catalog(domain.po_path(lang, root), tmpl)
    return problems


# --- adaptation drafts -----------------------------------------------------------------


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
    catalog: Any
    drafted: int = 0
    kept: int = 0
    empty: int = 0
    bracketed: list[str] = field(default_factory=list)
    """Role terms left in brackets because the sector has no catalog in the locale."""


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
    reg = _registry(registry)
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
        msgid, context = _msgid(message), message.context
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


def _lookup_any(sector: Sector, locale: str) -> bool:
    return any(load_catalog(sector.locale_dir, sector.domain, lang) is not None
               for lang in fallback_chain(locale))


def default_draft_path(sector: Sector, locale: str) -> Path:
    return Path(f"{sector.domain}.{locale}.draft.po")


# --- review workbook -------------------------------------------------------------------


@dataclass
class ReviewRow:
    item: str
    context: str
    source: str
    target: str
    state: Literal["translated", "fuzzy", "missing"]


def review_rows(sector_id: str, locale: str, registry: Registry | None = None,
                catalog_path: Path | None = None) -> list[ReviewRow]:
    """One row per message of a sector's template with its current translation.

    ``catalog_path`` reviews that PO file (e.g. a draft) instead of the sector's catalog.
    """
    reg = _registry(registry)
    locale = target_locale(locale)
    sector = reg.sector(sector_id)
    entries: dict[tuple[str | None, str], Any] = {}
    path = catalog_path
    if path is None:
        for lang in fallback_chain(locale):
            candidate = Path(sector.locale_dir or ".") / lang / "LC_MESSAGES" / \
                f"{sector.domain}.po"
            if sector.locale_dir and candidate.is_file():
                path = candidate
                break
    if path is not None:
        entries = {(m.context, _msgid(m)): m for m in read_catalog(Path(path)) if m.id}
    item_ids = {w.item for o in sector.offerings for w in o.items}
    rows = []
    for message in sector_template(sector, reg):
        if not message.id:
            continue
        context = message.context or ""
        owner = context.split("|", 1)[0]
        item = owner if owner in item_ids else ""
        found = entries.get((message.context, _msgid(message)))
        target = _msgstr(found) if found is not None else ""
        state: Literal["translated", "fuzzy", "missing"] = (
            "missing" if not target else "fuzzy" if found.fuzzy else "translated"  # type: ignore[union-attr]
        )
        rows.append(ReviewRow(item, context, _msgid(message), target, state))
    return rows


def build_review(rows: list[ReviewRow], *, sector_label: str, locale: str) -> Any:
    """The review workbook as the shared sheet model (:mod:`relscale.excel.sheet`).

    Context and source are locked (the sheet is protected without a password, a guard
    against slips); target, back-translation, notes and status stay editable.
    """
    from relscale.excel.sheet import (
        PrintSetup,
        SheetProtection,
        Style,
        Validation,
        Workbook,
        range_ref,
        ref,
    )
    from relscale.i18n import display_name

    book = Workbook(
        styles={
            "title": Style(bold=True, size=13),
            "intro": Style(wrap=False),
            "header": Style(bold=True, fill="DDEBF7", wrap=True, vertical="top",
                            border="thin"),
            "text": Style(wrap=True, vertical="top", border="thin", border_color="BFBFBF"),
            "input": Style(wrap=True, vertical="top", border="thin", border_color="BFBFBF",
                           fill="FFF9E6"),
        },
        title=_("Translation review"),
        creator="relscale",
    )
    sheet = book.add_sheet(_("Review")[:31])
    intro = [
        _("Translation review: {sector}, {language} ({locale})").format(
            sector=sector_label, language=display_name(locale), locale=locale),
        _("ITC Guidelines for Translating and Adapting Tests: forward translation, "
          "back-translation, review."),
        _("1. Forward translation: the translator writes the target text (drafts are "
          "fuzzy in the PO file until reviewed)."),
        _("2. Back-translation: a second translator, who has not seen the source, "
          "translates the target back into English (hide the source column for them)."),
        _("3. Review: a reviewer compares source and back-translation, sets the status "
          "(ok / revise / discuss) and writes notes."),
        _("4. Sign-off: apply the revisions to the PO file, remove the fuzzy flags, and "
          "check with `relscale i18n status`."),
    ]
    for row, text in enumerate(intro, 1):
        sheet.set(row, 1, text, style="title" if row == 1 else "intro")
    header_row = len(intro) + 2
    headers = [_("Item id"), _("Context"), _("Source (English)"),
               _("Target ({locale})").format(locale=locale), _("Back-translation"),
               _("Reviewer notes"), _("Status"), _("Catalog state")]
    widths = [10, 28, 50, 50, 50, 35, 11, 13]
    editable = {4, 5, 6, 7}
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), 1):
        sheet.set(header_row, col, title, style="header")
        sheet.column_widths[col] = width
    first = header_row + 1
    for offset, r in enumerate(rows):
        values = [r.item, r.context, r.source, r.target, None, None, None,
                  _(CATALOG_STATES[r.state])]
        for col, value in enumerate(values, 1):
            sheet.set(first + offset, col, value or None,
                      style="input" if col in editable else "text",
                      locked=col not in editable)
    last = max(first, first + len(rows) - 1)
    statuses = [_(s) for s in REVIEW_STATUSES]
    sheet.validations.append(Validation.list(
        range_ref(first, 7, last, 7), statuses,
        error_title=_("Status"),
        error=_("Choose one of: {choices}.").format(choices=", ".join(statuses)),
    ))
    sheet.freeze = ref(first, 3)
    sheet.protection = SheetProtection(format_columns=True, format_rows=True)
    sheet.print_setup = PrintSetup(orientation="landscape", title_rows=(header_row, header_row),
                                   footer_center=_("Page {page} of {pages}"))
    return book


def write_review(rows: list[ReviewRow], path: Path, *, sector_label: str, locale: str,
                 overwrite: bool = False) -> None:
    """Write the side-by-side review workbook of the ITC translation step."""
    from relscale.excel.render import render

    book = build_review(rows, sector_label=sector_label, locale=locale)
    with atomic_write(path, overwrite=overwrite) as tmp:
        render(book, tmp)


# --- locales overview ------------------------------------------------------------------


@dataclass
class LocaleSummary:
    code: str
    english: str
    native: str
    complete: list[str]
    incomplete: list[str]


def locale_summaries(registry: Registry | None = None) -> Iterator[LocaleSummary]:
    """Every locale with a core catalog, and which domains are complete in it."""
    from relscale.i18n import available_locales, display_name

    reg = _registry(registry)
    rows = status(reg, locales=[x for x in available_locales() if x != SOURCE_LOCALE])
    all_names = [d.name for d in domains(reg)]
    yield LocaleSummary(SOURCE_LOCALE, display_name(SOURCE_LOCALE),
                        display_name(SOURCE_LOCALE, SOURCE_LOCALE), all_names, [])
    for code in available_locales():
        if code == SOURCE_LOCALE:
            continue
        mine = [r for r in rows if r.locale == code]
        yield LocaleSummary(
            code, display_name(code), display_name(code, code),
            [r.domain.name for r in mine if r.complete],
            [r.domain.name for r in mine if not r.complete],
        )

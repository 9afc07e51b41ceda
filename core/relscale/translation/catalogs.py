"""Reading and writing PO files, and finding the ones that exist for a set of domains.

babel is imported inside the functions that need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.io.atomic import atomic_write
from relscale.translation.domains import Domain, domains, select_domains, target_locale
from relscale.translation.help_texts import HelpText
from relscale.translation.templates import template

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from relscale.registry import Registry


class CatalogSyntaxError(RelscaleError):
    """A PO file that cannot be read: ``line`` (or None) and the problem without the file."""

    def __init__(self, message: str, line: int | None, detail: str) -> None:
        super().__init__(message)
        self.line = line
        self.detail = detail


def at_line(path: object, line: int) -> str:
    """``<path>, line <n>`` as error messages name a place in a file."""
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
        raise CatalogSyntaxError(f"{at_line(path, line)}: {detail}", line, detail) from None
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


def po_bytes(catalog: Catalog) -> bytes:
    """The PO file :func:`write_catalog` would write, as bytes."""
    from io import BytesIO

    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=96, include_previous=True)
    return buffer.getvalue()


def message_id(message: Any) -> str:
    """The msgid of a babel message (the singular of a plural one)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def message_text(message: Any) -> str:
    """The msgstr of a babel message (the first form of a plural one); '' when empty."""
    value = message.string
    return (value if isinstance(value, str) else (value[0] if value else "")) or ""


def catalog_locales(root: Path, domain: str) -> list[str]:
    """The locales with a PO file of ``domain`` under ``root``, sorted."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if (p / "LC_MESSAGES" / f"{domain}.po").is_file())


@dataclass(frozen=True)
class CatalogFile:
    """An existing PO file and the current template of its domain."""

    domain: Domain
    locale: str
    path: Path
    template: Any
    """The domain's template (a babel ``Catalog``), shared by its locales."""


def existing_catalogs(registry: Registry | None = None, *, names: Iterable[str] = (),
                      locales: Iterable[str] = (), root: Path | None = None,
                      help_messages: Iterable[HelpText] = ()) -> Iterator[CatalogFile]:
    """Every PO file of the chosen domains (``names``) and ``locales`` (default all).

    Each domain's template is built once, and only when the domain has a file.
    :param root: look in this one folder (as used with ``$RELSCALE_LOCALE_PATH``) instead
        of each package's ``locale`` folder.
    :param help_messages: see :func:`relscale.translation.templates.template`.
    """
    wanted = {target_locale(x) for x in locales}
    help_messages = tuple(help_messages)
    for domain in select_domains(domains(registry), names):
        found = [x for x in catalog_locales(root or domain.locale_dir, domain.name)
                 if not wanted or x in wanted]
        if not found:
            continue
        tmpl = template(domain, registry, help_messages=help_messages)
        for lang in found:
            yield CatalogFile(domain, lang, domain.po_path(lang, root), tmpl)


def duplicate_entries(path: Path) -> list[tuple[int, str | None, str]]:
    """Entries defined twice in one PO file, as ``(line, context, msgid)`` of each repeat.

    babel keeps one of them without a word, GNU ``msgfmt`` refuses the file; a merge that
    kept both sides of a conflict is the usual cause. Entries are the blank-line separated
    blocks of the file; obsolete (``#~``) entries do not count.
    """
    import ast
    import contextlib

    seen: set[tuple[str | None, str]] = set()
    repeats: list[tuple[int, str | None, str]] = []
    block: list[tuple[int, str]] = []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, raw in enumerate([*lines, ""], start=1):
        if raw.strip():
            block.append((number, raw.strip()))
            continue
        fields: dict[str, str] = {}
        field, first = None, 0
        for at, line in block:
            keyword, _sep, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid"):
                field, first = keyword, first or at
                fields[field] = ""
            elif not line.startswith('"'):
                field = None
                continue
            else:
                rest = line
            if field is not None and rest.startswith('"'):
                with contextlib.suppress(ValueError, SyntaxError):  # the syntax check reports it
                    fields[field] += ast.literal_eval(rest)
        block = []
        if fields.get("msgid"):
            key = (fields.get("msgctxt"), fields["msgid"])
            if key in seen:
                repeats.append((first, *key))
            seen.add(key)
    return repeats

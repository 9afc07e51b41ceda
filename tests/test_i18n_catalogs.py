"""The gate for shipped catalogs: Dutch complete everywhere, placeholders intact.

Completeness is measured against templates built from the current sources, so a new
``_()`` string or a reworded item fails here until its Dutch is written
(``relscale i18n update`` then translate; see docs/translating.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from relscale import translation as tools
from relscale.adapt import adapt
from relscale.cli.help_i18n import help_texts
from relscale.cli.main import cli_command
from relscale.i18n import resolve_locale
from relscale.plugins import get_registry

SHIPPED_LANGUAGES = ("nl",)


def _domains() -> list[tools.Domain]:
    return tools.domains(get_registry())


def _shipped_files() -> list[tuple[tools.Domain, Path]]:
    return [(d, p) for d in _domains()
            for p in sorted(d.locale_dir.glob(f"*/LC_MESSAGES/{d.name}.po"))]


@pytest.mark.parametrize("locale", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("domain", _domains(), ids=lambda d: d.name)
def test_shipped_language_is_complete(domain: tools.Domain, locale: str) -> None:
    path = domain.po_path(locale)
    assert path.is_file(), f"{path}: missing (relscale i18n init {locale} -d {domain.name})"
    # the --help texts belong to the relscale template, as `relscale i18n status` builds it
    tmpl = tools.template(domain, help_messages=help_texts(cli_command()))
    status = tools.catalog_status(domain, locale, path, tmpl)
    untranslated = [m.id for m in tmpl if m.id and not _translated(path, m)]
    assert status.missing == 0 and status.fuzzy == 0, (
        f"{path}: {status.missing} missing, {status.fuzzy} fuzzy; first: {untranslated[:3]}"
    )


def _translated(path: Path, message: object) -> bool:
    catalog = _read(path)
    found = catalog.get(message.id, context=message.context)  # type: ignore[attr-defined]
    return bool(found is not None and found.string and not found.fuzzy)


_cache: dict[Path, object] = {}


def _read(path: Path) -> object:
    if path not in _cache:
        _cache[path] = tools.read_catalog(path)
    return _cache[path]


def _file_id(x: object) -> str:
    return x.name if isinstance(x, tools.Domain) else Path(str(x)).parent.parent.name


@pytest.mark.parametrize("domain,path", _shipped_files(), ids=_file_id)
def test_shipped_catalog_placeholders_and_syntax(domain: tools.Domain, path: Path) -> None:
    errors = [str(p) for p in tools.check_catalog(path) if p.severity == "error"]
    assert not errors, "\n".join(errors)


def test_the_check_catches_what_it_should() -> None:
    """Guard against a check that passes everything: a broken copy must fail."""
    import re
    import tempfile

    path = next(p for d, p in _shipped_files() if d.kind == "sector")
    text = path.read_text(encoding="utf-8")
    broken, n = re.subn(r'(msgstr "[^"\n]*)\{subject\}', r"\1{onderwerp}", text, count=1)
    assert n == 1
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(broken, encoding="utf-8")
        errors = [p for p in tools.check_catalog(copy) if p.severity == "error"]
    assert len(errors) == 1 and "unknown {onderwerp}" in errors[0].message


def test_an_entry_defined_twice_is_an_error(tmp_path: Path) -> None:
    """babel keeps one of two definitions silently; GNU msgfmt refuses the file."""
    path = next(p for d, p in _shipped_files() if d.kind == "ui")
    text = path.read_text(encoding="utf-8")
    copy = tmp_path / path.name
    copy.write_text(text + '\nmsgctxt "help"\nmsgid "Show the version."\nmsgstr "x"\n'
                    + '\n#: x.py:1\nmsgid "interrupted"\nmsgstr "y"\n', encoding="utf-8")
    found = [p.message for p in tools.check_catalog(copy) if p.severity == "error"]
    assert found == ["[help] 'Show the version.': defined twice in this file",
                     "'interrupted': defined twice in this file"]


@pytest.mark.parametrize("locale", SHIPPED_LANGUAGES)
def test_every_offering_is_fully_translated(locale: str) -> None:
    """``relscale show ... --locale nl`` falls back to English nowhere."""
    reg = get_registry()
    for sector, instrument, perspective in reg.offerings():
        adapted = adapt(instrument.id, sector.id, perspective, locale)
        assert adapted.locale == locale
        assert adapted.fallbacks == (), (sector.id, instrument.id, perspective)


def test_belgian_dutch_falls_back_to_dutch_with_a_note() -> None:
    assert resolve_locale("nl_BE") == ("nl", ["nl_BE: no catalog, using nl"])
    adapted = adapt("relationship_quality", "foster_homes", locale="nl-BE")
    assert adapted.locale == "nl" and adapted.requested_locale == "nl-BE"
    assert adapted.fallbacks[0] == "nl_BE: no catalog, using nl"

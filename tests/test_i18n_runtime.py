"""Locale negotiation, fallback and adding a language with nothing but PO files.

New languages are created in a temporary folder put on ``$RELSCALE_LOCALE_PATH``; the
shipped catalogs are never modified.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from relscale import translation as tools
from relscale.adapt import adapt
from relscale.errors import LocaleError
from relscale.i18n import (
    ENV_LOCALE_PATH,
    Translator,
    available_locales,
    load_catalog,
    resolve_locale,
)
from relscale.messages import format_number


def translate(path: Path, translations: dict[tuple[str | None, str], str]) -> None:
    """Fill in some entries of an existing PO file, as a translator would."""
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    for (context, msgid), text in translations.items():
        message = catalog.get(msgid, context=context)
        assert message is not None, (context, msgid)
        message.string = text
    with open(path, "wb") as fh:
        write_po(fh, catalog)


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new locale ``de`` for every domain, in a folder on the locale path."""
    from relscale.plugins import get_registry

    root = tmp_path / "locale"
    results = tools.init_locale("de", get_registry(), root=root)
    assert all(r.created for r in results)
    monkeypatch.setenv(ENV_LOCALE_PATH, str(root))
    return root


def test_new_language_round_trip(german: Path) -> None:
    from relscale.plugins import get_registry

    reg = get_registry()
    inst = reg.instrument("relationship_quality")
    sector = reg.sector("foster_homes")
    wording = sector.offering("relationship_quality", "professional").items
    first, second = [w for w in wording if w.text][:2]
    translate(german / "de/LC_MESSAGES/relscale_instruments.po", {
        ("relationship_quality|title", inst.title): "Beziehungsqualität (Fachkraft)",
    })
    translate(german / "de/LC_MESSAGES/relscale_foster_homes.po", {
        (first.item, first.text): "DE: " + first.text,
    })

    assert "de" in available_locales()
    adapted = adapt("relationship_quality", "foster_homes", locale="de")
    assert adapted.locale == "de"
    assert adapted.title == "Beziehungsqualität (Fachkraft)"
    items = {i.id: i.text for i in adapted.items}
    assert items[first.item] == "DE: " + first.text
    assert items[second.item] == second.text  # not translated: English
    notes = " | ".join(adapted.fallbacks)
    assert "relscale_foster_homes:" in notes and "not translated into de" in notes
    assert "relscale_instruments:" in notes


def test_region_falls_back_to_language_with_a_note(german: Path) -> None:
    used, notes = resolve_locale("de-AT")
    assert used == "de"
    assert notes == ["de_AT: no catalog, using de"]
    translate(german / "de/LC_MESSAGES/relscale_foster_homes.po", {
        ("sector|label", "Foster homes"): "Kinderdorffamilien",
    })
    # a regional catalog wins over the language's where it has an entry
    regional = german / "de_AT/LC_MESSAGES/relscale_foster_homes.po"
    regional.parent.mkdir(parents=True)
    regional.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                        'msgctxt "sector|description"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
    from relscale.plugins import get_registry

    tr = Translator("de_AT")
    sector_dir = get_registry().sector("foster_homes").locale_dir
    assert tr.lookup("Foster homes", context="sector|label", domain="relscale_foster_homes",
                     locale_dir=sector_dir) == "Kinderdorffamilien"
    assert tr.lookup("x", context="sector|description", domain="relscale_foster_homes",
                     locale_dir=sector_dir) == "y"


def test_core_catalog_without_sector_catalog_notes_each_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relscale.plugins import get_registry

    root = tmp_path / "locale"
    tools.init_locale("fr", get_registry(), names=["relscale"], root=root)
    monkeypatch.setenv(ENV_LOCALE_PATH, str(root))
    adapted = adapt("relationship_quality", "foster_homes", locale="fr")
    assert adapted.locale == "fr"
    reg = get_registry()
    assert adapted.title == reg.instrument("relationship_quality").title
    notes = adapted.fallbacks
    assert any(n.startswith("relscale_foster_homes: no fr catalog") for n in notes)


def test_unknown_locale_lists_what_is_available_with_names() -> None:
    with pytest.raises(LocaleError) as info:
        resolve_locale("xx")
    message = str(info.value)
    assert message.startswith("unknown locale 'xx' (available: en (English)")
    assert "\n" not in message


def test_known_locale_without_catalog_is_an_error() -> None:
    with pytest.raises(LocaleError, match=r"no catalog for locale 'fi' \(available: en "
                       r"\(English\).*docs/translating.md"):
        resolve_locale("fi")


def test_english_needs_no_catalog() -> None:
    assert resolve_locale("en_GB") == ("en", [])
    assert resolve_locale("EN") == ("en", [])


def test_overlay_entries_win_over_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "shipped"
    overlay = tmp_path / "overlay"
    for root, text in ((shipped, "gedeeld"), (overlay, "eigen")):
        path = root / "nl/LC_MESSAGES/relscale_x.po"
        path.parent.mkdir(parents=True)
        path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                        f'msgid "a"\nmsgstr "{text}"\n\nmsgid "b_{text}"\nmsgstr "{text}"\n',
                        encoding="utf-8")
    monkeypatch.setenv(ENV_LOCALE_PATH, str(overlay))
    table = load_catalog(shipped, "relscale_x", "nl")
    assert table == {(None, "a"): "eigen", (None, "b_eigen"): "eigen",
                     (None, "b_gedeeld"): "gedeeld"}


def test_numbers_follow_the_locale() -> None:
    assert format_number(3.14159, "nl") == "3,14"
    assert format_number(1234.5, "en", digits=1) == "1234.5"

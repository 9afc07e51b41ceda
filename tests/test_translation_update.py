"""relscale.translation called from Python, as ``relscale i18n`` calls it: extract with the
``--help`` texts handed in, then init, update, status and check round trips in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_translation import make_registry, read, write_entries

from relscale import translation
from relscale.errors import LocaleError
from relscale.translation import HELP_CONTEXT, HelpText


def frobnicate() -> None:
    """A command callback: its file is where its help text is written."""
    print("Frobnicate the widgets, carefully.")


HELP = (
    HelpText(("relscale", "frob"), None, "help", "Frobnicate the widgets, carefully.",
             source=frobnicate),
    HelpText(("relscale", "frob"), None, "help", "Overwrite existing widgets.",
             param="--force", source=frobnicate),
    HelpText(("relscale", "twiddle"), None, "help", "Overwrite existing widgets.",
             param="--force"),
)


def test_extract_puts_the_help_texts_given_into_the_ui_template(tmp_path: Path) -> None:
    written = translation.extract(tmp_path, names=["relscale"], help_messages=HELP)
    assert [(d.name, p.name) for d, p, _ in written] == [("relscale", "relscale.pot")]
    pot = read(tmp_path / "relscale.pot")
    frob = pot.get("Frobnicate the widgets, carefully.", HELP_CONTEXT)
    assert frob.auto_comments == ["--help of `relscale frob`"]
    ((file, line),) = frob.locations
    assert file == "tests/test_translation_update.py"
    assert '"Frobnicate the widgets, carefully."' in Path(__file__).read_text(
        encoding="utf-8").splitlines()[line - 1]
    shared = pot.get("Overwrite existing widgets.", HELP_CONTEXT)
    assert shared.auto_comments == ["--help of `relscale frob --force` (and 1 more)"]
    # the marked UI strings are there too, and nothing of the real CLI's help
    assert pot.get("{path}: no such file") is not None
    assert pot.get("Show this message and exit.", HELP_CONTEXT) is None
    assert len(pot) == written[0][2]


def test_extract_without_help_texts_holds_only_the_marked_strings(tmp_path: Path) -> None:
    translation.extract(tmp_path, names=["relscale"])
    pot = read(tmp_path / "relscale.pot")
    assert not [m.id for m in pot if m.context == HELP_CONTEXT]
    assert pot.get("{path}: no such file") is not None


def test_extract_with_the_cli_help_texts(tmp_path: Path) -> None:
    from relscale.cli.help_i18n import help_texts
    from relscale.cli.main import cli_command

    translation.extract(tmp_path, names=["relscale"],
                        help_messages=help_texts(cli_command()))
    pot = read(tmp_path / "relscale.pot")
    show = pot.get("Show this message and exit.", HELP_CONTEXT)
    assert show is not None
    assert show.auto_comments[0].startswith("--help of `relscale --help` (and ")
    assert pot.get("Sector id, e.g. foster_homes.", HELP_CONTEXT).locations[0][0] == (
        "relscale/cli/common.py")


def test_init_status_update_check_round_trip(tmp_path: Path) -> None:
    reg = make_registry(tmp_path / "content")
    root = tmp_path / "loc"
    names = ["relscale_mentoring"]

    (created,) = translation.init_locale("de", reg, names=names, root=root)
    assert created.created and created.path == root / "de/LC_MESSAGES/relscale_mentoring.po"
    fresh = read(created.path)
    assert fresh.get("Mentees and I argue.", context="m3").string == ""

    (row,) = translation.status(reg, names=names, root=root)
    assert (row.locale, row.translated, row.fuzzy, row.missing) == ("de", 0, 0, row.total)
    assert row.total == created.messages and not row.complete

    # a translator's work, one entry with a placeholder lost
    write_entries(created.path, "relscale_mentoring", "de", {
        ("m3", "Mentees and I argue."): "Mentees und ich streiten.",
        ("m1", "As a mentor I enjoy time with {subject}."): "Als Mentor bin ich gern dabei.",
    })
    problems = translation.check(reg, names=names, root=root)
    errors = [p for p in problems if p.severity == "error"]
    assert [str(p.path) for p in errors] == [str(created.path)]
    assert "placeholders differ (missing {subject})" in errors[0].message
    (row,) = translation.status(reg, names=names, root=root)
    assert row.translated == 2

    # the English of m3 changes: update keeps the German, fuzzy, and adds what is missing
    changed = make_registry(tmp_path / "content", {
        "m1": "As a mentor I enjoy time with {subject}.",
        "m2": "I keep my distance from this mentee.",
        "m3": "Mentees and I often argue.",
        "m4": "The mentee clings to the mentor.",
    })
    (updated,) = translation.update_locales(changed, names=names, root=root)
    assert updated.path == created.path
    assert updated.merge.fuzzy == 1 and updated.merge.added > 0
    m3 = read(created.path).get("Mentees and I often argue.", context="m3")
    assert m3.string == "Mentees und ich streiten." and m3.fuzzy
    warnings = [p.message for p in translation.check(changed, names=names, root=root)
                if p.severity == "warning"]
    assert any("fuzzy" in w and "Mentees and I often argue." in w for w in warnings)


def test_init_require_new_names_the_kept_files(tmp_path: Path) -> None:
    reg = make_registry(tmp_path / "content")
    root = tmp_path / "loc"
    translation.init_locale("de", reg, names=["relscale_mentoring"], root=root)
    with pytest.raises(translation.NothingCreatedError,
                       match="every catalog for 'de' exists already") as caught:
        translation.init_locale("de", reg, names=["relscale_mentoring"], root=root,
                                require_new=True)
    assert [(r.domain.name, r.created) for r in caught.value.results] == [
        ("relscale_mentoring", False)]
    with pytest.raises(LocaleError, match="source language"):
        translation.init_locale("en_GB", reg, root=root)


def test_existing_catalogs_builds_one_template_per_domain(tmp_path: Path) -> None:
    reg = make_registry(tmp_path / "content")
    root = tmp_path / "loc"
    for lang in ("de", "fr"):
        translation.init_locale(lang, reg, names=["relscale_mentoring", "relscale_mini"],
                                root=root)
    found = list(translation.existing_catalogs(reg, root=root))
    assert [(f.domain.name, f.locale) for f in found] == [
        ("relscale_mini", "de"), ("relscale_mini", "fr"),
        ("relscale_mentoring", "de"), ("relscale_mentoring", "fr")]
    assert found[0].template is found[1].template
    assert found[2].template is not found[0].template
    only_fr = list(translation.existing_catalogs(reg, root=root, locales=["fr"],
                                                 names=["relscale_mini"]))
    assert [f.path for f in only_fr] == [root / "fr/LC_MESSAGES/relscale_mini.po"]


def test_locale_summaries_start_with_the_source_language() -> None:
    summaries = list(translation.locale_summaries())
    assert summaries[0].code == "en" and not summaries[0].incomplete
    assert "relscale" in summaries[0].complete
    dutch = next(s for s in summaries if s.code == "nl")
    assert dutch.native == "Nederlands" and "relscale_foster_homes" in dutch.complete

"""Catalog entries are checked when a catalog is read: a translation may use only the
plain named fields of its English text, or it is not used (one warning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import runner
from relscale.cli.main import app
from relscale.i18n import Translator, placeholder_problem, take_catalog_warnings


@pytest.mark.parametrize(("msgid", "msgstr", "problem"), [
    ("{path} written", "{path} geschreven", None),
    ("{path} written", "geschreven", None),  # a field may be left out
    ("{name!r} and {name}", "{name!r} en {name}", None),
    ("{n:04X}", "{n:04X}", None),
    ("{path} written", "{path.__class__.__init__.__globals__}", ("name", "path.__class__."
                                                                  "__init__.__globals__")),
    ("{path} written", "{path[0]}", ("name", "path[0]")),
    ("{path} written", "{0}", ("name", "0")),
    ("{path} written", "{pad}", ("unknown", "pad")),
    ("{path} written", "{path:{width}}", ("nested", "path")),
    ("{path} written", "{path!a}", ("conversion", "path")),
    ("{path} written", "{path!r}", ("conversion", "path")),
    ("{path} written", "{path", ("braces", "")),
    ("no fields", "{x}", ("unknown", "x")),
    ("a { literal", "een { los", None),  # not a format string on either side
    # issue 25: a translator's own format spec is refused (a width pads to gigabytes)
    ("{path} written", "{path:>300000000}", ("spec", "path")),
    ("{value:g} vs {value}", "{value:g}", None),
    ("{value:g}", "{value:>9}", ("spec", "value")),
    ("{value!r}", "{value!r:>9}", ("spec", "value")),
    ("{value!r}", "{value!s}", ("conversion", "value")),
])
def test_placeholder_rules(msgid: str, msgstr: str, problem: tuple[str, str] | None) -> None:
    assert placeholder_problem(msgid, msgstr) == problem


def _catalog(folder: Path, msgstr: str) -> Path:
    path = folder / "nl" / "LC_MESSAGES" / "relscale.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    '#, python-brace-format\nmsgid "{path} written"\n'
                    f'msgstr "{msgstr}"\n', encoding="utf-8")
    return path


def test_a_bad_entry_falls_back_with_one_warning(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    po = _catalog(tmp_path, "{path.__class__.__init__.__globals__[os].environ[SECRET]}")
    monkeypatch.setenv("RELSCALE_LOCALE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET", "hunter2")
    take_catalog_warnings()
    text = Translator("nl").lookup("{path} written").format(path="out.csv")
    assert "hunter2" not in text and text == "out.csv geschreven"  # the shipped nl entry
    warnings = take_catalog_warnings()
    assert len(warnings) == 1 and warnings[0].startswith(f"{po}: entry '{{path}} written'")
    assert take_catalog_warnings() == []


def test_i18n_check_checks_the_locale_path_without_dir(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    po = _catalog(tmp_path, "{path.__class__}")
    monkeypatch.setenv("RELSCALE_LOCALE_PATH", str(tmp_path))
    result = runner().invoke(app, ["i18n", "check", "-d", "relscale", "-l", "nl"])
    assert result.exit_code == 1
    assert f"{po}, line " in result.stderr and "unsafe placeholder {path.__class__}" in \
        result.stderr


def test_every_form_of_a_plural_entry_is_checked() -> None:
    """Issue 25: msgstr[1] was used unchecked; a form may use the fields of either id."""
    from relscale.format_fields import forms_problem

    ids = ["1 form written", "{n} forms written"]
    assert forms_problem(ids, ["{n} vragenlijst", "{n} vragenlijsten"]) is None
    assert forms_problem(ids, ["1 vragenlijst", "{n.__class__}"]) == ("name", "n.__class__")
    assert forms_problem(ids, ["1 vragenlijst", "{n:>99999}"]) == ("spec", "n")
    assert forms_problem(ids, ["", ""]) is None

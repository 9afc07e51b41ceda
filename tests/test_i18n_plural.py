"""Plural forms through ngettext: '1 formulier', '2 formulieren'."""

from __future__ import annotations

from relscale.i18n import ngettext, set_locale


def test_dutch_and_english_plurals() -> None:
    try:
        set_locale("nl")
        one = ngettext("{n} form written to {path}", "{n} forms written to {path}", 1)
        two = ngettext("{n} form written to {path}", "{n} forms written to {path}", 2)
        assert one.format(n=1, path="x") == "1 vragenlijst geschreven naar x"
        assert two.format(n=2, path="x") == "2 vragenlijsten geschreven naar x"
        assert ngettext("no such {n}", "no such {n}s", 3) == "no such {n}s"  # untranslated
        set_locale("en")
        assert ngettext("{n} form written to {path}", "{n} forms written to {path}", 1) == (
            "{n} form written to {path}")
    finally:
        set_locale("en")

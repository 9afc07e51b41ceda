"""Forms address their respondent in the right register.

A client-perspective form is filled in by a child, a young person or a client: in Dutch
it says *je/jouw* throughout. A professional form says *u/uw*. The form's own strings
(header fields, column heading, answer prompts, thanks) come from the UI catalog under
the message context ``client form``; English is the same for both audiences.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from relscale.adapt import adapt
from relscale.i18n import available_locales, pgettext, set_locale
from relscale.plugins import get_registry
from relscale.translation import ui_template
from relscale.workbooks.form import export_form, form_filename, form_texts

needs_dutch = pytest.mark.skipif("nl" not in available_locales(), reason="no Dutch catalog")

FORMAL = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
INFORMAL = re.compile(r"\b(je|jij|jou|jouw)\b", re.IGNORECASE)


def form_text(tmp_path: Path, instrument: str, sector: str, perspective: str,
              locale: str) -> str:
    """Every text a respondent sees: the form sheet's cells and the answer cells' prompts."""
    import openpyxl

    set_locale(locale)
    try:
        adapted = adapt(instrument, sector, perspective, locale)  # type: ignore[arg-type]
        path = tmp_path / form_filename(adapted)
        export_form(adapted, path, layout="compact")
    finally:
        set_locale("en")
    ws = openpyxl.load_workbook(path).worksheets[0]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for dv in ws.data_validations.dataValidation:
        texts += [t for t in (dv.promptTitle, dv.prompt, dv.errorTitle, dv.error) if t]
    return "\n".join(texts)


def offerings(perspective: str) -> list[tuple[str, str]]:
    return sorted((i.id, s.id) for s, i, p in get_registry().offerings() if p == perspective)


@needs_dutch
@pytest.mark.parametrize(("instrument", "sector"), offerings("client"))
def test_dutch_client_form_says_je(tmp_path: Path, instrument: str, sector: str) -> None:
    text = form_text(tmp_path, instrument, sector, "client", "nl")
    assert "Jouw naam of code" in text
    assert "Jouw antwoord" in text
    assert not FORMAL.findall(text), FORMAL.findall(text)


@needs_dutch
@pytest.mark.parametrize(("instrument", "sector"), offerings("professional"))
def test_dutch_professional_form_says_u(tmp_path: Path, instrument: str, sector: str) -> None:
    text = form_text(tmp_path, instrument, sector, "professional", "nl")
    assert "Uw naam of code" in text
    assert "Uw antwoord" in text
    assert not INFORMAL.findall(text), INFORMAL.findall(text)


def test_english_is_the_same_for_both_audiences(tmp_path: Path) -> None:
    set_locale("en")
    assert form_texts("client") == form_texts("professional")
    client = form_text(tmp_path, "relationship_quality_client", "foster_homes", "client", "en")
    assert "Your name or code" in client and "Statement" in client
    assert "Thank you for completing this form." in client


def test_client_form_strings_are_extracted_with_their_context() -> None:
    catalog = ui_template()
    for msgid in form_texts("professional").values():
        assert catalog.get(msgid) is not None, msgid
        assert catalog.get(msgid, "client form") is not None, msgid


def test_pgettext_falls_back_to_english() -> None:
    set_locale("en")
    assert pgettext("client form", "Your name or code") == "Your name or code"
    if "nl" in available_locales():
        set_locale("nl")
        try:
            assert pgettext("no such context", "Your name or code") == "Your name or code"
            assert pgettext("client form", "Your name or code") == "Jouw naam of code"
        finally:
            set_locale("en")

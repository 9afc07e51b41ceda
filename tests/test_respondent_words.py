"""Every text a child, young person or client reads names the professional with their own
word: the respondent variant's or the role's spoken label, never the staff term (issue 23).

The forms are built and every string on the respondent's sheet is read back, in every
sector, language and respondent variant; education's variants (primary, secondary) give
Dutch children "juf of meester" and secondary students "docent"."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.i18n import set_locale
from relscale.plugin_kit import check_plugins, new_plugin
from relscale.plugin_kit.contract_respondents import contains_term, wrong_terms
from relscale.plugins import get_registry
from relscale.workbooks.form import build_form

SPOKEN = {  # (sector, variant, locale) -> the word the respondent uses
    ("education", "primary", "nl"): "juf of meester",
    ("education", "secondary", "nl"): "docent",
    ("education", "primary", "en"): "teacher",
    ("education", "secondary", "en"): "teacher",
    ("foster_homes", None, "en"): "house parent",
    ("foster_homes", None, "nl"): "gezinshuisouder",
    ("youth_care", None, "en"): "support worker",
    ("youth_care", None, "nl"): "begeleider",
    ("disability_care", None, "en"): "support worker",
    ("disability_care", None, "nl"): "begeleider",
}
NEVER = {"en": ("gezinshuis parent", "youth worker", "foster parent", "foster-home parent"),
         "nl": ("jeugdhulpverlener", "leerkracht")}


def client_forms() -> list[tuple[str, str, str | None, str]]:
    reg = get_registry()
    found = []
    for s, inst, perspective in reg.offerings():
        if perspective != "client":
            continue
        for variant in [v.id for v in s.variants] or [None]:
            for locale in ("en", "nl"):
                found.append((inst.id, s.id, variant, locale))
    return found


def respondent_sheet_texts(instrument: str, sector: str, variant: str | None,
                           locale: str, *, practice: bool) -> list[str]:
    """Every string on the respondent's sheet of the built form (not the administrator's),
    the hidden item-id column left out."""
    set_locale(locale)
    try:
        adapted = adapt(instrument, sector, "client", locale, variant=variant)
        book, layout = build_form(adapted, practice=practice)
    finally:
        set_locale("en")
    sheet = book.sheets[0]
    return [str(c.value) for (_r, col), c in sheet.cells.items()
            if isinstance(c.value, str) and col != layout.item_id_column]


@pytest.mark.parametrize(("instrument", "sector", "variant", "locale"), client_forms())
def test_every_text_on_a_client_form_uses_the_respondents_word(
        instrument: str, sector: str, variant: str | None, locale: str) -> None:
    texts = respondent_sheet_texts(instrument, sector, variant, locale, practice=True)
    said = SPOKEN[(sector, variant, locale)]
    adapted = adapt(instrument, sector, "client", locale, variant=variant)
    assert adapted.subject_said == said
    # the title and the name field say it ...
    assert said in texts[0], texts[0]
    assert any(contains_term(t, said) for t in texts[1:6]), texts[1:6]
    # ... and no text says the staff term or another variant's word
    wrong = [*wrong_terms(get_registry().sector(sector), adapted), *NEVER[locale]]
    if said in wrong:
        wrong.remove(said)
    for text in texts:
        hits = [w for w in wrong if contains_term(text, w)]
        assert not hits, (hits, text)
    assert not any("{role}" in t or "{subject}" in t for t in texts)


def test_education_variants() -> None:
    primary = adapt("relationship_quality_client", "education", "client", "nl")
    secondary = adapt("relationship_quality_client", "education", "client", "nl",
                      variant="secondary")
    assert (primary.variant, secondary.variant) == ("primary", "secondary")
    assert primary.title == "Hoe gaat het tussen jou en je juf of meester?"
    assert secondary.title == "Hoe gaat het tussen jou en je docent?"
    assert all("mijn docent" in i.text or "docent" in i.text for i in secondary.items)
    assert not any(re.search(r"\bjuf\b", i.text) for i in secondary.items)
    assert secondary.variant_label is not None and "Voortgezet" in secondary.variant_label
    # the item ids, keys and scale do not depend on the variant: the data stay comparable
    assert primary.item_ids == secondary.item_ids and primary.scale == secondary.scale
    # the staff term stays on the administrator's side
    assert primary.subject == secondary.subject == "leerkracht"
    with pytest.raises(RelscaleError, match=r"no respondent variant 'tertiary' \(it has: "
                                            r"primary, secondary\)"):
        adapt("relationship_quality_client", "education", "client", "nl", variant="tertiary")
    with pytest.raises(RelscaleError, match="has no respondent variants"):
        adapt("relationship_quality_client", "youth_care", "client", "nl", variant="primary")


def test_form_and_forms_commands_take_a_variant(tmp_path: Path) -> None:
    out = tmp_path / "secondary.xlsx"
    result = runner().invoke(app, ["form", "relationship_quality_client", "-s", "education",
                                   "-l", "nl", "--variant", "secondary", "-o", str(out),
                                   "--with-admin-sheet"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.worksheets[0]["A1"].value == "Hoe gaat het tussen jou en je docent?"
    admin = " ".join(str(c.value) for r in wb.worksheets[1].iter_rows() for c in r if c.value)
    assert "Voortgezet onderwijs" in admin
    batch = runner().invoke(app, ["forms", "-d", str(tmp_path / "b"), "-s", "education",
                                  "-p", "client", "-l", "nl", "--variant", "secondary"])
    assert batch.exit_code == 0, batch.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "relationship_quality_client_education_client-secondary_nl.xlsx",
        "working_alliance_education_client-secondary_nl.xlsx"]
    bad = runner().invoke(app, ["form", "relationship_quality_client", "-s", "education",
                                "--variant", "tertiary", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "primary, secondary" in bad.output
    assert "Traceback" not in bad.output and not (tmp_path / "x.xlsx").exists()
    shown = runner().invoke(app, ["show", "relationship_quality_client", "-s", "education",
                                  "--variant", "secondary"])
    assert shown.exit_code == 0 and "--variant secondary; primary, secondary" in shown.stdout


def test_plugin_check_finds_a_staff_term_on_a_client_form(tmp_path: Path) -> None:
    project = new_plugin("care_farms", from_sector="youth_care", directory=tmp_path).path
    sector = project / "relscale_care_farms" / "sector.toml"
    text = sector.read_text(encoding="utf-8")
    old = "These sentences are about you and one {role}"
    assert text.count(old) == 2
    sector.write_text(text.replace(old, "These sentences are about you and one youth worker", 1),
                      encoding="utf-8")
    report = check_plugins(path=project, build=False)
    lines = [str(p) for p in report.problems]
    assert any("relationship_quality_client/client: instructions" in line
               and "'youth worker'" in line and "'support worker'" in line for line in lines), \
        lines


@pytest.mark.parametrize("fmt", ["xlsform", "redcap", "limesurvey"])
def test_platform_exports_take_a_variant(tmp_path: Path, fmt: str) -> None:
    """A secondary-school export speaks of the 'docent', never of the 'juf'; the item ids
    are the primary export's (the data stay comparable)."""
    texts = {}
    for variant in ("primary", "secondary"):
        out = tmp_path / f"{variant}{get_registry().exporter(fmt).suffix}"
        result = runner().invoke(app, ["export", "relationship_quality_client", "-s",
                                       "education", "-l", "nl", "--variant", variant, "-F",
                                       fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        if out.suffix == ".xlsx":
            wb = openpyxl.load_workbook(out)
            texts[variant] = " ".join(str(c.value) for ws in wb.worksheets
                                      for r in ws.iter_rows() for c in r if c.value)
        else:
            texts[variant] = out.read_text(encoding="utf-8")
    assert re.search(r"\bjuf\b", texts["primary"])
    assert not re.search(r"\bjuf\b", texts["secondary"]) and "docent" in texts["secondary"]
    # the code field the child fills in names the person in the child's words too
    assert "Naam of code van je juf of meester" in texts["primary"]
    assert "Naam of code van je docent" in texts["secondary"]
    assert "leerkracht" not in texts["primary"].split("Naam of code van je")[1][:40]
    for item in adapt("relationship_quality_client", "education", "client", "nl").item_ids:
        assert item in texts["primary"] and item in texts["secondary"]

"""Translator tooling (relscale.translation): templates, init, merge, status, check,
drafts and the review workbook, on small inline content in temporary folders.

Nothing here writes into the shipped locale folders: catalogs go to ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from fixtures_translation import (
    education_nl,
    make_registry,
    mentoring_nl_roles,
    read,
    write_entries,
)

from relscale import translation as tools
from relscale.errors import LocaleError, RelscaleError
from relscale.i18n import load_catalog
from relscale.registry import Registry


def domain(reg: Registry, name: str) -> tools.Domain:
    return next(d for d in tools.domains(reg) if d.name == name)


# --- templates -----------------------------------------------------------------------


def test_domains_cover_ui_instruments_and_each_sector(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    found = {d.name: d for d in tools.domains(reg)}
    assert list(found) == ["relscale", "relscale_mini", "relscale_education",
                           "relscale_mentoring"]
    assert found["relscale_mini"].instruments == ("mini",)
    assert found["relscale_mentoring"].locale_dir == tmp_path / "mentoring"


def test_sector_template_has_contexts_and_translator_comments(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    tmpl = tools.template(domain(reg, "relscale_mentoring"), reg)
    m2 = tmpl.get("I keep my distance from this mentee.", context="m2")
    assert m2 is not None
    # dimension and keying come from the instrument's slot, not the sector file
    assert "dimension warmth, keying -" in " ".join(m2.auto_comments)
    m1 = tmpl.get("As a mentor I enjoy time with {subject}.", context="m1")
    assert any("{subject}" in c for c in m1.auto_comments)
    assert tmpl.get("mentor", context="role.mentor|label") is not None
    assert tmpl.get("Why m3.", context="m3|rationale") is not None


def test_instrument_template_from_the_shipped_item_bank() -> None:
    from relscale.plugins import get_registry

    reg = get_registry()
    tmpl = tools.template(domain(reg, "relscale_instruments"), reg)
    slot = reg.instrument("relationship_quality").items[0]
    message = tmpl.get(slot.intent, context=f"{slot.id}|intent")
    assert message is not None
    assert f"dimension {slot.dimension}, keying {slot.keying}" in message.auto_comments[0]
    # the location is the TOML file and the line holding the text
    (filename, lineno), = message.locations
    assert filename == "relscale/instruments/relationship_quality.toml"
    lines = (Path(tools.CORE_PACKAGE_DIR) / "instruments/relationship_quality.toml"
             ).read_text().splitlines()
    assert slot.intent[:40] in lines[lineno - 1]


def test_ui_template_extracts_marked_strings_with_translator_comments(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text(
        "from relscale.i18n import _, N_\n"
        "LABEL = N_('Closeness')\n"
        "def f(n):\n"
        "    # TRANSLATORS: n is a number of forms\n"
        "    return _('{n} forms written').format(n=n)\n"
        "def g(x):\n"
        "    return _(x)  # not a literal: not extracted\n"
    )
    tmpl = tools.ui_template([pkg])
    ids = [m.id for m in tmpl if m.id]
    assert ids == ["Closeness", "{n} forms written"]
    message = tmpl.get("{n} forms written")
    assert message.auto_comments == ["n is a number of forms"]
    assert message.locations == [("pkg/mod.py", 5)]


def test_core_ui_template_finds_the_cli_strings() -> None:
    tmpl = tools.ui_template()
    message = tmpl.get("Sector")
    assert message is not None
    assert ("relscale/cli/catalog.py" in [f for f, _ in message.locations])


def test_extract_writes_one_pot_per_domain_and_refuses_to_overwrite(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    out = tmp_path / "pot"
    written = tools.extract(out, reg, names=["relscale_mentoring", "relscale_mini"])
    assert sorted(p.name for _, p, _ in written) == ["relscale_mentoring.pot",
                                                      "relscale_mini.pot"]
    pot = read(out / "relscale_mentoring.pot")
    assert pot.get("Mentees and I argue.", context="m3") is not None
    with pytest.raises(RelscaleError, match="already exists"):
        tools.extract(out, reg, names=["relscale_mini"])


# --- init ----------------------------------------------------------------------------


def test_init_creates_empty_catalogs_and_never_overwrites(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    root = tmp_path / "overlay"
    results = tools.init_locale("de", reg, root=root)
    assert all(r.created for r in results)
    path = root / "de/LC_MESSAGES/relscale_mentoring.po"
    catalog = read(path)
    assert str(catalog.locale) == "de"
    assert all(not m.string for m in catalog if m.id)
    assert len([m for m in catalog if m.id]) == results[-1].messages

    # a translator fills one in; a second init must keep it
    message = catalog.get("Mentees and I argue.", context="m3")
    message.string = "Mentees und ich streiten."
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    again = tools.init_locale("de", reg, root=root)
    assert not any(r.created for r in again)
    assert read(path).get("Mentees and I argue.", context="m3").string == (
        "Mentees und ich streiten."
    )


def test_init_into_package_folders_by_default(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    results = tools.init_locale("fr_BE", reg, names=["relscale_mentoring"])
    assert [r.path for r in results] == [
        tmp_path / "mentoring/fr_BE/LC_MESSAGES/relscale_mentoring.po"
    ]


@pytest.mark.parametrize("bad", ["en", "en_GB", "xx", "not a locale"])
def test_init_rejects_the_source_language_and_unknown_locales(tmp_path: Path, bad: str) -> None:
    reg = make_registry(tmp_path)
    with pytest.raises(LocaleError):
        tools.init_locale(bad, reg, root=tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_unknown_domain_is_named(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    with pytest.raises(RelscaleError, match=r"unknown domain 'relscale_nope'.*relscale_mini"):
        tools.init_locale("de", reg, names=["relscale_nope"], root=tmp_path)


# --- update / merge ------------------------------------------------------------------


def test_update_marks_changed_source_fuzzy_and_keeps_old_translation(tmp_path: Path) -> None:
    mentoring_nl_roles(tmp_path, {
        ("m2", "I keep my distance from this mentee."): "Ik houd afstand van deze deelnemer.",
        ("m3", "Mentees and I argue."): "Deelnemers en ik maken ruzie.",
        ("m4", "The mentee clings to the mentor."): "De deelnemer klampt zich vast.",
    })
    # the English of m2 is rewritten beyond recognition (no difflib match); m3 unchanged
    changed = make_registry(tmp_path, {
        "m1": "As a mentor I enjoy time with {subject}.",
        "m2": "Between this mentee and me there is a wall.",
        "m3": "Mentees and I argue.",
        "m4": "The mentee clings to the mentor.",
    })
    results = tools.update_locales(changed, names=["relscale_mentoring"])
    assert len(results) == 1
    path = tmp_path / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po"
    catalog = read(path)
    m2 = catalog.get("Between this mentee and me there is a wall.", context="m2")
    assert m2.fuzzy
    assert m2.string == "Ik houd afstand van deze deelnemer."
    assert not catalog.get("Mentees and I argue.", context="m3").fuzzy
    assert results[0].merge.fuzzy == 1
    # fuzzy entries are not used at run time: the English shows instead
    table = load_catalog(tmp_path / "mentoring", "relscale_mentoring", "nl")
    assert ("m2", "Between this mentee and me there is a wall.") not in table
    assert table[("m3", "Mentees and I argue.")] == "Deelnemers en ik maken ruzie."
    # the previous source is written for the translator to compare
    assert '#| msgid "I keep my distance from this mentee."' in path.read_text()


def test_update_keeps_removed_entries_as_obsolete(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    extra = {(("m9|rationale"), "Gone."): "Weg."}
    mentoring_nl_roles(tmp_path, extra)
    tools.update_locales(reg, names=["relscale_mentoring"])
    path = tmp_path / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po"
    catalog = read(path)
    assert catalog.get("Gone.", context="m9|rationale") is None
    assert '#~ msgid "Gone."' in path.read_text()
    assert catalog.get("mentor", context="role.mentor|label").string == "begeleider"


def test_merge_never_moves_a_translation_to_another_context(tmp_path: Path) -> None:
    old = Catalog(locale="nl", fuzzy=False)
    old.add("We argue.", "We maken ruzie.", context="m3")
    old.add("We argue a lot.", "We maken veel ruzie.", context="m4")
    new = Catalog(fuzzy=False)
    new.add("We argue.", context="m4")  # m4 now has m3's old text: a different item
    new.add("We often argue.", context="m3")
    tools.merge(old, new)
    # m4 inherits its own old translation (fuzzy), never m3's exact-text translation
    assert old.get("We argue.", context="m4").string == "We maken veel ruzie."
    assert old.get("We argue.", context="m4").fuzzy
    assert old.get("We often argue.", context="m3").string == "We maken ruzie."


def test_merge_fuzzy_matches_ui_strings_without_context() -> None:
    old = Catalog(locale="nl", fuzzy=False)
    old.add("{n} forms written", "{n} formulieren geschreven")
    old.add("Reliability", "Betrouwbaarheid")
    new = Catalog(fuzzy=False)
    new.add("{n} forms written.")
    new.add("Norm group")
    result = tools.merge(old, new)
    assert old.get("{n} forms written.").string == "{n} formulieren geschreven"
    assert old.get("{n} forms written.").fuzzy
    assert not old.get("Norm group").string  # nothing close enough
    assert (result.added, result.fuzzy, result.obsolete) == (1, 1, 1)


# --- status and check ----------------------------------------------------------------


def test_status_counts_against_the_template(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    mentoring_nl_roles(tmp_path, {
        ("m3", "Mentees and I argue."): "Deelnemers en ik maken ruzie.",
        ("m4", "The mentee clings to the mentor."): "De deelnemer klampt.",
        ("old", "Not in the template."): "Niet meer.",
    })
    path = tmp_path / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po"
    catalog = read(path)
    catalog.get("The mentee clings to the mentor.", context="m4").flags.add("fuzzy")
    with open(path, "wb") as fh:
        write_po(fh, catalog)

    rows = tools.status(reg, names=["relscale_mentoring", "relscale_education"])
    assert [(r.domain.name, r.locale) for r in rows] == [
        ("relscale_mentoring", "nl"), ("relscale_education", "nl")]
    mentoring, education = rows
    total = len([m for m in tools.template(domain(reg, "relscale_mentoring"), reg) if m.id])
    assert (mentoring.total, mentoring.translated, mentoring.fuzzy) == (total, 5, 1)
    assert mentoring.missing == total - 6
    assert mentoring.stale == 1
    assert not mentoring.complete
    # a shipped locale with no catalog for a domain shows as incomplete
    assert education.path is None and education.missing == education.total


def test_status_complete_when_everything_is_translated(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    tmpl = tools.template(domain(reg, "relscale_mentoring"), reg)
    write_entries(tmp_path / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po",
                  "relscale_mentoring", "nl",
                  {(m.context, m.id): f"NL {m.id}" for m in tmpl if m.id})
    (row,) = tools.status(reg, names=["relscale_mentoring"])
    assert row.complete and row.missing == 0 and row.fuzzy == 0


def test_check_reports_placeholder_mismatch_with_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "m1"\nmsgid "I like {subject}."\nmsgstr "Ik mag {naam}."\n\n'
        'msgid "{n} forms"\nmsgstr "{n} formulieren"\n\n'
        '#, fuzzy\nmsgid "Closeness"\nmsgstr "Nabijheid"\n\n'
        'msgid "Open {brace"\nmsgstr "Open {accolade"\n',
        encoding="utf-8",
    )
    problems = tools.check_catalog(path)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    assert len(errors) == 2
    assert errors[0].line == 6
    assert "missing {subject}" in errors[0].message and "unknown {naam}" in errors[0].message
    assert "malformed braces" in errors[1].message
    assert [w.line for w in warnings] == [13]
    assert str(errors[0]).startswith(f"{path}, line 6: error: [m1]")


def test_check_reports_a_syntax_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nthis is not po\n',
                    encoding="utf-8")
    (problem,) = tools.check_catalog(path)
    assert problem.severity == "error"
    assert problem.line == 6
    with pytest.raises(RelscaleError, match=r"broken\.po, line 6: not a valid PO file"):
        tools.read_catalog(path)


# --- drafts --------------------------------------------------------------------------


def test_substitute_terms_whole_words_longest_first_keeping_capitals() -> None:
    terms = {"leerling": "pleegkind", "leerlingen": "pleegkinderen", "leerkracht": "pleegouder"}
    text, done = tools.substitute_terms(
        "Leerlingen zien de leerkracht; de leerling en het leerlingvolgsysteem.", terms)
    assert text == "Pleegkinderen zien de pleegouder; de pleegkind en het leerlingvolgsysteem."
    assert done == ["Leerlingen → Pleegkinderen", "leerkracht → pleegouder",
                    "leerling → pleegkind"]


def test_draft_takes_education_wording_with_sector_role_terms(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    mentoring_nl_roles(tmp_path)
    result = tools.draft("mentoring", "nl", reg)
    catalog = result.catalog
    m1 = catalog.get("As a mentor I enjoy time with {subject}.", context="m1")
    assert m1.string == "Als begeleider ben ik graag samen met {subject}."
    assert m1.fuzzy
    assert "draft from the education nl wording of m1" in m1.user_comments[0]
    assert "leerkracht → begeleider" in m1.user_comments[0]
    m3 = catalog.get("Mentees and I argue.", context="m3")
    assert m3.string == "Deelnemers en ik maken ruzie." and m3.fuzzy
    instructions = catalog.get("Think of one mentee.",
                               context="mini.professional|instructions")
    assert instructions.string == "Denk aan één deelnemer."
    # education has no Dutch for m4: nothing to draft from
    assert not catalog.get("The mentee clings to the mentor.", context="m4").string
    # existing sector translations are kept as they are, not fuzzy
    role = catalog.get("mentor", context="role.mentor|label")
    assert role.string == "begeleider" and not role.fuzzy
    # rationale is the sector's own: never drafted from education
    assert not catalog.get("Why m3.", context="m3|rationale").string
    assert (result.drafted, result.kept) == (4, 4)
    assert result.bracketed == []


def test_draft_brackets_role_terms_when_the_sector_has_no_catalog(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    result = tools.draft("mentoring", "nl", reg)
    m2 = result.catalog.get("I keep my distance from this mentee.", context="m2")
    assert m2.string == "Ik houd afstand van deze [mentee]."
    assert m2.fuzzy
    assert set(result.bracketed) == {"mentor", "mentors", "mentee", "mentees"}


def test_draft_errors(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    with pytest.raises(RelscaleError, match="no nl catalog to draft from"):
        tools.draft("mentoring", "nl", reg)
    with pytest.raises(RelscaleError, match="reference sector"):
        tools.draft("education", "nl", reg)
    with pytest.raises(RelscaleError, match="unknown sector"):
        tools.draft("nope", "nl", reg)


def test_draft_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    out = tmp_path / "draft.po"
    out.write_text("mine")
    result = tools.draft("mentoring", "nl", reg)
    with pytest.raises(RelscaleError, match="already exists"):
        tools.write_catalog(result.catalog, out)
    assert out.read_text() == "mine"
    tools.write_catalog(result.catalog, out, overwrite=True)
    assert read(out).get("Mentees and I argue.", context="m3").fuzzy


# --- review workbook -----------------------------------------------------------------


def test_review_rows_and_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    reg = make_registry(tmp_path)
    mentoring_nl_roles(tmp_path, {
        ("m3", "Mentees and I argue."): "Deelnemers en ik maken ruzie.",
    })
    rows = tools.review_rows("mentoring", "nl", reg)
    by_context = {r.context: r for r in rows}
    assert by_context["m3"].item == "m3"
    assert by_context["m3"].target == "Deelnemers en ik maken ruzie."
    assert by_context["m3"].state == "translated"
    assert by_context["m3|rationale"].item == "m3"
    assert by_context["sector|label"].item == ""
    assert by_context["m4"].state == "missing"

    out = tmp_path / "review.xlsx"
    tools.write_review(rows, out, sector_label="Mentoring", locale="nl")
    ws = load_workbook(out).active
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Item id")
    assert [ws.cell(header, c).value for c in range(1, 9)] == [
        "Item id", "Context", "Source (English)", "Target (nl)", "Back-translation",
        "Reviewer notes", "Status", "Catalog state"]
    assert "ITC" in ws.cell(2, 1).value
    first = header + 1
    assert ws.cell(first + rows.index(by_context["m3"]), 4).value == (
        "Deelnemers en ik maken ruzie.")
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"ok,revise,discuss"'
    assert str(validation.sqref) == f"G{first}:G{first + len(rows) - 1}"
    assert ws.protection.sheet
    assert ws.cell(first, 3).protection.locked and not ws.cell(first, 5).protection.locked
    with pytest.raises(RelscaleError, match="already exists"):
        tools.write_review(rows, out, sector_label="Mentoring", locale="nl")


def test_review_of_a_draft_file(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    education_nl(tmp_path)
    out = tmp_path / "d.po"
    tools.write_catalog(tools.draft("mentoring", "nl", reg).catalog, out)
    rows = tools.review_rows("mentoring", "nl", reg, catalog_path=out)
    m1 = next(r for r in rows if r.context == "m1")
    assert m1.state == "fuzzy"
    assert m1.target.startswith("Als [mentor]")


def test_merge_revives_an_obsolete_entry_whose_source_came_back() -> None:
    old = Catalog(locale="nl", fuzzy=False)
    old.add("Validated instrument.", "Gevalideerd instrument.")
    tools.merge(old, Catalog(fuzzy=False))  # the string disappears from the code...
    assert old.get("Validated instrument.") is None and len(old.obsolete) == 1
    back = Catalog(fuzzy=False)
    back.add("Validated instrument.")
    result = tools.merge(old, back)  # ...and comes back unchanged
    message = old.get("Validated instrument.")
    assert message.string == "Gevalideerd instrument." and not message.fuzzy
    assert (result.revived, result.fuzzy, result.obsolete) == (1, 0, 0)


def test_ui_template_sees_calls_inside_fstrings(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "__pycache__" / "junk.py").write_text("_('Ignored')\n")
    (pkg / "__main__.py").write_text(
        "from relscale.i18n import _\n"
        "def show(v):\n"
        "    return f\"{_('Version')}: {v}\"\n"
    )
    tmpl = tools.ui_template([pkg])
    assert [m.id for m in tmpl if m.id] == ["Version"]
    assert tmpl.get("Version").locations == [("pkg/__main__.py", 3)]


def test_update_without_changes_leaves_the_file_alone(tmp_path: Path) -> None:
    reg = make_registry(tmp_path)
    tools.init_locale("nl", reg, names=["relscale_mentoring"])
    path = tmp_path / "mentoring/nl/LC_MESSAGES/relscale_mentoring.po"
    tools.update_locales(reg, names=["relscale_mentoring"])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    (result,) = tools.update_locales(reg, names=["relscale_mentoring"])
    assert (result.merge.added, result.merge.fuzzy, result.merge.obsolete) == (0, 0, 0)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_percent_sign_is_no_python_format(tmp_path: Path) -> None:
    """babel flags "10% of" as a %-format; relscale's messages are brace-formatted only,
    so neither a template nor a merged catalog carries python-format (msgfmt -c would
    then refuse a translation with "10% van")."""
    from relscale.translation.templates import brace_format_only
    from relscale.translation.update import merge

    tmpl = Catalog(locale=None, domain="relscale")
    tmpl.add("left out more than 10% of the respondents ({counts})")
    assert "python-format" in tmpl.get("left out more than 10% of the respondents ({counts})").flags
    brace_format_only(tmpl)
    po = Catalog(locale="nl", domain="relscale")
    merge(po, tmpl)
    entry = po.get("left out more than 10% of the respondents ({counts})")
    assert entry is not None and "python-format" not in entry.flags
    ui = tools.template(next(d for d in tools.domains() if d.kind == "ui"))
    assert not [m.id for m in ui if "python-format" in m.flags]

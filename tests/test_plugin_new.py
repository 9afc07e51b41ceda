"""relscale plugin new: the names it refuses, and the project it writes (which replaces the
old docs/plugin-template: what its test checked is checked here on a fresh scaffold)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import relscale
from helpers import runner
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.model import hookspecs
from relscale.model.schema import schema_text
from relscale.plugin_kit import check_plugins, new_plugin
from relscale.plugin_kit.contract import PROVENANCE_UNCHANGED
from relscale.plugin_kit.locate import folder_plugins, plugin_registry
from relscale.plugins import get_registry
from relscale.translation import read_catalog


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_plugin("care_farms", directory=tmp_path_factory.mktemp("skeleton")).path


@pytest.fixture(scope="module")
def from_youth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_plugin("care_farms", from_sector="youth_care",
                      directory=tmp_path_factory.mktemp("from")).path


def _package_module(project: Path) -> ModuleType:
    folder = project / "relscale_care_farms"
    spec = importlib.util.spec_from_file_location("relscale_care_farms", folder / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("Care Farms", "'Care Farms' is not a sector id: use lower-case letters, digits and "
                   "underscores, starting with a letter (e.g. care_farms)"),
    ("care-farms", "'care-farms' is not a sector id"),
    ("9lives", "'9lives' is not a sector id"),
    ("youth_care", "sector 'youth_care' already exists (plugin 'youth_care')"),
])
def test_refused_names_are_one_line(name: str, message: str, tmp_path: Path) -> None:
    result = runner().invoke(app, ["plugin", "new", name, "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"relscale: error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "relscale-care-farms"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    with pytest.raises(RelscaleError, match="already exists; plugin new never overwrites"):
        new_plugin("care_farms", directory=tmp_path)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["relscale-care-farms"]  # no staging left


def test_unknown_source_sector(tmp_path: Path) -> None:
    with pytest.raises(RelscaleError, match="unknown sector 'farms'"):
        new_plugin("care_farms", from_sector="farms", directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- the project -------------------------------------------------------------------------


def test_cli_lists_what_it_wrote(tmp_path: Path) -> None:
    result = runner().invoke(app, ["plugin", "new", "care_farms", "--from", "education",
                                   "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    for name in ("pyproject.toml", "relscale_care_farms/sector.toml", "tests/test_contract.py",
                 "relscale_care_farms/locale/nl/LC_MESSAGES/relscale_care_farms.po"):
        assert name in result.stdout
        assert (tmp_path / "relscale-care-farms" / name).is_file()
    # The roles come whole, and the respondent variants with the child's word for the
    # teacher ({role}) and its translation per variant.
    folder = tmp_path / "relscale-care-farms" / "relscale_care_farms"
    mine = relscale.load_sector(folder / "sector.toml")
    education = get_registry().sector("education")
    assert (mine.professional, mine.client) == (education.professional, education.client)
    assert mine.variants == education.variants
    assert [v.id for v in mine.variants] == ["primary", "secondary"]
    catalog = read_catalog(folder / "locale/nl/LC_MESSAGES/relscale_care_farms.po")
    assert catalog.get("teacher", context="variant.primary|spoken_label").string == "juf of meester"
    assert catalog.get("teacher", context="variant.secondary|spoken_label").string == "docent"


@pytest.mark.parametrize("which", ["skeleton", "from_youth"])
def test_pyproject_entry_point_names_the_package_and_sector(
    which: str, request: pytest.FixtureRequest
) -> None:
    project: Path = request.getfixturevalue(which)
    data = tomllib.loads((project / "pyproject.toml").read_text())
    assert data["build-system"]["build-backend"] == "hatchling.build"
    assert data["project"]["name"] == "relscale-care-farms" and data["project"]["version"]
    assert data["project"]["entry-points"]["relscale"] == {
        "care_farms": "relscale_care_farms:plugin"}
    sector = relscale.load_sector(project / "relscale_care_farms" / "sector.toml")
    assert sector.id == "care_farms" and sector.domain == "relscale_care_farms"


def test_package_is_a_three_line_data_plugin(skeleton: Path) -> None:
    init = skeleton / "relscale_care_farms" / "__init__.py"
    code = [line for line in init.read_text().splitlines() if line.strip()]
    assert code[1:] == ["import relscale", "plugin = relscale.data_plugin(__file__)"]
    plugin = _package_module(skeleton).plugin
    assert isinstance(plugin, relscale.DataPlugin)
    hooks = [name for name in dir(plugin) if name.startswith("register_")]
    assert hooks and all(hasattr(hookspecs, name) for name in hooks)


def test_tests_name_the_sector(skeleton: Path) -> None:
    assert 'sector_id = "care_farms"' in (skeleton / "tests" / "test_contract.py").read_text()
    assert "class TestCareFarms(SectorContract)" in (
        skeleton / "tests" / "test_contract.py").read_text()
    assert '"education,care_farms"' in (skeleton / "tests" / "conftest.py").read_text()


def test_sector_file_starts_with_the_schema_directive(skeleton: Path) -> None:
    text = (skeleton / "relscale_care_farms" / "sector.toml").read_text()
    first = text.splitlines()[0]
    assert first == "#:schema ../schemas/sector.schema.json"
    schema = (skeleton / "relscale_care_farms" / first.split()[1]).resolve()
    assert schema.read_text() == schema_text("sector")


def test_skeleton_words_every_slot_with_todo(skeleton: Path) -> None:
    sector = relscale.load_sector(skeleton / "relscale_care_farms" / "sector.toml")
    registry = get_registry()
    offered = {(o.instrument, o.perspective) for o in sector.offerings}
    assert offered == {(i.id, p) for i in registry.instruments.values() for p in i.perspectives}
    for offering in sector.offerings:
        slots = [s.id for s in registry.instrument(offering.instrument).slots(
            offering.perspective)]
        assert [w.item for w in offering.items] == slots
        assert all(w.text and w.text.startswith("TODO") for w in offering.items)


def test_slot_comments_match_the_instrument(skeleton: Path) -> None:
    text = (skeleton / "relscale_care_farms" / "sector.toml").read_text()
    comments = re.findall(r"^# (\w+), keyed ([+-]): .*\n(?:# education: .*\n)?"
                          r'\[\[offerings.items\]\]\nitem = "(\w+)"', text, re.M)
    slots = {s.id: s for i in get_registry().instruments.values() for s in i.items}
    assert len(comments) == len(slots)
    for dimension, keying, item in comments:
        assert (slots[item].dimension, slots[item].keying) == (dimension, keying), item


def test_skeleton_check_flags_the_todos_and_the_empty_catalog(skeleton: Path) -> None:
    report = check_plugins(path=skeleton, build=False)
    lines = [str(p) for p in report.problems]
    assert any("sector.toml: working_alliance/client: wac01: a TODO is left" in x for x in lines)
    assert any("sector.toml: description: a TODO is left" in x for x in lines)
    assert any("relscale_care_farms.po: wac01: untranslated" in x for x in lines)


def test_from_sector_copies_wording_roles_and_catalog(from_youth: Path) -> None:
    registry = get_registry()
    youth = registry.sector("youth_care")
    mine = relscale.load_sector(from_youth / "relscale_care_farms" / "sector.toml")
    assert (mine.professional, mine.client) == (youth.professional, youth.client)
    education = registry.sector("education")
    for theirs in youth.offerings:
        copy = mine.offering(theirs.instrument, theirs.perspective)
        assert copy is not None
        assert [(w.item, w.text, w.rationale) for w in copy.items] == [
            (w.item, w.text, w.rationale) for w in theirs.items]
        edu = education.offering(theirs.instrument, theirs.perspective)
        edu_text = {w.item: w.text for w in edu.items} if edu else {}
        for w in copy.items:  # relative to education, as the contract reads it
            assert (w.provenance == PROVENANCE_UNCHANGED) == (edu_text.get(w.item) == w.text)
    po = from_youth / "relscale_care_farms/locale/nl/LC_MESSAGES/relscale_care_farms.po"
    catalog = read_catalog(po)
    assert catalog.get("I can be myself when I am with {subject}.", context="wac01").string \
        == "Bij {subject} kan ik mezelf zijn."
    assert all(m.string and not m.fuzzy for m in catalog if m.id)


def test_from_sector_passes_the_check_and_registers_beside_the_builtins(
    from_youth: Path,
) -> None:
    report = check_plugins(path=from_youth, build=False)
    assert report.clean, "\n".join(map(str, report.problems))
    [source] = folder_plugins(from_youth)
    registry = plugin_registry(source)
    assert registry.origin[("sector", "care_farms")] == "care_farms"
    form = relscale.adapt("working_alliance", "care_farms", "client", "nl", registry=registry)
    assert form.locale == "nl" and not form.fallbacks
    assert form.items[0].text.startswith("Bij")

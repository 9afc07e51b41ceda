"""relscale plugin check finds each fault of a set of broken plugins (made in tmp from a
clean scaffold, one fault each) with a line naming the file and the entry."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from helpers import runner
from relscale.cli.main import app
from relscale.plugin_kit import check_plugins, new_plugin

PACKAGE = "relscale_care_farms"
SECTOR = f"{PACKAGE}/sector.toml"
PO = f"{PACKAGE}/locale/nl/LC_MESSAGES/{PACKAGE}.po"
YOUTH_NORMS = Path(__file__).resolve().parents[1] / "plugins/youth_care/relscale_youth_care/norms"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_plugin("care_farms", from_sector="youth_care",
                      directory=tmp_path_factory.mktemp("clean")).path


def _edit_sector(project: Path, change: Callable[[dict], None]) -> None:
    path = project / SECTOR
    data = tomllib.loads(path.read_text())
    change(data)
    path.write_text(tomli_w.dumps(data))


def _offering(data: dict, instrument: str, perspective: str) -> dict:
    return next(o for o in data["offerings"]
                if (o["instrument"], o["perspective"]) == (instrument, perspective))


def _item(data: dict, instrument: str, perspective: str, item: str) -> dict:
    return next(w for w in _offering(data, instrument, perspective)["items"]
                if w["item"] == item)


def _replace(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _norms(project: Path, name: str, old: str, new: str) -> None:
    folder = project / PACKAGE / "norms"
    folder.mkdir(exist_ok=True)
    text = (YOUTH_NORMS / name).read_text().replace('sector = "youth_care"',
                                                     'sector = "care_farms"')
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1))


def slot_without_wording(p: Path) -> None:
    _edit_sector(p, lambda d: _offering(d, "working_alliance", "client")["items"].pop(2))


def item_without_provenance(p: Path) -> None:
    _edit_sector(p, lambda d: _item(d, "relationship_quality", "professional", "rq05")
                 .pop("provenance"))


def role_missing(p: Path) -> None:
    _edit_sector(p, lambda d: d.pop("client"))


def declined_without_reason(p: Path) -> None:
    def change(d: dict) -> None:
        o = _offering(d, "working_alliance", "professional")
        for key in ("items", "instructions"):
            o.pop(key, None)
        o["declined"] = "Not here."
    _edit_sector(p, change)


def unknown_placeholder(p: Path) -> None:
    _edit_sector(p, lambda d: _item(d, "working_alliance", "client", "wac02")
                 .update(text="{name} and I agree on what I want to work on."))


def todo_left(p: Path) -> None:
    _edit_sector(p, lambda d: _item(d, "working_alliance", "client", "wac04")
                 .update(rationale="TODO: say why."))


def untranslated(p: Path) -> None:
    _replace(p, PO, 'msgstr "Bij {subject} kan ik mezelf zijn."', 'msgstr ""')


def fuzzy(p: Path) -> None:
    _replace(p, PO, 'msgctxt "wac01"', '#, fuzzy\nmsgctxt "wac01"')


def placeholder_mismatch(p: Path) -> None:
    _replace(p, PO, 'msgstr "Bij {subject} kan ik mezelf zijn."',
             'msgstr "Bij {onderwerp} kan ik mezelf zijn."')


def norms_unknown_dimension(p: Path) -> None:
    _norms(p, "working_alliance_client.toml", 'dimension = "bond"', 'dimension = "rapport"')


def norms_unknown_perspective(p: Path) -> None:
    _norms(p, "relationship_quality_client_client.toml", 'perspective = "client"',
           'perspective = "professional"')


def wheel_without_catalogs(p: Path) -> None:
    _replace(p, "pyproject.toml", f'packages = ["{PACKAGE}"]',
             f'packages = ["{PACKAGE}"]\nexclude = ["*.po"]')


def translation_without_change(p: Path) -> None:
    path = p / PO
    lines = path.read_text().split("\n")
    at = lines.index('msgctxt "wac01"')
    start = at
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    lines[start:at] = [c for c in lines[start:at] if not c.startswith("# ")]  # no change:
    path.write_text("\n".join(lines))


def negated_client_item(p: Path) -> None:
    _edit_sector(p, lambda d: _item(d, "working_alliance", "client", "wac02")
                 .update(text="{subject} and I never talk about what I want to work on."))


FAULTS = [
    (slot_without_wording, SECTOR, "working_alliance/client: wac03",
     "item slot without wording or provenance"),
    (item_without_provenance, SECTOR, "relationship_quality/professional: rq05",
     "provenance: Field required"),
    (role_missing, SECTOR, "[client]", "Field required"),
    (declined_without_reason, SECTOR, "working_alliance/professional",
     "declined without a reason"),
    (unknown_placeholder, SECTOR, "working_alliance/client: wac02", "unknown placeholder(s) name"),
    (todo_left, SECTOR, "working_alliance/client: wac04", "a TODO is left"),
    (untranslated, PO, "wac01", "untranslated"),
    (fuzzy, PO, "wac01", "fuzzy"),
    (placeholder_mismatch, PO, "wac01", "placeholders do not match"),
    (norms_unknown_dimension, f"{PACKAGE}/norms/working_alliance_client.toml",
     "working_alliance/client (all): rapport", "unknown dimension 'rapport'"),
    (norms_unknown_perspective, f"{PACKAGE}/norms/relationship_quality_client_client.toml",
     "relationship_quality_client/professional (all)", "perspective 'professional'"),
    (wheel_without_catalogs, PO, "wheel", "not in the wheel hatchling.build builds"),
    (translation_without_change, SECTOR, "working_alliance/client: wac01",
     "nl: records no change relative to the English wording"),
    (negated_client_item, SECTOR, "working_alliance/client: wac02",
     "en: a client item is negated (never)"),
]


def test_the_clean_scaffold_is_clean(clean: Path) -> None:
    report = check_plugins(path=clean)
    assert report.clean and not report.notes, "\n".join(map(str, report.problems))


@pytest.mark.parametrize(("fault", "file", "entry", "message"), FAULTS,
                         ids=[f[0].__name__ for f in FAULTS])
def test_each_fault_is_one_line_with_file_and_entry(
    fault: Callable[[Path], None], file: str, entry: str, message: str,
    clean: Path, tmp_path: Path,
) -> None:
    project = tmp_path / clean.name
    shutil.copytree(clean, project)
    fault(project)
    report = check_plugins(path=project, build=fault is wheel_without_catalogs)
    assert not report.clean
    expected = str(project / file)
    hits = [p for p in report.problems
            if p.file == expected and p.entry == entry and message in p.message]
    assert hits, "\n".join(map(str, report.problems))


def test_cli_exit_codes_and_json(clean: Path, tmp_path: Path) -> None:
    ok = runner().invoke(app, ["plugin", "check", "--path", str(clean), "--no-build"])
    assert ok.exit_code == 0 and ok.stdout.strip() == "care_farms: no problems"
    broken = tmp_path / clean.name
    shutil.copytree(clean, broken)
    todo_left(broken)
    text = runner().invoke(app, ["plugin", "check", "--path", str(broken), "--no-build"])
    assert text.exit_code == 1
    assert text.stdout.splitlines() == [
        f"{broken / SECTOR}: working_alliance/client: wac04: a TODO is left: 'TODO: say why.'",
        f"{broken / PO}: wac04|rationale: untranslated: 'TODO: say why.'",
    ]
    assert "care_farms: 2 problem(s)" in text.stderr
    result = runner().invoke(app, ["plugin", "check", "--path", str(broken), "--no-build",
                                   "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["clean"] is False and data["plugins"] == ["care_farms"]
    assert data["problems"][0] == {"file": str(broken / SECTOR),
                                   "entry": "working_alliance/client: wac04",
                                   "message": "a TODO is left: 'TODO: say why.'"}


def test_installed_builtins_are_clean() -> None:
    result = runner().invoke(app, ["plugin", "check", "--no-build"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.endswith(": no problems\n")
    for name in ("education", "foster_homes", "disability_care", "youth_care"):
        assert name in result.stdout


def test_unknown_installed_plugin() -> None:
    result = runner().invoke(app, ["plugin", "check", "care_farms"])
    assert result.exit_code == 1
    assert "no installed plugin named 'care_farms'" in result.stderr

"""The text files of a new plugin project (everything but ``sector.toml`` and catalogs)."""

from __future__ import annotations

from relscale.model.models import Sector
from relscale.plugin_kit.contract import PROVENANCE_UNCHANGED
from relscale.plugin_kit.names import PluginNames

DEFAULT_LANGUAGE = "nl"
"""The catalog a skeleton starts with: relscale ships Dutch for every sector."""

SKELETON_HEADER = [
    "relscale sector. Format: docs/content.md; check it with `relscale plugin check`.",
    "",
    "Every item slot of every instrument is listed below with TODO wording. Per slot, write",
    "your wording and say how it relates to education (the comment shows education's):",
    f"{PROVENANCE_UNCHANGED} (identical), terms_substituted (role nouns only), reworded,",
    "or dropped (no text; a rationale why). An added item has a new id, provenance",
    "\"added\", and its own dimension, keying and intent. Only item text may contain",
    "{subject} (the other person's name, or a blank line on paper); instructions are",
    "printed as written.",
]

DESCRIPTIONS = {
    "en": "{label}: a care sector whose wording starts from that of {source}.",
    "nl": "{label}: een zorgsector waarvan de formulering uitgaat van die van {source}.",
}
"""The first description of a sector started ``--from`` another (per catalog language)."""


def from_header(source: Sector) -> list[str]:
    return [
        f"relscale sector, started from {source.id} (relscale plugin new --from {source.id}).",
        "Format: docs/content.md; check it with `relscale plugin check`.",
        "",
        f"Roles, offerings and every item are {source.id}'s, unchanged, with their",
        "rationale. Provenance stays relative to education, the source every sector is",
        "compared with: reword what differs in this sector and update provenance and",
        "rationale with it (and the Dutch catalog: `relscale i18n update`).",
    ]


def from_description(language: str, label: str, source_label: str) -> str:
    return DESCRIPTIONS.get(language, "").format(label=label, source=source_label)


def pyproject(names: PluginNames) -> str:
    return f'''[build-system]
# hatchling packs every file in the package folder into the wheel: sector.toml,
# norms/*.toml and locale/**/*.po travel with the code (`relscale plugin check` builds
# the wheel and says if one is missing).
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{names.distribution}"
version = "0.1.0"
description = "relscale sector plugin: {names.label.lower()}"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["relscale"]

[project.optional-dependencies]
test = ["pytest>=8"]

# The only relscale-specific line: the entry point. Its name is what RELSCALE_PLUGINS
# lists; its value the plugin object in the package.
[project.entry-points.relscale]
{names.sector} = "{names.package}:plugin"

[tool.hatch.build.targets.wheel]
packages = ["{names.package}"]

[tool.hatch.build.targets.sdist]
include = ["{names.package}", "tests", "schemas", "README.md"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''


def init_module(names: PluginNames) -> str:
    what = names.label.lower()
    return f'''"""relscale sector plugin: {what} (data only: sector.toml, norms/, locale/)."""

import relscale

plugin = relscale.data_plugin(__file__)
'''


def conftest(names: PluginNames) -> str:
    return f'''import os

# Before relscale loads plugins: test against education (the reference wording) and this
# plugin only, whatever else is installed or set in the environment.
os.environ["RELSCALE_PLUGINS"] = "education,{names.sector}"
os.environ.pop("RELSCALE_CONTENT", None)
'''


def contract_test(names: PluginNames) -> str:
    return f'''"""The contract every relscale sector plugin passes (run: pytest)."""

from relscale.testing import SectorContract


class {names.test_class}(SectorContract):
    sector_id = "{names.sector}"
'''


def readme(names: PluginNames, source: Sector | None) -> str:
    start = (f"It started as a copy of the **{source.id}** sector's wording "
             f"(`relscale plugin new {names.sector} --from {source.id}`): reword what "
             "differs in this sector, and give the sector its own name in every catalog "
             f"(`sector|label` in `{names.package}/locale/*/LC_MESSAGES/{names.package}.po`)."
             if source else
             f"It started as a skeleton (`relscale plugin new {names.sector}`): every "
             "`TODO` in `sector.toml` is yours to replace, and the Dutch catalog to fill in.")
    return f"""# {names.distribution}

The **{names.label.lower()}** sector for relscale, as a data plugin: roles, wording and
provenance in `{names.package}/sector.toml`, translations in
`{names.package}/locale/<lang>/LC_MESSAGES/{names.package}.po`, norm tables (optional) in
`{names.package}/norms/*.toml`.

{start}

## Work on it

```bash
pip install -e ./{names.distribution}          # beside relscale, in the same environment
relscale sectors                               # {names.sector} is listed
relscale plugin check {names.sector}           # every problem, one line each with file and entry
relscale show working_alliance --sector {names.sector} -p client --locale nl
pytest {names.distribution}                    # the contract suite (tests/test_contract.py)
```

`schemas/sector.schema.json` is the JSON Schema of `sector.toml` (the `#:schema` line at
its top lets taplo / Even Better TOML complete and check it); refresh it after upgrading
relscale with `relscale schema sector -o schemas/sector.schema.json --force`.
"""

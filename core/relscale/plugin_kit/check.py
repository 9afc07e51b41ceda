"""``relscale plugin check``: every problem of a plugin, one line each with file and entry.

The checks, in order: each content file on its own (TOML syntax, the model's fields),
the sector against the instruments (every slot worded or dropped, norms for known
dimensions and perspectives), the contract suite (:mod:`relscale.plugin_kit.contract`),
the translations entry by entry, and whether the built wheel and sdist hold the data
files (:mod:`relscale.plugin_kit.packaging`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from relscale.errors import ContentError, RelscaleError
from relscale.i18n import _
from relscale.model.content import read_toml
from relscale.model.models import Instrument, NormTable, Sector
from relscale.plugin_kit.catalogs import check_catalogs
from relscale.plugin_kit.contract import check_slots, contract_problems
from relscale.plugin_kit.contract_locales import locale_problems
from relscale.plugin_kit.contract_respondents import respondent_problems
from relscale.plugin_kit.locate import (
    PluginSource,
    folder_plugins,
    installed_plugins,
    plugin_registry,
)
from relscale.plugin_kit.packaging import check_packaging
from relscale.plugin_kit.problem import Problem
from relscale.registry import Registry


@dataclass
class CheckReport:
    """What :func:`check_plugins` found: problems (exit non-zero) and notes (information)."""

    plugins: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, "plugins": self.plugins,
                "problems": [p.as_dict() for p in self.problems], "notes": self.notes}


def check_plugins(names: list[str] | None = None, *, path: Path | None = None,
                  build: bool = True, against: Path | None = None,
                  threshold: float | None = None) -> CheckReport:
    """Check installed plugins (``names``, default all) or the plugin(s) in ``path``.

    :param path: a plugin project folder (with ``pyproject.toml``) or package folder;
        its files are checked as they are, installed or not.
    :param build: build the wheel and sdist to check they hold the data files (for a
        ``path``, and for installed plugins whose editable project folder is known).
    :param against: a file of sentences (one per line) the items must not echo, e.g. a
        licensed instrument's items: every item in every language reaching ``threshold``
        (default :data:`relscale.plugin_kit.similarity.THRESHOLD`) is a problem.
    """
    from relscale.plugin_kit.similarity import THRESHOLD, read_sentences

    sentences = read_sentences(against) if against is not None else []
    sources = folder_plugins(path) if path is not None else installed_plugins(names)
    report = CheckReport(plugins=[s.name for s in sources])
    for source in sources:
        check_source(source, report, build=build)
        if against is not None:
            _against(source, report, sentences, str(against),
                     THRESHOLD if threshold is None else threshold)
    report.problems = [_displayed(p) for p in dict.fromkeys(report.problems)]
    return report


def check_source(source: PluginSource, report: CheckReport, *, build: bool = True) -> None:
    """Add the problems of one plugin to ``report``."""
    problems = report.problems
    if source.package_dir is not None:
        found = check_files(source)
        problems += found
        if found:  # the registry would stop at the first of them
            _packaging(source, report, build)
            return
    try:
        registry = plugin_registry(source)
    except RelscaleError as exc:
        problems.append(Problem(str(source.package_dir or source.name), source.name, str(exc)))
        return
    for sector in owned_sectors(registry, source.name):
        problems += contract_problems(sector, registry, fallbacks=False)
        if not check_slots(sector, registry):  # the locale rules assume whole offerings
            problems += locale_problems(sector, registry, fallbacks=False)
            problems += respondent_problems(sector, registry)
        problems += check_catalogs(sector, registry)
    _packaging(source, report, build)


def _against(source: PluginSource, report: CheckReport, sentences: list[Any], name: str,
             threshold: float) -> None:
    """The plugin's items that echo one of ``sentences`` (see ``check_plugins``)."""
    from relscale.plugin_kit.similarity import check_against

    try:
        registry = plugin_registry(source)
    except RelscaleError:
        return  # check_source reported it
    for sector in owned_sectors(registry, source.name):
        report.problems += check_against(sector, registry, sentences, name, threshold)


def owned_sectors(registry: Registry, plugin: str) -> list[Sector]:
    return [registry.sectors[key] for kind, key in registry.origin
            if kind == "sector" and registry.origin[(kind, key)] == plugin]


def check_files(source: PluginSource) -> list[Problem]:
    """A data plugin's files one by one, then the sector and norms against instruments."""
    from relscale.data_plugin import INSTRUMENTS_DIR, NORMS_DIR, SECTOR_FILE

    folder = source.package_dir
    assert folder is not None
    problems: list[Problem] = []
    instruments: list[Instrument] = []
    for path in sorted((folder / INSTRUMENTS_DIR).glob("*.toml")):
        instruments += _valid(Instrument, path, {}, problems)
    sector_path = folder / SECTOR_FILE
    sectors: list[Sector] = []
    if sector_path.is_file():
        defaults = {"locale_dir": str(folder / "locale")}
        sectors = _valid(Sector, sector_path, defaults, problems)
    tables = [(p, t) for p in sorted((folder / NORMS_DIR).glob("*.toml"))
              for t in _valid(NormTable, p, {}, problems)]
    if problems:
        return problems
    base = plugin_registry(source, include=False)
    for inst in instruments:
        base.instruments.setdefault(inst.id, inst)
    for sector in sectors:
        problems += check_slots(sector, base)
        base.sectors.setdefault(sector.id, sector)
    for path, table in tables:
        problems += check_norm_table(table, base, str(path))
    return problems


def check_norm_table(table: NormTable, registry: Registry, file: str) -> list[Problem]:
    """A norm table names a known instrument, perspective, sector offering and dimensions."""
    entry = f"{table.instrument}/{table.perspective} ({table.group_label})"
    inst = registry.instruments.get(table.instrument)
    if inst is None:
        return [Problem(file, entry, _("unknown instrument {instrument!r}").format(
            instrument=table.instrument))]
    if table.perspective not in inst.perspectives:
        return [Problem(file, entry, _(
            "norms for the perspective {perspective!r}, which {instrument} does not have "
            "(it has: {known})").format(perspective=table.perspective, instrument=inst.id,
                                        known=", ".join(inst.perspectives)))]
    found: list[Problem] = []
    sector = registry.sectors.get(table.sector)
    if sector is None:
        found.append(Problem(file, entry, _("norms for an unknown sector {sector!r}").format(
            sector=table.sector)))
    else:
        offering = sector.offering(table.instrument, table.perspective)
        if offering is None or offering.declined:
            found.append(Problem(file, entry, _(
                "norms for an instrument perspective the sector does not offer")))
    dimensions = {d.id for d in inst.dimensions}
    for d in table.dimensions:
        if d.dimension not in dimensions:
            found.append(Problem(file, f"{entry}: {d.dimension}", _(
                "norms for an unknown dimension {dimension!r} (known: {known})").format(
                    dimension=d.dimension, known=", ".join(sorted(dimensions)))))
    return found


def _valid(model: type[BaseModel], path: Path, defaults: dict[str, str],
           problems: list[Problem]) -> list[Any]:
    """The file's model (a list of one), or none and a problem per validation error."""
    try:
        data = read_toml(path)
    except ContentError as exc:
        problems.append(Problem(str(path), "-", str(exc).removeprefix(f"{path}: ")))
        return []
    if model is Sector:
        data.setdefault("domain", f"relscale_{data.get('id', '')}")
    for key, value in defaults.items():
        data.setdefault(key, value)
    try:
        return [model.model_validate(data)]
    except ValidationError as exc:
        for error in exc.errors():
            entry, rest = entry_for(tuple(error.get("loc", ())), data)
            message = error.get("msg", "invalid").removeprefix("Value error, ")
            problems.append(Problem(str(path), entry, f"{rest}: {message}" if rest else message))
        return []


def entry_for(loc: tuple[Any, ...], data: dict[str, Any]) -> tuple[str, str]:
    """A pydantic error location in words: ``offerings.3.items.2.provenance`` is the entry
    ``working_alliance/client: wac03`` and the field ``provenance``."""
    if len(loc) >= 2 and loc[0] == "offerings" and isinstance(loc[1], int):
        offerings = data.get("offerings") or []
        o = offerings[loc[1]] if loc[1] < len(offerings) else {}
        entry = f"{o.get('instrument', '?')}/{o.get('perspective', '?')}"
        if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
            items = o.get("items") or []
            item = items[loc[3]] if loc[3] < len(items) else {}
            return f"{entry}: {item.get('item', loc[3])}", ".".join(map(str, loc[4:]))
        return entry, ".".join(map(str, loc[2:]))
    if loc and loc[0] in ("professional", "client"):
        return f"[{loc[0]}]", ".".join(map(str, loc[1:]))
    return (".".join(map(str, loc)) or "-"), ""


def _packaging(source: PluginSource, report: CheckReport, build: bool) -> None:
    if not build or source.project_dir is None or source.package_dir is None:
        return
    try:
        outcome = check_packaging(source.project_dir, source.package_dir)
    except (OSError, ValueError) as exc:
        report.notes.append(_("{path}: packaging not checked: {error}").format(
            path=source.project_dir, error=exc))
        return
    report.problems += outcome.problems
    report.notes += outcome.notes


def _displayed(problem: Problem) -> Problem:
    """The file relative to the working folder when it lies inside it."""
    path = Path(problem.file)
    if path.is_absolute():
        try:
            relative = path.relative_to(Path(os.getcwd()))
        except ValueError:
            return problem
        return Problem(str(relative), problem.entry, problem.message)
    return problem

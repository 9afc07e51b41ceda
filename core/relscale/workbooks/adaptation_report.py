"""The ITC adaptation report: what changed from the education source, why, in which
languages, and (with data) the equivalence evidence, each part labelled with the ITC
guideline it answers.

The guideline codes are those of the ITC Guidelines for Translating and Adapting Tests,
second edition (International Test Commission, 2017; 18 guidelines): pre-condition PC-1..3,
test development TD-1..5, confirmation C-1..4, administration A-1..2, score scales and
interpretation SSI-1..2, documentation Doc-1..2. The report names the ones it addresses
and lists the others as not covered.

:func:`build_adaptation_report` collects everything into an :class:`AdaptationReport`;
:func:`report_markdown` and :func:`report_workbook` lay it out (``relscale report
adaptation -o report.md|report.xlsx``); :func:`write_report` writes either, atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import N_, SOURCE_LOCALE, _
from relscale.model.labels import NORM_STATUS, PROVENANCE, locale_change_label
from relscale.workbooks.evidence_tables import (
    NONE,
    Table,
    book_styles,
    cfa_tables,
    group_tables,
    markdown,
    md_escape,
    write_tables,
)

if TYPE_CHECKING:
    from relscale.equivalence import CfaEvidence, GroupEvidence
    from relscale.model.models import AdaptedItem, Sector

SOURCE_SECTOR = "education"
CATALOG_STATES = {"translated": N_("translated"), "fuzzy": N_("fuzzy"),
                  "missing": N_("missing"), "source": N_("source language")}
GUIDELINES: dict[str, str] = {
    "PC-1": N_("permission from the holder of the intellectual property rights"),
    "PC-2": N_("overlap of the construct and item content in the populations"),
    "PC-3": N_("minimize cultural and linguistic differences irrelevant to the intended uses"),
    "TD-1": N_("experts with relevant linguistic, psychological and cultural expertise"),
    "TD-2": N_("appropriate translation designs and procedures"),
    "TD-3": N_("evidence that instructions and item content have similar meaning"),
    "TD-4": N_("item formats, rating scales and administration suitable for all populations"),
    "TD-5": N_("pilot data for item analysis, reliability and small validity studies"),
    "C-1": N_("samples relevant to the intended use and of sufficient size"),
    "C-2": N_("statistical evidence of construct, method and item equivalence"),
    "C-3": N_("evidence supporting norms, reliability and validity in the populations"),
    "C-4": N_("equating designs when linking score scales of versions"),
    "A-1": N_("administration materials and instructions that minimize culture- and "
              "language-related problems"),
    "A-2": N_("testing conditions to follow in all populations"),
    "SSI-1": N_("interpret group score differences with all relevant information"),
    "SSI-2": N_("compare scores across populations only at an established invariance level"),
    "Doc-1": N_("technical documentation of every change and of the equivalence evidence"),
    "Doc-2": N_("documentation that supports good practice by test users"),
}


@dataclass
class ItemRecord:
    """One item slot: source and adapted wording per locale, change, status per locale."""

    item: str
    dimension: str
    keying: str
    intent: str
    provenance: str
    rationale: str
    source: dict[str, str | None]
    wording: dict[str, str | None]
    status: dict[str, str]
    language_provenance: dict[str, str]


@dataclass
class AdaptationReport:
    instrument: str
    title: str
    version: str
    sector: str
    sector_label: str
    perspective: str
    locale: str
    """The language of the report's headings."""
    locales: list[str]
    notice: str
    validated: bool
    norms: list[dict[str, Any]]
    instructions: dict[str, str]
    scale: dict[str, list[str]]
    items: list[ItemRecord]
    cfa: CfaEvidence | None = None
    groups: GroupEvidence | None = None
    data_notes: list[str] = field(default_factory=list)

    def addressed(self) -> dict[str, list[str]]:
        """Guideline code -> the report sections that answer it."""
        out: dict[str, list[str]] = {
            "PC-1": [_("Status")], "PC-2": [_("Items")], "TD-2": [_("Translation status")],
            "TD-3": [_("Items")], "TD-4": [_("Instructions and response scale")],
            "A-1": [_("Instructions and response scale")],
            "Doc-1": [_("Items")], "Doc-2": [_("Status")],
        }
        if self.cfa is not None:
            out["C-3"] = [_("CFA"), _("Reliability")]
        if self.groups is not None:
            out["C-1"] = [_("Groups")]
            out["C-2"] = [_("Invariance"), _("DIF")]
            out["SSI-2"] = [_("Invariance")]
            out["Doc-1"].append(_("Evidence"))
        return {code: out[code] for code in GUIDELINES if code in out}

    def not_covered(self) -> list[str]:
        done = self.addressed()
        return [code for code in GUIDELINES if code not in done]


def _language_provenance(item: AdaptedItem | None) -> str:
    """How one locale's wording relates to the English wording (the ``change:`` and
    ``rationale:`` translator comments of the sector's catalog); "—" where none is
    recorded (English itself, a dropped item, an untranslated entry)."""
    if item is None:
        return NONE
    return locale_change_label(item.locale_change, item.locale_rationale, none=NONE)


def translation_status(sector: Sector, locale: str, context: str, source: str) -> str:
    """translated / fuzzy / missing for one sector string in one locale's catalog (the file
    the runtime reads first), read with babel; ``source`` for English."""
    if locale == SOURCE_LOCALE:
        return "source"
    from babel.messages.pofile import read_po

    from relscale.i18n import catalog_files

    files = catalog_files(sector.locale_dir, sector.domain, locale)
    if not files:
        return "missing"
    with files[0].open("rb") as fh:
        catalog = read_po(fh)
    message = catalog.get(source, context=context)
    if message is None or not message.string:
        return "missing"
    return "fuzzy" if message.fuzzy else "translated"


def _status(sec: Sector, locale: str, item: str, english: str | None) -> str:
    from relscale.i18n import ctx_item

    if english is None:  # a dropped slot: no wording to translate
        return NONE
    return translation_status(sec, locale, ctx_item(item), english)


def build_adaptation_report(
    instrument: str,
    sector: str,
    perspective: str | None = None,
    *,
    locale: str = SOURCE_LOCALE,
    data: Path | str | None = None,
    group_by: str = "sector",
    registry: Any = None,
    options: Any = None,
) -> AdaptationReport:
    """Collect the adaptation report for one instrument x sector x perspective.

    :param locale: the language of the report's own text (already resolved).
    :param data: a response file; adds CFA (the sector's own respondents when ``group_by``
        names them, else every row), invariance, reliability and DIF across ``group_by``.
    :param options: how to fit (:class:`relscale.equivalence_io.AnalysisOptions`; default:
        chosen from the data). The report shows the estimator, missing-data handling,
        clustering and every warning.
    :raises RelscaleError: unknown ids, a perspective the sector does not offer, or data
        the analyses cannot use (one line naming file, column, item or group).
    """
    from relscale.adapt import adapt
    from relscale.i18n import available_locales

    if registry is None:
        from relscale.plugins import get_registry

        registry = get_registry()
    locales = available_locales()
    adapted = {loc: adapt(instrument, sector, perspective, loc, registry=registry)  # type: ignore[arg-type]
               for loc in locales}
    main = adapted[locale] if locale in adapted else adapted[SOURCE_LOCALE]
    persp = main.perspective
    try:
        source = {loc: adapt(instrument, SOURCE_SECTOR, persp, loc, registry=registry)
                  for loc in locales}
    except RelscaleError:
        source = {}
    sec = registry.sector(sector)
    offering = sec.offering(instrument, persp)
    wordings = {w.item: w for w in (offering.items if offering else ())}
    items: list[ItemRecord] = []
    for it in (*main.items, *main.dropped):
        by_loc = {loc: {i.id: i for i in (*a.items, *a.dropped)}.get(it.id)
                  for loc, a in adapted.items()}
        src = {loc: {i.id: i.text for i in s.items}.get(it.id) for loc, s in source.items()}
        english = wordings[it.id].text if it.id in wordings else None
        items.append(ItemRecord(
            item=it.id, dimension=it.dimension, keying=it.keying, intent=it.intent,
            provenance=it.provenance, rationale=it.rationale,
            source={loc: src.get(loc) for loc in locales},
            wording={loc: (None if it.provenance == "dropped" or by_loc[loc] is None
                           else by_loc[loc].text) for loc in locales},  # type: ignore[union-attr]
            status={loc: _status(sec, loc, it.id, english) for loc in locales},
            language_provenance={loc: _language_provenance(by_loc[loc]) for loc in locales},
        ))
    norms = [{"group": t.group_label, "status": t.population.status, "n": t.population.n,
              "year": t.population.year, "source": t.population.source}
             for t in main.norms]
    report = AdaptationReport(
        instrument=instrument, title=main.title, version=main.version, sector=sector,
        sector_label=main.sector_label, perspective=persp, locale=main.locale,
        locales=locales, notice=main.notice, validated=main.validated, norms=norms,
        instructions={loc: a.instructions for loc, a in adapted.items()},
        scale={loc: [p.label for p in a.scale.points] for loc, a in adapted.items()},
        items=items)
    if data is not None:
        _add_evidence(report, main, Path(data), group_by, options)
    return report


def _add_evidence(report: AdaptationReport, adapted: Any, data: Path, group_by: str,
                  options: Any) -> None:
    from relscale.equivalence import cfa_evidence, group_evidence

    report.groups = group_evidence(data, adapted, group_by, options=options)
    has_own = report.sector in report.groups.n_read
    report.cfa = cfa_evidence(data, adapted, where=(group_by, report.sector) if has_own
                              else None, options=options)
    if not has_own:
        report.data_notes.append(_(
            "No group {sector!r} in column {column!r}: the CFA uses every respondent of "
            "the file.").format(sector=report.sector, column=group_by))


# --- layout -----------------------------------------------------------------------------


@dataclass
class Section:
    """One part of the report, with the guideline codes it answers."""

    title: str
    codes: list[str]
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        if not self.codes:
            return self.title
        return _("{title} (ITC {codes})").format(title=self.title, codes=", ".join(self.codes))


SYNTHETIC_SOURCE = re.compile(
    r"^synthetic sample from relscale\.simulate, seed (\d+), N=(\d+) \((relscale simulate .*)\)$")
"""The source line scripts/build_illustrative_norms.py writes into relscale's own
illustrative norm tables."""


def _norm_source(source: str) -> str:
    """A norm table's source as its author wrote it; relscale's own illustrative tables'
    source line in the reader's language."""
    match = SYNTHETIC_SOURCE.match(source)
    if match is None:
        return source
    return _("synthetic sample from relscale.simulate, seed {seed}, N={n} ({command})").format(
        seed=match.group(1), n=match.group(2), command=match.group(3))


def _loc_label(prefix: str, locale: str) -> str:
    return f"{prefix} ({locale})"


def report_sections(report: AdaptationReport) -> list[Section]:
    """The report's sections in order: status, guidelines, items, translation,
    instructions and scale, evidence."""
    addressed = report.addressed()
    status = Section(_("Status"), ["PC-1", "Doc-2"], notes=[report.notice, _(
        "The items are relscale's own item bank, written for this project and not the "
        "published instruments' wording; wording a user loads from a licensed content file "
        "needs the rights holder's permission.")])
    norms = Table(_("Norm tables"), [_("Group"), _("Status"), "N", _("Year"), _("Source")])
    for t in report.norms:
        label = _(NORM_STATUS.get(t["status"], t["status"]))
        group = _("all") if t["group"] == "all" else t["group"]
        norms.rows.append([group, label, t["n"], t["year"], _norm_source(t["source"])])
    if any(t["status"] == "illustrative" for t in report.norms):
        norms.notes.append(_("illustrative norms (synthetic data): not for decisions about "
                             "individuals"))
    if not report.norms:
        norms.notes.append(_("no norm table for this instrument, sector and perspective"))
    status.tables.append(norms)

    guide = Section(_("ITC guidelines"), [])
    covered = Table(_("Guidelines this report addresses"), [_("Code"), _("Guideline"),
                                                           _("Section")])
    for code, sections in addressed.items():
        covered.rows.append([code, _(GUIDELINES[code]), ", ".join(sections)])
    missing = Table(_("Guidelines this report does not cover"), [_("Code"), _("Guideline")])
    for code in report.not_covered():
        missing.rows.append([code, _(GUIDELINES[code])])
    missing.notes.append(_("ITC Guidelines for Translating and Adapting Tests, second "
                           "edition (International Test Commission, 2017)."))
    guide.tables += [covered, missing]

    others = [loc for loc in report.locales if loc != SOURCE_LOCALE]
    items = Section(_("Items"), ["PC-2", "TD-3", "Doc-1"])
    cols = [_("Item"), _("Scale"), _("Keying"), _("Intent"), _("Change"), _("Rationale")]
    cols += [_loc_label(_("Education"), loc) for loc in report.locales]
    cols += [_loc_label(report.sector_label, loc) for loc in report.locales]
    cols += [_loc_label(_("Change"), loc) for loc in others]
    wording = Table(_("Source and adapted wording"), cols)
    for it in report.items:
        wording.rows.append([
            it.item, it.dimension, it.keying, it.intent,
            _(PROVENANCE.get(it.provenance, it.provenance)), it.rationale,
            *(it.source.get(loc) for loc in report.locales),
            *(it.wording.get(loc) for loc in report.locales),
            *(it.language_provenance.get(loc, NONE) for loc in others)])
    counts: dict[str, int] = {}
    for it in report.items:
        counts[it.provenance] = counts.get(it.provenance, 0) + 1
    wording.notes.append(", ".join(f"{_(PROVENANCE.get(k, k))}: {v}"
                                   for k, v in sorted(counts.items())))
    items.tables.append(wording)

    translation = Section(_("Translation status"), ["TD-2"])
    tstatus = Table(_("Translation status of the item wording"),
                    [_("Item"), *(_loc_label(_("Status"), loc) for loc in report.locales)])
    for it in report.items:
        tstatus.rows.append([it.item, *(_state(it.status[loc]) for loc in report.locales)])
    for loc in others:
        states = [it.status[loc] for it in report.items if it.status[loc] != NONE]
        tstatus.notes.append(_("{locale}: {translated} translated, {fuzzy} fuzzy, {missing} "
                               "missing").format(locale=loc,
                                                 translated=states.count("translated"),
                                                 fuzzy=states.count("fuzzy"),
                                                 missing=states.count("missing")))
    tstatus.notes.append(_("Forward and back translation and reviewer sign-off are not "
                           "recorded by relscale; document them beside this report."))
    translation.tables.append(tstatus)

    admin = Section(_("Instructions and response scale"), ["TD-4", "A-1"])
    inst = Table(_("Instructions and response scale per language"),
                 [_("Language"), _("Instructions"), _("Response scale")])
    for loc in report.locales:
        inst.rows.append([loc, report.instructions[loc], " / ".join(report.scale[loc])])
    admin.tables.append(inst)

    evidence = Section(_("Evidence"), [c for c in ("C-1", "C-2", "C-3", "SSI-2")
                                       if c in addressed])
    if report.cfa is not None:
        evidence.tables += cfa_tables(report.cfa)
    if report.groups is not None:
        evidence.tables += group_tables(report.groups)
    evidence.notes += report.data_notes
    if report.cfa is None and report.groups is None:
        evidence.notes.append(_("No data given (--data): C-1, C-2, C-3 and SSI-2 are not "
                                "covered."))
    return [status, guide, items, translation, admin, evidence]


def _state(value: str) -> str:
    return _(CATALOG_STATES[value]) if value in CATALOG_STATES else value


def report_title(report: AdaptationReport) -> str:
    return _("Adaptation report: {title}, {sector} ({perspective})").format(
        title=report.title, sector=report.sector_label, perspective=report.perspective)


def _meta(report: AdaptationReport) -> list[str]:
    from relscale.__about__ import __version__

    return [
        _("Instrument: {instrument} {version}; sector: {sector}; perspective: {perspective}; "
          "languages: {locales}").format(instrument=report.instrument, version=report.version,
                                         sector=report.sector, perspective=report.perspective,
                                         locales=", ".join(report.locales)),
        _("Written by relscale {version}.").format(version=__version__),
    ]


def report_markdown(report: AdaptationReport) -> str:
    """The report as Markdown text."""
    out = [f"# {md_escape(report_title(report))}", ""]
    out += [line for m in _meta(report) for line in (md_escape(m), "")]
    for section in report_sections(report):
        out += [f"## {md_escape(section.heading)}", ""]
        for note in section.notes:
            out += [md_escape(note), ""]
        if section.tables:
            out.append(markdown(section.tables, level=3))
    return "\n".join(out).rstrip() + "\n"


def report_workbook(report: AdaptationReport) -> Any:
    """The report as a writer-neutral workbook: one sheet per section; every string from
    content or data is written as text (:func:`relscale.excel.xlsx.write_xlsx`)."""
    from relscale.excel.sheet import Workbook
    from relscale.workbooks.styles import fit_layout, print_table, set_fonts

    book = Workbook(title=report_title(report), creator="relscale", styles=book_styles())
    names = [_("Report"), _("Guidelines"), _("Items"), _("Translation"), _("Administration"),
             _("Evidence")]
    for name, section in zip(names, report_sections(report), strict=True):
        sheet = book.add_sheet(name[:31])
        sheet.set(1, 1, report_title(report), style="title")
        row = 2
        for line in _meta(report):
            sheet.set(row, 1, line, style="note")
            row += 1
        sheet.set(row + 1, 1, section.heading, style="title")
        row += 2
        for note in section.notes:
            sheet.set(row, 1, note, style="note")
            row += 1
        write_tables(sheet, section.tables, row + 1)
        sheet.column_widths = {1: 18, **{c: 28 for c in range(2, 16)}}
        sheet.print_setup = print_table(footer_left=report_title(report))
    set_fonts(book)
    fit_layout(book)
    return book


def write_report(report: AdaptationReport, path: Path | str, *, overwrite: bool = False
                 ) -> Path:
    """Write the report as ``.md`` or ``.xlsx`` (by suffix), atomically."""
    from relscale.io.atomic import atomic_write, check_output

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".md", ".xlsx"):
        raise RelscaleError(_("{path}: the report must be a .md or .xlsx file").format(
            path=target))
    check_output(target, overwrite=overwrite)
    with atomic_write(target, overwrite=overwrite) as tmp:
        if suffix == ".md":
            tmp.write_text(report_markdown(report), encoding="utf-8")
        else:
            from relscale.excel.xlsx import write_xlsx

            write_xlsx(report_workbook(report), tmp)
    return target

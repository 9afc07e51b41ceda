"""Responses exported by survey platforms: ODK / KoboToolbox, REDCap and LimeSurvey.

The forms relscale exports (:mod:`relscale.exporters`) come back from each platform in its
own shape. This module recognises the shape from the header, maps it to relscale's item
ids and reads the answers:

- **ODK / KoboToolbox** CSV or XLSX: fields may carry their group path (``items/rq01``
  in Kobo, ``items-rq01`` in ODK Central); ``_uuid`` (Kobo) or ``KEY`` (ODK Central,
  Briefcase) is the respondent key; ``start``, ``end``, ``_id``, ``_submission_time``,
  ``_index``, ``SubmissionDate``, ``meta-instanceID``, ... are platform metadata.
- **REDCap** "CSV (raw data)": the first column is the record id (``record_id``);
  ``<form>_timestamp``, ``<form>_complete`` and the other ``redcap_*`` columns are
  metadata, but the event and the repeat instance are kept, ``redcap_event_name`` as
  ``wave`` (a longitudinal project's baseline and follow-up rows stay apart); REDCap's
  missing-data codes (``UNK``, ``NASK``, ...) are missing answers.

An export is recognised by several of its columns, never one (:func:`platform_signals`),
and the note says which.
- **LimeSurvey** response export with question codes as headings: ``id`` is the key;
  ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``token``, timings ... are
  metadata; the items are ``items[fhrqa01]`` (or ``itemsfhrqa01``, ``items_fhrqa01``,
  ``fhrqa01``), where the code is the item id in letters and digits, as the exporter
  wrote it.

The scores the platform forms compute (a column per dimension, and for ODK ``<dim>_n``
and ``<dim>_sum``) are ignored: relscale scores the answers itself.

Answers must be the answer codes (the scale values); a label such as "Strongly agree",
an unknown column that looks like an item, or two columns for one item is an error
naming file, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import DataError
from relscale.i18n import N_, _
from relscale.io.platform_detect import (
    ODK_SIGNALS,
    PLATFORMS,
    REDCAP_METADATA,
    REDCAP_ROWS,
    check_platform,
    detect_platform,
    platform_signals,
)
from relscale.io.sheets import sheet_rows
from relscale.io.tables import (
    MISSING_SPELLINGS,
    Converter,
    ResponseTable,
    Rows,
    collect_rows,
    open_csv,
    open_workbook,
)
from relscale.io.values import mark_not_applicable, validate_values
from relscale.messages import where
from relscale.model.columns import reserved_names

if TYPE_CHECKING:
    from relscale.model.models import AdaptedInstrument

__all__ = ["ODK_SIGNALS", "PLATFORMS", "REDCAP_METADATA", "MappingReport", "check_platform",
           "detect_platform", "platform_signals", "read_platform_responses", "sniff_platform",
           "write_platform_responses"]
PLATFORM_NAMES = {"odk": "ODK / KoboToolbox", "redcap": "REDCap", "limesurvey": "LimeSurvey"}

ITEMS_GROUP = "items"
"""The group (XLSForm) and array question (LimeSurvey) the exporters put the items in."""
ID_FIELDS = ("respondent_code", "subject_code")

ODK_KEYS = ("_uuid", "KEY", "meta-instanceID", "meta/instanceID", "instanceID")
ODK_METADATA = frozenset((
    # XLSForm metadata fields
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "instructions", "administration",
    # KoboToolbox export columns
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_version_", "_tags", "_index", "_attachments",
    "_geolocation", "_xform_id_string", "_duration", "formhub/uuid",
    # ODK Central and Briefcase export columns
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "isValidated", "instanceID",
))
WAVE_COLUMN = "wave"
"""What a REDCap event becomes: :data:`relscale.scoring.change.WAVE`."""
REDCAP_MISSING_CODES = (
    "NI", "INV", "UNK", "NASK", "ASKU", "NAV", "MSK", "NA", "NAVU", "NP", "QS", "QI", "TRC",
    "UNC", "DER", "PINF", "NINF", "OTH",
)
"""REDCap's predefined missing-data codes (HL7 null flavors), exported as the value."""
LIMESURVEY_METADATA = frozenset((
    "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate", "datestamp",
    "ipaddr", "refurl", "interviewtime",
))
LIMESURVEY_CODES = {"respondentcode": "respondent_code", "subjectcode": "subject_code"}

_RAW_EXPORT = {
    "odk": N_("export with XML values (Kobo: 'XML values and headers'; ODK Central: the "
              "default CSV)"),
    "redcap": N_("export 'CSV / Microsoft Excel (raw data)'"),
    "limesurvey": N_("export responses with 'Answer codes'"),
}


@dataclass(frozen=True)
class MappingReport:
    """What a platform export's columns became: item columns, the respondent key, the
    platform's metadata (ignored) and other columns (kept as identifiers)."""

    source: str
    platform: str
    detected: bool
    """True when recognised from the header, False when given (``--from``)."""
    items: dict[str, str]
    """Column -> item id, in the file's order."""
    key: str | None
    """The column that identifies respondents (``_uuid``, ``KEY``, ``record_id``, ``id``)."""
    ignored: tuple[str, ...]
    """Platform metadata and the platform's own score fields, left out."""
    kept: dict[str, str] = field(default_factory=dict)
    """Other columns kept as identifiers: column -> name in relscale's output."""
    scores: tuple[str, ...] = ()
    """The platform form's own score fields, left out: relscale scores the answers."""
    signals: tuple[str, ...] = ()
    """The columns that recognised the export (when ``detected``)."""

    def lines(self) -> list[str]:
        """The report as short translated lines for a note on stderr."""
        how = _("recognised") if self.detected else _("as given")
        if self.detected and self.signals:
            how = _("recognised by {columns}; name another with --from").format(
                columns=", ".join(self.signals))
        out = [_("{source}: {platform} export ({how})").format(
            source=self.source, platform=PLATFORM_NAMES[self.platform], how=how)]
        pattern = _common_pattern(self.items)
        if pattern is not None:
            out.append(_("items: {n} columns {pattern} ({first} .. {last})").format(
                n=len(self.items), pattern=pattern, first=next(iter(self.items)),
                last=list(self.items)[-1]))
        else:
            pairs = [c if c == i else f"{c} -> {i}" for c, i in self.items.items()]
            out.append(_("items: {pairs}").format(pairs=", ".join(pairs)))
        if self.key:
            out.append(_("respondent key: {column}").format(column=self.key))
        if self.kept:
            kept = [c if c == n else f"{c} -> {n}" for c, n in self.kept.items()]
            out.append(_("kept: {columns}").format(columns=", ".join(kept)))
        if self.ignored:
            out.append(_("ignored as platform metadata: {columns}").format(
                columns=", ".join(self.ignored)))
        if self.scores:
            out.append(_("ignored, the form's own scores (relscale scores the answers): "
                         "{columns}").format(columns=", ".join(self.scores)))
        return out


def _common_pattern(items: dict[str, str]) -> str | None:
    """``items/<item>`` or ``items[<code>]`` when every column is its item id (or its
    code) in one frame, for a short report; None otherwise."""
    for mark, key in (("<item>", str.lower), ("<code>", _code)):
        patterns = set()
        for column, item in items.items():
            at = column.lower().find(key(item))
            if at < 0:
                break
            patterns.add(column[:at] + mark + column[at + len(key(item)):])
        else:
            if len(patterns) == 1:
                return patterns.pop()
    return None


def _code(name: str) -> str:
    """An id in letters and digits, lower case: LimeSurvey's code rule (the exporter's
    :func:`relscale.exporters.text.alphanumeric_code`, which this layer may not import)."""
    return re.sub(r"[^A-Za-z0-9]", "", name).lower()


def _item_shapes(adapted: AdaptedInstrument) -> set[str]:
    """The letter prefixes of the item ids (``rq`` of ``rq01``), as codes."""
    out = set()
    for item in adapted.item_ids:
        m = re.fullmatch(r"(.*?)\d+", item)
        if m and m.group(1):
            out.add(_code(m.group(1)))
    return out


def _looks_like_item(name: str, shapes: set[str]) -> bool:
    m = re.fullmatch(r"(.*?)\d+", _code(name))
    return bool(m and m.group(1) in shapes)


def _odk_candidates(name: str) -> list[str]:
    """``name`` and its group-stripped forms: ``a/b/rq01`` -> ``b/rq01``, ``rq01``."""
    out = [name]
    for sep in ("/", "-", "."):
        if sep in name:
            parts = name.split(sep)
            out += [sep.join(parts[k:]) for k in range(1, len(parts))]
    return out


def _limesurvey_code(name: str) -> str:
    """The subquestion code of ``items[code]``, ``items.code.`` (R), ``items_code``,
    ``itemscode`` or ``code``, as a lower-case code."""
    m = re.fullmatch(rf"{ITEMS_GROUP}[\[.](.+?)[\].]?", name, flags=re.IGNORECASE)
    if m:
        return _code(m.group(1))
    return _code(name)


@dataclass
class _Mapping:
    items: dict[int, str] = field(default_factory=dict)
    """column index -> item id"""
    kept: dict[int, str] = field(default_factory=dict)
    ignored: list[int] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)
    key: int | None = None


def _map_header(
    header: Sequence[str],
    adapted: AdaptedInstrument,
    platform: str,
    source: object,
) -> _Mapping:
    """Map a platform header to item ids, the key, kept identifiers and ignored metadata.

    :raises DataError: a column that looks like an item but is none, two columns for one
        item, a missing item, or a kept column with a score variable's name.
    """
    names = [h.strip() for h in header]
    dims = {d.id for d in adapted.dimensions}
    scores = dims | {f"{d}_{s}" for d in dims for s in ("n", "sum")}
    shapes = _item_shapes(adapted)
    by_lower = {i.lower(): i for i in adapted.item_ids}
    by_code = {_code(i): i for i in adapted.item_ids}
    m = _Mapping()
    if platform == "odk":
        m.key = next((names.index(k) for k in ODK_KEYS if k in names), None)
    elif platform == "limesurvey":
        m.key = names.index("id") if "id" in names else None
    elif names:
        m.key = 0  # REDCap writes the record id field first, whatever its name
    score_codes = {_code(s) for s in scores}
    for col, name in enumerate(names):
        if col == m.key:
            continue
        if not name:
            raise DataError(
                _("{where}: the column has no name").format(where=where(source, 1, col + 1))
            )
        item: str | None = None
        stem = name
        if platform == "odk":
            for cand in _odk_candidates(name):
                if cand.lower() in by_lower:
                    item = by_lower[cand.lower()]
                    break
            stem = re.split(r"[/-]", name)[-1]
            meta = (name in ODK_METADATA or stem in ODK_METADATA
                    or name.split("/")[0] == "meta" or name.split("-")[0] == "meta")
        elif platform == "redcap":
            item = by_lower.get(name.lower())
            meta = (name.endswith("_complete") or name.endswith("_timestamp")
                    or (name in REDCAP_METADATA and name not in REDCAP_ROWS))
            if name == "redcap_event_name" and WAVE_COLUMN not in names:
                stem = WAVE_COLUMN  # baseline and follow-up rows stay apart, as waves
        else:
            code = _limesurvey_code(name)
            item = by_code.get(code)
            if item is None and code.startswith(ITEMS_GROUP) and name.lower() != ITEMS_GROUP:
                item = by_code.get(code[len(ITEMS_GROUP):])
            meta = (name in LIMESURVEY_METADATA or re.fullmatch(r"groupTime\d+", name) is not None
                    or (name.endswith("Time") and name != "Time"))
            stem = LIMESURVEY_CODES.get(code, name)
            if item is None and code in score_codes:
                m.scores.append(col)
                continue
        if item is not None:
            if item in m.items.values():
                first = next(c for c, i in m.items.items() if i == item)
                raise DataError(
                    _("{where}: columns {first!r} and {second!r} both hold item {item}; "
                      "keep one").format(where=where(source, 1, name), first=names[first],
                                         second=name, item=item)
                )
            m.items[col] = item
        elif stem in scores or name in scores:
            m.scores.append(col)
        elif meta:
            m.ignored.append(col)
        elif _looks_like_item(stem, shapes) or (
            platform == "limesurvey" and re.match(rf"{ITEMS_GROUP}[\[._]", name, re.I)
        ):
            raise DataError(
                _("{where}: {name!r} looks like an item but is not one of {instrument} / "
                  "{sector} / {perspective}; is this the export of another form?").format(
                    where=where(source, 1, name), name=name, instrument=adapted.instrument,
                    sector=adapted.sector, perspective=adapted.perspective)
            )
        else:
            m.kept[col] = stem if stem in (*ID_FIELDS, WAVE_COLUMN) else name
    missing = [i for i in adapted.item_ids if i not in m.items.values()]
    if missing:
        raise DataError(
            _("{where}: missing item column(s) {items} for "
              "{instrument}/{sector}/{perspective}").format(
                where=where(source, 1), items=", ".join(missing),
                instrument=adapted.instrument, sector=adapted.sector,
                perspective=adapted.perspective)
        )
    reserved = reserved_names(adapted)
    taken = {names[m.key]: m.key} if m.key is not None else {}
    for col, out in m.kept.items():
        if out in reserved:
            raise DataError(
                _("{where}: the name of a score variable; rename the column (is this already "
                  "scored output?)").format(where=where(source, 1, names[col]))
            )
        if out in taken:
            raise DataError(
                _("{where}: the column name appears twice (columns {first} and {second})").format(
                    where=where(source, 1, out), first=taken[out] + 1, second=col + 1)
            )
        taken[out] = col
    return m


def _spellings(adapted: AdaptedInstrument, platform: str) -> dict[str, float]:
    nan = float("nan")
    table: dict[str, float] = {s: nan for s in (*MISSING_SPELLINGS, "n/a", "NaN", "nan")}
    if platform == "redcap":
        table.update({c: nan for c in REDCAP_MISSING_CODES})
    for v in adapted.scale.values:
        table[str(v)] = float(v)
        table[f"{v}.0"] = float(v)
    return table


def sniff_platform(path: Path | str) -> str | None:
    """The platform a CSV file was exported from (by its header line), or None.

    Only CSV files are recognised: opening a workbook costs seconds for a large one, so an
    XLSX export is read as a platform's only when named (``--from``). A file that cannot
    be read is None here and reported by the reader.
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return None
    try:
        with open_csv(path, "{path}") as (header, _rows):
            return detect_platform(header)
    except (DataError, OSError):
        return None


def read_platform_responses(
    path: Path | str, adapted: AdaptedInstrument, platform: str | None = None,
    sheet: str | None = None,
) -> tuple[ResponseTable, MappingReport]:
    """Read a survey platform's response export (CSV, or XLSX: the first sheet).

    :param platform: ``odk`` (also Kobo), ``redcap`` or ``limesurvey``; default: recognised
        from the header.
    :returns: the responses, as :func:`relscale.io.responses.read_responses` returns
        them, and what the columns were mapped to.
    :raises DataError: a file that is no recognised export (without ``platform``), and the
        errors of the header mapping (an item-like column that is none, two columns for
        one item, a missing item); an answer that is a label or not on the scale,
        naming file, row and column.
    """
    path = Path(path)
    given = check_platform(platform)
    empty = _("{path}: empty file, expected a header row of item ids")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = open_workbook(path)
        try:
            header, rows, source, note = sheet_rows(wb, path, empty, sheet)
            table, report = _read(header, rows, source, adapted, given)
            table.notes += [note] if note else []
            return table, report
        finally:
            wb.close()
    with open_csv(path, empty) as (header, rows):
        return _read(header, rows, path, adapted, given)


def _read(
    header: list[str], rows: Rows, source: object, adapted: AdaptedInstrument,
    given: str | None,
) -> tuple[ResponseTable, MappingReport]:
    detected, signals = platform_signals(header)
    platform = given or detected
    if platform is None:
        raise DataError(
            _("{where}: not an export of ODK / KoboToolbox, REDCap or LimeSurvey that relscale "
              "recognises; name the platform with --from").format(where=where(source, 1))
        )
    names = [h.strip() for h in header]
    m = _map_header(names, adapted, platform, source)
    order = {item: col for col, item in m.items.items()}
    value_idx = [order[i] for i in adapted.item_ids]
    columns = [names[c] for c in value_idx]
    id_idx = ([m.key] if m.key is not None else []) + list(m.kept)
    id_names = [names[c] if c == m.key else m.kept[c] for c in id_idx]
    hint = _(_RAW_EXPORT[platform])

    def not_a_code(where_: str, value: Any) -> str:
        return _("{where}: {value!r} is not an answer code (a label?); {hint}").format(
            where=where_, value=value, hint=hint)

    convert = Converter(_spellings(adapted, platform), source, columns, not_a_code)
    table = collect_rows(rows, len(header), source, adapted.item_ids, value_idx,
                         id_idx, id_names, convert)
    validate_values(adapted, table.values, source=source, rows=table.rows, columns=columns)
    mark_not_applicable(adapted, table)
    report = MappingReport(
        source=str(source), platform=platform, detected=given is None,
        items={names[c]: i for c, i in sorted(m.items.items())},
        key=names[m.key] if m.key is not None else None,
        ignored=tuple(names[c] for c in sorted(m.ignored)),
        kept={names[c]: n for c, n in m.kept.items()},
        scores=tuple(names[c] for c in m.scores),
        signals=signals if given is None else (),
    )
    return table, report



def write_platform_responses(
    path: Path | str,
    adapted: AdaptedInstrument,
    output: Path | str,
    platform: str | None = None,
    *,
    overwrite: bool = False,
) -> tuple[ResponseTable, MappingReport]:
    """Read a platform export and write relscale's responses CSV (what ``relscale read``
    writes for filled forms): the respondent key and the kept identifiers, then one
    column per item id, empty for missing and the 'does not apply' code as itself;
    UTF-8, atomically.

    :raises RelscaleError: the output exists (without ``overwrite``) or is the input.
    :raises DataError: as :func:`read_platform_responses`; nothing is written then.
    """
    import math

    from relscale.io.atomic import atomic_write, check_output
    from relscale.io.csv_safety import writer as csv_writer

    check_output(Path(output), overwrite=overwrite, inputs=(Path(path),))
    table, report = read_platform_responses(path, adapted, platform)
    with atomic_write(output, overwrite=overwrite) as tmp, tmp.open(
        "w", newline="", encoding="utf-8"
    ) as fh:
        writer = csv_writer(fh)  # identifiers from the export: guarded
        writer.writerow([*table.id_columns, *table.items])
        na = adapted.scale.not_applicable
        marked = table.not_applicable
        for i in range(table.n):
            # 'does not apply' keeps its code: it is not an answer left out
            writer.writerow([
                *(table.ids[c][i] for c in table.id_columns),
                *(na.value if na is not None and marked is not None and marked[i, j]
                  else "" if math.isnan(x) else int(x) for j, x in enumerate(table.values[i])),
            ])
    return table, report

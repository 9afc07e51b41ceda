"""Response exports in each survey platform's shape, made from relscale's own exports.

The columns come from the form relscale exported to that platform (so a change to an
exporter changes the fixture), placed as the platform's response export places them.
Shapes, as checked against the platforms' own code and docs (see docs/exports.md,
"Bringing data back"):

- KoboToolbox CSV (kpi / formpack export): ``;``-separated, every cell quoted; ``start``,
  ``end``, then the fields in form order with the group path when "include groups in
  headers" is on (``items/rq01``), then ``_id``, ``_uuid``, ``_submission_time``,
  ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``__version__``,
  ``_tags``, ``_index``. Notes have no column.
- ODK Central CSV: ``SubmissionDate``, the fields with ``-`` between group and field
  (``items-rq01``), ``meta-instanceID``, ``KEY``, ``SubmitterID``, ``SubmitterName``,
  ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``, ``ReviewState``,
  ``DeviceID``, ``Edits``, ``FormVersion``.
- REDCap "CSV (raw data)": the record id field first, optionally
  ``redcap_survey_identifier`` and ``<form>_timestamp``, the fields in dictionary order
  (descriptive fields have no column), then ``<form>_complete`` (2 = complete).
- LimeSurvey response export, headings "question code", answers "answer codes": ``id``,
  ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``startdate``, ``datestamp``,
  then the questions in order, an array's subquestions as ``items[fhrqa01]`` (or
  ``itemsfhrqa01`` in the older / SPSS-style heading).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from relscale.exporters.limesurvey import build_rows
from relscale.exporters.redcap import build_dictionary, form_name
from relscale.exporters.xlsform import build_xlsform
from relscale.model.models import AdaptedInstrument

KOBO_TAIL = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index")
CENTRAL_TAIL = ("meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
                "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
                "DeviceID", "Edits", "FormVersion")


def _answer(x: float, missing: str) -> str:
    return missing if math.isnan(x) else str(int(x))


def _codes(i: int) -> tuple[str, str]:
    return f"R{i:03d}", f"S{i % 4:02d}"


def plain_csv(adapted: AdaptedInstrument, answers: np.ndarray, path: Path) -> Path:
    """The same answers as relscale's plain responses CSV."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", "subject_code", *adapted.item_ids])
        for i, row in enumerate(answers):
            w.writerow([*_codes(i), *(_answer(x, "") for x in row)])
    return path


def _odk_fields(adapted: Sequence[AdaptedInstrument], sep: str) -> list[tuple[str, str]]:
    """(column, field name) of every field with a value, group path joined by ``sep``."""
    groups: list[str] = []
    out = []
    for row in build_xlsform(adapted).survey:
        kind = row["type"]
        if kind == "begin_group":
            groups.append(row["name"])
        elif kind == "end_group":
            groups.pop()
        elif kind != "note":
            out.append((sep.join([*groups, row["name"]]), row["name"]))
    return out


def _values(adapted: AdaptedInstrument, answers: np.ndarray, i: int, missing: str,
            scores: dict[str, np.ndarray]) -> dict[str, str]:
    """Field name -> cell for respondent ``i``; the form's own score fields get plausible
    values (they are the platform's, and must be ignored)."""
    cells = dict(zip(adapted.item_ids, (_answer(x, missing) for x in answers[i]), strict=True))
    cells["respondent_code"], cells["subject_code"] = _codes(i)
    for d, raw in scores.items():
        cells[d] = "" if math.isnan(raw[i]) else f"{raw[i]:.4f}"
        cells[f"{d}_n"] = "3"
        cells[f"{d}_sum"] = "9"
    return cells


def kobo_csv(adapted: Sequence[AdaptedInstrument], answers: np.ndarray, path: Path, *,
             scores: dict[str, np.ndarray], groups: bool = True,
             missing: Sequence[str] = ("", "n/a")) -> Path:
    """A KoboToolbox CSV export ("XML values and headers", groups in headers with ``/``)."""
    fields = _odk_fields(adapted, "/" if groups else "\0")
    if not groups:
        fields = [(name, name) for _col, name in fields]
    header = ["start", "end", *(c for c, _n in fields), *KOBO_TAIL]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL)
        w.writerow(header)
        for i in range(len(answers)):
            cells = _values(adapted[0], answers, i, missing[i % len(missing)], scores)
            w.writerow([
                "2026-11-02T09:00:00.000+01:00", "2026-11-02T09:07:12.000+01:00",
                *(cells[n] for _c, n in fields),
                str(4000 + i), f"5b1c0e6e-0000-4000-8000-{i:012d}", "2026-11-02T08:07:20",
                "", "", "submitted_via_web", "", "vTm9x8Q", "", str(i + 1),
            ])
    return path


def central_csv(adapted: Sequence[AdaptedInstrument], answers: np.ndarray, path: Path, *,
                scores: dict[str, np.ndarray]) -> Path:
    """An ODK Central CSV export (groups joined with ``-``)."""
    fields = _odk_fields(adapted, "-")
    header = ["SubmissionDate", *(c for c, _n in fields), *CENTRAL_TAIL]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(len(answers)):
            cells = _values(adapted[0], answers, i, "", scores)
            uuid = f"uuid:5b1c0e6e-0000-4000-8000-{i:012d}"
            w.writerow([
                "2026-11-02T08:07:20.525Z", *(cells[n] for _c, n in fields),
                uuid, uuid, "12", "tablet 3", "0", "0", "", "", "collect:abc", "0",
                "2026110201",
            ])
    return path


def redcap_csv(adapted: AdaptedInstrument, answers: np.ndarray, path: Path, *,
               scores: dict[str, np.ndarray], survey_fields: bool = True,
               record_id: str = "record_id") -> Path:
    """A REDCap "CSV (raw data)" export of a project made from relscale's dictionary."""
    form = form_name(adapted)
    fields = [r.field_name for r in build_dictionary(adapted, with_record_id=False)
              if r.field_type != "descriptive"]
    header = [record_id]
    if survey_fields:
        header += ["redcap_survey_identifier", f"{form}_timestamp"]
    header += [*fields, f"{form}_complete"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(len(answers)):
            missing = "UNK" if i % 3 == 0 else ""
            cells = _values(adapted, answers, i, missing, scores)
            row = [str(i + 1)]
            if survey_fields:
                row += ["", "2026-11-02 09:07:12"]
            row += [*(cells[f] for f in fields), "2"]
            w.writerow(row)
    return path


def limesurvey_csv(adapted: Sequence[AdaptedInstrument], answers: np.ndarray, path: Path,
                   *, scores: dict[str, np.ndarray], style: str = "brackets") -> Path:
    """A LimeSurvey response export (question codes, answer codes), from the survey
    structure relscale's exporter writes. ``style``: ``brackets`` (``items[rq01]``) or
    ``joined`` (``itemsrq01``)."""
    rows = build_rows(adapted)
    head = rows[0]
    cls, kind, name = head.index("class"), head.index("type/scale"), head.index("name")
    lang = head.index("language")
    base = next(r[lang] for r in rows[1:] if r[cls] == "Q")
    columns: list[tuple[str, str]] = []  # (column, key into the cells)
    question = ""
    by_code = {"".join(ch for ch in i if ch.isalnum()): i for i in adapted[0].item_ids}
    for r in rows[1:]:
        if r[lang] != base:
            continue
        if r[cls] == "Q":
            question = r[name]
            if r[kind] != "F":
                key = {"respondentcode": "respondent_code", "subjectcode": "subject_code"}
                columns.append((r[name], key.get(r[name], r[name])))
        elif r[cls] == "SQ":
            col = f"{question}[{r[name]}]" if style == "brackets" else f"{question}{r[name]}"
            columns.append((col, by_code[r[name]]))
    dims = {"".join(ch for ch in d if ch.isalnum()): d for d in scores}
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
              "datestamp", *(c for c, _k in columns)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(len(answers)):
            cells = _values(adapted[0], answers, i, "N/A" if i % 2 else "", scores)
            cells.update({code: cells[d] for code, d in dims.items()})
            w.writerow([
                str(i + 1), "2026-11-02 09:07:12", "1", base, str(123456 + i),
                "2026-11-02 09:00:00", "2026-11-02 09:07:12",
                *(cells[k] for _c, k in columns),
            ])
    return path

"""Survey-platform exports back in: ODK/Kobo, REDCap and LimeSurvey response files made
from relscale's own exports (tests/platform_fixtures.py) score exactly as the same answers
in a plain CSV, and bad files get one line naming file, row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from export_samples import reference_scores, sample_answers
from platform_fixtures import central_csv, kobo_csv, limesurvey_csv, plain_csv, redcap_csv

from helpers import offered, runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.errors import DataError
from relscale.exporters.limesurvey import limesurvey_code
from relscale.io.platforms import (
    detect_platform,
    read_platform_responses,
    sniff_platform,
)
from relscale.io.responses import read_responses
from relscale.outputs import write_scores
from relscale.scoring.run import score_files

SHAPES = ("kobo", "kobo-flat", "central", "redcap", "limesurvey", "limesurvey-joined")
KEYS = {"kobo": "_uuid", "kobo-flat": "_uuid", "central": "KEY", "redcap": "record_id",
        "limesurvey": "id", "limesurvey-joined": "id"}
PLATFORM = {"kobo": "odk", "kobo-flat": "odk", "central": "odk", "redcap": "redcap",
            "limesurvey": "limesurvey", "limesurvey-joined": "limesurvey"}


def make_export(shape: str, key: tuple[str, str, str], tmp_path: Path,
                locales: tuple[str, ...] = ("en",)) -> tuple[Path, Path, object]:
    """(platform file, plain CSV of the same answers, adapted) for one combination."""
    instrument, sector, perspective = key
    forms = [adapt(instrument, sector, perspective, loc) for loc in locales]  # type: ignore[arg-type]
    answers = sample_answers(forms[0])
    scores = reference_scores(forms[0], answers)
    plain = plain_csv(forms[0], answers, tmp_path / "plain.csv")
    path = tmp_path / f"{shape}.csv"
    if shape == "kobo":
        kobo_csv(forms, answers, path, scores=scores)
    elif shape == "kobo-flat":
        kobo_csv(forms, answers, path, scores=scores, groups=False)
    elif shape == "central":
        central_csv(forms, answers, path, scores=scores)
    elif shape == "redcap":
        redcap_csv(forms[0], answers, path, scores=scores)
    else:
        style = "joined" if shape.endswith("joined") else "brackets"
        limesurvey_csv(forms, answers, path, scores=scores, style=style)
    return path, plain, forms[0]


def written(run: object, path: Path, drop: tuple[str, ...] = ()) -> list[dict[str, str]]:
    write_scores(run, path)  # type: ignore[arg-type]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v for k, v in row.items() if k not in drop} for row in csv.DictReader(fh)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("key", offered(), ids="/".join)
def test_round_trip_scores_as_the_plain_csv(shape: str, key: tuple[str, str, str],
                                            tmp_path: Path) -> None:
    path, plain, adapted = make_export(shape, key, tmp_path)
    ref = score_files([plain], adapted=adapted)  # type: ignore[arg-type]
    run = score_files([path], adapted=adapted)  # type: ignore[arg-type]
    assert run.mapping is not None and run.mapping.platform == PLATFORM[shape]
    assert run.mapping.detected and run.mapping.key == KEYS[shape]
    assert list(run.mapping.items.values()) == list(adapted.item_ids)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(run.responses.values, ref.responses.values)
    for d, raw in ref.scores.raw.items():
        np.testing.assert_allclose(run.scores.raw[d], raw, equal_nan=True)
    assert run.counts == ref.counts
    assert written(run, tmp_path / "out.csv", drop=(KEYS[shape],)) == written(
        ref, tmp_path / "ref.csv")


@pytest.mark.parametrize("shape", SHAPES)
def test_given_platform_and_read_responses_hook(shape: str, tmp_path: Path) -> None:
    key = ("relationship_quality", "foster_homes", "professional")
    path, plain, adapted = make_export(shape, key, tmp_path, locales=("nl", "en"))
    table, report = read_platform_responses(path, adapted, PLATFORM[shape])  # type: ignore[arg-type]
    assert not report.detected
    assert sniff_platform(path) == PLATFORM[shape]
    hooked = read_responses([path], adapted)  # type: ignore[arg-type]
    np.testing.assert_array_equal(hooked.values, table.values)
    assert hooked.id_columns == [KEYS[shape], "respondent_code", "subject_code"]
    assert read_responses([plain], adapted).id_columns == [  # type: ignore[arg-type]
        "respondent_code", "subject_code"]


def test_each_shape_maps_as_documented(tmp_path: Path) -> None:
    key = ("relationship_quality", "foster_homes", "professional")
    path, _plain, adapted = make_export("limesurvey", key, tmp_path)
    _t, report = read_platform_responses(path, adapted)  # type: ignore[arg-type]
    assert report.items["items[fhrqa01]"] == "fh_rq_a01"
    assert report.kept == {"respondentcode": "respondent_code", "subjectcode": "subject_code"}
    assert {"submitdate", "lastpage", "startlanguage", "seed"} <= set(report.ignored)
    assert set(report.scores) == {"closeness", "conflict", "dependency"}
    path, _plain, adapted = make_export("kobo", key, tmp_path)
    _t, report = read_platform_responses(path, adapted)  # type: ignore[arg-type]
    assert report.items["items/fh_rq_a01"] == "fh_rq_a01"
    assert {"start", "end", "_id", "_submission_time", "_index"} <= set(report.ignored)
    assert "closeness_sum" in report.scores
    path, _plain, adapted = make_export("redcap", key, tmp_path)
    _t, report = read_platform_responses(path, adapted)  # type: ignore[arg-type]
    assert set(report.ignored) == {"redcap_survey_identifier", "relationship_quality_timestamp",
                                   "relationship_quality_complete"}
    lines = report.lines()
    assert lines[1] == "items: 22 columns <item> (rq01 .. fh_rq_a01)"
    assert "respondent key: record_id" in lines


def test_limesurvey_codes_are_the_exporters() -> None:
    """The reader's letters-and-digits rule is the exporter's, for every offered item."""
    from relscale.io.platforms import _code

    for key in offered():
        for item in adapt(*key, "en").item_ids:  # type: ignore[misc]
            assert _code(item) == limesurvey_code(item).lower()


def test_redcap_project_with_its_own_record_id_and_other_fields(tmp_path: Path) -> None:
    adapted = adapt("working_alliance", "youth_care", "client", "en")
    answers = sample_answers(adapted)
    path = redcap_csv(adapted, answers, tmp_path / "r.csv",
                      scores=reference_scores(adapted, answers), survey_fields=False,
                      record_id="participant_id")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[0].insert(1, "age")
    for n, row in enumerate(rows[1:]):
        row.insert(1, str(30 + n))
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    table, report = read_platform_responses(path, adapted)
    assert report.platform == "redcap" and report.key == "participant_id"
    assert report.kept["age"] == "age"
    assert table.ids["age"][:2] == ["30", "31"]
    # UNK (REDCap's missing-data code) is a missing answer
    assert np.isnan(table.values).sum() == np.isnan(answers).sum()


def test_plain_tables_are_not_platform_exports() -> None:
    assert detect_platform(["respondent_code", "rq01", "rq02"]) is None
    assert detect_platform(["id", "rq01"]) is None
    assert detect_platform(["record_id", "rq01", "relationship_quality_complete"]) == "redcap"
    assert detect_platform(["SubmissionDate", "rq01", "KEY"]) == "odk"
    assert detect_platform(["id", "submitdate", "lastpage", "startlanguage"]) == "limesurvey"


def test_kobo_xlsx_export(tmp_path: Path) -> None:
    from openpyxl import Workbook

    key = ("working_alliance", "foster_homes", "client")
    path, plain, adapted = make_export("kobo", key, tmp_path)
    wb = Workbook()
    ws = wb.active
    for row in csv.reader(path.open(encoding="utf-8"), delimiter=";"):
        ws.append([int(c) if c.isdigit() and len(c) == 1 else c for c in row])
    xlsx = tmp_path / "kobo.xlsx"
    wb.save(xlsx)
    assert sniff_platform(xlsx) is None  # a workbook is a platform export only when named
    table, report = read_platform_responses(xlsx, adapted, "odk")  # type: ignore[arg-type]
    assert report.platform == "odk" and not report.detected
    result = runner().invoke(app, ["score", str(xlsx), "--from", "kobo", "-i", key[0], "-s",
                                   key[1], "-p", key[2], "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.stderr
    np.testing.assert_array_equal(table.values, read_responses([plain], adapted).values)  # type: ignore[arg-type]


# --- bad input: one line naming file, row and column ------------------------------------


def _edit(path: Path, header: dict[str, str] | None = None, add: tuple[str, str] | None = None,
          cell: tuple[int, str, str] | None = None, delimiter: str = ",") -> Path:
    rows = list(csv.reader(path.open(encoding="utf-8"), delimiter=delimiter))
    if header:
        rows[0] = [header.get(h, h) for h in rows[0]]
    if add:
        rows[0].append(add[0])
        for row in rows[1:]:
            row.append(add[1])
    if cell:
        r, column, value = cell
        rows[r - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


RQ = ("relationship_quality", "foster_homes", "professional")


@pytest.mark.parametrize(("shape", "edit", "expected"), [
    ("kobo", {"add": ("items/rq99", "3")}, "row 1, column items/rq99: 'items/rq99' looks like "
     "an item but is not one of relationship_quality / foster_homes / professional"),
    ("kobo", {"add": ("rq01", "3")}, "row 1, column rq01: columns 'items/rq01' and 'rq01' "
     "both hold item rq01; keep one"),
    ("limesurvey", {"add": ("items[rq40]", "")}, "row 1, column items[rq40]: 'items[rq40]' looks "
     "like an item"),
    ("redcap", {"cell": (4, "rq05", "Strongly agree")}, "row 4, column rq05: 'Strongly agree' "
     "is not an answer code (a label?); export 'CSV / Microsoft Excel (raw data)'"),
    ("limesurvey", {"cell": (3, "items[rq03]", "7")}, "row 3, column items[rq03]: '7' is not "
     "an answer on this scale (whole numbers 1 to 5, 9 for does not apply, or empty for "
     "missing)"),
    ("central", {"cell": (2, "items-rq02", "Agree")}, "row 2, column items-rq02: 'Agree' is "
     "not an answer code (a label?)"),
    ("redcap", {"header": {"rq03": "rq_3"}}, "row 1, column rq_3: 'rq_3' looks like an item"),
    ("redcap", {"header": {"rq03": "q_three"}}, "row 1: missing item column(s) rq03 for "
     "relationship_quality/foster_homes/professional"),
])
def test_bad_platform_file_is_one_line(shape: str, edit: dict, expected: str,
                                       tmp_path: Path) -> None:
    path, _plain, adapted = make_export(shape, RQ, tmp_path)
    _edit(path, delimiter=";" if shape == "kobo" else ",", **edit)
    with pytest.raises(DataError) as exc:
        read_platform_responses(path, adapted)  # type: ignore[arg-type]
    assert f"{path}, {expected}" in str(exc.value)
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(path), "-i", RQ[0], "-s", RQ[1], "-o", str(out)])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"relscale: error: {path}, ") and expected in lines[-1]
    assert "Traceback" not in result.stderr and not out.exists()


def test_from_on_a_file_that_is_not_that_export(tmp_path: Path) -> None:
    adapted = adapt(*RQ, "en")  # type: ignore[arg-type]
    path = tmp_path / "other.csv"
    path.write_text("id,q1,q2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing item column"):
        read_platform_responses(path, adapted, "limesurvey")
    with pytest.raises(DataError, match="not an export of ODK / KoboToolbox, REDCap or "
                                        "LimeSurvey"):
        read_platform_responses(path, adapted)
    with pytest.raises(DataError, match="unknown platform 'spss'"):
        read_platform_responses(path, adapted, "spss")


# --- the CLI ---------------------------------------------------------------------------


def test_score_notes_what_it_mapped(tmp_path: Path) -> None:
    path, _plain, _adapted = make_export("kobo", RQ, tmp_path)
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(path), "-i", RQ[0], "-s", RQ[1], "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    err = result.stderr
    assert (f"relscale: note: {path}: ODK / KoboToolbox export (recognised by _uuid, "
            "_submission_time, _id, _index, _validation_status, __version__; name another "
            "with --from)") in err
    assert "relscale: note: items: 22 columns items/<item> (items/rq01 .. items/fh_rq_a01)" in err
    assert "relscale: note: respondent key: _uuid" in err
    assert "ignored as platform metadata: start, end, _id, _submission_time" in err
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["_uuid", "respondent_code", "subject_code"]
    # --from names the platform; in Dutch the notes are Dutch
    result = runner().invoke(app, ["--locale", "nl", "score", str(path), "--from", "kobo",
                                   "-i", RQ[0], "-s", RQ[1], "-o", str(out), "--force"])
    assert result.exit_code == 0, result.stderr
    assert "ODK / KoboToolbox-export (opgegeven)" in result.stderr
    assert "respondentsleutel: _uuid" in result.stderr


@pytest.mark.parametrize("shape", ["central", "redcap", "limesurvey-joined"])
def test_read_from_writes_relscales_responses_csv(shape: str, tmp_path: Path) -> None:
    path, plain, adapted = make_export(shape, RQ, tmp_path)
    out = tmp_path / "responses.csv"
    result = runner().invoke(app, ["read", str(path), "--from", PLATFORM[shape], "-i", RQ[0],
                                   "-s", RQ[1], "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    with plain.open(encoding="utf-8", newline="") as fh:
        n = sum(1 for _row in csv.DictReader(fh))
    assert f"{out}: {n} responses written" in result.stderr
    assert f"respondent key: {KEYS[shape]}" in result.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        got = [{k: v for k, v in row.items() if k != KEYS[shape]} for row in csv.DictReader(fh)]
    with plain.open(encoding="utf-8", newline="") as fh:
        assert got == list(csv.DictReader(fh))
    # the canonical CSV scores as the plain one
    ref = score_files([plain], adapted=adapted)  # type: ignore[arg-type]
    again = score_files([out], adapted=adapted)  # type: ignore[arg-type]
    for d, raw in ref.scores.raw.items():
        np.testing.assert_allclose(again.scores.raw[d], raw, equal_nan=True)


def test_read_from_refuses_and_writes_nothing(tmp_path: Path) -> None:
    path, _plain, _adapted = make_export("redcap", RQ, tmp_path)
    _edit(path, cell=(5, "rq09", "Disagree"))
    out = tmp_path / "responses.csv"
    result = runner().invoke(app, ["read", str(path), "--from", "redcap", "-i", RQ[0],
                                   "-s", RQ[1], "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"relscale: error: {path}, row 5, column rq09: 'Disagree' is not an answer code")
    result = runner().invoke(app, ["read", str(path), "-i", RQ[0], "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert "needs --from, --instrument and --sector" in result.stderr


def test_does_not_apply_code_scores_as_in_a_plain_csv(tmp_path: Path) -> None:
    """A sector scale's 'does not apply' code (9 on foster homes' professional scale) is a
    missing answer in a platform export, as in a plain CSV."""
    path, plain, adapted = make_export("redcap", RQ, tmp_path)
    na = adapted.scale.not_applicable  # type: ignore[attr-defined]
    assert na is not None
    _edit(path, cell=(2, "rq04", str(na.value)))
    _edit(plain, cell=(2, "rq04", str(na.value)))
    run = score_files([path], adapted=adapted)  # type: ignore[arg-type]
    ref = score_files([plain], adapted=adapted)  # type: ignore[arg-type]
    assert np.isnan(run.responses.values[0, 3])
    np.testing.assert_array_equal(run.responses.values, ref.responses.values)


def test_two_columns_for_one_identifier(tmp_path: Path) -> None:
    """LimeSurvey's ``respondentcode`` becomes ``respondent_code``; a second column of
    that name is refused, naming both column numbers."""
    path, _plain, adapted = make_export("limesurvey", RQ, tmp_path)
    _edit(path, add=("respondent_code", "x"))
    with pytest.raises(DataError) as exc:
        read_platform_responses(path, adapted)  # type: ignore[arg-type]
    width = len(next(csv.reader(path.open(encoding="utf-8"))))
    assert str(exc.value) == (f"{path}, row 1, column respondent_code: the column name appears "
                              f"twice (columns 8 and {width})")


def test_odk_columns_are_pyxforms_instance_paths(tmp_path: Path) -> None:
    """The fixture's ODK/Kobo columns are the paths of the XForm pyxform builds from
    relscale's XLSForm (what Kobo and ODK Central name their export columns after)."""
    import re

    pytest.importorskip("pyxform")
    from pyxform.xls2xform import convert

    from relscale.exporters.xlsform import export_xlsform

    forms = [adapt(*RQ, loc) for loc in ("en", "nl")]  # type: ignore[misc]
    xlsx = tmp_path / "form.xlsx"
    export_xlsform(forms, xlsx, version="2026010101")
    xform = convert(str(xlsx), warnings=[], validate=False).xform
    paths = [p for p in re.findall(r'<bind nodeset="/data/([^"]+)"', xform)
             if not p.startswith("meta/") and p not in ("instructions", "administration")]
    answers = sample_answers(forms[0])
    scores = reference_scores(forms[0], answers)
    kobo = kobo_csv(forms, answers, tmp_path / "k.csv", scores=scores)
    header = next(csv.reader(kobo.open(encoding="utf-8"), delimiter=";"))
    assert header[2:-10] == paths
    central = central_csv(forms, answers, tmp_path / "c.csv", scores=scores)
    header = next(csv.reader(central.open(encoding="utf-8")))
    assert header[1:-11] == [p.replace("/", "-") for p in paths]

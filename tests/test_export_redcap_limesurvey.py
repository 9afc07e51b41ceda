"""REDCap data dictionaries and LimeSurvey survey structures: REDCap's and LimeSurvey's
documented layouts for every offered combination, wording kept inert, and the score
formulas (evaluated here) equal to relscale's scorer."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from export_samples import (
    adapted_locales,
    declined,
    offered,
    reference_scores,
    same_score,
    sample_answers,
)
from typer.testing import CliRunner

from relscale import RelscaleError
from relscale.cli.main import app
from relscale.exporters import limesurvey, redcap

runner = CliRunner()
COMBINATIONS = offered()
IDS = ["/".join(k) for k in COMBINATIONS]

# REDCap's data dictionary header as REDCap writes it (18 columns).
REDCAP_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min",
    "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)",
    "Matrix Group Name", "Matrix Ranking?", "Field Annotation",
]
# The manual's / tsvSurveyExport's base columns of LimeSurvey's tab-separated format.
LIMESURVEY_COLUMNS = [
    "id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
    "language", "validation", "mandatory", "other", "default", "same_default",
]


# --- REDCap ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", COMBINATIONS, ids=IDS)
@pytest.mark.parametrize("locale", ["en", "nl"])
def test_redcap_dictionary_follows_redcaps_rules(key: Any, locale: str, tmp_path: Path) -> None:
    adapted = adapted_locales(key, (locale,))[0]
    path = tmp_path / "dictionary.csv"
    redcap.write_dictionary(adapted, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == REDCAP_HEADER
    body = rows[1:]
    assert all(len(r) == 18 for r in body)
    names = [r[0] for r in body]
    assert names[0] == "record_id"
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) and len(n) <= 26 for n in names)
    assert {r[1] for r in body} == {redcap.form_name(adapted)}
    items = [r for r in body if r[3] == "radio"]
    assert [r[0] for r in items] == list(adapted.item_ids)
    assert len({r[5] for r in items}) == 1 and len({r[15] for r in items}) == 1
    # 'does not apply' is a choice of its own, with its own code
    na = adapted.scale.not_applicable
    assert items[0][5] == " | ".join(f"{p.value}, {p.label}"
                                     for p in (*adapted.scale.points, *((na,) if na else ())))
    calcs = [r for r in body if r[3] == "calc"]
    assert [r[0] for r in calcs] == [d.id for d in adapted.dimensions]
    assert {r[17] for r in calcs} == {"@HIDDEN-SURVEY"}
    # the pydantic model accepts what was written
    redcap.validate_dictionary(redcap.build_dictionary(adapted), with_record_id=True)


def test_redcap_instrument_zip(tmp_path: Path) -> None:
    out = tmp_path / "rq.zip"
    result = runner.invoke(app, ["export", "relationship_quality", "-s", "youth_care",
                                 "-F", "redcap-zip", "-o", str(out), "-l", "nl"])
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["OriginID.txt", "instrument.csv"]
        rows = list(csv.reader(io.StringIO(zf.read("instrument.csv").decode("utf-8-sig"))))
    assert rows[0] == REDCAP_HEADER
    assert "record_id" not in [r[0] for r in rows[1:]]
    assert rows[1][0] == "respondent_code"


def test_redcap_rules_catch_mistakes() -> None:
    ok = {"field_name": "rq01", "form_name": "rq", "field_type": "radio",
          "choices": "1, a | 2, b", "matrix_group": "m"}
    redcap.DictionaryRow(**ok)
    for bad in ({"field_name": "1rq"}, {"field_name": "Rq01"}, {"form_name": "r-q"},
                {"choices": "1 a | 2 b"}, {"field_type": "radiobutton"},
                {"field_name": "rq_complete"}, {"field_name": "x" * 101}):
        with pytest.raises(ValueError):
            redcap.DictionaryRow(**{**ok, **bad})
    rows = [redcap.DictionaryRow(**ok), redcap.DictionaryRow(**{**ok, "field_name": "rq02",
                                                                "choices": "1, a | 2, c"})]
    with pytest.raises(RelscaleError, match="matrix group"):
        redcap.validate_dictionary(rows, with_record_id=False)
    with pytest.raises(RelscaleError, match="record_id"):
        redcap.validate_dictionary(rows[:1], with_record_id=True)


def test_redcap_wording_is_not_piped() -> None:
    adapted = adapted_locales(("working_alliance", "education", "client"), ("en",))[0]
    items = list(adapted.items)
    items[0] = items[0].model_copy(update={"text": "[record_id] <b>x</b> | 'q' \"d\" {subject}"})
    adapted = adapted.model_copy(update={"items": tuple(items)})
    row = next(r for r in redcap.build_dictionary(adapted) if r.field_name == items[0].id)
    # the wording's own brackets are inert; the name typed first is piped where the
    # sentence refers to the other person (a screen has no blank line to write on)
    assert row.field_label == ("&#91;record_id&#93; &lt;b&gt;x&lt;/b&gt; &#124; 'q' \"d\" "
                               "[subject_code]")
    subject = next(r for r in redcap.build_dictionary(adapted) if r.field_name == "subject_code")
    assert subject.required == "y"


def _redcap_eval(calculation: str, values: dict[str, float]) -> Any:
    """Evaluate the REDCap calc subset the exporter writes, with Python."""
    def iff(c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    python = calculation.replace("isblankormissingcode(", "blank(")
    python = re.sub(r"(?<![<>!=])=(?!=)", "==", python)  # REDCap's comparison
    python = re.sub(r"\[(\w+)\]", r"val('\1')", python)
    python = re.sub(r"\bif\(", "iff(", python).replace("sum(", "rsum(")
    names = {
        "iff": iff, "blank": lambda v: math.isnan(v), "val": lambda n: values[n],
        "rsum": lambda *xs: np.float64(sum(xs)),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        return eval(python, {"__builtins__": {}}, names)


@pytest.mark.parametrize("key", COMBINATIONS, ids=IDS)
def test_redcap_calculations_give_relscales_scores(key: Any) -> None:
    adapted = adapted_locales(key, ("en",))[0]
    answers = sample_answers(adapted)
    reference = reference_scores(adapted, answers)
    for r, row in enumerate(answers):
        values = dict(zip(adapted.item_ids, row.tolist(), strict=True))
        for d in adapted.dimensions:
            got = _redcap_eval(redcap.score_calculation(adapted, d.id), values)
            assert same_score(None if got == "" else float(got), reference[d.id][r])


# --- LimeSurvey --------------------------------------------------------------------------


def _read_tsv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter="\t"))


@pytest.mark.parametrize("key", COMBINATIONS, ids=IDS)
def test_limesurvey_structure_in_two_languages(key: Any, tmp_path: Path) -> None:
    adapted = adapted_locales(key)
    path = tmp_path / "survey.txt"
    limesurvey.export_limesurvey(adapted, path)
    rows = _read_tsv(path)
    header = rows[0]
    assert header[: len(LIMESURVEY_COLUMNS)] == LIMESURVEY_COLUMNS
    assert all(len(r) == len(header) for r in rows)
    col = {name: k for k, name in enumerate(header)}
    body = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    settings = {r["name"]: r["text"] for r in body if r["class"] == "S"}
    assert settings["language"] == "en" and settings["additional_languages"] == "nl"
    blocks = {lang: [r for r in body if r["class"] in ("G", "Q", "SQ", "A")
                     and r["language"] == lang] for lang in ("en", "nl")}
    def shape(lang: str) -> list[tuple[str, ...]]:  # group names are translated
        return [(r["class"], r["type/scale"], r["id"], "" if r["class"] == "G" else r["name"])
                for r in blocks[lang]]

    assert shape("en") == shape("nl")
    first_en = next(k for k, r in enumerate(body) if r["class"] == "G" and r["language"] == "en")
    first_nl = next(k for k, r in enumerate(body) if r["class"] == "G" and r["language"] == "nl")
    assert first_en < first_nl  # base language block first
    codes = [r["name"] for r in blocks["en"] if r["class"] in ("Q", "SQ")]
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", c) for c in codes)
    answers = [r["name"] for r in blocks["en"] if r["class"] == "A"]
    assert answers == [str(v) for v in adapted[0].scale.accepted]  # 'does not apply' too
    sub = [r["name"] for r in blocks["en"] if r["class"] == "SQ"]
    assert sub == [limesurvey.alphanumeric_code(i) for i in adapted[0].item_ids]
    equations = [r for r in blocks["en"] if r["class"] == "Q" and r["type/scale"] == "*"]
    assert [r["name"] for r in equations] == [limesurvey.alphanumeric_code(d.id)
                                              for d in adapted[0].dimensions]
    assert {r["hidden"] for r in equations} == {"1"}
    assert col["hidden"] == len(LIMESURVEY_COLUMNS)


def _em_eval(equation: str, values: dict[str, float]) -> Any:
    """Evaluate the ExpressionScript subset the exporter writes, with Python."""
    assert equation.startswith("{") and equation.endswith("}")

    def iff(c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    python = re.sub(r"\bif\(", "iff(", equation[1:-1]).replace("sum(", "rsum(")
    names: dict[str, Any] = {
        "iff": iff, "is_empty": lambda v: math.isnan(v),
        "count": lambda *xs: sum(0 if x == "" or math.isnan(x) else 1 for x in xs),
        "rsum": lambda *xs: np.float64(sum(xs)), **values,
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        return eval(python, {"__builtins__": {}}, names)


@pytest.mark.parametrize("key", COMBINATIONS, ids=IDS)
def test_limesurvey_equations_give_relscales_scores(key: Any) -> None:
    adapted = adapted_locales(key, ("en",))[0]
    codes = {i: limesurvey.alphanumeric_code(i) for i in adapted.item_ids}
    answers = sample_answers(adapted)
    reference = reference_scores(adapted, answers)
    for r, row in enumerate(answers):
        values = {f"items_{codes[i]}": v for i, v in zip(adapted.item_ids, row.tolist(),
                                                          strict=True)}
        for d in adapted.dimensions:
            got = _em_eval(limesurvey.equation(adapted, d.id, codes), values)
            assert same_score(None if got == "" else float(got), reference[d.id][r])


def test_limesurvey_wording_is_not_an_expression() -> None:
    adapted = adapted_locales(("relationship_quality", "education", "professional"))
    items = list(adapted[1].items)
    items[0] = items[0].model_copy(update={"text": "{if(1,'x','y')}\ttab <i>&</i> {subject}"})
    adapted[1] = adapted[1].model_copy(update={"items": tuple(items)})
    rows = limesurvey.build_rows(adapted)
    texts = [r[6] for r in rows if r[2] == "SQ" and r[8] == "nl"]
    # the wording's own braces are inert; {subjectcode} pipes the name typed first
    assert texts[0] == "&#123;if(1,'x','y')&#125; tab &lt;i&gt;&amp;&lt;/i&gt; {subjectcode}"


def test_limesurvey_codes_are_checked() -> None:
    assert limesurvey.limesurvey_code("fh_rq_a01") == "fhrqa01"
    for bad in ("1abc", "a" * 21, "__"):
        with pytest.raises(RelscaleError, match="LimeSurvey"):
            limesurvey.limesurvey_code(bad)
    with pytest.raises(RelscaleError):
        limesurvey.limesurvey_code("123456", answer=True)


@pytest.mark.parametrize("fmt", ["redcap", "redcap-zip", "limesurvey"])
def test_declined_combinations_are_refused(fmt: str, tmp_path: Path) -> None:
    for instrument, sector, perspective, _reason in declined():
        out = tmp_path / f"x.{fmt}"
        result = runner.invoke(app, ["export", instrument, "-s", sector, "-p", perspective,
                                     "-F", fmt, "-o", str(out)])
        assert result.exit_code == 1 and "declines" in result.stderr
        assert not out.exists()

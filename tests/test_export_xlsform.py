"""The XLSForm exporter: pyxform converts every offered combination in English and Dutch
without warnings, and the calculate fields give relscale's own scores."""

from __future__ import annotations

import math
import re
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
from relscale.exporters.xlsform import (
    build_xlsform,
    export_xlsform,
    form_version,
    score_calculations,
)
from relscale.scoring.engine import min_answered_count

pyxform = pytest.importorskip("pyxform")
from pyxform.xls2xform import convert  # noqa: E402

runner = CliRunner()
COMBINATIONS = offered()


def _convert(path: Path) -> tuple[str, list[str]]:
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings, validate=False)
    return result.xform, warnings


@pytest.mark.parametrize("key", COMBINATIONS, ids=["/".join(k) for k in COMBINATIONS])
def test_every_offered_combination_converts_in_two_languages(key: Any, tmp_path: Path) -> None:
    adapted = adapted_locales(key)
    path = tmp_path / "form.xlsx"
    export_xlsform(adapted, path, version="2026010101")
    xform, warnings = _convert(path)
    assert warnings == []
    assert '<translation lang="English (en)" default="true()">' in xform
    assert '<translation lang="Nederlands (nl)">' in xform
    for lang in adapted:  # every item's wording in both languages
        for item in lang.items:
            first_words = item.text.replace("{subject}", "").split()[0]
            assert first_words in xform
    for dim in adapted[0].dimensions:
        for name in (f"{dim.id}_n", f"{dim.id}_sum", dim.id):
            assert re.search(rf'<bind nodeset="/data/{name}" type="string" calculate="', xform)
    required = [
        i.id for i in adapted[0].items
        if min_answered_count(len(adapted[0].items_for(i.dimension)),
                              adapted[0].scoring.min_answered)
        >= len(adapted[0].items_for(i.dimension))
    ]
    assert sorted(re.findall(r'nodeset="/data/items/(\w+)" type="string" required="true\(\)"',
                             xform)) == sorted(required)


def test_settings_and_sheets() -> None:
    adapted = adapted_locales(("working_alliance", "youth_care", "client"))
    form = build_xlsform(adapted, version="2026010101")
    assert form.settings == {
        "form_title": f"{adapted[0].title} — {adapted[0].sector_label}",
        "form_id": "relscale_working_alliance_youth_care_client",
        "version": "2026010101",
        "default_language": "English (en)",
    }
    header = form.columns("survey")
    assert header[:2] == ["type", "name"]
    assert {"label::English (en)", "label::Nederlands (nl)", "hint::English (en)",
            "hint::Nederlands (nl)", "required", "appearance", "calculation"} <= set(header)
    items = [r for r in form.survey if r["type"].startswith("select_one")]
    assert [r["name"] for r in items] == list(adapted[0].item_ids)
    assert {r["appearance"] for r in items} == {"likert"}
    assert [r["name"] for r in form.survey if r["type"] == "text"] == [
        "respondent_code", "subject_code"]
    assert re.fullmatch(r"\d{10}", form_version())
    # on a screen there is no line to write on: the sentence shows the name typed first
    label = items[0]["label::English (en)"]
    assert "${subject_code}" in label and "\\_\\_" not in label and "______" not in label
    subject = next(r for r in form.survey if r["name"] == "subject_code")
    assert subject["required"] == "yes"


def test_declined_combination_is_refused_with_the_reason(tmp_path: Path) -> None:
    instrument, sector, perspective, _reason = declined()[0]
    out = tmp_path / "x.xlsx"
    result = runner.invoke(app, ["export", instrument, "-s", sector, "-p", perspective,
                                 "-F", "xlsform", "-o", str(out), "-l", "en", "-l", "nl"])
    assert result.exit_code == 1
    assert "declines" in result.stderr
    assert not out.exists()


def test_cli_writes_several_locales_and_refuses_them_for_one_locale_formats(
    tmp_path: Path,
) -> None:
    out = tmp_path / "rq.xlsx"
    result = runner.invoke(app, ["export", "relationship_quality", "-s", "education",
                                 "-F", "xlsform", "-o", str(out), "-l", "nl", "-l", "en"])
    assert result.exit_code == 0, result.stderr
    xform, warnings = _convert(out)
    assert warnings == []
    assert '<translation lang="Nederlands (nl)" default="true()">' in xform
    result = runner.invoke(app, ["export", "relationship_quality", "-s", "education",
                                 "-F", "redcap", "-o", str(tmp_path / "d.csv"), "-l", "en",
                                 "-l", "nl"])
    assert result.exit_code == 1
    assert "holds one locale" in result.stderr
    result = runner.invoke(app, ["export", "relationship_quality", "-s", "education",
                                 "-F", "xlsform", "-o", str(out), "-l", "en"])
    assert result.exit_code == 1 and "already exists" in result.stderr


def test_wording_is_data_not_code(tmp_path: Path) -> None:
    adapted = adapted_locales(("relationship_quality", "education", "professional"))
    nasty = "=SUM(A1) *bold* ${rq02} 'quote' \"dq\" {x} # {subject}"
    items = list(adapted[0].items)
    items[0] = items[0].model_copy(update={"text": nasty})
    adapted[0] = adapted[0].model_copy(update={"items": tuple(items),
                                               "instructions": "+1 @cell -x"})
    path = tmp_path / "nasty.xlsx"
    export_xlsform(adapted, path, subject="Sam")
    xform, warnings = _convert(path)
    assert warnings == []
    assert "Sam" in xform and "______" not in xform
    import openpyxl

    ws = openpyxl.load_workbook(path)["survey"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.data_type for c in cells} == {"s"}
    assert any(c.value.startswith("=SUM(A1)") for c in cells)
    assert any(c.value == "+1 @cell -x" for c in cells)


def test_locales_of_different_instruments_are_refused() -> None:
    a = adapted_locales(("relationship_quality", "education", "professional"), ("en",))
    b = adapted_locales(("working_alliance", "education", "professional"), ("nl",))
    with pytest.raises(RelscaleError, match="differs"):
        build_xlsform(a + b)
    with pytest.raises(RelscaleError, match="twice"):
        build_xlsform(a + a)


# --- the calculate fields, evaluated -------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][\w.-]*\})|(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*')"
    r"|(?P<op>>=|<=|!=|[-+*()=<>,])|(?P<name>[A-Za-z][\w-]*))"
)


class XPath:
    """A tiny evaluator for the XPath subset the exporter writes: ``${field}``, numbers,
    '' literals, ``if()``, ``string-length()``, ``number()``, + - * div, comparisons."""

    def __init__(self, expression: str, values: dict[str, Any]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(expression.rstrip()):
            m = TOKEN.match(expression, pos)
            assert m, f"cannot read {expression[pos:]!r}"
            kind = m.lastgroup
            assert kind is not None
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.k = 0
        self.values = values

    def peek(self) -> str | None:
        return self.tokens[self.k][1] if self.k < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.k]
        assert expected is None or token[1] == expected, (token, expected)
        self.k += 1
        return token

    def run(self) -> Any:
        value = self.comparison()
        assert self.k == len(self.tokens)
        return value

    def comparison(self) -> Any:
        left = self.additive()
        while self.peek() in (">=", "<=", ">", "<", "=", "!="):
            op = self.take()[1]
            right = self.additive()
            a, b = _num(left), _num(right)
            left = {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "=": a == b,
                    "!=": a != b}[op]
        return left

    def additive(self) -> Any:
        left = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = self.multiplicative()
            left = _num(left) + _num(right) if op == "+" else _num(left) - _num(right)
        return left

    def multiplicative(self) -> Any:
        left = self.primary()
        while self.peek() in ("*", "div"):
            op = self.take()[1]
            right = self.primary()
            a, b = _num(left), _num(right)
            left = a * b if op == "*" else (a / b if b else math.nan)
        return left

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1]
        if kind == "ref":
            return self.values.get(text[2:-1], "")
        if text == "(":
            value = self.comparison()
            self.take(")")
            return value
        assert kind == "name", text
        self.take("(")
        args = [self.comparison()]
        while self.peek() == ",":
            self.take(",")
            args.append(self.comparison())
        self.take(")")
        if text == "if":
            return args[1] if args[0] else args[2]
        if text == "string-length":
            return float(len(_str(args[0])))
        if text == "number":
            return _num(args[0])
        raise AssertionError(f"unexpected function {text}")


def _num(x: Any) -> float:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    if isinstance(x, float):
        return x
    try:
        return float(x)
    except ValueError:
        return math.nan


def _str(x: Any) -> str:
    if isinstance(x, float):
        return "" if math.isnan(x) else (str(int(x)) if x.is_integer() else str(x))
    return str(x)


def test_the_evaluator_reads_the_subset() -> None:
    values = {"a": "3", "b": ""}
    assert XPath("if(string-length(${a}) > 0, 6 - number(${a}), 0)", values).run() == 3
    assert XPath("if(string-length(${b}) > 0, 1, 0) + 2 * 3", values).run() == 6
    assert XPath("if(1 >= 2, 7 div 2, '')", values).run() == ""


def test_the_sample_has_reversed_items() -> None:
    for key in (("relationship_quality", "foster_homes", "professional"),
                ("working_alliance", "youth_care", "client")):
        assert any(i.keying == "-" for i in adapted_locales(key, ("en",))[0].items)


@pytest.mark.parametrize("key", COMBINATIONS, ids=["/".join(k) for k in COMBINATIONS])
def test_calculations_give_relscales_scores(key: Any) -> None:
    adapted = adapted_locales(key, ("en",))[0]
    answers = sample_answers(adapted)
    reference = reference_scores(adapted, answers)
    calcs = score_calculations(adapted)
    for r, row in enumerate(answers):
        values: dict[str, Any] = {
            item.id: "" if math.isnan(v) else str(int(v))
            for item, v in zip(adapted.items, row, strict=True)
        }
        for calc in calcs:
            n_name, sum_name, _score = calc.names
            values[n_name] = XPath(calc.count, values).run()
            values[sum_name] = XPath(calc.keyed_sum, values).run()
            score = XPath(calc.score, values).run()
            platform = None if score == "" else float(score)
            assert same_score(platform, reference[calc.dimension][r]), (r, calc.dimension)
    # the sample holds scored and too-few-answers rows for every scale
    for d in adapted.dimensions:
        assert np.isnan(reference[d.id]).any() and (~np.isnan(reference[d.id])).any()

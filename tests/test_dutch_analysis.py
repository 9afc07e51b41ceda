"""Dutch throughout, for the analysis outputs: ``cfa``, ``invariance``, ``reliability`` and
``report adaptation --data`` in ``--locale nl`` print and write no English word (the list
:data:`test_dutch_throughout.ENGLISH` keeps) outside ids, option names and file names.

Every message is made where the analysis raises or returns it, in the locale of the
command, so the runs cover each kind of output: the method table and the estimator's
note (ml, mlr with FIML and clusters, wlsmv), warnings (listwise deletion, nested data, a
negative loading with its keying advice, reliability's reversed-twice items), the verdict
with a partial level and with the two criteria disagreeing, the partial procedure's
reasons, DIF types, and the Markdown and xlsx report. Numbers in Dutch text have a decimal
comma; the JSON keeps its ids (``"estimator": "wlsmv"``, level names) while its sentences
follow the locale. The same runs in English show the English words, so the check can fail.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from equivalence_data import write_sectors
from test_dutch_throughout import ENGLISH, english_words, relscale, run_all

from relscale.adapt import adapt
from relscale.i18n import available_locales

pytestmark = pytest.mark.skipif("nl" not in available_locales(), reason="no nl catalog")

RQ = "relationship_quality"
RQC = "relationship_quality_client"
WORDS = ENGLISH | {"both"}
"""``both`` is a value of ``--criterion`` in the help, and a word in a verdict's table."""
IDS = frozenset({"closeness", "conflict", "dependency", "education", "foster_homes",
                 "youth_care", "marker", "listwise", "pairwise", "fiml", "ml", "mlr",
                 "wlsmv", "chen", "lrt", "uniform"})
"""Dimension, sector and option ids shown as they are typed."""
TITLES = ("ITC Guidelines for Translating and Adapting Tests",)
"""Titles of cited works, quoted as published."""
DOT_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?![\w.])")
"""A number with a decimal point (a version or a path is not one: it has more dots)."""


def _edit(path: Path, target: Path, edit: Any) -> Path:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(edit(rows))
    return target


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Response files for every kind of output (see the module docstring)."""
    tmp = tmp_path_factory.mktemp("dutch_analysis")
    files = {"sectors": tmp / "sectors.csv", "rqc": tmp / "rqc.csv",
             "shift": tmp / "shift.csv", "edu": tmp / "edu.csv"}
    write_sectors(files["sectors"], ["education", "youth_care"], 300)
    write_sectors(files["rqc"], ["education", "foster_homes"], 500, instrument=RQC)

    def shift(samples: dict[str, Any]) -> None:  # two intercepts differ: partial scalar
        smp = samples["foster_homes"]
        for item in ("rq05", "rq09"):
            col = smp.values[:, list(smp.items).index(item)]
            col[:] = np.where(np.isnan(col), col, np.clip(col + 1, 1, 5))

    write_sectors(files["shift"], ["education", "foster_homes"], 600, edit=shift)
    write_sectors(files["edu"], ["education"], 400)
    reverse = [it.id for it in adapt(RQ, "education", None, "en").items if it.keying == "-"]

    def nested_and_recoded(rows: list[list[str]]) -> list[list[str]]:
        for i, r in enumerate(rows[1:]):
            r[0] = f"teacher{i // 20:02d}"  # a teacher rates 20 children
        for it in reverse:  # reverse-keyed items recoded in the file already
            j = rows[0].index(it)
            for r in rows[1:]:
                r[j] = str(6 - int(r[j])) if r[j] else ""
        return rows

    files["nested"] = _edit(files["edu"], tmp / "nested.csv", nested_and_recoded)
    files["small"] = _edit(files["edu"], tmp / "small.csv", lambda rows: rows[:41])
    return files


def _runs(data: dict[str, Path], out: Path) -> dict[str, tuple[str, ...]]:
    nl = ("--locale", "nl")
    inv = (*nl, "invariance")
    return {
        "cfa ml, fiml, nested, reversed twice": (*nl, "cfa", str(data["nested"]), "-i", RQ),
        "cfa mlr, clusters": (*nl, "cfa", str(data["nested"]), "-i", RQ, "--cluster",
                              "respondent_code"),
        "cfa listwise, small": (*nl, "cfa", str(data["small"]), "-i", RQ, "--missing",
                                "listwise"),
        "cfa wlsmv": (*nl, "cfa", str(data["rqc"]), "-i", RQC, "-s", "foster_homes"),
        "invariance ml, criteria disagree": (*inv, str(data["sectors"]), "-i", RQ, "-g",
                                             "sector"),
        "invariance mlr, fiml, partial": (*inv, str(data["shift"]), "-i", RQ, "-g", "sector",
                                          "--estimator", "mlr", "--criterion", "chen"),
        "invariance wlsmv, collapse": (*inv, str(data["rqc"]), "-i", RQC, "-g", "sector",
                                       "--collapse", "rqc05=4:3"),
        "invariance json": (*inv, str(data["rqc"]), "-i", RQC, "-g", "sector", "--format",
                            "json"),
        "invariance xlsx": (*inv, str(data["sectors"]), "-i", RQ, "-g", "sector",
                            "--missing", "listwise", "--strict", "--format", "xlsx", "-o",
                            str(out / "invariance.xlsx")),
        "reliability": (*nl, "reliability", str(data["nested"]), "-i", RQ, "-s",
                        "education"),
        "reliability small": (*nl, "reliability", str(data["small"]), "--items",
                              "rq01,rq02,rq03,rq06", "--reverse", "rq02", "--scale-min", "1",
                              "--scale-max", "5", "--missing", "pairwise"),
        "reliability ordinal": (*nl, "reliability", str(data["rqc"]), "-i", RQC, "-s",
                                "foster_homes"),
        "reliability ordinal json": (*nl, "reliability", str(data["rqc"]), "-i", RQC, "-s",
                                     "foster_homes", "--format", "json"),
        "reliability xlsx": (*nl, "reliability", str(data["rqc"]), "-i", RQC, "-s",
                             "foster_homes", "-o", str(out / "reliability.xlsx")),
        "cfa xlsx": (*nl, "cfa", str(data["small"]), "-i", RQ, "--missing", "listwise",
                     "--format", "xlsx", "-o", str(out / "cfa.xlsx")),
        "reliability json": (*nl, "reliability", str(data["nested"]), "-i", RQ, "-s",
                             "education", "--format", "json"),
        "report md": (*nl, "report", "adaptation", RQ, "--sector", "youth_care", "--data",
                      str(data["sectors"]), "-o", str(out / "report.md")),
        "report xlsx": (*nl, "report", "adaptation", RQ, "--sector", "foster_homes", "--data",
                        str(data["shift"]), "--estimator", "mlr", "-o",
                        str(out / "report.xlsx")),
    }


@pytest.fixture(scope="module")
def done(data: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("dutch_analysis_out")
    runs = _runs(data, out)
    results = run_all(list(runs.values()))
    return {name: results[args] for name, args in runs.items()}, out


def _problems(text: str) -> list[str]:
    for title in TITLES:
        text = text.replace(title, " ")
    return sorted(set(english_words(text, IDS, WORDS)))


def test_the_check_sees_the_english_of_these_outputs(data: dict[str, Path]) -> None:
    """The same invariance run in English: the words the Dutch run must not have."""
    result = relscale("invariance", str(data["sectors"]), "-i", RQ, "-g", "sector")
    assert result.returncode == 0, result.stderr
    found = set(english_words(result.stdout + result.stderr, IDS, WORDS))
    assert {"estimator", "invariance", "metric", "both", "none"} <= found
    assert DOT_NUMBER.search(result.stdout)


def test_every_printed_analysis_in_dutch(done: tuple[dict[str, Any], Path]) -> None:
    results, _out = done
    problems = {}
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stderr)
        text = result.stdout + result.stderr
        if name.endswith("json"):
            text = result.stderr
        words = _problems(text)
        if words:
            problems[name] = words
    assert not problems, problems
    # what the runs were for is there, in Dutch
    said = {name: r.stdout + r.stderr for name, r in results.items()}
    assert "schatter ml" in said["cfa ml, fiml, nested, reversed twice"]
    assert "lijken genest" in said["cfa ml, fiml, nested, reversed twice"]
    assert "al omgescoord in het bestand?" in said["cfa ml, fiml, nested, reversed twice"]
    assert "schatter mlr" in said["cfa mlr, clusters"]
    assert "clusterrobuuste" in said["cfa mlr, clusters"]
    assert "listwise verwijderen liet meer dan 10%" in said["cfa listwise, small"]
    assert "--missing fiml (ML met volledige informatie) gebruikt elk gegeven antwoord" in \
        said["cfa listwise, small"]
    assert "maar 40 volledige respondenten" in said["cfa listwise, small"] or \
        "onstabiel onder ongeveer 200" in said["cfa listwise, small"]
    assert "schatter wlsmv" in said["cfa wlsmv"]
    assert "De twee criteria zijn het oneens" in said["invariance ml, criteria disagree"]
    assert "partiële scalaire invariantie" in said["invariance mlr, fiml, partial"]
    assert "maximum likelihood met volledige informatie" in \
        said["invariance mlr, fiml, partial"]
    assert "drempels" in said["invariance wlsmv, collapse"]
    assert "Antwoorden samengevoegd  rqc05: 4 → 3  zoals gevraagd" in \
        said["invariance wlsmv, collapse"]
    assert "ordinale alfa" in said["reliability ordinal"]
    assert "categoriale omega" in said["reliability ordinal"]
    assert "de antwoordschaal heeft 4 punten, minder dan 5" in said["reliability ordinal"]
    assert "al omgescoord?" in said["reliability"]
    assert "schaal" in said["reliability small"]


def test_dutch_numbers_have_a_decimal_comma(done: tuple[dict[str, Any], Path]) -> None:
    results, _out = done
    for name, result in results.items():
        if name.endswith("json") or name.startswith("report"):
            continue
        assert not DOT_NUMBER.findall(result.stdout + result.stderr), name
    assert re.search(r"\d,\d{3}", results["invariance ml, criteria disagree"].stdout)
    assert "< 0,001" in results["invariance ml, criteria disagree"].stdout


def test_json_keeps_ids_and_says_its_sentences_in_dutch(
        done: tuple[dict[str, Any], Path]) -> None:
    results, _out = done
    out = json.loads(results["invariance json"].stdout)
    assert (out["estimator"], out["missing"], out["criterion"]) == ("wlsmv", "pairwise", "both")
    assert out["level"] in ("none", "configural", "thresholds", "metric", "scalar") or \
        out["level"].startswith("partial ")
    assert [o["level"] for o in out["outcomes"]][:2] == ["configural", "thresholds"]
    assert all(it["dif_type"] in ("none", "uniform", "non-uniform", "uniform and non-uniform",
                                  "uniform or non-uniform (overall test only)")
               for res in out["dif"].values() for it in res["items"])
    assert out["estimator_note"].startswith("schatter wlsmv")
    sentences = [out["decision"], out["estimator_note"], *out["warnings"]]
    assert not _problems(" ".join(sentences)), sentences
    ordinal = json.loads(results["reliability ordinal json"].stdout)
    assert ordinal["ordinal_note"].startswith("ordinale alfa en categoriale omega toegevoegd")
    assert all(s["ordinal"]["categorical_omega"] > 0 for s in ordinal["scales"])
    rel = json.loads(results["reliability json"].stdout)
    warnings = [w for s in rel["scales"] for w in s["warnings"]]
    assert warnings and not _problems(" ".join(warnings)), warnings
    assert [s["scale"] for s in rel["scales"]] == [d.id for d in
                                                   adapt(RQ, "education").dimensions]


def _md_without_english_content(text: str) -> str:
    """The report without the English wording it shows on purpose: the item table's
    ``(en)`` columns and the ``en`` row of the instructions (content, not relscale's)."""
    kept, english_cols = [], set()
    for line in text.splitlines():
        if line.startswith("| "):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if any(c.endswith("(en)") for c in cells):
                english_cols = {j for j, c in enumerate(cells) if c.endswith("(en)")}
            if cells and cells[0] == "en":
                continue
            line = " | ".join(c for j, c in enumerate(cells) if j not in english_cols)
        else:
            english_cols = set() if not line.startswith("|") else english_cols
        kept.append(line)
    return "\n".join(kept)


def test_the_report_in_dutch(done: tuple[dict[str, Any], Path]) -> None:
    import openpyxl

    _results, out = done
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| Schatter | ml |" in md and "Besluit:" in md and "synthetische steekproef" in md
    words = _problems(_md_without_english_content(md))
    assert not words, words
    book = openpyxl.load_workbook(out / "report.xlsx")
    problems: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        english_cols: set[int] = set()
        for row in sheet.iter_rows():
            texts = [c.value if isinstance(c.value, str) else "" for c in row]
            if any(t.endswith("(en)") for t in texts):
                english_cols = {j for j, t in enumerate(texts) if t.endswith("(en)")}
            if texts and texts[0] == "en":
                continue
            for j, t in enumerate(texts):
                if j not in english_cols and (found := _problems(t)):
                    problems.setdefault(sheet.title, []).extend(found)
    assert not problems, problems
    evidence = [c.value for row in book.worksheets[-1].iter_rows() for c in row]
    assert "Schatter" in evidence and "mlr" in evidence
    assert any(isinstance(v, float) for v in evidence)  # numbers stay numbers
    inv = openpyxl.load_workbook(out / "invariance.xlsx")
    cells = [c.value for row in inv.worksheets[0].iter_rows() for c in row]
    texts = [v for v in cells if isinstance(v, str)]
    assert not _problems(" \n".join(texts)), _problems(" \n".join(texts))
    assert any(t.startswith("Waarschuwing: ") for t in texts)
    assert "strikt" in texts and any(isinstance(v, float) for v in cells)


def test_simulate_and_norms_build_in_dutch(tmp_path: Path) -> None:
    """``simulate`` says what it wrote in Dutch; ``norms build`` on that sample prints its
    table and norm line in Dutch (one table, and one per group), and so does its refusal
    of groups under ``--min-n``. The norm files themselves are data: their keys, ids and
    band labels stay English ids (the labels are translated where they are shown)."""
    sample = tmp_path / "sample.csv"
    nl = ("--locale", "nl")
    sim = relscale(*nl, "simulate", "-i", RQ, "-s", "youth_care", "-o", str(sample), "--n",
                   "300")
    assert sim.returncode == 0, sim.stderr
    assert "300 gesimuleerde respondenten" in sim.stdout + sim.stderr
    assert not _problems(sim.stdout + sim.stderr), sim.stdout + sim.stderr
    build = (*nl, "norms", "build", str(sample), "-i", RQ, "-s", "youth_care")
    runs = {
        "one": (*build, "-o", str(tmp_path / "one.toml"), "--min-n", "100"),
        "groups": (*build, "-o", str(tmp_path / "groups"), "--group-by", "gender", "--min-n",
                   "100"),
        "too few": (*build, "-o", str(tmp_path / "few"), "--group-by", "gender", "--min-n",
                    "250"),
    }
    results = {name: r for name, r in zip(runs, run_all(list(runs.values())).values(),
                                          strict=True)}
    for name, result in results.items():
        text = result.stdout + result.stderr
        assert not _problems(text), (name, _problems(text))
        assert not DOT_NUMBER.findall(text), (name, text)
    assert results["one"].returncode == 0 and results["groups"].returncode == 0
    assert "Normgroep" in results["one"].stdout and "Lokale normen" in results["one"].stdout
    assert "1 normtabel geschreven" in results["one"].stdout + results["one"].stderr
    assert "3 normtabellen geschreven" in results["groups"].stdout + results["groups"].stderr
    assert results["too few"].returncode == 1
    assert "fout:" in results["too few"].stderr and "onder de minimale N van 250" in \
        results["too few"].stderr
    assert not (tmp_path / "few").exists()


def test_the_cfa_and_reliability_workbooks_in_dutch(done: tuple[dict[str, Any], Path]) -> None:
    """Every text cell of ``cfa --format xlsx`` and ``reliability -o .xlsx`` in Dutch: the
    reliability columns are labelled in Dutch (their ids, the JSON keys, in English)."""
    import openpyxl

    _results, out = done
    problems: dict[str, list[str]] = {}
    heads = {}
    for name in ("cfa.xlsx", "reliability.xlsx"):
        book = openpyxl.load_workbook(out / name)
        for sheet in book.worksheets:
            rows = [[c.value for c in row] for row in sheet.iter_rows()]
            heads[sheet.title] = rows
            texts = [v for row in rows for v in row if isinstance(v, str)]
            text = " \n".join(texts).replace("relscale reliability", " ")
            if found := _problems(text):
                problems[f"{name}: {sheet.title}"] = found
    assert not problems, problems
    assert heads["Betrouwbaarheid"][2][:6] == ["schaal", "k", "n", "n totaal",
                                               "ontbrekende gegevens", "alfa"]
    assert "ordinale alfa" in heads["Betrouwbaarheid"][2]
    assert heads["Items"][0] == ["schaal", "item", "n", "gemiddelde", "SD", "r item-rest",
                                 "alfa zonder item", "lading"]
    assert any(isinstance(v, float) for v in heads["Items"][1])

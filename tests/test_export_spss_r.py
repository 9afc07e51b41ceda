"""SPSS and R: ``relscale score -o results.sav`` read back with pyreadstat, the ``.sps``
codebook run by PSPP on a scored CSV, and the R script run by R with haven."""

from __future__ import annotations

import builtins
import csv
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from relscale import RelscaleError, adapt
from relscale.cli.main import app
from relscale.exporters.rscript import r_string
from relscale.exporters.spss import codebook_syntax, spss_string
from relscale.exporters.variables import Variable, check_spss_names, describe_variables
from relscale.i18n import set_locale

pyreadstat = pytest.importorskip("pyreadstat")
runner = CliRunner()
KEY = ["relationship_quality", "-s", "foster_homes"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated sample scored to .csv and .sav (norms, gaps, straight-lining flag)."""
    folder = tmp_path_factory.mktemp("scored")
    sample = folder / "sample.csv"
    result = runner.invoke(app, ["simulate", "-i", KEY[0], *KEY[1:], "-o", str(sample),
                                 "--n", "40", "--missing", "0.15"])
    assert result.exit_code == 0, result.stderr
    out = {}
    for suffix in ("csv", "sav"):
        path = folder / f"scores.{suffix}"
        result = runner.invoke(app, ["score", str(sample), "-i", KEY[0], *KEY[1:], "-o",
                                     str(path), "--flag-straightlining", "5", "-l", "nl"])
        assert result.exit_code == 0, result.stderr
        out[suffix] = path
    return out


def test_sav_has_labels_value_labels_missing_and_levels(scored: dict[str, Path]) -> None:
    df, meta = pyreadstat.read_sav(str(scored["sav"]), user_missing=True)
    adapted = adapt("relationship_quality", "foster_homes", locale="nl")
    with scored["csv"].open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert list(df.columns) == header
    labels = meta.column_names_to_labels
    assert labels["rq01"] == adapted.items[0].text.replace("{subject}", "______")
    assert labels["closeness"].startswith("Nabijheid")
    anchors = {float(p.value): p.label for p in adapted.scale.points}
    na = adapted.scale.not_applicable
    assert na is not None
    for item in adapted.item_ids:
        # 'does not apply' is labelled, and a user-missing value of its own
        assert meta.variable_value_labels[item] == {**anchors, float(na.value): na.label}
        assert meta.missing_ranges[item] == [{"lo": float(na.value), "hi": float(na.value)}]
        assert meta.variable_measure[item] == "ordinal"
    assert meta.variable_value_labels["status"] == {
        "scored": "gescoord", "incomplete": "met ontbrekende schalen", "rejected": "afgewezen"}
    assert meta.variable_value_labels["straightlining"] == {0.0: "nee", 1.0: "ja"}
    assert meta.variable_measure["closeness"] == "scale"
    assert meta.variable_measure["status"] == "nominal"
    assert meta.variable_measure["respondent_code"] == "nominal"
    assert meta.missing_ranges["closeness_band"] == [{"lo": "", "hi": ""}]
    assert df["rq01"].isna().any() and df["closeness"].isna().any()  # system-missing
    assert meta.file_label.startswith(adapted.title)
    assert meta.notes and " ".join(meta.notes).startswith(adapted.notice.split(".")[0])


def test_sav_without_pyreadstat_is_one_line(
    scored: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyreadstat(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyreadstat":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyreadstat)
    out = tmp_path / "x.sav"
    result = runner.invoke(app, ["score", str(scored["csv"]).replace("scores.csv",
                                 "sample.csv"), "-i", KEY[0], *KEY[1:], "-o", str(out)])
    assert result.exit_code == 1
    # the hint fits how relscale was installed: here, from this checkout (editable)
    last = result.stderr.strip().splitlines()[-1]
    assert 'pip install -e "' in last and last.endswith('[spss]"'), last
    assert not out.exists()


def test_install_hint_fits_the_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relscale import install_hints

    checkout = tmp_path / "relscale"
    checkout.mkdir()
    editable = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    monkeypatch.setattr(install_hints, "_direct_url", lambda: editable)
    monkeypatch.chdir(checkout)
    assert install_hints.install_hint("spss") == 'pip install -e ".[spss]"'
    monkeypatch.chdir(tmp_path)
    assert install_hints.install_hint("spss") == f'pip install -e "{checkout}[spss]"'
    monkeypatch.setattr(install_hints, "_direct_url", lambda: None)  # from the index
    assert install_hints.install_hint("spss") == 'pip install "relscale[spss]"'
    monkeypatch.setattr(install_hints.sys, "prefix", "/home/u/.local/pipx/venvs/relscale")
    assert install_hints.install_hint("spss", ("pyreadstat", "pandas")) == (
        "pipx inject relscale pyreadstat pandas")


def test_spss_strings_are_quoted_and_lines_short() -> None:
    assert spss_string("it's") == "'it''s'"
    long = spss_string("word " * 40 + "o'clock", indent="    ")
    assert all(len(line) <= 80 for line in long.splitlines())
    pieces = [p.strip().removesuffix(" +") for p in long.splitlines()]
    joined = "".join(p[1:-1] for p in pieces).replace("''", "'")
    assert joined == ("word " * 40 + "o'clock").strip()
    set_locale("nl")
    syntax = codebook_syntax(adapt("working_alliance", "youth_care", "client", "nl"))
    assert all(len(line) <= 80 for line in syntax.splitlines())
    for command in ("VARIABLE LABELS", "VALUE LABELS", "MISSING VALUES", "VARIABLE LEVEL"):
        assert command in syntax


@pytest.mark.parametrize(("names", "problem"), [
    (["ok", "OK"], "same as ok"),
    (["with"], "reserved"),
    (["x" * 65], "64 bytes"),
    (["é" * 33], "64 bytes"),
    (["1abc"], "start with a letter"),
    (["a b"], "only letters"),
    (["abc."], "only letters"),
])
def test_spss_name_rules(names: list[str], problem: str) -> None:
    with pytest.raises(RelscaleError, match=problem):
        check_spss_names(names)
    check_spss_names(["@x", "a.b", "x_1", "é" * 32, "To_do"])


def test_bad_id_column_names_are_refused() -> None:
    adapted = adapt("relationship_quality", "foster_homes")
    with pytest.raises(RelscaleError, match="'BY'"):
        describe_variables(adapted, ["BY", "rq01"], {"BY": "id", "rq01": "item"})


def test_codebook_command_writes_sps_and_r(tmp_path: Path) -> None:
    for fmt in ("sps", "r"):
        out = tmp_path / f"codebook.{fmt}"
        result = runner.invoke(app, ["codebook", *KEY[:1], *KEY[1:], "--format", fmt,
                                     "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert "rq01" in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["codebook", *KEY[:1], *KEY[1:], "--format", "r"])
    assert result.stdout.startswith("# relscale codebook")
    out = tmp_path / "c.sps"
    result = runner.invoke(app, ["export", *KEY[:1], *KEY[1:], "-F", "codebook-sps",
                                 "-o", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("* Encoding: UTF-8.")


@pytest.mark.pspp
@pytest.mark.skipif(shutil.which("pspp") is None, reason="PSPP (pspp) is not installed")
def test_pspp_runs_the_syntax_on_the_scored_csv(scored: dict[str, Path], tmp_path: Path
                                                ) -> None:
    set_locale("nl")
    adapted = adapt("relationship_quality", "foster_homes", locale="nl")
    with scored["csv"].open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    kinds = {v.name: v for v in describe_variables(adapted, header, {
        "respondent_code": "id", "gender": "id"})}
    spec = [f"  {c} {'F8.2' if kinds[c].numeric else 'A200'}" for c in header]
    get = [f"GET DATA /TYPE=TXT /FILE='{scored['csv']}' /ENCODING='UTF8'",
           "  /ARRANGEMENT=DELIMITED /DELIMITERS=',' /QUALIFIER='\"' /FIRSTCASE=2",
           "  /VARIABLES=", *spec]
    get[-1] += "."
    saved = tmp_path / "pspp.sav"
    syntax = tmp_path / "run.sps"
    syntax.write_text("\n".join(get) + "\n" + codebook_syntax(adapted)
                      + f"SAVE OUTFILE='{saved}'.\n", encoding="utf-8")
    done = subprocess.run(["pspp", str(syntax), "-o", str(tmp_path / "out.txt")],
                          capture_output=True, text=True, timeout=120)
    report = (tmp_path / "out.txt").read_text(encoding="utf-8") + done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "error" not in report.lower() and "warning" not in report.lower(), report
    _df, meta = pyreadstat.read_sav(str(saved), user_missing=True)
    assert meta.column_names_to_labels["rq01"] == adapted.items[0].text.replace(
        "{subject}", "______")
    assert meta.variable_value_labels["rq01"][1.0] == adapted.scale.points[0].label
    assert meta.variable_value_labels["status"]["scored"] == "gescoord"
    assert meta.variable_measure["rq01"] == "ordinal"
    assert meta.variable_measure["closeness"] == "scale"
    assert meta.variable_measure["status"] == "nominal"


def _r_has_haven() -> bool:
    if shutil.which("Rscript") is None:
        return False
    done = subprocess.run(["Rscript", "-e", "quit(status = !requireNamespace('haven'))"],
                          capture_output=True, timeout=60)
    return done.returncode == 0


def test_r_strings_escape() -> None:
    assert r_string('a "b" \\ c\n') == '"a \\"b\\" \\\\ c\\n"'


@pytest.mark.skipif(not _r_has_haven(), reason="R with haven is not installed")
def test_r_script_labels_the_scored_csv(scored: dict[str, Path], tmp_path: Path) -> None:
    set_locale("nl")
    adapted = adapt("relationship_quality", "foster_homes", locale="nl")
    script = tmp_path / "codebook.R"
    result = runner.invoke(app, ["codebook", *KEY[:1], *KEY[1:], "--format", "r", "-o",
                                 str(script), "-l", "nl"])
    assert result.exit_code == 0, result.stderr
    check = tmp_path / "check.R"
    check.write_text(
        f'scores <- read.csv("{scored["csv"]}", fileEncoding = "UTF-8")\n'
        f'source("{script}", encoding = "UTF-8")\n'
        "scores <- relscale_label(scores)\n"
        'cat(attr(scores$rq01, "label"), "\\n", sep = "")\n'
        'cat(names(attr(scores$rq01, "labels")), sep = "|"); cat("\\n")\n'
        'cat(class(scores$status)[1], sum(is.na(scores$reason)), "\\n")\n',
        encoding="utf-8",
    )
    done = subprocess.run(["Rscript", str(check)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == adapted.items[0].text.replace("{subject}", "______")
    assert lines[1] == "|".join(p.label for p in adapted.scale.points)
    assert lines[2].split()[0] == "haven_labelled"
    assert int(lines[2].split()[1]) > 0  # empty reasons became NA


def test_variables_cover_the_codebook() -> None:
    adapted = adapt("working_alliance", "education", "client")
    variables = describe_variables(adapted)
    assert isinstance(variables[0], Variable)
    names = [v.name for v in variables]
    assert names[: len(adapted.items)] == list(adapted.item_ids)
    assert {"status", "reason", "straightlining"} <= set(names)

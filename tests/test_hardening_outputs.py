"""Issue 25: what relscale writes and prints from untrusted text, checked in the output
itself (the bad-input corpus, tests/badinput/, checks messages, exit codes and files
left behind). Each test fails on the code before issue 25.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from badinput import INSTRUMENT, SECTOR, filled_form, items, write_data
from badinput.hostile import sheet_xml, table_cells, xlsx

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app
from relscale.io.csv_safety import csv_unguard

RLO = "\u202e"
HYPERLINK = '=HYPERLINK("http://evil.example","Help")'


def _run(*args: str) -> object:
    result = runner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result


def _with_text(adapted: object, text: str) -> object:
    """The adapted instrument with its first item worded ``text`` (content from others)."""
    items_ = list(adapted.items)  # type: ignore[attr-defined]
    items_[0] = items_[0].model_copy(update={"text": text})
    return adapted.model_copy(update={"items": tuple(items_)})  # type: ignore[attr-defined]


# --- 4: a code typed as text reads back as typed ----------------------------------------


def test_a_code_with_leading_zeros_reads_back_as_typed(tmp_path: Path) -> None:
    path, _cells = filled_form(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    meta = {str(r[0].value): r[1].value for r in wb["relscale_meta"].iter_rows(max_col=2)}
    assert meta["field_format"] == "text"
    ws[meta["field.respondent_code"]] = "007"
    ws[meta["field.subject_code"]] = "1/2"
    wb.save(path)
    result = _run("read", str(path), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"))
    assert (row["respondent_code"], row["subject_code"]) == ("007", "1/2")


# --- 7: every CSV guards its text cells ---------------------------------------------------


def test_a_workbook_header_is_guarded_in_the_csv_header(tmp_path: Path) -> None:
    header = ["respondent_code", *items(), HYPERLINK]
    xlsx(tmp_path / "data.xlsx", [("Sheet1", sheet_xml(table_cells(
        header, [["r1", *[3] * len(items()), "x"]])))])
    result = _run("score", str(tmp_path / "data.xlsx"), "-i", INSTRUMENT, "-s", SECTOR,
                  "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    head = next(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert "'" + HYPERLINK in head and HYPERLINK not in head


def test_content_wording_is_guarded_in_redcap_and_limesurvey() -> None:
    from relscale.exporters import limesurvey, redcap

    adapted = _with_text(adapt(INSTRUMENT, SECTOR), HYPERLINK)
    rows = list(csv.reader(io.StringIO(redcap.dictionary_csv(redcap.build_dictionary(
        adapted)))))
    cells = [c for row in rows for c in row]
    assert not any(c.startswith("=") for c in cells)
    assert any(csv_unguard(c).startswith("=HYPERLINK") for c in cells)
    assert {r[17] for r in rows[1:] if r[3] == "calc"} == {"@HIDDEN-SURVEY"}  # REDCap's tag
    text = limesurvey.survey_text(limesurvey.build_rows([adapted]))
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t")
             for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_platform_export_identifiers_are_guarded(tmp_path: Path) -> None:
    with (tmp_path / "export.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(["record_id", *items(), f"{INSTRUMENT}_complete"]) + "\n")
        fh.write(",".join(["=1+1", *["3"] * len(items()), "2"]) + "\n")
    result = _run("read", str(tmp_path / "export.csv"), "--from", "redcap", "-i", INSTRUMENT,
                  "-s", SECTOR, "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"))
    assert row["record_id"] == "'=1+1"


# --- 9: the adaptation report's Markdown ------------------------------------------------


def test_the_adaptation_report_escapes_html(tmp_path: Path) -> None:
    from equivalence_data import write_sectors

    data = tmp_path / "sectors.csv"
    write_sectors(data, ["foster_homes"], 600)
    lines = data.read_text(encoding="utf-8").splitlines()
    sites = ["site", *("<img src=x onerror=alert(1)>" if k % 2 else "B"
                       for k in range(len(lines) - 1))]
    data.write_text("\n".join(f"{site},{line}" for site, line in zip(sites, lines,
                                                                      strict=True)) + "\n",
                    encoding="utf-8")
    result = _run("report", "adaptation", INSTRUMENT, "--sector", SECTOR, "--data", str(data),
                  "--group-by", "site", "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.stderr
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md


# --- 11, 15: codes compared in NFC; sheet names from codes ---------------------------------


def test_a_code_typed_two_ways_is_one_pair(tmp_path: Path) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")
    ids = adapt(INSTRUMENT, SECTOR).item_ids
    client_ids = adapt(f"{INSTRUMENT}_client", SECTOR, "client").item_ids
    (tmp_path / "prof.csv").write_text(
        "respondent_code,subject_code,wave," + ",".join(ids) + "\n"
        + "".join(f"T1,{code},{w}," + ",".join(["3"] * len(ids)) + "\n"
                  for w, code in ((1, nfc), (2, nfd))), encoding="utf-8")
    (tmp_path / "client.csv").write_text(
        "respondent_code,subject_code," + ",".join(client_ids) + "\n"
        f"{nfd},T1," + ",".join(["3"] * len(client_ids)) + "\n", encoding="utf-8")
    result = _run("profile", str(tmp_path / "prof.csv"), "-i", INSTRUMENT, "-s", SECTOR,
                  "--client-data", str(tmp_path / "client.csv"), "-o",
                  str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert "has no match" not in result.stderr
    assert openpyxl.load_workbook(tmp_path / "p.xlsx").sheetnames == [f"T1 - {nfc}"]


def test_sheet_names_from_data_are_valid_and_unique() -> None:
    from relscale.text_safety import sheet_name_from

    used: set[str] = set()
    names = [sheet_name_from(t, used) for t in (
        "a1", "A1", "b'", "'", "x" * 40, "x" * 40, "a/b:c", "History", f"exe{RLO}gnp",
        unicodedata.normalize("NFD", "José"), unicodedata.normalize("NFC", "José"))]
    assert names == ["a1", "A1 (2)", "b", "sheet", "x" * 31, "x" * 27 + " (2)", "a_b_c",
                     "History (2)", "exegnp", "José", "José (2)"]
    assert len({n.casefold() for n in names}) == len(names)


# --- 16: bidi in generated scripts --------------------------------------------------------


WORDING = f"Het kind noemt het bestand exe{RLO}gnp.exe \u2067שלום\u2069."


def test_generated_r_and_sps_hold_no_bidi_formatting(tmp_path: Path) -> None:
    from relscale.exporters.rscript import codebook_script
    from relscale.exporters.spss import codebook_syntax
    from relscale.text_safety import invisible

    adapted = _with_text(adapt(INSTRUMENT, SECTOR), WORDING)
    script = codebook_script(adapted)
    assert not any(invisible(ch) for ch in script)
    assert "exe\\u{202e}gnp.exe \\u{2067}שלום\\u{2069}" in script
    sps = codebook_syntax(adapted)
    assert not any(invisible(ch) for ch in sps) and "exegnp.exe שלום" in sps


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_r_reads_the_codebook_with_bidi_wording(tmp_path: Path) -> None:
    from relscale.exporters.rscript import codebook_script

    adapted = _with_text(adapt(INSTRUMENT, SECTOR), WORDING)
    (tmp_path / "codebook.R").write_text(codebook_script(adapted), encoding="utf-8")
    done = subprocess.run(["Rscript", "-e", 'exprs <- parse("codebook.R", encoding = "UTF-8"); '
                           'for (e in exprs) eval(e); cat(length(exprs))'],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) > 0


# --- 18: printed text ---------------------------------------------------------------------


def test_terminal_safe_writes_control_and_direction_characters_as_escapes() -> None:
    from relscale.cli.common import terminal_safe

    assert terminal_safe("kept: site\x1b]8;;http://x\x07 a\u202eb\tc\nd") == \
        "kept: site\\x1b]8;;http://x\\x07 a\\u202eb\tc\nd"
    assert terminal_safe("José שלום") == "José שלום"


def test_a_direction_override_in_a_code_is_shown_on_the_profile(tmp_path: Path) -> None:
    write_data(tmp_path, [f"exe{RLO}gnp.png"])
    result = _run("profile", str(tmp_path / "data.csv"), "-i", INSTRUMENT, "-s", SECTOR,
                  "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx").worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(RLO in t for t in texts)
    assert any("exe<U+202E>gnp.png" in t for t in texts)

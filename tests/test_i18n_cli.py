"""``relscale i18n ...`` and ``relscale locales`` through typer's runner.

Catalogs for new locales go to temporary folders (``--dir`` / ``$RELSCALE_LOCALE_PATH``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relscale.cli.main import app
from relscale.i18n import ENV_LOCALE_PATH

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_status_check_on_a_new_locale(tmp_path: Path) -> None:
    root = tmp_path / "loc"
    code, out, err = run("i18n", "init", "de", "--dir", str(root))
    assert code == 0, out
    assert (root / "de/LC_MESSAGES/relscale.po").is_file()
    assert (root / "de/LC_MESSAGES/relscale_foster_homes.po").is_file()
    # one message for every file written: PATH: WHAT written, on stderr
    assert "relscale_foster_homes.po: " in err and " messages written" in err

    code, _, err = run("i18n", "init", "de", "--dir", str(root))
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "relscale: error: every catalog for 'de' exists already; nothing created")

    code, out, _ = run("i18n", "status", "--dir", str(root), "--locale", "de")
    assert code == 0
    assert "relscale_foster_homes" in out and " no " in out
    code, _, err = run("i18n", "status", "--dir", str(root), "--locale", "de", "--check")
    assert code == 1
    assert "incomplete" in err

    po = root / "de/LC_MESSAGES/relscale_foster_homes.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgid "foster-home parent"\nmsgstr ""',
                               'msgid "foster-home parent"\nmsgstr "Pflege {x}"'),
                  encoding="utf-8")
    code, out, err = run("i18n", "check", "--dir", str(root), "--locale", "de")
    assert code == 1
    assert "placeholders differ (unknown {x})" in err
    assert "1 error(s)" in out


def test_update_in_a_folder(tmp_path: Path) -> None:
    root = tmp_path / "loc"
    run("i18n", "init", "de", "--dir", str(root), "--domain", "relscale_education")
    code, _out, err = run("i18n", "update", "--dir", str(root), "--domain",
                          "relscale_education")
    assert code == 0
    assert "relscale_education.po: 0 new, 0 fuzzy, 0 obsolete written" in err


def test_unknown_domain_and_english_are_refused(tmp_path: Path) -> None:
    code, _, err = run("i18n", "init", "de", "--dir", str(tmp_path), "--domain", "nope")
    assert code == 1 and "unknown domain 'nope'" in err
    code, _, err = run("i18n", "init", "en", "--dir", str(tmp_path))
    assert code == 1 and "English is the source language" in err
    assert not any(tmp_path.iterdir())


def test_extract_writes_templates(tmp_path: Path) -> None:
    out_dir = tmp_path / "pot"
    code, _, _ = run("i18n", "extract", "--out-dir", str(out_dir))
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert "relscale.pot" in names and "relscale_instruments.pot" in names
    assert "relscale_foster_homes.pot" in names
    code, _, err = run("i18n", "extract", "--out-dir", str(out_dir))
    assert code == 1 and "already exists" in err


def test_locales_lists_names_and_completeness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "loc"
    run("i18n", "init", "de", "--dir", str(root))
    monkeypatch.setenv(ENV_LOCALE_PATH, str(root))
    code, out, _ = run("locales")
    assert code == 0
    line = next(x for x in out.splitlines() if x.strip().startswith("de "))
    assert "German" in line and "Deutsch" in line
    assert "relscale_foster_homes" in out  # incomplete: the new catalogs are empty
    assert "English" in out


def test_unknown_locale_is_one_line_with_names() -> None:
    code, _, err = run("show", "relationship_quality", "--sector", "foster_homes",
                         "--locale", "xx")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("relscale: error: unknown locale 'xx' (available: en (English)")


def test_review_and_draft_commands(tmp_path: Path) -> None:
    out = tmp_path / "review.xlsx"
    args = ("i18n", "review", "--sector", "foster_homes", "--locale", "nl", "-o", str(out))
    code, _stdout, err = run(*args)
    assert code == 0, err
    assert out.is_file()
    assert "rows for Dutch" in err and err.strip().endswith("untranslated) written")
    code, _, err = run(*args)
    assert code == 1 and "already exists" in err
    assert run(*args, "--force")[0] == 0
    code, _, err = run("i18n", "review", "--sector", "foster_homes", "--locale", "nl",
                       "-o", str(tmp_path / "r.csv"))
    assert code == 1 and ".xlsx" in err

    draft = tmp_path / "draft.po"
    code, _, err = run("i18n", "draft", "--sector", "youth_care", "--locale", "nl",
                            "-o", str(draft))
    assert code == 0, err
    assert draft.is_file()
    code, _, err = run("i18n", "draft", "--sector", "youth_care", "--locale", "nl",
                       "-o", str(draft))
    assert code == 1 and "already exists" in err


@pytest.mark.libreoffice
def test_review_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    """LibreOffice, an independent reader, sees the header and the rows we wrote."""
    import csv

    from relscale import translation

    rows = translation.review_rows("foster_homes", "nl")
    out = tmp_path / "review.xlsx"
    translation.write_review(rows, out, sector_label="Gezinshuizen", locale="nl")
    soffice = shutil.which("soffice")
    assert soffice
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
         str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )
    with open(tmp_path / "review.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    header = next(i for i, r in enumerate(table) if r and r[0] == "Item id")
    assert table[header][:4] == ["Item id", "Context", "Source (English)", "Target (nl)"]
    body = [r for r in table[header + 1:] if any(r)]
    assert len(body) == len(rows)
    first = rows[0]
    assert body[0][1:4] == [first.context, first.source, first.target]

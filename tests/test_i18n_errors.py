"""Error messages in Dutch: real error paths through the CLI with ``--locale nl``.

Each command runs twice, in Dutch and in English, so a message that gained a translation
still reads exactly as before in English (other tests match on the English text), and
the location ``file, row R, column C`` is translated along with the message.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relscale.adapt import adapt
from relscale.cli.main import app

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"


def _run(args: list[str], locale: str) -> tuple[int, str]:
    """Exit code and stderr (all output with an older click that mixes the streams)."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(app, [*args, "--locale", locale])
    try:
        err = result.stderr
    except ValueError:
        err = result.output
    return result.exit_code, err


def _error_line(err: str) -> str:
    # the prefix is in the run's language: error, fout
    lines = [x for x in err.splitlines()
             if x.startswith(("relscale: error: ", "relscale: fout: "))]
    assert len(lines) == 1, err
    return lines[0].split(": ", 2)[2]


def test_unknown_sector() -> None:
    args = ["show", INSTRUMENT, "--sector", "nowhere"]
    code, err = _run(args, "nl")
    assert code == 1
    message = _error_line(err)
    assert message.startswith("onbekende sector 'nowhere' (bekend: ")
    assert "foster_homes" in message

    code, err = _run(args, "en")
    assert code == 1
    assert _error_line(err).startswith("unknown sector 'nowhere' (known: ")


def test_output_file_that_already_exists(tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    out.write_text("mine\n", encoding="utf-8")
    args = ["codebook", INSTRUMENT, "--sector", SECTOR, "-o", str(out)]

    code, err = _run(args, "nl")
    assert code == 1
    assert _error_line(err) == f"{out}: bestaat al (gebruik --force om te overschrijven)"

    code, err = _run(args, "en")
    assert code == 1
    assert _error_line(err) == f"{out}: already exists (use --force to overwrite)"
    assert out.read_text(encoding="utf-8") == "mine\n"  # refused in both languages


def _responses(path: Path, bad: tuple[int, str, str] | None = None) -> tuple[Path, list[str]]:
    """Three complete respondents; ``bad`` = (file row, item, cell) spoils one answer."""
    items = adapt(INSTRUMENT, SECTOR).item_ids
    rows = [[f"r{i}", *(str(1 + (i + k) % 5) for k in range(len(items)))] for i in range(3)]
    if bad is not None:
        row, item, cell = bad
        rows[row - 2][1 + items.index(item)] = cell  # file row 1 is the header
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["respondent_code", *items])
        writer.writerows(rows)
    return path, list(items)


@pytest.mark.parametrize(
    ("cell", "dutch", "english"),
    [
        ("7", "'7' is geen antwoord op deze schaal (gehele getallen van 1 tot en met 5, 9 voor "
         "niet van toepassing",
         "'7' is not an answer on this scale (whole numbers 1 to 5, 9 for does not apply, or "
         "empty for missing)"),
        ("veel", "'veel' is geen antwoord (een geheel getal op de schaal",
         "'veel' is not an answer (a whole number on the scale, or empty for missing)"),
    ],
)
def test_score_names_file_row_and_column(
    tmp_path: Path, cell: str, dutch: str, english: str
) -> None:
    items = adapt(INSTRUMENT, SECTOR).item_ids
    item = items[2]
    data = _responses(tmp_path / "answers.csv", bad=(3, item, cell))[0]
    out = tmp_path / "scores.csv"
    args = ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR, "-o", str(out)]

    code, err = _run(args, "nl")
    assert code == 1
    message = _error_line(err)
    assert message.startswith(f"{data}, rij 3, kolom {item}: "), message
    assert dutch in message

    code, err = _run(args, "en")
    assert code == 1
    assert _error_line(err) == f"{data}, row 3, column {item}: {english}"
    assert not out.exists()


def test_score_reasons_and_summary_follow_the_locale(tmp_path: Path) -> None:
    """The reason column is an explanation for people: in the chosen language."""
    data, items = _responses(tmp_path / "answers.csv")
    text = data.read_text(encoding="utf-8").splitlines()
    text.append(",".join(["r_empty", *[""] * len(items)]))
    data.write_text("\n".join(text) + "\n", encoding="utf-8")
    for locale, summary, reason in (
        ("nl", "3 gescoord, 0 met ontbrekende schalen, 1 afgewezen", "geen antwoorden"),
        ("en", "3 scored, 0 with missing scales, 1 rejected", "no answers"),
    ):
        out = tmp_path / f"scores_{locale}.csv"
        code, err = _run(["score", str(data), "-i", INSTRUMENT, "-s", SECTOR, "-o", str(out)],
                         locale)
        assert code == 0, err
        assert summary in err
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert rows[-1]["status"] == "rejected"  # a value, never translated
        assert rows[-1]["reason"] == reason


def test_region_fallback_note_is_in_the_language_used() -> None:
    code, err = _run(["sectors"], "nl_BE")
    assert code == 0
    assert "relscale: opmerking: nl_BE: geen catalogus, nl wordt gebruikt" in err

"""Acceptance: outputs that cannot be written fail with one line, and leave nothing behind.

Found by pointing ``-o`` at impossible places: under a file (``data.csv/out.csv``), under
``/proc``, and by a disk that fills up or a Ctrl-C in the middle of writing.
"""

from __future__ import annotations

import csv
import errno
from pathlib import Path

import pytest

from helpers import runner
from relscale.adapt import adapt
from relscale.cli.main import app

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"



def _data(tmp_path: Path) -> Path:
    items = adapt(INSTRUMENT, SECTOR).item_ids
    path = tmp_path / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", *items])
        for r in range(5):
            w.writerow([f"r{r}", *[str((r + k) % 5 + 1) for k in range(len(items))]])
    return path


def _one_line_error(result, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relscale: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["score", "{data}", "-i", INSTRUMENT, "-s", SECTOR, "-o", "{out}.csv"],
        ["score", "{data}", "-i", INSTRUMENT, "-s", SECTOR, "-o", "{out}.xlsx"],
        ["reliability", "{data}", "-i", INSTRUMENT, "-s", SECTOR, "-o", "{out}.json"],
        ["norms", "build", "{data}", "-i", INSTRUMENT, "-s", SECTOR, "--min-n", "5",
         "-o", "{out}.toml"],
        ["scoring-sheet", INSTRUMENT, "-s", SECTOR, "-o", "{out}.xlsx"],
        ["form", INSTRUMENT, "-s", SECTOR, "-o", "{out}.xlsx"],
    ],
    ids=["score-csv", "score-xlsx", "reliability", "norms-build", "scoring-sheet", "form"],
)
def test_output_under_a_file_is_one_line_error(tmp_path: Path, command: list[str]) -> None:
    data = _data(tmp_path)
    out = f"{data}/sub/out"  # data.csv is a file, so data.csv/sub/ cannot be made
    args = [a.format(data=data, out=out) for a in command]
    result = runner().invoke(app, args)
    _one_line_error(result, "cannot write", "data.csv is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_output_in_a_location_that_cannot_be_created(tmp_path: Path) -> None:
    if not Path("/proc/self").exists():
        pytest.skip("needs /proc")
    data = _data(tmp_path)
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", "/proc/relscale-test/out.csv"])
    _one_line_error(result, "/proc/relscale-test/out.csv", "cannot write")


def test_disk_full_while_writing_leaves_no_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import relscale.scoring.results

    def full(scored, path, *args):  # type: ignore[no-untyped-def]
        path.write_text("respondent_code,half a row")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(relscale.scoring.results, "write_csv", full)
    data = _data(tmp_path)
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out)])
    _one_line_error(result, "scores.csv", "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_interrupt_while_writing_leaves_no_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import relscale.scoring.results

    def interrupted(scored, path, *args):  # type: ignore[no-untyped-def]
        path.write_text("respondent_code,half a row")
        raise KeyboardInterrupt

    monkeypatch.setattr(relscale.scoring.results, "write_csv", interrupted)
    data = _data(tmp_path)
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", SECTOR,
                                    "-o", str(out)])
    assert result.exit_code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]

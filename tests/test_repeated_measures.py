"""Issue 21, item 4: a ``wave`` column is a repeated measurement, not a duplicate;
``profile --norms``; ``--content norms.toml`` stands in for the plugin's table; the
reliable change index takes SD and reliability from the norm table each score was placed
with, and says which. RCIs are checked against the formula with SD and reliability read
from the TOML files directly."""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path

import pytest

from helpers import runner
from relscale import plugins
from relscale.cli.main import app
from relscale.user_content import clear_content_files

INST, S = "relationship_quality", "foster_homes"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    out = tmp_path / "sample.csv"
    result = runner().invoke(app, ["simulate", "-i", INST, "-s", S, "--n", "400", "--seed", "7",
                                   "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(autouse=True)
def _no_content_left() -> object:
    yield
    clear_content_files()
    plugins.reset_registry()


def _waves(sample: Path, target: Path, pairs: int = 30) -> Path:
    """Each pair twice: wave 1 from one simulated respondent, wave 2 from another."""
    rows = list(csv.DictReader(sample.open(encoding="utf-8")))
    items = [c for c in rows[0] if c.startswith(("rq", "fh_"))]
    with target.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_code", "subject_code", "wave", "gender", *items])
        for k in range(pairs):
            for wave, row in ((1, rows[k]), (2, rows[pairs + k])):
                w.writerow(["T1", f"c{k:02d}", wave, rows[k]["gender"],
                            *(row[i] for i in items)])
    return target


def _norms(sample: Path, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / ("norms" if extra else "norms.toml")
    result = runner().invoke(app, ["norms", "build", str(sample), "-i", INST, "-s", S,
                                   "--status", "local", "--source", "test", "--min-n", "100",
                                   "-o", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return out


def _sd_r(path: Path, dimension: str) -> tuple[float, float]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    d = next(x for x in data["dimensions"] if x["dimension"] == dimension)
    return d["sd"], d["reliability"]


def _rci(before: float, after: float, sd: float, r: float) -> float:
    return (after - before) / (sd * math.sqrt(2) * math.sqrt(1 - r))


def test_wave_is_a_repeated_measurement(sample: Path, tmp_path: Path) -> None:
    data = _waves(sample, tmp_path / "waves.csv")
    out = tmp_path / "scored.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INST, "-s", S, "--strict", "-o",
                                   str(out)])
    assert result.exit_code == 0, result.stderr
    assert "same respondent twice" not in result.stderr
    # the same pair twice in one wave is still a duplicate
    lines = data.read_text().splitlines()
    data.write_text("\n".join([*lines, lines[1]]) + "\n")
    again = runner().invoke(app, ["score", str(data), "-i", INST, "-s", S, "-o",
                                  str(tmp_path / "dup.csv")])
    assert "the same respondent twice?" in again.stderr
    assert "respondent_code + subject_code + wave" in again.stderr


def test_content_norms_stand_in_for_the_plugins(sample: Path, tmp_path: Path) -> None:
    norms = _norms(sample, tmp_path)
    out = tmp_path / "scored.csv"
    result = runner().invoke(app, ["--content", str(norms), "score", str(sample), "-i", INST,
                                   "-s", S, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    groups = {r["norm_group"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert len(groups) == 1
    assert groups.pop().startswith("Local norms (N=400")  # not the illustrative table


def test_score_rci_uses_each_rows_group_table(sample: Path, tmp_path: Path) -> None:
    folder = _norms(sample, tmp_path, "--group-by", "gender")
    files = sorted(folder.glob("*.toml"))
    assert len(files) >= 2
    data = _waves(sample, tmp_path / "waves.csv")
    out = tmp_path / "scored.csv"
    args = [a for f in files for a in ("--content", str(f))]
    result = runner().invoke(app, [*args, "score", str(data), "-i", INST, "-s", S,
                                   "--group", "gender", "--decimals", "15", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    groups = {f: tomllib.loads(f.read_text()).get("group", {}) for f in files}
    by_gender = {g["gender"]: f for f, g in groups.items() if "gender" in g}
    assert set(by_gender) == {"f", "m"}
    checked = 0
    for k in range(0, len(rows), 2):
        first, second = rows[k], rows[k + 1]
        assert (first["wave"], second["wave"]) == ("1", "2")
        table = by_gender[second["gender"]]
        assert second["gender"] in second["norm_group"]  # says which table it used
        if not first["closeness"] or not second["closeness"]:
            continue
        sd, r = _sd_r(table, "closeness")
        expected = _rci(float(first["closeness"]), float(second["closeness"]), sd, r)
        assert float(second["closeness_rci"]) == pytest.approx(expected, rel=1e-9)
        checked += 1
    assert checked >= 20


def test_profile_norms_file_gives_bands_and_rci(sample: Path, tmp_path: Path) -> None:
    import openpyxl

    norms = _norms(sample, tmp_path)
    data = _waves(sample, tmp_path / "waves.csv", pairs=3)
    out = tmp_path / "profiles.xlsx"
    result = runner().invoke(app, ["profile", str(data), "-i", INST, "-s", S, "--norms",
                                   str(norms), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    text = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any(t.startswith("Local norms (N=400") for t in text)
    basis = next(t for t in text if t.startswith("Reliable change index (Jacobson & Truax) "
                                                 "with: Local norms (N=400"))
    sd, r = _sd_r(norms, "closeness")
    assert f"closeness: SD {sd:.2f}, reliability {r:.2f}" in basis
    rows = list(csv.DictReader(data.open(encoding="utf-8")))
    scored = tmp_path / "s.csv"
    runner().invoke(app, ["score", str(data), "-i", INST, "-s", S, "--norms", str(norms), "-o",
                          str(scored)])
    s = list(csv.DictReader(scored.open(encoding="utf-8")))
    expected = _rci(float(s[0]["closeness"]), float(s[1]["closeness"]), sd, r)
    change = next(t for t in text if "change since the first measurement" in t)
    assert f"RCI {expected:+.2f}" in change
    assert rows[0]["subject_code"] == "c00"

"""``round collect`` on both backends: two collects at once lose and duplicate nothing; a
``kill -9`` in the middle of a file leaves the store as it was before that file; tables
(``relscale read`` output) are matched by their codes; a file with a problem stores
nothing and names file and row."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import runner
from relscale.cli.main import app
from rounds_helpers import count_rows, fill_round_form, roster_rows, write_roster

N_PAIRS = 12  # 1 group x 2 professionals x 6 clients: 24 forms


def _answers(meta: dict[str, str]) -> dict[str, int | None]:
    import random

    rng = random.Random(meta["round.form"])
    lo, hi = int(meta["scale_min"]), int(meta["scale_max"])
    return {item: rng.randint(lo, hi) for item in meta["item_ids"].split(",")}


@pytest.fixture
def round_files(store_url: str, tmp_path: Path) -> dict[str, Path]:
    """Round ``r`` in the store, its forms filled: ``prof/`` and ``client/`` folders."""
    roster = write_roster(tmp_path / "roster.csv", roster_rows(1, 2, 6))
    for args in (["round", "new", "r", "--roster", str(roster), "-i", "relationship_quality",
                  "-s", "foster_homes", "--db", store_url],
                 ["round", "forms", "r", "-o", str(tmp_path / "forms"), "--no-pdf", "--db",
                  store_url]):
        result = runner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
    out = {"prof": tmp_path / "prof", "client": tmp_path / "client", "all": tmp_path / "all"}
    for folder in out.values():
        folder.mkdir()
    for path in sorted((tmp_path / "forms").rglob("*.xlsx")):
        if path.name.startswith("cover"):
            continue
        kind = "prof" if path.name.endswith("_professional.xlsx") else "client"
        meta = fill_round_form(path, out[kind] / path.name, _answers)
        (out["all"] / path.name).write_bytes((out[kind] / path.name).read_bytes())
        assert meta["round.form"]
    return out


def _duplicates(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT form_id, sha256 FROM submissions "
            "GROUP BY form_id, sha256 HAVING count(*) > 1) AS d")).scalar_one()
    engine.dispose()
    return int(n)


def _complete(url: str) -> tuple[int, int]:
    """(submissions, submissions whose answers and scores are all there)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM submissions")).scalar_one()
        complete = conn.execute(sa.text(
            "SELECT count(*) FROM submissions s JOIN forms f ON f.id = s.form_id WHERE "
            "(SELECT count(*) FROM answers a WHERE a.submission_id = s.id) = "
            "  CASE f.perspective WHEN 'professional' THEN 22 ELSE 16 END AND "
            "(SELECT count(*) FROM scores c WHERE c.submission_id = s.id) = 3"
        )).scalar_one()
    engine.dispose()
    return int(total), int(complete)


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.Popen([sys.executable, "-m", "relscale", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_collects_at_once(store_url: str, round_files: dict[str, Path]) -> None:
    procs = [_cli("round", "collect", "r", str(round_files["all"]), "--db", store_url)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    news = [int(err.split(" new,")[0].split()[-1]) for _out, err in outs]
    assert sum(news) == 2 * N_PAIRS  # each form stored by exactly one of the two
    counts = count_rows(store_url)
    assert counts["submissions"] == 2 * N_PAIRS
    assert counts["answers"] == N_PAIRS * (22 + 16)
    assert counts["scores"] == N_PAIRS * 6
    assert _duplicates(store_url) == 0
    again = runner().invoke(app, ["round", "collect", "r", str(round_files["all"]), "--db",
                                  store_url])
    assert "0 new, 0 new versions, 24 unchanged" in again.stderr
    assert count_rows(store_url) == counts


KILLER = textwrap.dedent("""
    import os, signal, sys
    from relscale.rounds import record
    from relscale.rounds.collect import collect
    from relscale.store.engine import open_store

    original = record.record_submission
    calls = [0]

    def record_then_die(*args, **kwargs):
        done = original(*args, **kwargs)  # inserted, inside the file's transaction
        calls[0] += 1
        if calls[0] == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
        return done

    record.record_submission = record_then_die
    with open_store(sys.argv[1]) as store:
        collect(store, "r", [sys.argv[2]])
""")


def _kill_during(url: str, path: Path, at: int, tmp_path: Path) -> int:
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), url, str(path), str(at)],
                          capture_output=True, text=True, timeout=300)
    return done.returncode


def test_kill_during_a_form_leaves_the_files_before(store_url: str,
                                                     round_files: dict[str, Path],
                                                     tmp_path: Path) -> None:
    code = _kill_during(store_url, round_files["all"], 5, tmp_path)
    assert code == -9
    total, complete = _complete(store_url)
    assert total == complete == 4  # four files stored, the fifth not at all
    rerun = runner().invoke(app, ["round", "collect", "r", str(round_files["all"]), "--db",
                                  store_url])
    assert "20 new, 0 new versions, 4 unchanged" in rerun.stderr
    assert _complete(store_url) == (24, 24) and _duplicates(store_url) == 0


def test_kill_during_a_table_stores_none_of_it(store_url: str, round_files: dict[str, Path],
                                               tmp_path: Path) -> None:
    # the client forms first, then the professionals' forms as one table (relscale read)
    runner().invoke(app, ["round", "collect", "r", str(round_files["client"]), "--db",
                          store_url])
    table = tmp_path / "prof.csv"
    result = runner().invoke(app, ["read", str(round_files["prof"]), "-o", str(table)])
    assert result.exit_code == 0, result.stderr
    before = count_rows(store_url)
    assert before["submissions"] == N_PAIRS
    assert _kill_during(store_url, table, 7, tmp_path) == -9
    assert count_rows(store_url) == before  # none of the table's 12 rows
    done = runner().invoke(app, ["round", "collect", "r", str(table), "--db", store_url])
    assert done.exit_code == 0, done.stderr
    assert "12 new" in done.stderr
    # the forms themselves now: the same answers, matched by key instead of codes
    forms = runner().invoke(app, ["round", "collect", "r", str(round_files["prof"]), "--db",
                                  store_url])
    assert "0 new, 0 new versions, 12 unchanged" in forms.stderr
    assert _complete(store_url) == (24, 24)


def test_a_bad_row_stores_nothing_of_its_file(store_url: str, round_files: dict[str, Path],
                                              tmp_path: Path) -> None:
    table = tmp_path / "prof.csv"
    runner().invoke(app, ["read", str(round_files["prof"]), "-o", str(table)])
    rows = list(csv.reader(table.open(encoding="utf-8")))
    rows[4][rows[0].index("subject_code")] = "C999"  # no such client
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    before = count_rows(store_url)
    result = runner().invoke(app, ["round", "collect", "r", str(table), "--db", store_url])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"relscale: error: {table}, row 5: round 'r' has no "
                               "relationship_quality form (professional) for professional ")
    assert lines[0].endswith(" and client 'C999'")
    assert "1 files not stored" in lines[-1]
    assert count_rows(store_url) == before


def test_a_form_of_another_round_is_refused(store_url: str, round_files: dict[str, Path],
                                            tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r2.csv", roster_rows(1, 2, 6))
    runner().invoke(app, ["round", "new", "other", "--roster", str(roster), "-i",
                          "relationship_quality", "-s", "foster_homes", "--db", store_url])
    one = sorted(round_files["prof"].iterdir())[0]
    result = runner().invoke(app, ["round", "collect", "other", str(one), "--db", store_url])
    assert result.exit_code == 1
    assert f"{one}: a form of round 'r', not of 'other'" in result.stderr

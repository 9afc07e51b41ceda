"""atomic_write after a crash and under signals, and --force onto a symbolic link."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from relscale.io.atomic import atomic_write


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_killed_writers_part_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    stale = tmp_path / f".out.csv.{_dead_pid()}.abc123.part"  # left by kill -9
    live = tmp_path / f".out.csv.{os.getpid()}.zzz.part"  # a write in progress here
    other = tmp_path / f".other.csv.{_dead_pid()}.abc.part"  # another target's
    for p in (stale, live, other):
        p.write_text("half", encoding="utf-8")
    with atomic_write(target) as tmp:
        tmp.write_text("done", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "done"
    assert not stale.exists() and live.exists() and other.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_while_writing_leaves_no_part_file(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from relscale.io.atomic import atomic_write
        with atomic_write(Path({str(tmp_path / "out.csv")!r})) as tmp:
            tmp.write_text("half")
            print("writing", flush=True)
            time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    assert list(tmp_path.glob("*.part"))
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(0.1)
    assert not list(tmp_path.glob(".*.part")) and not (tmp_path / "out.csv").exists()


def test_force_onto_a_symlink_writes_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.csv"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with atomic_write(link, overwrite=True) as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert not list(tmp_path.rglob("*.part"))


# --- issue 25, finding 5: a target that appears while relscale writes -------------------


def test_a_target_that_appears_during_the_write_is_not_replaced(tmp_path: Path) -> None:
    from relscale.errors import RelscaleError

    target = tmp_path / "out.csv"
    with pytest.raises(RelscaleError, match="appeared while relscale was writing it"), \
            atomic_write(target) as tmp:
        tmp.write_text("mine", encoding="utf-8")
        target.write_text("the other run's", encoding="utf-8")  # another run finishes
    assert target.read_text(encoding="utf-8") == "the other run's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no .part left


def test_without_hard_links_the_name_is_taken_exclusively(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from relscale.errors import RelscaleError

    def no_links(_src: object, _dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "out.csv"
    with atomic_write(target) as tmp:
        tmp.write_text("first", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "first"
    with pytest.raises(RelscaleError, match="appeared while relscale was writing it"), \
            atomic_write(tmp_path / "new.csv") as tmp:
        tmp.write_text("mine", encoding="utf-8")
        (tmp_path / "new.csv").write_text("theirs", encoding="utf-8")
    assert (tmp_path / "new.csv").read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "out.csv"]


def test_two_score_runs_on_one_output_keep_the_first(tmp_path: Path) -> None:
    """The CLI end to end: the other run writes the output while this run writes its
    temporary file (after every check); this run fails, naming the file, and the other's
    result stays."""
    sys.path.insert(0, str(Path(__file__).parent))
    from badinput import SCORE, write_data

    write_data(tmp_path, ["a", "b"])
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        import relscale.scoring.run as run
        for kind in (run.ScoreRun, run.BulkScoreRun):
            def racing(self, path, *args, original=kind.write_csv, **kwargs):
                # into the temporary file, then the other run ends
                original(self, path, *args, **kwargs)
                Path("out.csv").write_text("the other run's results", encoding="utf-8")
            kind.write_csv = racing
        from relscale.cli.main import main
        sys.argv = ["relscale", *sys.argv[1:]]
        main()
    """)
    done = subprocess.run([sys.executable, "-c", script, *SCORE, "-o", "out.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "relscale: error: out.csv: appeared while relscale was writing it (another run?); it "
        "was not overwritten (use --force to overwrite)")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "the other run's results"
    assert not list(tmp_path.glob("*.part"))

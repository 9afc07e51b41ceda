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

"""Safe output: nothing half-written, nothing overwritten unasked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from relscale import RelscaleError
from relscale.io.atomic import atomic_write, check_output


def test_success_moves_file_into_place_with_umask_permissions(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    with atomic_write(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("done")
    assert target.read_text() == "done"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert list(target.parent.iterdir()) == [target]


def test_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(ZeroDivisionError), atomic_write(target) as tmp:
        tmp.write_text("half")
        raise ZeroDivisionError
    assert list(tmp_path.iterdir()) == []


def test_existing_file_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("mine")
    with pytest.raises(RelscaleError, match="already exists"), atomic_write(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "mine"
    with atomic_write(target, overwrite=True) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("x")
    with pytest.raises(RelscaleError, match="is also an input"):
        check_output(source, overwrite=True, inputs=(source,))

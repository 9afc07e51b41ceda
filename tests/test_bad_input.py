"""Every case of the bad-input corpus (tests/badinput): one line, the right exit code, no
traceback, no output left behind, no input changed.

Cases whose fix belongs to another module (``Case.owner``) are expected failures until
that fix is merged.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from badinput import CASES, Case, build

from helpers import runner
from relscale.cli.main import app


def _snapshot(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _run(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    env = {k: v.replace("{dir}", str(folder)) for k, v in case.env.items()}
    if case.isolated:
        done = subprocess.run([sys.executable, "-m", "relscale", *case.args], cwd=folder,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, **env}, errors="replace")
        return done.returncode, done.stderr, done.stdout
    monkeypatch.chdir(folder)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = runner().invoke(app, case.args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return 99, f"Traceback: {result.exception!r}", result.stdout
    return result.exit_code, result.stderr, result.stdout


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / name
    case = build(name, folder)
    try:
        _check(case, folder, monkeypatch)
    except AssertionError:
        if case.owner:  # fixed in another module, not merged yet
            pytest.xfail(f"fix belongs to {case.owner}")
        raise


def _check(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(folder)
    code, stderr, stdout = _run(case, folder, monkeypatch)
    expect = case.expect.replace("{dir}", str(folder))
    assert "Traceback" not in stderr, stderr[:2000]
    assert len(stderr) < 64_000, f"{len(stderr)} characters on stderr"
    assert code == case.code, stderr
    for text in case.lacks:
        assert text.replace("{dir}", str(folder)) not in stderr + stdout, (text, stderr)
    for out in case.present:
        assert (folder / out).exists(), out
    # the prefixes are in the run's language: error / fout, warning / waarschuwing
    if case.raw:  # a report's line, on stderr or stdout
        lines = (stderr + "\n" + stdout).splitlines()
        assert any(line.startswith(expect) for line in lines), stderr + stdout
    elif case.code:
        errors = [line.split(": ", 2)[2] for line in stderr.splitlines()
                  if line.startswith(("relscale: error: ", "relscale: fout: "))]
        assert errors and errors[0].startswith(expect), stderr
        assert all(line.startswith("relscale: ") for line in stderr.splitlines()), stderr
    else:
        warnings = [line.split(": ", 2)[2] for line in stderr.splitlines()
                    if line.startswith(("relscale: warning: ", "relscale: waarschuwing: "))]
        assert any(w.startswith(expect) for w in warnings), stderr
    for out in case.absent:
        assert not (folder / out).exists(), out
    assert not list(folder.rglob("*.part")), "a temporary file was left behind"
    after = _snapshot(folder)
    assert {k: after.get(k) for k in before} == before, "an input changed"

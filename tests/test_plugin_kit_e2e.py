"""End to end: plugin new --from youth_care, installed into a fresh virtual environment,
is listed by relscale sectors, passes plugin check, exports a Dutch form, and its own
tests pass.

The environment is a new venv (no system site-packages) that sees relscale and its
dependencies through a ``.pth`` file adding this environment's site-packages, so nothing
is downloaded; the plugin is installed into it with pip (editable, ``--no-deps
--no-build-isolation``: hatchling comes from the same site-packages).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from relscale.plugin_kit import new_plugin


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELSCALE_")}
    return subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_new_plugin_installs_checks_exports_and_tests(tmp_path: Path) -> None:
    made = new_plugin("care_farms", from_sector="youth_care", directory=tmp_path)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).stdout.strip())
    # addsitedir, not a bare path: the host's own .pth files (relscale's editable install)
    # are read too.
    host = sysconfig.get_paths()["purelib"]
    (site / "relscale_host.pth").write_text(f"import site; site.addsitedir({host!r})\n")

    install = _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                   "--no-index", "-e", str(made.path), cwd=tmp_path)
    assert install.returncode == 0, install.stderr

    sectors = _run(python, "-m", "relscale", "sectors", cwd=tmp_path)
    assert sectors.returncode == 0, sectors.stderr
    assert "care_farms" in sectors.stdout and "youth_care" in sectors.stdout

    check = _run(python, "-m", "relscale", "plugin", "check", "care_farms", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "care_farms: no problems"
    assert "not checked" not in check.stderr  # the wheel was built and inspected

    form = tmp_path / "form.xlsx"
    export = _run(python, "-m", "relscale", "--locale", "nl", "form", "working_alliance",
                  "--sector", "care_farms", "-p", "client", "-o", str(form), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(form).worksheets[0].iter_rows() for c in row]
    assert any(isinstance(v, str) and "kan ik mezelf zijn" in v for v in cells)

    tests = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=made.path)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    assert sys.executable != str(python)

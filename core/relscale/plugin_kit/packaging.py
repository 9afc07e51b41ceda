"""Does the built wheel (and sdist) hold the plugin's data files?

The check builds them: the project's own PEP 517 backend (``[build-system]
build-backend``, e.g. ``hatchling.build``) is imported in a child process and asked for
a wheel and an sdist in a temporary folder; then every data file of the package folder
(``sector.toml``, ``norms/*.toml``, ``instruments/*.toml``, ``locale/**/*.po``) must be
in each archive. An editable install hides a missing file; a wheel built by setuptools'
defaults, or with an ``exclude`` too many, does not. When the backend is not installed
here the check cannot build, and says so in a note instead.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from relscale.i18n import _
from relscale.plugin_kit.problem import Problem

DATA_PATTERNS = ("sector.toml", "norms/*.toml", "instruments/*.toml", "locale/**/*.po")
DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
"""What pip uses for a project without ``[build-system]`` (PEP 517)."""
BUILD_TIMEOUT = 300

_BUILD = """
import importlib, sys
name, out = sys.argv[1], sys.argv[2]
module, _, attr = name.partition(":")
try:
    backend = importlib.import_module(module)
except ImportError:
    print("NO-BACKEND"); sys.exit(3)
for part in filter(None, attr.split(".")):
    backend = getattr(backend, part)
print(backend.build_wheel(out)); print(backend.build_sdist(out))
"""


@dataclass
class PackagingReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def data_files(package_dir: Path) -> list[Path]:
    """The package's data files, relative to the folder that holds the package."""
    found: set[Path] = set()
    for pattern in DATA_PATTERNS:
        found |= {p for p in package_dir.glob(pattern) if p.is_file()}
    return sorted(p.relative_to(package_dir.parent) for p in found)


def backend_of(project_dir: Path) -> str:
    with (project_dir / "pyproject.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("build-system", {}).get("build-backend") or DEFAULT_BACKEND


def check_packaging(project_dir: Path, package_dir: Path) -> PackagingReport:
    """Build the project's wheel and sdist and list the data files either leaves out."""
    report = PackagingReport()
    expected = data_files(package_dir)
    pyproject = str(project_dir / "pyproject.toml")
    backend = backend_of(project_dir)
    with tempfile.TemporaryDirectory(prefix="relscale-build-") as out:
        try:
            run = subprocess.run([sys.executable, "-c", _BUILD, backend, out],
                                 cwd=project_dir, capture_output=True, text=True,
                                 timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            run = None
        if run is not None and run.returncode == 3 and "NO-BACKEND" in run.stdout:
            report.notes.append(_(
                "{path}: the wheel was not built, so its data files were not checked: the "
                "build backend {backend} is not installed here").format(
                    path=pyproject, backend=backend))
            return report
        if run is None or run.returncode != 0:
            detail = (run.stderr.strip().splitlines() or ["?"])[-1] if run else "timeout"
            report.problems.append(Problem(pyproject, "[build-system]", _(
                "the wheel and sdist cannot be built with {backend}: {error}").format(
                    backend=backend, error=detail)))
            return report
        wheels = sorted(Path(out).glob("*.whl"))
        sdists = sorted(Path(out).glob("*.tar.gz"))
        wheel_names = set(zipfile.ZipFile(wheels[0]).namelist()) if wheels else set()
        sdist_names = _sdist_members(sdists[0]) if sdists else set()
    relative_package = package_dir.resolve().relative_to(project_dir.resolve()).parent
    for path in expected:
        file = str(package_dir.parent / path)
        if path.as_posix() not in wheel_names:
            report.problems.append(Problem(file, "wheel", _(
                "not in the wheel {backend} builds: the installed plugin would miss it "
                "(see the build configuration in {pyproject})").format(
                    backend=backend, pyproject=pyproject)))
        if (relative_package / path).as_posix() not in sdist_names:
            report.problems.append(Problem(file, "sdist", _(
                "not in the sdist {backend} builds (see the build configuration in "
                "{pyproject})").format(backend=backend, pyproject=pyproject)))
    return report


def _sdist_members(path: Path) -> set[str]:
    """Member names without the ``name-version/`` folder every sdist starts with."""
    with tarfile.open(path) as tar:
        return {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}

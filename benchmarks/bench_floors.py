"""What a relscale process pays before it does any work: the start-up floors of its stack.

Issue 26 asks for targets against floors that do not start Python's stack: a single export
within 2x of the workbook writer replaying the same cells, and ``cfa`` / ``norms build`` at
100,000 rows no slower than R's fitting alone (``system.time`` around lavaan's ``cfa()`` and
``quantile()``, without R's start-up). This script measures, as whole processes in the
same run (interleaved rounds after one warm-up; CPU = user + system from ``os.wait4``;
medians), what the project's required stack costs to load, so those targets can be held
against what is possible:

- ``python -c pass``: the interpreter;
- ``import typer``: the command-line framework (a core dependency by convention);
- ``import typer, pydantic`` + relscale's content models (``relscale.model.models``):
  the start of every command that reads content (pydantic v2 models by convention);
- ``import numpy, scipy.special`` with one OpenBLAS thread (as relscale's command line
  sets it): what every analysis needs for its normal and chi-square distributions;
- ``import numpy, polars``: what ``norms build`` and ``score`` need to read a CSV;
- the workbook writer replaying a form (``floor_replay_writer.py replay``) and
  ``relscale form`` itself.

Usage::

    python -m compileall -q core/relscale plugins    # as an installed relscale runs
    python benchmarks/bench_floors.py [--rounds 9]

Results: ``benchmarks/RESULTS-exports.md`` (the export floors) and
``benchmarks/RESULTS-growth.md`` (the analysis floors).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One process: CPU (user + system) and wall seconds."""
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{errors.read().decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "form.pickle"
        form_args = ["form", "relationship_quality", "-s", "education", "-o",
                     f"{tmp}/form.xlsx", "-f"]
        subprocess.run([py, str(HERE / "floor_replay_writer.py"), "capture", str(model),
                        *form_args], check=True, capture_output=True, env=env)
        one_thread = {**env, "OPENBLAS_NUM_THREADS": "1"}
        cases: list[tuple[str, list[str], dict[str, str]]] = [
            ("python -c pass", [py, "-c", "pass"], env),
            ("import typer", [py, "-c", "import typer"], env),
            ("import typer, pydantic, relscale.model.models",
             [py, "-c", "import typer, pydantic, relscale.model.models"], env),
            ("import numpy, scipy.special (one BLAS thread)",
             [py, "-c", "import numpy, scipy.special"], one_thread),
            ("import numpy, polars (one BLAS thread)",
             [py, "-c", "import numpy, polars"], one_thread),
            ("writer replaying the form (the item-5 floor)",
             [py, str(HERE / "floor_replay_writer.py"), "replay", str(model),
              f"{tmp}/replay.xlsx"], env),
            ("relscale form relationship_quality -s education",
             [py, "-m", "relscale", *form_args], env),
        ]
        for _label, cmd, case_env in cases:  # warm-up: file cache and byte code
            timed(cmd, case_env)
        runs: dict[str, list[tuple[float, float]]] = {label: [] for label, _c, _e in cases}
        for _ in range(args.rounds):
            for label, cmd, case_env in cases:
                runs[label].append(timed(cmd, case_env))
    print(f"{'process':<52} {'CPU median':>10} {'wall median':>11}")
    for label, timings in runs.items():
        cpu = statistics.median(t[0] for t in timings)
        wall = statistics.median(t[1] for t in timings)
        print(f"{label:<52} {cpu:>8.3f} s {wall:>9.3f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, {args.rounds} rounds; {time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()

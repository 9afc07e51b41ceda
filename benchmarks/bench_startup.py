"""Benchmark: start-up of ``relscale --help``, ``sectors`` and ``instruments`` against a
two-command typer app (``floor_typer_app.py``), as whole processes, interleaved.

CPU seconds (user + system) of each process, median of ``--repeat`` runs. The floors:
the app's ``--help`` with rich help (typer's default; relscale's target) and with plain
help. Also lists which heavy modules each relscale command imported.

Usage::

    python benchmarks/bench_startup.py [--repeat 15]

Results are recorded in ``benchmarks/RESULTS-startup.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench_scoring import median, timed

HERE = Path(__file__).resolve().parent
HEAVY = ("pydantic", "numpy", "openpyxl", "babel", "polars", "python_calamine", "scipy")
PROBE = (
    "import sys, runpy; sys.argv = ['relscale', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('relscale', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
)


def heavy_modules(args: list[str]) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                         text=True, check=False)
    return out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ)
    floor_app = [sys.executable, str(HERE / "floor_typer_app.py"), "--help"]
    cases = {
        "relscale --help": [sys.executable, "-m", "relscale", "--help"],
        "relscale sectors": [sys.executable, "-m", "relscale", "sectors"],
        "relscale instruments": [sys.executable, "-m", "relscale", "instruments"],
    }
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in
                                               ["floor rich", "floor plain", *cases]}
    for _ in range(args.repeat):
        runs["floor rich"].append(timed(floor_app, env))
        runs["floor plain"].append(timed(floor_app, {**env, "FLOOR_PLAIN_HELP": "1"}))
        for name, cmd in cases.items():
            runs[name].append(timed(cmd, env))
    rich = median(runs["floor rich"], "cpu")
    print(f"floor (two-command typer app --help): rich {rich:.3f} s, plain "
          f"{median(runs['floor plain'], 'cpu'):.3f} s CPU")
    for name in cases:
        cpu = median(runs[name], "cpu")
        heavy = heavy_modules(cases[name][3:])
        print(f"{name:22s} {cpu:.3f} s CPU  ratio to rich-help floor {cpu / rich:.2f}  "
              f"heavy modules: {heavy or '-'}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

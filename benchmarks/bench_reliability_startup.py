"""Benchmark: ``relscale reliability`` on a small file (6 respondents x 4 items, ad hoc
``--items``), a whole process, against floors in the same run: ``python -c "import
scipy.stats"`` (what the command imported before issue 24, for the two quantiles of its
confidence intervals) and ``python -c "import numpy, scipy.special"`` (what it needs now).

CPU seconds (user + system) of each process, median of ``--repeat`` interleaved runs, and
the modules the command loaded. Target (issue 24): the command starts in under a second.

Usage::

    python benchmarks/bench_reliability_startup.py [--repeat 15]

Results are recorded in ``benchmarks/RESULTS-startup.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_scoring import median, timed

ROWS = "a,b,c,d\n1,2,3,4\n2,2,3,3\n3,4,4,5\n4,4,5,5\n2,3,3,4\n5,5,4,5\n"
PROBE = ("import sys, runpy; sys.argv = ['relscale', *sys.argv[1:]]\n"
         "try:\n    runpy.run_module('relscale', run_name='__main__')\n"
         "except SystemExit:\n    pass\n"
         "print(' '.join(m for m in ('scipy.stats', 'scipy.special', 'pandas', 'polars',"
         " 'openpyxl') if m in sys.modules), file=sys.stderr)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed relscale runs
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "small.csv"
        data.write_text(ROWS, encoding="utf-8")
        command = [sys.executable, "-m", "relscale", "reliability", str(data), "--items",
                   "a,b,c,d"]
        cases = {
            "relscale reliability": command,
            "floor: import scipy.stats": [sys.executable, "-c", "import scipy.stats"],
            "floor: import numpy, scipy.special": [sys.executable, "-c",
                                                   "import numpy, scipy.special"],
        }
        for cmd in cases.values():  # bytecode caches
            timed(cmd, env)
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in cases}
        for _ in range(args.repeat):
            for name, cmd in cases.items():
                runs[name].append(timed(cmd, env))
        loaded = subprocess.run([sys.executable, "-c", PROBE, *command[3:]],
                                capture_output=True, text=True, env=env).stderr
    for name in cases:
        print(f"{name:36s} CPU {median(runs[name], 'cpu'):.3f} s  "
              f"wall {median(runs[name], 'wall'):.3f} s")
    print("loaded:", loaded.strip().splitlines()[-1] if loaded.strip() else "-")


if __name__ == "__main__":
    main()

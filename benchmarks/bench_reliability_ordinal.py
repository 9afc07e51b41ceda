"""Benchmark: ``relscale reliability`` with ordinal alpha and categorical omega (a three-point
instrument, where they are added automatically), whole processes, against floors in the
same run:

- ``--no-ordinal``: the same command without the ordinal figures (what it cost before);
- ``per respondent``: the ordinal figures with the polychoric statistics and Gamma summed
  respondent by respondent instead of over distinct answer patterns (the code before this
  benchmark's change; ``relscale.analysis.polychoric._patterns`` patched to one pattern per
  respondent, so everything else is the same);
- ``eager analysis import``: the ordinal figures with every analysis module imported first,
  as ``relscale.analysis`` did before it imported its modules on first use (scipy.stats
  and scipy.optimize with them).

Data: ``relscale simulate`` of the disability-care client form (19 three-point items in 3
scales, 2% missing), seeded. CPU seconds (user + system) and peak RSS, median of
``--repeat`` interleaved runs.

Usage::

    python benchmarks/bench_reliability_ordinal.py [--rows 300 100000 1000000] [--repeat 3]

Results are recorded in ``benchmarks/RESULTS-reliability-ordinal.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_scoring import median, timed

INSTRUMENT = ["-i", "relationship_quality_client", "-s", "disability_care"]
PER_RESPONDENT = (
    "import sys, numpy as np, runpy\n"
    "import relscale.analysis.polychoric as P\n"
    "P._patterns = lambda codes, kmax: (np.arange(len(codes)), np.ones(len(codes)))\n"
    "sys.argv = ['relscale', *sys.argv[1:]]\n"
    "runpy.run_module('relscale', run_name='__main__')\n"
)

EAGER = (
    "import sys, runpy\n"
    "import relscale.analysis.cfa, relscale.analysis.invariance, relscale.analysis.dif\n"
    "sys.argv = ['relscale', *sys.argv[1:]]\n"
    "runpy.run_module('relscale', run_name='__main__')\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[300, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed relscale runs
    relscale = [sys.executable, "-m", "relscale"]
    print(f"{'rows':>9}  {'case':<31} {'CPU s':>7} {'wall s':>7} {'peak MiB':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            data = Path(tmp) / f"dc-{rows}.csv"
            subprocess.run([*relscale, "simulate", *INSTRUMENT, "--n", str(rows), "--seed",
                            "7", "-o", str(data)], check=True, capture_output=True, env=env)
            command = ["reliability", str(data), *INSTRUMENT, "--format", "json"]
            cases = {
                "ordinal (automatic)": [*relscale, *command],
                "floor: --no-ordinal": [*relscale, *command, "--no-ordinal"],
                "ordinal, per respondent": [sys.executable, "-c", PER_RESPONDENT, *command],
                "ordinal, eager analysis import": [sys.executable, "-c", EAGER, *command],
            }
            for cmd in cases.values():  # bytecode caches, file cache
                timed(cmd, env)
            runs: dict[str, list[dict[str, float]]] = {k: [] for k in cases}
            for _ in range(args.repeat):
                for name, cmd in cases.items():
                    runs[name].append(timed(cmd, env))
            floor = median(runs["floor: --no-ordinal"], "cpu")
            for name in cases:
                cpu = median(runs[name], "cpu")
                print(f"{rows:>9}  {name:<31} {cpu:7.2f} {median(runs[name], 'wall'):7.2f} "
                      f"{median(runs[name], 'rss'):9.0f} {cpu / floor:6.2f}")


if __name__ == "__main__":
    main()

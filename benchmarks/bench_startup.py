"""Benchmark: start-up of ``relscale --help``, ``sectors`` and ``instruments`` against a
two-command typer app (``floor_typer_app.py``), as whole processes, interleaved.

CPU seconds (user + system) of each process, median of ``--repeat`` runs. The floors:
the app's ``--help`` with rich help (typer's default; relscale's target) and with plain
help; for reference, its ``hello`` command too (typer coerces a parameter through
pydantic). Also lists which heavy modules each relscale command imported.

The listings run with a listing cache of their own (``RELSCALE_CACHE_DIR`` in a temporary
folder, filled by one run first), as after a user's first run; ``sectors, validating``
runs with the cache off: what the first run after any content change costs.

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
import tempfile
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


def heavy_modules(args: list[str], env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                         text=True, check=False, env=env)
    return out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    cache = tempfile.TemporaryDirectory(prefix="relscale-bench-cache-")
    env = {**os.environ, "RELSCALE_CACHE_DIR": cache.name}
    # Bytecode caching on, as an installed relscale runs (pip compiles on installing);
    # with PYTHONDONTWRITEBYTECODE set, an editable install recompiles every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    floor_app = [sys.executable, str(HERE / "floor_typer_app.py"), "--help"]
    relscale = [sys.executable, "-m", "relscale"]
    cases = {
        "relscale --help": ([*relscale, "--help"], env),
        "relscale sectors": ([*relscale, "sectors"], env),
        "relscale instruments": ([*relscale, "instruments"], env),
        "sectors, validating": ([*relscale, "sectors"], {**env, "RELSCALE_CACHE_DIR": ""}),
    }
    for cmd, case_env in cases.values():  # fills the listing cache and the bytecode caches
        timed(cmd, case_env)
    floors = {
        "floor rich": (floor_app, env),
        "floor plain": (floor_app, {**env, "FLOOR_PLAIN_HELP": "1"}),
        "floor hello": ([*floor_app[:2], "hello"], env),
    }
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in [*floors, *cases]}
    for _ in range(args.repeat):
        for name, (cmd, case_env) in {**floors, **cases}.items():
            runs[name].append(timed(cmd, case_env))
    rich = median(runs["floor rich"], "cpu")
    print(f"floor (two-command typer app --help): rich {rich:.3f} s, plain "
          f"{median(runs['floor plain'], 'cpu'):.3f} s CPU; its hello command "
          f"{median(runs['floor hello'], 'cpu'):.3f} s")
    for name, (cmd, case_env) in cases.items():
        cpu = median(runs[name], "cpu")
        heavy = heavy_modules(cmd[3:], case_env)
        print(f"{name:22s} {cpu:.3f} s CPU  ratio to rich-help floor {cpu / rich:.2f}  "
              f"heavy modules: {heavy or '-'}")
    cache.cleanup()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

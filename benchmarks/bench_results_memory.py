"""Peak memory of ``relscale score -o results.xlsx`` (the streamed results workbook).

    .venv/bin/python benchmarks/bench_results_memory.py [--rows 100000 1000000] [--write]
        [--baseline-src DIR]

For each row count: writes a response file (relationship_quality / foster_homes, random
answers 1..5 with a respondent code), then runs under ``/usr/bin/time -v``:

- ``score -o results.csv`` (the floor: reading, scoring and a streamed CSV);
- ``score -o results.xlsx`` (the results workbook);

and reports wall time and peak resident set size (``Maximum resident set size``).
``--baseline-src DIR`` also runs the xlsx case with another source tree on
``PYTHONPATH`` (e.g. ``git archive main core | tar -x -C /tmp/main``: DIR=/tmp/main/core)
for a before/after in the same run. ``--write`` appends the table with machine
information to benchmarks/RESULTS-hardening.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"


def write_data(path: Path, rows: int, seed: int = 7) -> None:
    import numpy as np

    from relscale.adapt import adapt

    items = adapt(INSTRUMENT, SECTOR).item_ids
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(["respondent_code", *items]) + "\n")
        for start in range(0, rows, 50_000):
            block = rng.integers(1, 6, size=(min(50_000, rows - start), len(items)))
            fh.write("".join(
                f"r{start + i:07d}," + ",".join(map(str, line)) + "\n"
                for i, line in enumerate(block.tolist())
            ))


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one command under /usr/bin/time -v."""
    done = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True,
                          env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    return seconds, rss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--write", action="store_true")
    opts = parser.parse_args()
    relscale = [sys.executable, "-m", "relscale"]
    lines = ["| rows | output | wall (s) | peak RSS (MB) | RSS per 1,000 rows (MB) |",
             "|---:|---|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in opts.rows:
            data = Path(tmp) / f"data{rows}.csv"
            write_data(data, rows)
            runs = [("results.csv", None, "csv (floor)"), ("results.xlsx", None, "xlsx")]
            if opts.baseline_src:
                env = {**os.environ, "PYTHONPATH": str(opts.baseline_src)}
                runs.append(("base.xlsx", env, "xlsx, baseline tree"))
            for name, env, label in runs:
                out = Path(tmp) / name
                out.unlink(missing_ok=True)
                wall, rss = measure([*relscale, "score", str(data), "-i", INSTRUMENT, "-s",
                                     SECTOR, "-o", str(out)], env)
                lines.append(f"| {rows:,} | {label} | {wall:.1f} | {rss:,.0f} | "
                             f"{rss / rows * 1000:.2f} |")
                print(lines[-1], flush=True)
                out.unlink(missing_ok=True)
            data.unlink()
    if opts.write:
        info = (f"{dt.date.today().isoformat()}, {platform.node()}, Python "
                f"{platform.python_version()}, {os.cpu_count()} CPUs")
        with (HERE / "RESULTS-hardening.md").open("a", encoding="utf-8") as fh:
            fh.write(f"\n### Run of {info}\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

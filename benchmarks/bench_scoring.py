"""Benchmark: ``relscale score`` end to end against a polars floor, as whole processes.

Generates (seeded, in a temporary folder) CSVs of N respondents x 22 answer columns (the
21 relationship_quality items plus an ``extra`` column, kept as an identifier like
``respondent_code``; 3% missing answers), then runs, interleaved, N times each:

- ``relscale score data.csv -i relationship_quality -s education -o out.csv``: read,
  validate, score, norms, write the CSV (40 columns), process start-up included;
- ``benchmarks/floor_score_polars.py``: polars doing the same read, reverse keying,
  means with the minimum-answered rule, norm look-up and CSV write.

Each process is timed on its own (``os.wait4``): CPU seconds (user + system, all
threads), wall seconds and peak RSS. Reported: medians, and relscale / floor.

Usage::

    python benchmarks/bench_scoring.py [--rows 10000 100000 1000000] [--repeat 5]

Results are recorded in ``benchmarks/RESULTS-scoring.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def generate(path: Path, rows: int, seed: int = 20240601) -> None:
    """The instrument's 21 items plus an ``extra`` answer column (an identifier to
    relscale): 22 answer-like columns, as in the issue's measurements."""
    import numpy as np

    from relscale.adapt import adapt

    rng = np.random.default_rng(seed)
    names = [*adapt("relationship_quality", "education").item_ids, "extra"]
    items = len(names)
    header = ["respondent_code", *names]
    table = np.array(["", "1", "2", "3", "4", "5"])
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        chunk = 100_000
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            codes = rng.integers(1, 6, (n, items))
            codes[rng.random((n, items)) < 0.03] = 0
            cells = table[codes]
            lines = [
                f"r{start + i:07d}," + ",".join(row)
                for i, row in enumerate(cells.tolist())
            ]
            fh.write("\n".join(lines) + "\n")


def write_spec(path: Path) -> None:
    """What the floor needs to know about the instrument and its norms, from relscale."""
    from relscale.adapt import adapt
    from relscale.scoring.engine import min_answered_count
    from relscale.scoring.norms import band_for, describe_norms, normalized_t

    adapted = adapt("relationship_quality", "education")
    table = adapted.norms[0]
    dims = {d.id: [i.id for i in adapted.items if i.dimension == d.id]
            for d in adapted.dimensions}
    norms = {}
    for dn in table.dimensions:
        steps = dn.percentiles
        norms[dn.dimension] = {
            "raw": [p.raw for p in steps],
            "percentile": [p.percentile for p in steps],
            "t": [p.t if p.t is not None else normalized_t(p.percentile / 100, dn.n)
                  for p in steps],
            "band": [band_for(table.bands, p.percentile) or "" for p in steps],
        }
    spec = {
        "items": list(adapted.item_ids),
        "keys": {i.id: i.keying for i in adapted.items},
        "min": adapted.scale.min,
        "max": adapted.scale.max,
        "dimensions": dims,
        "needed": {d: min_answered_count(len(v), adapted.scoring.min_answered)
                   for d, v in dims.items()},
        "norms": norms,
        "norm_group": describe_norms(table),
        "norm_status": table.population.status,
    }
    path.write_text(json.dumps(spec), encoding="utf-8")


def timed(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """One process: CPU (user + system) and wall seconds, peak RSS in MiB."""
    with tempfile.TemporaryFile() as errors:  # a pipe would fill up and block the child
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
            "rss": usage.ru_maxrss / 1024}


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "RELSCALE_PLUGINS": "education"}
    # Bytecode caching on, as an installed relscale runs (pip compiles on installing);
    # with PYTHONDONTWRITEBYTECODE set, an editable install recompiles every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    relscale = [sys.executable, "-m", "relscale"]
    print(f"{'rows':>9}  {'relscale CPU':>12} {'wall':>6} {'peak':>8}  "
          f"{'floor CPU':>9} {'wall':>6} {'peak':>8}  {'ratio':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        write_spec(spec)
        for rows in args.rows:
            data = Path(tmp) / f"responses-{rows}.csv"
            generate(data, rows)
            ours_cmd = [*relscale, "score", str(data), "-i", "relationship_quality",
                        "-s", "education", "-o", f"{tmp}/out.csv", "-f"]
            floor_cmd = [sys.executable, str(HERE / "floor_score_polars.py"),
                         str(data), str(spec), f"{tmp}/floor.csv"]
            if rows == args.rows[0]:  # untimed: writes the bytecode caches
                timed(ours_cmd, env)
                timed(floor_cmd, env)
            ours, floor = [], []
            for _ in range(args.repeat):
                ours.append(timed(ours_cmd, env))
                floor.append(timed(floor_cmd, env))
            ratio = median(ours, "cpu") / median(floor, "cpu")
            print(f"{rows:>9,}  {median(ours, 'cpu'):>10.2f} s {median(ours, 'wall'):>5.2f}s "
                  f"{max(r['rss'] for r in ours):>5.0f} MiB  {median(floor, 'cpu'):>7.2f} s "
                  f"{median(floor, 'wall'):>5.2f}s {max(r['rss'] for r in floor):>5.0f} MiB  "
                  f"{ratio:>5.2f}", flush=True)
            size = (Path(tmp) / "out.csv").stat().st_size / 1e6
            print(f"{'':>9}  output {size:.0f} MB", flush=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

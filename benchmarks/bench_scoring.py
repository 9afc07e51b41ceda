"""Benchmark: reading vs reading + scoring a large response CSV.

Generates (seeded, in a temporary folder) a CSV of N respondents x 22 items (the 21
relationship_quality items plus one extra closeness item, 3% missing answers, a
respondent_code column), then runs each phase in its own subprocess so peak memory
(``ru_maxrss``) belongs to that phase alone:

- ``read``: :func:`relscale.io.responses.read_csv` (the reader ``relscale score`` uses),
  validation included;
- ``read+score``: the same, then :func:`relscale.scoring.engine.score_responses` and the
  per-row status;
- ``read+score+norms``: also percentile, T and band from the education norms.

Usage::

    python benchmarks/bench_scoring.py [--rows 1000000] [--repeat 3]

Results are recorded in ``benchmarks/RESULTS-scoring.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from relscale.model.models import AdaptedItem
from relscale.adapt import adapt
from relscale.io.responses import read_csv
from relscale.scoring.engine import add_norms, score_responses
base = adapt("relationship_quality", "education")
extra = AdaptedItem(id="rq22", position=22, dimension="closeness", keying="+",
                    text="extra", intent="extra", provenance="added", rationale="benchmark")
adapted = base.model_copy(update={"items": (*base.items, extra)})
t_setup = time.perf_counter()
table = read_csv(sys.argv[1], adapted)
t_read = time.perf_counter()
phase = sys.argv[2]
if phase != "read":
    scores = score_responses(adapted, table.values, validate=False)
    status = scores.status()
    if phase == "read+score+norms":
        add_norms(scores, adapted.norms)
t_end = time.perf_counter()
print(json.dumps({
    "n": table.n,
    "read_s": t_read - t_setup,
    "after_read_s": t_end - t_read,
    "total_s": t_end - t_setup,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

PHASES = ("read", "read+score", "read+score+norms")


def generate(path: Path, rows: int, items: int = 22, seed: int = 20240601) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    header = ["respondent_code", *[f"rq{i:02d}" for i in range(1, items + 1)]]
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


def run_phase(path: Path, phase: str) -> dict[str, float]:
    env = {**os.environ, "RELSCALE_PLUGINS": "education"}
    out = subprocess.run(
        [sys.executable, "-c", PHASE, str(path), phase],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "responses.csv"
        t0 = time.perf_counter()
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in "
              f"{time.perf_counter() - t0:.1f} s")
        results: dict[str, dict[str, float]] = {}
        for phase in PHASES:
            runs = [run_phase(path, phase) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["total_s"])
            best["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
            results[phase] = best
            print(f"{phase:18s} total {best['total_s']:6.2f} s  (read {best['read_s']:.2f} s, "
                  f"after read {best['after_read_s']:.2f} s)  peak RSS "
                  f"{best['maxrss_mb']:.0f} MB")
    read = results["read"]["total_s"]
    for phase in PHASES[1:]:
        r = results[phase]
        across = r["total_s"] / read - 1
        within = r["after_read_s"] / r["read_s"]
        print(f"{phase}: +{100 * within:.1f}% over its own read "
              f"(+{100 * across:.1f}% over the best read-only run)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()

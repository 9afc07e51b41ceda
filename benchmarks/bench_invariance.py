"""Benchmark: the full invariance ladder on a 3-factor, 21-item, 2-group model (N = 1,300).

Data: ``tests/data/analysis/inv21.csv`` (seeded, from
``scripts/make_analysis_reference_data.py``: 2 groups x 650, 5-point items). One run is
:func:`relscale.analysis.test_invariance` end to end: listwise moments, configural, metric
and scalar models, the univariate score tests of the metric and the scalar model, the
comparisons and the decision (the data are invariant, so no partial steps run). The
first run in a fresh process is reported apart from the warm runs.

When ``Rscript`` and lavaan are on PATH, the same work is timed in R in the same run:
three ``cfa()`` fits with ``group.equal`` and ``lavTestScore()`` on the metric and the
scalar model (R start-up and ``library(lavaan)`` excluded), and the ratio is printed.

Usage::

    python benchmarks/bench_invariance.py [--repeat 5]

Results are recorded in ``benchmarks/RESULTS-invariance.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "analysis"

R_SCRIPT = r"""
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
m <- read.csv(args[2], stringsAsFactors = FALSE)
m <- m[m$dataset == "inv21", ]
s <- paste(vapply(unique(m$factor), function(f)
  paste0(f, " =~ ", paste(m$item[m$factor == f], collapse = " + ")), ""), collapse = "\n")
times <- c()
for (i in seq_len(as.integer(args[3]))) {
  t <- system.time({
    conf <- cfa(s, data = d, group = "group")
    met <- cfa(s, data = d, group = "group", group.equal = "loadings")
    sca <- cfa(s, data = d, group = "group", group.equal = c("loadings", "intercepts"))
    st1 <- lavTestScore(met)
    st2 <- lavTestScore(sca)
  })[["elapsed"]]
  times <- c(times, t)
}
cat(times, sep = "\n")
cat("lavaan", as.character(packageVersion("lavaan")), "\n")
"""


def _load() -> tuple[list[str], dict[str, np.ndarray], dict[str, str]]:
    with (DATA / "inv21.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    items = rows[0][1:]
    groups = np.array([r[0] for r in rows[1:]])
    x = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    with (DATA / "models.csv").open(encoding="utf-8") as f:
        factors = {r["item"]: r["factor"] for r in csv.DictReader(f) if r["dataset"] == "inv21"}
    return items, {g: x[groups == g] for g in ("A", "B")}, factors


def _lavaan(repeat: int) -> tuple[list[float], str] | None:
    if shutil.which("Rscript") is None:
        return None
    proc = subprocess.run(
        ["Rscript", "-e", R_SCRIPT, str(DATA / "inv21.csv"), str(DATA / "models.csv"),
         str(repeat)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        print("lavaan run failed:", proc.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return None
    lines = proc.stdout.strip().splitlines()
    return [float(v) for v in lines[:-1]], lines[-1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from relscale.analysis import test_invariance

    import_s = time.perf_counter() - t0
    items, data, factors = _load()
    times = []
    result = None
    for _ in range(args.repeat + 1):
        t = time.perf_counter()
        result = test_invariance(data, items, factors)
        times.append(time.perf_counter() - t)
    assert result is not None
    first, warm = times[0], times[1:]
    print(f"date: {time.strftime('%Y-%m-%d')}; nproc: {os.cpu_count()}; "
          f"python {platform.python_version()}; numpy {np.__version__}; {platform.machine()}")
    print(f"data: 21 items, 3 factors, groups {result.groups} (N = {sum(result.groups.values())})")
    print(f"import relscale.analysis (numpy, scipy): {import_s:.3f} s")
    print(f"relscale first run: {first:.3f} s; warm runs: median {statistics.median(warm):.3f} s, "
          f"best {min(warm):.3f} s (n = {len(warm)})")
    print(f"result: {result.level}; chisq configural/metric/scalar = "
          f"{result.configural.fit.chisq:.3f} / {result.metric.fit.chisq:.3f} / "
          f"{result.scalar.fit.chisq:.3f}; {len(result.score_tests)} + "
          f"{len(result.score_tests_metric)} score tests")
    lav = _lavaan(args.repeat)
    if lav is None:
        print("lavaan: not available (Rscript or lavaan missing)")
        return
    lav_times, version = lav
    print(f"{version}: median {statistics.median(lav_times):.3f} s, best {min(lav_times):.3f} s "
          f"(n = {len(lav_times)})")
    print(f"ratio lavaan / relscale (medians): "
          f"{statistics.median(lav_times) / statistics.median(warm):.1f}x")


if __name__ == "__main__":
    main()

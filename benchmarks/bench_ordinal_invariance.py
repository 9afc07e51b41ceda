"""Benchmark (issue 20): the four ordinal invariance models against lavaan in the same run.

Data: ``tests/data/analysis/ordinal3.csv`` (made by ``tests/reference/ordinal_reference.R``:
21 three-point items on three factors, groups of 600, 550 and 500, N = 1,650). The work is
the four models of Wu & Estabrook (2016) with WLSMV -- configural, thresholds, metric
(thresholds + loadings) and scalar (+ intercepts):

- relscale: :func:`relscale.analysis.estimators.prepare` (polychoric correlations,
  thresholds and their asymptotic covariance, once) and :func:`fit_level` for the four
  levels (each with its fit measures);
- lavaan 0.6-14: ``cfa(..., ordered = TRUE, estimator = "WLSMV", parameterization =
  "delta")`` of the four models semTools' ``measEq.syntax(ID.fac = "std.lv", ID.cat =
  "Wu.Estabrook.2016")`` writes (syntax written before the clock starts; R start-up and
  ``library()`` not counted; lavaan computes its sample statistics inside each ``cfa``).

Both sides are timed inside their own process, CPU seconds (user + system, all threads)
and wall seconds, over ``--repeat`` runs after one untimed warm-up run; the medians are
compared. The target: relscale no slower than lavaan.

Usage::

    python benchmarks/bench_ordinal_invariance.py [--repeat 3]

Results are recorded in ``benchmarks/RESULTS-ordinal-invariance.md``.
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
DATA = ROOT / "tests" / "data" / "analysis" / "ordinal3.csv"
FACTORS = ("closeness", "conflict", "dependency")
LEVELS = ("configural", "thresholds", "metric", "scalar")

R_SCRIPT = r"""
suppressPackageStartupMessages({library(lavaan); library(semTools)})
args <- commandArgs(TRUE)
d <- read.csv(args[1])
items <- setdiff(names(d), "group")
f <- rep(c("closeness", "conflict", "dependency"), each = 7)
model <- paste(vapply(unique(f), function(x)
  paste0(x, " =~ ", paste(items[f == x], collapse = " + ")), ""), collapse = "\n")
levels <- list(configural = "", thresholds = "thresholds",
               metric = c("thresholds", "loadings"),
               scalar = c("thresholds", "loadings", "intercepts"))
syn <- lapply(levels, function(eq) as.character(measEq.syntax(
  configural.model = model, data = d, ordered = items, parameterization = "delta",
  ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", group = "group", group.equal = eq)))
run <- function() lapply(syn, function(s) cfa(s, data = d, group = "group",
  ordered = items, estimator = "WLSMV", parameterization = "delta"))
fits <- run()
for (i in seq_len(as.integer(args[2]))) {
  t <- system.time(fits <- run())
  cat(t[["user.self"]] + t[["sys.self"]], t[["elapsed"]], "\n")
}
cat("chisq.scaled", vapply(fits, function(x) fitMeasures(x, "chisq.scaled"), 0), "\n")
cat("lavaan", as.character(packageVersion("lavaan")), "semTools",
    as.character(packageVersion("semTools")), "\n")
"""


def _load() -> tuple[list[str], dict[str, np.ndarray]]:
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    items = rows[0][1:]
    groups = np.array([r[0] for r in rows[1:]])
    x = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    return items, {g: x[groups == g] for g in dict.fromkeys(groups.tolist())}


def _relscale(items: list[str], data: dict[str, np.ndarray]) -> list[float]:
    from relscale.analysis._model import measurement_model
    from relscale.analysis.estimators import FitOptions, RawGroup, fit_level, prepare

    model = measurement_model(items, {it: FACTORS[i // 7] for i, it in enumerate(items)})
    options = FitOptions(estimator="wlsmv", missing="pairwise", identification="std.lv")
    prepared = prepare(model, [RawGroup(g, x) for g, x in data.items()], options)
    return [fit_level(model, prepared, level).fit.chisq_scaled or float("nan")
            for level in LEVELS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items, data = _load()
    t0 = time.perf_counter()
    chisq = _relscale(items, data)  # untimed warm-up (imports, first calls)
    warm_up = time.perf_counter() - t0
    cpu, wall = [], []
    for _ in range(args.repeat):
        c, w = time.process_time(), time.perf_counter()
        chisq = _relscale(items, data)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    print(f"date: {time.strftime('%Y-%m-%d')}; nproc: {os.cpu_count()}; load: "
          f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}; numpy "
          f"{np.__version__}; {platform.machine()}")
    print(f"data: {len(items)} items, groups {[len(x) for x in data.values()]} "
          f"(N = {sum(len(x) for x in data.values())})")
    print(f"relscale warm-up run (with imports): {warm_up:.2f} s wall")
    print(f"relscale: CPU median {statistics.median(cpu):.2f} s, wall median "
          f"{statistics.median(wall):.2f} s (n = {len(cpu)})")
    print("relscale chisq.scaled: " + " / ".join(f"{v:.3f}" for v in chisq))
    if shutil.which("Rscript") is None:
        print("lavaan: not available (Rscript missing)")
        return
    proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(DATA), str(args.repeat)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print("lavaan run failed:", proc.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return
    lines = proc.stdout.strip().splitlines()
    times = [tuple(float(v) for v in ln.split()) for ln in lines[:-2]]
    r_cpu, r_wall = [t[0] for t in times], [t[1] for t in times]
    print(f"{lines[-1].strip()}: CPU median {statistics.median(r_cpu):.2f} s, wall median "
          f"{statistics.median(r_wall):.2f} s (n = {len(times)})")
    print("lavaan " + lines[-2].strip())
    print(f"ratio lavaan / relscale (CPU medians): "
          f"{statistics.median(r_cpu) / statistics.median(cpu):.2f}x; (wall medians): "
          f"{statistics.median(r_wall) / statistics.median(wall):.2f}x")


if __name__ == "__main__":
    main()

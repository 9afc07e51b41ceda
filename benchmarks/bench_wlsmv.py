"""Benchmark: the four ordinal invariance models (WLSMV) against lavaan, paired processes.

Data: ``tests/data/analysis/ordinal3.csv`` (seeded, from
``tests/reference/ordinal_reference.R``): 21 three-point items on 3 factors, 3 groups
(600 / 550 / 500, N = 1,650). The work is Wu & Estabrook's configural, thresholds, metric
and scalar models with ``estimator = "WLSMV"``.

Each pair runs two fresh processes, one after the other (order alternating):

- **relscale**: ``python -c`` that imports relscale, reads the CSV, computes the
  thresholds, polychoric correlations and Gamma of every group
  (:func:`relscale.analysis.estimators.prepare`) and fits the four levels
  (:func:`~relscale.analysis.estimators.fit_level`: estimates, scaled chi-square, fit
  indices including the cat-ML robust ones). Timed as a whole process (CPU = user + system
  of the child, from ``wait4``) and, inside it, the prepare + fit part alone.
- **lavaan**: ``Rscript`` that loads lavaan and semTools, writes the four models with
  ``measEq.syntax`` and then fits them with ``cfa(..., ordered = TRUE, estimator =
  "WLSMV")``; only the four ``cfa()`` calls are timed (``system.time``, inside R): R start-up,
  package loading, reading the data and writing the syntax are left out.

The ratio relscale / lavaan is taken pair by pair (so a machine that speeds up or slows
down between pairs affects both sides), and the medians are reported. Both sides print the
four chi-squares, which must agree.

Usage::

    python benchmarks/bench_wlsmv.py [--pairs 5]
    python benchmarks/bench_wlsmv.py --scaling   # the polychoric step at 1-64 x N

Results are recorded in ``benchmarks/RESULTS-wlsmv.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "analysis" / "ordinal3.csv"
LEVELS = ("configural", "thresholds", "metric", "scalar")

RELSCALE = r"""
import csv, json, sys, time
c0, t0 = time.process_time(), time.perf_counter()
import numpy as np
from relscale.analysis._model import measurement_model
from relscale.analysis.estimators import FitOptions, RawGroup, fit_level, prepare
with open(sys.argv[1], encoding="utf-8") as f:
    rows = list(csv.reader(f))
items = rows[0][1:]
names = list(dict.fromkeys(r[0] for r in rows[1:]))
raw = [RawGroup(g, np.array([[float(v) for v in r[1:]] for r in rows[1:] if r[0] == g]))
       for g in names]
model = measurement_model(items, {it: ("closeness", "conflict", "dependency")[k // 7]
                                  for k, it in enumerate(items)})
c1, t1 = time.process_time(), time.perf_counter()
prepared = prepare(model, raw, FitOptions(estimator="wlsmv", missing="listwise",
                                          identification="std.lv"))
chisq = [fit_level(model, prepared, level).fit.chisq
         for level in ("configural", "thresholds", "metric", "scalar")]
c2, t2 = time.process_time(), time.perf_counter()
print(json.dumps({"fit_cpu": c2 - c1, "fit_wall": t2 - t1, "chisq": chisq}))
"""

LAVAAN = r"""
suppressPackageStartupMessages({library(lavaan); library(semTools)})
d <- read.csv(commandArgs(TRUE)[1])
items <- names(d)[-1]
model <- paste(vapply(1:3, function(f) paste0(c("closeness", "conflict", "dependency")[f],
  " =~ ", paste(items[(7 * f - 6):(7 * f)], collapse = " + ")), ""), collapse = "\n")
equal <- list("configural", "thresholds", c("thresholds", "loadings"),
              c("thresholds", "loadings", "intercepts"))
syntax <- lapply(equal, function(e) as.character(measEq.syntax(
  configural.model = model, data = d, group = "group", ordered = items,
  parameterization = "delta", ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016",
  group.equal = e)))
fits <- list()
t <- system.time(for (s in syntax) fits[[length(fits) + 1]] <- cfa(
  s, data = d, group = "group", ordered = items, estimator = "WLSMV"))
chisq <- vapply(fits, function(f) fitMeasures(f, "chisq")[[1]], 0)
cat(sprintf('{"fit_cpu": %.4f, "fit_wall": %.4f, "chisq": [%s], "lavaan": "%s"}\n',
    t[["user.self"]] + t[["sys.self"]], t[["elapsed"]],
    paste(sprintf("%.6f", chisq), collapse = ", "), as.character(packageVersion("lavaan"))))
"""


SCALING = r"""
import csv, json, sys, time
import numpy as np
from relscale.analysis._model import measurement_model
from relscale.analysis.estimators import FitOptions, RawGroup, prepare
with open(sys.argv[1], encoding="utf-8") as f:
    rows = list(csv.reader(f))
items = rows[0][1:]
names = list(dict.fromkeys(r[0] for r in rows[1:]))
base = {g: np.array([[float(v) for v in r[1:]] for r in rows[1:] if r[0] == g]) for g in names}
model = measurement_model(items, {it: ("closeness", "conflict", "dependency")[k // 7]
                                  for k, it in enumerate(items)})
options = FitOptions(estimator="wlsmv", missing="listwise", identification="std.lv")
prepare(model, [RawGroup(g, x) for g, x in base.items()], options)  # warm-up
out = []
for copies in (1, 4, 16, 64):
    raw = [RawGroup(g, np.tile(x, (copies, 1))) for g, x in base.items()]
    c0 = time.process_time()
    prepare(model, raw, options)
    out.append([copies * sum(len(x) for x in base.values()), time.process_time() - c0])
print(json.dumps(out))
"""


def _run(cmd: list[str]) -> tuple[Any, float, float]:
    """Run a child; (its JSON line, CPU seconds user + system, wall seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {err.strip().splitlines()[-1:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--scaling", action="store_true",
                        help="only time the polychoric step at 1, 4, 16 and 64 times N")
    args = parser.parse_args()
    if args.scaling:
        got, _, _ = _run([sys.executable, "-c", SCALING, str(DATA)])
        assert isinstance(got, list)
        first = got[0][1]
        print("polychoric step (thresholds, correlations, Gamma; 3 groups, 21 items):")
        for n, cpu in got:
            print(f"  N = {n:>7,}: {cpu:6.3f} s CPU ({cpu / first:5.1f}x the N = "
                  f"{got[0][0]:,} time)")
        return
    if shutil.which("Rscript") is None:
        raise SystemExit("Rscript (with lavaan and semTools) is needed for the comparison")
    py = [sys.executable, "-c", RELSCALE, str(DATA)]
    r = ["Rscript", "-e", LAVAAN, str(DATA)]
    _run(py)  # untimed: writes the bytecode caches, warms the file cache
    _run(r)
    rows = []
    for k in range(args.pairs):
        order = [("relscale", py), ("lavaan", r)] if k % 2 == 0 else [("lavaan", r),
                                                                        ("relscale", py)]
        got = {name: _run(cmd) for name, cmd in order}
        rows.append(got)
        rs, lv = got["relscale"], got["lavaan"]
        print(f"pair {k + 1}: relscale process {rs[1]:.2f} s CPU ({rs[2]:.2f} s wall), "
              f"of which prepare + fit {float(rs[0]['fit_cpu']):.2f} s; lavaan cfa() x 4 "
              f"{float(lv[0]['fit_cpu']):.2f} s CPU ({float(lv[0]['fit_wall']):.2f} s wall)",
              flush=True)
    chisq_r = rows[-1]["relscale"][0]["chisq"]
    chisq_l = rows[-1]["lavaan"][0]["chisq"]
    assert isinstance(chisq_r, list) and isinstance(chisq_l, list)
    worst = max(abs(a - b) / b for a, b in zip(chisq_r, chisq_l, strict=True))

    def med(values: list[float]) -> float:
        return statistics.median(values)

    whole = [g["relscale"][1] / float(g["lavaan"][0]["fit_cpu"]) for g in rows]
    fit = [float(g["relscale"][0]["fit_cpu"]) / float(g["lavaan"][0]["fit_cpu"]) for g in rows]
    wall = [g["relscale"][2] / float(g["lavaan"][0]["fit_wall"]) for g in rows]
    print(f"\nmachine: {platform.machine()}, nproc {os.cpu_count()}, load average "
          f"{os.getloadavg()[0]:.1f}; python {platform.python_version()}; "
          f"lavaan {rows[-1]['lavaan'][0].get('lavaan')}; {time.strftime('%Y-%m-%d')}")
    print(f"chi-square configural / thresholds / metric / scalar: "
          f"{' / '.join(f'{v:.3f}' for v in chisq_r)} (lavaan: "
          f"{' / '.join(f'{v:.3f}' for v in chisq_l)}; largest relative difference {worst:.1e})")
    print(f"medians over {args.pairs} pairs (CPU seconds):")
    print(f"  relscale whole process      {med([g['relscale'][1] for g in rows]):7.2f}")
    print(f"  relscale prepare + 4 fits   "
          f"{med([float(g['relscale'][0]['fit_cpu']) for g in rows]):7.2f}")
    print(f"  lavaan 4 x cfa() only       "
          f"{med([float(g['lavaan'][0]['fit_cpu']) for g in rows]):7.2f}")
    print("ratio relscale / lavaan, pair by pair, median (min-max):")
    print(f"  whole process vs cfa() only (CPU): {med(whole):.3f} "
          f"({min(whole):.3f}-{max(whole):.3f})")
    print(f"  whole process vs cfa() only (wall): {med(wall):.3f} "
          f"({min(wall):.3f}-{max(wall):.3f})")
    print(f"  prepare + fits vs cfa() only (CPU): {med(fit):.3f} "
          f"({min(fit):.3f}-{max(fit):.3f})")


if __name__ == "__main__":
    main()

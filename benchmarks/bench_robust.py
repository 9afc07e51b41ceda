"""Benchmark: the FIML + MLR invariance ladder against lavaan in the same run.

Data: ``tests/data/analysis/ml_missing2.csv`` (made by
``tests/reference/lavaan_robust_reference.R``: 2 groups of 320 and 280, 10 five-point
items on 2 factors, 8% of the answers missing at random), and, with ``--wide``, a
21-item, 3-group data set of the same kind made here (seeded; N = 1,650, 8% missing).
One run fits the configural, metric and scalar models with ``estimator = "mlr"`` and
``missing = "fiml"`` through :mod:`relscale.analysis.estimators`, computes every fit
measure (scaled and robust, FIML-corrected), the univariate score tests of the metric and
scalar models and the two Satorra-Bentler (2001) difference tests. lavaan does the same
work: three ``cfa(..., missing = "ml", estimator = "MLR")``, ``fitMeasures`` on each, two
``lavTestScore`` and two ``lavTestLRT`` (timed inside R, start-up not counted).

Usage::

    python benchmarks/bench_robust.py [--repeat 3] [--wide]

Results are recorded in ``benchmarks/RESULTS-robust.md``.
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
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "analysis"

R_SCRIPT = r"""
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
items <- setdiff(names(d), "group")
k <- as.integer(args[3])
f <- split(items, rep(seq_len(k), each = length(items) / k))
s <- paste(vapply(seq_along(f), function(i)
  paste0("f", i, " =~ ", paste(f[[i]], collapse = " + ")), ""), collapse = "\n")
times <- c()
for (i in seq_len(as.integer(args[2]))) {
  t <- system.time({
    conf <- cfa(s, data = d, group = "group", missing = "ml", estimator = "MLR")
    met <- cfa(s, data = d, group = "group", missing = "ml", estimator = "MLR",
               group.equal = "loadings")
    sca <- cfa(s, data = d, group = "group", missing = "ml", estimator = "MLR",
               group.equal = c("loadings", "intercepts"))
    fm <- lapply(list(conf, met, sca), fitMeasures)
    st <- suppressWarnings(list(lavTestScore(met), lavTestScore(sca)))
    lr <- list(lavTestLRT(conf, met), lavTestLRT(met, sca))
  })[["elapsed"]]
  times <- c(times, t)
}
cat(times, sep = "\n")
cat(fitMeasures(sca, "chisq.scaled"), "\n")
cat("lavaan", as.character(packageVersion("lavaan")), "\n")
"""


def _wide(path: Path) -> None:
    """21 five-point items on 3 factors, 3 groups of 550, 8% missing cells (seeded)."""
    rng = np.random.default_rng(20)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["group"] + [f"x{j:02d}" for j in range(21)])
        for g in range(3):
            phi = np.full((3, 3), 0.4) + 0.6 * np.eye(3)
            eta = rng.multivariate_normal(np.zeros(3), phi, size=550)
            y = eta @ (np.repeat(np.eye(3), 7, axis=0) * 0.7).T + rng.normal(0, 0.7, (550, 21))
            y = np.clip(np.round(y + 3.4), 1, 5)
            y[rng.random(y.shape) < 0.08] = np.nan
            for row in y:
                w.writerow([f"G{g}"] + ["NA" if np.isnan(v) else int(v) for v in row])


def _load(path: Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    items = rows[0][1:]
    groups = np.array([r[0] for r in rows[1:]])
    x = np.array([[np.nan if v == "NA" else float(v) for v in r[1:]] for r in rows[1:]])
    return items, list(dict.fromkeys(groups.tolist())), groups, x


def _relscale(path: Path, n_factors: int) -> tuple[float, float]:
    from relscale.analysis._model import measurement_model
    from relscale.analysis.estimators import (
        FitOptions,
        RawGroup,
        difference_test,
        fit_level,
        prepare,
    )

    items, labels, groups, x = _load(path)
    per = len(items) // n_factors
    model = measurement_model(items, {it: f"f{j // per + 1}" for j, it in enumerate(items)})
    t = time.perf_counter()
    prepared = prepare(model, [RawGroup(g, x[groups == g]) for g in labels],
                       FitOptions(estimator="mlr", missing="fiml", identification="marker"))
    conf, met, sca = (fit_level(model, prepared, lv) for lv in ("configural", "metric", "scalar"))
    met.score_tests(labels)
    sca.score_tests(labels)
    difference_test(met, conf)
    difference_test(sca, met)
    assert sca.fit.chisq_scaled is not None
    return time.perf_counter() - t, sca.fit.chisq_scaled


def _lavaan(path: Path, repeat: int, n_factors: int) -> tuple[list[float], float, str] | None:
    if shutil.which("Rscript") is None:
        return None
    proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(path), str(repeat), str(n_factors)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print("lavaan run failed:", proc.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return None
    lines = proc.stdout.strip().splitlines()
    return [float(v) for v in lines[:-2]], float(lines[-2]), lines[-1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--wide", action="store_true",
                        help="also the 21-item, 3-group data set (lavaan takes minutes)")
    args = parser.parse_args()
    print(f"date: {time.strftime('%Y-%m-%d')}; nproc: {os.cpu_count()}; "
          f"python {platform.python_version()}; numpy {np.__version__}; {platform.machine()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("ml_missing2 (10 items, 2 groups, N = 600)", DATA / "ml_missing2.csv", 2)]
        if args.wide:
            wide = Path(tmp) / "wide.csv"
            _wide(wide)
            sets.append(("wide (21 items, 3 groups, N = 1,650)", wide, 3))
        for label, path, n_factors in sets:
            runs = [_relscale(path, n_factors) for _ in range(args.repeat + 1)]
            first, warm = runs[0][0], [r[0] for r in runs[1:]]
            print(f"{label}: relscale first run {first:.2f} s; warm median "
                  f"{statistics.median(warm):.2f} s (n = {len(warm)}); scalar chisq.scaled "
                  f"{runs[-1][1]:.4f}")
            lav = _lavaan(path, args.repeat, n_factors)
            if lav is None:
                print("  lavaan: not available (Rscript or lavaan missing)")
                continue
            times, chisq, version = lav
            print(f"  {version}: median {statistics.median(times):.2f} s (n = {len(times)}); "
                  f"scalar chisq.scaled {chisq:.4f}; ratio lavaan / relscale (medians) "
                  f"{statistics.median(times) / statistics.median(warm):.1f}x")


if __name__ == "__main__":
    main()

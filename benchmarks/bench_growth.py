"""Benchmark: how every analysis grows with N (10k, 100k, 1M rows), against R in the same run.

Data (made once by ``make``, seeded, with ``relscale simulate``): ``edu_N.csv``, N
respondents of relationship_quality as education words it (21 five-point items on 3
scales, 2% of answers left empty at random) with a ``teacher_code`` cluster column (20
respondents a teacher); ``sectors_N.csv``, N/2 education + N/2 youth_care with a ``sector``
column. ``model.lav`` holds the 3-factor model in lavaan syntax, taken from the adaptation.

Each case pairs two fresh processes, run in turn (A B A B ..., order alternating) after
one warm-up pair: relscale's command as the user runs it, and the floor:

- ``cfa_ml``: ``cfa --estimator ml --missing listwise`` / lavaan ``cfa(ML, listwise)``
- ``cfa_mlr``: ``cfa --estimator mlr --missing fiml --cluster teacher_code`` / lavaan
  ``cfa(MLR, missing = "ml", cluster = "teacher_code")``
- ``cfa_wlsmv``: ``cfa --estimator wlsmv`` (pairwise) / lavaan ``cfa(ordered, WLSMV,
  pairwise)``
- ``invariance_ml``: ``invariance --estimator ml --missing listwise --no-dif`` / lavaan's
  configural, metric and scalar ``cfa`` (std.lv) and ``lavTestScore`` of the last two
- ``dif``: ``growth_dif.py`` (relscale.analysis.dif per scale, one round) / ``MASS::polr``,
  the same three models per item
- ``reliability``: ``reliability`` / ``psych::alpha`` per scale
- ``reliability_ord``: ``reliability --ordinal`` / ``lavCor(ordered)`` + ``psych::alpha``
- ``norms``: ``norms build`` / R ``quantile`` of the scale means
- ``simulate``: ``simulate --n N`` / numpy draws written by polars ``write_csv``

relscale is timed as a whole process (CPU = user + system of the child and its children,
from ``getrusage(RUSAGE_CHILDREN)``; wall clock beside it). The R floor is counted twice:
its **fitting only** (user + system CPU of ``system.time`` around the fits, printed by
``growth.R``: R start-up, ``library()`` and ``read.csv`` left out), and its whole process.
relscale's whole process against R's fitting alone is the strict ratio. Medians over the
pairs; ratios pair by pair, then their median.

Usage::

    python benchmarks/bench_growth.py make --dir /tmp/growth --n 10000 100000 1000000
    python benchmarks/bench_growth.py run --dir /tmp/growth --n 10000 100000 \\
        --cases cfa_ml,invariance_ml --pairs 3

Results are recorded in ``benchmarks/RESULTS-growth.md``.
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

HERE = Path(__file__).resolve().parent
RQ = "relationship_quality"
CASES = ("cfa_ml", "cfa_mlr", "cfa_wlsmv", "invariance_ml", "dif", "reliability",
         "reliability_ord", "norms", "simulate")



def _relscale() -> str:
    exe = Path(sys.executable).parent / "relscale"
    return str(exe) if exe.exists() else "relscale"


def make(folder: Path, sizes: list[int]) -> None:
    """Write the data files and the lavaan model (skips files that exist)."""
    import polars as pl

    from relscale.adapt import adapt

    folder.mkdir(parents=True, exist_ok=True)
    adapted = adapt(RQ, "education", None, "en")
    scales: dict[str, list[str]] = {}
    for it in adapted.items:
        scales.setdefault(it.dimension, []).append(it.id)
    (folder / "model.lav").write_text(
        "".join(f"{d} =~ {' + '.join(items)}\n" for d, items in scales.items()),
        encoding="utf-8")
    for n in sizes:
        edu = folder / f"edu_{n}.csv"
        if not edu.exists():
            tmp = folder / f"tmp_edu_{n}.csv"
            _sim("education", n, 1, tmp)
            df = pl.read_csv(tmp, infer_schema_length=0)
            df = df.insert_column(1, pl.Series("teacher_code",
                                               [f"t{i // 20:06d}" for i in range(n)]))
            df.write_csv(edu)
            tmp.unlink()
        sec = folder / f"sectors_{n}.csv"
        if not sec.exists():
            parts = []
            for i, s in enumerate(("education", "youth_care")):
                tmp = folder / f"tmp_{s}_{n}.csv"
                _sim(s, n // 2, 11 + i, tmp)
                df = pl.read_csv(tmp, infer_schema_length=0)
                parts.append(df.with_columns(
                    pl.lit(s).alias("sector"),
                    (pl.lit(f"{s[:2]}-") + pl.col("respondent_code")).alias("respondent_code")))
                tmp.unlink()
            pl.concat(parts, how="diagonal").write_csv(sec)
        print(f"{n}: {edu.name}, {sec.name}")


def _sim(sector: str, n: int, seed: int, path: Path) -> None:
    subprocess.run([_relscale(), "simulate", "-i", RQ, "-s", sector, "--n", str(n),
                    "--seed", str(seed), "-o", str(path), "-f"], check=True,
                   capture_output=True)


def commands(case: str, folder: Path, n: int) -> tuple[list[str], list[str]]:
    """relscale's command and the floor's, for one case at one N."""
    rs = _relscale()
    edu, sec, lav = (str(folder / f"edu_{n}.csv"), str(folder / f"sectors_{n}.csv"),
                     str(folder / "model.lav"))
    r = ["Rscript", str(HERE / "growth.R")]
    cfa = [rs, "cfa", edu, "-i", RQ, "-s", "education", "-F", "json"]
    table = {
        "cfa_ml": ([*cfa, "--estimator", "ml", "--missing", "listwise"],
                   [*r, "cfa_ml", edu, lav]),
        "cfa_mlr": ([*cfa, "--estimator", "mlr", "--missing", "fiml", "--cluster",
                     "teacher_code"], [*r, "cfa_mlr", edu, lav]),
        "cfa_wlsmv": ([*cfa, "--estimator", "wlsmv"], [*r, "cfa_wlsmv", edu, lav]),
        "invariance_ml": ([rs, "invariance", sec, "-i", RQ, "-g", "sector", "--estimator",
                           "ml", "--missing", "listwise", "--no-dif", "-F", "json"],
                          [*r, "invariance_ml", sec, lav]),
        "dif": ([sys.executable, str(HERE / "growth_dif.py"), sec],
                [*r, "dif", sec, lav]),
        "reliability": ([rs, "reliability", edu, "-i", RQ, "-s", "education", "-F", "json"],
                        [*r, "reliability", edu, lav]),
        "reliability_ord": ([rs, "reliability", edu, "-i", RQ, "-s", "education", "--ordinal",
                             "-F", "json"], [*r, "reliability_ordinal", edu, lav]),
        "norms": ([rs, "norms", "build", edu, "-i", RQ, "-s", "education", "-o",
                   str(folder / f"norms_{n}.toml"), "-f"], [*r, "norms", edu, lav]),
        "simulate": ([rs, "simulate", "-i", RQ, "-s", "education", "--n", str(n), "-o",
                      str(folder / f"sim_{n}.csv"), "-f"],
                     [sys.executable, str(HERE / "floor_simulate.py"), str(n),
                      str(folder / f"floor_{n}.csv")]),
    }
    return table[case]


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """CPU (user + sys of the child and its children), wall seconds, and its output."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.strip()[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.stdout


def r_fit_seconds(out: str) -> float | None:
    for line in out.splitlines():
        if line.startswith("fit_seconds"):
            return float(line.split()[1])
    return None


def run_case(case: str, folder: Path, n: int, pairs: int, warmup: int = 1,
             floor: bool = True) -> dict[str, object]:
    """``pairs`` interleaved runs of relscale and the floor (``floor=False``: relscale
    alone), after ``warmup`` runs of each that are not counted."""
    a, b = commands(case, folder, n)
    for _ in range(warmup):  # file cache, byte code
        timed(a)
        if floor:
            timed(b)
    rel, walls, flo, flo_fit, ratios, ratios_fit = [], [], [], [], [], []
    for i in range(pairs):
        first_a = i % 2 == 0 or not floor
        if first_a:
            ca, wa, _ = timed(a)
        if floor:
            cb, _wb, outb = timed(b)
            flo.append(cb)
            fit = r_fit_seconds(outb)
            if fit is not None:
                flo_fit.append(fit)
        if not first_a:
            ca, wa, _ = timed(a)
        rel.append(ca)
        walls.append(wa)
        if floor:
            ratios.append(ca / cb)
            if fit is not None:
                ratios_fit.append(ca / fit if fit > 0 else float("inf"))
    med = statistics.median
    row: dict[str, object] = {
        "case": case, "n": n, "pairs": pairs,
        "relscale_cpu": round(med(rel), 3), "relscale_wall": round(med(walls), 3),
        "per_row_us_cpu": round(med(rel) / n * 1e6, 3),
    }
    if flo:
        row["floor_cpu_process"] = round(med(flo), 3)
        row["ratio_process"] = round(med(ratios), 3)
    if flo_fit:
        row["floor_fit"] = round(med(flo_fit), 3)
        row["ratio_fit"] = round(med(ratios_fit), 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("make", "run"))
    parser.add_argument("--dir", type=Path, default=Path("/tmp/relscale-growth"))
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-floor", action="store_true", help="relscale alone (1M rows)")
    parser.add_argument("--json", type=Path, help="append the rows to this JSON-lines file")
    args = parser.parse_args()
    if args.step == "make":
        make(args.dir, args.n)
        return
    if shutil.which("Rscript") is None and not args.no_floor:
        raise SystemExit("Rscript is needed for the floors")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; nproc: {os.cpu_count()}; "
          f"load: {os.getloadavg()[0]:.1f}; python {platform.python_version()}; "
          f"{platform.machine()}", flush=True)
    for case in args.cases.split(","):
        for n in args.n:
            row = run_case(case, args.dir, n, args.pairs, args.warmup, not args.no_floor)
            print(json.dumps(row), flush=True)
            if args.json:
                with args.json.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

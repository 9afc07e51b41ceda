"""Benchmark: ``relscale profile`` at 1,000 and 10,000 pairs (issue 26, item 6).

Makes seeded teacher and child reports of N pairs (``relscale simulate`` of the education
instruments, recoded into pairs: teacher T<k> with children C<k>a, C<k>b, ...), then runs
``relscale profile teacher.csv --client-data child.csv -o profiles.xlsx`` (and with
``--pdf``, ``-o profiles.pdf`` through LibreOffice) as whole processes, each timed on its
own with ``os.wait4``: CPU seconds (user + system of relscale; LibreOffice's own
processes are not counted in CPU, only in wall time), wall seconds and relscale's peak
RSS. Reported per size, and the ratio of time per pair from the smallest to the largest
size (linear: about 1).

Usage::

    python benchmarks/bench_profile.py [--pairs 1000 10000] [--repeat 3] [--pdf 1000]

Results are recorded in ``benchmarks/RESULTS-profile.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RELSCALE = [sys.executable, "-m", "relscale"]


def make_pairs(folder: Path, pairs: int) -> tuple[Path, Path]:
    """teacher.csv and child.csv with ``pairs`` pairs (25 children per teacher)."""
    sims = {}
    for name, instrument in (("t", "relationship_quality"),
                             ("c", "relationship_quality_client")):
        out = folder / f"{name}_sim.csv"
        subprocess.run([*RELSCALE, "simulate", "-i", instrument, "-s", "education", "--n",
                        str(pairs), "--seed", "7", "-o", str(out), "-f"], check=True,
                       capture_output=True)
        sims[name] = out
    paths = {}
    for name, child in (("t", False), ("c", True)):
        rows = list(csv.DictReader(sims[name].open(encoding="utf-8")))
        items = [c for c in rows[0] if c.startswith("rq")]
        path = folder / ("child.csv" if child else "teacher.csv")
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["respondent_code", "subject_code", *items])
            for k, r in enumerate(rows):
                teacher, kid = f"T{k // 25 + 1}", f"C{k + 1}"
                w.writerow([*([kid, teacher] if child else [teacher, kid]),
                            *(r[i] for i in items)])
        paths[name] = path
    return paths["t"], paths["c"]


def measure(args: list[str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {err}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", type=int, nargs="*", default=[],
                        help="sizes to print to PDF as well (LibreOffice)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.pairs:
            sub = folder / str(n)
            sub.mkdir()
            teacher, child = make_pairs(sub, n)
            kinds = ["xlsx", *(["pdf"] if n in args.pdf else [])]
            for kind in kinds:
                out = sub / f"profiles.{kind}"
                cmd = [*RELSCALE, "profile", str(teacher), "-i", "relationship_quality", "-s",
                       "education", "--client-data", str(child), "-o", str(out), "-f"]
                runs = [measure(cmd) for _ in range(args.repeat if kind == "xlsx" else 1)]
                cpu, wall, peak = (statistics.median(r[i] for r in runs) for i in range(3))
                rows.append((n, kind, cpu, wall, peak, out.stat().st_size / 2**20))
    print("| pairs | output | CPU s | wall s | peak RSS MiB | file MiB | CPU ms per pair |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, kind, cpu, wall, peak, size in rows:
        print(f"| {n:,} | {kind} | {cpu:.2f} | {wall:.2f} | {peak:.0f} | {size:.1f} | "
              f"{1000 * cpu / n:.2f} |")
    xlsx = [r for r in rows if r[1] == "xlsx"]
    if len(xlsx) >= 2:
        first, last = xlsx[0], xlsx[-1]
        print(f"\nCPU per pair, {last[0]:,} against {first[0]:,} pairs: "
              f"{(last[2] / last[0]) / (first[2] / first[0]):.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: ``relscale score -o results.xlsx`` end to end against XlsxWriter floors.

Generates the seeded CSVs of ``bench_scoring.py`` (N respondents x 22 answer columns: the
21 relationship_quality items and an ``extra`` column relscale keeps as an identifier;
3% missing answers), then runs, interleaved, ``--repeat`` times each, as whole processes:

- ``relscale score data.csv -i relationship_quality -s education -o results.xlsx``: read,
  validate, score, norms and the whole results workbook (Scores with one row per
  respondent, Summary, Profiles of the first 100 respondents, a relationship profile
  page for each of the first 50 pairs), process start-up included;
- ``floor_results_xlsxwriter.py ... xlsxwriter``: polars doing the scoring of
  ``floor_score_polars.py``, XlsxWriter (``constant_memory``) writing the same Scores
  table (same columns, values, number formats) and nothing else: the floor of issue 15;
- ``floor_results_xlsxwriter.py ... rust`` (when ``rustpy_xlsxwriter`` is installed):
  the same table written by rust_xlsxwriter, a stricter floor than the issue asks for;
- with ``--before DIR``: relscale from another source tree (``DIR/core`` and its
  education plugin first on ``PYTHONPATH``, e.g. ``git archive <commit> core plugins |
  tar -x -C /tmp/before``), for a before/after in the same run.

Each process is timed on its own (``os.wait4``): CPU seconds (user + system, all
threads), wall seconds and peak RSS. Reported: medians, and relscale / floor. Only ratios
of one run count (the machine is shared).

Needs the ``bench`` extra (``pip install -e ".[bench]"``: XlsxWriter, rustpy-xlsxwriter).

Usage::

    python benchmarks/bench_results_xlsx.py [--rows 10000 100000] [--repeat 5] [--before DIR]

Results are recorded in ``benchmarks/RESULTS-results-xlsx.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scoring import generate, median, timed, write_spec  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a source tree of relscale to compare")
    parser.add_argument("--skip", nargs="*", default=[], choices=["xlsxwriter", "rust"],
                        help="floors not to run (XlsxWriter takes ~3 min per 1M rows)")
    args = parser.parse_args()
    env = {**os.environ, "RELSCALE_PLUGINS": "education"}
    cases: dict[str, tuple[list[str], dict[str, str]]] = {}
    floor = [sys.executable, str(HERE / "floor_results_xlsxwriter.py")]
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        write_spec(spec)
        out = f"{tmp}/results.xlsx"
        score = ["-m", "relscale", "score", "DATA", "-i", "relationship_quality", "-s",
                 "education", "-o", out, "-f"]
        cases["relscale"] = ([sys.executable, *score], env)
        if args.before:
            tree = args.before.resolve()  # its own content: older code may refuse newer
            before = {**env, "PYTHONPATH": os.pathsep.join(
                str(p) for p in (tree / "core", tree / "plugins" / "education") if p.is_dir())}
            cases["before"] = ([sys.executable, *score[:-2], f"{tmp}/before.xlsx", "-f"],
                               before)
        if "xlsxwriter" not in args.skip:
            cases["xlsxwriter"] = ([*floor, "DATA", str(spec), f"{tmp}/floor.xlsx",
                                    "xlsxwriter"], env)
        if "rust" not in args.skip and importlib.util.find_spec("rustpy_xlsxwriter"):
            cases["rust"] = ([*floor, "DATA", str(spec), f"{tmp}/rust.xlsx", "rust"], env)
        print(f"{'rows':>9}  {'case':<10} {'CPU':>7} {'wall':>7} {'peak':>9}  "
              f"{'relscale/this':>13}")
        for rows in args.rows:
            data = Path(tmp) / f"responses-{rows}.csv"
            generate(data, rows)
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
            for _ in range(args.repeat):
                for name, (cmd, case_env) in cases.items():
                    runs[name].append(timed([str(data) if a == "DATA" else a for a in cmd],
                                            case_env))
            ours = median(runs["relscale"], "cpu")
            for name, got in runs.items():
                cpu = median(got, "cpu")
                print(f"{rows:>9,}  {name:<10} {cpu:>5.2f} s {median(got, 'wall'):>5.2f} s "
                      f"{max(r['rss'] for r in got):>5.0f} MiB  {ours / cpu:>13.2f}",
                      flush=True)
            sizes = {name: Path(tmp, f"{file}.xlsx") for name, file in (
                ("relscale", "results"), ("before", "before"), ("xlsxwriter", "floor"),
                ("rust", "rust"))}
            print(f"{'':>9}  file sizes: " + ", ".join(
                f"{name} {path.stat().st_size / 1e6:.1f} MB" for name, path in sizes.items()
                if path.exists()), flush=True)
    import polars

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}, polars "
          f"{polars.__version__}; {time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()

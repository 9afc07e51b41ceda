"""Benchmark: ``relscale read`` of filled forms against python-calamine reading the same
cells, as whole processes.

Exports one relationship_quality form (foster homes, professional), fills it with
openpyxl in 20 seeded variants (answers, a respondent code, a date), copies them to N
files, each with its own respondent code (distinct forms, as real ones are), then runs,
interleaved, N times each:

- ``relscale read FOLDER -o out.csv``: verify every form (metadata checksum, item rows,
  every answer) and write the tidy CSV;
- ``benchmarks/floor_read_calamine.py FOLDER out.csv``: calamine reading the same
  metadata and answer cells, no checks.

Both run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed from their
environment) after one untimed run each, as an installed relscale runs (pip compiles
the modules on installing): with it set, an editable install compiles relscale's modules
from source on every run (~0.04 s a start).

Usage::

    python benchmarks/bench_read.py [--forms 1000] [--repeat 5]

Results are recorded in ``benchmarks/RESULTS-read.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

from bench_scoring import median, timed

HERE = Path(__file__).resolve().parent


def make_forms(folder: Path, n: int) -> None:
    import openpyxl

    from relscale.adapt import adapt
    from relscale.workbooks.form import export_form, form_filename

    adapted = adapt("relationship_quality", "foster_homes", "professional", "en")
    blank = folder.parent / form_filename(adapted)
    export_form(adapted, blank)
    wb = openpyxl.load_workbook(blank)
    meta = {str(r[0].value): r[1].value for r in wb["relscale_meta"].iter_rows(max_col=2)
            if r[0].value is not None}
    cells = [str(r[4].value) for r in wb["relscale_meta"].iter_rows(min_col=1, max_col=5)
             if r[0].value in adapted.item_ids]
    variants = []
    for v in range(20):
        rng = random.Random(v)
        wb = openpyxl.load_workbook(blank)
        ws = wb[meta["form_sheet"]]
        for cell in cells:
            ws[cell] = rng.choice([None, 1, 2, 3, 4, 5])
        ws[meta["field.respondent_code"]] = f"r{v:03d}"
        ws[meta["field.date"]] = dt.date(2026, 1, 1 + v)
        path = folder.parent / f"variant{v}.xlsx"
        wb.save(path)
        variants.append(path)
    for i in range(n):
        unique_copy(variants[i % len(variants)], folder / f"form{i:04d}.xlsx",
                    f"r{i % len(variants):03d}", f"r{i % len(variants):03d}-{i:04d}")


def unique_copy(source: Path, target: Path, code: str, new_code: str) -> None:
    """A copy of a filled form with its own respondent code (an inline or shared string
    in the sheet XML), so the forms are distinct, as real ones are (a copy would be
    reported as a duplicate)."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith(("xl/sharedStrings", "xl/worksheets/")):
                data = data.replace(f">{code}<".encode(), f">{new_code}<".encode())
            zout.writestr(info, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "RELSCALE_PLUGINS": "foster_homes"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "forms"
        folder.mkdir()
        make_forms(folder, args.forms)
        commands = (
            [sys.executable, "-m", "relscale", "read", str(folder), "-o", f"{tmp}/out.csv",
             "-f"],
            [sys.executable, str(HERE / "floor_read_calamine.py"), str(folder),
             f"{tmp}/floor.csv"],
        )
        for command in commands:  # untimed: writes the bytecode caches
            timed(command, env)
        ours, floor = [], []
        for _ in range(args.repeat):
            ours.append(timed(commands[0], env))
            floor.append(timed(commands[1], env))
    a, b = median(ours, "cpu"), median(floor, "cpu")
    print(f"read {args.forms} forms: relscale {a:.2f} s CPU ({median(ours, 'wall'):.2f} s "
          f"wall, {median(ours, 'rss'):.0f} MiB), calamine floor {b:.2f} s CPU "
          f"({median(floor, 'wall'):.2f} s wall, {median(floor, 'rss'):.0f} MiB), "
          f"ratio {a / b:.2f}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

"""Benchmark ``relscale forms --all`` (en and nl) against bare openpyxl writing the same
cells, as whole processes.

    python benchmarks/bench_forms.py [--repeat 7]

Runs ``relscale forms --all --locale en --locale nl`` once, dumps every cell with a
value of the 30 workbooks it wrote (sheet, row, column, value) to a JSON file, then runs,
interleaved, ``--repeat`` times each:

- ``relscale forms --all --locale en --locale nl --force --out-dir DIR``: the command as
  the user runs it (start-up, plugins, adapting, building and writing every form);
- ``benchmarks/floor_forms_openpyxl.py CELLS.json DIR``: a process that imports openpyxl
  and writes the same values into the same sheets and cells (no styles, merged cells,
  validation, protection, print setup; it does not import relscale);
- ``benchmarks/floor_forms_xlsxwriter.py`` likewise, when xlsxwriter is installed.

Prints median CPU seconds (user + system of the child process), median wall seconds and
the ratio relscale / floor. Results are recorded in ``benchmarks/RESULTS-forms.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench_scoring import median, timed

HERE = Path(__file__).resolve().parent
PLUGINS = "education,foster_homes,disability_care,youth_care"


def dump_cells(folder: Path, target: Path) -> int:
    """Every cell with a value of the workbooks in ``folder``, as the floors read them."""
    import openpyxl

    books = {}
    n = 0
    for path in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        sheets = []
        for ws in wb.worksheets:
            cells = [[c.row, c.column, c.value] for row in ws.iter_rows() for c in row
                     if c.value is not None]
            n += len(cells)
            sheets.append([ws.title, cells])
        books[path.name] = sheets
    target.write_text(json.dumps(books, ensure_ascii=False), encoding="utf-8")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "RELSCALE_PLUGINS": PLUGINS}
    # Bytecode caching on, as an installed relscale runs (pip compiles on installing);
    # with PYTHONDONTWRITEBYTECODE set, an editable install recompiles every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        ours_cmd = [py, "-m", "relscale", "forms", "--all", "--locale", "en", "--locale",
                    "nl", "--force", "--out-dir", f"{tmp}/relscale"]
        timed(ours_cmd, env)
        n_books = len(list(Path(tmp, "relscale").glob("*.xlsx")))
        n_cells = dump_cells(Path(tmp, "relscale"), Path(tmp, "cells.json"))
        floors = {"openpyxl": [py, str(HERE / "floor_forms_openpyxl.py"), f"{tmp}/cells.json",
                               f"{tmp}/openpyxl"]}
        if importlib.util.find_spec("xlsxwriter") is not None:
            floors["xlsxwriter"] = [py, str(HERE / "floor_forms_xlsxwriter.py"),
                                    f"{tmp}/cells.json", f"{tmp}/xlsxwriter"]
        for cmd in floors.values():  # untimed, as relscale's first run above
            timed(cmd, env)
        ours: list[dict[str, float]] = []
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in floors}
        for _ in range(args.repeat):
            ours.append(timed(ours_cmd, env))
            for name, cmd in floors.items():
                runs[name].append(timed(cmd, env))
    a = median(ours, "cpu")
    print(f"forms --all en+nl: {n_books} workbooks, {n_cells} cells with a value; "
          f"median of {args.repeat} interleaved runs")
    print(f"relscale {a:.2f} s CPU ({median(ours, 'wall'):.2f} s wall)")
    for name, floor in runs.items():
        b = median(floor, "cpu")
        print(f"bare {name} floor {b:.2f} s CPU ({median(floor, 'wall'):.2f} s wall), "
              f"ratio {a / b:.2f}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

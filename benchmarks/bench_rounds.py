"""Benchmark: ``relscale round collect`` of filled forms into SQLite against ``relscale read``
of the same folder to CSV, and ``relscale round export`` to CSV in answers per second;
whole processes (issue 21).

Makes a round of N professional-client pairs (foster homes, ``relationship_quality``;
N/25 professionals with 25 clients each) in a template SQLite store, writes the N
professional forms with the round's form builder, fills every answer of each form in its
sheet XML (each form is distinct: its own round key, codes and answers; openpyxl would
take ~10 minutes for 10,000), then runs, interleaved, ``--repeat`` times each:

- ``relscale round collect bench FOLDER --db copy.db``: every form read and verified as
  ``read`` does, matched to the round by its key, scored, and stored in one transaction
  per form, into a fresh copy of the template store (copied before the timer starts);
- ``relscale read FOLDER -o out.csv``: the floor, the same forms read and verified,
  written as one CSV;
- ``relscale round export bench -o answers.csv --db collected.db``: the long export (one
  row per answer and per scale score) of the collected round; the figure is answers
  written per CPU second of the whole process (start-up included).

Both run with bytecode caching on after one untimed run each (the sandbox sets
``PYTHONDONTWRITEBYTECODE``; an installed relscale has its modules compiled).

Usage::

    python benchmarks/bench_rounds.py [--forms 10000] [--repeat 3]

Results are recorded in ``benchmarks/RESULTS-rounds.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_scoring import median, timed

PER_PROFESSIONAL = 25


def make_round(folder: Path, n: int) -> Path:
    """The template store with round ``bench`` and N filled professional forms in
    ``folder``; returns the store's path."""
    from relscale.rounds.create import new_round
    from relscale.rounds.forms import _forms, _names, build_round_form
    from relscale.rounds.queries import get_round
    from relscale.store.engine import open_store
    from relscale.workbooks.form import write_form

    roster = folder.parent / "roster.csv"
    with roster.open("w", encoding="utf-8") as fh:
        fh.write("professional_code,client_code,group\n")
        for k in range(n):
            fh.write(f"P{k // PER_PROFESSIONAL:04d},C{k:06d},G{k // 250:03d}\n")
    db = folder.parent / "template.db"
    blank = folder.parent / "blank"
    blank.mkdir()
    with open_store(db, create=True) as store:
        new_round(store, "bench", roster, instruments=["relationship_quality"],
                  sector="foster_homes", locale="en")
        with store.read() as conn:
            round_ = get_round(conn, "bench")
            forms = [f for f in _forms(conn, round_.id) if f.perspective == "professional"]
            names = _names(conn, round_.id)
        for form in forms:
            book, layout = build_round_form(round_, form, names)
            target = blank / f"{form.professional_code}_{form.client_code}.xlsx"
            write_form(book, target)
            fill(target, folder / target.name, [c for _i, c in layout.answers],
                 random.Random(form.key))
    shutil.rmtree(blank)
    return db


def fill(source: Path, target: Path, cells: list[str], rng: random.Random) -> None:
    """Type an answer (1-5, now and then 9 or empty) into every answer cell of the sheet
    XML, as a spreadsheet program saves a number: ``<c r=".." s=".."><v>3</v></c>``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for cell in cells:
                    value = rng.choice([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 9, None])
                    if value is None:
                        continue
                    text, n = re.subn(rf'<c r="{cell}" s="(\d+)"/>',
                                      rf'<c r="{cell}" s="\1"><v>{value}</v></c>', text)
                    assert n == 1, (source, cell)
                data = text.encode("utf-8")
            zout.writestr(info, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["RELSCALE_PLUGINS"] = "foster_homes"
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    relscale = [sys.executable, "-m", "relscale"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "filled"
        folder.mkdir()
        t0 = time.perf_counter()
        template = make_round(folder, args.forms)
        print(f"{args.forms} forms made and filled in {time.perf_counter() - t0:.0f} s")
        run_db = Path(tmp) / "run.db"

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{run_db}{suffix}").unlink(missing_ok=True)
            shutil.copy(template, run_db)

        collect = [*relscale, "round", "collect", "bench", str(folder), "--db", str(run_db)]
        read = [*relscale, "read", str(folder), "-o", f"{tmp}/out.csv", "-f"]
        export = [*relscale, "round", "export", "bench", "-o", f"{tmp}/answers.csv", "-f",
                  "--db", str(run_db)]
        fresh()
        timed(collect, env)  # untimed: bytecode caches
        timed(read, env)
        ours, floor, exports = [], [], []
        for _ in range(args.repeat):
            fresh()
            ours.append(timed(collect, env))
            floor.append(timed(read, env))
            exports.append(timed(export, env))
        with Path(f"{tmp}/answers.csv").open(encoding="utf-8") as fh:
            answers = sum(1 for line in fh if ",item," in line)
    a, b = median(ours, "cpu"), median(floor, "cpu")
    e = median(exports, "cpu")
    print(f"round collect {args.forms} forms -> SQLite: {a:.2f} s CPU "
          f"({median(ours, 'wall'):.2f} s wall, {median(ours, 'rss'):.0f} MiB); "
          f"read -> CSV floor {b:.2f} s CPU ({median(floor, 'wall'):.2f} s wall, "
          f"{median(floor, 'rss'):.0f} MiB); ratio {a / b:.2f}")
    print(f"round export -> CSV: {answers} answers in {e:.2f} s CPU "
          f"({median(exports, 'wall'):.2f} s wall, {median(exports, 'rss'):.0f} MiB): "
          f"{answers / e:,.0f} answers/s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

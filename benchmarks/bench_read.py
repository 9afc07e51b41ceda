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

With ``--shared-strings`` every text cell of both sheets is moved to a shared-strings
part, as Excel and LibreOffice save a workbook (openpyxl, which fills the forms here, keeps
relscale's inline text): then no metadata sheet holds its values alone, so relscale checks
each distinct one by its cells, after calamine has read it.

Usage::

    python benchmarks/bench_read.py [--forms 1000] [--repeat 5] [--shared-strings]

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


def make_forms(folder: Path, n: int, shared_strings: bool = False) -> None:
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
        target = folder / f"form{i:04d}.xlsx"
        unique_copy(variants[i % len(variants)], target, f"r{i % len(variants):03d}",
                    f"r{i % len(variants):03d}-{i:04d}")
        if shared_strings:
            to_shared_strings(target)


def to_shared_strings(path: Path) -> None:
    """Move every inline text cell of the workbook's sheets to ``xl/sharedStrings.xml``."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        parts = {info.filename: zin.read(info.filename) for info in zin.infolist()}
        infos = zin.infolist()
    assert "xl/sharedStrings.xml" not in parts
    strings: dict[bytes, int] = {}

    def shared(m: re.Match[bytes]) -> bytes:
        index = strings.setdefault(m.group(1), len(strings))
        return f't="s"><v>{index}</v>'.encode()

    for name in parts:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            parts[name] = re.sub(rb't="inlineStr"><is>(<t[^>]*>.*?</t>)</is>', shared,
                                 parts[name], flags=re.S)
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           + f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
           + b"".join(b"<si>" + t + b"</si>" for t in strings) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zout.writestr(info, parts[info.filename])
        zout.writestr("xl/sharedStrings.xml", sst)


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
    parser.add_argument("--shared-strings", action="store_true",
                        help="text cells in a shared-strings part, as Excel saves them")
    args = parser.parse_args()
    env = {**os.environ, "RELSCALE_PLUGINS": "foster_homes"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "forms"
        folder.mkdir()
        make_forms(folder, args.forms, args.shared_strings)
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
    kind = " (shared strings)" if args.shared_strings else ""
    print(f"read {args.forms} forms{kind}: relscale {a:.2f} s CPU ({median(ours, 'wall'):.2f} s "
          f"wall, {median(ours, 'rss'):.0f} MiB), calamine floor {b:.2f} s CPU "
          f"({median(floor, 'wall'):.2f} s wall, {median(floor, 'rss'):.0f} MiB), "
          f"ratio {a / b:.2f}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
          f"{platform.release()}, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()

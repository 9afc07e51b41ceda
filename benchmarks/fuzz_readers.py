"""Fuzz the readers of untrusted files for minutes, each input in its own ``relscale``
process, and measure what every process peaked at (issue 25).

The inputs are the generators of ``tests/fuzz_inputs.py`` (CI runs them in-process for
a bounded number of examples): CSV tables, .xlsx sheets and shared strings, .ods repeats,
.xls compound files, PO catalogs and TOML norm tables, each mixing well-formed parts with
far cells, declared counts, repeats, formulas, entities, control characters, format specs
and damaged bytes. Each is given to the command that reads it:

- tables (csv, xlsx, ods, xls): ``relscale score FILE -i relationship_quality -s
  foster_homes -o out.csv``;
- a PO catalog: ``relscale --locale nl score data.csv ...`` with the catalog on
  ``RELSCALE_LOCALE_PATH``;
- a TOML norm table: ``relscale score data.csv ... --norms FILE``.

Every process must exit 0 or 1, print no traceback, no Rust panic or allocation failure,
and write stderr lines that each start with ``relscale:`` or are the run's summary; its
peak resident set size (GNU time's ``%M``) is recorded. Processes run under an
address-space limit (``--as-mb``, default 3072) so a runaway input fails fast instead of
taking the machine; such a failure would show as an abort here.

More measurements, for the bounds in docs/security.md:

- **at the limit**: a 5 KB .xlsx whose two cells span exactly ``RELSCALE_MAX_CELLS`` (the
  largest grid relscale admits; calamine builds all of it), read with ``score``;
- **wide tables**: ``score`` of CSVs 1,000 to 8,000 columns wide (the limit raised), to
  show every per-column step linear, and the same before the fix (``--baseline-src``);
- **a large table**: ``score`` of a 100,000-row .xlsx, the cost of measuring its sheet;
- **the zip readers**: relscale's hand-written reader of small .xlsx files
  (``relscale.io.xlsx_parts``) against :mod:`zipfile` on hostile zips (damaged, lying
  sizes, a bomb, many members, duplicate names): what each returns and how fast.

Usage::

    python benchmarks/fuzz_readers.py [--minutes 10] [--seed 1] [--as-mb 3072]
        [--baseline-src /tmp/main]   # a checkout of main, for the width and table cases

Results are recorded in ``benchmarks/RESULTS-fuzz.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

INSTRUMENT, SECTOR = "relationship_quality", "foster_homes"
KINDS = ("csv", "xlsx", "ods", "xls", "po", "toml")
BAD = ("Traceback", "panicked", "memory allocation of", "Fatal Python error")


def run(args: list[str], cwd: Path, env: dict[str, str], as_mb: int) -> tuple[int, str, float,
                                                                              float]:
    """(exit code, stderr, peak RSS in MB, seconds) of ``relscale ARGS`` in a child, under
    ``prlimit --as``. The peak is GNU time's (``%M``) for the relscale process itself: a
    child forked from this process would count this process's memory in its own peak."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, "prlimit", f"--as={as_mb << 20}",
             sys.executable, "-m", "relscale", *args], cwd=cwd, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env={**os.environ, **env}, check=False)
        text = Path(rss.name).read_text(encoding="utf-8").split()
    peak = int(text[-1]) / 1024 if text and text[-1].isdigit() else float("nan")
    err = proc.stderr.decode("utf-8", "replace")
    err = "\n".join(line for line in err.splitlines()
                    if not line.startswith("Command exited with non-zero status"))
    code = proc.returncode
    return code, err, peak, time.perf_counter() - start


def tree_items(env: dict[str, str]) -> list[str]:
    """The item ids of the instrument in the tree ``env`` points to (its item bank may
    differ from this one's)."""
    done = subprocess.run([sys.executable, "-c", "from relscale.adapt import adapt; print("
                           f"','.join(adapt({INSTRUMENT!r}, {SECTOR!r}).item_ids))"],
                          capture_output=True, text=True, env={**os.environ, **env},
                          check=True)
    return done.stdout.strip().split(",")


def make_input(kind: str, folder: Path, items: tuple[str, ...]) -> tuple[list[str],
                                                                          dict[str, str]]:
    """Write one input into ``folder``; the command line and environment that read it."""
    import fuzz_inputs as fi
    from badinput import write_data

    score = ["-i", INSTRUMENT, "-s", SECTOR, "-o", "out.csv"]
    if kind == "csv":
        (folder / "data.csv").write_bytes(fi.csv_text(items).example())
        return ["score", "data.csv", *score], {}
    if kind in ("xlsx", "ods", "xls"):
        path = folder / f"data.{kind}"
        {"xlsx": fi.xlsx_file, "ods": fi.ods_file, "xls": fi.xls_file}[kind](
            path, items).example()
        return ["score", path.name, *score], {}
    write_data(folder, ["a", "b"])
    if kind == "po":
        po = folder / "locale" / "nl" / "LC_MESSAGES" / "relscale.po"
        po.parent.mkdir(parents=True)
        po.write_bytes(fi.catalog_text().example())
        return ["--locale", "nl", "score", "data.csv", *score], {
            "RELSCALE_LOCALE_PATH": str(folder / "locale")}
    (folder / "norms.toml").write_bytes(fi.toml_text().example())
    return ["score", "data.csv", *score, "--norms", "norms.toml"], {}


def acceptable(code: int, err: str, kind: str) -> str | None:
    """Why a run is not the one-line answer relscale promises, or None. (A catalog
    translates the summary lines, so for ``po`` only tracebacks and exit codes count.)"""
    if code not in (0, 1):
        return f"exit {code}"
    for bad in BAD:
        if bad in err:
            return bad
    if kind == "po":
        return None
    lines = [line for line in err.splitlines() if line.strip()]
    stray = [line for line in lines if not line.startswith("relscale: ")
             and " scored, " not in line and not line.endswith(" written")
             and not line.startswith("WARNING: ")]  # babel's own notes on a broken PO
    return f"stray line {stray[0][:80]!r}" if stray else None


def fuzz(minutes: float, seed: int, as_mb: int) -> dict[str, dict[str, object]]:
    from relscale.adapt import adapt

    random.seed(seed)
    items = adapt(INSTRUMENT, SECTOR).item_ids
    stats: dict[str, dict[str, object]] = {
        k: {"n": 0, "codes": Counter(), "peak": 0.0, "peak_input": "", "slowest": 0.0,
            "failures": []} for k in KINDS}
    deadline = time.monotonic() + minutes * 60
    k = 0
    with tempfile.TemporaryDirectory() as tmp:
        while time.monotonic() < deadline:
            kind = KINDS[k % len(KINDS)]
            k += 1
            folder = Path(tmp) / f"{kind}{k}"
            folder.mkdir()
            args, env = make_input(kind, folder, items)
            code, err, peak, seconds = run(args, folder, env, as_mb)
            s = stats[kind]
            s["n"] = int(s["n"]) + 1  # type: ignore[call-overload]
            s["codes"][code] += 1  # type: ignore[index]
            if peak > float(s["peak"]):  # type: ignore[arg-type]
                s["peak"], s["peak_input"] = peak, folder.name
            s["slowest"] = max(float(s["slowest"]), seconds)  # type: ignore[arg-type]
            problem = acceptable(code, err, kind)
            if problem is not None:
                kept = Path(tempfile.gettempdir()) / "relscale-fuzz-failures" / folder.name
                kept.parent.mkdir(exist_ok=True)  # kept for a look; named in the table
                subprocess.run(["cp", "-r", str(folder), str(kept)], check=False)
                s["failures"].append(f"{folder.name}: {problem}")  # type: ignore[union-attr]
            else:
                import shutil

                shutil.rmtree(folder)
    return stats


def at_the_limit(as_mb: int, dense: bool) -> tuple[int, str, float, float, int, int]:
    """``score`` of an .xlsx whose grid is RELSCALE_MAX_CELLS cells: two cells at its
    corners (sparse: calamine builds the grid all the same), or every cell filled
    (dense: a file as large as the grid). (exit code, last line, peak MB, seconds,
    cells, file bytes)."""
    from badinput import items
    from badinput.hostile import sheet_xml, table_cells, xlsx

    from relscale.io.sheet_limits import DEFAULT_MAX_CELLS, column_letters

    header = ["respondent_code", *items()]
    columns = len(header)
    rows = DEFAULT_MAX_CELLS // columns
    if dense:
        body = [[f"r{r}", *[1 + (r + k) % 5 for k in range(len(items()))]]
                for r in range(rows - 1)]
        cells = table_cells(header, body)
    else:
        cells = [*table_cells(header, [["r1", *[3] * len(items())]]),
                 (f"{column_letters(columns)}{rows}", 1)]
    with tempfile.TemporaryDirectory() as tmp:
        path = xlsx(Path(tmp) / "data.xlsx", [("Sheet1", sheet_xml(cells))])
        del cells
        size = path.stat().st_size
        code, err, peak, seconds = run(["score", "data.xlsx", "-i", INSTRUMENT, "-s", SECTOR,
                                        "-o", "out.csv"], Path(tmp), {}, as_mb)
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return code, last, peak, seconds, rows * columns, size


def baseline_env(src: Path | None) -> dict[str, str]:
    """``PYTHONPATH`` for another checkout (its ``core`` and plugin folders), or none."""
    if src is None:
        return {}
    folders = [src / "core", *sorted((src / "plugins").glob("*"))]
    return {"PYTHONPATH": os.pathsep.join(str(f) for f in folders)}


def widths(as_mb: int, baseline: Path | None) -> list[tuple[int, str, float, float]]:
    """``score`` of a CSV of 20 rows and N columns (the items, then N others), per N:
    (N, which tree, seconds, peak MB). The limit is raised for the widths beyond it."""

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1000, 2000, 4000, 8000):
            trees = [("branch", {"RELSCALE_MAX_COLUMNS": "20000"})]
            if baseline is not None and n <= 4000:  # the quadratic steps: minutes beyond
                trees.append(("baseline", baseline_env(baseline)))
            for label, env in trees:
                ids = tree_items(env)
                path = Path(tmp) / f"w{n}-{label}.csv"
                extra = [f"x{k}" for k in range(n - len(ids) - 1)]
                with path.open("w", encoding="utf-8") as fh:
                    fh.write(",".join(["respondent_code", *ids, *extra]) + "\n")
                    for r in range(20):
                        fh.write(",".join([f"r{r}", *["3"] * len(ids), *["a"] * len(extra)])
                                 + "\n")
                code, _err, peak, seconds = run(
                    ["score", path.name, "-i", INSTRUMENT, "-s", SECTOR, "-o",
                     f"out-{label}-{n}.csv"], Path(tmp), env, as_mb)
                out.append((n, label if code == 0 else f"{label} (exit {code})", seconds,
                            peak))
    return out


def large_table(as_mb: int, baseline: Path | None, rows: int = 100_000
                ) -> list[tuple[str, float, float]]:
    """``score`` of an .xlsx table of ``rows`` respondents (23 columns, every cell
    filled): the cost of measuring its sheet before calamine reads it, against another
    tree. (which tree, seconds, peak MB)."""
    from badinput.hostile import sheet_xml, table_cells, xlsx

    out = []
    trees = [("branch", {})] + ([("baseline", baseline_env(baseline))] if baseline else [])
    with tempfile.TemporaryDirectory() as tmp:
        for label, env in trees:
            ids = tree_items(env)
            body = [[f"r{r}", *[1 + (r + k) % 5 for k in range(len(ids))]]
                    for r in range(rows)]
            xlsx(Path(tmp) / f"big-{label}.xlsx", [("Sheet1", sheet_xml(table_cells(
                ["respondent_code", *ids], body)))])
            del body
        for _round in range(2):
            for label, env in trees:
                code, _err, peak, seconds = run(
                    ["score", f"big-{label}.xlsx", "-i", INSTRUMENT, "-s", SECTOR, "-o",
                     f"out-{label}-{_round}.csv"], Path(tmp), env, as_mb)
                out.append((label if code == 0 else f"{label} (exit {code})", seconds, peak))
    return out


def hostile_zips(folder: Path) -> dict[str, Path]:
    """Zips no spreadsheet program writes, built from a small table workbook."""
    import struct

    from badinput.hostile import sheet_xml, table_cells, xlsx

    base = xlsx(folder / "base.xlsx", [("Sheet1", sheet_xml(table_cells(["a", "b"],
                                                                        [[1, 2]])))])
    raw = base.read_bytes()
    out = {"ordinary": base}

    def keep(name: str, data: bytes) -> None:
        (folder / f"{name}.xlsx").write_bytes(data)
        out[name] = folder / f"{name}.xlsx"

    damaged = bytearray(raw)
    for k in range(200, len(raw) - 200, 97):
        damaged[k] ^= 0x55
    keep("damaged bytes", bytes(damaged))
    keep("truncated", raw[: len(raw) // 2])
    # a member whose central directory declares 10 bytes but inflates to 20 MB
    bomb = folder / "lying.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (20 << 20))
    data = bytearray(bomb.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 10)  # uncompressed size in the directory
    keep("lying size", bytes(data))
    honest = folder / "bomb.xlsx"
    with zipfile.ZipFile(honest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * (200 << 20))
    out["bomb (200 MB of spaces)"] = honest
    many = folder / "many.xlsx"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(20000):
            z.writestr(f"x/{k}.xml", b"<a/>")
    out["20,000 members"] = many
    dup = folder / "dup.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(dup, "w") as z, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    out["duplicate name"] = dup
    return out


def compare_zip_readers(repeat: int = 20) -> list[tuple[str, str, str, float, float]]:
    """Per hostile zip: what xlsx_parts and zipfile give for every member, and their
    median time to read them all (ms)."""
    from relscale.io.xlsx_parts import open_lean

    def with_lean(path: Path) -> str:
        lean = open_lean(path)
        if lean is None:
            return "declined (zipfile reads it)"
        outcomes = Counter()
        for name in _names(path):
            try:
                part = lean.read(name)
                outcomes["None" if part is None else "bytes"] += 1
            except KeyError:
                outcomes["KeyError"] += 1
        return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))

    def with_zipfile(path: Path) -> str:
        try:
            with zipfile.ZipFile(path) as z:
                outcomes = Counter()
                for name in z.namelist():
                    try:
                        z.read(name)
                        outcomes["bytes"] += 1
                    except (zipfile.BadZipFile, OSError, EOFError, Exception) as exc:
                        outcomes[type(exc).__name__] += 1
            return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        except (zipfile.BadZipFile, OSError) as exc:
            return type(exc).__name__

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in hostile_zips(Path(tmp)).items():
            lean_out, zip_out = with_lean(path), with_zipfile(path)
            times = {}
            for label, fn in (("lean", with_lean), ("zipfile", with_zipfile)):
                runs = []
                for _ in range(repeat if path.stat().st_size < 1 << 20 else 3):
                    t = time.perf_counter()
                    fn(path)
                    runs.append(time.perf_counter() - t)
                times[label] = sorted(runs)[len(runs) // 2] * 1000
            rows.append((name, lean_out, zip_out, times["lean"], times["zipfile"]))
    return rows


def _names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    except (zipfile.BadZipFile, OSError):
        return ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-mb", type=int, default=3072)
    parser.add_argument("--skip-limit", action="store_true")
    parser.add_argument("--baseline-src", type=Path, help="another checkout (its root) to "
                        "run the width and large-table cases with, for a before/after")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, address-space limit {args.as_mb} MB")
    t0 = time.monotonic()
    stats = fuzz(args.minutes, args.seed, args.as_mb)
    print(f"fuzz run: {(time.monotonic() - t0) / 60:.1f} minutes")
    print("| input | runs | exit 0 / 1 | peak RSS (MB) | slowest run (s) | failures |")
    print("|---|---:|---|---:|---:|---|")
    for kind, s in stats.items():
        codes = s["codes"]
        failures = s["failures"]
        print(f"| {kind} | {s['n']} | {codes.get(0, 0)} / {codes.get(1, 0)} | "  # type: ignore[attr-defined]
              f"{float(s['peak']):.0f} | {float(s['slowest']):.1f} | "  # type: ignore[arg-type]
              f"{len(failures) or 'none'} |")  # type: ignore[arg-type]
        for line in failures[:5]:  # type: ignore[index]
            print(f"    {line}")
    if not args.skip_limit:
        for dense in (False, True):
            code, last, peak, seconds, cells, size = at_the_limit(args.as_mb, dense)
            print(f"at the limit, {'dense' if dense else 'sparse'} ({cells:,} cells, "
                  f"{size / 2**20:.1f} MB file): exit {code}, peak {peak:.0f} MB, "
                  f"{seconds:.1f} s; {last[:100]}")
    print("| columns | tree | seconds | peak MB |")
    print("|---:|---|---:|---:|")
    for n, label, seconds, peak in widths(args.as_mb, args.baseline_src):
        print(f"| {n} | {label} | {seconds:.1f} | {peak:.0f} |")
    print("| 100,000-row .xlsx | seconds | peak MB |")
    print("|---|---:|---:|")
    for label, seconds, peak in large_table(args.as_mb, args.baseline_src):
        print(f"| {label} | {seconds:.1f} | {peak:.0f} |")
    print("| zip | xlsx_parts | zipfile | xlsx_parts (ms) | zipfile (ms) |")
    print("|---|---|---|---:|---:|")
    for name, lean, zf, t_lean, t_zip in compare_zip_readers():
        print(f"| {name} | {lean} | {zf} | {t_lean:.2f} | {t_zip:.2f} |")


if __name__ == "__main__":
    main()

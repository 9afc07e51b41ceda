"""Benchmark form export: one form, and the whole matrix, against baselines in the same run.

    /work/venv/bin/python benchmarks/bench_forms.py [--repeat 20] [--write]

Measures (median of ``--repeat`` runs, wall clock, one process):

- ``adapt()`` alone (baseline: the content work every exporter pays);
- building the sheet model (``build_form``);
- rendering it with openpyxl and saving (``render``);
- baseline: openpyxl writing a bare workbook with the same cells, no styles/validation;
- the whole matrix: every sector x instrument x offered perspective x {en, nl}
  (nl only if a Dutch catalog exists), in process and through ``relscale forms --all``.

``--write`` records the figures with machine information in benchmarks/RESULTS-forms.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="write RESULTS-forms.md")
    args = parser.parse_args()

    os.environ.setdefault("RELSCALE_PLUGINS", "education,foster_homes,disability_care,youth_care")
    import openpyxl

    from relscale.adapt import adapt
    from relscale.excel.render import render
    from relscale.i18n import available_locales, set_locale
    from relscale.plugins import get_registry
    from relscale.workbooks.form import build_form, export_form, form_filename

    reg = get_registry()
    locales = [loc for loc in ("en", "nl") if loc in available_locales()]
    tmp = Path(tempfile.mkdtemp(prefix="bench_forms_"))
    one = ("relationship_quality", "foster_homes", "professional")

    adapt(*one, "en")  # warm caches (catalog parsing) once, as a long CLI run would
    adapted = adapt(*one, "en")
    book, _layout = build_form(adapted)
    cells = [(r, c, cell.value) for (r, c), cell in book.sheets[0].cells.items()]

    def bare() -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        for r, c, v in cells:
            ws.cell(row=r, column=c, value=v)
        wb.create_sheet("meta")
        wb.save(tmp / "bare.xlsx")

    def export_one() -> None:
        a = adapt(*one, "en")
        export_form(a, tmp / "one.xlsx", overwrite=True)

    rows: list[tuple[str, float]] = [
        ("adapt() alone", median_ms(lambda: adapt(*one, "en"), args.repeat)),
        ("build_form() (sheet model)", median_ms(lambda: build_form(adapted), args.repeat)),
        ("render() + save (openpyxl)", median_ms(lambda: render(book, tmp / "r.xlsx"),
                                                 args.repeat)),
        ("baseline: bare openpyxl workbook, same cells", median_ms(bare, args.repeat)),
        ("export one form (adapt + build + render, atomic)", median_ms(export_one, args.repeat)),
    ]

    combos = [(i.id, s.id, p) for s, i, p in reg.offerings()]
    jobs = [(*c, loc) for c in combos for loc in locales]

    def matrix() -> None:
        out = tmp / "matrix"
        out.mkdir(exist_ok=True)
        for instrument, sector, perspective, loc in jobs:
            set_locale(loc)
            a = adapt(instrument, sector, perspective, loc)  # type: ignore[arg-type]
            export_form(a, out / form_filename(a), overwrite=True)
        set_locale("en")

    matrix_ms = median_ms(matrix, max(3, args.repeat // 5))
    cli = [str(Path(sys.executable).parent / "relscale"), "forms", "--all", "--force",
           "--out-dir", str(tmp / "cli"), *[a for loc in locales for a in ("--locale", loc)]]
    t0 = time.perf_counter()
    subprocess.run(cli, check=True, capture_output=True)
    cli_ms = (time.perf_counter() - t0) * 1000
    size = (tmp / "one.xlsx").stat().st_size

    lines = [
        "# Form export benchmark",
        "",
        f"Recorded by `benchmarks/bench_forms.py --repeat {args.repeat}`: median wall-clock "
        "time, one process, warm catalog caches.",
        "",
        f"- machine: {cpu_name()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()}, openpyxl {openpyxl.__version__}",
        f"- one form: {'/'.join(one)}, {len(adapted.items)} items, {size / 1024:.1f} KiB",
        "",
        "| step | ms |",
        "|---|---:|",
        *(f"| {name} | {ms:.1f} |" for name, ms in rows),
        "",
        f"Whole matrix: {len(combos)} sector x instrument x offered perspective combinations"
        f" x {{{', '.join(locales)}}} = {len(jobs)} forms.",
        "",
        "| run | total ms | ms per form |",
        "|---|---:|---:|",
        f"| in process (adapt + export_form) | {matrix_ms:.0f} | {matrix_ms / len(jobs):.1f} |",
        f"| `relscale forms --all` (new process, incl. start-up and plugin loading) "
        f"| {cli_ms:.0f} | {cli_ms / len(jobs):.1f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (HERE / "RESULTS-forms.md").write_text(text + _NOTES, encoding="utf-8")


_NOTES = """
## Reading the figures

- Rendering with openpyxl dominates; the sheet model costs little next to it. The gap
  between "render" and the bare-workbook baseline is what styles, data validation,
  protection, print setup, the metadata sheet and defined names cost.
- `adapt()` is cheap once PO catalogs are parsed (they are cached per process); the
  first call in a process pays the parse.
- Forms are small (tens of rows); there is nothing to gain from openpyxl's write-only
  mode, which would also lose merged cells and data validation conveniences.
"""


if __name__ == "__main__":
    main()

"""Time to read every catalog of one locale once (cold) and again (cached).

Each run is a fresh process, so the cold figure includes importing babel's PO reader,
which is what a CLI call pays. This is the cost of reading PO files directly instead of
compiling them (see docs/translating.md).

Usage: python benchmarks/i18n_catalog_load.py [LOCALE] [RUNS]
Last results: benchmarks/RESULTS-i18n.md
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys

CODE = r"""
import sys, time
from relscale import translation as t
from relscale.i18n import load_catalog
from relscale.plugins import get_registry
locale = sys.argv[1]
domains = t.domains(get_registry())
t0 = time.perf_counter()
entries = sum(len(load_catalog(d.locale_dir, d.name, locale) or {}) for d in domains)
t1 = time.perf_counter()
for d in domains:
    load_catalog(d.locale_dir, d.name, locale)
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000, entries, len(domains))
"""


def main(locale: str = "nl", runs: int = 9) -> None:
    cold: list[float] = []
    warm: list[float] = []
    entries = domains = "0"
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CODE, locale], capture_output=True,
                             text=True, check=True)
        c, w, entries, domains = out.stdout.split()
        cold.append(float(c))
        warm.append(float(w))
    print(f"locale {locale}: {domains} catalogs, {entries} translated entries, {runs} runs")
    print(f"cold (first read, fresh process): median {statistics.median(cold):.1f} ms, "
          f"min {min(cold):.1f}, max {max(cold):.1f}")
    print(f"warm (cached): median {statistics.median(warm):.3f} ms")
    print(f"python {platform.python_version()}, {platform.machine()}, "
          f"{platform.processor() or 'cpu unknown'}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["nl"]), *(int(x) for x in sys.argv[2:3]))

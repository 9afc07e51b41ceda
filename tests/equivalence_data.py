"""Multi-sector response files for the equivalence tests: each sector simulated with its
own wording (``relscale.scoring.simulate``), one CSV with a ``sector`` column."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from relscale.adapt import adapt
from relscale.scoring.simulate import simulate

RQ = "relationship_quality"


def write_sectors(path: Path, sectors: list[str], n: int, instrument: str = RQ,
                  edit: Any = None) -> dict[str, Any]:
    """Simulate each sector with its own wording and write one CSV with a sector column
    (an item a sector does not word is empty for its rows). Returns the samples."""
    samples = {s: simulate(adapt(instrument, s, None, "en"), n, seed=11 + i)
               for i, s in enumerate(sectors)}
    if edit is not None:
        edit(samples)
    columns = list(dict.fromkeys(it for smp in samples.values() for it in smp.items))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["respondent_code", "sector", *columns])
        for s, smp in samples.items():
            idx = {it: j for j, it in enumerate(smp.items)}
            for code, row in zip(smp.codes, smp.values.tolist(), strict=True):
                cells = ["" if c not in idx or math.isnan(row[idx[c]]) else int(row[idx[c]])
                         for c in columns]
                w.writerow([f"{s}-{code}", s, *cells])
    return samples

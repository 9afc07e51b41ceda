"""relscale's side of the ``dif`` case of ``bench_growth.py``: DIF alone, as R does it.

    python benchmarks/growth_dif.py sectors_N.csv

Reads the file (polars), and for each scale of relationship_quality runs
:func:`relscale.analysis.dif` on the scale's items across the ``sector`` groups with one
round (``purify=False``): per item the three proportional-odds models on the total score,
as ``growth.R dif`` fits them with ``MASS::polr``
(the items every sector answers). Prints the number of items fitted.
"""

from __future__ import annotations

import sys

import numpy as np
import polars as pl

from relscale.adapt import adapt
from relscale.analysis import dif


def main() -> None:
    adapted = adapt("relationship_quality", "education", None, "en")
    scales: dict[str, list[str]] = {}
    for it in adapted.items:
        scales.setdefault(it.dimension, []).append(it.id)
    df = pl.read_csv(sys.argv[1], infer_schema_length=10_000)
    fitted = 0
    groups = df.partition_by("sector", maintain_order=True)
    for scale in scales.values():
        # the items every group answers (youth_care words rq13 its own way)
        items = [it for it in scale if all(g[it].null_count() < len(g) for g in groups)]
        data = {}
        for g, part in df.group_by("sector", maintain_order=True):
            data[str(g[0])] = part.select(items).to_numpy().astype(float)
        res = dif(data, items, purify=False)
        fitted += len(res.items)
    print(fitted)
    assert np.isfinite(fitted)


if __name__ == "__main__":
    main()

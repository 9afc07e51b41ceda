"""The floor of ``simulate`` in bench_growth.py: N x 21 answers 1-5 drawn by numpy, 2% left
empty, written as CSV by polars (no model, no labels).

    python benchmarks/floor_simulate.py N out.csv
"""

import sys

import numpy as np
import polars as pl

n = int(sys.argv[1])
rng = np.random.default_rng(1)
x = rng.integers(1, 6, size=(n, 21)).astype(float)
x[rng.random(x.shape) < 0.02] = np.nan
df = pl.DataFrame({f"rq{j + 1:02d}": x[:, j] for j in range(21)})
df = df.with_columns(pl.all().fill_nan(None).cast(pl.Int64))
df.insert_column(0, pl.Series("respondent_code", [f"sim{i:07d}" for i in range(n)]))
df.write_csv(sys.argv[2])

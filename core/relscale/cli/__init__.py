"""The ``relscale`` command line (typer): one module per command group.

OpenBLAS starts a thread per core when numpy (and again when scipy, which carries its own
copy) is loaded, and those threads spin while the process starts: CPU a command pays
without using it. relscale's analyses run BLAS on one thread anyway
(:mod:`relscale.analysis._threads`), and scoring, norms and exports use no matrix
products that threads would speed up, so the command line asks OpenBLAS for one thread
before anything loads numpy, unless the user has set ``OPENBLAS_NUM_THREADS`` already.
Measured (whole processes, medians of 3, 2026-12-06; benchmarks/RESULTS-growth.md):
``cfa`` on 100,000 rows 1.40 -> 1.01 s CPU (wall 1.18 -> 0.98 s), ``norms build`` 0.89 ->
0.76 s, ``reliability`` 1.23 -> 1.06 s; ``import numpy, scipy.special`` alone 0.42 -> 0.28 s.
A program that imports relscale as a library keeps its own setting.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

"""Write the seeded data sets that ``tests/reference/lavaan_reference.R`` fits with lavaan.

Every data set is 5-point ordinal responses (1..5) cut from continuous latent responses
``y* = nu + lambda * eta + e`` with var(y*) = 1 in the reference group. The files land in
``tests/data/analysis/``:

- ``cfa12_weak.csv``    3 factors x 4 items, one group, N = 500, item ``w04`` loads .20
  (a weak loading the warnings must name), about 1% of answers missing at random.
- ``inv21.csv``         3 factors x 7 items, 2 groups x 650 (N = 1,300), fully invariant
  (latent means and variances differ between groups; the items do not).
- ``inv12_shift.csv``   3 factors x 4 items, 2 groups x 400, the intercept of ``s06`` shifted
  by +.8 in group B (a scalar non-invariance).
- ``inv12_loading.csv`` 3 factors x 4 items, 2 groups x 400, the loading of ``l03`` is .75
  in group A and .15 in group B (a metric non-invariance).
- ``dif10.csv``         one factor x 10 items, 2 groups x 500: ``d03`` has uniform DIF
  (threshold shift), ``d07`` non-uniform DIF (discrimination differs).
- ``models.csv``        dataset, item, factor: the measurement model of each data set.

    python scripts/make_analysis_reference_data.py

then ``Rscript tests/reference/lavaan_reference.R`` rewrites the JSON reference results.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "analysis"
CUTS = np.array([-1.5, -0.5, 0.5, 1.5])


def _ordinal(ystar: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(CUTS, ystar).astype(float)


def _group(
    rng: np.random.Generator,
    n: int,
    loadings: np.ndarray,
    factor_of: np.ndarray,
    phi: np.ndarray,
    means: np.ndarray,
    intercepts: np.ndarray,
) -> np.ndarray:
    eta = rng.multivariate_normal(means, phi, size=n)
    common = eta[:, factor_of] * loadings
    # residual variance from the reference-group metric: var(y*) = 1 when phi = 1
    resid_sd = np.sqrt(np.clip(1.0 - loadings**2, 0.05, None))
    ystar = intercepts + common + rng.standard_normal((n, len(loadings))) * resid_sd
    return _ordinal(ystar)


def _write(name: str, items: list[str], blocks: list[tuple[str, np.ndarray]]) -> None:
    path = OUT / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["group", *items])
        for label, x in blocks:
            for row in x:
                w.writerow([label, *("NA" if np.isnan(v) else str(int(v)) for v in row)])


def _phi(r: float, variances: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> np.ndarray:
    sd = np.sqrt(np.array(variances))
    corr = np.full((3, 3), r)
    np.fill_diagonal(corr, 1.0)
    return corr * np.outer(sd, sd)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    models: list[tuple[str, str, str]] = []
    factors = ["closeness", "conflict", "dependency"]

    # cfa12_weak: one group with a weak item and a little missingness
    rng = np.random.default_rng(20260101)
    items = [f"w{i:02d}" for i in range(1, 13)]
    factor_of = np.repeat(np.arange(3), 4)
    lam = np.array([0.75, 0.7, 0.65, 0.2, 0.7, 0.75, 0.6, 0.65, 0.7, 0.6, 0.65, 0.7])
    x = _group(rng, 500, lam, factor_of, _phi(0.35), np.zeros(3), np.zeros(12))
    x[rng.random(x.shape) < 0.01] = np.nan
    _write("cfa12_weak", items, [("A", x)])
    models += [("cfa12_weak", it, factors[f]) for it, f in zip(items, factor_of, strict=True)]

    # inv21: the benchmark-sized invariant two-group model
    rng = np.random.default_rng(20260102)
    items = [f"i{i:02d}" for i in range(1, 22)]
    factor_of = np.repeat(np.arange(3), 7)
    lam = rng.uniform(0.55, 0.8, size=21)
    nu = rng.uniform(-0.3, 0.3, size=21)
    a = _group(rng, 650, lam, factor_of, _phi(0.3), np.zeros(3), nu)
    b = _group(rng, 650, lam, factor_of, _phi(0.4, (1.2, 0.9, 1.1)),
               np.array([0.2, -0.1, 0.15]), nu)
    _write("inv21", items, [("A", a), ("B", b)])
    models += [("inv21", it, factors[f]) for it, f in zip(items, factor_of, strict=True)]

    # inv12_shift and inv12_loading: one planted non-invariance each
    factor_of = np.repeat(np.arange(3), 4)
    for name, prefix, seed in (("inv12_shift", "s", 20260103), ("inv12_loading", "l", 20260104)):
        rng = np.random.default_rng(seed)
        items = [f"{prefix}{i:02d}" for i in range(1, 13)]
        lam = np.array([0.75, 0.7, 0.75, 0.65, 0.7, 0.75, 0.6, 0.7, 0.7, 0.65, 0.7, 0.75])
        nu = np.zeros(12)
        lam_b, nu_b = lam.copy(), nu.copy()
        if name == "inv12_shift":
            nu_b[5] += 0.8
        else:
            lam_b[2] = 0.15
        a = _group(rng, 400, lam, factor_of, _phi(0.3), np.zeros(3), nu)
        b = _group(rng, 400, lam_b, factor_of, _phi(0.3), np.array([0.25, 0.0, -0.2]), nu_b)
        _write(name, items, [("A", a), ("B", b)])
        models += [(name, it, factors[f]) for it, f in zip(items, factor_of, strict=True)]

    # dif10: graded responses, one factor
    rng = np.random.default_rng(20260105)
    items = [f"d{i:02d}" for i in range(1, 11)]
    lam = np.full(10, 0.7)
    blocks = []
    for label, mean in (("A", 0.0), ("B", -0.3)):
        theta = rng.normal(mean, 1.0, size=500)
        lam_g = lam.copy()
        shift = np.zeros(10)
        if label == "B":
            shift[2] = 0.6
            lam_g[6] = 0.3
        ystar = shift + theta[:, None] * lam_g + rng.standard_normal((500, 10)) * np.sqrt(
            1 - lam**2
        )
        blocks.append((label, _ordinal(ystar)))
    _write("dif10", items, blocks)
    models += [("dif10", it, "relationship") for it in items]

    with (OUT / "models.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["dataset", "item", "factor"])
        w.writerows(models)


if __name__ == "__main__":
    main()

"""Seeded synthetic reference samples: correlated latent dimensions -> item responses.

The shipped illustrative norms are built from these samples (``scripts/
build_illustrative_norms.py``). They are *not* data about anyone: they only give the
norm machinery something with a plausible shape (skewed closeness, low conflict) so
forms, scoring sheets and reports can be tried end to end. The model, step by step:

1. Respondent ``i`` has latent scores ``theta_i`` on the instrument's dimensions,
   multivariate normal with mean ``level + sector shift + group shift`` and the
   correlations in :data:`DIMENSION_CORRELATIONS` (Cholesky factor of the matrix).
   ``level`` is +0.6 for a dimension whose favourable end is high and -0.6 otherwise, so
   most simulated relationships are good ones, as in real samples.
2. Item ``j`` of dimension ``d`` has a loading ``lambda_j ~ U(0.55, 0.80)`` and a
   continuous response ``y_ij = lambda_j * theta_id + sqrt(1 - lambda_j^2) * e_ij`` with
   ``e_ij ~ N(0, 1)``: a one-factor model per dimension.
3. ``y`` is cut into the scale's ``m`` points at thresholds ``Phi^-1(c / m) + delta_jc``
   (``c = 1..m-1``, ``delta ~ N(0, 0.15)`` then sorted): equal shares at level 0.
4. Reverse-keyed items store ``min + max - value``, as a respondent would answer them.
5. Each answer is missing with probability ``missing`` (MCAR, default 0.02).
6. A ``gender`` column (``f``/``m``, half each) shifts closeness by +0.2 for ``f`` and
   conflict by +0.2 for ``m``, so grouped norms have something to show.

Draws come from ``numpy.random.default_rng(seed)`` in a fixed order (item parameters,
gender, latent scores, item noise, missingness), so the same seed, N and adapted
instrument give the same sample. NumPy keeps these generators stable across releases in
practice but does not promise it: ``tests/test_norms_build.py`` notices when a rebuild
would differ.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument

DIMENSION_CORRELATIONS: dict[frozenset[str], float] = {
    frozenset({"closeness", "conflict"}): -0.45,
    frozenset({"closeness", "dependency"}): 0.15,
    frozenset({"conflict", "dependency"}): 0.40,
    frozenset({"closeness", "negative_expectations"}): -0.45,
    frozenset({"conflict", "negative_expectations"}): 0.50,
    frozenset({"bond", "goals"}): 0.65,
    frozenset({"bond", "tasks"}): 0.65,
    frozenset({"goals", "tasks"}): 0.75,
}
"""Latent correlations between dimensions; pairs not listed are uncorrelated."""

LEVEL = 0.6
SECTOR_SHIFTS: dict[str, dict[str, float]] = {
    "education": {},
    "foster_homes": {"conflict": 0.2, "negative_expectations": 0.2},
    "disability_care": {"dependency": 0.4},
    "youth_care": {"conflict": 0.3, "bond": -0.2},
}
"""Small, made-up sector differences in latent means (SD units): illustration only."""

GROUP_SHIFTS: dict[str, dict[str, float]] = {
    "f": {"closeness": 0.2},
    "m": {"conflict": 0.2},
}
GROUP_COLUMN = "gender"
ID_COLUMN = "respondent_code"
LOADING_RANGE = (0.55, 0.80)
THRESHOLD_JITTER = 0.15
DEFAULT_MISSING = 0.02
CHUNK_ROWS = 50_000
"""Rows drawn, and rows formatted when a sample is written, at a time (bounded memory)."""


@dataclass(frozen=True)
class Sample:
    """A simulated reference sample in the adapted item order."""

    items: tuple[str, ...]
    values: np.ndarray
    """respondents x items, float, NaN for missing."""
    female: np.ndarray
    """One bool per respondent: group ``f`` (else ``m``)."""
    seed: int

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def code_width(self) -> int:
        """Digits of the respondent codes (``sim0001``...): at least 4, as many as n has."""
        return max(4, int(math.log10(self.n)) + 1)

    @functools.cached_property
    def codes(self) -> list[str]:
        """The respondent codes, ``sim`` and the row number from 1, zero-padded (made on
        first use: writing a sample does not need them as Python strings)."""
        return [f"sim{i:0{self.code_width}d}" for i in range(1, self.n + 1)]

    @functools.cached_property
    def groups(self) -> list[str]:
        """Each respondent's group, ``f`` or ``m``."""
        return ["f" if f else "m" for f in self.female.tolist()]


def correlation_matrix(dimensions: list[str]) -> np.ndarray:
    """The latent correlation matrix for these dimensions (from the table above)."""
    import numpy as np

    k = len(dimensions)
    r = np.eye(k)
    for a in range(k):
        for b in range(a + 1, k):
            pair = frozenset({dimensions[a], dimensions[b]})
            r[a, b] = r[b, a] = DIMENSION_CORRELATIONS.get(pair, 0.0)
    return r


def simulate(
    adapted: AdaptedInstrument,
    n: int,
    seed: int,
    *,
    missing: float = DEFAULT_MISSING,
    sector_shifts: Mapping[str, Mapping[str, float]] | None = None,
) -> Sample:
    """Draw a synthetic reference sample for one adapted instrument (see module docstring)."""
    import numpy as np

    from relscale.scoring.norms import normal_quantile

    if n < 1:
        raise RelscaleError(_("--n must be at least 1, got {n}").format(n=n))
    if not 0 <= missing < 1:
        raise RelscaleError(
            _("--missing must be a share from 0 to below 1, got {missing}").format(
                missing=missing
            )
        )
    rng = np.random.default_rng(seed)
    dims = [d.id for d in adapted.dimensions]
    favourable = {d.id: d.favourable for d in adapted.dimensions}
    shifts = (sector_shifts if sector_shifts is not None else SECTOR_SHIFTS).get(
        adapted.sector, {}
    )
    m = len(adapted.scale.points)
    lo, hi = adapted.scale.min, adapted.scale.max
    k = len(adapted.items)

    # 1. item parameters
    loadings = rng.uniform(*LOADING_RANGE, size=k)
    base = np.array([normal_quantile(c / m) for c in range(1, m)])
    thresholds = np.sort(base + rng.normal(0, THRESHOLD_JITTER, size=(k, m - 1)), axis=1)
    # 2. groups and latent scores
    female = rng.random(n) < 0.5
    mean = np.array(
        [(LEVEL if favourable[d] == "high" else -LEVEL) + shifts.get(d, 0.0) for d in dims]
    )
    group_shift = np.array([[GROUP_SHIFTS[g].get(d, 0.0) for d in dims] for g in ("f", "m")])
    chol = np.linalg.cholesky(correlation_matrix(dims))
    theta = rng.standard_normal((n, len(dims))) @ chol.T + mean
    theta += np.where(female[:, None], group_shift[0], group_shift[1])
    # 3. item responses
    # (a chunk of rows at a time: the draws come in the same order as one (n, k) draw,
    # and memory stays at the answers plus one chunk)
    dim_index = np.array([dims.index(item.dimension) for item in adapted.items])
    reverse = np.array([item.keying == "-" for item in adapted.items])
    values = np.empty((n, k))
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        noise = rng.standard_normal((stop - start, k))
        y = theta[start:stop, dim_index] * loadings + np.sqrt(1 - loadings**2) * noise
        keyed = lo + thresholds_below(y, thresholds)
        values[start:stop] = np.where(reverse, lo + hi - keyed, keyed)
    # 4. missingness
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        values[start:stop][rng.random((stop - start, k)) < missing] = np.nan
    return Sample(items=adapted.item_ids, values=values, female=female, seed=seed)


def thresholds_below(y: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """For each cell of ``y`` (rows x items), how many of its item's sorted thresholds
    (items x cuts) lie strictly below it: ``(y[:, :, None] > thresholds).sum(axis=2)``,
    found by searchsorted without that rows x items x cuts array (3x faster at 1M rows)."""
    import numpy as np

    below = np.empty_like(y)
    for j in range(y.shape[1]):
        below[:, j] = thresholds[j].searchsorted(y[:, j], side="left")
    return below


def _write_csv(sample: Sample, out: IO[str]) -> None:
    """The sample as CSV, a chunk of rows at a time: header, then codes, groups, answers."""
    import numpy as np
    import polars as pl

    from relscale.io.csv_safety import writer as csv_writer

    csv_writer(out, lineterminator="\n").writerow([ID_COLUMN, GROUP_COLUMN, *sample.items])
    for start in range(0, sample.n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, sample.n)
        block = sample.values[start:stop]
        numbers = pl.int_range(start + 1, stop + 1, eager=True).cast(pl.String)
        columns: dict[str, pl.Series] = {
            "c": ("sim" + numbers.str.zfill(sample.code_width)).alias("c"),
            "g": pl.Series(sample.female[start:stop]).replace_strict(
                {True: "f", False: "m"}, return_dtype=pl.String),
        }
        for j in range(block.shape[1]):
            col = block[:, j]
            missing = np.isnan(col)
            columns[f"i{j}"] = pl.Series(np.where(missing, 0, col).astype(np.int64)).set(
                pl.Series(missing), None)
        out.write(pl.DataFrame(columns).write_csv(include_header=False, line_terminator="\n"))


def sample_csv(sample: Sample) -> str:
    """The sample as CSV text: respondent_code, gender, then one column per item."""
    import io

    out = io.StringIO()
    _write_csv(sample, out)
    return out.getvalue()


def write_sample(sample: Sample, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the sample as CSV, atomically, a chunk of rows at a time."""
    from relscale.io.atomic import atomic_write

    with atomic_write(path, overwrite=overwrite) as tmp, \
            open(tmp, "w", encoding="utf-8", newline="") as fh:
        _write_csv(sample, fh)
    return Path(path)

"""Scale reliability: Cronbach's alpha (raw and standardized), McDonald's omega total,
corrected item-total correlations and alpha if item deleted.

Everything is computed from the items' covariance matrix ``C`` (``ddof = 1``), after
reverse-keyed items are recoded as ``min + max - value``:

- **alpha** = ``k / (k - 1) * (1 - trace(C) / sum(C))`` (Cronbach, 1951).
- **standardized alpha** = ``k * r / (1 + (k - 1) * r)`` with ``r`` the mean inter-item
  correlation.
- **omega total** = ``(sum lambda)^2 / ((sum lambda)^2 + sum psi)`` (McDonald, 1999) from a
  one-factor model fitted by iterated principal axis factoring on the correlation matrix
  (start: squared multiple correlations; iterate until communalities change < 1e-8;
  communalities capped at .995 against Heywood cases), then rescaled to the covariance
  metric (``lambda_i * sd_i``, ``psi_i * var_i``) so omega describes the unit-weighted raw
  score the scorer reports, like alpha.
- **r_drop**: correlation of an item with the sum of the other items of the scale.
- **alpha_if_deleted**: alpha of the scale without the item.

Missing data: ``listwise`` (default) uses the respondents who answered every item of the
scale; ``pairwise`` computes each covariance from the respondents who answered both items
(each item's mean and variance from those who answered it, as pandas' ``cov`` does); ``n``
is then the smallest pairwise count. The confidence intervals of alpha rest on ``n_ci``
respondents: the complete ones (listwise), or every row of the data (pairwise), as
``psych::alpha`` with its default ``use = "pairwise"`` passes ``nrow(x)`` to both
intervals (rows without any answer on the scale included).

For ordinal items (fewer than five answer categories, or on request) ``ordinal`` holds
ordinal alpha and categorical omega: :mod:`relscale.reliability.ordinal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from relscale.errors import DataError, RelscaleError
from relscale.i18n import _
from relscale.reliability.ci import duhachek_ci, feldt_ci
from relscale.reliability.keying import keying_warnings

if TYPE_CHECKING:
    import numpy as np

    from relscale.model.models import AdaptedInstrument
    from relscale.reliability.ordinal import OrdinalScale

Missing = Literal["listwise", "pairwise"]


@dataclass(frozen=True)
class ItemStats:
    item: str
    n: int
    mean: float
    sd: float
    r_drop: float
    alpha_if_deleted: float


@dataclass(frozen=True)
class ScaleReliability:
    """Reliability of one scale; ``to_dict`` gives the JSON shape of ``--format json``."""

    scale: str
    items: tuple[ItemStats, ...]
    n: int
    k: int
    missing: Missing
    alpha: float
    alpha_std: float
    omega: float
    mean: float
    sd: float
    n_total: int = 0
    loadings: tuple[float, ...] = field(default=())
    ci_feldt: tuple[float, float] = (float("nan"), float("nan"))
    """95% confidence interval of alpha, Feldt (1965) F-based (psych's ``alpha.ci``)."""
    ci_duhachek: tuple[float, float] = (float("nan"), float("nan"))
    """95% confidence interval of alpha, Duhachek & Iacobucci (2004) asymptotic."""
    left_out: tuple[str, ...] = ()
    """Items left out of this scale: no answers at all, or no variance."""
    warnings: tuple[str, ...] = ()
    """Problems worth a look, one line each: items left out, items correlating negatively
    with the rest, few complete respondents."""
    n_ci: int = 0
    """The N both confidence intervals rest on (psych's: see the module docstring)."""
    ordinal: OrdinalScale | None = None
    """Ordinal alpha and categorical omega, when asked for (ordinal items)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["items"] = [asdict(i) for i in self.items]
        for name in ("loadings", "ci_feldt", "ci_duhachek", "left_out", "warnings"):
            data[name] = list(getattr(self, name))
        return _json_safe(data)


def _json_safe(value: Any) -> Any:
    import math

    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def recode(data: Any, reverse: Any, scale_min: float, scale_max: float) -> np.ndarray:
    """Reverse-key the columns flagged in ``reverse`` (bool per column): min + max - value."""
    import numpy as np

    x = np.array(data, dtype=float)
    flags = np.asarray(reverse, dtype=bool)
    x[:, flags] = scale_min + scale_max - x[:, flags]
    return x


def covariance(x: np.ndarray, missing: Missing = "listwise") -> tuple[np.ndarray, int]:
    """Item covariance matrix (ddof 1) and the N it rests on (smallest pairwise N)."""
    import numpy as np

    if missing == "listwise":
        complete = x[~np.isnan(x).any(axis=1)]
        if len(complete) < 2:
            return np.full((x.shape[1], x.shape[1]), np.nan), len(complete)
        return np.cov(complete, rowvar=False, ddof=1), len(complete)
    k = x.shape[1]
    c = np.full((k, k), np.nan)
    n_min = len(x)
    present = ~np.isnan(x)
    for i in range(k):
        for j in range(i, k):
            both = present[:, i] & present[:, j]
            m = int(both.sum())
            n_min = min(n_min, m)
            if m < 2:
                continue
            a, b = x[both, i], x[both, j]
            c[i, j] = c[j, i] = float(np.sum((a - a.mean()) * (b - b.mean())) / (m - 1))
    return c, n_min


def alpha_from_cov(c: np.ndarray) -> float:
    """Cronbach's alpha from a covariance matrix."""
    import numpy as np

    k = c.shape[0]
    total = float(np.sum(c))
    if k < 2 or not np.isfinite(total) or total <= 0:
        return float("nan")
    return k / (k - 1) * (1 - float(np.trace(c)) / total)


def standardized_alpha(c: np.ndarray) -> float:
    """Alpha from the mean inter-item correlation (Spearman-Brown form)."""
    import numpy as np

    k = c.shape[0]
    if k < 2:
        return float("nan")
    r = _correlation(c)
    rbar = float(np.mean(r[~np.eye(k, dtype=bool)]))
    return k * rbar / (1 + (k - 1) * rbar)


def _correlation(c: np.ndarray) -> np.ndarray:
    import numpy as np

    sd = np.sqrt(np.diag(c))
    with np.errstate(divide="ignore", invalid="ignore"):
        return c / np.outer(sd, sd)


def one_factor(r: np.ndarray, *, max_iter: int = 1000, tol: float = 1e-8) -> np.ndarray:
    """Loadings of a one-factor model fitted to a correlation matrix by iterated principal
    axis factoring (SMC start, communalities capped at .995)."""
    import numpy as np

    k = r.shape[0]
    try:
        h = 1 - 1 / np.diag(np.linalg.inv(r))
    except np.linalg.LinAlgError:
        h = np.max(np.abs(r - np.eye(k)), axis=1)
    h = np.clip(h, 0.005, 0.995)
    loadings = np.zeros(k)
    for _iteration in range(max_iter):
        reduced = r.copy()
        np.fill_diagonal(reduced, h)
        values, vectors = np.linalg.eigh(reduced)
        lam = max(float(values[-1]), 0.0)
        loadings = vectors[:, -1] * np.sqrt(lam)
        new_h = np.clip(loadings**2, 0.0, 0.995)
        if np.max(np.abs(new_h - h)) < tol:
            h = new_h
            break
        h = new_h
    if loadings.sum() < 0:  # the eigenvector's sign is arbitrary
        loadings = -loadings
    return np.sign(loadings) * np.minimum(np.abs(loadings), np.sqrt(0.995))


def omega_from_cov(c: np.ndarray) -> tuple[float, np.ndarray]:
    """McDonald's omega total of the unit-weighted sum, and the standardized loadings."""
    import numpy as np

    k = c.shape[0]
    if k < 3 or not np.all(np.isfinite(c)) or np.any(np.diag(c) <= 0):
        # A one-factor model needs three items to be identified.
        return float("nan"), np.full(k, np.nan)
    loadings = one_factor(_correlation(c))
    sd = np.sqrt(np.diag(c))
    common = float(np.sum(loadings * sd)) ** 2
    unique = float(np.sum((1 - loadings**2) * sd**2))
    return common / (common + unique), loadings


SMALL_N = 30
"""Fewer complete respondents than this (or fewer than half of those who answered) is
warned about: alpha then rests on little data."""


def _degenerate_items(
    x: np.ndarray, items: list[str], scale: str
) -> tuple[list[int], list[str], list[str]]:
    """Columns to keep, items left out and the warnings saying why (as psych drops items
    without variance): an item nobody answered, an item everyone answered alike."""
    import numpy as np

    keep, left_out, warnings = [], [], []
    for j, item in enumerate(items):
        present = x[~np.isnan(x[:, j]), j]
        if len(present) == 0:
            left_out.append(item)
            warnings.append(_("{scale}: item {item} has no answers; left out of this scale")
                            .format(scale=scale, item=item))
        elif float(np.ptp(present)) == 0:
            left_out.append(item)
            warnings.append(
                _("{scale}: item {item} has no variance (every answer is {value:g}); left out "
                  "of this scale").format(scale=scale, item=item, value=float(present[0])))
        else:
            keep.append(j)
    return keep, left_out, warnings


def scale_reliability(
    data: Any,
    items: list[str],
    *,
    scale: str = "scale",
    reverse: list[bool] | None = None,
    scale_min: float | None = None,
    scale_max: float | None = None,
    missing: Missing = "listwise",
    ordinal: bool = False,
) -> ScaleReliability:
    """Reliability statistics of one scale.

    :param data: respondents x items (NaN for missing), in the order of ``items``.
    :param reverse: per item, whether it is reverse-keyed (needs ``scale_min``/``scale_max``).
    :param missing: ``listwise`` or ``pairwise`` (see the module docstring).
    :param ordinal: also ordinal alpha and categorical omega (``ordinal``; a problem there
        is a warning, never an error).
    """
    import numpy as np

    x = np.array(data, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(items):
        raise RelscaleError(
            _("{scale}: expected a table with {n} item columns").format(scale=scale, n=len(items))
        )
    if len(items) < 2:
        raise RelscaleError(
            _("{scale}: reliability needs at least 2 items, got {k}").format(
                scale=scale, k=len(items))
        )
    keep, left_out, warnings = _degenerate_items(x, items, scale)
    if len(keep) < 2:
        raise DataError(
            _("{scale}: fewer than 2 items left after leaving out {items} (no answers or no "
              "variance)").format(scale=scale, items=", ".join(left_out))
        )
    if left_out:
        x = x[:, keep]
        items = [items[j] for j in keep]
        reverse = None if reverse is None else [reverse[j] for j in keep]
    k = len(items)
    if reverse is not None and any(reverse):
        if scale_min is None or scale_max is None:
            raise RelscaleError(
                _("{scale}: reverse-keyed items need the scale's minimum and maximum").format(
                    scale=scale
                )
            )
        x = recode(x, reverse, scale_min, scale_max)
    n_total = int((~np.isnan(x)).any(axis=1).sum())
    c, n = covariance(x, missing)
    n_ci = n if missing == "listwise" else len(x)  # psych::alpha's nrow(x)
    if n < 3:
        raise RelscaleError(
            _("{scale}: only {n} respondent(s) with complete answers ({missing}); "
              "reliability needs at least 3").format(scale=scale, n=n, missing=_(missing))
        )
    alpha = alpha_from_cov(c)
    omega, loadings = omega_from_cov(c)
    if n < SMALL_N or 2 * n < n_total:
        warnings.append(
            _("{scale}: alpha rests on {n} of {total} respondents ({missing})").format(
                scale=scale, n=n, total=n_total, missing=_(missing)))
    if missing == "listwise":
        complete = x[~np.isnan(x).any(axis=1)]
        score = complete.mean(axis=1)
        mean, sd = float(score.mean()), float(score.std(ddof=1))
        item_n = [len(complete)] * k
        item_mean = complete.mean(axis=0)
    else:
        item_mean = np.nanmean(x, axis=0)
        mean = float(item_mean.mean())
        sd = float(np.sqrt(np.sum(c)) / k)
        item_n = [int(v) for v in (~np.isnan(x)).sum(axis=0)]
    stats = []
    for i, item in enumerate(items):
        rest = [j for j in range(k) if j != i]
        cov_rest = float(np.sum(c[i, rest]))
        var_rest = float(np.sum(c[np.ix_(rest, rest)]))
        denominator = float(np.sqrt(c[i, i] * var_rest))
        r_drop = cov_rest / denominator if denominator > 0 else float("nan")
        stats.append(
            ItemStats(
                item=item,
                n=item_n[i],
                mean=float(item_mean[i]),
                sd=float(np.sqrt(c[i, i])),
                r_drop=float(r_drop),
                alpha_if_deleted=alpha_from_cov(c[np.ix_(rest, rest)]) if k > 2 else float("nan"),
            )
        )
    warnings += keying_warnings(scale, items, reverse, c, [it.r_drop for it in stats])
    ordinal_result: OrdinalScale | None = None
    ordinal_warnings: list[str] = []
    if ordinal:
        from relscale.reliability.ordinal import ordinal_scale

        ordinal_result, ordinal_warnings = ordinal_scale(x, items, scale, missing)
    return ScaleReliability(
        scale=scale,
        items=tuple(stats),
        n=n,
        k=k,
        missing=missing,
        alpha=alpha,
        alpha_std=standardized_alpha(c),
        omega=omega,
        mean=mean,
        sd=sd,
        n_total=n_total,
        loadings=tuple(float(v) for v in loadings),
        ci_feldt=feldt_ci(alpha, n_ci, k),
        ci_duhachek=duhachek_ci(c, n_ci),
        left_out=tuple(left_out),
        warnings=tuple(warnings + ordinal_warnings),
        n_ci=n_ci,
        ordinal=ordinal_result,
    )


# --- from response files ----------------------------------------------------------------


@dataclass(frozen=True)
class ReliabilityReport:
    """The reliability of one or more scales in one data file (``relscale reliability``)."""

    data: Path
    title: str
    """``instrument / sector / perspective``, or the file for an ad hoc scale."""
    scales: tuple[ScaleReliability, ...]
    ordinal_note: str = ""
    """One line: whether ordinal alpha and categorical omega are shown, and why."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``--format json`` and of a ``.json`` output file."""
        return {"data": str(self.data), "title": self.title, "ordinal_note": self.ordinal_note,
                "scales": [r.to_dict() for r in self.scales]}


def check_missing(missing: str) -> Missing:
    """``listwise`` or ``pairwise``; anything else is an error."""
    if missing not in ("listwise", "pairwise"):
        raise RelscaleError(
            _("--missing {missing!r}: choose listwise or pairwise").format(missing=missing)
        )
    return missing  # type: ignore[return-value]


def instrument_reliability(
    path: Path | str, adapted: AdaptedInstrument, missing: str = "listwise",
    sheet: str | None = None,
    ordinal: bool | None = None,
) -> ReliabilityReport:
    """Reliability of every dimension of an adapted instrument, from a response file read
    as ``relscale score`` reads it (reverse-keyed items recoded on the instrument's scale).
    ``ordinal``: ordinal alpha and categorical omega too (None: when the response scale has
    fewer than five points).

    :raises DataError: unreadable responses (naming file, row and column), or none.
    """
    from relscale.io.responses import read_responses
    from relscale.reliability.ordinal import decide

    path = Path(path)
    how = check_missing(missing)
    table = read_responses([path], adapted, sheet=sheet)
    if table.n == 0:
        raise DataError(_("{path}: no respondents").format(path=path))
    shown, note = decide(ordinal, len(adapted.scale.values), known=True)
    results = []
    for d in adapted.dimensions:
        cols = [k for k, item in enumerate(adapted.items) if item.dimension == d.id]
        results.append(
            scale_reliability(
                table.values[:, cols],
                [adapted.items[k].id for k in cols],
                scale=d.id,
                reverse=[adapted.items[k].keying == "-" for k in cols],
                scale_min=adapted.scale.min,
                scale_max=adapted.scale.max,
                missing=how,
                ordinal=shown,
            )
        )
    title = f"{adapted.instrument} / {adapted.sector} / {adapted.perspective}"
    return ReliabilityReport(path, title, tuple(results), note)


def item_reliability(
    path: Path | str,
    items: Sequence[str],
    reverse: Sequence[str] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    missing: str = "listwise",
    sheet: str | None = None,
    ordinal: bool | None = None,
) -> ReliabilityReport:
    """Reliability of an ad hoc scale: the named numeric columns of a CSV or XLSX file
    (read by :func:`relscale.io.tables.read_columns`; ``sheet`` of a workbook), ``reverse``
    ones recoded as ``scale_min + scale_max - value``. ``ordinal`` as for
    :func:`instrument_reliability` (the scale's points from ``scale_min``/``scale_max``, else
    the different answers given).

    :raises RelscaleError: see :func:`relscale.reliability.args.check_item_args`.
    :raises DataError: a missing column, a cell that is not a number or is outside the
        given bounds, or no respondents.
    """
    from relscale.io.tables import read_columns
    from relscale.io.values import check_range
    from relscale.reliability.args import check_item_args

    path = Path(path)
    how = check_missing(missing)
    names = list(items)
    check_item_args(names, reverse, scale_min, scale_max)
    table = read_columns(path, names, sheet)
    if table.n == 0:
        raise DataError(_("{path}: no respondents").format(path=path))
    check_range(table, scale_min, scale_max)
    from relscale.reliability.ordinal import decide, points_of

    shown, note = decide(ordinal, *points_of(table.values, scale_min, scale_max))
    result = scale_reliability(
        table.values, names, scale=_("scale"), reverse=[n in reverse for n in names],
        scale_min=scale_min, scale_max=scale_max, missing=how, ordinal=shown,
    )
    return ReliabilityReport(path, str(path), (result,), note)


"""Loading the stats-ml reference data (tests/reference/lavaan_robust_reference.R) and
putting relscale's results next to lavaan's, quantity by quantity.

Used by tests/test_analysis_robust.py and benchmarks/robust_accuracy.py (which prints the
largest differences per quantity and data set).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from relscale.analysis._model import LOADING, MeasurementModel, measurement_model
from relscale.analysis._solution import standardized_with_se
from relscale.analysis.estimators import FitOptions, RawGroup, fit_level, prepare

DATA = Path(__file__).parent / "data" / "analysis"
DATASETS = ("ml_missing2", "ml_cluster", "ml_small15")
FIT_KEYS = ("chisq", "chisq_scaled", "baseline_chisq", "baseline_chisq_scaled")
INDEX_KEYS = ("cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr",
              "cfi_scaled", "tli_scaled", "rmsea_scaled", "cfi_robust", "tli_robust",
              "rmsea_robust", "rmsea_ci_lower_robust", "rmsea_ci_upper_robust",
              "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled")
LAVAAN_NAMES = {"scaling_factor": "chisq_scaling_factor",
                "baseline_scaling_factor": "baseline_chisq_scaling_factor"}


def reference(name: str) -> Any:
    return json.loads((DATA / f"{name}.lavaan.json").read_text(encoding="utf-8"))


def table(name: str) -> tuple[list[str], dict[str, list[str]], np.ndarray]:
    """(items, identifier columns, respondents x items with NaN for NA)."""
    with (DATA / f"{name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    ids = [h for h in head if h in ("group", "teacher")]
    items = [h for h in head if h not in ids]
    cols = {h: [r[head.index(h)] for r in rows[1:]] for h in ids}
    x = np.array([[np.nan if r[head.index(i)] == "NA" else float(r[head.index(i)])
                   for i in items] for r in rows[1:]])
    return items, cols, x


REFERENCE_OF = {"ml_cluster_gaps": "ml_cluster"}
"""Data sets whose lavaan results are stored with another data set's."""


def model_of(name: str) -> MeasurementModel:
    ref = reference(REFERENCE_OF.get(name, name))
    items = [i for its in ref["factors"].values() for i in its]
    return measurement_model(items, {i: f for f, its in ref["factors"].items() for i in its})


def groups_of(name: str, labels: list[str], *, cluster: bool = False
              ) -> tuple[list[RawGroup], list[np.ndarray] | None]:
    """Raw groups in lavaan's order (``labels``) and, with ``cluster``, teacher ids."""
    items, cols, x = table(name)
    model = model_of(name)
    order = [items.index(i) for i in model.items]
    g = np.array(cols["group"])
    raw = [RawGroup(lab, x[g == lab][:, order]) for lab in labels]
    if not cluster:
        return raw, None
    t = np.array(cols["teacher"])
    return raw, [t[g == lab] for lab in labels]


def lavaan_key(model: MeasurementModel, kind: str, row: int, col: int) -> tuple[str, str, str]:
    items, factors = model.items, model.factors
    if kind == LOADING:
        return factors[col], "=~", items[row]
    if kind == "factor_cov":
        return factors[row], "~~", factors[col]
    if kind == "residual":
        return items[row], "~~", items[row]
    if kind == "intercept":
        return items[row], "~1", ""
    return factors[row], "~1", ""


def params(fit: Any) -> dict[tuple[str, str, str, int], tuple[float, float]]:
    """(lhs, op, rhs, group from 1) -> (estimate, SE) of a relscale level fit."""
    from relscale.analysis._solution import vcov

    est = fit.est
    cov = fit.cov if hasattr(fit, "cov") else vcov(est)
    layout = est.layout
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    out = {}
    for k, p in enumerate(layout.params):
        key = (*lavaan_key(layout.model, p.kind, p.row, p.col), p.group + 1)
        out[key] = (float(est.x_full[k]), float(se[layout.reduced_of_full[k]]))
    return out


def std_loadings(fit: Any) -> dict[tuple[str, str, str, int], tuple[float, float]]:
    """Standardized loadings (std.all) with delta-method SEs of a relscale level fit."""
    from relscale.analysis._solution import vcov

    est = fit.est
    cov = fit.cov if hasattr(fit, "cov") else vcov(est)
    entries, values, se = standardized_with_se(est, cov)
    model = est.layout.model
    return {(model.factors[e.col], "=~", model.items[e.row], e.group + 1): (float(v), float(s))
            for e, v, s in zip(entries, values, se, strict=True) if e.kind == LOADING}


SETUPS: dict[str, dict[str, Any]] = {
    # key in the reference JSON -> how to fit it
    "ml_missing2/fiml_ml": {"estimator": "ml", "missing": "fiml"},
    "ml_missing2/fiml_mlr": {"estimator": "mlr", "missing": "fiml"},
    "ml_missing2/listwise_mlr": {"estimator": "mlr", "missing": "listwise"},
    "ml_cluster/mlr_cluster": {"estimator": "mlr", "missing": "listwise", "cluster": True},
}


def ladder_fits(setup: str) -> Iterator[tuple[str, Any, Any, dict[str, Any]]]:
    """(level, relscale fit, lavaan record, lavaan ladder) for the three levels."""
    name, key = setup.split("/")
    spec = SETUPS[setup]
    ref = reference(name)[key]
    labels = ref["configural"]["groups"]
    raw, clusters = groups_of(name, labels, cluster=spec.get("cluster", False))
    options = FitOptions(estimator=spec["estimator"], missing=spec["missing"],
                         cluster=clusters, identification="marker")
    prepared = prepare(model_of(name), raw, options)
    for level in ("configural", "metric", "scalar"):
        yield level, fit_level(prepared.model, prepared, level), ref[level], ref

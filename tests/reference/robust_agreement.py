"""Print how far relscale's FIML / MLR / cluster-robust results are from lavaan 0.6-14's:
the largest deviation per quantity and data set, over every model in
``tests/data/analysis/ml_*.lavaan.json`` (made by ``lavaan_robust_reference.R``).

    .venv/bin/python tests/reference/robust_agreement.py

Relative deviations for chi-squares, scaling factors, score tests and standard errors;
absolute ones for fit indices, estimates, standardized loadings and latent means. The
table in docs/equivalence.md ("ML with missing answers, MLR and clustered data") is its
output.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from robust_reference import (
    FIT_KEYS,
    INDEX_KEYS,
    LAVAAN_NAMES,
    REFERENCE_OF,
    SETUPS,
    groups_of,
    ladder_fits,
    model_of,
    params,
    reference,
    std_loadings,
    table,
)

from relscale.analysis.estimators import FitOptions, difference_test, fit_cfa, fit_level

Worst = dict[str, float]


def _fit(worst: Worst, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    for key in (*FIT_KEYS, "scaling_factor", "baseline_scaling_factor"):
        lav = theirs.get(LAVAAN_NAMES.get(key, key))
        if lav is not None:
            name = "scaling factors" if "scaling" in key else (
                "scaled χ²" if "scaled" in key else "χ²")
            _up(worst, name, abs(ours[key] - lav) / abs(lav))
    for key in INDEX_KEYS:
        if theirs.get(key) is not None:
            name = ("robust " if "robust" in key else "scaled " if "scaled" in key else "") + (
                "CFI/TLI" if key.startswith(("cfi", "tli")) else
                "SRMR" if key == "srmr" else "RMSEA (with CI)")
            _up(worst, name, abs(ours[key] - theirs[key]))


def _up(worst: Worst, name: str, value: float) -> None:
    worst[name] = max(worst.get(name, 0.0), float(value))


def _params(worst: Worst, fit: Any, record: dict[str, Any]) -> None:
    ours, std = params(fit), std_loadings(fit)
    for p in record["params"]:
        key = (p["lhs"], p["op"], p["rhs"], p["group"])
        if p["se"] == 0:
            continue
        est, se = ours[key]
        latent = p["lhs"] in ("closeness", "conflict") and p["op"] == "~1"
        _up(worst, "latent means" if latent else "estimates", abs(est - p["est"]))
        _up(worst, "SEs", abs(se - p["se"]) / p["se"])
        if p["op"] == "=~":
            _up(worst, "standardized loadings", abs(std[key][0] - p["est_std"]))
            _up(worst, "SEs of standardized loadings", abs(std[key][1] - p["se_std"]) / p["se_std"])


def main() -> None:
    worst: dict[str, Worst] = defaultdict(dict)
    for setup in SETUPS:
        name, key_ = setup.split("/")
        ref = reference(name)[key_]
        fits: dict[str, Any] = {}
        for level, fit, record, _ in ladder_fits(setup):
            fits[level] = fit
            _fit(worst[name], fit.fit.to_dict(), record["fit"])
            _params(worst[name], fit, record)
            if "score_tests" in record:
                theirs = {(t["item"], t["parameter"]): t["X2"] for t in record["score_tests"]}
                for t in fit.score_tests(record["groups"]):
                    lav = theirs[(t.item, t.parameter)]
                    _up(worst[name], "score tests", abs(t.x2 - lav) / max(lav, 1e-3))
        for restricted, free, key in (("metric", "configural", "metric_vs_configural"),
                                      ("scalar", "metric", "scalar_vs_metric")):
            test = difference_test(fits[restricted], fits[free])
            lav = ref[key]["chisq_diff"]
            _up(worst[name], "Δχ² (lavTestLRT)", abs(test.chisq - lav) / lav)
    ref = reference("ml_missing2")["fiml_mlr_partial_scalar"]
    raw, _ = groups_of("ml_missing2", ref["groups"])
    fit = fit_level(model_of("ml_missing2"), raw, "scalar", [("m04", "intercept", -1)],
                    options=FitOptions(estimator="mlr", missing="fiml",
                                       identification="marker"))
    _fit(worst["ml_missing2"], fit.fit.to_dict(), ref["fit"])
    _params(worst["ml_missing2"], fit, ref)
    for name, key, estimator, missing, cluster in (
            ("ml_missing2", "cfa_fiml_A", "ml", "fiml", False),
            ("ml_missing2", "cfa_fiml_mlr_A", "mlr", "fiml", False),
            ("ml_missing2", "cfa_listwise_mlr_A", "mlr", "listwise", False),
            ("ml_cluster", "cfa_mlr", "mlr", "listwise", False),
            ("ml_cluster", "cfa_mlr_cluster", "mlr", "listwise", True),
            ("ml_cluster_gaps", "cfa_mlr_cluster_fiml", "mlr", "fiml", True),
            ("ml_small15", "cfa_small", "ml", "listwise", False)):
        record = reference(REFERENCE_OF.get(name, name))[key]
        items, cols, x = table(name)
        label = {"ml_missing2": "A", "ml_small15": "small"}.get(name)
        rows = np.array(cols["group"]) == label if label else np.ones(len(x), dtype=bool)
        model = model_of(name)
        order = [items.index(i) for i in model.items]
        options = FitOptions(estimator=estimator, missing=missing,  # type: ignore[arg-type]
                             cluster=[np.array(cols["teacher"])[rows]] if cluster else None)
        factors = {i: model.factors[f] for i, f in zip(model.items, model.factor_of,
                                                       strict=True)}
        result = fit_cfa(x[rows][:, order], list(model.items), factors, options)
        name = REFERENCE_OF.get(name, name)
        _fit(worst[name], result.fit.to_dict(), record["fit"])
        lav = {(p["lhs"], p["rhs"]): p for p in record["params"] if p["op"] == "=~"}
        for ld in result.loadings:
            p = lav[(ld.factor, ld.item)]
            _up(worst[name], "estimates", abs(ld.estimate - p["est"]))
            _up(worst[name], "standardized loadings", abs(ld.std - p["est_std"]))
            if p["se"] > 0 and ld.se is not None:
                _up(worst[name], "SEs", abs(ld.se - p["se"]) / p["se"])
    record = reference("ml_cluster")["metric_mlr_cluster_fiml"]
    raw, ids = groups_of("ml_cluster_gaps", record["groups"], cluster=True)
    fit = fit_level(model_of("ml_cluster_gaps"), raw, "metric",
                    options=FitOptions(estimator="mlr", missing="fiml", cluster=ids,
                                       identification="marker"))
    _fit(worst["ml_cluster"], fit.fit.to_dict(), record["fit"])
    _params(worst["ml_cluster"], fit, record)
    items, cols, x = table("ml_small_hard")
    samples = np.array(cols["group"])
    for record in reference("ml_small_hard")["fits"]:
        result = fit_cfa(x[samples == record["sample"]], items, dict.fromkeys(items, "closeness"))
        _fit(worst["ml_small_hard"], result.fit.to_dict(), record["fit"])
        lav = {p["rhs"]: p for p in record["params"] if p["op"] == "=~"}
        for ld in result.loadings:
            _up(worst["ml_small_hard"], "estimates", abs(ld.estimate - lav[ld.item]["est"]))
            _up(worst["ml_small_hard"], "standardized loadings",
                abs(ld.std - lav[ld.item]["est_std"]))
    names = ["ml_missing2", "ml_cluster", "ml_small15", "ml_small_hard"]
    quantities = sorted({q for w in worst.values() for q in w})
    print("| Quantity | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for q in quantities:
        cells = [f"{worst[n][q]:.1e}" if q in worst[n] else "" for n in names]
        print(f"| {q} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

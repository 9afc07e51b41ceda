"""The estimators end to end through the commands (issue 20): ``auto`` picks wlsmv for
four-point client scales and says so; the ordinal ladder (with its thresholds level), the
scaled and robust fit, ordinal alpha and categorical omega reach the JSON and the tables,
and equal what the library gives on the same matrices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from equivalence_data import write_sectors

from helpers import runner
from relscale.adapt import adapt
from relscale.analysis import ordinal_reliability, test_invariance
from relscale.analysis.estimators import FitOptions
from relscale.cli.main import app

RQC = "relationship_quality_client"


def run(*args: str) -> Any:
    return runner().invoke(app, list(args))


@pytest.fixture(scope="module")
def rqc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("rqc") / "rqc.csv"
    return path, write_sectors(path, ["education", "foster_homes"], 500, instrument=RQC)


def test_auto_picks_wlsmv_for_four_point_items(rqc: tuple[Path, dict[str, Any]]) -> None:
    path, samples = rqc
    result = run("invariance", str(path), "-i", RQC, "-g", "sector", "--format", "json",
                 "--criterion", "lrt")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["estimator"] == "wlsmv" and out["missing"] == "pairwise"
    assert "4 points, fewer than 5" in out["estimator_note"]
    assert result.stderr.count("estimator wlsmv") == 1  # said in one line
    assert out["configural"]["estimator"] == "wlsmv"
    assert out["thresholds"]["df"] > out["configural"]["df"]  # four categories: testable
    assert out["thresholds_vs_configural"]["method"] == "satorra.2000"
    assert [o["level"] for o in out["outcomes"]][:2] == ["configural", "thresholds"]
    for key in ("chisq_scaled", "cfi_robust", "rmsea_robust"):
        assert out["scalar"][key] is not None
    # the same analysis from the library, on the same recoded matrices
    data = {}
    for sector in ("education", "foster_homes"):
        adapted = adapt(RQC, sector, None, "en")
        x = samples[sector].values
        rev = [j for j, it in enumerate(adapted.items) if it.keying == "-"]
        x = x.copy()
        x[:, rev] = adapted.scale.min + adapted.scale.max - x[:, rev]
        data[sector] = x[:, [list(adapted.item_ids).index(it) for it in out["items"]]]
    factors = {it.id: it.dimension for it in adapt(RQC, "education", None, "en").items
               if it.id in out["items"]}
    direct = test_invariance(data, out["items"], factors, criterion="lrt",
                             options=FitOptions(estimator="wlsmv", missing="pairwise",
                                                identification="std.lv"))
    assert out["scalar"]["chisq_scaled"] == pytest.approx(direct.scalar.fit.chisq_scaled,
                                                          rel=1e-10)
    assert out["level"] == direct.level
    # ordinal alpha and categorical omega per group and scale, as the library gives them
    rel = {(r["group"], r["scale"]): r for r in out["reliability"]}
    adapted = adapt(RQC, "foster_homes", None, "en")
    x = samples["foster_homes"].values.copy()
    rev = [j for j, it in enumerate(adapted.items) if it.keying == "-"]
    x[:, rev] = adapted.scale.min + adapted.scale.max - x[:, rev]
    lib = ordinal_reliability(x, list(adapted.item_ids),
                              {it.id: it.dimension for it in adapted.items})
    for omega in lib.omega:
        mine = rel[("foster_homes", omega.factor)]
        assert mine["categorical_omega"] == pytest.approx(omega.omega, rel=1e-10)
        assert mine["ordinal_alpha"] == pytest.approx(lib.alpha[omega.factor], rel=1e-10)
        assert mine["omega_ci"] == pytest.approx([omega.ci_lower, omega.ci_upper], rel=1e-10)
        assert mine["ordinal_alpha"] > mine["alpha"]  # alpha on polychorics is higher
    table = run("invariance", str(path), "-i", RQC, "-g", "sector")
    assert table.exit_code == 0, table.stderr
    for text in ("thresholds", "ordinal alpha", "categorical omega", "χ² scaled", "wlsmv"):
        assert text in table.stdout
    assert "nan" not in table.stdout.lower()


def test_rmsea_interval_is_that_of_the_rmsea_shown(rqc: tuple[Path, dict[str, Any]],
                                                   tmp_path: Path) -> None:
    """Never the plain interval beside a robust RMSEA: the robust one, or "—"."""
    from relscale.analysis import FitMeasures
    from relscale.workbooks.evidence_tables import NONE, _rmsea_ci

    path, _ = rqc
    out = json.loads(run("cfa", str(path), "-i", RQC, "--format", "json").stdout)
    fm = FitMeasures(**out["fit"])
    assert fm.rmsea_robust is not None
    if fm.rmsea_ci_lower_robust is None:
        assert _rmsea_ci(fm) == NONE
    edu = tmp_path / "edu.csv"
    write_sectors(edu, ["education"], 400)
    result = run("cfa", str(edu), "-i", "relationship_quality", "--format", "json",
                 "--estimator", "mlr")
    assert result.exit_code == 0, result.stderr
    fm = FitMeasures(**json.loads(result.stdout)["fit"])
    assert fm.rmsea_ci_lower_robust is not None and fm.rmsea_ci_upper_robust is not None
    assert _rmsea_ci(fm) == f"[{fm.rmsea_ci_lower_robust:.3f}, {fm.rmsea_ci_upper_robust:.3f}]"
    assert fm.rmsea_ci_lower_robust <= fm.index("rmsea") <= fm.rmsea_ci_upper_robust

"""`norms build` and the shipped illustrative tables: definitions checked against an
independent computation, grouping, the minimum N, output safety, LibreOffice LOOKUP."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import subprocess
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from typer.testing import CliRunner

from relscale import adapt, get_registry
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.scoring.engine import score_responses
from relscale.scoring.norms import apply_norms, band_for, read_norm_table
from relscale.scoring.norms_build import build_norm_tables
from relscale.scoring.simulate import simulate, write_sample

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def adapted():  # type: ignore[no-untyped-def]
    return adapt("relationship_quality", "disability_care", "professional")


@pytest.fixture(scope="module")
def sample(adapted):  # type: ignore[no-untyped-def]
    return simulate(adapted, 600, 9)


def test_percentiles_and_t_match_the_definitions(adapted, sample) -> None:  # type: ignore[no-untyped-def]
    (group,) = build_norm_tables(adapted, sample.values, status="local", source="t", year=2026)
    raw = score_responses(adapted, sample.values).raw
    for dim, x in raw.items():
        present = x[~np.isnan(x)]
        out = apply_norms(group.table, dim, x)
        for i in range(0, len(x), 7):
            if np.isnan(x[i]):
                assert np.isnan(out["percentile"][i]) and out["band"][i] is None
                continue
            # independent: the share at or below, and the mid-rank normal score
            at_or_below = 100 * np.mean(present <= x[i] + 1e-12)
            below, equal = np.sum(present < x[i] - 1e-12), np.sum(np.abs(present - x[i]) < 1e-12)
            t = 50 + 10 * NormalDist().inv_cdf((below + equal / 2) / len(present))
            # stored cut (not rounded) to two decimals, so the band is the exact share's
            assert at_or_below - 0.01 < out["percentile"][i] <= at_or_below + 1e-9
            assert out["band"][i] == band_for(group.table.bands, at_or_below)
            assert out["t"][i] == pytest.approx(t, abs=0.006)
        norm = group.table.dimension(dim)
        assert norm.n == len(present)
        assert norm.mean == pytest.approx(present.mean(), abs=1e-6)
        assert norm.sd == pytest.approx(present.std(ddof=1), abs=1e-6)
        assert norm.percentiles[0].raw == 1.0  # starts at the scale minimum


def test_minimum_n_refuses_small_groups(adapted, sample) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RelscaleError, match=r"below the minimum N of 400: gender=f \(N=\d+"):
        build_norm_tables(adapted, sample.values, ids={"gender": sample.groups},
                          group_by=["gender"], min_n=400, source="t", year=2026)


def write_data(tmp_path: Path, adapted, n: int = 600, seed: int = 9) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path / "ref.csv"
    write_sample(simulate(adapted, n, seed), data)
    return data


def test_cli_build_one_file(tmp_path: Path, adapted) -> None:  # type: ignore[no-untyped-def]
    data = write_data(tmp_path, adapted)
    out = tmp_path / "n.toml"
    args = ["norms", "build", str(data), "-i", "relationship_quality", "-s", "disability_care",
            "-o", str(out), "--year", "2025", "--source", "our pilot"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Local norms (N=600, 2025)" in result.stdout
    table = read_norm_table(out)
    assert (table.population.source, table.population.status) == ("our pilot", "local")
    before = out.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already exists (use --force" in again.stderr
    assert out.read_bytes() == before
    shown = runner.invoke(app, ["norms", "show", str(out), "-d", "conflict"])
    assert shown.exit_code == 0 and "conflict: N=" in shown.stdout


def test_cli_group_by_writes_a_folder(tmp_path: Path, adapted) -> None:  # type: ignore[no-untyped-def]
    data = write_data(tmp_path, adapted)
    out = tmp_path / "norms"
    result = runner.invoke(app, ["norms", "build", str(data), "-i", "relationship_quality",
                                 "-s", "disability_care", "--group-by", "gender",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["all.toml", "gender-f.toml", "gender-m.toml"]
    girls = read_norm_table(out / "gender-f.toml")
    boys = read_norm_table(out / "gender-m.toml")
    assert girls.group == {"gender": "f"}
    assert girls.population.n + boys.population.n == read_norm_table(out / "all.toml").population.n
    for line in ("gender=f", "gender=m", "all"):
        assert line in result.stdout


def test_cli_refusals_write_nothing(tmp_path: Path, adapted) -> None:  # type: ignore[no-untyped-def]
    data = write_data(tmp_path, adapted, n=150)
    out = tmp_path / "n.toml"
    base = ["norms", "build", str(data), "-i", "relationship_quality", "-s", "disability_care"]
    small = runner.invoke(app, [*base, "-o", str(out)])
    assert small.exit_code == 1
    assert "below the minimum N of 200: all (N=" in small.stderr
    no_col = runner.invoke(app, [*base, "--group-by", "age", "--min-n", "10", "-o", str(out)])
    assert no_col.exit_code == 1 and "no column 'age' to group by" in no_col.stderr
    assert not out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text(data.read_text("utf-8").replace("\nsim0002,", "\nsim0002,").replace(
        ",5,", ",7,", 1), encoding="utf-8")
    wrong = runner.invoke(app, ["norms", "build", str(bad), "-i", "relationship_quality",
                                "-s", "disability_care", "--min-n", "10", "-o", str(out)])
    assert wrong.exit_code == 1
    assert "bad.csv, row" in wrong.stderr and "'7' is not an answer" in wrong.stderr
    assert "Traceback" not in wrong.output and not out.exists()


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_illustrative_norms", ROOT / "scripts" / "build_illustrative_norms.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_illustrative_tables_equal_a_fresh_rebuild() -> None:
    tables = _script().build_all()
    stale = [str(p.relative_to(ROOT)) for p, text in tables.items()
             if not p.exists() or p.read_text("utf-8") != text]
    assert not stale, "run scripts/build_illustrative_norms.py: " + ", ".join(stale)
    shipped = set(ROOT.glob("plugins/*/relscale_*/norms/*.toml"))
    assert shipped == set(tables), "shipped tables without an offering, or the reverse"


def test_every_offering_has_illustrative_norms() -> None:
    reg = get_registry()
    for sector, inst, perspective in reg.offerings():
        tables = reg.norms_for(inst.id, sector.id, perspective)
        assert tables, f"{sector.id}/{inst.id}/{perspective} has no norms"
        for t in tables:
            assert t.population.status == "illustrative"
            assert "synthetic sample from relscale.simulate, seed" in t.population.source
            assert {d.dimension for d in t.dimensions} == {
                d.id for d in adapt(inst.id, sector.id, perspective).dimensions
            }


@pytest.mark.libreoffice
def test_excel_lookup_reproduces_the_step_function(tmp_path: Path, adapted, sample) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice computes each scale mean with AVERAGE and looks the percentile up with
    LOOKUP over the table's steps: the same answers as apply_norms."""
    from openpyxl import Workbook

    # Norms from the first 250 respondents, look-ups for the others: many of their scores
    # fall between two steps of the table.
    (group,) = build_norm_tables(adapted, sample.values[:250], status="local", source="t",
                                 year=2026, min_n=100)
    # conflict: 8 to 9 items, 0 or 1 missing, so means like 22/7 or 25/9 that binary
    # floating point cannot hold exactly, computed by two different programs
    norm = group.table.dimension("conflict")
    cols = [k for k, item in enumerate(adapted.items) if item.dimension == "conflict"]
    scores = score_responses(adapted, sample.values)
    keyed = scores.keyed[:, cols]
    rows = keyed[250:][~np.isnan(scores.raw["conflict"][250:])][:200]
    assert np.isnan(rows).any() and len({len(cols) - np.isnan(r).sum() for r in rows}) == 2
    wb = Workbook()
    ws = wb.active
    for r, p in enumerate(norm.percentiles, start=1):
        ws.cell(r, 1, p.raw)
        ws.cell(r, 2, p.percentile)
    last = len(norm.percentiles)
    k = len(cols)
    for r, values in enumerate(rows.tolist(), start=1):
        for c, v in enumerate(values, start=4):
            ws.cell(r, c, None if v != v else v)
        first, end = ws.cell(r, 4).coordinate, ws.cell(r, 3 + k).coordinate
        ws.cell(r, 4 + k, f"=LOOKUP(AVERAGE({first}:{end}),$A$1:$A${last},$B$1:$B${last})")
    path = tmp_path / "lookup.xlsx"
    wb.save(path)
    subprocess.run(
        [shutil.which("soffice") or "soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )
    computed = [float(line[3 + k]) for line in csv.reader((tmp_path / "lookup.csv").open())
                if len(line) > 3 + k and line[3 + k]]
    expected = apply_norms(group.table, "conflict", np.nanmean(rows, axis=1))["percentile"]
    assert len(computed) == len(rows)
    assert computed == pytest.approx(list(expected), abs=1e-9)
    steps = np.array([p.raw for p in norm.percentiles])
    between = [m for m in np.nanmean(rows, axis=1) if np.min(np.abs(steps - m)) > 1e-5]
    assert between, "some scores should fall between two steps"


def test_group_values_with_one_file_name_get_distinct_files(tmp_path: Path, adapted) -> None:  # type: ignore[no-untyped-def]
    data = write_data(tmp_path, adapted)
    rows = list(csv.reader(data.open(encoding="utf-8")))
    regions = ["a/b", "a b", "é", "è", "A/B"]
    rows[0].append("region")
    for i, row in enumerate(rows[1:]):
        row.append(regions[i % len(regions)])
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "norms"
    args = ["norms", "build", str(data), "-i", "relationship_quality", "-s", "disability_care",
            "--group-by", "region", "--min-n", "10", "-o", str(out)]
    for attempt in range(2):  # the second run, with --force, overwrites the same six files
        result = runner.invoke(app, args + (["--force"] if attempt else []))
        assert result.exit_code == 0, result.output
        files = sorted(out.iterdir())
        assert len(files) == 6
        assert len({p.name.casefold() for p in files}) == 6
        groups = sorted(read_norm_table(p).group.get("region", "") for p in files)
        assert groups == sorted(["", *regions])


def test_band_comes_from_the_exact_share_not_the_rounded_percentile() -> None:
    from relscale.scoring.norms import banding_bands
    from relscale.scoring.norms_build import build_dimension_norm, truncated_percentile

    # 200 of 2001 at or below raw 1: 9.995%, which rounds to 10.00 ("low")
    raw = np.array([1.0] * 200 + [2.0] * 1000 + [3.0] * 801)
    norm = build_dimension_norm("closeness", raw, scale_min=1)
    assert norm.percentiles[0].percentile == 9.99 == truncated_percentile(200, 2001)
    bands = banding_bands("deciles_nl")
    assert band_for(bands, 100 * 200 / 2001) == "very low"
    assert band_for(bands, norm.percentiles[0].percentile) == "very low"
    # exact boundaries stay on the boundary: 25% of 2000 is 25.00, not 24.99
    assert truncated_percentile(500, 2000) == 25.0
    assert truncated_percentile(2001, 2001) == 100.0

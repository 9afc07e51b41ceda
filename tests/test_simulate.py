"""The seeded simulation: deterministic, on the scale, keyed, with the documented missingness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from relscale import adapt
from relscale.cli.main import app
from relscale.errors import RelscaleError
from relscale.scoring.simulate import correlation_matrix, sample_csv, simulate

runner = CliRunner()


@pytest.fixture(scope="module")
def adapted():  # type: ignore[no-untyped-def]
    return adapt("relationship_quality", "foster_homes", "professional")


def test_same_seed_same_sample(adapted) -> None:  # type: ignore[no-untyped-def]
    a, b = simulate(adapted, 200, 5), simulate(adapted, 200, 5)
    assert sample_csv(a) == sample_csv(b)
    assert sample_csv(simulate(adapted, 200, 6)) != sample_csv(a)


def test_chunks_do_not_change_the_sample(adapted, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Drawing and writing a chunk of rows at a time gives the sample of one whole draw."""
    import relscale.scoring.simulate as sim

    whole = simulate(adapted, 250, 11, missing=0.1)
    whole_csv = sample_csv(whole)
    monkeypatch.setattr(sim, "CHUNK_ROWS", 7)
    chunked = simulate(adapted, 250, 11, missing=0.1)
    np.testing.assert_array_equal(chunked.values, whole.values)
    assert sample_csv(chunked) == whole_csv
    # the CSV itself, row by row, from the values (one independent formatting)
    lines = whole_csv.splitlines()
    assert len(lines) == 251
    first = whole.values[0]
    assert lines[1].split(",")[2:] == ["" if v != v else str(int(v)) for v in first]


def test_values_on_the_scale_with_missingness(adapted) -> None:  # type: ignore[no-untyped-def]
    s = simulate(adapted, 2000, 1, missing=0.05)
    present = s.values[~np.isnan(s.values)]
    assert set(np.unique(present)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert np.isnan(s.values).mean() == pytest.approx(0.05, abs=0.01)
    assert s.items == adapted.item_ids
    assert set(s.groups) == {"f", "m"}


def test_reverse_keyed_items_run_against_their_scale(adapted) -> None:  # type: ignore[no-untyped-def]
    s = simulate(adapted, 3000, 2, missing=0)
    items = adapted.items_for("closeness")
    plus = [adapted.item_ids.index(i.id) for i in items if i.keying == "+"]
    minus = [adapted.item_ids.index(i.id) for i in items if i.keying == "-"]
    assert minus, "closeness has reverse-keyed items"
    r = np.corrcoef(s.values[:, plus[0]], s.values[:, minus[0]])[0, 1]
    assert r < -0.2


def test_latent_correlations_show_in_scale_scores(adapted) -> None:  # type: ignore[no-untyped-def]
    from relscale.scoring.engine import score_responses

    scores = score_responses(adapted, simulate(adapted, 3000, 3, missing=0).values)
    r = np.corrcoef(scores.raw["closeness"], scores.raw["conflict"])[0, 1]
    assert -0.6 < r < -0.2  # latent -0.45, attenuated by measurement error


def test_correlation_matrix_is_symmetric_with_unknown_pairs_zero() -> None:
    r = correlation_matrix(["closeness", "conflict", "other"])
    assert r[0, 1] == r[1, 0] == -0.45 and r[0, 2] == 0


def test_bad_arguments(adapted) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RelscaleError, match="--n"):
        simulate(adapted, 0, 1)
    with pytest.raises(RelscaleError, match="--missing"):
        simulate(adapted, 10, 1, missing=1.5)


def test_cli_writes_csv_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    args = ["simulate", "-i", "working_alliance", "-s", "youth_care", "-p", "client",
            "--n", "50", "--seed", "3", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("respondent_code,gender,wac01")
    assert len(lines) == 51
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert out.read_text("utf-8").splitlines() == lines


# sha256 of the CSV `relscale simulate` wrote for these before answers were counted with
# searchsorted and the codes made by polars (main at cb6d551 and earlier): a seed must
# give the same sample from one version to the next ("same seed, same sample").
STABLE = {
    ("relationship_quality_client", "education", 60_001, 5, 0.3):
        "ea48b3b57640ed7f7592d8689b29e68ce3b9e77657f8282c1aac74b2b34a04bd",
    ("relationship_quality", "education", 1, 7, 0.02):
        "9dad7b61b11f1b544a74f3fd11453b5afeecf664a5c59442ac2c7a738165e2ba",
}


@pytest.mark.parametrize("case", sorted(STABLE))
def test_a_seed_gives_the_same_sample_as_before(case: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    import hashlib

    instrument, sector, n, seed, missing = case
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["simulate", "-i", instrument, "-s", sector, "--n", str(n),
                                 "--seed", str(seed), "--missing", str(missing),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == STABLE[case]


def test_codes_and_groups(adapted) -> None:  # type: ignore[no-untyped-def]
    sample = simulate(adapted, 12_345, 3)
    assert sample.codes[0] == "sim00001" and sample.codes[-1] == "sim12345"
    assert len(sample.groups) == sample.n
    assert sample.groups == ["f" if f else "m" for f in sample.female]
    rows = sample_csv(sample).splitlines()[1:]
    pairs = zip(sample.codes, sample.groups, strict=True)
    assert [r.split(",")[:2] for r in rows] == [list(p) for p in pairs]


def test_thresholds_below_counts_as_the_comparison_does() -> None:
    from relscale.scoring.simulate import thresholds_below

    rng = np.random.default_rng(2)
    thresholds = np.sort(rng.normal(size=(6, 4)), axis=1)
    y = rng.normal(size=(500, 6)) * 2
    y[:6, :] = thresholds[:, 1]  # ties: a y equal to a threshold is not above it
    y[6, :] = np.inf
    y[7, :] = -np.inf
    expected = (y[:, :, None] > thresholds[None, :, :]).sum(axis=2)
    np.testing.assert_array_equal(thresholds_below(y, thresholds), expected)

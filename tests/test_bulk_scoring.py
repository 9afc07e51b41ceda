"""Bulk scoring (polars expressions, ``relscale.scoring.bulk``) against the numpy engine.

``score_files`` scores a plain CSV file in bulk; the same file read by the csv module
(``BULK_MIN_BYTES`` raised) goes through the reader, ``score_responses``, ``add_norms``,
``build_scored_table`` and ``write_csv`` as before. Both must give the same bytes and the
same counts, warnings and flags, on varied data: missing answers and the minimum-answered
rule, 'does not apply', odd spellings, blank rows, identifiers that need the CSV-injection
guard, duplicates, steps of the norm table hit exactly, raw scores below the first step,
linear T, a dimension without norms, no norm table, the prorated sum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relscale.adapt import adapt
from relscale.errors import DataError
from relscale.io import bulk_csv
from relscale.model.norms import DimensionNorm, NormTable, PercentilePoint
from relscale.scoring.bulk import PY_WHITESPACE
from relscale.scoring.results import write_csv
from relscale.scoring.run import BulkScoreRun, ScoreRun, score_files

INSTRUMENT = "relationship_quality"


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def score_both(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[BulkScoreRun, ScoreRun]:
    """Score ``path`` in bulk and the old way; assert the same output and figures."""
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    run = score_files([path], **kw)
    assert isinstance(run, BulkScoreRun)
    assert run.bulk.frame is not None  # duplicates are worded without the engine's table
    fast = tmp_path / "fast.csv"
    run.write_csv(fast)
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 1 << 60)
    old = score_files([path], **kw)
    assert not isinstance(old, BulkScoreRun)
    classic = tmp_path / "classic.csv"
    write_csv(old.scored, classic)
    assert fast.read_bytes() == classic.read_bytes()
    assert run.counts == old.counts
    assert run.warnings == old.warnings
    assert run.blank_rows == old.blank_rows
    assert run.straightlining == old.straightlining
    assert run.norm_statuses == old.norm_statuses
    # What in-process callers and the other writers get is the numpy engine's, the same.
    engine = tmp_path / "engine.csv"
    write_csv(run.scored, engine)
    assert engine.read_bytes() == classic.read_bytes()
    np.testing.assert_array_equal(run.responses.values, old.responses.values)
    np.testing.assert_array_equal(run.responses.rows, old.responses.rows)
    assert run.responses.ids == old.responses.ids
    assert run.scored.columns == old.scored.columns
    return run, old


def random_table(
    rng: np.random.Generator, items: list[str], n: int, spellings: list[str], ids: list[str]
) -> tuple[list[str], list[list[str]]]:
    header = ["respondent_code", *items, "note"]
    rows = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.03:
            rows.append([""] * len(header))  # a blank row: skipped, counted
            continue
        share = 0.05 if kind < 0.6 else 0.4 if kind < 0.9 else 0.95
        cells = [
            "" if rng.random() < share else spellings[int(rng.integers(len(spellings)))]
            for _ in items
        ]
        rows.append([ids[int(rng.integers(len(ids)))], *cells, f"n{i}"])
    return header, rows


ODD_IDS = ["r1", "r2", "=cmd()", "-5", "+3.5", "@home", "-x", " r1", "r1 ", "\tr3", "",
           "r\u00e9", "\u3000r2", "1e3"]


@pytest.mark.parametrize("sector", ["education", "foster_homes"])
def test_random_tables_score_the_same(
    sector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, sector)
    # (a 'does not apply' code sends the file to the usual reader: see the test below)
    spellings = ["1", "2", "3", "4", "5", " 3", "4.0", "2.00", "NA", ".", "n/a".upper()]
    rng = np.random.default_rng(7)
    header, rows = random_table(rng, list(adapted.item_ids), 400, spellings, ODD_IDS)
    path = write_table(tmp_path / "in.csv", header, rows)
    run, _old = score_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector=sector,
                           straightlining=3)
    counts = run.counts
    assert counts["scored"] and counts["incomplete"] and counts["rejected"]
    assert run.warnings  # r1 / " r1" / "r1 " are one respondent
    assert run.blank_rows


def test_does_not_apply_is_read_apart_from_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with the 'does not apply' code is read by the usual reader, which keeps the
    code apart from a missing answer: the item column keeps 9, and per scale the counts of
    missing and of 'does not apply' answers stand beside each other. Worked by hand."""
    import csv

    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    adapted = adapt(INSTRUMENT, "foster_homes")
    na = adapted.scale.not_applicable
    assert na is not None and na.value == 9
    items = list(adapted.item_ids)
    closeness = [i.id for i in adapted.items if i.dimension == "closeness"]
    first = ["3"] * len(items)
    first[items.index(closeness[0])] = "9"  # does not apply
    first[items.index(closeness[1])] = ""  # skipped
    second = ["2"] * len(items)
    path = write_table(tmp_path / "in.csv", ["respondent_code", *items],
                       [["a", *first], ["b", *second]])
    run = score_files([path], instrument=INSTRUMENT, sector="foster_homes")
    assert not isinstance(run, BulkScoreRun)
    out = tmp_path / "out.csv"
    run.write_csv(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0][closeness[0]] == "9" and rows[0][closeness[1]] == ""
    assert (rows[0]["closeness_n_missing"], rows[0]["closeness_n_na"]) == ("1", "1")
    assert (rows[0]["conflict_n_missing"], rows[0]["conflict_n_na"]) == ("0", "0")
    assert (rows[1]["closeness_n_missing"], rows[1]["closeness_n_na"]) == ("0", "0")
    assert rows[0]["conflict"] == "3.0" and rows[1]["conflict"] == "2.0"
    # the 9 is not an answer to score: 1 + 1 of the closeness items are missing for it
    assert rows[0]["closeness"] in ("", "3.0")
    header = list(rows[0])
    assert header.index("closeness_n_missing") == header.index("dependency") + 1
    # the same file without the code is read in bulk, with the same columns
    second_only = write_table(tmp_path / "b.csv", ["respondent_code", *items], [["b", *second]])
    bulk = score_files([second_only], instrument=INSTRUMENT, sector="foster_homes")
    assert isinstance(bulk, BulkScoreRun)
    fast = tmp_path / "fast.csv"
    bulk.write_csv(fast)
    assert fast.read_text().splitlines()[0].split(",") == header
    assert fast.read_text().splitlines()[1] == out.read_text().splitlines()[2]


def test_locale_and_fixed_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapted = adapt(INSTRUMENT, "education")
    rng = np.random.default_rng(11)
    header, rows = random_table(rng, list(adapted.item_ids), 200, ["1", "3", "5"], ["a", "b"])
    path = write_table(tmp_path / "in.csv", header, rows)
    score_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector="education",
               locale="nl", groups=("setting=school",))


def exact_steps_table(base: NormTable, *, linear: bool, drop: int = 0) -> NormTable:
    """A table whose steps are exactly the means k answers can give (and one below the
    lowest possible raw score is absent: the first step starts above the minimum)."""
    dims = []
    for norm in base.dimensions[drop:]:
        k = {"closeness": 8, "conflict": 7, "dependency": 5}.get(norm.dimension, 6)
        raws = sorted({total / count for count in range(1, k + 1)
                       for total in range(count, 5 * count + 1)})
        raws = [r for r in raws if r >= 1.5][::3]
        steps = tuple(PercentilePoint(raw=r, percentile=round(100 * i / len(raws), 2))
                      for i, r in enumerate(raws))
        dims.append(norm.model_copy(update={"percentiles": steps}))
    return base.model_copy(update={"dimensions": tuple(dims),
                                   "t_score": "linear" if linear else "normalized"})


@pytest.mark.parametrize("linear", [False, True])
def test_norm_steps_hit_exactly(
    linear: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, "education")
    table = exact_steps_table(adapted.norms[0], linear=linear, drop=1)
    assert isinstance(table.dimensions[0], DimensionNorm)
    adapted = adapted.model_copy(update={"norms": (table,)})
    rng = np.random.default_rng(3)
    header, rows = random_table(rng, list(adapted.item_ids), 300, ["1", "2", "3", "4", "5"],
                                ["x"])
    path = write_table(tmp_path / "in.csv", header, rows)
    score_both(path, tmp_path, monkeypatch, adapted=adapted)


def test_no_norm_table_and_sum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapted = adapt(INSTRUMENT, "education")
    grouped = adapted.norms[0].model_copy(update={"group": {"setting": "elsewhere"}})
    adapted = adapted.model_copy(update={
        "norms": (grouped,),
        "scoring": adapted.scoring.model_copy(update={"method": "sum", "min_answered": 0.5}),
    })
    rng = np.random.default_rng(5)
    header, rows = random_table(rng, list(adapted.item_ids), 150, ["1", "2", "5"], ["p", "q"])
    path = write_table(tmp_path / "in.csv", header, rows)
    run, _old = score_both(path, tmp_path, monkeypatch, adapted=adapted)
    assert run.norm_statuses == set()


def test_without_norms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapted = adapt(INSTRUMENT, "education")
    adapted = adapted.model_copy(update={"norms": ()})
    rng = np.random.default_rng(9)
    header, rows = random_table(rng, list(adapted.item_ids), 100, ["2", "4"], ["a1"])
    path = write_table(tmp_path / "in.csv", header, rows)
    score_both(path, tmp_path, monkeypatch, adapted=adapted)


@pytest.mark.parametrize("cell", ["6", "x", "3.5", "0", "+4", "9"])
def test_invalid_cells_same_error(
    cell: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, "education")
    items = list(adapted.item_ids)
    rows = [["r1", *["3"] * len(items)], ["r2", *["3"] * len(items)]]
    rows[1][5] = cell
    path = write_table(tmp_path / "in.csv", ["respondent_code", *items], rows)
    messages = []
    for limit in (0, 1 << 60):
        monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", limit)
        with pytest.raises(DataError) as err:
            score_files([path], instrument=INSTRUMENT, sector="education")
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert ":3" in messages[0] or "row 3" in messages[0] or "3" in messages[0]


def test_group_column_and_wave_take_the_numpy_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, "education")
    items = list(adapted.item_ids)
    rows = [["r1", "1", *["3"] * len(items)], ["r1", "2", *["4"] * len(items)]]
    path = write_table(tmp_path / "in.csv", ["respondent_code", "wave", *items], rows)
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    run = score_files([path], instrument=INSTRUMENT, sector="education")
    assert not isinstance(run, BulkScoreRun)
    assert any(c.endswith("_rci") for c in run.scored.columns)
    run = score_files([path], instrument=INSTRUMENT, sector="education", groups=("wave",))
    assert not isinstance(run, BulkScoreRun)


def test_python_whitespace() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == PY_WHITESPACE


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.lists(st.sampled_from(["", "1", "2", "3", "4", "5", "NA", "3.0", " 5 "]),
                 min_size=21, max_size=21),
        min_size=1, max_size=12,
    ),
    ids=st.lists(st.sampled_from(ODD_IDS), min_size=12, max_size=12),
)
def test_hypothesis_tables(
    cells: list[list[str]], ids: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, "education")
    rows = [[ids[i], *row] for i, row in enumerate(cells)]
    path = write_table(tmp_path / "in.csv", ["respondent_code", *adapted.item_ids], rows)
    if all(not any(r) for r in rows):
        return  # no respondents: an error either way
    score_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector="education",
               straightlining=2)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"),
                                     KeyboardInterrupt()])
def test_failed_bulk_write_leaves_no_file(
    failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/test_acceptance_output.py's disk-full and Ctrl-C cases, on the bulk writer."""
    import relscale.scoring.bulk
    from helpers import runner
    from relscale.cli.main import app

    def broken(scores: Any, path: Path, *args: Any) -> bool:
        path.write_text("respondent_code,half a row")
        raise failure

    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(relscale.scoring.bulk, "write_bulk_csv", broken)
    items = adapt(INSTRUMENT, "education").item_ids
    data = write_table(tmp_path / "data.csv", ["respondent_code", *items],
                       [[f"r{r}", *["2"] * len(items)] for r in range(5)])
    out = tmp_path / "scores.csv"
    result = runner().invoke(app, ["score", str(data), "-i", INSTRUMENT, "-s", "education",
                                    "-o", str(out)])
    if isinstance(failure, KeyboardInterrupt):
        assert result.exit_code == 130
    else:
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_a_run_scores_once_by_the_side_its_output_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSV: the polars side only; the results workbook: the numpy side only (the bulk
    scores are never computed); the figures are the same either way."""
    from relscale.outputs import write_scores

    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    adapted = adapt(INSTRUMENT, "education")
    rng = np.random.default_rng(11)
    header, rows = random_table(rng, list(adapted.item_ids), 200, ["1", "2", "3", "4", "5"],
                                ["a", "b", "c", "d"] + [f"p{i}" for i in range(300)])
    path = write_table(tmp_path / "in.csv", header, rows)
    kw: dict[str, Any] = {"instrument": INSTRUMENT, "sector": "education", "straightlining": 3}

    csv_run = score_files([path], **kw)
    assert isinstance(csv_run, BulkScoreRun)
    write_scores(csv_run, tmp_path / "out.csv")
    assert "bulk" in csv_run.__dict__ and "scores" not in csv_run.__dict__

    book_run = score_files([path], **kw)
    assert isinstance(book_run, BulkScoreRun)
    write_scores(book_run, tmp_path / "out.xlsx")
    assert "scores" in book_run.__dict__ and "bulk" not in book_run.__dict__

    for name in ("counts", "straightlining", "norm_statuses", "blank_rows", "warnings"):
        assert getattr(book_run, name) == getattr(csv_run, name), name
    assert csv_run.counts["scored"] and csv_run.warnings

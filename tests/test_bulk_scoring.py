"""The bulk CSV reader feeding the one scoring engine.

A plain CSV file is read by polars (``relscale.io.bulk_csv``) and scored by the same
engine as every other input (``relscale.scoring.engine``); the same file read by the csv
module (``BULK_MIN_BYTES`` raised) must give the same table, the same bytes and the same
counts, warnings and flags. The scoring rules themselves are checked against stored
expected files (``tests/test_scoring_expected.py``); here: the reader's side on varied
data (odd spellings, blank rows, identifiers that need the CSV-injection guard,
duplicates padded with spaces, invalid cells), and a failed write.
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
from relscale.io.bulk_csv import PY_WHITESPACE
from relscale.scoring.run import ScoreRun, score_files

INSTRUMENT = "relationship_quality"


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def read_both(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[ScoreRun, ScoreRun]:
    """Score ``path`` read in bulk and read by the csv module; assert the same output."""
    runs = []
    for limit in (0, 1 << 60):
        monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", limit)
        runs.append(score_files([path], **kw))
    (bulk, csv_module) = runs
    fast, classic = tmp_path / "fast.csv", tmp_path / "classic.csv"
    bulk.write_csv(fast)
    csv_module.write_csv(classic)
    assert fast.read_bytes() == classic.read_bytes()
    for name in ("counts", "warnings", "blank_rows", "straightlining", "norm_statuses"):
        assert getattr(bulk, name) == getattr(csv_module, name), name
    np.testing.assert_array_equal(bulk.responses.values, csv_module.responses.values)
    np.testing.assert_array_equal(bulk.responses.rows, csv_module.responses.rows)
    assert bulk.responses.ids == csv_module.responses.ids
    return bulk, csv_module


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
def test_random_tables_read_the_same(
    sector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapted = adapt(INSTRUMENT, sector)
    spellings = ["1", "2", "3", "4", "5", " 3", "4.0", "2.00", "NA", ".", "n/a".upper()]
    rng = np.random.default_rng(7)
    header, rows = random_table(rng, list(adapted.item_ids), 400, spellings, ODD_IDS)
    path = write_table(tmp_path / "in.csv", header, rows)
    run, _old = read_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector=sector,
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
    fast = tmp_path / "fast.csv"
    bulk.write_csv(fast)
    assert fast.read_text().splitlines()[0].split(",") == header
    assert fast.read_text().splitlines()[1] == out.read_text().splitlines()[2]


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


def test_group_column_and_wave_read_in_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``wave`` column (reliable change) and a group column: the same engine either way."""
    adapted = adapt(INSTRUMENT, "education")
    items = list(adapted.item_ids)
    rows = [["r1", "1", *["3"] * len(items)], ["r1", "2", *["4"] * len(items)]]
    path = write_table(tmp_path / "in.csv", ["respondent_code", "wave", *items], rows)
    run, _ = read_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT,
                       sector="education")
    assert any(c.endswith("_rci") for c in run.scored.columns)
    run, _ = read_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector="education",
                       groups=("wave",))
    # no table for either wave's group: both placed with the table for everyone
    assert run.scores.norm_group is not None
    assert [g.endswith("group all; bands: deciles_nl") for g in run.scores.norm_group] == [
        True, True]


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
    read_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector="education",
              straightlining=2)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"),
                                     KeyboardInterrupt()])
def test_failed_bulk_write_leaves_no_file(
    failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/test_acceptance_output.py's disk-full and Ctrl-C cases, read in bulk."""
    import relscale.scoring.results
    from helpers import runner
    from relscale.cli.main import app

    def broken(scored: Any, path: Path, *args: Any) -> None:
        path.write_text("respondent_code,half a row")
        raise failure

    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(relscale.scoring.results, "write_csv", broken)
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


def test_a_csv_from_a_bulk_read_makes_no_matrix_and_no_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in bulk and written as CSV (and as a workbook), the answers stay polars
    columns (no float matrix, no Python strings); asked for, they are the csv module's."""
    from relscale.io.bulk_table import BulkTable, TextColumn
    from relscale.outputs import write_scores

    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    adapted = adapt(INSTRUMENT, "education")
    header, rows = random_table(np.random.default_rng(21), list(adapted.item_ids), 120,
                                ["1", "2", "3", "4", "5"], [f"p{i}" for i in range(200)])
    path = write_table(tmp_path / "in.csv", header, rows)
    run = score_files([path], instrument=INSTRUMENT, sector="education", straightlining=3)
    table = run.responses
    assert isinstance(table, BulkTable)
    write_scores(run, tmp_path / "out.csv")
    ids = table.ids["respondent_code"]
    assert isinstance(ids, TextColumn)
    assert table._values is None and ids._texts is None
    write_scores(run, tmp_path / "out.xlsx")  # an item column at a time too
    assert table._values is None
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 1 << 60)
    old = score_files([path], instrument=INSTRUMENT, sector="education", straightlining=3)
    np.testing.assert_array_equal(table.values, old.responses.values)
    assert ids == old.responses.ids["respondent_code"]
    np.testing.assert_array_equal(run.scores.keyed, old.scores.keyed)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_line_endings_read_in_bulk(
    ending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LF and CRLF files are read in bulk (the line checks count CRs only when there are
    any) and give what the csv module gives; one stray CR leaves the file to the csv
    module."""
    adapted = adapt(INSTRUMENT, "education")
    rng = np.random.default_rng(11)
    header, rows = random_table(rng, list(adapted.item_ids), 300, ["1", "2", "5"], ["a", "b"])
    path = tmp_path / "in.csv"
    path.write_bytes(ending.join(",".join(r) for r in [header, *rows]).encode() + b"\n")
    monkeypatch.setattr(bulk_csv, "BULK_MIN_BYTES", 0)
    values = lambda names: range(1, len(names) - 1)  # noqa: E731
    assert bulk_csv.read_bulk(path, values) is not None
    read_both(path, tmp_path, monkeypatch, instrument=INSTRUMENT, sector="education")
    stray = path.read_bytes().replace(b",n7" + ending.encode(), b",n\r7" + ending.encode(), 1)
    assert stray != path.read_bytes()
    path.write_bytes(stray)
    assert bulk_csv.read_bulk(path, values) is None

"""The scoring engine and response readers against hand-worked examples and a second,
loop-based implementation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from relscale.errors import DataError
from relscale.io.responses import read_csv
from relscale.model.models import (
    AdaptedDimension,
    AdaptedInstrument,
    AdaptedItem,
    ResponseScale,
    ScalePoint,
    ScoringRule,
)
from relscale.scoring.engine import min_answered_count, score_responses

NAN = float("nan")


def mini(method: str = "mean", min_answered: float = 0.8) -> AdaptedInstrument:
    """warmth: w1+ w2- w3+ w4+ w5+ (needs 4 of 5); friction: f1+ f2+ f3- (needs 3 of 3)."""
    keys = [("w1", "warmth", "+"), ("f1", "friction", "+"), ("w2", "warmth", "-"),
            ("w3", "warmth", "+"), ("f2", "friction", "+"), ("w4", "warmth", "+"),
            ("f3", "friction", "-"), ("w5", "warmth", "+")]
    return AdaptedInstrument(
        instrument="mini", version="1", framework="relationship_quality", title="Mini",
        sector="test", sector_label="Test", perspective="professional", locale="en",
        requested_locale="en", respondent="r", subject="s", instructions="i",
        scale=ResponseScale(id="five", points=tuple(
            ScalePoint(value=v, label=str(v)) for v in range(1, 6))),
        scoring=ScoringRule(method=method, min_answered=min_answered),  # type: ignore[arg-type]
        dimensions=tuple(
            AdaptedDimension(id=d, label=d.title(), description=d, framework="relationship_quality",
                             favourable=f)
            for d, f in (("warmth", "high"), ("friction", "low"))
        ),
        items=tuple(
            AdaptedItem(id=i, position=n, dimension=d, keying=k, text=f"{i} {{subject}}",  # type: ignore[arg-type]
                        intent=i, provenance="unchanged", rationale="-")
            for n, (i, d, k) in enumerate(keys, start=1)
        ),
        validated=False, notice="not validated",
    )


# columns: w1 f1 w2 w3 f2 w4 f3 w5
ROWS = np.array([
    [5, 2, 1, 4, 3, 4, 4, 3],        # warmth (5+5+4+4+3)/5 = 4.2; friction (2+3+2)/3
    [5, 2, NAN, NAN, 3, 4, 4, 3],    # warmth 3 of 5 answered < 4: missing
    [NAN] * 8,                       # nothing answered
    [3, 3, 3, 3, 3, 3, NAN, 3],      # straight-lined, friction 2 of 3: missing
    [1, 5, 5, 1, 5, 1, 1, NAN],      # warmth 4 of 5: (1+1+1+1)/4 = 1; friction 5
])


def test_hand_worked_mean() -> None:
    s = score_responses(mini(), ROWS, straightlining=5)
    assert s.raw["warmth"][0] == pytest.approx(4.2)
    assert s.raw["friction"][0] == pytest.approx(7 / 3)
    assert math.isnan(s.raw["warmth"][1]) and s.raw["friction"][1] == pytest.approx(7 / 3)
    assert math.isnan(s.raw["warmth"][2]) and math.isnan(s.raw["friction"][2])
    assert s.raw["warmth"][3] == 3 and math.isnan(s.raw["friction"][3])
    assert s.raw["warmth"][4] == 1 and s.raw["friction"][4] == 5
    assert s.status() == ["scored", "incomplete", "rejected", "incomplete", "scored"]
    reasons = s.reasons()
    assert reasons[1] == "too few answers: warmth (3 of 5, needs 4)"
    assert reasons[2] == "no answers"
    assert reasons[3] == "too few answers: friction (2 of 3, needs 3)"
    assert s.straightlining is not None
    assert s.straightlining.tolist() == [False, False, False, True, False]


def test_sum_is_prorated() -> None:
    s = score_responses(mini("sum"), ROWS)
    assert s.raw["warmth"][0] == pytest.approx(21)
    assert s.raw["warmth"][4] == pytest.approx(5)  # mean 1 over 4 answered, x 5 items


def test_straightlining_needs_enough_answers() -> None:
    row = np.array([[3, NAN, 3, 3, NAN, NAN, NAN, NAN]])
    assert not score_responses(mini(), row, straightlining=4).straightlining[0]  # type: ignore[index]
    assert score_responses(mini(), row, straightlining=3).straightlining[0]  # type: ignore[index]


@pytest.mark.parametrize(("k", "share", "need"), [(8, 0.8, 7), (5, 0.8, 4), (4, 0.75, 3),
                                                   (7, 0.8, 6), (6, 0.8, 5), (1, 0.8, 1)])
def test_min_answered_count(k: int, share: float, need: int) -> None:
    assert min_answered_count(k, share) == need


@pytest.mark.parametrize("bad", [6, 0, 2.5, -1])
def test_invalid_value_names_row_and_column(bad: float) -> None:
    values = ROWS.copy()
    values[1, 3] = bad
    with pytest.raises(DataError, match=r"^data\.csv, row 3, column w3: .*whole numbers 1 to 5"):
        score_responses(mini(), values, source="data.csv", rows=[2, 3, 4, 5, 6])


def _loop_scores(adapted: AdaptedInstrument, values: np.ndarray) -> dict[str, list[float]]:
    """A second, deliberately plain implementation of the rules."""
    out: dict[str, list[float]] = {d.id: [] for d in adapted.dimensions}
    for row in values.tolist():
        for d in adapted.dimensions:
            keyed = []
            for item, v in zip(adapted.items, row, strict=True):
                if item.dimension != d.id or v != v:
                    continue
                keyed.append(6 - v if item.keying == "-" else v)
            k = len(adapted.items_for(d.id))
            ok = len(keyed) / k >= adapted.scoring.min_answered - 1e-12
            out[d.id].append(sum(keyed) / len(keyed) if ok and keyed else NAN)
    return out


def test_against_loop_implementation() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(1, 6, (500, 8)).astype(float)
    values[rng.random(values.shape) < 0.15] = NAN
    adapted = mini()
    s = score_responses(adapted, values)
    ref = _loop_scores(adapted, values)
    for d in ("warmth", "friction"):
        np.testing.assert_allclose(s.raw[d], ref[d], rtol=0, atol=1e-12, equal_nan=True)
    assert 0 < np.isnan(s.raw["warmth"]).sum() < 500


# --- reading CSV -------------------------------------------------------------------------

HEADER = "respondent_code,w1,f1,w2,w3,f2,w4,f3,w5"


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_read_csv_semicolons_bom_blank_rows_and_na(tmp_path: Path) -> None:
    text = (HEADER.replace(",", ";") + "\n" + "a;5;2;1;4;3;4;4;3\n" + ";;;;;;;;\n\n"
            + "b;NA;2;.;;3;4; 4 ;3\n")
    table = read_csv(_csv(tmp_path, text, "utf-8-sig"), mini())
    assert table.n == 2 and table.blank_rows == 2
    assert table.ids["respondent_code"] == ["a", "b"]
    assert table.rows.tolist() == [2, 5]
    assert np.isnan(table.values[1, [0, 2, 3]]).all() and table.values[1, 6] == 4


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("b,5,2,1,x,3,4,4,3", r"data\.csv, row 3, column w3: 'x' is not an answer"),
        ("b,5,2,1,7,3,4,4,3", r"data\.csv, row 3, column w3: '7' is not an answer"),
        ("b,5,2,1,4,3,4,4,3,9", r"data\.csv, row 3: 10 cells but the header has 9"),
    ],
)
def test_read_csv_errors(tmp_path: Path, line: str, message: str) -> None:
    path = _csv(tmp_path, f"{HEADER}\na,5,2,1,4,3,4,4,3\n{line}\n")
    with pytest.raises(DataError, match=message):
        read_csv(path, mini())


def test_read_csv_header_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"row 1: missing item column\(s\) w5"):
        read_csv(_csv(tmp_path, HEADER.removesuffix(",w5") + "\n"), mini())
    with pytest.raises(DataError, match=r"column warmth: the name of a score variable"):
        read_csv(_csv(tmp_path, HEADER + ",warmth\n"), mini())
    with pytest.raises(DataError, match=r"appears twice"):
        read_csv(_csv(tmp_path, HEADER + ",w1\n"), mini())


def test_read_csv_many_rows_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import relscale.io.tables as tables  # the chunked conversion every reader shares

    monkeypatch.setattr(tables, "CHUNK_CELLS", 16)  # 2 rows per chunk
    rng = np.random.default_rng(1)
    values = rng.integers(1, 6, (11, 8))
    lines = [HEADER] + [f"r{i}," + ",".join(map(str, row)) for i, row in enumerate(values)]
    table = read_csv(_csv(tmp_path, "\n".join(lines) + "\n"), mini())
    np.testing.assert_array_equal(table.values, values)


def test_scoring_never_imports_openpyxl() -> None:
    """The engine stays a numpy function: scoring a CSV must not pull in the Excel writer."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from relscale import adapt\n"
        "from relscale.scoring.engine import add_norms, score_responses\n"
        "a = adapt('relationship_quality', 'foster_homes')\n"
        "s = score_responses(a, np.full((3, len(a.items)), 3.0))\n"
        "add_norms(s, a.norms)\n"
        "print(sorted(m for m in ('openpyxl', 'relscale.excel.xlsx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"

"""The column-wise results CSV writer against the row-by-row writer it replaced.

``reference_write_csv`` is the implementation relscale had before the column-wise writer
(``format_cell`` per cell through :func:`csv.writer`, text through the CSV-injection
policy of :func:`relscale.io.csv_safety.csv_text`), kept here verbatim as the reference:
the new writer must produce the same bytes on any table.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relscale.io.csv_safety import csv_text
from relscale.scoring.results import ScoredTable, write_csv


def reference_format_cell(value: Any, kind: str) -> str:
    if kind in ("id", "text", "band"):
        return csv_text(value)
    x = float(value)
    if math.isnan(x):
        return ""
    if kind in ("item", "flag"):
        return str(int(x))
    return repr(x)


def reference_write_csv(scored: ScoredTable, path: Path) -> None:
    kinds = [scored.kinds[c] for c in scored.columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(scored.columns)
        for row in scored.rows():
            writer.writerow([reference_format_cell(v, k) for v, k in zip(row, kinds, strict=True)])


def table(columns: dict[str, tuple[str, Any]]) -> ScoredTable:
    n = len(next(iter(columns.values()))[1])
    return ScoredTable(
        columns=list(columns),
        data={c: v for c, (_k, v) in columns.items()},
        kinds={c: k for c, (k, _v) in columns.items()},
        n=n,
    )


def assert_same_bytes(scored: ScoredTable, tmp_path: Path) -> None:
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    write_csv(scored, new, decimals=None)  # full precision: the shortest repr
    reference_write_csv(scored, old)
    assert new.read_bytes() == old.read_bytes()


TRICKY_TEXT = [
    "", "a", "a,b", 'say "hi"', "line\nbreak", "cr\rx", "a\r\nb", " lead", "trail ", "tab\tx",
    "ünïcödé 漢字 🙂", ";", "#", "NaN", "null", '"', ",", "=1+1", "0123", "1e5",
    "-5", "+3.5", "-1e3", "@SUM(A1)", "\t=x", "-5\n", "-x", "+", "١٢", "=",
]


def test_tricky_table_same_bytes(tmp_path: Path) -> None:
    n = len(TRICKY_TEXT)
    rng = np.random.default_rng(7)
    items = rng.integers(1, 6, n).astype(float)
    items[::3] = np.nan
    raw = rng.random(n) * 4 + 1
    raw[1] = np.nan
    raw[2] = 1e-5  # repr switches to exponent notation: 1e-05
    raw[3] = 2.5e16
    raw[4] = -0.0
    raw[5] = 3.0
    raw[6] = 1 / 3
    raw[7] = -12.75
    pct = np.round(rng.random(n) * 100, 2)
    pct[0] = np.nan
    scored = table({
        "respondent_code": ("id", [*TRICKY_TEXT[1:], None]),
        "rq01": ("item", items),
        "closeness": ("raw", raw),
        "closeness_percentile": ("percentile", pct),
        "closeness_t": ("t", np.full(n, 50.0)),
        "closeness_band": ("band", np.array(["low", "", None, *["high"] * (n - 3)], dtype=object)),
        "status": ("text", ["scored"] * n),
        "reason": ("text", TRICKY_TEXT),
        "straightlining": ("flag", (items > 3).astype(int)),
        "norm_group": ("text", ["Illustrative norms (N=1000), group all; bands: a, b"] * n),
    })
    assert_same_bytes(scored, tmp_path)


def test_unusual_values_take_the_exact_path(tmp_path: Path) -> None:
    scored = table({
        "id": ("id", [1, 2.5, True, None]),  # not text: str() as before
        "rq01": ("item", np.array([2.7, np.nan, 1e20, -3.0])),  # truncated like int()
        "score": ("raw", np.array([1e300, 5e-324, np.nan, 1e-4])),
        "label": ("text", ["x", None, "", "y"]),
    })
    assert_same_bytes(scored, tmp_path)


def test_empty_and_single_column(tmp_path: Path) -> None:
    assert_same_bytes(table({"a": ("id", []), "b": ("raw", np.array([]))}), tmp_path)
    assert_same_bytes(table({"a": ("id", ["", "x", None])}), tmp_path)  # lone "" is quoted


floats = st.floats(allow_nan=True, allow_infinity=False, width=64)
FIXTURE = [HealthCheck.function_scoped_fixture]
texts = st.one_of(st.none(), st.text(max_size=12),
                  st.from_regex(r"[=+\-@\t\r][0-9a-z.eE+\-\n]{0,6}", fullmatch=True))


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE)
@given(
    data=st.lists(st.tuples(texts, st.integers(0, 9) | st.none(), floats, texts),
                  min_size=0, max_size=30)
)
def test_any_table_same_bytes(tmp_path: Path, data: list[tuple[Any, ...]]) -> None:
    ids = [d[0] for d in data]
    items = np.array([np.nan if d[1] is None else float(d[1]) for d in data], dtype=float)
    scores = np.array([d[2] for d in data], dtype=float)
    scored = table({
        "id": ("id", ids),
        "rq01": ("item", items),
        "score": ("raw", scores),
        "reason": ("text", [d[3] for d in data]),
    })
    assert_same_bytes(scored, tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(st.lists(st.floats(min_value=-1e17, max_value=1e17), min_size=1, max_size=200))
def test_scores_print_as_repr(tmp_path: Path, values: list[float]) -> None:
    scored = table({"id": ("id", ["r"] * len(values)), "score": ("raw", np.array(values))})
    assert_same_bytes(scored, tmp_path)


def test_written_in_slices_same_bytes(tmp_path: Path, monkeypatch: Any) -> None:
    """Large tables are written in slices of rows; slices of 3 rows show the seams."""
    import relscale.scoring.results as results

    monkeypatch.setattr(results, "WRITE_ROWS", 3)
    test_tricky_table_same_bytes(tmp_path)
    test_unusual_values_take_the_exact_path(tmp_path)


def test_scores_are_rounded_to_four_decimals_by_default(tmp_path: Path) -> None:
    """``relscale score`` rounds the scores in a CSV (``--decimals``, default 4): no float
    noise such as 2.8333333333333335; items and texts are left alone. Worked by hand."""
    scored = table({
        "id": ("id", ["a", "b", "c"]),
        "rq01": ("item", np.array([1.0, np.nan, 5.0])),
        "closeness": ("raw", np.array([17 / 6, 2.0, np.nan])),
        "closeness_percentile": ("percentile", np.array([19.53, 100.0, np.nan])),
        "closeness_t": ("t", np.array([50 + 10 * (1 / 3), 40.0, np.nan])),
    })
    out = tmp_path / "r.csv"
    write_csv(scored, out)
    assert out.read_text().splitlines()[1:] == [
        "a,1,2.8333,19.53,53.3333", "b,,2.0,100.0,40.0", "c,5,,,"]
    write_csv(scored, out, decimals=1)
    assert out.read_text().splitlines()[1] == "a,1,2.8,19.5,53.3"
    write_csv(scored, out, decimals=None)
    assert out.read_text().splitlines()[1] == "a,1,2.8333333333333335,19.53,53.333333333333336"

"""The CSV-injection guard has two spellings: :func:`relscale.io.csv_safety.csv_text` for
cells written by Python and :func:`relscale.io.csv_safety.guard_expr` for columns polars
writes in one go. They must guard exactly the same texts."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from relscale.io.csv_safety import csv_text, guard_expr

EDGES = ["", "=1+1", "+3.5", "-5", "-5\n", "-5\n\n", "1e3", "-1e-3", "+.5", "-.", "@SUM(A1)",
         "\t=x", "\r=x", "abc", "'=1", "=", "-", "+", "- 5", "1.2.3", "-0x1F", "３", "-٣",
         "-5 ", " -5", "=HYPERLINK(\"http://evil.example\",\"Help\")"]


def _both(values: list[str | None]) -> tuple[list[str | None], list[str | None]]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    polars = frame.select(guard_expr(pl.col("v"))).to_series().to_list()
    return polars, [None if v is None else csv_text(v) for v in values]


def test_the_edges_are_guarded_alike() -> None:
    polars, python = _both([*EDGES, None])
    assert polars == python
    assert python[1] == "'=1+1" and python[3] == "-5"  # the check itself can tell


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r\n.eE0123456789 aZ'٣"),
                        max_size=8), min_size=1, max_size=40))
def test_any_text_is_guarded_alike(values: list[str]) -> None:
    polars, python = _both(list(values))
    assert polars == python

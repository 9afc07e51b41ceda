"""Merged cell ranges of a sheet read with python-calamine, tested by cell reference."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any


@functools.lru_cache(maxsize=4096)
def _parse_ref(ref: str) -> tuple[int, int]:
    """``C14`` -> (14, 3); the same few cells are looked up on every form."""
    from relscale.excel.sheet import parse_ref

    return parse_ref(ref)


class MergedCells:
    """Merged ranges (calamine's 0-based ``((r0, c0), (r1, c1))``), tested by reference."""

    def __init__(self, ranges: Sequence[Any]) -> None:
        self._ranges = [((r0 + 1, c0 + 1), (r1 + 1, c1 + 1)) for (r0, c0), (r1, c1) in ranges]

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, str):
            return False
        return self.covers(*_parse_ref(ref))

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def covers(self, r: int, c: int) -> bool:
        """Whether cell (row ``r``, column ``c``, 1-based) lies in a merged range."""
        return any(r0 <= r <= r1 and c0 <= c <= c1 for (r0, c0), (r1, c1) in self._ranges)

    def covering(self, cells: Sequence[tuple[str, int, int]],
                 box: tuple[int, int, int, int] | None = None) -> list[str]:
        """The references of those ``cells`` (reference, row, column) that lie in a merged
        range, in order; only ranges that reach the cells' bounding ``box`` (top, bottom,
        left, right; computed when not given) are tested."""
        if not self._ranges or not cells:
            return []
        if box is None:
            box = bounding_box(cells)
        top, bottom, left, right = box
        near = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in self._ranges
                if r0 <= bottom and r1 >= top and c0 <= right and c1 >= left]
        if not near:
            return []
        return [ref for ref, r, c in cells
                if any(r0 <= r <= r1 and c0 <= c <= c1 for (r0, c0), (r1, c1) in near)]


def bounding_box(cells: Sequence[tuple[str, int, int]]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of cells (reference, row, column)."""
    rows = [r for _ref, r, _c in cells]
    cols = [c for _ref, _r, c in cells]
    return min(rows), max(rows), min(cols), max(cols)



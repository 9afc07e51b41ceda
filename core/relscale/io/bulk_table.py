"""A response table read in bulk: the answers stay the polars columns the bulk reader made.

:func:`answers_table` turns :class:`relscale.io.bulk_csv.BulkAnswers` into a
:class:`BulkTable`, a :class:`relscale.io.tables.ResponseTable` whose identifier and item
columns are handed on as polars holds them (:class:`TextColumn`, :class:`ItemColumn`) and
made into Python texts or a float matrix only when something asks for them. The scoring
engine (:func:`relscale.scoring.engine.score_table`) and the CSV writer
(:func:`relscale.scoring.results.write_csv`) take a column at a time, so ``relscale score``
on a million rows to CSV never makes the 168 MB matrix nor a million Python strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from relscale.io.tables import ResponseTable

if TYPE_CHECKING:
    import numpy as np

    from relscale.io.bulk_csv import BulkAnswers


def answers_table(
    answers: BulkAnswers, source: object, id_columns: Sequence[str] | None = None
) -> ResponseTable:
    """The :class:`ResponseTable` of answers read in bulk (float, NaN for missing); with
    ``id_columns``, only those identifiers and no answers (an n x 0 matrix)."""
    import numpy as np

    frame = answers.frame
    names = list(answers.id_columns if id_columns is None else id_columns)
    common: dict[str, Any] = {
        "source": str(source), "items": tuple(answers.items),
        "rows": answers.lines.to_numpy().astype(np.int64), "id_columns": names,
        "ids": {name: TextColumn(frame[name]) for name in names},
        "blank_rows": answers.blank_rows,
    }
    if id_columns is not None:
        return ResponseTable(values=np.empty((frame.height, 0)), **common)
    items = frame.select(answers.items)
    return BulkTable(values=None, answers=items, **common)  # type: ignore[arg-type]



class TextColumn(Sequence[str]):
    """An identifier column read in bulk, kept as polars holds it: the CSV writer takes
    it as it is; anything that looks at its texts gets them as one list, made once
    (a million Python strings cost 0.13 s and 60 MB, for a CSV that only copies them)."""

    def __init__(self, series: Any) -> None:
        self.series = series
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = self.series.to_list()
        return self._texts

    def __len__(self) -> int:
        return len(self.series)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                return TextColumn(self.series.slice(start, max(stop - start, 0)))
        return self.texts()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, TextColumn)):
            return self.texts() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        import numpy as np

        return np.array(self.texts(), dtype=object if dtype is None else dtype)

    def __repr__(self) -> str:
        return f"TextColumn({self.texts()!r})"


class ItemColumn(Sequence[float]):
    """An item column read in bulk, kept as polars holds it (whole numbers, null for
    missing): the CSV writer takes it as it is; anything else gets floats (NaN for
    missing), made once when first looked at; a slice is a numpy array."""

    def __init__(self, series: Any) -> None:
        self.series = series
        self._array: np.ndarray | None = None

    def array(self) -> np.ndarray:
        if self._array is None:
            self._array = float_column(self.series)
        return self._array

    def __len__(self) -> int:
        return len(self.series)

    def __getitem__(self, i: Any) -> Any:
        return self.array()[i]

    def __iter__(self) -> Iterator[float]:
        return iter(self.array().tolist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array() if dtype is None else self.array().astype(dtype, copy=False)


def float_column(series: Any) -> np.ndarray:
    """A whole-number polars column as floats, NaN for null."""
    import numpy as np
    import polars as pl

    return series.cast(pl.Float64).fill_null(np.nan).to_numpy()


class BulkTable(ResponseTable):
    """A :class:`relscale.io.tables.ResponseTable` read in bulk: the answers stay polars
    columns (:attr:`answers`), handed to the engine and the CSV writer a column at a time;
    :attr:`values`, the respondents x items float matrix, is made only when asked for
    (a results workbook, a .sav, a Python caller): 168 MB and its page faults a million
    rows need not pay for a CSV."""

    _values: np.ndarray | None = None

    @property  # type: ignore[override]
    def values(self) -> np.ndarray:
        if self._values is None:
            import numpy as np

            items = self.answers.columns
            matrix = np.empty((self.answers.height, len(items)), order="F")
            for j, name in enumerate(items):
                matrix[:, j] = float_column(self.answers[name])
            self._values = matrix
        return self._values

    @values.setter
    def values(self, value: np.ndarray | None) -> None:
        self._values = value

    @property
    def n(self) -> int:
        return int(self.answers.height)

    def item_values(self, j: int) -> np.ndarray:
        if self._values is not None:
            return self._values[:, j]
        return float_column(self.answers.to_series(j))

    def item_missing(self, j: int) -> np.ndarray:
        if self._values is not None:
            return super().item_missing(j)
        return self.answers.to_series(j).is_null().to_numpy()

    def item_column(self, j: int) -> Any:
        return ItemColumn(self.answers.to_series(j))

"""The floor of issue 26 item 5: the same workbook written by relscale's writer alone.

``capture`` runs a relscale command in this process and keeps the sheet model it hands to
:func:`relscale.excel.xlsx.write_xlsx` (pickled); ``replay`` is the floor: a fresh process
that loads that model and writes it with the writer itself, nothing else (no CLI, no
registry, no content, no adaptation). relscale's export over this floor is the ratio of
item 5 (target: 2).

    python benchmarks/floor_replay_writer.py capture form.pickle form relationship_quality \\
        -s education -o /tmp/form.xlsx -f
    python benchmarks/floor_replay_writer.py replay form.pickle /tmp/form-replay.xlsx

Results: ``benchmarks/RESULTS-exports.md``.
"""

from __future__ import annotations

import pickle
import runpy
import sys
from pathlib import Path
from typing import Any


def capture(target: Path, args: list[str]) -> None:
    import relscale.excel.xlsx as xlsx

    real = xlsx.write_xlsx
    books: list[Any] = []

    def keep(book: Any, path: Path | str) -> None:
        books.append(book)
        real(book, path)

    xlsx.write_xlsx = keep  # the callers import it at call time: they get this one
    sys.argv = ["relscale", *args]
    try:  # the program itself, as ``python -m relscale`` runs it
        runpy.run_module("relscale", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    if len(books) != 1:
        raise SystemExit(f"expected one workbook, the command wrote {len(books)}")
    with target.open("wb") as f:
        pickle.dump(books[0], f, protocol=pickle.HIGHEST_PROTOCOL)


def replay(source: Path, out: Path) -> None:
    with source.open("rb") as f:
        book = pickle.load(f)  # imports the sheet model's modules, as the writer needs them
    from relscale.excel.xlsx import write_xlsx

    write_xlsx(book, out)


if __name__ == "__main__":
    if sys.argv[1] == "capture":
        capture(Path(sys.argv[2]), sys.argv[3:])
    else:
        replay(Path(sys.argv[2]), Path(sys.argv[3]))

"""The files ``score`` and ``reliability`` write, in the format the file name says.

Above :mod:`relscale.workbooks` on purpose: scores and reliability results are computed
in :mod:`relscale.scoring`, which never imports the Excel layer; their workbooks are built
there and rendered here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.io.atomic import atomic_write, check_output

if TYPE_CHECKING:
    from relscale.reliability.classical import ReliabilityReport
    from relscale.scoring.run import ScoreRun

SCORES_SUFFIXES = (".csv", ".xlsx", ".sav")
RELIABILITY_SUFFIXES = (".json", ".xlsx")


def check_scores_output(
    path: Path | str, *, overwrite: bool = False, inputs: Sequence[Path | str] = ()
) -> Path:
    """Refuse, before any work, a scores file :func:`write_scores` would refuse: not
    ``.csv`` / ``.xlsx`` / ``.sav``, an existing file (unless ``overwrite``), or one of the
    inputs."""
    path = Path(path)
    if path.suffix.lower() not in SCORES_SUFFIXES:
        raise RelscaleError(
            _("{path}: the output must be a .csv, .xlsx or .sav file").format(path=path)
        )
    return check_output(path, overwrite=overwrite, inputs=tuple(Path(p) for p in inputs))


def write_scores(run: ScoreRun, path: Path | str, *, overwrite: bool = False,
                 decimals: int | None = 4) -> Path:
    """Write scored output: CSV (one row per respondent, scores rounded to ``decimals``;
    None: full precision), a results workbook (.xlsx) or an SPSS data file with variable
    and value labels (.sav, needs pyreadstat); the last two keep full precision.

    :raises RelscaleError: see :func:`check_scores_output`; nothing is written then.
    """
    path = check_scores_output(path, overwrite=overwrite, inputs=run.paths)
    suffix = path.suffix.lower()
    if suffix == ".sav":
        from relscale.exporters.spss import write_sav

        write_sav(run.scored, run.adapted, path, overwrite=overwrite)
    elif suffix == ".xlsx":
        from relscale.workbooks import write
        from relscale.workbooks.results import build_results_workbook

        check_cell_texts(run)

        book = build_results_workbook(run.scored, run.adapted, run.scores, run.adapted.locale)
        write(book, path, overwrite=overwrite)
    else:
        check_cell_texts(run, nul_only=True)  # a NUL ends a CSV field for many readers
        with atomic_write(path, overwrite=overwrite) as tmp:
            run.write_csv(tmp, decimals)
    return path


def check_cell_texts(run: ScoreRun, *, nul_only: bool = False) -> None:
    """Refuse identifiers a workbook cell cannot hold (control characters, over 32,767
    characters), naming the input's file, row and column, before anything is written;
    with ``nul_only`` (a CSV), a NUL character only."""
    from relscale.errors import DataError
    from relscale.excel.xlsx_sheet import text_problem, texts_fit
    from relscale.messages import where
    from relscale.scoring.run import BulkScoreRun

    if nul_only and isinstance(run, BulkScoreRun):
        return  # read in bulk: a file with a NUL is never read so
    table = run.responses
    for name in table.id_columns:
        if nul_only:
            texts = [v for v in table.ids[name] if isinstance(v, str)]
            if "\x00" not in "".join(texts):
                continue
        elif texts_fit(table.ids[name]):
            continue  # else find the first, cell by cell
        for value, row in zip(table.ids[name], table.rows, strict=True):
            if isinstance(value, str) and (not nul_only or "\x00" in value):
                problem = text_problem(value, where(table.source, int(row), name))
                if problem is not None:
                    raise DataError(str(problem))


def check_reliability_output(
    path: Path | str, *, overwrite: bool = False, inputs: Sequence[Path | str] = ()
) -> Path:
    """Refuse, before any work, a file :func:`write_reliability` would refuse."""
    path = Path(path)
    if path.suffix.lower() not in RELIABILITY_SUFFIXES:
        raise RelscaleError(
            _("{path}: the output file must end in .json or .xlsx").format(path=path)
        )
    return check_output(path, overwrite=overwrite, inputs=tuple(Path(p) for p in inputs))


def write_reliability(
    report: ReliabilityReport, path: Path | str, *, overwrite: bool = False
) -> Path:
    """Write reliability results: JSON (:meth:`ReliabilityReport.to_dict`) or a workbook
    with a summary sheet and an item sheet (.xlsx)."""
    path = check_reliability_output(path, overwrite=overwrite, inputs=(report.data,))
    if path.suffix.lower() == ".xlsx":
        from relscale.workbooks import write
        from relscale.workbooks.reliability import reliability_workbook

        return write(reliability_workbook(report.title, list(report.scales)), path,
                     overwrite=overwrite, inputs=(report.data,))
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    with atomic_write(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, "utf-8")
    return path

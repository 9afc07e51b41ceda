"""``round export``: a round's answers and scores as .csv, .xlsx or .sav, long or wide.

- **long** (default): one row per answer (``kind = item``: the code as given, the
  'does not apply' code too, and its ``state``: ``answered``, ``not_applicable`` or
  ``skipped``) and per scale score (``kind = score``: raw score, percentile, T, band);
- **wide**: one row per submission, one column per item, then each dimension's raw score,
  percentile, T and band.

Each row starts with the round, group, sector, the pair's codes, the instrument,
perspective and version, the submission's version, date and source. Only each form's
newest version is exported unless ``versions="all"``. Names are left out unless
``names=True``; the result (and an xlsx's first sheet, a .sav's file label) says whether
the file holds names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.store.engine import Store

FORMATS = (".csv", ".xlsx", ".sav")
ID_COLUMNS = ("round", "group", "sector", "professional_code", "client_code")
NAME_COLUMNS = ("professional_name", "client_name")
FORM_COLUMNS = ("instrument", "perspective", "instrument_version", "locale", "version",
                "filled_on", "received_at", "source")
LONG_COLUMNS = ("kind", "variable", "value", "state", "percentile", "t", "band")
SCORE_SUFFIXES = ("percentile", "t", "band")


@dataclass(frozen=True)
class RoundExport:
    path: Path
    rows: int
    answers: int
    """Answers written (items, not scores)."""
    names: bool
    """Whether the file holds names."""
    wide: bool


def check_export_path(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise RelscaleError(_("{path}: an export file name ends in .csv, .xlsx or .sav")
                            .format(path=path))
    return path


@dataclass
class _Data:
    header: list[str]
    rows: Iterator[list[Any]]
    counts: dict[str, int]


def _submissions(conn: Connection, round_id: int, round_name: str, names: bool,
                 versions: str) -> dict[int, list[Any]]:
    """submission id -> the leading cells of its rows, in the export's order."""
    from sqlalchemy import func, select

    from relscale.store.models import Form, Name, Pair, Submission

    query = (select(Submission.id, Pair.group_name, Pair.sector, Pair.professional_code,
                    Pair.client_code, Form.instrument, Form.perspective,
                    Submission.instrument_version, Submission.locale, Submission.version,
                    Submission.filled_on, Submission.received_at, Submission.source)
             .join(Form, Form.id == Submission.form_id).join(Pair, Pair.id == Form.pair_id)
             .where(Form.round_id == round_id))
    if versions == "current":
        newest = (select(func.max(Submission.version)).where(Submission.form_id == Form.id)
                  .correlate(Form).scalar_subquery())
        query = query.where(Submission.version == newest)
    query = query.order_by(Pair.group_name, Pair.professional_code, Pair.client_code,
                           Form.round_instrument_id, Submission.version)
    known: dict[tuple[str, str], str] = {}
    if names:
        known = {(r, c): n for r, c, n in conn.execute(
            select(Name.role, Name.code, Name.name).where(Name.round_id == round_id))}
    out: dict[int, list[Any]] = {}
    for (sid, group, sector, prof, client, instrument, perspective, iv, locale, version,
         filled_on, received, source) in conn.execute(query):
        lead: list[Any] = [round_name, group or "", sector, prof, client]
        if names:
            lead += [known.get(("professional", prof), ""), known.get(("client", client), "")]
        lead += [instrument, perspective, iv, locale or "", version, filled_on or "",
                 received.isoformat(sep=" ") if received is not None else "", source]
        out[sid] = lead
    return out


def _scores(conn: Connection, round_id: int, ids: set[int]
            ) -> dict[int, list[tuple[Any, ...]]]:
    """submission id -> (dimension, raw, percentile, T, band) of the wanted submissions."""
    from sqlalchemy import select

    from relscale.store.models import Form, Score, Submission

    out: dict[int, list[tuple[Any, ...]]] = {}
    rows = conn.execute(
        select(Score.submission_id, Score.dimension, Score.raw, Score.percentile, Score.t,
               Score.band)
        .join(Submission, Submission.id == Score.submission_id)
        .join(Form, Form.id == Submission.form_id).where(Form.round_id == round_id)
        .order_by(Score.submission_id))
    for sid, dim, raw, pct, t, band in rows:
        if sid in ids:
            out.setdefault(sid, []).append((dim, raw, pct, t, band))
    return out


def _answers(conn: Connection, round_id: int) -> Iterator[tuple[int, str, Any, str]]:
    """(submission id, item, value, state) of a round, by submission and position."""
    from sqlalchemy import select

    from relscale.store.models import Answer, Form, Submission

    result = conn.execution_options(yield_per=20_000).execute(
        select(Answer.submission_id, Answer.item, Answer.value, Answer.state)
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Form, Form.id == Submission.form_id).where(Form.round_id == round_id)
        .order_by(Answer.submission_id, Answer.position))
    yield from result


def _long(conn: Connection, round_id: int, lead: dict[int, list[Any]],
          counts: dict[str, int]) -> Iterator[list[Any]]:
    scores = _scores(conn, round_id, set(lead))
    current: int | None = None
    prefix: list[Any] = []
    for sid, item, value, state in _answers(conn, round_id):
        if sid != current:
            if current is not None:
                yield from _score_rows(prefix, scores.get(current, ()), counts)
            current = sid
            prefix = lead.get(sid) or []
        if not prefix:
            continue  # an older version
        counts["answers"] += 1
        counts["rows"] += 1
        yield [*prefix, "item", item, value, state, None, None, None]
    if current is not None and prefix:
        yield from _score_rows(prefix, scores.get(current, ()), counts)


def _score_rows(prefix: list[Any], scores: Any, counts: dict[str, int]
                ) -> Iterator[list[Any]]:
    for dim, raw, pct, t, band in scores:
        counts["rows"] += 1
        yield [*prefix, "score", dim, raw, "scored" if raw is not None else "missing",
               pct, t, band]


def _wide(conn: Connection, round_id: int, lead: dict[int, list[Any]], items: list[str],
          dims: list[str], counts: dict[str, int]) -> Iterator[list[Any]]:
    scores = _scores(conn, round_id, set(lead))
    values: dict[int, dict[str, Any]] = {}
    for sid, item, value, _state in _answers(conn, round_id):
        if sid in lead:
            values.setdefault(sid, {})[item] = value
            counts["answers"] += 1
    for sid, prefix in lead.items():
        got = values.get(sid, {})
        row = [*prefix, *(got.get(i) for i in items)]
        by_dim = {d: (raw, pct, t, band) for d, raw, pct, t, band in scores.get(sid, ())}
        for d in dims:
            row += list(by_dim.get(d, (None, None, None, None)))
        counts["rows"] += 1
        yield row


def _columns(conn: Connection, round_id: int) -> tuple[list[str], list[str]]:
    """The round's items and dimensions, in its instruments' order."""
    from sqlalchemy import select

    from relscale.rounds.record import adapted_for
    from relscale.store.models import Form

    kinds = conn.execute(select(Form.instrument, Form.sector, Form.perspective)
                         .where(Form.round_id == round_id).distinct()
                         .order_by(Form.perspective.desc(), Form.instrument)).all()
    items: list[str] = []
    dims: list[str] = []
    for instrument, sector, perspective in kinds:
        adapted = adapted_for(instrument, sector, perspective, "en")
        items += [i for i in adapted.item_ids if i not in items]
        dims += [d.id for d in adapted.dimensions if d.id not in dims]
    return items, dims


def export_round(store: Store, name: str, path: Path | str, *, wide: bool = False,
                 names: bool = False, versions: str = "current", overwrite: bool = False
                 ) -> RoundExport:
    """Write round ``name``'s answers and scores (see the module docstring).

    :param versions: ``current`` (each form's newest version) or ``all``.
    :raises RelscaleError: an unknown format, the file exists (without ``overwrite``).
    """
    from relscale.io.atomic import check_output
    from relscale.rounds.queries import get_round

    path = check_export_path(path)
    check_output(path, overwrite=overwrite)
    if versions not in ("current", "all"):
        raise RelscaleError(_("versions: current or all, not {value!r}").format(value=versions))
    counts = {"rows": 0, "answers": 0}
    with store.read() as conn:
        round_ = get_round(conn, name, store)
        lead = _submissions(conn, round_.id, round_.name, names, versions)
        header = [*ID_COLUMNS, *(NAME_COLUMNS if names else ()), *FORM_COLUMNS]
        if wide:
            items, dims = _columns(conn, round_.id)
            header += items
            for d in dims:
                header += [d, *(f"{d}_{s}" for s in SCORE_SUFFIXES)]
            rows = _wide(conn, round_.id, lead, items, dims, counts)
        else:
            header += LONG_COLUMNS
            rows = _long(conn, round_.id, lead, counts)
        data = _Data(header, rows, counts)
        suffix = path.suffix.lower()
        if suffix == ".csv" and not wide:
            _write_long_csv(conn, round_.id, lead, header, counts, path, overwrite)
        elif suffix == ".csv":
            _write_csv(data, path, overwrite)
        elif suffix == ".xlsx":
            _write_xlsx(data, path, overwrite, names, round_.name)
        else:
            _write_sav(data, path, overwrite, names, round_.name)
    return RoundExport(path, counts["rows"], counts["answers"], names, wide)


def _write_csv(data: _Data, path: Path, overwrite: bool) -> None:
    from relscale.io.atomic import atomic_write
    from relscale.io.csv_safety import writer as csv_writer

    with atomic_write(path, overwrite=overwrite) as tmp, tmp.open(
            "w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)
        writer.writerow(data.header)
        writer.writerows(data.rows)


def _csv_line(cells: list[Any]) -> str:
    """``cells`` as the guarded CSV writer writes them (quoted where needed, text guarded
    against formula injection), without a line end."""
    import io

    from relscale.io.csv_safety import writer as csv_writer

    buf = io.StringIO()
    csv_writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def _plain_text(v: Any) -> str:
    """A text cell as csv writes it: as is unless it needs quoting or a guard."""
    from relscale.io.csv_safety import TRIGGERS

    if v is None:
        return ""
    text = str(v)
    if not text or any(c in text for c in ',"\r\n') or text[:1] in TRIGGERS:
        return _csv_line([text])
    return text


def _num(v: Any) -> str:
    return "" if v is None else str(v)


def _write_long_csv(conn: Connection, round_id: int, lead: dict[int, list[Any]],
                    header: list[str], counts: dict[str, int], path: Path,
                    overwrite: bool) -> None:
    """The long export as CSV, line by line: the leading cells of a submission are written
    by :mod:`csv` once, the rest (item ids, codes, states, numbers: nothing to quote but a
    band label) formatted directly. Writing every cell through the csv module took most
    of the time (``benchmarks/RESULTS-rounds.md``); ``tests/test_rounds_export.py``
    compares the two byte for byte."""
    from relscale.io.atomic import atomic_write

    scores = _scores(conn, round_id, set(lead))
    prefixes = {sid: _csv_line(cells) for sid, cells in lead.items()}

    bands: dict[Any, str] = {}

    def score_lines(prefix: str, rows: Any) -> Iterator[str]:
        for dim, raw, pct, t, band in rows:
            counts["rows"] += 1
            state = "scored" if raw is not None else "missing"
            text = bands.get(band)
            if text is None:
                text = bands[band] = _plain_text(band)
            yield (f"{prefix},score,{dim},{_num(raw)},{state},{_num(pct)},{_num(t)},"
                   f"{text}\r\n")

    with atomic_write(path, overwrite=overwrite) as tmp, tmp.open(
            "w", newline="", encoding="utf-8") as fh:
        fh.write(_csv_line(header) + "\r\n")
        write = fh.write
        current: int | None = None
        prefix = ""
        n = 0
        for sid, item, value, state in _answers(conn, round_id):
            if sid != current:
                if current is not None and prefix:
                    fh.writelines(score_lines(prefix, scores.get(current, ())))
                current = sid
                prefix = prefixes.get(sid, "")
            if not prefix:
                continue  # an older version
            n += 1
            write(f"{prefix},item,{item},{'' if value is None else value},{state},,,\r\n")
        if current is not None and prefix:
            fh.writelines(score_lines(prefix, scores.get(current, ())))
    counts["answers"] += n
    counts["rows"] += n


def _write_xlsx(data: _Data, path: Path, overwrite: bool, names: bool, round_name: str
                ) -> None:
    from relscale.excel.sheet import Workbook
    from relscale.workbooks import write
    from relscale.workbooks.cover_list import names_note
    from relscale.workbooks.styles import HEADER, NOTE_QUIET, TITLE

    book = Workbook(styles={"title": TITLE, "note": NOTE_QUIET, "head": HEADER},
                    title=_("Round {round}").format(round=round_name))
    about = book.add_sheet(_("About")[:31])
    about.set(1, 1, _("Round {round}: answers and scores").format(round=round_name),
              style="title")
    about.set(2, 1, names_note(names), style="note")
    sheet = book.add_sheet(_("Data")[:31])
    for col, name in enumerate(data.header, start=1):
        sheet.set(1, col, name, style="head")
    sheet.freeze = "A2"
    sheet.stream = lambda: ([(v, None) for v in row] for row in data.rows)
    sheet.stream_start = 2
    write(book, path, overwrite=overwrite)


def _write_sav(data: _Data, path: Path, overwrite: bool, names: bool, round_name: str
               ) -> None:
    import numpy as np
    import pandas as pd

    from relscale.exporters.spss import FILE_LABEL_BYTES, _pyreadstat, _write_sav, clip_bytes
    from relscale.io.atomic import atomic_write
    from relscale.workbooks.cover_list import names_note

    pyreadstat = _pyreadstat()
    rows = list(data.rows)
    columns: dict[str, Any] = {}
    for j, name in enumerate(data.header):
        values = [r[j] for r in rows]
        if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool))
               for v in values):
            columns[name] = np.array([np.nan if v is None else float(v) for v in values])
        else:
            columns[name] = ["" if v is None else str(v) for v in values]
    frame = pd.DataFrame(columns, columns=data.header)
    label = f"relscale round {round_name}: " + names_note(names)
    with atomic_write(path, overwrite=overwrite) as tmp:
        _write_sav(pyreadstat, path, frame, str(tmp),
                   file_label=clip_bytes(label, FILE_LABEL_BYTES))

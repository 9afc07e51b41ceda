"""Reading and checking a round's roster (CSV or xlsx; columns in
:mod:`relscale.model.roster`).

:func:`read_roster` reads every row and checks it, collecting every problem as one line
naming file, row and column (:class:`RosterErrors`), so a coordinator fixes the roster in
one pass:

- a missing required column, an unknown column (a typo would otherwise be ignored);
- an empty or malformed code, a name or group that is too long;
- an unknown sector or a locale relscale cannot serve;
- the same pair twice (the same client with the same professional), whether the rows are
  identical or not;
- a code with two different names, in two rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relscale.errors import DataError, RelscaleError
from relscale.i18n import _
from relscale.messages import where
from relscale.model.roster import REQUIRED_COLUMNS, ROSTER_COLUMNS


class RosterErrors(DataError):
    """Problems in a roster; ``problems`` holds one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class RosterPair:
    """One pair of a checked roster; ``sector`` and ``locale`` are filled in."""

    row: int
    professional_code: str
    client_code: str
    professional_name: str | None
    client_name: str | None
    group: str | None
    sector: str
    locale: str


@dataclass
class Roster:
    """A checked roster."""

    source: str
    pairs: list[RosterPair]
    notes: list[str] = field(default_factory=list)
    """Locales served by a fallback (``nl_BE: no catalog, using nl``), once each."""
    sha256: str | None = None

    @property
    def has_names(self) -> bool:
        return any(p.professional_name or p.client_name for p in self.pairs)

    @property
    def professionals(self) -> list[str]:
        return list(dict.fromkeys(p.professional_code for p in self.pairs))


def _cell(value: Any) -> str:
    """A roster cell as text: a whole number from a workbook without ``.0``."""
    from relscale.excel.identity import cell_text
    from relscale.io.tables import id_text

    if isinstance(value, float):
        return cell_text(value)
    return id_text(value).strip()


def _rows(path: Path) -> tuple[list[str], Iterable[tuple[int, Sequence[Any]]], str, Any]:
    from relscale.io.tables import WORKBOOK_SUFFIXES, first_sheet_rows, open_csv, open_workbook

    empty = _("{path}: empty roster, expected a header row with professional_code and "
              "client_code")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        wb = open_workbook(path)
        header, rows, source = first_sheet_rows(wb, path, empty)
        return header, list(rows), source, wb
    if path.suffix.lower() not in (".csv", ".txt"):
        raise DataError(_("{path}: a roster is a .csv or .xlsx file").format(path=path))
    with open_csv(path, empty) as (header, rows):
        return header, list(rows), str(path), None


def read_roster(path: Path | str, *, sector: str, locale: str) -> Roster:
    """Read and check a roster; each pair's sector and locale default to these.

    :raises RosterErrors: every problem found, one line each (nothing is returned then).
    :raises DataError: a file that cannot be read at all.
    """
    import hashlib

    from pydantic import ValidationError

    from relscale.model.roster import RosterRow

    path = Path(path)
    if not path.is_file():
        raise DataError(_("{path}: no such file").format(path=path))
    header, rows, source, wb = _rows(path)
    try:
        names = [str(h).strip().lower() for h in header]
        problems: list[str] = []
        for col, name in enumerate(names, start=1):
            if name and name not in ROSTER_COLUMNS:
                problems.append(_("{where}: unknown column {name!r} (a roster has {known})")
                                .format(where=where(source, 1, col), name=header[col - 1],
                                        known=", ".join(ROSTER_COLUMNS)))
            elif name and names.index(name) != col - 1:
                problems.append(_("{where}: the column {name!r} appears twice").format(
                    where=where(source, 1, col), name=name))
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            problems.append(_("{where}: missing column(s) {columns}").format(
                where=where(source, 1), columns=", ".join(missing)))
        if problems:
            raise RosterErrors(problems)
        index = {name: names.index(name) for name in ROSTER_COLUMNS if name in names}
        checked = _check_rows(rows, index, source, sector, locale, RosterRow, ValidationError)
    finally:
        if wb is not None:
            wb.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Roster(str(path), checked[0], checked[1], digest)


def _check_rows(rows: Iterable[tuple[int, Sequence[Any]]], index: dict[str, int],
                source: str, sector: str, locale: str, model: Any, invalid: Any
                ) -> tuple[list[RosterPair], list[str]]:
    from relscale.i18n import resolve_locale
    from relscale.plugins import get_registry

    sectors = get_registry().sectors
    problems: list[str] = []
    pairs: list[RosterPair] = []
    notes: dict[str, str] = {}
    seen_pairs: dict[tuple[str, str], tuple[int, tuple[Any, ...]]] = {}
    seen_names: dict[tuple[str, str], tuple[int, str]] = {}
    locales: dict[str, str | None] = {}
    for r, cells in rows:
        values = {name: _cell(cells[i]) if i < len(cells) else ""
                  for name, i in index.items()}
        if not any(values.values()):
            continue  # an empty row
        try:
            row = model.model_validate({k: v for k, v in values.items() if v})
        except invalid as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err.get("loc") else None
                problems.append(_("{where}: {problem}").format(
                    where=where(source, r, column), problem=_field_problem(err, values)))
            continue
        pair_sector = row.sector or sector
        if pair_sector not in sectors:
            problems.append(_("{where}: unknown sector {sector!r} (known: {known})").format(
                where=where(source, r, "sector" if row.sector else None), sector=pair_sector,
                known=", ".join(sorted(sectors))))
            continue
        pair_locale = row.locale or locale
        if pair_locale not in locales:
            try:
                used, found = resolve_locale(pair_locale)
                locales[pair_locale] = used
                notes.update(dict.fromkeys(found, ""))
            except RelscaleError as exc:  # LocaleError: a locale without any catalog
                locales[pair_locale] = None
                problems.append(f"{where(source, r, 'locale' if row.locale else None)}: {exc}")
        if locales[pair_locale] is None:
            continue
        key = (row.professional_code, row.client_code)
        whole = tuple(values.get(c, "") for c in index)
        if key in seen_pairs:
            first, first_whole = seen_pairs[key]
            if first_whole == whole:
                problems.append(_("{where}: the same row as row {first}").format(
                    where=where(source, r), first=first))
            else:
                problems.append(_(
                    "{where}: client {client} is listed twice with professional "
                    "{professional} (rows {first} and {row})").format(
                    where=where(source, r, "client_code"), client=row.client_code,
                    professional=row.professional_code, first=first, row=r))
            continue
        seen_pairs[key] = (r, whole)
        for role, code, name in (("professional", row.professional_code,
                                  row.professional_name),
                                 ("client", row.client_code, row.client_name)):
            if not name:
                continue
            earlier = seen_names.setdefault((role, code), (r, name))
            if earlier[1] != name:
                problems.append(_(
                    "{where}: {code} is named {name!r} here and {other!r} in row {first}; "
                    "one code, one name").format(
                    where=where(source, r, f"{role}_name"), code=code, name=name,
                    other=earlier[1], first=earlier[0]))
        pairs.append(RosterPair(r, row.professional_code, row.client_code,
                                row.professional_name, row.client_name, row.group,
                                pair_sector, pair_locale))
    if not problems and not pairs:
        problems.append(_("{path}: the roster has no pairs").format(path=source))
    if problems:
        raise RosterErrors(problems)
    # a name given in one row of a code only is the code's name in every row
    named = {key: name for key, (_r, name) in seen_names.items()}
    filled = [RosterPair(p.row, p.professional_code, p.client_code,
                         named.get(("professional", p.professional_code)),
                         named.get(("client", p.client_code)), p.group, p.sector, p.locale)
              for p in pairs]
    return filled, list(notes)


def _field_problem(err: dict[str, Any], values: dict[str, str]) -> str:
    """One pydantic error on a roster cell, in the user's words."""
    column = str(err["loc"][0]) if err.get("loc") else ""
    kind = err.get("type", "")
    value = values.get(column, "")
    if kind == "missing":
        return _("empty; every row needs a {column}").format(column=column)
    if kind == "string_too_long":
        return _("{value!r} is longer than {n} characters").format(
            value=value[:40] + "…", n=err.get("ctx", {}).get("max_length", "?"))
    if kind == "string_pattern_mismatch":
        if column in ("sector", "locale"):
            return _("{value!r} is not a {column} id").format(value=value, column=column)
        return _("{value!r} is not a code (one line, not starting with a blank or with "
                 "= + - @ < >)").format(value=value)
    return str(err.get("msg", "invalid"))

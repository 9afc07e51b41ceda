"""``round new``: a round from a roster, with every form it will issue.

:func:`new_round` checks the roster (:func:`relscale.rounds.roster.read_roster`), works out
which forms each pair gets, and stores the round in one transaction: the round, its
instruments, the pairs (codes, group, sector, locale), the names apart, one row per form
to issue (with the random key its file will carry) and the norm tables given for it.

Which forms: for every instrument named (a professional report such as
``relationship_quality`` or ``working_alliance``), the professional's form per pair, and
the client's form on the same relationship
(:func:`relscale.scoring.profile.client_counterpart`) where the pair's sector offers it.
A sector that declines the client's form (disability care's alliance) gives its pairs the
professional's form only, with a note.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _
from relscale.rounds.roster import Roster, read_roster
from relscale.store.engine import Store

if TYPE_CHECKING:
    from relscale.model.models import NormTable

MAX_NAME = 200


@dataclass
class NewRound:
    """What :func:`new_round` stored."""

    name: str
    pairs: int
    professionals: int
    clients: int
    forms: dict[str, int]
    """Forms to issue per ``instrument/perspective``."""
    names: int
    notes: list[str] = field(default_factory=list)


def form_key() -> str:
    """A form's key: 128 random bits as 32 hex digits (not guessable, unique)."""
    return secrets.token_hex(16)


def _instruments(instruments: Sequence[str], roster: Roster
                 ) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(instrument, perspective, version, report_of) for the round, and notes."""
    from relscale.plugins import get_registry
    from relscale.scoring.profile import client_counterpart

    registry = get_registry()
    if not instruments:
        raise RelscaleError(_("name at least one instrument (--instrument)"))
    out: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    sectors = sorted({p.sector for p in roster.pairs})
    for name in dict.fromkeys(instruments):
        inst = registry.instrument(name)
        if "professional" not in inst.perspectives:
            raise RelscaleError(_(
                "{instrument}: a client report only; name the professional's instrument "
                "(the client's form on the same relationship is added)").format(
                instrument=name))
        for sector in sectors:
            offering = registry.sector(sector).offering(name, "professional")
            if offering is None or offering.declined:
                raise RelscaleError(_("{sector}: does not offer {instrument} for the "
                                      "professional").format(sector=sector, instrument=name))
        out.append((name, "professional", inst.version, name))
        client = client_counterpart(name)
        if client is None:
            notes.append(_("{instrument}: no client report; professional forms only").format(
                instrument=name))
            continue
        offered = [s for s in sectors
                   if (o := registry.sector(s).offering(client, "client")) is not None
                   and not o.declined]
        for s in sorted(set(sectors) - set(offered)):
            notes.append(_("{sector}: declines or does not offer {instrument} for the client; "
                           "its pairs get the professional's form only").format(
                sector=s, instrument=client))
        if offered:
            out.append((client, "client", registry.instrument(client).version, name))
    return out, notes


def _offers(sector: str, instrument: str, perspective: str) -> bool:
    from relscale.plugins import get_registry

    offering = get_registry().sector(sector).offering(instrument, perspective)  # type: ignore[arg-type]
    return offering is not None and not offering.declined


def check_round_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > MAX_NAME or any(c in text for c in "\r\n\t"):
        raise RelscaleError(_("{name!r}: a round name is one line of 1 to {n} characters")
                            .format(name=name, n=MAX_NAME))
    return text


def new_round(
    store: Store,
    name: str,
    roster: Roster | Path | str,
    *,
    instruments: Sequence[str],
    sector: str,
    locale: str,
    norms: Sequence[Path | str] = (),
) -> NewRound:
    """Make a round: check the roster and store the round, its pairs, names and forms.

    :param roster: a roster file (read with the round's ``sector`` and ``locale`` as each
        pair's defaults) or one already read.
    :param instruments: the professional reports to use (``relationship_quality``,
        ``working_alliance``); each brings the client's form on the same relationship.
    :param norms: norm table files (TOML) to place this round's scores with, before the
        registered tables (local norms).
    :raises RosterErrors: the roster's problems, one line each.
    :raises RelscaleError: a round of that name exists, an unknown instrument or sector,
        a sector that does not offer an instrument, norms for another instrument.
    """
    import datetime as dt

    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from relscale.__about__ import __version__
    from relscale.plugins import get_registry
    from relscale.store.models import Form, Name, Pair, Round, RoundInstrument, RoundNorm

    name = check_round_name(name)
    get_registry().sector(sector)
    if not isinstance(roster, Roster):
        roster = read_roster(roster, sector=sector, locale=locale)
    kinds, notes = _instruments(instruments, roster)
    tables = [_norm_table(path, kinds) for path in norms]
    notes = list(roster.notes) + notes
    with store.write() as conn:
        if conn.execute(select(Round.id).where(Round.name == name)).first() is not None:
            raise RelscaleError(_("{url}: a round {name!r} exists already").format(
                url=store.shown, name=name))
        try:
            round_id = conn.execute(insert(Round).values(
                uid=secrets.token_hex(16), name=name, sector=sector, locale=locale,
                created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                relscale_version=__version__, roster_file=Path(roster.source).name,
                roster_sha256=roster.sha256,
            ).returning(Round.id)).scalar_one()
        except IntegrityError:  # another process made it in between (PostgreSQL)
            raise RelscaleError(_("{url}: a round {name!r} exists already").format(
                url=store.shown, name=name)) from None
        kind_ids: list[tuple[int, str, str]] = []
        for position, (instrument, perspective, version, report_of) in enumerate(kinds):
            kid = conn.execute(insert(RoundInstrument).values(
                round_id=round_id, instrument=instrument, perspective=perspective,
                version=version, report_of=report_of, position=position,
            ).returning(RoundInstrument.id)).scalar_one()
            kind_ids.append((kid, instrument, perspective))
        conn.execute(insert(Pair), [
            {"round_id": round_id, "professional_code": p.professional_code,
             "client_code": p.client_code, "group_name": p.group, "sector": p.sector,
             "locale": p.locale, "roster_row": p.row} for p in roster.pairs])
        ids = {(pc, cc): pid for pid, pc, cc in conn.execute(
            select(Pair.id, Pair.professional_code, Pair.client_code)
            .where(Pair.round_id == round_id))}
        forms = []
        counts: dict[str, int] = {}
        for p in roster.pairs:
            for kid, instrument, perspective in kind_ids:
                if not _offers(p.sector, instrument, perspective):
                    continue
                forms.append({"key": form_key(), "round_id": round_id,
                              "pair_id": ids[(p.professional_code, p.client_code)],
                              "round_instrument_id": kid, "instrument": instrument,
                              "perspective": perspective, "sector": p.sector,
                              "locale": p.locale})
                label = f"{instrument}/{perspective}"
                counts[label] = counts.get(label, 0) + 1
        conn.execute(insert(Form), forms)
        names = _names(roster)
        if names:
            conn.execute(insert(Name), [{"round_id": round_id, "role": role, "code": code,
                                         "name": text} for (role, code), text in names.items()])
        for table in tables:
            from relscale.rounds.norms import store_norm_table

            conn.execute(insert(RoundNorm).values(
                round_id=round_id, norm_table_id=store_norm_table(conn, table)))
    return NewRound(name, len(roster.pairs), len(roster.professionals),
                    len({p.client_code for p in roster.pairs}), counts, len(names), notes)


def _names(roster: Roster) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for p in roster.pairs:
        if p.professional_name:
            names[("professional", p.professional_code)] = p.professional_name
        if p.client_name:
            names[("client", p.client_code)] = p.client_name
    return names


def _norm_table(path: Path | str, kinds: list[tuple[str, str, str, str]]) -> NormTable:
    from relscale.scoring.norms import read_norm_table

    table = read_norm_table(path)
    if (table.instrument, table.perspective) not in {(k[0], k[1]) for k in kinds}:
        raise RelscaleError(_(
            "{path}: norms for {instrument} ({perspective}), which this round does not use"
        ).format(path=path, instrument=table.instrument, perspective=table.perspective))
    return table

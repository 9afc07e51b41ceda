"""Measurement rounds: a roster in, a personalized form for every pair out, every answer
kept in the store, the professional's overview a coach works from (``docs/rounds.md``).

The functions (each takes an open :class:`relscale.store.engine.Store`, from
:func:`relscale.store.engine.open_store`)::

    from relscale.store.engine import open_store
    from relscale import rounds

    with open_store("relscale.db", create=True) as store:
        rounds.new_round(store, "spring-2027", "roster.csv",
                         instruments=["relationship_quality"], sector="education",
                         locale="nl")
        rounds.write_round_forms(store, "spring-2027", "forms/")
        rounds.collect(store, "spring-2027", ["filled/"])
        print(rounds.round_status(store, "spring-2027").returned)
        rounds.write_round_report(store, "spring-2027", "report.pdf")

Names are looked up on first use, so importing this package imports no SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Roster": "relscale.rounds.roster",
    "RosterErrors": "relscale.rounds.roster",
    "read_roster": "relscale.rounds.roster",
    "new_round": "relscale.rounds.create",
    "NewRound": "relscale.rounds.create",
    "get_round": "relscale.rounds.queries",
    "list_rounds": "relscale.rounds.queries",
    "round_counts": "relscale.rounds.queries",
    "RoundInfo": "relscale.rounds.queries",
    "NoSuchRound": "relscale.rounds.queries",
    "find_form": "relscale.rounds.record",
    "record_answers": "relscale.rounds.record",
    "record_submission": "relscale.rounds.record",
    "score_answers": "relscale.rounds.record",
    "record_online_submission": "relscale.rounds.online",
    "round_status": "relscale.rounds.status",
    "RoundStatus": "relscale.rounds.status",
    "write_round_forms": "relscale.rounds.forms",
    "round_form": "relscale.rounds.forms",
    "collect": "relscale.rounds.collect",
    "CollectReport": "relscale.rounds.collect",
    "round_overview": "relscale.rounds.overview",
    "pair_profiles": "relscale.rounds.overview",
    "write_round_report": "relscale.rounds.report",
    "export_round": "relscale.rounds.export",
    "delete_round": "relscale.rounds.manage",
    "forget_names": "relscale.rounds.manage",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'relscale.rounds' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

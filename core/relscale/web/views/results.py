"""Results: the professional overview (both perspectives per client), pair profiles and
change since an earlier round, for the coordinator (every professional) and the coach
(only the professionals assigned to them: anything else is 404, as if it did not exist).

The figures come from :func:`relscale.rounds.overview.round_overview`, the data
``relscale round report`` lays out, so the page and the report cannot disagree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from relscale.i18n import _, current_locale
from relscale.store.web_tables import COACH, COORDINATOR
from relscale.web import accounts
from relscale.web.http import Refused, client_key, page, require_user, store_of
from relscale.web.views.coordinator import round_by_id

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from relscale.rounds.queries import RoundInfo
    from relscale.scoring.overview import ProfessionalOverview, RoundOverview, ScoreView
    from relscale.store.engine import Store
    from relscale.web.accounts import StaffUser


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def fmt(view: ScoreView | None, what: str) -> str:
    """A score for a table cell: raw (two decimals), percentile (whole), band (words)."""
    from relscale.scoring.norms import band_label

    if view is None:
        return "–"
    if what == "raw":
        return "–" if math.isnan(view.raw) else f"{view.raw:.2f}"
    if what == "percentile":
        return "–" if math.isnan(view.percentile) else f"{view.percentile:.0f}"
    return band_label(view.band, current_locale()) if view.band else "–"


def bar_width(view: ScoreView | None) -> int:
    """The percentile as a width class (0, 5, ..., 100) for the profile's bars (the page's
    style sheet has a class per step: no inline style under the CSP)."""
    if view is None or math.isnan(view.percentile):
        return 0
    return int(round(max(0.0, min(100.0, view.percentile)) / 5) * 5)


def earlier_rounds(store: Store, info: RoundInfo) -> list[RoundInfo]:
    """Rounds made before this one, newest first (the change is measured against one)."""
    from relscale.rounds.queries import list_rounds

    return [r for r, _c in reversed(list_rounds(store))
            if (r.created_at, r.id) < (info.created_at, info.id)]


def overview(store: Store, info: RoundInfo, previous: RoundInfo | None) -> RoundOverview:
    from relscale.rounds.overview import round_overview

    return round_overview(store, info.name, previous=previous.name if previous else None,
                          locale=current_locale(), names=True, min_group=5)


def _previous(request: Request, store: Store, info: RoundInfo) -> tuple[RoundInfo | None,
                                                                        list[RoundInfo]]:
    choices = earlier_rounds(store, info)
    wanted = _int(request.query_params.get("previous"))
    if wanted is None:
        return (choices[0] if choices else None), choices
    return next((r for r in choices if r.id == wanted), None), choices


def _allowed(user: StaffUser, store: Store, code: str) -> bool:
    return user.role == COORDINATOR or code in accounts.assigned_codes(store, user.id)


def _context(user: StaffUser, store: Store, info: RoundInfo) -> dict[str, Any]:
    from relscale.web.links import round_pairs

    return {"fmt": fmt, "bar_width": bar_width,
            "base": "/rounds" if user.role == COORDINATOR else "/coach/rounds",
            "pair_ids": {(p.professional_code, p.client_code): p.id
                         for p in round_pairs(store, info.id)}}


def results_page(request: Request) -> Response:
    user = require_user(request, COORDINATOR)
    store = store_of(request)
    info = round_by_id(store, _int(request.path_params["round_id"]) or 0)
    previous, choices = _previous(request, store, info)
    data = overview(store, info, previous)
    accounts.audit(store, user, "view-results", round_name=info.name,
                   client=client_key(request))
    return page(request, "results.html", title=_("Results of {round}").format(round=info.name),
                round=info, data=data, previous=previous, choices=choices,
                pages=data.professionals, **_context(user, store, info))


def professional_page(request: Request) -> Response:
    """One professional's overview (coordinator, or a coach the professional is assigned to;
    ``?print=1``: one A4 page to print)."""
    user = require_user(request)
    store = store_of(request)
    code = request.path_params["code"]
    if not _allowed(user, store, code):
        raise Refused(404, _("Page not found"))
    info = round_by_id(store, _int(request.path_params["round_id"]) or 0)
    previous, choices = _previous(request, store, info)
    data = overview(store, info, previous)
    pages = [p for p in data.professionals if p.code == code]
    if not pages:
        raise Refused(404, _("Page not found"))
    accounts.audit(store, user, "view-professional", round_name=info.name, detail=code,
                   client=client_key(request))
    return page(request, "professional.html", title=pages[0].label, round=info, data=data,
                previous=previous, choices=choices, pages=pages, **_context(user, store, info))


def pair_page(request: Request) -> Response:
    """One pair's profile: every dimension from both perspectives, and the change."""
    from sqlalchemy import select

    from relscale.store.models import Pair

    user = require_user(request)
    store = store_of(request)
    info = round_by_id(store, _int(request.path_params["round_id"]) or 0)
    pair_id = _int(request.path_params["pair_id"]) or 0
    with store.read() as conn:
        row = conn.execute(select(Pair.professional_code, Pair.client_code).where(
            Pair.id == pair_id, Pair.round_id == info.id)).first()
    if row is None or not _allowed(user, store, row.professional_code):
        raise Refused(404, _("Page not found"))
    previous, choices = _previous(request, store, info)
    data = overview(store, info, previous)
    found: list[tuple[ProfessionalOverview, Any]] = [
        (p, pair) for p in data.professionals if p.code == row.professional_code
        for pair in p.pairs if pair.client_code == row.client_code]
    if not found:
        raise Refused(404, _("Page not found"))
    accounts.audit(store, user, "view-pair", round_name=info.name,
                   detail=f"{row.professional_code}/{row.client_code}",
                   client=client_key(request))
    return page(request, "pair.html", title=found[0][1].label, round=info, data=data,
                previous=previous, choices=choices, found=found, **_context(user, store, info))


def coach_home(request: Request) -> Response:
    """The coach's start page: their professionals in every round that has them."""
    from relscale.rounds.queries import list_rounds
    from relscale.web.links import round_pairs

    user = require_user(request, COACH)
    store = store_of(request)
    codes = accounts.assigned_codes(store, user.id)
    rows = []
    for info, _counts in reversed(list_rounds(store)):
        mine: dict[str, str | None] = {}
        for pair in round_pairs(store, info.id):
            if pair.professional_code in codes:
                mine.setdefault(pair.professional_code, pair.professional_name)
        if mine:
            rows.append((info, sorted(mine.items())))
    if rows:  # their professionals' names
        accounts.audit(store, user, "view-coach-home", detail=", ".join(sorted(codes)),
                       client=client_key(request))
    return page(request, "coach.html", title=_("My professionals"), rows=rows)


def coach_print(request: Request) -> Response:
    """Every assigned professional of a round, one A4 page each, to print."""
    user = require_user(request, COACH)
    store = store_of(request)
    info = round_by_id(store, _int(request.path_params["round_id"]) or 0)
    codes = accounts.assigned_codes(store, user.id)
    previous, choices = _previous(request, store, info)
    data = overview(store, info, previous)
    pages = [p for p in data.professionals if p.code in codes]
    if not pages:
        raise Refused(404, _("Page not found"))
    accounts.audit(store, user, "print-professionals", round_name=info.name,
                   detail=", ".join(p.code for p in pages), client=client_key(request))
    return page(request, "professional.html", title=_("Profiles of {round}").format(
        round=info.name), round=info, data=data, previous=previous, choices=choices,
        pages=pages, **_context(user, store, info))


def _routes() -> list:
    from starlette.routing import Route

    return [
        Route("/rounds/{round_id}/results", results_page, methods=["GET"]),
        Route("/rounds/{round_id}/professionals/{code}", professional_page, methods=["GET"]),
        Route("/rounds/{round_id}/pairs/{pair_id}", pair_page, methods=["GET"]),
        Route("/coach", coach_home, methods=["GET"]),
        Route("/coach/rounds/{round_id}/professionals/{code}", professional_page,
              methods=["GET"]),
        Route("/coach/rounds/{round_id}/pairs/{pair_id}", pair_page, methods=["GET"]),
        Route("/coach/rounds/{round_id}/print", coach_print, methods=["GET"]),
    ]


ROUTES = _routes()

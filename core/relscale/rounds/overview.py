"""The data of a round's report, from the store: per professional every client's scores
from both perspectives (:class:`relscale.scoring.overview.RoundOverview`), and per pair the
profile page's data (:class:`relscale.scoring.profile.ProfileSet`).

The newest version of each form counts. With ``previous``, a pair of the earlier round is
the pair with the same professional and client codes, and the change of each dimension
gets the reliable change index from the norm table the later score was placed with.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relscale.i18n import _
from relscale.scoring.overview import (
    GroupSummary,
    PairOverview,
    ProfessionalOverview,
    RoundOverview,
    ScoreView,
    add_changes,
    mean,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from relscale.model.models import NormTable
    from relscale.scoring.profile import ProfileSet
    from relscale.store.engine import Store

Key = tuple[str, str, str, str]
"""(professional code, client code, professional instrument, perspective)."""


@dataclass
class _Current:
    scores: dict[Key, dict[str, ScoreView]]
    tables: dict[int, NormTable]


def current_scores(conn: Connection, round_id: int) -> _Current:
    """The scores of the newest version of every returned form of a round."""
    from sqlalchemy import func, select

    from relscale.rounds.norms import load_norm_table
    from relscale.store.models import Form, Pair, RoundInstrument, Score, Submission

    newest = (select(Submission.form_id, func.max(Submission.version).label("version"))
              .join(Form, Form.id == Submission.form_id).where(Form.round_id == round_id)
              .group_by(Submission.form_id).subquery())
    rows = conn.execute(
        select(Pair.professional_code, Pair.client_code, RoundInstrument.report_of,
               Form.perspective, Score.dimension, Score.raw, Score.percentile, Score.band,
               Score.norm_table_id)
        .select_from(Form)
        .join(Pair, Pair.id == Form.pair_id)
        .join(RoundInstrument, RoundInstrument.id == Form.round_instrument_id)
        .join(newest, newest.c.form_id == Form.id)
        .join(Submission, (Submission.form_id == Form.id)
              & (Submission.version == newest.c.version))
        .join(Score, Score.submission_id == Submission.id)
        .where(Form.round_id == round_id)).all()
    tables: dict[int, NormTable] = {}
    scores: dict[Key, dict[str, ScoreView]] = defaultdict(dict)
    nan = float("nan")
    for prof, client, report_of, perspective, dim, raw, pct, band, tid in rows:
        if tid is not None and tid not in tables:
            tables[tid] = load_norm_table(conn, tid)
        scores[(prof, client, report_of, perspective)][dim] = ScoreView(
            nan if raw is None else raw, nan if pct is None else pct, band,
            tables.get(tid) if tid is not None else None)
    return _Current(dict(scores), tables)


def _names(conn: Connection, round_id: int) -> dict[tuple[str, str], str]:
    from sqlalchemy import select

    from relscale.store.models import Name

    return {(role, code): name for role, code, name in conn.execute(
        select(Name.role, Name.code, Name.name).where(Name.round_id == round_id))}


def round_overview(store: Store, name: str, *, previous: str | None = None,
                   locale: str = "en", names: bool = True, min_group: int = 5
                   ) -> RoundOverview:
    """Everything the report's overview pages and organization summary show.

    :param previous: an earlier round to compare with (pairs matched on their codes).
    :param names: put the names the store holds beside the codes.
    :param min_group: the organization summary leaves out groups with fewer scored pairs.
    """
    from sqlalchemy import select

    from relscale.rounds.queries import get_round
    from relscale.store.models import Pair

    with store.read() as conn:
        round_ = get_round(conn, name, store)
        pairs = conn.execute(select(Pair.professional_code, Pair.client_code,
                                    Pair.group_name, Pair.sector)
                             .where(Pair.round_id == round_.id)
                             .order_by(Pair.group_name, Pair.professional_code,
                                       Pair.client_code)).all()
        now = current_scores(conn, round_.id)
        known = _names(conn, round_.id) if names else {}
        before = None
        if previous is not None:
            earlier = get_round(conn, previous, store)
            before = current_scores(conn, earlier.id)
    professionals: list[ProfessionalOverview] = []
    used: dict[int, NormTable] = {}
    for inst in round_.instruments:
        if inst.perspective != "professional":
            continue
        client_inst = next((i.instrument for i in round_.instruments
                            if i.perspective == "client" and i.report_of == inst.instrument),
                           None)
        by_prof: dict[str, ProfessionalOverview] = {}
        for prof, client, group, sector in pairs:
            page = by_prof.get(prof)
            if page is None:
                page = by_prof[prof] = _page(prof, known.get(("professional", prof)),
                                             inst.instrument, client_inst, sector, locale)
                professionals.append(page)
            if group and group not in page.groups:
                page.groups.append(group)
            pair = PairOverview(prof, client, known.get(("client", client)), group)
            for perspective, target in (("professional", "professional"),
                                        ("client", "client")):
                key = (prof, client, inst.instrument, perspective)
                setattr(pair, target, dict(now.scores.get(key, {})))
                if before is not None:
                    setattr(pair, f"before_{target}", dict(before.scores.get(key, {})))
            add_changes(pair)
            for view in (*pair.professional.values(), *pair.client.values()):
                if view.table is not None:
                    used[id(view.table)] = view.table
            page.pairs.append(pair)
    groups, total, hidden = _summary(professionals, min_group)
    return RoundOverview(
        round=round_.name, previous=previous, professionals=professionals, groups=groups,
        total=total, hidden_groups=hidden, min_group=min_group,
        norms=_describe(used.values(), locale), rci_basis=_rci_basis(professionals, locale),
        statuses={t.population.status for t in used.values()}, names=bool(known),
        notice=_notice(round_.instruments[0].instrument, round_.sector, locale))


def _page(code: str, name: str | None, instrument: str, client: str | None, sector: str,
          locale: str) -> ProfessionalOverview:
    from relscale.rounds.record import adapted_for

    prof = adapted_for(instrument, sector, "professional", locale)
    dims = list(prof.dimensions)
    client_dims: tuple[str, ...] = ()
    if client is not None:
        try:
            other = adapted_for(client, sector, "client", locale)
        except Exception:
            other = None
        if other is not None:
            client_dims = tuple(d.id for d in other.dimensions)
            dims += [d for d in other.dimensions if d.id not in {x.id for x in dims}]
    return ProfessionalOverview(
        code=code, name=name, groups=[], instrument=instrument, client_instrument=client,
        sector=sector,
        dimensions=tuple(dims), professional_dimensions=tuple(d.id for d in prof.dimensions),
        client_dimensions=client_dims, respondent=prof.respondent, subject=prof.subject)


def _notice(instrument: str, sector: str, locale: str) -> str:
    from relscale.rounds.record import adapted_for

    return adapted_for(instrument, sector, "professional", locale).notice


def _describe(tables: Any, locale: str) -> list[str]:
    from relscale.scoring.norms import describe_norms

    return sorted({describe_norms(t, locale) for t in tables})


def _rci_basis(pages: list[ProfessionalOverview], locale: str) -> list[str]:
    """One line per norm table an RCI took its SD and reliability from."""
    from relscale.messages import format_number
    from relscale.scoring.norms import describe_norms

    seen: dict[str, set[str]] = {}
    tables: dict[str, NormTable] = {}
    for page in pages:
        for pair in page.pairs:
            for change in pair.changes:
                table = change.after.table
                if table is None:
                    continue
                key = describe_norms(table, locale)
                tables[key] = table
                seen.setdefault(key, set()).add(change.dimension)
    lines = []
    for key in sorted(seen):
        parts = []
        for d in sorted(seen[key]):
            norm = tables[key].dimension(d)
            if norm is None or norm.reliability is None:
                parts.append(_("{dimension}: no reliability").format(dimension=d))
                continue
            parts.append(_("{dimension}: SD {sd}, reliability {r}").format(
                dimension=d, sd=format_number(norm.sd, locale),
                r=format_number(norm.reliability, locale)))
        lines.append(f"{key} — " + "; ".join(parts))
    return lines


def _summary(pages: list[ProfessionalOverview], min_group: int
             ) -> tuple[list[GroupSummary], GroupSummary | None, int]:
    by_group: dict[str, list[PairOverview]] = defaultdict(list)
    for page in pages:
        for pair in page.pairs:
            by_group[pair.group or ""].append(pair)
    shown, hidden = [], 0
    for group in sorted(by_group):
        line = _group_line(group, by_group[group])
        if line.scored < min_group:
            hidden += 1
            continue
        shown.append(line)
    every = [p for pairs in by_group.values() for p in pairs]
    total = _group_line(_("all groups"), every)
    return shown, (total if total.scored >= min_group else None), hidden


def _group_line(group: str, pairs: list[PairOverview]) -> GroupSummary:
    means: dict[tuple[str, str], float] = {}
    dims: dict[tuple[str, str], list[float]] = defaultdict(list)
    up = down = 0
    for pair in pairs:
        for perspective, views in (("professional", pair.professional),
                                   ("client", pair.client)):
            for d, v in views.items():
                dims[(perspective, d)].append(v.percentile)
        for c in pair.reliable_changes:
            if c.difference > 0:
                up += 1
            else:
                down += 1
    for key, values in dims.items():
        means[key] = mean(values)
    scored = sum(1 for p in pairs if p.professional)
    return GroupSummary(group, len(pairs), scored, means, up, down)


def pair_profiles(store: Store, name: str, *, professional: str | None = None,
                  previous: str | None = None, locale: str = "en") -> list[ProfileSet]:
    """The profile pages' data (:mod:`relscale.workbooks.profile`) for the pairs of a
    round, one :class:`~relscale.scoring.profile.ProfileSet` per professional instrument
    (and sector); only ``professional``'s pairs when given."""
    from relscale.rounds.record import adapted_for
    from relscale.scoring.profile import profiles_from_views

    overview = round_overview(store, name, previous=previous, locale=locale, names=False,
                              min_group=0)
    sets = []
    for page in overview.professionals:
        if professional is not None and page.code != professional:
            continue
        prof = adapted_for(page.instrument, page.sector, "professional", locale)
        client = None
        if page.client_instrument is not None and page.client_dimensions:
            client = adapted_for(page.client_instrument, page.sector, "client", locale)
        made = profiles_from_views(page, prof, client, locale, wave=overview.round,
                                   before_wave=previous)
        if made is not None:
            sets.append(made)
    return sets

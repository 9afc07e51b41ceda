"""``round status``: forms returned and expected, per group and professional, and which
forms are still out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relscale.rounds.queries import RoundInfo
    from relscale.store.engine import Store


@dataclass(frozen=True)
class OutstandingForm:
    key: str
    professional_code: str
    client_code: str
    instrument: str
    perspective: str
    file: str | None


@dataclass
class ProfessionalStatus:
    code: str
    name: str | None
    group: str | None
    expected: int = 0
    returned: int = 0
    outstanding: list[OutstandingForm] = field(default_factory=list)


@dataclass
class GroupStatus:
    group: str | None
    professionals: list[ProfessionalStatus] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(p.expected for p in self.professionals)

    @property
    def returned(self) -> int:
        return sum(p.returned for p in self.professionals)


@dataclass
class RoundStatus:
    round: RoundInfo
    groups: list[GroupStatus]

    @property
    def expected(self) -> int:
        return sum(g.expected for g in self.groups)

    @property
    def returned(self) -> int:
        return sum(g.returned for g in self.groups)

    @property
    def outstanding(self) -> list[OutstandingForm]:
        return [f for g in self.groups for p in g.professionals for f in p.outstanding]


def round_status(store: Store, name: str, *, names: bool = True) -> RoundStatus:
    """Returned / expected forms per group and professional (a form counts as returned
    once any version of it is stored), and the forms still out.

    A professional in two groups is listed in each. With ``names``, professionals' names
    (where stored) come along.
    """
    from sqlalchemy import exists, select

    from relscale.rounds.queries import get_round
    from relscale.store.models import Form, Name, Pair, Submission

    with store.read() as conn:
        round_ = get_round(conn, name, store)
        returned = exists().where(Submission.form_id == Form.id)
        rows = conn.execute(
            select(Pair.group_name, Pair.professional_code, Pair.client_code, Form.key,
                   Form.instrument, Form.perspective, Form.file, returned)
            .join(Pair, Pair.id == Form.pair_id).where(Form.round_id == round_.id)
            .order_by(Pair.group_name, Pair.professional_code, Pair.client_code,
                      Form.round_instrument_id)).all()
        known: dict[str, str] = {}
        if names:
            known = dict(conn.execute(select(Name.code, Name.name).where(
                Name.round_id == round_.id, Name.role == "professional")).all())
    groups: dict[str | None, GroupStatus] = {}
    people: dict[tuple[str | None, str], ProfessionalStatus] = {}
    for group, prof, client, key, instrument, perspective, file, done in rows:
        g = groups.setdefault(group, GroupStatus(group))
        p = people.get((group, prof))
        if p is None:
            p = people[(group, prof)] = ProfessionalStatus(prof, known.get(prof), group)
            g.professionals.append(p)
        p.expected += 1
        if done:
            p.returned += 1
        else:
            p.outstanding.append(OutstandingForm(key, prof, client, instrument, perspective,
                                                 file))
    ordered = sorted(groups.values(), key=lambda g: (g.group is None, g.group or ""))
    return RoundStatus(round_, ordered)

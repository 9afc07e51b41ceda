"""A demo store for ``relscale serve --demo``: two rounds of a small school on the built-in
content (education, relationship quality), most forms answered with simulated answers,
a few left open with links, a coordinator and a coach. Everything in it is made up."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from relscale.errors import RelscaleError
from relscale.i18n import _

if TYPE_CHECKING:
    from relscale.store.engine import Store

PROFESSIONALS = (("T01", "Ms Jansen", "Group 5a"), ("T02", "Mr de Vries", "Group 6b"))
CLIENTS = ("Sam", "Noor", "Daan", "Lotte", "Finn", "Yara", "Milan", "Sara")
ROUNDS = ("Demo autumn", "Demo spring")


@dataclass
class DemoInfo:
    coordinator: tuple[str, str]
    coach: tuple[str, str]
    links: list[tuple[str, str]] = field(default_factory=list)
    """(who, token) of the forms left open."""

    def lines(self, base: str) -> list[str]:
        out = [
            _("Sign in at {url} as coordinator {user!r} (password {password!r}) or as coach "
              "{coach!r} (password {coach_password!r}).").format(
                url=f"{base}/login", user=self.coordinator[0], password=self.coordinator[1],
                coach=self.coach[0], coach_password=self.coach[1]),
        ]
        out += [_("Questionnaire for {who}: {url}").format(who=who, url=f"{base}/r/{token}")
                for who, token in self.links]
        return out


def _roster(folder: Path) -> Path:
    path = folder / "demo-roster.csv"
    rows = ["professional_code,professional_name,client_code,client_name,group,locale"]
    for p, (code, name, group) in enumerate(PROFESSIONALS):
        for c in range(4):
            client = CLIENTS[p * 4 + c]
            rows.append(f"{code},{name},C{p * 4 + c + 1:02d},{client},{group},"
                        f"{'nl' if c == 3 else 'en'}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _check_empty(store: Store) -> None:
    """The demo fills a new store only: its accounts have passwords printed on the
    terminal, and its made-up rounds do not belong among an organization's."""
    from sqlalchemy import func, select

    from relscale.store.models import Round
    from relscale.store.web_tables import User

    with store.read() as conn:
        used = sum(conn.execute(select(func.count()).select_from(table)).scalar_one()
                   for table in (Round, User))
    if used:
        raise RelscaleError(_("{store}: --demo fills a new store, and this one has rounds or "
                              "accounts; leave out --db (a temporary store is made)").format(
            store=store.shown))


def make_demo(store: Store, *, seed: int = 2027) -> DemoInfo:
    """Fill an empty store with the demo rounds and accounts."""
    import tempfile

    import numpy as np
    from sqlalchemy import select

    from relscale.rounds.create import new_round
    from relscale.rounds.online import record_online_submission
    from relscale.rounds.record import adapted_for
    from relscale.store.models import Form, Pair, Round
    from relscale.store.web_tables import COACH, COORDINATOR
    from relscale.web.accounts import create_user, set_assignments
    from relscale.web.links import issue_links

    _check_empty(store)
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="relscale-demo-") as tmp:
        roster = _roster(Path(tmp))
        for name in ROUNDS:
            new_round(store, name, roster, instruments=["relationship_quality"],
                      sector="education", locale="en")
    # every pair's tendency, so both rounds and both perspectives tell one story
    tendency = {f"C{k + 1:02d}": rng.normal(0, 0.8) for k in range(len(CLIENTS))}
    with store.write() as conn:
        forms = conn.execute(select(Form.id, Form.instrument, Form.perspective, Form.sector,
                                    Form.locale, Pair.client_code, Round.name)
                             .join(Pair, Pair.id == Form.pair_id)
                             .join(Round, Round.id == Form.round_id)).all()
        open_forms: set[int] = set()
        for f in forms:
            later = f.name == ROUNDS[1]
            if later and f.client_code in ("C01", "C05"):
                open_forms.add(f.id)
                continue
            adapted = adapted_for(f.instrument, f.sector, f.perspective, f.locale)
            lo, hi = adapted.scale.min, adapted.scale.max
            shift = tendency[f.client_code] + (0.6 if later and f.client_code == "C02" else 0)
            answers = {}
            for item in adapted.items:
                keyed = 1 if item.keying == "+" else -1
                centre = (lo + hi) / 2 + keyed * shift * (hi - lo) / 4 + 0.4
                answers[item.id] = int(np.clip(round(centre + rng.normal(0, 0.7)), lo, hi))
            record_online_submission(conn, f.id, answers, source="demo")
    links = issue_links(store, ROUNDS[1], days=30, form_ids=open_forms)
    coordinator = ("demo", secrets.token_urlsafe(9))
    coach = ("coach", secrets.token_urlsafe(9))
    create_user(store, coordinator[0], "Demo coordinator", COORDINATOR, coordinator[1])
    made = create_user(store, coach[0], "Demo coach", COACH, coach[1])
    set_assignments(store, made.id, {PROFESSIONALS[0][0]})
    info = DemoInfo(coordinator, coach)
    for link in links:
        who = link.respondent_name or link.client_code
        info.links.append((f"{who} ({link.perspective})", link.token))
    return info

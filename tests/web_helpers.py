"""Shared by the page's tests: a store with a round, accounts, a test client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery"
ROSTER = """professional_code,professional_name,client_code,client_name,group,locale
T01,Ms Jansen,C01,Sam,Group 5a,en
T01,Ms Jansen,C02,Noor,Group 5a,nl
T02,Mr de Vries,C03,Daan,Group 6b,en
T02,Mr de Vries,C04,Lotte,Group 6b,nl
"""


def write_roster(folder: Path, text: str = ROSTER, name: str = "roster.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Site:
    store: Any
    app: Any
    coordinator: Any
    coach: Any
    other_coach: Any


def make_site(db: str, *, config: Any = None) -> Site:
    from relscale.store.engine import open_store
    from relscale.store.web_tables import COACH, COORDINATOR
    from relscale.web.accounts import create_user, set_assignments
    from relscale.web.app import create_app

    store = open_store(db, create=True)
    coordinator = create_user(store, "coord", "Coordinator Anna", COORDINATOR, PASSWORD)
    coach = create_user(store, "coach1", "Coach Bram", COACH, PASSWORD)
    other = create_user(store, "coach2", "Coach Cees", COACH, PASSWORD)
    set_assignments(store, coach.id, {"T01"})
    set_assignments(store, other.id, {"T02"})
    return Site(store, create_app(store, config), coordinator, coach, other)


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf": csrf_of(page.text), "next": "/"},
                       follow_redirects=False)

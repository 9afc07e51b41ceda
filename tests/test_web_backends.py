"""The respondent's path and the coach's view on SQLite and on a real PostgreSQL server
(the answer's upsert is written per dialect)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from web_helpers import csrf_of, make_site, sign_in, write_roster

from rounds_helpers import store_url  # noqa: F401 (the fixture)


def test_answers_are_saved_changed_and_sent_once_on_each_backend(store_url: str,  # noqa: F811
                                                                 tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from relscale.rounds.create import new_round
    from relscale.store.models import Answer, Submission
    from relscale.store.web_tables import OnlineAnswer
    from relscale.web.links import issue_links

    site: Any = make_site(store_url)
    try:
        new_round(site.store, "R", write_roster(tmp_path), instruments=["relationship_quality"],
                  sector="education", locale="en")
        made = issue_links(site.store, "R", days=1)
        child = next(link for link in made if link.perspective == "client")
        client = TestClient(site.app)
        page = client.get(f"/r/{child.token}")
        token = csrf_of(page.text)
        items = list(dict.fromkeys(re.findall(r'name="item" value="([^"]+)"', page.text)))
        for item in items:
            assert client.post(f"/r/{child.token}/answer", data={
                "csrf": token, "item": item, "value": "2"}).status_code in (200, 303)
        client.post(f"/r/{child.token}/answer", data={"csrf": token, "item": items[0],
                                                       "value": "4"})
        with site.store.read() as conn:
            assert conn.execute(select(func.count()).select_from(OnlineAnswer)).scalar_one() \
                == len(items)
        assert client.post(f"/r/{child.token}/finish", data={"csrf": token}).status_code == 200
        assert client.post(f"/r/{child.token}/finish", data={"csrf": token}).status_code == 410
        with site.store.read() as conn:
            assert conn.execute(select(func.count()).select_from(Submission)).scalar_one() == 1
            values = dict(conn.execute(select(Answer.item, Answer.value)).all())
        assert values[items[0]] == 4 and sorted(values.values())[:-1] == [2] * (len(items) - 1)
        coach = TestClient(site.app)
        assert sign_in(coach, "coach1").status_code == 303
        assert "Ms Jansen" in coach.get("/coach").text
    finally:
        site.store.close()

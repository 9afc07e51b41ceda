"""The page through Starlette's test client: sign-in, rounds, links, answers, refusals,
security headers, coaches' limits, the audit log (browser tests: test_web_browser.py)."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("sqlalchemy")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from web_helpers import PASSWORD, ROSTER, csrf_of, make_site, sign_in, write_roster

from relscale.web.app import WebConfig


@pytest.fixture
def site(tmp_path: Path) -> Any:
    made = make_site(str(tmp_path / "site.db"), config=WebConfig(slow_down_s=0.2))
    yield made
    made.store.close()


def coordinator(site: Any) -> TestClient:
    client = TestClient(site.app)
    assert sign_in(client, "coord").status_code == 303
    return client


def new_round(client: TestClient, tmp_path: Path, name: str = "Spring",
              roster: str = ROSTER) -> Any:
    token = csrf_of(client.get("/rounds").text)
    path = write_roster(tmp_path, roster)
    return client.post("/rounds", data={
        "csrf": token, "name": name, "sector": "education", "locale": "en",
        "instrument": "relationship_quality"},
        files={"roster": ("roster.csv", path.read_bytes(), "text/csv")},
        follow_redirects=False)


LINK = re.compile(r'href="http://testserver(/r/[^"]+)" class="respondent-link" data-form="(\d+)" '
                  r'data-perspective="(\w+)" data-client="(\w+)"')


def make_links(client: TestClient, round_url: str) -> list[tuple[str, str, str]]:
    token = csrf_of(client.get(round_url).text)
    page = client.post(round_url + "/links", data={"csrf": token})
    assert page.status_code == 200
    return [(url, perspective, client_code) for url, _f, perspective, client_code
            in LINK.findall(page.text)]


def answer_all(client: TestClient, url: str, value: str = "2") -> int:
    page = client.get(url)
    token = csrf_of(page.text)
    items = re.findall(r'name="item" value="([^"]+)"', page.text) or \
        re.findall(r'name="a\.([^"]+)"', page.text)
    items = list(dict.fromkeys(items))
    for item in items:
        saved = client.post(url + "/answer", data={"csrf": token, "item": item, "value": value},
                            headers={"Accept": "application/json"})
        assert saved.status_code == 200, saved.text
    return len(items)


@pytest.fixture
def round_url(site: Any, tmp_path: Path) -> str:
    made = new_round(coordinator(site), tmp_path)
    assert made.status_code == 303
    return str(made.headers["location"])


def test_sign_in_wrong_password_then_right(site: Any) -> None:
    client = TestClient(site.app)
    wrong = sign_in(client, "coord", "not the password")
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = sign_in(client, "coord")
    assert right.status_code == 303 and right.headers["location"] == "/rounds"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/rounds").status_code == 200


def test_staff_pages_need_sign_in(site: Any) -> None:
    client = TestClient(site.app)
    page = client.get("/rounds", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_post_without_csrf_token_is_refused(site: Any, tmp_path: Path) -> None:
    client = coordinator(site)
    path = write_roster(tmp_path)
    refused = client.post("/rounds", data={"name": "X", "sector": "education", "locale": "en"},
                          files={"roster": ("r.csv", path.read_bytes(), "text/csv")})
    assert refused.status_code == 403
    forged = client.post("/rounds", data={"csrf": "forged", "name": "X"},
                         files={"roster": ("r.csv", path.read_bytes(), "text/csv")})
    assert forged.status_code == 403
    from relscale.rounds.queries import list_rounds

    assert list_rounds(site.store) == []
    # sign-in and the respondent's answer are posts too
    assert TestClient(site.app).post("/login", data={"username": "coord",
                                                     "password": PASSWORD}).status_code == 403


def test_post_from_another_origin_is_refused(site: Any) -> None:
    client = coordinator(site)
    token = csrf_of(client.get("/users").text)
    refused = client.post("/users", data={"csrf": token, "username": "x", "name": "x",
                                          "role": "coach", "password": PASSWORD},
                          headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403


def test_roster_problems_are_shown_per_row(site: Any, tmp_path: Path) -> None:
    client = coordinator(site)
    bad = ROSTER + "T01,Ms Jansen,C01,Sam,Group 5a,en\nT03,,,,Group 6b,en\n"
    page = new_round(client, tmp_path, roster=bad)
    assert page.status_code == 400
    problems = re.findall(r"<li>([^<]*)</li>", page.text.split('class="problems"')[1])
    assert len(problems) >= 2
    assert any("row 6" in p for p in problems) and any("row 7" in p for p in problems)


def test_round_links_answers_and_send(site: Any, round_url: str) -> None:
    client = coordinator(site)
    links = make_links(client, round_url)
    assert len(links) == 8  # 4 pairs x (teacher's form, child's form)
    child = next(url for url, perspective, code in links if perspective == "client")
    respondent = TestClient(site.app)
    n = answer_all(respondent, child, "3")
    assert n == 16
    page = respondent.get(child)
    assert page.text.count('aria-pressed="true"') == 16
    sent = respondent.post(child + "/finish", data={"csrf": csrf_of(page.text)})
    assert sent.status_code == 200 and "Thank you" in sent.text
    from sqlalchemy import func, select

    from relscale.store.models import Answer, Submission

    with site.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(Submission)).scalar_one() == 1
        values = conn.execute(select(Answer.value)).scalars().all()
    assert values == [3] * 16
    # the link is used up: refused to read and to answer
    assert respondent.get(child).status_code == 410
    again = respondent.post(child + "/answer", data={"csrf": csrf_of(page.text),
                                                      "item": "rqc01", "value": "1"})
    assert again.status_code == 410


def test_answer_not_of_the_form_is_refused(site: Any, round_url: str) -> None:
    links = make_links(coordinator(site), round_url)
    url = links[0][0]
    client = TestClient(site.app)
    token = csrf_of(client.get(url).text)
    for item, value in (("nope", "2"), ("rq01", "99"), ("rq01", "x")):
        answer = client.post(url + "/answer", data={"csrf": token, "item": item, "value": value})
        assert answer.status_code == 400


def test_revoked_and_expired_links_are_refused(site: Any, round_url: str) -> None:
    from sqlalchemy import update

    from relscale.store.web_tables import RespondentLink
    from relscale.web.accounts import now

    client = coordinator(site)
    links = make_links(client, round_url)
    first, second = links[0][0], links[1][0]
    token = csrf_of(client.get(round_url).text)
    assert client.post(round_url + "/links/revoke", data={"csrf": token},
                       follow_redirects=False).status_code == 303
    assert TestClient(site.app).get(first).status_code == 410
    fresh = make_links(client, round_url)
    with site.store.write() as conn:
        conn.execute(update(RespondentLink).where(RespondentLink.revoked_at.is_(None))
                     .values(expires_at=now().replace(year=2020)))
    expired = TestClient(site.app).get(fresh[0][0])
    assert expired.status_code == 410 and "no longer works" in expired.text
    assert TestClient(site.app).get("/r/" + "A" * 24).status_code == 404
    assert second != fresh[1][0]


def test_wrong_codes_are_slowed_down(site: Any, round_url: str) -> None:
    client = TestClient(site.app)
    token = csrf_of(client.get("/code").text)
    statuses, slow = [], []
    for k in range(20):
        start = time.monotonic()
        reply = client.post("/code", data={"csrf": token, "code": f"WRONG{k:03d}"})
        statuses.append(reply.status_code)
        slow.append(time.monotonic() - start)
    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429] * 10
    assert min(slow[10:]) >= 0.2


def test_a_right_code_opens_the_questionnaire_and_retires_the_old_link(site: Any,
                                                                      round_url: str) -> None:
    from relscale.web.links import issue_links

    made = issue_links(site.store, "Spring", days=30)
    client = TestClient(site.app)
    token = csrf_of(client.get("/code").text)
    code = made[0].code
    typed = f"{code[:4].lower()}-{code[4:]} "
    reply = client.post("/code", data={"csrf": token, "code": typed}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/r/")
    assert client.get(reply.headers["location"]).status_code == 200
    assert client.get(f"/r/{made[0].token}").status_code == 404


def test_sign_in_attempts_are_limited(site: Any) -> None:
    client = TestClient(site.app)
    statuses = [sign_in(client, "coord", f"wrong{k}").status_code for k in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_security_headers(site: Any) -> None:
    client = TestClient(site.app)
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and " style=" not in page.text
    csrf_cookie = page.headers["set-cookie"]
    assert "HttpOnly" in csrf_cookie and "SameSite=Strict" in csrf_cookie
    https = TestClient(site.app, base_url="https://testserver")
    assert "Secure" in https.get("/login").headers["set-cookie"]
    assert "strict-transport-security" in https.get("/login").headers


def test_no_page_has_inline_script_or_style(site: Any, round_url: str) -> None:
    client = coordinator(site)
    links = make_links(client, round_url)
    pages = [client.get(u).text for u in ("/rounds", round_url, round_url + "/pairs",
                                          round_url + "/manage", round_url + "/collect",
                                          "/users", "/audit")]
    pages.append(TestClient(site.app).get(links[0][0]).text)
    pages.append(TestClient(site.app).get(links[1][0]).text)
    for html in pages:
        assert re.search(r"<script(?![^>]*\bsrc=\"/static/)", html) is None
        assert re.search(r"\son\w+=", html) is None
        assert " style=" not in html
        assert "http://" not in html.replace("http://testserver", "")


def test_language_from_browser_and_switch(site: Any) -> None:
    client = TestClient(site.app)
    dutch = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert '<html lang="nl">' in dutch.text and "Inloggen" in dutch.text
    english = client.get("/login", headers={"Accept-Language": "de, en;q=0.5"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    client.get("/lang/nl?next=/login")
    assert "Inloggen" in client.get("/login", headers={"Accept-Language": "en"}).text
    assert client.get("/lang/nl?next=//evil.example", follow_redirects=False
                      ).headers["location"] == "/"


def test_respondent_page_in_the_forms_language(site: Any, round_url: str) -> None:
    links = make_links(coordinator(site), round_url)
    dutch_child = next(url for url, perspective, code in links
                       if perspective == "client" and code == "C02")
    page = TestClient(site.app).get(dutch_child, headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text and "Stelling 1 van" in page.text


def coach(site: Any, username: str) -> TestClient:
    client = TestClient(site.app)
    assert sign_in(client, username).status_code == 303
    return client


def test_coach_sees_only_assigned_professionals(site: Any, round_url: str) -> None:
    round_id = round_url.rsplit("/", 1)[1]
    mine, other = coach(site, "coach1"), coach(site, "coach2")
    home = mine.get("/coach").text
    assert "Ms Jansen" in home and "Mr de Vries" not in home
    assert mine.get(f"/coach/rounds/{round_id}/professionals/T01").status_code == 200
    assert mine.get(f"/coach/rounds/{round_id}/professionals/T02").status_code == 404
    assert other.get(f"/coach/rounds/{round_id}/professionals/T01").status_code == 404
    # pairs of another coach's professional: 404, and no name of theirs anywhere
    from relscale.web.links import round_pairs

    pairs = {p.client_code: p.id for p in round_pairs(site.store, int(round_id))}
    assert mine.get(f"/coach/rounds/{round_id}/pairs/{pairs['C03']}").status_code == 404
    assert mine.get(f"/coach/rounds/{round_id}/pairs/{pairs['C01']}").status_code == 200
    seen = "".join(mine.get(u).text for u in (
        "/coach", f"/coach/rounds/{round_id}/professionals/T01",
        f"/coach/rounds/{round_id}/print", f"/coach/rounds/{round_id}/professionals/T02",
        f"/coach/rounds/{round_id}/pairs/{pairs['C03']}", f"/coach/rounds/{round_id}/pairs/999"))
    for name in ("Mr de Vries", "Daan", "Lotte"):
        assert name not in seen
    assert "Sam" in seen and "Noor" in seen
    # and none of the coordinator's pages
    assert mine.get(round_url).status_code == 404
    assert mine.get("/audit").status_code == 404


def test_views_of_names_are_in_the_audit_log(site: Any, round_url: str) -> None:
    client = coordinator(site)
    round_id = round_url.rsplit("/", 1)[1]
    client.get(round_url + "/pairs")
    coach(site, "coach1").get(f"/coach/rounds/{round_id}/professionals/T01")
    log = client.get("/audit").text
    assert "view-pairs" in log and "view-professional" in log and "coach1" in log
    assert "round-new" in log


def test_export_download_is_audited(site: Any, round_url: str) -> None:
    pytest.importorskip("relscale.rounds.export")
    client = coordinator(site)
    token = csrf_of(client.get(round_url + "/manage").text)
    got = client.post(round_url + "/export", data={"csrf": token, "format": ".csv",
                                                   "layout": "long"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "Sam" not in got.text
    assert "export" in client.get("/audit").text


def test_delete_round_needs_its_name(site: Any, round_url: str) -> None:
    pytest.importorskip("relscale.rounds.manage")
    client = coordinator(site)
    token = csrf_of(client.get(round_url + "/manage").text)
    assert client.post(round_url + "/delete", data={"csrf": token, "confirm": "nope"}
                       ).status_code == 400
    done = client.post(round_url + "/delete", data={"csrf": token, "confirm": "Spring"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert client.get(round_url).status_code == 404


def test_forms_zip_then_upload_filled_forms_with_a_result_per_file(site: Any, round_url: str,
                                                                    tmp_path: Path) -> None:
    import io
    import zipfile

    from helpers import fill_with_openpyxl, random_answers
    from relscale.rounds.record import adapted_for

    client = coordinator(site)
    token = csrf_of(client.get(round_url + "/manage").text)
    got = client.post(round_url + "/forms.zip", data={"csrf": token})
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    forms = [n for n in archive.namelist() if n.endswith(".xlsx") and "/T01/" in f"/{n}"]
    assert len(forms) == 4, archive.namelist()  # T01: 2 clients x 2 perspectives
    professional = next(n for n in forms if "C01" in n and n.endswith("_professional.xlsx"))
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(archive.read(professional))
    adapted = adapted_for("relationship_quality", "education", "professional", "en")
    filled = tmp_path / "filled.xlsx"
    fill_with_openpyxl(blank, filled, random_answers(adapted.item_ids, 1, 5))
    upload = client.post(round_url + "/collect", data={"csrf": token}, files=[
        ("files", ("T01-C01.xlsx", filled.read_bytes(), "application/octet-stream")),
        ("files", ("broken.xlsx", b"not a workbook", "application/octet-stream")),
        ("files", ("notes.pdf", b"%PDF", "application/pdf")),
    ])
    assert upload.status_code == 400  # one file or more was not stored
    rows = re.findall(r'<tr class="(ok|error)"><td>([^<]+)</td>', upload.text)
    assert rows == [("ok", "T01-C01.xlsx"), ("error", "broken.xlsx"), ("error", "notes.pdf")]
    assert "1 new" in upload.text
    assert str(tmp_path) not in upload.text and "/tmp/" not in upload.text
    again = client.post(round_url + "/collect", data={"csrf": token}, files=[
        ("files", ("T01-C01.xlsx", filled.read_bytes(), "application/octet-stream"))])
    assert again.status_code == 200 and "1 unchanged" in again.text
    assert "Forms returned: 1 of 8" in client.get(round_url).text


def test_coordinator_assigns_professionals_and_makes_accounts(site: Any, round_url: str) -> None:
    client = coordinator(site)
    page = client.get("/users")
    token = csrf_of(page.text)
    assert 'value="T02"' in page.text  # the round's professionals are offered
    saved = client.post(f"/users/{site.coach.id}/assign",
                        data={"csrf": token, "professional": ["T01", "T02"]},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert "Mr de Vries" in coach(site, "coach1").get("/coach").text
    made = client.post("/users", data={"csrf": token, "username": "dora", "name": "Dora",
                                       "role": "coach", "password": "short"})
    assert made.status_code == 400 and "at least 10 characters" in made.text
    made = client.post("/users", data={"csrf": token, "username": "dora", "name": "Dora",
                                       "role": "coach", "password": PASSWORD},
                       follow_redirects=False)
    assert made.status_code == 303
    assert coach(site, "dora").get("/coach").status_code == 200
    refused = client.post(f"/users/{site.coordinator.id}/assign",
                          data={"csrf": token, "professional": "T01"})
    assert refused.status_code == 400  # only a coach has professionals


def test_forget_names_keeps_codes_and_answers(site: Any, round_url: str) -> None:
    pytest.importorskip("relscale.rounds.manage")
    client = coordinator(site)
    assert "Ms Jansen" in client.get(round_url + "/pairs").text
    token = csrf_of(client.get(round_url + "/manage").text)
    done = client.post(round_url + "/forget-names", data={"csrf": token, "confirm": "Spring"},
                       follow_redirects=False)
    assert done.status_code == 303
    pairs = client.get(round_url + "/pairs").text
    assert "Ms Jansen" not in pairs and "Sam" not in pairs and "T01" in pairs and "C01" in pairs


def test_one_lost_letter_is_revoked_alone(site: Any, round_url: str) -> None:
    client = coordinator(site)
    links = make_links(client, round_url)
    page = client.get(round_url).text
    options = re.findall(r'<option value="(\d+)">T01 – C01 \(client\)</option>', page)
    assert len(options) == 1
    done = client.post(round_url + "/links/revoke",
                       data={"csrf": csrf_of(page), "form": options[0]}, follow_redirects=False)
    assert done.status_code == 303
    child = next(url for url, perspective, code in links
                 if perspective == "client" and code == "C01")
    assert TestClient(site.app).get(child).status_code == 410
    others = [url for url, perspective, code in links if url != child]
    assert all(TestClient(site.app).get(u).status_code == 200 for u in others)


def test_names_are_text_never_markup(site: Any, tmp_path: Path) -> None:
    client = coordinator(site)
    roster = ROSTER.replace("Sam", "<b onmouseover=alert(1)>Sam</b>")
    made = new_round(client, tmp_path, roster=roster)
    assert made.status_code == 303
    pairs = client.get(made.headers["location"] + "/pairs").text
    assert "<b onmouseover" not in pairs
    assert "&lt;b onmouseover=alert(1)&gt;Sam&lt;/b&gt;" in pairs


def test_a_body_over_the_limit_is_refused(tmp_path: Path) -> None:
    small = make_site(str(tmp_path / "small.db"), config=WebConfig(max_body_mb=1))
    try:
        client = TestClient(small.app)
        assert sign_in(client, "coord").status_code == 303
        token = csrf_of(client.get("/rounds").text)
        big = client.post("/rounds", data={"csrf": token, "name": "X"},
                          files={"roster": ("r.csv", b"x" * (2 * 1024 * 1024), "text/csv")})
        assert big.status_code == 413
        from relscale.rounds.queries import list_rounds

        assert list_rounds(small.store) == []
    finally:
        small.store.close()

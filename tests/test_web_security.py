"""The page's security review (before release): each test is one finding of the review,
written to fail before its fix, or one promise checked from the attacker's side.

Through Starlette's test client (the browser tests are test_web_browser.py); the store's
own findings (file mode, names left in the files) are in test_store_privacy.py.
"""

from __future__ import annotations

import asyncio
import re
import threading
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

from web_helpers import PASSWORD, ROSTER, csrf_of, make_site, sign_in

from relscale.web.app import WebConfig


@pytest.fixture
def site(tmp_path: Path) -> Any:
    made = make_site(str(tmp_path / "site.db"), config=WebConfig(slow_down_s=0.0))
    yield made
    made.store.close()


def signed_in(site: Any, username: str = "coord", **kwargs: Any) -> TestClient:
    client = TestClient(site.app, **kwargs)
    assert sign_in(client, username).status_code == 303
    return client


def new_round(client: TestClient, name: str = "Spring", roster: str = ROSTER,
              filename: str = "roster.csv") -> Any:
    token = csrf_of(client.get("/rounds").text)
    return client.post("/rounds", data={
        "csrf": token, "name": name, "sector": "education", "locale": "en",
        "instrument": "relationship_quality"},
        files={"roster": (filename, roster.encode(), "text/csv")}, follow_redirects=False)


# --- request bodies ------------------------------------------------------------------------


def _post_streamed(app: Any, path: str, chunks: list[bytes], *, length: bool = True
                   ) -> tuple[int, int]:
    """POST ``chunks`` to ``path`` straight through ASGI (the body is never held whole on
    the sending side); returns the status and how many bytes the app asked for."""
    total = sum(len(c) for c in chunks)
    pending = list(chunks)
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if pending:
            chunk = pending.pop(0)
            read += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
             "client": ("192.0.2.9", 1), "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"),
                         (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"cookie", b"relscale_csrf=abc")]}
    if length:  # else sent as chunks, as a client may
        scope["headers"].append((b"content-length", str(total).encode()))
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], read


def test_a_form_post_without_files_is_held_to_a_small_body(site: Any) -> None:
    """Finding: every post could send 200 MB (the upload limit) of form fields, and the
    server held them all before it checked the CSRF token: anyone, signed in or not,
    could make it hold gigabytes with a few posts to /code or /login."""
    field = b"&f%d=" + b"A" * (512 * 1024)
    chunks = [field % i for i in range(8)]  # 4 MB in 512 KB fields (each under 1 MB)
    for path in ("/code", "/login", "/r/" + "A" * 24 + "/answer"):
        for length in (True, False):
            status, read = _post_streamed(site.app, path, chunks, length=length)
            assert status == 413, (path, length)
            assert read < 2 * 1024 * 1024, (path, read)  # refused before all was read
    # an upload may still be large (the roster form takes a file)
    client = signed_in(site)
    big = ROSTER + "".join(f"T9{k % 10},,C{k:05d},,Group,en\n" for k in range(60_000))
    assert len(big) > 1024 * 1024
    made = new_round(client, "Big", big)
    assert made.status_code == 303, made.text[:500]


# --- rate limits ---------------------------------------------------------------------------


def test_the_limiter_keeps_bounded_memory_and_constant_time_per_attempt() -> None:
    """Finding: the limiter kept every key it ever saw (a key is forgotten only when its
    list is empty, and a list empties only when that key comes back) and, past 10,000 keys,
    walked all of them on every attempt: user names sprayed at /login grew the process
    without bound and made each sign-in slower."""
    from relscale.web.security import RateLimiter

    limiter = RateLimiter(10, window=60.0, max_keys=1000)
    start = time.perf_counter()
    for k in range(20_000):
        assert limiter.hit(f"user:{k}", now=k * 0.01) == 0.0
    elapsed = time.perf_counter() - start
    assert len(limiter._hits) <= 1000
    assert elapsed < 2.0  # 20,000 attempts; the old limiter took minutes here
    # a key in use is still limited while strangers come and go
    for _k in range(10):
        limiter.hit("10.0.0.1", now=500.0)
    for k in range(900):
        limiter.hit(f"stranger:{k}", now=500.5)
    assert limiter.hit("10.0.0.1", now=501.0) > 0


def test_sign_in_limit_counts_a_user_name_as_it_is_looked_up(site: Any) -> None:
    """Finding: the per-user limit was keyed on the name as typed, the look-up on the name
    stripped: 'coord ', ' coord', 'coord  ' were ten more guesses each at 'coord'."""
    statuses = []
    for k in range(12):
        client = TestClient(site.app, client=(f"198.51.100.{k + 1}", 1000))
        statuses.append(sign_in(client, "coord" + " " * k, f"wrong password {k}").status_code)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_ipv6_addresses_of_one_network_share_a_limit(site: Any) -> None:
    """Finding: limits were per address, and an IPv6 client owns a whole /64: every
    attempt from a new address was a first attempt."""
    token = None
    statuses = []
    for k in range(12):
        client = TestClient(site.app, client=(f"2001:db8:1:2::{k + 1:x}", 1000))
        token = csrf_of(client.get("/code").text)
        statuses.append(client.post("/code", data={"csrf": token, "code": f"WRONG{k:03d}"})
                        .status_code)
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429, 429]
    other = TestClient(site.app, client=("2001:db8:1:3::1", 1000))  # another network
    token = csrf_of(other.get("/code").text)
    assert other.post("/code", data={"csrf": token, "code": "WRONG999"}).status_code == 404


def test_codes_are_limited_for_the_whole_site(tmp_path: Path) -> None:
    """Finding: codes (40 bits) were limited per address only: many addresses together
    could try them as fast as they liked."""
    made = make_site(str(tmp_path / "s.db"), config=WebConfig(
        slow_down_s=0.0, site_codes_per_minute=15))
    try:
        statuses = []
        for k in range(17):
            client = TestClient(made.app, client=(f"203.0.113.{k + 1}", 1000))
            token = csrf_of(client.get("/code").text)
            statuses.append(client.post("/code", data={"csrf": token, "code": "WRONG"})
                            .status_code)
        assert statuses[:15] == [404] * 15 and statuses[15:] == [429, 429]
    finally:
        made.store.close()


# --- sessions and CSRF ---------------------------------------------------------------------


def _cookie(response: Any, name: str) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return str(header.split(";", 1)[0].split("=", 1)[1])
    return None


def test_signing_in_renews_the_csrf_token_and_ends_the_earlier_session(site: Any) -> None:
    """Finding: the CSRF token from before sign-in stayed valid after it (a token someone
    planted or read before sign-in carried over), and signing in again in the same browser
    left the earlier session alive."""
    from relscale.web.accounts import session_user

    client = TestClient(site.app)
    before = csrf_of(client.get("/login").text)
    first = sign_in(client, "coach1")
    first_session = _cookie(first, "relscale_session")
    after = _cookie(first, "relscale_csrf")
    assert after and after != before
    refused = client.post("/logout", data={"csrf": before})
    assert refused.status_code == 403
    assert session_user(site.store, first_session) is not None
    second = client.post("/login", data={"username": "coord", "password": PASSWORD,
                                         "csrf": after, "next": "/"}, follow_redirects=False)
    assert second.status_code == 303
    assert session_user(site.store, first_session) is None
    token = csrf_of(client.get("/rounds").text)
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    assert _cookie(out, "relscale_csrf") not in (None, token)
    assert session_user(site.store, _cookie(second, "relscale_session")) is None


def test_session_cookie_is_secure_behind_https_and_ends_after_its_hours(site: Any) -> None:
    """Checked sound: Secure over HTTPS (as uvicorn's proxy headers make a proxied request),
    HttpOnly, SameSite; the session ends on the server after SESSION_HOURS. (The CSRF
    cookie renewed at sign-in, new with the finding above, carries the same flags.)"""
    from sqlalchemy import update

    from relscale.store.web_tables import WebSession
    from relscale.web.accounts import now

    client = TestClient(site.app, base_url="https://testserver")
    page = client.get("/login")
    reply = client.post("/login", data={"username": "coord", "password": PASSWORD,
                                        "csrf": csrf_of(page.text), "next": "/"},
                        follow_redirects=False)
    for name in ("relscale_session", "relscale_csrf"):
        header = next(h for h in reply.headers.get_list("set-cookie") if h.startswith(name))
        assert "Secure" in header and "HttpOnly" in header and "SameSite" in header
    assert client.get("/rounds").status_code == 200
    with site.store.write() as conn:
        conn.execute(update(WebSession).values(expires_at=now().replace(year=2020)))
    assert client.get("/rounds", follow_redirects=False).status_code == 303


def test_every_post_route_refuses_a_missing_or_foreign_token(site: Any) -> None:
    """Checked sound: every route that takes a POST (found in the app, so a new one is
    checked too) refuses it without the token and with another browser's token, for a
    signed-in coordinator, before it changes anything."""
    from starlette.routing import Route

    from relscale.web.links import issue_links

    client = signed_in(site)
    rid = new_round(client).headers["location"].rsplit("/", 1)[1]
    token = issue_links(site.store, "Spring", days=30)[0].token
    other = csrf_of(TestClient(site.app).get("/login").text)
    posts = [r.path for r in site.app.routes if isinstance(r, Route) and "POST" in
             (r.methods or ())]
    assert len(posts) >= 14
    before = client.get("/audit").text.count("<tr>")
    for path in posts:
        url = path.format(round_id=rid, user_id=site.coach.id, token=token)
        for sent in ({}, {"csrf": other}):
            reply = client.post(url, data={**sent, "confirm": "Spring", "code": "X",
                                           "item": "rq01", "value": "1"},
                                files={"files": ("a.csv", b"x", "text/csv")}
                                if url.endswith(("/collect", "/rounds")) else None)
            assert reply.status_code == 403, (url, sent, reply.status_code)
    assert client.get("/audit").text.count("<tr>") == before  # nothing was done
    assert client.get(f"/r/{token}").status_code == 200


def test_behind_the_proxy_cookies_are_secure_and_limits_count_the_real_address(
        site: Any) -> None:
    """Checked sound, through the uvicorn configuration ``relscale serve --behind-proxy``
    runs: the proxy on this machine makes the request HTTPS (Secure cookies, HSTS) and
    names the client; the same headers from anyone else are ignored, and an address a
    client writes into X-Forwarded-For itself does not become its address."""
    from relscale.web.server import server_config

    served = server_config(site.store, WebConfig(slow_down_s=0.0), host="127.0.0.1",
                           port=8000, behind_proxy=True)
    served.load()
    proxy = TestClient(served.loaded_app, client=("127.0.0.1", 5000))
    page = proxy.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["set-cookie"]
    assert "strict-transport-security" in page.headers
    direct = TestClient(served.loaded_app, client=("198.51.100.7", 5000))
    page = direct.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in page.headers["set-cookie"]
    assert "strict-transport-security" not in page.headers
    # ten wrong codes from one client behind the proxy, each claiming another address
    token = csrf_of(proxy.get("/code").text)
    statuses = [proxy.post("/code", data={"csrf": token, "code": "WRONG"}, headers={
        "X-Forwarded-For": f"10.9.8.{k}, 203.0.113.50"}).status_code for k in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
    other = proxy.post("/code", data={"csrf": token, "code": "WRONG"},
                       headers={"X-Forwarded-For": "203.0.113.51"})
    assert other.status_code == 404


# --- authorization -------------------------------------------------------------------------


def test_revoking_on_one_round_cannot_touch_another_rounds_links(site: Any) -> None:
    """Finding: the form ids posted to /rounds/A/links/revoke were not checked against
    round A: any form of any round could be revoked there, and the audit log put it on A."""
    from relscale.web.links import issue_links, resolve

    client = signed_in(site)
    first = new_round(client, "Spring")
    assert new_round(client, "Autumn").status_code == 303
    autumn = issue_links(site.store, "Autumn", days=30)
    token = csrf_of(client.get(first.headers["location"]).text)
    done = client.post(first.headers["location"] + "/links/revoke",
                       data={"csrf": token, "form": [str(x.form_id) for x in autumn]},
                       follow_redirects=False)
    assert done.status_code == 303
    assert all(resolve(site.store, x.token).status == "open" for x in autumn)


@pytest.mark.parametrize("path", [
    "/rounds", "/rounds/{rid}", "/rounds/{rid}/pairs", "/rounds/{rid}/results",
    "/rounds/{rid}/manage", "/rounds/{rid}/collect", "/users", "/audit",
    "/rounds/{rid}/professionals/T02", "/rounds/{rid}/pairs/{other_pair}",
    "/coach/rounds/{rid}/professionals/T02", "/coach/rounds/{rid}/pairs/{other_pair}",
])
def test_a_coach_gets_404_for_every_other_page(site: Any, path: str) -> None:
    """Checked sound: every id in a URL a coach may type (round, professional, pair)."""
    from relscale.web.links import round_pairs

    made = new_round(signed_in(site))
    rid = int(made.headers["location"].rsplit("/", 1)[1])
    other_pair = next(p.id for p in round_pairs(site.store, rid) if p.professional_code == "T02")
    coach = signed_in(site, "coach1")
    reply = coach.get(path.format(rid=rid, other_pair=other_pair))
    assert reply.status_code == 404
    for name in ("Mr de Vries", "Daan", "Lotte"):
        assert name not in reply.text


@pytest.mark.parametrize("path", [
    "/rounds", "/rounds/{rid}/links", "/rounds/{rid}/links/revoke", "/rounds/{rid}/export",
    "/rounds/{rid}/forms.zip", "/rounds/{rid}/collect", "/rounds/{rid}/forget-names",
    "/rounds/{rid}/delete", "/users", "/users/{coach}/assign", "/users/{other}/close",
])
def test_a_coach_cannot_post_to_a_coordinators_form(site: Any, path: str) -> None:
    """Checked sound: every state-changing route refuses a coach, with a valid token."""
    from relscale.rounds.queries import list_rounds
    from relscale.web.accounts import list_users

    made = new_round(signed_in(site))
    rid = int(made.headers["location"].rsplit("/", 1)[1])
    coach = signed_in(site, "coach1")
    token = csrf_of(coach.get("/coach").text)
    reply = coach.post(path.format(rid=rid, coach=site.coach.id, other=site.other_coach.id),
                       data={"csrf": token, "confirm": "Spring", "name": "X",
                             "username": "evil", "password": PASSWORD, "role": "coordinator",
                             "professional": "T02"})
    assert reply.status_code == 404
    assert [r.name for r, _c in list_rounds(site.store)] == ["Spring"]
    assert [u.username for u in list_users(site.store)] == ["coach1", "coach2", "coord"]


def test_a_coordinator_closes_the_account_of_someone_who_left(site: Any) -> None:
    """Finding: an account could not be closed (the store had ``disabled_at`` and sign-in
    honoured it, but nothing set it): a coach who left kept seeing children's profiles."""
    leaving = signed_in(site, "coach1")
    assert leaving.get("/coach").status_code == 200
    client = signed_in(site)
    page = client.get("/users")
    token = csrf_of(page.text)
    assert f'action="/users/{site.coordinator.id}/close"' not in page.text  # not oneself
    own = client.post(f"/users/{site.coordinator.id}/close", data={"csrf": token})
    assert own.status_code == 400
    done = client.post(f"/users/{site.coach.id}/close", data={"csrf": token},
                       follow_redirects=False)
    assert done.status_code == 303
    assert leaving.get("/coach", follow_redirects=False).status_code == 303  # signed out
    assert sign_in(TestClient(site.app), "coach1").status_code == 401
    assert "coach1" not in client.get("/users").text.split("<tbody>")[1].split("</tbody>")[0]
    assert re.search(r"<td>user-closed</td><td></td><td>coach1</td>", client.get("/audit").text)
    again = client.post(f"/users/{site.coach.id}/close", data={"csrf": token})
    assert again.status_code == 400


@pytest.mark.parametrize("username", ["u" * 300, "two\nlines"])
def test_an_account_name_too_long_for_the_store_is_refused_in_one_line(site: Any,
                                                                       username: str) -> None:
    """Finding: a user name longer than the column was taken on SQLite and a 500 on
    PostgreSQL; a line break made a name that looks like two entries in the audit log."""
    client = signed_in(site)
    token = csrf_of(client.get("/users").text)
    made = client.post("/users", data={"csrf": token, "username": username, "name": "X",
                                       "role": "coach", "password": PASSWORD})
    assert made.status_code == 400 and "at most 100 characters" in made.text


# --- uploads -------------------------------------------------------------------------------


def test_roster_problems_name_the_uploaded_file_not_the_servers_folder(site: Any) -> None:
    """Finding: the roster's problems named the temporary folder on the server."""
    client = signed_in(site)
    page = new_round(client, roster=ROSTER + "T03,,,,Group 6b,en\n", filename="klas 5a.csv")
    assert page.status_code == 400
    problems = re.findall(r"<li>([^<]*)</li>", page.text.split('class="problems"')[1])
    assert problems and all(p.startswith("klas 5a.csv, row 6") for p in problems), problems
    assert "relscale-roster-" not in page.text and "/tmp" not in page.text


@pytest.mark.parametrize("filename", [
    "x" * 300 + ".csv", "../../../../etc/roster.csv", "..\\..\\roster.csv", "..csv",
    "ro\x07ster.csv", "C:\\Users\\coord\\Desktop\\roster.csv",
])
def test_any_uploaded_file_name_is_stored_under_a_name_of_ours(site: Any, filename: str
                                                                ) -> None:
    """Finding: the browser's file name was used for the file on the server: a long one
    gave a 500 (no round); the name is now only shown, cleaned and shortened."""
    client = signed_in(site, raise_server_exceptions=False)
    made = new_round(client, name="R", filename=filename)
    assert made.status_code == 303, made.text[:300]
    upload = client.post(made.headers["location"] + "/collect",
                         data={"csrf": csrf_of(client.get("/rounds").text)},
                         files=[("files", (filename.replace(".csv", ".xlsx"), b"not a book",
                                           "application/octet-stream"))])
    assert upload.status_code == 400
    name = re.findall(r'<tr class="error"><td>([^<]+)</td>', upload.text)
    assert len(name) == 1 and len(name[0]) <= 80 and "/" not in name[0] and "\\" not in name[0]
    assert "relscale-collect-" not in upload.text


def test_a_file_named_after_a_child_is_forgotten_with_the_names(site: Any, tmp_path: Path
                                                               ) -> None:
    """Finding: an uploaded file's name (teachers name files after the child) was kept as
    the submission's source, exported in every 'codes only' export and kept after
    forget-names."""
    import csv
    import io
    import zipfile

    from helpers import fill_with_openpyxl, random_answers
    from relscale.rounds.record import adapted_for

    client = signed_in(site)
    round_url = new_round(client).headers["location"]
    token = csrf_of(client.get(round_url + "/manage").text)
    archive = zipfile.ZipFile(io.BytesIO(client.post(round_url + "/forms.zip",
                                                     data={"csrf": token}).content))
    form = next(n for n in archive.namelist() if "C01" in n and n.endswith("professional.xlsx"))
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "filled.xlsx"
    blank.write_bytes(archive.read(form))
    adapted = adapted_for("relationship_quality", "education", "professional", "en")
    fill_with_openpyxl(blank, filled, random_answers(adapted.item_ids, 1, 5))
    stored = client.post(round_url + "/collect", data={"csrf": token}, files=[
        ("files", ("Sam Zebedeus.xlsx", filled.read_bytes(), "application/octet-stream"))])
    assert stored.status_code == 200 and "1 new" in stored.text

    def export() -> str:
        got = client.post(round_url + "/export", data={"csrf": token, "format": ".csv",
                                                       "layout": "wide", "names": "1"})
        assert got.status_code == 200
        return got.text

    assert "Zebedeus" in export()  # the source column, before
    done = client.post(round_url + "/forget-names", data={"csrf": token, "confirm": "Spring"},
                       follow_redirects=False)
    assert done.status_code == 303
    after = export()
    assert "Zebedeus" not in after and "Sam" not in after
    rows = list(csv.DictReader(io.StringIO(after)))
    assert [r["source"] for r in rows] == ["form"]
    audit = client.get("/audit").text
    assert re.search(r"<td>forget-names</td><td>Spring</td><td>\d+ names</td>", audit)


HOSTILE = {"Sam": '=HYPERLINK("http://evil.example","Sam")', "Ms Jansen": "@SUM(1+1)",
           "Group 5a": "+cmd|' /C calc'!A0", "Noor": '"><script src=/x.js></script>'}


def test_names_from_a_roster_are_text_in_exports_and_pages(site: Any) -> None:
    """Checked sound: names and groups that a spreadsheet would run as formulas are
    guarded in every CSV (the long export's fast path too) and are text cells in the
    xlsx; markup in a name is text on every page that shows it (letters, the child's
    questionnaire, profiles); downloads with names are not cached."""
    import csv
    import io
    import zipfile

    from relscale.io.csv_safety import needs_guard

    roster = ROSTER
    for plain, hostile in HOSTILE.items():
        roster = roster.replace(plain, hostile.replace('"', '""').join('""')
                                if '"' in hostile or "," in hostile else hostile)
    client = signed_in(site)
    made = new_round(client, roster=roster)
    assert made.status_code == 303, made.text[:400]
    round_url = made.headers["location"]
    from relscale.web.links import issue_links

    token = csrf_of(client.get(round_url + "/manage").text)
    letters = client.post(round_url + "/links", data={"csrf": token}).text
    child = TestClient(site.app).get(
        re.findall(r'href="http://testserver(/r/[^"]+)" class="respondent-link" '
                   r'data-form="\d+" data-perspective="client" data-client="C01"',
                   letters)[0]).text
    teacher_links = issue_links(site.store, "Spring", days=30)
    teacher = TestClient(site.app).get(next(
        f"/r/{x.token}" for x in teacher_links
        if x.perspective == "professional" and x.client_code == "C02")).text
    for html in (letters, child, teacher, client.get(round_url + "/pairs").text):
        assert "<script src=/x.js>" not in html
    assert "&#34;&gt;&lt;script src=/x.js&gt;" in teacher  # shown, as text
    # answers, so the exports have rows
    from relscale.rounds.record import record_answers

    for x in teacher_links:
        record_answers(site.store, "Spring", {}, key=None, respondent_code=(
            x.client_code if x.perspective == "client" else x.professional_code),
            subject_code=(x.professional_code if x.perspective == "client"
                          else x.client_code), instrument=x.instrument,
            perspective=x.perspective)
    for layout in ("long", "wide"):
        got = client.post(round_url + "/export", data={
            "csrf": token, "format": ".csv", "layout": layout, "names": "1"})
        assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
        cells = [c for row in csv.reader(io.StringIO(got.text)) for c in row]
        assert not [c for c in cells if needs_guard(c)], layout
        assert "'=HYPERLINK(" in got.text and "'@SUM(1+1)" in got.text
        assert "'+cmd|" in got.text
    book = client.post(round_url + "/export", data={
        "csrf": token, "format": ".xlsx", "layout": "wide", "names": "1"})
    with zipfile.ZipFile(io.BytesIO(book.content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in x for x in sheets)
    assert any("=HYPERLINK(" in x for x in sheets)  # there, as an inline string


def test_every_page_with_names_is_in_the_audit_log(site: Any) -> None:
    """Finding: the coach's start page (their professionals' names) and the staff page
    (every professional's name, of every round) were not in the audit log."""
    client = signed_in(site)
    new_round(client)
    signed_in(site, "coach1").get("/coach")
    client.get("/users")
    log = client.get("/audit").text
    assert re.search(r"<td>coach1</td><td>view-coach-home</td><td></td><td>T01</td>", log)
    assert re.search(r"<td>coord</td><td>view-staff</td>", log)


# --- errors, audit, demo -------------------------------------------------------------------


def test_an_unexpected_error_shows_nothing_of_the_server(site: Any,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """Checked sound: a failure inside a view is a bare 500, no traceback, no SQL."""
    import relscale.web.links as links

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SELECT token_sha256 FROM web_links -- secret detail")

    monkeypatch.setattr(links, "resolve", broken)
    reply = TestClient(site.app, raise_server_exceptions=False).get("/r/" + "A" * 24)
    assert reply.status_code == 500
    for leak in ("Traceback", "SELECT", "secret", "web_links", ".py"):
        assert leak not in reply.text


def test_the_whole_audit_log_can_be_read(site: Any) -> None:
    """Finding: /audit showed the newest 500 entries and nothing older, though every view
    of names adds one: after a busy day the log could not be read back."""
    from relscale.web.accounts import audit

    for k in range(620):
        audit(site.store, None, "probe", detail=f"entry {k:04d}")
    client = signed_in(site)
    seen: set[str] = set()
    url = "/audit"
    for _page in range(5):
        html = client.get(url).text
        seen |= set(re.findall(r"entry \d{4}", html))
        older = re.search(r'href="(/audit\?before=\d+)"', html)
        if older is None:
            break
        url = older.group(1)
    assert seen == {f"entry {k:04d}" for k in range(620)}


def test_demo_refuses_a_store_in_use(site: Any) -> None:
    """Finding: `relscale serve --demo --db relscale.db` put the demo's rounds and two
    accounts, their passwords printed on the terminal, into the organization's store."""
    from relscale.errors import RelscaleError
    from relscale.web.accounts import list_users
    from relscale.web.demo import make_demo

    with pytest.raises(RelscaleError, match="--demo fills a new store"):
        make_demo(site.store)
    assert [u.username for u in list_users(site.store)] == ["coach1", "coach2", "coord"]


# --- respondents on PostgreSQL -------------------------------------------------------------


def test_an_answer_while_the_questionnaire_is_sent_is_refused_on_postgresql(
        tmp_path: Path) -> None:
    """Finding (PostgreSQL): an answer saved while the same link's questionnaire was being
    sent read the link as open, was stored after the answers had been taken and was
    confirmed to the child, yet was in no submission. The link's row is now locked."""
    from sqlalchemy import func, select, update

    from relscale.rounds.create import new_round as store_round
    from relscale.store.engine import open_store
    from relscale.store.web_tables import OnlineAnswer, RespondentLink
    from relscale.web import links
    from relscale.web.accounts import now
    from rounds_helpers import make_pg_database

    url, drop = make_pg_database()
    store = open_store(url, create=True)
    try:
        roster = tmp_path / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        store_round(store, "Spring", roster, instruments=["relationship_quality"],
                    sector="education", locale="en")
        made = links.issue_links(store, "Spring", days=30)
        link = made[0]
        result: list[links.LinkState] = []
        with store.write() as conn:  # the sending transaction, as links.finish runs it
            state = links._state(conn, "by_token", link.token)
            assert state.status == links.OPEN
            conn.execute(update(RespondentLink).where(RespondentLink.id == state.link_id)
                         .values(submitted_at=now()))
            answering = threading.Thread(target=lambda: result.append(links.save_answer(
                store, link.token, "rq01", 3)))
            answering.start()
            answering.join(1.5)
            assert answering.is_alive(), "the answer did not wait for the sending"
        answering.join(30)
        assert result and result[0].status == links.USED
        with store.read() as conn:
            assert conn.execute(select(func.count()).select_from(OnlineAnswer)).scalar_one() == 0
    finally:
        store.close()
        drop()

"""The page in a real browser (the system chromium, driven by Playwright): the issue's
journey from a coordinator's roster to a coach's profile, on a tablet, a phone and a
desktop, with screenshots kept under test-artifacts/web/, axe-core on every respondent
page in both languages, and no request to another origin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_browser import (
    DESKTOP,
    PHONE,
    TABLET,
    OriginGuard,
    launched,
    live_server,
    serious_violations,
    shot,
)
from web_helpers import PASSWORD, ROSTER, make_site, write_roster

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROUND = "Spring 2027"
# the child's answers, one per statement (1-4), and the one changed with the back button
CHILD = [4, 3, 1, 2, 4, 4, 3, 1, 2, 3, 4, 1, 1, 2, 3, 4]
CHANGED = (10, 1)  # statement 11 (index 10): first 4, then changed to 1 with Back


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from relscale.web.app import WebConfig

    folder = tmp_path_factory.mktemp("web-browser")
    made = make_site(str(folder / "site.db"), config=WebConfig(slow_down_s=0.1))
    made.folder = folder
    yield made
    made.store.close()


@pytest.fixture(scope="module")
def base(site: Any) -> Iterator[str]:
    with live_server(site.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as b:
        yield b


@pytest.fixture(scope="module")
def guard(base: str) -> OriginGuard:
    return OriginGuard(base)


def context(browser: Any, guard: OriginGuard, viewport: dict, **kwargs: Any) -> Any:
    made = browser.new_context(viewport=viewport, **kwargs)
    guard.attach(made)
    # the read-aloud button speaks through speechSynthesis: record what it is asked to say
    made.add_init_script("""
        window.__spoken = [];
        if (window.speechSynthesis) {
          window.speechSynthesis.speak = function (u) { window.__spoken.push([u.lang, u.text]); };
        }""")
    return made


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")


@pytest.fixture(scope="module")
def letters(site: Any, base: str, browser: Any, guard: OriginGuard) -> dict[tuple[str, str], str]:
    """The coordinator signs in, makes the round from the roster, makes the links."""
    ctx = context(browser, guard, DESKTOP)
    page = ctx.new_page()
    sign_in(page, base, "coord")
    assert page.url.endswith("/rounds")
    shot(page, "01-coordinator-rounds-en")
    roster = write_roster(site.folder, ROSTER)
    page.fill("#round-name", ROUND)
    page.select_option("#round-sector", "education")
    page.select_option("#round-locale", "en")
    page.set_input_files("#round-roster", str(roster))
    with page.expect_navigation():
        page.click("form[action='/rounds'] button[type=submit]")
    assert re.search(r"/rounds/\d+$", page.url), page.url
    assert "Forms returned: 0 of 8" in page.content()
    shot(page, "02-coordinator-round-en")
    with page.expect_navigation():
        page.click("text=Make links and letters for the forms not yet returned")
    shot(page, "03-coordinator-letters-en")
    found = {}
    for link in page.locator("a.respondent-link").all():
        key = (link.get_attribute("data-client"), link.get_attribute("data-perspective"))
        found[key] = link.get_attribute("href")
    assert len(found) == 8
    with page.expect_navigation():
        page.click("text=Nederlands")
    assert "Inloggen" not in page.content() and "Uitloggen" in page.content()
    shot(page, "04-coordinator-letters-nl-after-switch")
    page.goto(f"{base}/rounds")
    shot(page, "05-coordinator-rounds-nl")
    ctx.close()
    return found


def current(page: Any) -> int:
    """The number (1-based) of the statement on screen; 0 for the end screen."""
    section = page.locator(".statement.current")
    ident = section.get_attribute("id") or ""
    return 0 if ident == "s-end" else int(ident.split("-")[1])


def tap_answer(page: Any, value: int) -> None:
    n = current(page)
    page.locator(".statement.current button.answer").nth(value - 1).tap()
    page.wait_for_selector(f"#s-{n}.current", state="detached")


def stored_answers(site: Any, client: str, perspective: str) -> dict[str, int | None]:
    from sqlalchemy import select

    from relscale.store.models import Answer, Form, Pair, Submission

    with site.store.read() as conn:
        rows = conn.execute(
            select(Answer.item, Answer.value)
            .join(Submission, Submission.id == Answer.submission_id)
            .join(Form, Form.id == Submission.form_id).join(Pair, Pair.id == Form.pair_id)
            .where(Pair.client_code == client, Form.perspective == perspective)).all()
    return dict(rows)


def test_child_answers_on_a_tablet_by_tapping_closes_halfway_and_goes_on(
        site: Any, base: str, browser: Any, guard: OriginGuard,
        letters: dict[tuple[str, str], str]) -> None:
    url = letters[("C01", "client")]
    ctx = context(browser, guard, TABLET, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(url)
    assert page.locator(".statement.current").count() == 1
    assert current(page) == 1
    shot(page, "10-child-tablet-en-start")
    page.locator(".statement.current button.read-aloud").tap()
    spoken = page.evaluate("window.__spoken")
    statement = page.locator(".statement.current .statement-text").inner_text()
    assert spoken and spoken[0][0] == "en" and statement in spoken[0][1]
    for value in CHILD[:8]:
        tap_answer(page, value)
    assert current(page) == 9
    shot(page, "11-child-tablet-en-halfway")
    ctx.close()  # the tablet is closed halfway
    ctx = context(browser, guard, TABLET, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(url)
    assert current(page) == 9, "reopened, the questionnaire goes on at the first open statement"
    assert page.locator('button.answer[aria-pressed="true"]').count() == 8
    assert "8 of 16 answered" in page.locator("#progress-text").inner_text()
    shot(page, "12-child-tablet-en-reopened")
    for value in CHILD[8:11]:
        tap_answer(page, value if current(page) != CHANGED[0] + 1 else 4)
    assert current(page) == 12
    page.locator(".statement.current button.back").tap()
    assert current(page) == 11
    chosen = page.locator('.statement.current button.answer[aria-pressed="true"]')
    assert chosen.inner_text().strip().endswith("Completely true")
    shot(page, "13-child-tablet-en-back")
    tap_answer(page, CHANGED[1])
    for value in CHILD[11:]:
        tap_answer(page, value)
    assert current(page) == 0
    assert "16 of 16 answered" in page.locator("#end-count").inner_text()
    shot(page, "14-child-tablet-en-end")
    with page.expect_navigation():
        page.locator("#s-end button[type=submit]").tap()
    assert "Thank you!" in page.content()
    shot(page, "15-child-tablet-en-thanks")
    ctx.close()
    expected = list(CHILD)
    expected[CHANGED[0]] = CHANGED[1]
    from relscale.rounds.record import adapted_for

    items = adapted_for("relationship_quality_client", "education", "client", "en").item_ids
    assert stored_answers(site, "C01", "client") == dict(zip(items, expected, strict=True))


def test_dutch_child_by_keyboard_alone(site: Any, base: str, browser: Any, guard: OriginGuard,
                                       letters: dict[tuple[str, str], str]) -> None:
    url = letters[("C02", "client")]
    ctx = context(browser, guard, TABLET)
    page = ctx.new_page()
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Stelling 1 van 16" in page.locator(".statement.current h2").inner_text()
    page.locator(".statement.current button.read-aloud").click()
    assert page.evaluate("window.__spoken")[0][0] == "nl"
    page.reload()  # the keyboard journey starts on a fresh page, nothing focused
    shot(page, "20-child-tablet-nl-start")
    values = [2, 3, 4, 1] * 4
    page.keyboard.press("Tab")  # the skip link
    for k, value in enumerate(values):
        n = current(page)
        # from the statement's heading (or the skip link), Tab reaches its answers in order
        for _ in range(value):
            page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        assert "answer" in focused, (k, focused)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#s-{n}.current", state="detached")
        assert page.evaluate("document.activeElement.tagName") == "H2"
        if k == 7:
            shot(page, "21-child-tablet-nl-halfway")
    assert current(page) == 0
    shot(page, "22-child-tablet-nl-end")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Bedankt!" in page.content()
    shot(page, "23-child-tablet-nl-thanks")
    ctx.close()
    from relscale.rounds.record import adapted_for

    items = adapted_for("relationship_quality_client", "education", "client", "nl").item_ids
    assert stored_answers(site, "C02", "client") == dict(zip(items, values, strict=True))


def test_professional_answers_on_a_phone(site: Any, base: str, browser: Any,
                                         guard: OriginGuard,
                                         letters: dict[tuple[str, str], str]) -> None:
    url = letters[("C01", "professional")]
    ctx = context(browser, guard, PHONE, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(url)
    items = page.locator("fieldset.item")
    assert items.count() == 21
    shot(page, "30-professional-phone-en-start")
    planned = [(k % 5) + 1 for k in range(21)]
    for k, value in enumerate(planned):
        with page.expect_response(lambda r: r.url.endswith("/answer")) as saved:
            items.nth(k).locator("label.radio").nth(value - 1).tap()
        assert saved.value.status == 200
        if k == 10:
            shot(page, "31-professional-phone-en-halfway")
    with page.expect_navigation():
        page.locator("#questionnaire button[type=submit]").tap()
    assert "Thank you!" in page.content()
    shot(page, "32-professional-phone-en-thanks")
    ctx.close()
    from relscale.rounds.record import adapted_for

    ids = adapted_for("relationship_quality", "education", "professional", "en").item_ids
    assert stored_answers(site, "C01", "professional") == dict(zip(ids, planned, strict=True))


def report_row(site: Any, tmp: Path, label: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(dimension label, role) -> (band, percentile) of a pair in ``relscale round report``."""
    import openpyxl

    from helpers import runner
    from relscale.cli.main import app

    path = tmp / "report.xlsx"
    result = runner().invoke(app, ["round", "report", ROUND, "--db", str(site.folder / "site.db"),
                                   "-o", str(path), "--force"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = next(book[n] for n in book.sheetnames if n.endswith("T01"))
    rows = list(sheet.iter_rows(values_only=True))
    head = next(k for k, r in enumerate(rows) if r[1] and "\n" in str(r[1]) and r[0])
    dims, roles = rows[head], rows[head + 1]
    found: dict[tuple[str, str], tuple[str, str]] = {}
    row = next(r for r in rows if r[0] == label)
    dim = ""
    for col in range(1, len(row)):
        dim = str(dims[col]).split("\n")[0] if dims[col] else dim
        text = str(row[col] or "")
        if "\nP" in text:
            band, pct = text.rsplit("\nP", 1)
            found[(dim, str(roles[col]))] = (band.strip(), pct.strip())
    return found


def test_coach_sees_the_pairs_profile_as_the_report_does(
        site: Any, base: str, browser: Any, guard: OriginGuard, tmp_path: Path,
        letters: dict[tuple[str, str], str]) -> None:
    if not (stored_answers(site, "C01", "client") and stored_answers(site, "C01", "professional")):
        pytest.skip("a step of the module's journey: the pair's answers come from the tests "
                    "before it (run the whole module)")
    ctx = context(browser, guard, DESKTOP)
    page = ctx.new_page()
    sign_in(page, base, "coach1")
    assert page.url.endswith("/coach")
    assert "Mr de Vries" not in page.content()
    shot(page, "40-coach-home-en")
    with page.expect_navigation():
        page.click("text=Ms Jansen (T01)")
    shot(page, "41-coach-professional-en")
    with page.expect_navigation():
        page.click("a:has-text('Profile'):has(span:has-text('Sam (C01)'))")
    shot(page, "42-coach-pair-en")
    on_page: dict[tuple[str, str], tuple[str, str]] = {}
    label = ""
    for row in page.locator("#profile tbody tr").all():
        heads = row.locator("th")
        if heads.count():
            label = heads.first.inner_text().strip()
        who = row.locator("td").first.inner_text().strip()
        on_page[(label, who)] = (row.locator("td.band").inner_text().strip(),
                                 row.locator("td.percentile").inner_text().strip())
    report = report_row(site, tmp_path, "Sam (C01)")
    assert report, "the report has scores for the pair"
    roles = {who for _d, who in report}
    assert roles == {"teacher", "student"}, "both perspectives"
    assert {k: v for k, v in on_page.items() if v[1] != "–"} == report
    page.goto(f"{base}/lang/nl?next=/coach")
    with page.expect_navigation():
        page.click("text=Ms Jansen (T01)")
    shot(page, "43-coach-professional-nl")
    page.emulate_media(media="print")
    shot(page, "44-coach-professional-print")
    pdf = tmp_path / "coach.pdf"
    page.pdf(path=str(pdf), format="A4")
    ctx.close()
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    if info.returncode == 0:
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
        assert pages == 1, "one A4 page per professional"


def test_respondent_pages_pass_axe_in_both_languages(
        site: Any, base: str, browser: Any, guard: OriginGuard,
        letters: dict[tuple[str, str], str]) -> None:
    from relscale.web.links import issue_links

    fresh = {(link.client_code, link.perspective): link.token
             for link in issue_links(site.store, ROUND, days=30)}
    problems: list[str] = []
    for client, lang in (("C03", "en"), ("C04", "nl")):
        for perspective, viewport in (("client", TABLET), ("professional", PHONE)):
            ctx = context(browser, guard, viewport, has_touch=True)
            page = ctx.new_page()
            page.goto(f"{base}/r/{fresh[(client, perspective)]}")
            assert page.locator("html").get_attribute("lang") == lang
            problems += [f"{lang} {perspective} start: {v}" for v in serious_violations(page)]
            if perspective == "client":
                tap_answer(page, 2)
                problems += [f"{lang} second: {v}" for v in serious_violations(page)]
                page.evaluate("document.querySelector('#s-end')")
                page.goto(f"{base}/r/{fresh[(client, perspective)]}#s-end")
                page.reload()
                problems += [f"{lang} end: {v}" for v in serious_violations(page)]
                shot(page, f"50-axe-{lang}-child-end")
            ctx.close()
        used = letters[(client if client != "C03" else "C01", "client")]
        ctx = context(browser, guard, TABLET, extra_http_headers={"Accept-Language": lang})
        page = ctx.new_page()
        page.goto(used)
        problems += [f"{lang} used link: {v}" for v in serious_violations(page)]
        page.goto(f"{base}/code")
        problems += [f"{lang} code page: {v}" for v in serious_violations(page)]
        shot(page, f"51-code-{lang}")
        ctx.close()
    assert not problems, "\n".join(problems)


def test_no_request_left_this_site(guard: OriginGuard, letters: dict) -> None:
    # runs last in this module: every page the other tests opened is in the guard
    assert guard.seen, "the guard saw the pages"
    assert not guard.foreign, guard.foreign
    refused = [e for e in guard.console_errors if "Content Security Policy" in e]
    assert not refused, refused

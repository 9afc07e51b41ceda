"""Browser tests' helpers: the system chromium through Playwright, a live server on
127.0.0.1, screenshots kept as artifacts, axe-core, and a guard against any request to
another origin. Playwright's own browser download is never used."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ARTIFACTS = Path(os.environ.get("RELSCALE_TEST_ARTIFACTS",
                                Path(__file__).resolve().parent.parent / "test-artifacts"))


def chromium() -> str | None:
    """The system chromium (``$RELSCALE_CHROMIUM``, else chromium on PATH)."""
    return os.environ.get("RELSCALE_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (the test extra)"
    if chromium() is None:
        return "chromium is not installed"
    return None


@contextmanager
def launched() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 (a free port) in a thread; yields its URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class OriginGuard:
    """Every request a browser context makes, and those to another origin."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.seen: list[str] = []
        self.foreign: list[str] = []
        self.console_errors: list[str] = []

    def attach(self, context: Any) -> Any:
        context.on("request", self._request)
        context.on("page", lambda page: page.on("console", self._console))
        return context

    def _request(self, request: Any) -> None:
        url = request.url
        self.seen.append(url)
        if not (url.startswith(self.base + "/") or url.startswith(("data:", "about:"))):
            self.foreign.append(url)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot kept under ``test-artifacts/web/``."""
    folder = ARTIFACTS / "web"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]

"""Shared fixtures. Tests see only core and the four built-in sector plugins."""

from __future__ import annotations

import os
import tempfile

# Before relscale loads plugins: nothing else that happens to be installed leaks in.
os.environ["RELSCALE_PLUGINS"] = "education,foster_homes,disability_care,youth_care"
os.environ.pop("RELSCALE_LOCALE", None)
os.environ.pop("RELSCALE_CONTENT", None)
os.environ.pop("RELSCALE_LOCALE_PATH", None)
# The listing cache of `relscale sectors` (relscale.catalog_cache): not the user's own.
os.environ["RELSCALE_CACHE_DIR"] = tempfile.mkdtemp(prefix="relscale-cache-")

from collections.abc import Callable, Iterator
from shutil import rmtree
from typing import Any

import pytest

from relscale import plugins
from relscale.i18n import set_locale
from relscale.plugins import get_plugin_manager
from rounds_helpers import store_url  # noqa: F401 - the rounds tests' store fixture


@pytest.fixture(autouse=True)
def _english_ui() -> Iterator[None]:
    set_locale("en")
    yield
    set_locale("en")


@pytest.fixture
def register_plugin() -> Iterator[Callable[[Any, str], None]]:
    """Register inline plugin objects for one test; unregistered afterwards."""
    pm = get_plugin_manager()
    names: list[str] = []

    def _register(plugin: Any, name: str) -> None:
        pm.register(plugin, name=name)
        names.append(name)
        plugins.reset_registry()

    yield _register
    for name in names:
        pm.unregister(name=name)
    plugins.reset_registry()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """LibreOffice checks and browser tests are skipped on a laptop without them, but never
    silently in CI (``CI`` set: .ci/run installs them)."""
    if item.get_closest_marker("browser") is not None:
        from web_browser import browser_missing

        missing = browser_missing()
        if missing:
            if os.environ.get("CI"):
                pytest.fail(f"{missing}: required in CI; .ci/run installs it")
            pytest.skip(missing)
    if item.get_closest_marker("libreoffice") is None:
        return
    import shutil

    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI; .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's listing cache folder goes with the session."""
    rmtree(os.environ["RELSCALE_CACHE_DIR"], ignore_errors=True)

"""Chromium, driven through Playwright's sync API, against pytest-django's live server.

The browser is Debian's Chromium (``apt-get install chromium``); Playwright's own
browser downloads are never used. Without it these tests are skipped locally, and
fail when ``CI=true`` so a CI image missing the browser cannot pass silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; Django refuses ORM
# calls from a thread with a running loop unless told this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "test" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    # Keep each phase's report on the item so the ``page`` fixture knows the outcome.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def viewport() -> dict[str, int]:
    """Override (or parametrize indirectly) to test another screen size."""
    return {"width": 1280, "height": 900}


@pytest.fixture
def new_context(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A factory of fresh browser contexts (separate cookies), closed after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, new_context: Any, live_server: Any) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    page = new_context().new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 — a screenshot must never hide the failure
            print(f"could not save a screenshot: {exc}")

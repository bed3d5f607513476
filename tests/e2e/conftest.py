"""Browser tests: Debian's Chromium driven by Playwright against a live server and a real worker.

Screenshots land in var/e2e-screenshots/ (``.ci/run`` prints the folder); accessibility is
checked with axe-core in the page (WCAG 2.1 AA rules, no serious or critical violations).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls on their own connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from crm.demo import DEMO_PASSWORD
from tests.workers import start_worker, stop_worker

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "e2e-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for the browser tests: apt-get install chromium (.ci/run does)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def worker(live_server: Any) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the test database and the test Redis."""
    process = start_worker()
    yield process
    stop_worker(process)


def shot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def assert_accessible(page: Page, *, every_impact: bool = False) -> None:
    """No serious or critical WCAG 2.1 A/AA violations on the page as it is now (with
    ``every_impact``: none at all, minor and moderate included).

    A click on a link returns before the next page is there: axe started in the old document
    fails with "Cannot read properties of null (reading 'documentElement')" (CI, 2026-12-04).
    So it waits for the load event and runs again once if the document changed under it."""
    page.wait_for_load_state("load")
    try:
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    except PlaywrightError:
        page.wait_for_load_state("load")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    impacts = ("minor", "moderate", "serious", "critical") if every_impact else ("serious", "critical")
    serious = [v for v in results.response["violations"] if v["impact"] in impacts]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in serious
    )
    assert not serious, f"accessibility violations on {page.url}:\n{report}"

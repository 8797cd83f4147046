"""Browser tests: Playwright driving Debian's Chromium at /usr/bin/chromium (never a downloaded one).

Screenshots land in test-artifacts/ for a person to look at.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo federation. Mark browser tests ``django_db(transaction=True, serialized_rollback=True)``
    so the migrations' rows (roles, dictionaries) come back after each test's flush."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))


def _new_page(browser, live_server, width, height, outside):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()

    def watch(request):
        if not (request.url.startswith(live_server.url) or request.url.startswith("data:")):
            outside.append(request.url)

    page.on("request", watch)
    return context, page


@pytest.fixture
def outside_requests():
    return []


@pytest.fixture
def page(browser, live_server, outside_requests):
    context, page = _new_page(browser, live_server, 1280, 860, outside_requests)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, outside_requests):
    context, page = _new_page(browser, live_server, 375, 812, outside_requests)
    yield page
    context.close()


def login(page, live_server, username, password="Fuqing@2014"):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

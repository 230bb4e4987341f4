"""What the browser tests share: Debian's Chromium (/usr/bin/chromium, installed by scripts/browser; Playwright
downloads no browser) launched once per module (the ``browser`` fixture, registered in tests/conftest.py),
screenshots under test-artifacts/<folder>/, and logging in through the login form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium with the arguments every browser test uses."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the test module."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def artifact(folder: str, name: str) -> Path:
    """test-artifacts/<folder>/<name>.png (the folder made)."""
    (ARTIFACTS / folder).mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / folder / f"{name}.png"


def shot(page: Page, folder: str, name: str, full_page: bool = True) -> None:
    """A screenshot of ``page`` to test-artifacts/<folder>/<name>.png."""
    page.screenshot(path=str(artifact(folder, name)), full_page=full_page)


def log_in(page: Page, base: str, login: str, password: str) -> None:
    """Log in through the login form and wait until the browser has left it (the user's home page)."""
    page.goto(f"{base}/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)

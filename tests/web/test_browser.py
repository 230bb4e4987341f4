"""A CSM's morning in a real browser: Debian's Chromium driven by Playwright against a real uvicorn server.

Run scripts/browser first (it installs /usr/bin/chromium). Screenshots go to test-artifacts/web/.
The server owns the DuckDB file while it runs; the test reads only through the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from nabd.store import open_store
from nabd.web.app import create_app
from tests.browser import log_in, shot
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD, seed_company



@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """A uvicorn server on a free loopback port over a seeded DuckDB file; yields its base URL."""
    url = f"duckdb:///{tmp_path_factory.mktemp('browser') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
    yield from _serve(url)


@pytest.fixture(scope="module")
def demo_server(demo_url: str) -> Iterator[str]:
    """A uvicorn server over the scored demo company (tests/web/conftest.py)."""
    yield from _serve(demo_url)


def _serve(url: str) -> Iterator[str]:
    served = serve_in_thread(create_app(url, secret_key="browser-test"))
    yield served.base
    served.stop()



def _shot(page: Page, name: str) -> None:
    shot(page, "web", name)


def _log_in(page: Page, server: str) -> None:
    log_in(page, server, "ana", PASSWORD)
    page.goto(f"{server}/portfolio")
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


def test_a_csm_logs_in_filters_to_red_opens_an_account_and_reads_it_in_arabic(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, server)
    _shot(page, "01-portfolio-en")

    page.get_by_label("Band", exact=True).select_option("red")  # htmx swaps the table in place
    expect(page.locator("table.accounts tbody tr")).to_have_count(2)
    expect(page.locator("table.accounts")).to_contain_text("Dune Retail")
    expect(page.locator("table.accounts")).not_to_contain_text("Cedar Labs")
    assert "band=red" in page.url

    page.get_by_role("link", name="Acme Trading").click()
    expect(page.get_by_role("heading", name="Acme Trading")).to_be_visible()
    expect(page.locator("#history-chart canvas")).to_have_count(1)
    expect(page.locator(".gauge canvas")).to_have_count(1)
    _shot(page, "02-account-en")

    page.get_by_label("Language", exact=True).select_option("ar")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("heading", name="درجة صحة العميل")).to_be_visible()
    expect(page.locator("#history-chart canvas")).to_have_count(1)
    _shot(page, "03-account-ar")

    page.get_by_role("link", name="محفظة العملاء").first.click()
    expect(page.locator("table.accounts")).to_contain_text("أحمر · غير صحي")
    _shot(page, "04-portfolio-ar")
    page.get_by_label("اللغة").select_option("en")
    page.get_by_role("button", name="تطبيق").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.close()


def test_a_csm_opens_the_worst_real_account_and_reads_why_and_what_would_move_it(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, demo_server)
    page.get_by_label("Band", exact=True).select_option("red")
    expect(page.locator("table.accounts tbody tr a").first).to_be_visible()
    page.locator("table.accounts tbody tr a").first.click()
    expect(page.get_by_role("heading", name="Why this score")).to_be_visible()
    expect(page.get_by_role("heading", name="What would move it")).to_be_visible()
    expect(page.locator("ul.moves li").first).to_contain_text("adds")
    _shot(page, "07-real-account-en")
    page.close()


def test_an_admin_sees_the_line_of_a_scorecard_error(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, server)
    page.goto(f"{server}/scorecards/default")
    editor = page.get_by_label("Scorecard YAML")
    editor.fill(editor.input_value().replace("weight: 15", "weight: -15", 1))
    page.get_by_role("button", name="Validate and save").click()
    expect(page.get_by_role("alert")).to_contain_text("measures.0.weight: Input should be greater than 0")
    expect(editor).to_have_attribute("aria-invalid", "true")
    _shot(page, "05-scorecard-error")
    page.close()


def test_the_portfolio_fits_a_phone_screen(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    _log_in(page, server)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the accounts table scrolls inside its own box, the page does not
    page.goto(f"{server}/dashboard")
    expect(page.locator(".chart svg").first).to_be_visible()  # the dashboard's charts are SVG (their text is testable)
    _shot(page, "06-dashboard-phone")
    page.close()


def test_an_admin_adds_a_user_who_then_logs_in(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, server)
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.get_by_label("Login", exact=True).fill("nour")
    page.get_by_label("Password", exact=True).fill("nour-password")
    page.get_by_label("Role", exact=True).select_option("csm")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_contain_text("nour was added and can log in now.")
    expect(page.get_by_role("row", name="nour")).to_be_visible()
    _shot(page, "09-users")
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Login", exact=True).fill("nour")
    page.get_by_label("Password").fill("nour-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Risk inbox")).to_be_visible()  # a CSM's home page
    expect(page.locator(".who")).to_contain_text("nour")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)  # a CSM has no users page


def test_an_admin_runs_the_backtest_of_the_scorecard_on_the_real_company(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, demo_server)
    page.goto(f"{demo_server}/scorecards/default")
    page.get_by_role("button", name="Run backtest").click()
    expect(page.locator("#backtest-auc")).to_have_text(re.compile(r"^0\.\d{3}$"), timeout=60_000)
    expect(page.locator("table.backtest-bands tbody tr")).to_have_count(3)
    expect(page.locator("table.backtest-bands")).to_contain_text("red · unhealthy")
    expect(page.locator("#backtest-running")).to_be_hidden()
    _shot(page, "08-scorecard-backtest")
    page.close()

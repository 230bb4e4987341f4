"""Charts speak the reader's digits: with the Arabic-Indic preference, the numbers ECharts draws (axis labels,
tooltips, data labels) are Arabic-Indic, on the dashboard and on the account page. Debian's Chromium through
Playwright against a real server; screenshots in test-artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from nabd.store import open_store
from nabd.web.app import create_app
from tests.browser import browser, log_in, shot  # noqa: F401  (the browser fixture)
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD, seed_company

WESTERN = re.compile(r"[0-9]")
ARABIC_INDIC = re.compile(r"[\u0660-\u0669]")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The web tests' company; ana reads Arabic with Arabic-Indic digits, carla English with Western ones."""
    url = f"duckdb:///{tmp_path_factory.mktemp('charts') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
        store.execute("UPDATE users SET language = 'ar', digits = 'arab' WHERE login = 'ana'")
    served = serve_in_thread(create_app(url, secret_key="browser-test"))
    yield served.base
    served.stop()


def _chart_texts(page, selector: str) -> list[str]:
    expect(page.locator(f"{selector} svg text").first).to_be_attached()
    return [t for t in page.locator(f"{selector} svg text").all_text_contents() if t.strip()]


def test_dashboard_charts_write_numbers_in_arabic_indic_digits_for_a_reader_who_chose_them(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server, "ana", PASSWORD)
    page.goto(f"{server}/dashboard")
    expect(page.locator("html")).to_have_attribute("data-digits", "arab")
    texts = _chart_texts(page, "#churn-chart")
    assert any(ARABIC_INDIC.search(t) for t in texts), texts
    assert not [t for t in texts if WESTERN.search(t)], texts
    shot(page, "web", "charts-dashboard-ar-arab")


def test_charts_keep_western_digits_for_a_reader_who_did_not_choose_arabic_indic(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server, "carla", PASSWORD)
    page.goto(f"{server}/dashboard")
    texts = _chart_texts(page, "#churn-chart")
    assert any(WESTERN.search(t) for t in texts) and not [t for t in texts if ARABIC_INDIC.search(t)], texts


def test_the_account_usage_chart_writes_its_numbers_in_arabic_indic_digits(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server, "ana", PASSWORD)
    page.goto(f"{server}/accounts/a1")
    texts = _chart_texts(page, "#usage-chart")
    assert any(ARABIC_INDIC.search(t) for t in texts), texts
    assert not [t for t in texts if WESTERN.search(t)], texts
    page.locator("#usage-chart").scroll_into_view_if_needed()
    shot(page, "web", "charts-account-usage-ar-arab")

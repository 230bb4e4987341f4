"""Lifetime value on the web: GET /api/v1/accounts/{id}/clv, the account page's residual value with its interval
and the dashboard's residual value by segment, in English and Arabic, with a clear line before any fit; and in
a real browser (screenshots in test-artifacts/clv/).

Over copies of the suite's demo company (150 accounts): one with the sBG values of 2026-10-30 stored (as
`nabd clv fit` stores them), one with none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect, sync_playwright

from nabd.risk.clv_storage import store_clv
from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD, log_in

AS_OF = date(2026, 10, 30)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "clv"


def _prepared(url: str, fitted: bool) -> str:
    with open_store(url) as store:
        if fitted:
            store_clv(store, AS_OF)
        add_user(store, "ana", PASSWORD, "admin")
        add_user(store, "amal", PASSWORD, "admin", language="ar")
    return url


@pytest.fixture(scope="module")
def clv_url(copy_demo, tmp_path_factory) -> str:
    return _prepared(copy_demo(tmp_path_factory.mktemp("clv_web")), fitted=True)


@pytest.fixture(scope="module")
def unfitted_url(copy_demo, tmp_path_factory) -> str:
    return _prepared(copy_demo(tmp_path_factory.mktemp("clv_web_none")), fitted=False)


@pytest.fixture(scope="module")
def valued(clv_url) -> dict:
    """The stored row of the account with the largest residual value, read with SQL."""
    with open_store(clv_url) as store:
        return store.records("SELECT account_id, residual_value, residual_lower, residual_upper FROM clv_predictions "
                             "ORDER BY residual_value DESC, account_id LIMIT 1")[0]


def _pages(url: str, login: str, *paths: str) -> list[str]:
    with TestClient(create_app(url, secret_key="test-secret")) as browser:
        log_in(browser, login)
        return [browser.get(path).text for path in paths]


def _api(url: str, path: str):
    with TestClient(create_app(url, secret_key="test-secret")) as browser:
        with browser.app.state.store_lock:
            token = add_token(browser.app.state.store, "ana", "tests")
        return browser.get(path, headers={"Authorization": f"Bearer {token}"})


def test_the_api_gives_an_accounts_residual_value_with_its_interval(clv_url, valued):
    found = _api(clv_url, f"/api/v1/accounts/{valued['account_id']}/clv").json()
    assert found["residual_value"] == pytest.approx(valued["residual_value"]) and found["as_of"] == AS_OF.isoformat()
    assert found["residual_lower"] < found["residual_value"] < found["residual_upper"] and found["model"] == "sbg"


def test_the_api_says_when_no_value_was_fitted(unfitted_url, valued):
    missing = _api(unfitted_url, f"/api/v1/accounts/{valued['account_id']}/clv")
    assert missing.status_code == 404 and "run `nabd clv fit`" in missing.json()["error"]


@pytest.mark.parametrize(("login", "heading", "by_segment"), [
    ("ana", "Expected residual lifetime value", "Expected residual lifetime value by segment"),
    ("amal", "القيمة الدائمة المتبقية المتوقعة", "القيمة الدائمة المتبقية المتوقعة حسب الشريحة")])
def test_the_account_page_and_dashboard_show_the_value_in_each_language(clv_url, valued, login, heading, by_segment):
    account, dashboard = _pages(clv_url, login, f"/accounts/{valued['account_id']}", "/dashboard")
    assert 'id="lifetime-value"' in account and heading in account
    assert by_segment in dashboard and '<td class="num">' in dashboard.split('id="lifetime-value"')[1]


@pytest.mark.parametrize(("login", "line"), [
    ("ana", "No lifetime value fitted yet: run `nabd clv fit`"), ("amal", "لم تُحسب القيمة الدائمة بعد")])
def test_before_any_fit_both_pages_say_so(unfitted_url, valued, login, line):
    account, dashboard = _pages(unfitted_url, login, f"/accounts/{valued['account_id']}", "/dashboard")
    assert line in account and line in dashboard


def test_a_csm_reads_lifetime_value_in_a_real_browser_in_english_and_arabic(clv_url, valued):
    served = serve_in_thread(create_app(clv_url, secret_key="browser-test"))
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{served.base}/accounts/{valued['account_id']}")
            page.get_by_label("Login", exact=True).fill("ana")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            expect(page.get_by_role("heading", name="Expected residual lifetime value", exact=True)).to_be_visible()
            page.locator("#lifetime-value").screenshot(path=str(ARTIFACTS / "account-clv-en.png"))
            page.goto(f"{served.base}/dashboard")
            expect(page.get_by_role("heading", name="Expected residual lifetime value by segment")).to_be_visible()
            page.locator("#lifetime-value").screenshot(path=str(ARTIFACTS / "dashboard-clv-en.png"))
            page.get_by_label("Language", exact=True).select_option("ar")
            page.get_by_role("button", name="Apply").click()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.get_by_role("heading", name="القيمة الدائمة المتبقية المتوقعة حسب الشريحة")).to_be_visible()
            page.locator("#lifetime-value").screenshot(path=str(ARTIFACTS / "dashboard-clv-ar.png"))
            page.goto(f"{served.base}/accounts/{valued['account_id']}")
            expect(page.get_by_role("heading", name="القيمة الدائمة المتبقية المتوقعة", exact=True)).to_be_visible()
            page.locator("#lifetime-value").screenshot(path=str(ARTIFACTS / "account-clv-ar.png"))
            chromium.close()
    finally:
        served.stop()

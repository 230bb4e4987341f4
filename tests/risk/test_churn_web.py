"""Churn risk on the web: GET /api/v1/accounts/{id}/risk, the portfolio's risk column and sort, the account
page's risk block and the model page (/risk/model), in English and Arabic; and in a real browser.

Over a copy of the suite's demo company (150 accounts) with the L1 logistic model fitted (the quickest) and
the risk of 2026-10-30 stored."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect, sync_playwright

from nabd.risk.churn_storage import refresh_risk, save_model
from nabd.risk.churn_training import fit_churn_model
from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user
from tests.browser import launch, shot
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD, log_in

AS_OF = date(2026, 10, 30)


@pytest.fixture(scope="module")
def risk_url(demo_store, tmp_path_factory) -> str:
    demo_store.execute("CHECKPOINT")
    copy = tmp_path_factory.mktemp("risk_web") / "nabd.duckdb"
    shutil.copyfile(demo_store.url.path, copy)
    url = f"duckdb:///{copy}"
    with open_store(url) as store:
        save_model(store, fit_churn_model(store, engine="logistic"))
        refresh_risk(store, AS_OF)
        add_user(store, "ana", PASSWORD, "admin")
        add_user(store, "amal", PASSWORD, "admin", language="ar")
    return url


@pytest.fixture(scope="module")
def client(risk_url) -> Iterator[TestClient]:
    with TestClient(create_app(risk_url, secret_key="test-secret")) as browser:
        yield browser


@pytest.fixture(scope="module")
def riskiest(risk_url, client) -> tuple[str, float, int]:
    """(account, probability, reasons) of the riskiest stored account, read with SQL."""
    with client.app.state.store_lock:
        store = client.app.state.store
        return store.fetchall("SELECT account_id, probability, json_array_length(reasons) FROM churn_risk "
                              "ORDER BY probability DESC, account_id LIMIT 1")[0]


@pytest.fixture(scope="module")
def token(client) -> str:
    with client.app.state.store_lock:
        return add_token(client.app.state.store, "ana", "tests")


def _get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_the_api_gives_an_accounts_risk_with_its_reasons(client, token, riskiest):
    account, probability, told = riskiest
    risk = _get(client, f"/api/v1/accounts/{account}/risk", token).json()
    assert risk["probability"] == pytest.approx(probability) and risk["as_of"] == AS_OF.isoformat()
    assert risk["horizon_days"] == 90 and len(risk["reasons"]) == told > 0
    assert all(r["en"] and r["ar"] for r in risk["reasons"])


def test_the_api_answers_404_for_an_unknown_account_and_one_without_risk(client, token):
    unknown = _get(client, "/api/v1/accounts/nobody/risk", token)
    assert unknown.status_code == 404 and unknown.json() == {"error": "there is no account nobody"}
    with client.app.state.store_lock:
        gone = client.app.state.store.scalar(
            "SELECT min(account_id) FROM accounts WHERE account_id NOT IN (SELECT account_id FROM churn_risk)")
    missing = _get(client, f"/api/v1/accounts/{gone}/risk", token)
    assert missing.status_code == 404 and "has no churn risk" in missing.json()["error"]


def test_the_openapi_document_has_the_risk_route(client, token):
    document = _get(client, "/api/v1/openapi.json", token).json()
    assert "/api/v1/accounts/{account_id}/risk" in document["paths"]


def test_the_portfolio_sorts_by_risk_and_shows_it(client, token, riskiest):
    account, probability, _ = riskiest
    first = _get(client, "/api/v1/accounts?sort=risk&order=desc&limit=1", token).json()["items"][0]
    assert first["account_id"] == account
    log_in(client, "ana")
    page = client.get("/portfolio?sort=risk&order=desc").text
    assert "Churn risk" in page and f"{probability:.1%}" in page


def test_the_account_page_shows_risk_and_reasons_in_english_and_arabic(risk_url, riskiest):
    account, probability, _ = riskiest
    for login, heading in (("ana", "Churn risk"), ("amal", "خطر المغادرة")):
        with TestClient(create_app(risk_url, secret_key="test-secret")) as browser:
            log_in(browser, login)
            page = browser.get(f"/accounts/{account}").text
            assert heading in page and 'id="churn-risk"' in page
            with browser.app.state.store_lock:
                [[reasons]] = browser.app.state.store.fetchall(
                    "SELECT reasons FROM churn_risk WHERE account_id = ?", [account])
            import json
            first = (json.loads(reasons) if isinstance(reasons, str) else reasons)[0]
            assert (first["en"] if login == "ana" else first["ar"]) in page


def test_the_model_page_shows_the_window_and_out_of_time_figures(client):
    log_in(client, "ana")
    page = client.get("/risk/model").text
    assert "Training window" in page and "Out-of-time figures" in page and "Top-decile lift" in page
    assert "Calibration" in page and "Feature importances" in page


def test_a_csm_reads_risk_in_a_real_browser_in_english_and_arabic(risk_url, riskiest):
    account, _, _ = riskiest
    served = serve_in_thread(create_app(risk_url, secret_key="browser-test"))
    try:
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{served.base}/portfolio?sort=risk&order=desc")
            page.get_by_label("Login", exact=True).fill("ana")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("columnheader", name="Churn risk")).to_be_visible()
            page.goto(f"{served.base}/accounts/{account}")
            expect(page.locator("#churn-risk li").first).to_be_visible()
            shot(page, "risk", "account-risk-en")
            page.get_by_role("link", name="About the churn model").click()
            expect(page.get_by_role("heading", name="Churn model")).to_be_visible()
            shot(page, "risk", "risk-model-en")
            page.get_by_label("Language", exact=True).select_option("ar")
            page.get_by_role("button", name="Apply").click()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.get_by_role("heading", name="نموذج المغادرة")).to_be_visible()
            shot(page, "risk", "risk-model-ar")
            page.goto(f"{served.base}/accounts/{account}")
            expect(page.get_by_role("heading", name="خطر المغادرة")).to_be_visible()
            shot(page, "risk", "account-risk-ar")
            chromium.close()
    finally:
        served.stop()

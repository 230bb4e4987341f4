"""Saved views: a CSM saves the portfolio's filter with a name and shares its link."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from nabd.risk.churn_storage import store_predictions
from nabd.store import open_store
from nabd.store.calendar import today
from nabd.store.clock import utc_now
from nabd.web.app import create_app
from nabd.web.read.views import view_query
from nabd.web.users import add_token
from tests.web.conftest import log_in, page_csrf


def test_a_saved_view_keeps_the_filter_and_its_link_opens_it_for_a_colleague(client):
    log_in(client, "carla")
    token = page_csrf(client, "/portfolio")
    saved = client.post("/views", data={"name": "Red everywhere", "query": "band=red&csm=*&page=3&evil=1",
                                        "csrf_token": token}, follow_redirects=False)
    link = saved.headers["location"]
    assert re.fullmatch(r"/views/[0-9a-f]{12}", link)
    assert "Red everywhere" in client.get("/portfolio").text  # listed on her portfolio
    client.post("/logout", data={"csrf_token": token})
    log_in(client, "dan")
    opened = client.get(link, follow_redirects=False)
    assert opened.headers["location"].startswith("/portfolio?band=red&csm=%2A&view=")
    page = client.get(link).text
    assert "Portfolio: Red everywhere" in page
    assert sorted(re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)) == ["Acme Trading", "Dune Retail"]


def test_a_view_keeps_only_the_portfolios_parameters():
    assert view_query("page=2&renewal=30&band=red&x=1&q=") == "band=red&renewal=30"


def test_the_renewal_window_keeps_the_accounts_renewing_in_it(client):
    log_in(client, "ana")  # every account renews in 30 days
    names = lambda page: re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)  # noqa: E731
    assert len(names(client.get("/portfolio", params={"renewal": 30}).text)) == 4
    assert names(client.get("/portfolio", params={"renewal": 29}).text) == []
    assert len(names(client.get("/portfolio", params={"renewal": "", "band": ""}).text)) == 4  # "" = any


@pytest.fixture
def risky_client(company_url: str):
    """The company with churn risks (Acme 80%, Beta 30%, Cedar 55%, Dune none) and warnings: usage_drop on Beta
    5 days ago and on Cedar 40 days ago (outside the 30 days), ticket_burst on Dune 2 days ago."""
    day = today()
    with open_store(company_url) as store:
        store.execute(
            "INSERT INTO churn_models (version, fitted_at, engine, horizon_days, fit_first, fit_last, validate_first, "
            "validate_last, labelled_churn, metrics, model) VALUES ('m1', ?, 'logistic', 90, ?, ?, ?, ?, 10, "
            "CAST('{}' AS JSON), 'x')", [utc_now(), day, day, day, day])
        store_predictions(store, "m1", day, ["a1", "a2", "a3"], np.array([0.8, 0.3, 0.55]), [[], [], []])
        for account_id, indicator, days in (("a2", "usage_drop", 5), ("a3", "usage_drop", 40), ("a4", "ticket_burst", 2)):
            store.execute("INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) "
                          "VALUES (?, ?, ?, CAST('{}' AS JSON), ?)", [account_id, indicator, day - timedelta(days=days),
                                                                      utc_now()])
    with TestClient(create_app(company_url, secret_key="test-secret")) as browser:
        log_in(browser, "ana")
        yield browser


def _names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)


def test_the_risk_filter_keeps_the_accounts_at_or_above_that_churn_risk(risky_client):
    assert sorted(_names(risky_client.get("/portfolio", params={"risk": 55}).text)) == ["Acme Trading", "Cedar Labs"]
    assert _names(risky_client.get("/portfolio", params={"risk": 81}).text) == []


def test_top_by_risk_keeps_the_n_riskiest_accounts_after_the_other_filters(risky_client):
    assert _names(risky_client.get("/portfolio", params={"top": 2, "sort": "risk", "order": "desc"}).text) == [
        "Acme Trading", "Cedar Labs"]
    assert _names(risky_client.get("/portfolio", params={"top": 1, "segment": "ent"}).text) == ["Beta Foods"]


def test_the_indicator_filter_keeps_accounts_warned_in_the_last_30_days(risky_client):
    assert _names(risky_client.get("/portfolio", params={"indicator": "usage_drop"}).text) == ["Beta Foods"]
    assert _names(risky_client.get("/portfolio", params={"indicator": "ticket_burst"}).text) == ["Dune Retail"]
    assert risky_client.get("/portfolio", params={"indicator": "nonsense"}).status_code == 422


def test_a_view_saved_with_risk_and_indicator_opens_with_them(risky_client):
    token = page_csrf(risky_client, "/portfolio")
    saved = risky_client.post("/views", data={"name": "Risky and warned", "query": "risk=20&top=3&indicator=usage_drop",
                                              "csrf_token": token}, follow_redirects=False)
    opened = risky_client.get(saved.headers["location"], follow_redirects=False).headers["location"]
    assert opened.startswith("/portfolio?risk=20&top=3&indicator=usage_drop&view=")
    page = risky_client.get(opened).text
    assert "Portfolio: Risky and warned" in page and _names(page) == ["Beta Foods"]
    assert 'id="risk" name="risk" type="number"' in page and 'value="20"' in page


def test_a_view_saved_before_the_risk_fields_still_opens(risky_client):
    store = risky_client.app.state.store
    with risky_client.app.state.store_lock:
        store.execute("INSERT INTO saved_views (view_id, name, owner, query, created_at) "
                      "VALUES ('0123456789ab', 'Old red', 'ana', 'band=red&csm=%2A', ?)", [utc_now()])
    page = risky_client.get("/views/0123456789ab").text
    assert "Portfolio: Old red" in page and sorted(_names(page)) == ["Acme Trading", "Dune Retail"]


def test_the_accounts_api_filters_by_risk_top_and_indicator(risky_client):
    bearer = {"Authorization": f"Bearer {add_token_now(risky_client, 'ana')}"}
    found = risky_client.get("/api/v1/accounts", params={"risk": 50}, headers=bearer).json()
    assert sorted((i["account_id"], i["risk"]) for i in found["items"]) == [("a1", 0.8), ("a3", 0.55)]
    assert [i["account_id"] for i in risky_client.get("/api/v1/accounts", params={"top": 1},
                                                       headers=bearer).json()["items"]] == ["a1"]
    assert [i["account_id"] for i in risky_client.get("/api/v1/accounts", params={"indicator": "usage_drop"},
                                                       headers=bearer).json()["items"]] == ["a2"]


def add_token_now(client, login: str) -> str:
    with client.app.state.store_lock:
        return add_token(client.app.state.store, login, "tests")


def test_without_a_churn_model_the_risk_filters_keep_no_account(client):
    log_in(client, "ana")
    assert _names(client.get("/portfolio", params={"risk": 0}).text) == []
    assert _names(client.get("/portfolio", params={"top": 3, "indicator": "usage_drop"}).text) == []
    assert len(_names(client.get("/portfolio", params={"risk": "", "top": "", "indicator": ""}).text)) == 4

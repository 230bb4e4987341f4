"""nabd.web.app: the app's lifespan (its store, intake, warmer and hand-off live in app.state)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_token
from tests.conftest import with_schema
from tests.web.conftest import seed_company


def test_an_app_already_running_refuses_a_second_start_and_keeps_serving(company_url):
    app = create_app(company_url, secret_key="k")
    with TestClient(app) as first:
        with pytest.raises(RuntimeError, match="already running"):
            with TestClient(app):
                pass
        assert first.get("/login").status_code == 200
        assert app.state.warming._thread.is_alive()  # the first start's warmer was not orphaned


def test_an_app_stopped_can_be_started_again(company_url):
    app = create_app(company_url, secret_key="k")
    for _ in range(2):
        with TestClient(app) as client:
            assert client.get("/login").status_code == 200



def test_two_apps_at_once_each_answer_from_their_own_store(company_url, tmp_path):
    """The routes are included once per process and shared by every app (nabd.web.app._routes): what a request
    reads still comes from the app that received it."""
    other_url = with_schema(f"duckdb:///{tmp_path / 'other.duckdb'}")
    with open_store(other_url) as other:
        seed_company(other)
        other.execute("UPDATE accounts SET name = 'Zahra Co' WHERE account_id = 'a1'")
    with TestClient(create_app(company_url, secret_key="k")) as first, \
            TestClient(create_app(other_url, secret_key="k")) as second:
        names = [_account_names(client) for client in (first, second, first)]
    ours = {"Beta Foods", "Cedar Labs", "Dune Retail"}
    assert names == [ours | {"Acme Trading"}, ours | {"Zahra Co"}, ours | {"Acme Trading"}]


def _account_names(client: TestClient) -> set[str]:
    with client.app.state.store_lock:
        token = add_token(client.app.state.store, "ana", "tests")
    answer = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    return {account["name"] for account in answer.json()["items"]}

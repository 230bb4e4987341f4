"""nabd.web.app: the app's lifespan (its store, intake, warmer and hand-off live in app.state)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nabd.web.app import create_app


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

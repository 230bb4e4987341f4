"""No server error from input: huge offsets and pages, NUL characters, unknown segments, a segment with
NPS answers but no CSAT; an unexpected error is a 500 that leaves the connection open; 405 names Allow."""

import http.client
import socket
import threading
import time
from datetime import timedelta

import pytest
import uvicorn

from nabd.store.clock import utc_now
from nabd.web.read import dashboard as dashboards
from nabd.web.app import create_app
from tests.web.conftest import log_in, page_csrf


def _get(client, path, token, **params):
    return client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/tasks", "/api/v1/health-scores"])
def test_a_huge_offset_is_a_422_naming_it(client, tokens, path):
    response = _get(client, path, tokens["vic"], offset=10**30)
    assert response.status_code == 422 and response.json()["error"].startswith("offset:")


def test_the_largest_offset_allowed_gives_an_empty_page(client, tokens):
    response = _get(client, "/api/v1/tasks", tokens["vic"], offset=1_000_000_000)
    assert response.status_code == 200 and response.json()["items"] == []


def test_a_huge_portfolio_page_is_a_422(client):
    log_in(client, "vic")
    assert client.get("/portfolio", params={"page": 10**30}).status_code == 422


@pytest.mark.parametrize("params", [{"owner": "carla\x00"}, {"account_id": "\x00"}, {"status": "open\x00"}])
def test_a_nul_character_in_a_task_filter_is_a_400(client, tokens, params):
    response = _get(client, "/api/v1/tasks", tokens["vic"], **params)
    assert response.status_code == 400 and "NUL" in response.json()["error"]


def test_a_nul_character_in_an_id_is_a_400(client, tokens):
    assert _get(client, "/api/v1/accounts/a1%00", tokens["vic"]).status_code == 400
    response = client.patch("/api/v1/tasks/k1%00", json={"status": "done", "outcome": "x"},
                            headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 400


def test_a_nul_character_in_a_json_or_form_body_is_a_400(client, tokens):
    response = client.post("/api/v1/tasks", json={"account_id": "a1", "title": "call\x00"},
                           headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 400 and "body" in response.json()["error"]
    log_in(client, "ana")
    response = client.post("/accounts/a1/tasks", data={"title": "call\x00", "csrf_token": page_csrf(client)})
    assert response.status_code == 400
    assert client.app.state.store.scalar("SELECT count(*) FROM tasks WHERE title LIKE 'call%'") == 0


def test_an_unknown_segment_is_empty_and_nothing_is_computed_or_kept_for_it(client, tokens):
    response = _get(client, "/api/v1/metrics", tokens["vic"], segment="no-such-segment")
    assert response.status_code == 200 and response.json()["churn"] == [] and response.json()["nps"] == []
    log_in(client, "vic")
    assert client.get("/dashboard", params={"segment": "no-such-segment-2"}).status_code == 200
    kept = {key.segment for key in dashboards._dashboards if key.database == str(client.app.state.store.url)}
    assert kept <= {None, "smb", "ent"}  # the warmer's; none for the unknown segments


def test_a_segment_is_found_in_any_letter_case(client, tokens):
    upper = _get(client, "/api/v1/metrics", tokens["vic"], segment="SMB").json()
    lower = _get(client, "/api/v1/metrics", tokens["vic"], segment="smb").json()
    assert upper == lower


def test_a_segment_with_nps_answers_but_no_csat_shows_its_dashboard(client):
    last_month = utc_now().replace(day=1) - timedelta(days=10)
    client.app.state.store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, language, responded_at) "
        "VALUES ('r9', 'a3', 'nps', 9, 'en', ?)", [last_month])
    log_in(client, "vic")
    response = client.get("/dashboard", params={"segment": "smb"})
    assert response.status_code == 200, response.text[:300]


def test_trace_is_a_405_naming_the_allowed_methods(client, tokens):
    response = client.request("TRACE", "/api/v1/accounts", headers={"Authorization": f"Bearer {tokens['vic']}"})
    assert response.status_code == 405 and response.headers["allow"] == "GET"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_after_a_server_error_the_keep_alive_connection_answers_the_next_request(company_url):
    app = create_app(company_url, secret_key="test-secret")

    @app.get("/health/broken")
    async def broken():
        raise RuntimeError("a bug")

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/health/broken")
        failed = connection.getresponse()
        assert failed.status == 500 and b"RuntimeError" in failed.read()
        connection.request("GET", "/health")  # the same connection
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.should_exit = True
        thread.join(10)

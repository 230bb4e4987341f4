"""Every route refuses strangers; viewers never write; CSMs write only their own accounts and tasks."""

import re

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import log_in, page_csrf

PUBLIC = {"/login", "/language", "/health", "/metrics", "/survey/{token}", "/unsubscribe/{token}",
          "/onboarding/{token}", "/widget/v1/question", "/widget/v1/answers", "/refer/{token}"}
WRITE_KEY = "/v1/"  # the event intake: a write key (HTTP basic), never a session or API token
ADMIN = "/admin/"  # CLI hand-off: loopback clients with the serve file's token, never a session
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _endpoints(routes):
    """Every APIRoute, including those of included routers (FastAPI keeps them as their original router)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _endpoints(route.original_router.routes)


def _routes(app):
    """(method, path template, path with sample ids) of every route of the app."""
    for route in _endpoints(app.routes):
        path = re.sub(r"\{[^}]+\}", "a1", route.path)
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path, path


def test_the_app_has_routes_of_every_kind(client):
    paths = {template for _, template, _ in _routes(client.app)}
    assert {"/portfolio", "/accounts/{account_id}", "/dashboard", "/scorecards/{name}", "/data",
            "/api/v1/accounts", "/api/v1/openapi.json", "/api/v1/tasks/{task_id}"} <= paths


def test_every_route_but_login_health_metrics_and_static_refuses_a_request_without_session_or_token(client):
    checked = 0
    for method, template, path in _routes(client.app):
        if template in PUBLIC:
            continue
        response = client.request(method, path, follow_redirects=False)
        if template.startswith(ADMIN):  # the test client is not on loopback: refused before the token
            assert response.status_code == 403, (method, template)
            assert "error" in response.json()
        elif template.startswith(("/api/", WRITE_KEY)):
            assert response.status_code == 401, (method, template)
            assert "error" in response.json()
        else:
            assert response.status_code == 303, (method, template)
            assert response.headers["location"].startswith("/login")
        checked += 1
    assert checked >= 20


def test_admin_routes_refuse_a_loopback_client_without_the_token_even_with_a_session(client, tokens):
    from fastapi.testclient import TestClient

    loopback = TestClient(client.app, client=("127.0.0.1", 50000))
    admin = [(method, path) for method, template, path in _routes(client.app) if template.startswith(ADMIN)]
    assert admin
    log_in(loopback, "ana")
    for method, path in admin:
        for headers in ({}, {"Authorization": f"Bearer {tokens['ana']}"}):  # an API token is not the admin token
            response = loopback.request(method, path, json={"argv": ["status"], "cwd": "/"}, headers=headers)
            assert response.status_code == 401 and "token" in response.json()["error"], (method, path)


def test_a_viewer_gets_403_on_every_write_of_pages_and_api(client, tokens):
    log_in(client, "vic")
    csrf = page_csrf(client)
    own_session = {"/logout", "/preferences"}  # a viewer's own session and language are not data
    checked = 0
    for method, template, path in _routes(client.app):
        if method not in UNSAFE or template in PUBLIC | own_session or template.startswith((WRITE_KEY, ADMIN)):
            continue
        if template.startswith("/api/"):
            response = client.request(method, path, json={}, headers={"Authorization": f"Bearer {tokens['vic']}"})
        else:
            response = client.request(method, path, data={"csrf_token": csrf}, follow_redirects=False)
        assert response.status_code == 403, (method, template, response.text[:200])
        checked += 1
    assert checked >= 6


def test_a_csm_can_add_a_task_to_their_own_account(client):
    log_in(client, "carla")
    response = client.post("/accounts/a1/tasks", data={"title": "Book a QBR", "csrf_token": page_csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303
    assert client.app.state.store.scalar("SELECT owner FROM tasks WHERE title = 'Book a QBR'") == "carla"


def test_a_csm_cannot_add_a_task_to_another_csms_account(client):
    log_in(client, "carla")
    response = client.post("/accounts/a2/tasks", data={"title": "Sneak", "csrf_token": page_csrf(client)})
    assert response.status_code == 403
    assert client.app.state.store.scalar("SELECT count(*) FROM tasks WHERE title = 'Sneak'") == 0


def test_a_csm_can_close_their_own_task_but_not_another_csms(client):
    log_in(client, "carla")
    csrf = page_csrf(client)
    assert client.post("/tasks/k1/outcome", data={"status": "done", "outcome": "called", "csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    assert client.post("/tasks/k2/outcome", data={"status": "done", "outcome": "called", "csrf_token": csrf}
                       ).status_code == 403
    statuses = dict(client.app.state.store.fetchall("SELECT task_id, status FROM tasks ORDER BY task_id"))
    assert statuses == {"k1": "done", "k2": "open"}


@pytest.mark.parametrize("login", ["carla", "vic"])
def test_only_an_admin_can_save_a_scorecard(client, login):
    log_in(client, login)
    response = client.post("/scorecards/default", data={"yaml": "name: x", "csrf_token": page_csrf(client)})
    assert response.status_code == 403


def test_a_write_with_a_wrong_csrf_token_is_refused_even_for_an_admin(client):
    log_in(client, "ana")
    response = client.post("/accounts/a1/tasks", data={"title": "x", "csrf_token": "not-the-token"})
    assert response.status_code == 403


def test_a_write_with_the_csrf_token_in_the_htmx_header_is_accepted(client):
    log_in(client, "ana")
    response = client.post("/accounts/a1/tasks", data={"title": "Via htmx"},
                           headers={"X-CSRF-Token": page_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303

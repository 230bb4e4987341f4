"""Every write route x every role x someone else's object: admins may, a CSM may not touch another CSM's
account, task or survey response, viewers and strangers never write. The routes come from the app,
so a write route added without a case here fails ``test_every_write_route_has_a_case``.

The CSM is dan (accounts a2, a4); the objects written are carla's (account a1, task k1, response r1)
or, for the admin-only routes, the company's (scorecards, users, API tokens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nabd.store import Store
from nabd.store.calendar import today
from nabd.store.clock import utc_now
from nabd.web.account_input import override_score
from nabd.web.read.scorecards import active_scorecard
from nabd.web.users import list_tokens
from tests.web.conftest import log_in, page_csrf
from tests.web.test_roles import ADMIN, PUBLIC, UNSAFE, WRITE_KEY, _routes

ROLES = ("anonymous", "viewer", "csm", "admin")
LOGINS = {"viewer": "vic", "csm": "dan", "admin": "ana"}
LOGGED_IN = frozenset({"viewer", "csm", "admin"})


def _token_of(login: str) -> Callable[[Store], str]:
    return lambda store: next(row["token_id"] for row in list_tokens(store, login))


@dataclass(frozen=True)
class Case:
    """How to write someone else's object through one route, who may, and what shows the write."""

    path: str | Callable[[Store], str]
    body: dict[str, Any] | Callable[[Store], dict[str, Any]] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset({"admin"})
    done: int = 303  # the status of an allowed write
    state: Callable[[Store], Any] | None = None  # reads the object: unchanged after a refused write


def _user(login: str) -> Callable[[Store], Any]:
    return lambda store: store.fetchall(
        "SELECT role, password_hash, disabled_at FROM users WHERE login = ?", [login])


def _task(store: Store) -> Any:
    return store.fetchall("SELECT status, outcome FROM tasks WHERE task_id = 'k1'")


def _a1_tasks(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM tasks WHERE account_id = 'a1'")


def _response(store: Store) -> Any:
    return store.fetchall("SELECT account_id, score FROM survey_responses WHERE response_id = 'r1'")


def _carlas_view(store: Store) -> str:
    """A fresh view saved by carla: the object the delete route is tried on."""
    from nabd.web.read.views import save_view
    return f"/views/{save_view(store, 'Red SMB', 'band=red&segment=smb', 'carla')}/delete"


def _views(store: Store) -> Any:
    return store.fetchall("SELECT view_id, owner FROM saved_views ORDER BY 1")


def _versions(store: Store) -> Any:
    return store.fetchall("SELECT name, version FROM scorecard_versions ORDER BY 1, 2")


def _activations(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM scorecard_activations")


def _tokens(store: Store) -> Any:
    return store.fetchall("SELECT token_hash, revoked_at FROM api_tokens ORDER BY 1")


def _a1_notes(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM account_notes WHERE account_id = 'a1'")


def _a1_overrides(store: Store) -> Any:
    return store.fetchall("SELECT score, ended_at FROM score_overrides WHERE account_id = 'a1' ORDER BY created_at")


def _a1_ratings(store: Store) -> Any:
    return store.fetchall("SELECT rating, note FROM relationship_ratings WHERE account_id = 'a1'")


def _a1_referrals(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM referrals WHERE account_id = 'a1'")


def _a1_reward(store: Store) -> str:
    """A pending reward of carla's a1 (approving or rejecting it is tried), and its id."""
    store.execute("INSERT INTO rewards (reward_id, account_id, source, source_id, kind, description_en, "
                  "description_ar, earned_on, status, created_at) VALUES ('tier:a1:gold', 'a1', 'tier', 'gold', "
                  "'gift', 'A mug', 'كوب', ?, 'pending', ?) ON CONFLICT DO NOTHING", [today(), utc_now()])
    return "tier:a1:gold"


def _rewards(store: Store) -> Any:
    return store.fetchall("SELECT reward_id, status, decided_by FROM rewards ORDER BY 1")


def _referral_sign_up(store: Store) -> dict[str, Any]:
    """A sign-up by the referral link of a contact of carla's a1."""
    from nabd.feedback.links import link_key
    from nabd.outreach.messages import signed_token
    store.execute("INSERT INTO contacts (contact_id, account_id, email) VALUES ('wc1', 'a1', 'huda@a1.test') "
                  "ON CONFLICT DO NOTHING")
    return {"token": signed_token(link_key(store), "referral", "wc1", utc_now()), "email": "ali@gamma.test"}


def _prospects(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM referral_prospects")


def _with_a1_override(store: Store) -> str:
    """Put an override in force on carla's a1 (so that ending it can be tried), and name the route."""
    if not store.scalar("SELECT count(*) FROM score_overrides WHERE account_id = 'a1' AND ended_at IS NULL"):
        override_score(store, "a1", score=80, reason="renewal signed", expires_on=today() + timedelta(days=20),
                       by="carla", today=today(), now=utc_now())
    return "/accounts/a1/override/end"


def _with_a1_override_api(store: Store) -> str:
    _with_a1_override(store)
    return "/api/v1/accounts/a1/override"



def _a1_warning(store: Store) -> str:
    """A usage_drop warning fired today on carla's a1 (dismissing it is tried), and the route."""
    store.execute("INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) "
                  "VALUES ('a1', 'usage_drop', ?, '{\"drop\": 0.5}', ?) ON CONFLICT DO NOTHING", [today(), utc_now()])
    return "/api/v1/inbox/a1/usage_drop"


def _a1_warning_actions(store: Store) -> Any:
    return store.fetchall("SELECT action, acted_by FROM warning_actions WHERE account_id = 'a1'")


def _journey_text(store: Store) -> dict[str, Any]:
    from nabd.outreach.journey import load_journeys
    from nabd.outreach.journey_versions import journey_yaml
    return {"yaml": journey_yaml(load_journeys().journey("red_band_save")), "action": "save"}


def _new_journey_text(store: Store) -> dict[str, Any]:
    text = _journey_text(store)["yaml"].replace("id: red_band_save", "id: matrix_journey", 1)
    return {"yaml": text, "action": "save"}


def _journey_versions(store: Store) -> Any:
    return store.scalar("SELECT count(*) FROM journey_versions")

_OVERRIDE = {"score": 75, "reason": "signed a 2-year extension", "expires_on": str(today() + timedelta(days=30))}


def _yaml(store: Store) -> dict[str, Any]:
    return {"yaml": active_scorecard(store)["yaml"]}


def _version(store: Store) -> dict[str, Any]:
    return {"version": active_scorecard(store)["version"]}


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/logout"): Case("/logout", allowed=LOGGED_IN),  # the user's own session
    ("POST", "/preferences"): Case("/preferences", {"language": "ar", "digits": "latn"}, allowed=LOGGED_IN),
    ("POST", "/accounts/{account_id}/tasks"): Case("/accounts/a1/tasks", {"title": "Not yours"}, state=_a1_tasks),
    ("POST", "/accounts/{account_id}/notes"): Case("/accounts/a1/notes", {"kind": "call", "body": "Not yours"},
                                                   state=_a1_notes),
    ("POST", "/accounts/{account_id}/override"): Case("/accounts/a1/override", _OVERRIDE, state=_a1_overrides),
    ("POST", "/accounts/{account_id}/override/end"): Case(_with_a1_override, state=_a1_overrides),
    ("POST", "/accounts/{account_id}/rating"): Case("/accounts/a1/rating", {"rating": 1, "note": "x"},
                                                    state=_a1_ratings),
    ("POST", "/accounts/{account_id}/referrals"): Case("/accounts/a1/referrals", {"referred": "a2"},
                                                       state=_a1_referrals),
    ("POST", "/api/v1/accounts/{account_id}/notes"): Case("/api/v1/accounts/a1/notes", {"body": "Not yours"},
                                                          done=201, state=_a1_notes),
    ("POST", "/api/v1/accounts/{account_id}/override"): Case("/api/v1/accounts/a1/override", _OVERRIDE, done=201,
                                                             state=_a1_overrides),
    ("DELETE", "/api/v1/accounts/{account_id}/override"): Case(_with_a1_override_api, done=204,
                                                               state=_a1_overrides),
    ("POST", "/api/v1/accounts/{account_id}/ratings"): Case("/api/v1/accounts/a1/ratings", {"rating": 1}, done=201,
                                                            state=_a1_ratings),
    ("POST", "/api/v1/accounts/{account_id}/referrals"): Case("/api/v1/accounts/a1/referrals", {"referred": "a2"},
                                                              done=201, state=_a1_referrals),
    # only admins decide rewards; signing up a prospect of a1's referral link is a write on carla's a1
    ("POST", "/rewards/{reward_id}/{decision}"): Case(lambda store: f"/rewards/{_a1_reward(store)}/approve",
                                                      state=_rewards),
    ("POST", "/api/v1/rewards/{reward_id}/{decision}"): Case(
        lambda store: f"/api/v1/rewards/{_a1_reward(store)}/reject", done=200, state=_rewards),
    ("POST", "/api/v1/referrals/signups"): Case("/api/v1/referrals/signups", _referral_sign_up, done=201,
                                                state=_prospects),
    ("POST", "/tasks/{task_id}/outcome"): Case("/tasks/k1/outcome", {"status": "done", "outcome": "x"}, state=_task),
    ("POST", "/digest"): Case("/digest", {"email": "me@example.com", "enabled": "true"},  # one's own; viewers read
                              allowed=frozenset({"csm", "admin"})),
    ("PUT", "/api/v1/me/digest"): Case("/api/v1/me/digest", {"email": "me@example.com", "enabled": True},
                                       allowed=frozenset({"csm", "admin"}), done=200),
    ("POST", "/api/v1/inbox/{account_id}/{cause}"): Case(_a1_warning, {"action": "dismissed", "reason": "x"}, done=200,
                                                         state=_a1_warning_actions),
    ("POST", "/journeys/new"): Case("/journeys/new", _new_journey_text, state=_journey_versions),
    ("POST", "/journeys/{journey_id}/edit"): Case("/journeys/red_band_save/edit", _journey_text, state=_journey_versions),
    ("POST", "/journeys/{journey_id}/enabled"): Case("/journeys/red_band_save/enabled", {"enabled": "false"},
                                                     state=_journey_versions),
    # a view is the user's own: CSMs and admins save, viewers only read; only its owner or an admin deletes it
    ("POST", "/views"): Case("/views", {"name": "Mine", "query": "band=red"}, allowed=frozenset({"csm", "admin"}),
                             state=_views),
    ("POST", "/views/{view_id}/delete"): Case(_carlas_view, state=_views),
    # carla's red account a1: open a task from its at-risk warning
    ("POST", "/inbox/act"): Case("/inbox/act", {"account_id": "a1", "cause": "band:unhealthy", "action": "task"},
                                 state=_a1_tasks),
    ("POST", "/scorecards/{name}"): Case("/scorecards/default", _yaml, done=200, state=_versions),
    ("POST", "/scorecards/{name}/activate"): Case("/scorecards/default/activate", _version, state=_activations),
    ("POST", "/users"): Case("/users", {"login": "eve", "password": "a long password", "role": "admin"},
                             state=_user("eve")),
    ("POST", "/users/{login}/role"): Case("/users/carla/role", {"role": "admin"}, state=_user("carla")),
    ("POST", "/users/{login}/password"): Case("/users/carla/password", {"password": "another password"},
                                              state=_user("carla")),
    ("POST", "/users/{login}/disable"): Case("/users/carla/disable", state=_user("carla")),
    ("POST", "/users/{login}/enable"): Case("/users/carla/enable", state=_user("carla")),
    ("POST", "/users/{login}/delete"): Case("/users/carla/delete", state=_user("carla")),
    ("POST", "/users/tokens/{token_id}/revoke"): Case(
        lambda store: f"/users/tokens/{_token_of('carla')(store)}/revoke", state=_tokens),
    ("POST", "/api/v1/tasks"): Case("/api/v1/tasks", {"account_id": "a1", "title": "Not yours"}, done=201,
                                    state=_a1_tasks),
    ("PATCH", "/api/v1/tasks/{task_id}"): Case("/api/v1/tasks/k1", {"status": "done", "outcome": "x"}, done=200,
                                               state=_task),
    ("PUT", "/api/v1/scorecards/{name}"): Case("/api/v1/scorecards/default", _yaml, done=200, state=_versions),
    ("PUT", "/api/v1/active-scorecard"): Case("/api/v1/active-scorecard", _version, done=200, state=_activations),
    # dan moves carla's response r1 onto his own account a2 (an NPS 3 becomes a 10)
    ("POST", "/api/v1/survey-responses"): Case(
        "/api/v1/survey-responses", {"response_id": "r1", "account_id": "a2", "kind": "nps", "score": 10},
        done=201, state=_response),
}


def _write_routes(app) -> set[tuple[str, str]]:
    return {(method, template) for method, template, _ in _routes(app)
            if method in UNSAFE and template not in PUBLIC and not template.startswith((WRITE_KEY, ADMIN))}


def test_every_write_route_has_a_case(client):
    assert _write_routes(client.app) == set(CASES)


def _request(app, role: str, method: str, path: str, body: dict[str, Any], tokens: dict[str, str]):
    browser = TestClient(app)  # the app is already started by the ``client`` fixture
    api = path.startswith("/api/")
    if api:
        headers = {"Authorization": f"Bearer {tokens[LOGINS[role]]}"} if role != "anonymous" else {}
        return browser.request(method, path, json=body, headers=headers)
    if role == "anonymous":
        return browser.request(method, path, data={**body, "csrf_token": "x"}, follow_redirects=False)
    log_in(browser, LOGINS[role])
    return browser.request(method, path, data={**body, "csrf_token": page_csrf(browser)}, follow_redirects=False)


def _refusal(role: str, path: str) -> int:
    if role == "anonymous":
        return 401 if path.startswith("/api/") else 303
    return 403


@pytest.mark.parametrize("route", sorted(CASES), ids=lambda route: f"{route[0]} {route[1]}")
def test_each_role_writes_only_what_it_may(client, tokens, route):
    case = CASES[route]
    store = client.app.state.store
    for role in ROLES:  # the refused roles first: the admin's write changes the object
        with client.app.state.store_lock:
            path = case.path(store) if callable(case.path) else case.path
            body = case.body(store) if callable(case.body) else case.body
            before = case.state(store) if case.state else None
        response = _request(client.app, role, route[0], path, body, tokens)
        expected = case.done if role in case.allowed else _refusal(role, path)
        assert response.status_code == expected, (role, route, response.text[:300])
        if role not in case.allowed and case.state:
            with client.app.state.store_lock:
                assert case.state(store) == before, (role, route)
        if role == "anonymous" and expected == 303:
            assert response.headers["location"].startswith("/login")


def test_a_csm_cannot_record_a_new_response_on_another_csms_account(client, tokens):
    response = client.post("/api/v1/survey-responses", json={"account_id": "a1", "kind": "nps", "score": 10},
                           headers={"Authorization": f"Bearer {tokens['dan']}"})
    assert response.status_code == 403
    assert client.app.state.store.scalar("SELECT count(*) FROM survey_responses") == 1


def test_a_csm_records_a_response_on_their_own_account(client, tokens):
    response = client.post("/api/v1/survey-responses", json={"account_id": "a2", "kind": "nps", "score": 9},
                           headers={"Authorization": f"Bearer {tokens['dan']}"})
    assert response.status_code == 201
    assert client.app.state.store.scalar(
        "SELECT score FROM survey_responses WHERE response_id = ?", [response.json()["response_id"]]) == 9


def test_an_admin_moves_a_response_to_another_account(client, tokens):
    response = client.post("/api/v1/survey-responses",
                           json={"response_id": "r1", "account_id": "a2", "kind": "nps", "score": 10},
                           headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 201
    assert _response(client.app.state.store) == [("a2", 10)]


def _new_task(client, token, **fields):
    return client.post("/api/v1/tasks", json={"account_id": "a2", "title": "Follow up", **fields},
                       headers={"Authorization": f"Bearer {token}"})


def test_a_task_for_a_login_that_does_not_exist_is_a_400_naming_the_owner_field(client, tokens):
    for login in ("ana", "dan"):
        response = _new_task(client, tokens[login], owner="nobody")
        assert response.status_code == 400 and response.json()["error"].startswith("owner:"), login
    assert client.app.state.store.scalar("SELECT count(*) FROM tasks WHERE owner = 'nobody'") == 0


def test_a_csm_cannot_give_a_task_to_someone_else(client, tokens):
    response = _new_task(client, tokens["dan"], owner="carla")
    assert response.status_code == 403 and response.json()["error"].startswith("owner:")


def test_a_csm_owns_the_tasks_they_open_and_an_admin_assigns_them(client, tokens):
    assert _new_task(client, tokens["dan"]).json()["owner"] == "dan"
    assert _new_task(client, tokens["dan"], owner="dan").json()["owner"] == "dan"
    assert _new_task(client, tokens["ana"], owner="dan").json()["owner"] == "dan"

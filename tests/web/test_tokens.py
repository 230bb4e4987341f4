"""API tokens one by one: `nabd token list` and `revoke`, the users page, last-used time; a revoked
token stays revoked, also when its user is disabled and enabled again."""

from nabd.store import open_store
from nabd.web.users import add_token, add_user, list_tokens, revoke_token, set_disabled
from tests.command_line import nabd
from tests.web.conftest import log_in, page_csrf


def _get(client, token):
    return client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})


def _id(client, login):
    with client.app.state.store_lock:
        return next(row["token_id"] for row in list_tokens(client.app.state.store, login))


def test_a_revoked_token_is_refused_from_the_next_request(client, tokens):
    assert _get(client, tokens["carla"]).status_code == 200
    token_id = _id(client, "carla")
    with client.app.state.store_lock:
        revoke_token(client.app.state.store, token_id)
    assert _get(client, tokens["carla"]).status_code == 401
    assert _get(client, tokens["dan"]).status_code == 200  # the others keep working


def test_enabling_a_user_again_does_not_revive_a_token_revoked_before(client, tokens):
    token_id = _id(client, "carla")
    with client.app.state.store_lock:
        store = client.app.state.store
        revoke_token(store, token_id)
        set_disabled(store, "carla", True)
        set_disabled(store, "carla", False)
    assert _get(client, tokens["carla"]).status_code == 401


def test_a_token_notes_when_it_was_last_used(client, tokens):
    assert [row["last_used_at"] for row in list_tokens(client.app.state.store, "dan")] == [None]
    _get(client, tokens["dan"])
    with client.app.state.store_lock:
        (row,) = list_tokens(client.app.state.store, "dan")
    assert row["last_used_at"] is not None and row["revoked_at"] is None
    assert row["token_id"] not in tokens["dan"]  # the id is part of the hash, not of the token


def test_an_admin_revokes_a_token_on_the_users_page(client, tokens):
    log_in(client, "ana")
    page = client.get("/users").text
    token_id = _id(client, "carla")
    assert token_id in page and "API tokens" in page
    response = client.post(f"/users/tokens/{token_id}/revoke", data={"csrf_token": page_csrf(client, "/users")},
                           follow_redirects=False)
    assert response.status_code == 303
    assert _get(client, tokens["carla"]).status_code == 401
    assert "revoked on" in client.get("/users").text


def test_token_list_and_revoke_on_the_command_line(store_url):
    with open_store(store_url) as store:
        add_user(store, "lina", "a long password", "csm")
        token = add_token(store, "lina", "crm sync")
    listed = nabd("token", "list", database=store_url)
    assert listed.returncode == 0, listed.stderr
    assert "lina" in listed.stdout and "crm sync" in listed.stdout and "never used" in listed.stdout
    assert token not in listed.stdout
    token_id = listed.stdout.split()[0]
    revoked = nabd("token", "revoke", token_id, database=store_url)
    assert revoked.returncode == 0 and f"token {token_id} of lina (crm sync) is revoked" in revoked.stdout
    assert "revoked" in nabd("token", "list", "lina", database=store_url).stdout


def test_token_revoke_refuses_an_unknown_id(store_url):
    open_store(store_url).close()  # a database that exists (only init, import, demo and serve make one)
    result = nabd("token", "revoke", "0123456789ab", database=store_url)
    assert result.returncode == 1 and "there is no API token 0123456789ab" in result.stderr

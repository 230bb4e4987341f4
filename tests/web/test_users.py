"""The users page: admins add users, change roles, reset passwords, disable and delete; nobody else gets in."""

import pytest
from fastapi.testclient import TestClient

from nabd.errors import NabdError
from nabd.web.users import add_user, authenticate, delete_user, set_disabled, set_role
from tests.web.conftest import PASSWORD, log_in, page_csrf

NEW_PASSWORD = "another horse"


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    log_in(client, "ana")
    return client


def _post(client: TestClient, path: str, **fields: str):
    return client.post(path, data={**fields, "csrf_token": page_csrf(client, "/users")}, follow_redirects=False)


def _users(client: TestClient) -> dict[str, tuple]:
    rows = client.app.state.store.fetchall("SELECT login, role, language, disabled_at IS NOT NULL FROM users")
    return {login: rest for login, *rest in rows}


def test_the_users_page_lists_every_user_with_role_and_language(admin):
    page = admin.get("/users").text
    for login in ("ana", "carla", "dan", "vic"):
        assert f'<th scope="row">{login}</th>' in page
    assert page.count('<option value="csm" selected>') == 2 and 'href="/users" aria-current="page"' in page


def test_an_admin_adds_a_user_who_can_then_log_in(admin):
    response = _post(admin, "/users", login="nour", password=NEW_PASSWORD, role="csm", language="ar")
    assert response.status_code == 303 and response.headers["location"] == "/users?done=added&login=nour"
    assert _users(admin)["nour"] == ["csm", "ar", False]
    assert "nour was added and can log in now." in admin.get(response.headers["location"]).text
    admin.post("/logout", data={"csrf_token": page_csrf(admin)})
    assert log_in(admin, "nour", NEW_PASSWORD).status_code == 303
    assert '<html lang="ar" dir="rtl" ' in admin.get("/portfolio").text


def test_adding_an_existing_login_or_a_short_password_is_refused_with_the_reason(admin):
    taken = _post(admin, "/users", login="carla", password=NEW_PASSWORD, role="admin")
    assert taken.status_code == 422 and "there is already a user &#39;carla&#39;" in taken.text
    short = _post(admin, "/users", login="nour", password="short", role="viewer")
    assert short.status_code == 422 and "at least 8 characters" in short.text
    assert 'value="nour"' in short.text  # the form keeps what was typed, except the password
    assert _users(admin)["carla"] == ["csm", "en", False] and "nour" not in _users(admin)


def test_an_arabic_admin_reads_the_reason_of_a_refusal_in_arabic(admin):
    admin.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(admin)})
    taken = _post(admin, "/users", login="carla", password=NEW_PASSWORD, role="admin")
    assert taken.status_code == 422 and "يوجد مستخدم باسم &#39;carla&#39;" in taken.text
    assert "there is already a user" not in taken.text
    short = _post(admin, "/users", login="nour", password="short", role="viewer")
    assert "يجب ألا تقل كلمة المرور عن 8 أحرف" in short.text


def test_a_refusal_keeps_its_english_text_for_the_command_line():
    error = NabdError("there is no user %(login)r", login="nour")
    assert str(error) == "there is no user 'nour'" and error.values == {"login": "nour"}


def test_an_admin_changes_a_role_and_the_user_gets_it_on_their_next_request(admin):
    assert _post(admin, "/users/vic/role", role="csm").status_code == 303
    assert _users(admin)["vic"][0] == "csm"


def test_a_reset_password_replaces_the_old_one(admin):
    assert _post(admin, "/users/dan/password", password=NEW_PASSWORD).status_code == 303
    store = admin.app.state.store
    assert authenticate(store, "dan", NEW_PASSWORD).login == "dan"
    assert authenticate(store, "dan", PASSWORD) is None


def test_a_disabled_user_cannot_log_in_loses_their_session_and_can_be_enabled_again(client):
    carla, ana = client, TestClient(client.app)  # two browsers on one server
    log_in(carla, "carla")
    log_in(ana, "ana")
    assert carla.get("/portfolio", follow_redirects=False).status_code == 200
    assert _post(ana, "/users/carla/disable").status_code == 303
    assert carla.get("/portfolio", follow_redirects=False).status_code == 303  # the session is gone
    assert log_in(carla, "carla").status_code == 401
    assert "disabled since" in ana.get("/users").text
    assert _post(ana, "/users/carla/enable").status_code == 303
    assert log_in(carla, "carla").status_code == 303


def test_a_deleted_user_and_their_api_tokens_are_gone(admin, tokens):
    assert _post(admin, "/users/dan/delete").status_code == 303
    assert "dan" not in _users(admin)
    assert admin.get("/api/v1/accounts", headers={"Authorization": f"Bearer {tokens['dan']}"}).status_code == 401


@pytest.mark.parametrize("action", ["role", "disable", "delete"])
def test_an_admin_cannot_demote_disable_or_delete_themselves(admin, action):
    response = _post(admin, f"/users/ana/{action}", role="viewer")
    assert response.status_code == 422 and "ask another admin" in response.text
    assert _users(admin)["ana"] == ["admin", "en", False]


def test_the_last_enabled_admin_is_always_kept(store):
    add_user(store, "root", PASSWORD, "admin")
    add_user(store, "sam", PASSWORD, "viewer")
    for change in (lambda: set_role(store, "root", "csm"), lambda: set_disabled(store, "root", True),
                   lambda: delete_user(store, "root"), lambda: add_user(store, "root", PASSWORD, "viewer")):
        with pytest.raises(NabdError, match="'root' is the only enabled admin"):
            change()
    set_role(store, "sam", "admin")
    set_disabled(store, "root", True)  # with sam an admin, root can go
    assert store.fetchall("SELECT login FROM users WHERE disabled_at IS NULL AND role = 'admin'") == [("sam",)]


@pytest.mark.parametrize("login", ["carla", "vic"])
def test_a_csm_or_a_viewer_gets_403_on_every_users_route(client, login):
    log_in(client, login)
    csrf = page_csrf(client)
    assert client.get("/users").status_code == 403
    for path in ("/users", "/users/dan/role", "/users/dan/password", "/users/dan/disable", "/users/dan/enable",
                 "/users/dan/delete"):
        response = client.post(path, data={"csrf_token": csrf, "login": "x", "password": NEW_PASSWORD,
                                           "role": "admin"})
        assert response.status_code == 403, path
    assert "/users" not in client.get("/portfolio").text.split("<main")[0]  # no link in the nav
    assert _users(client)["dan"] == ["csm", "en", False]


def test_a_users_form_without_the_csrf_token_is_refused(admin):
    response = admin.post("/users/dan/delete", data={"csrf_token": "not-the-token"})
    assert response.status_code == 403 and "dan" in _users(admin)


def test_the_users_page_reads_in_arabic(admin):
    admin.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(admin)})
    page = admin.get("/users").text
    assert "المستخدمون" in page and "إضافة مستخدم" in page and "إعادة تعيين كلمة المرور" in page

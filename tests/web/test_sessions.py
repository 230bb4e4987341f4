"""Sessions end for good: logging out, a password reset, disabling and a role change end every session
of the user at once (a copy of the old cookie no longer opens a page)."""

import pytest
from fastapi.testclient import TestClient

from nabd.web.users import set_disabled, set_password, set_role
from tests.web.conftest import log_in, page_csrf


def _two_browsers(client, login):
    """Two logged-in browsers of ``login`` on the app, and a third holding a copy of the first's cookie."""
    first, second, copy = TestClient(client.app), TestClient(client.app), TestClient(client.app)
    log_in(first, login)
    log_in(second, login)
    copy.cookies.set("nabd_session", first.cookies.get("nabd_session"))
    for browser in (first, second, copy):
        assert browser.get("/portfolio", follow_redirects=False).status_code == 200
    return first, second, copy


def _logged_out(browser) -> bool:
    response = browser.get("/portfolio", follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_logging_out_ends_every_session_of_the_user_including_a_copied_cookie(client):
    first, second, copy = _two_browsers(client, "carla")
    first.post("/logout", data={"csrf_token": page_csrf(first)})
    assert _logged_out(first) and _logged_out(second) and _logged_out(copy)


def test_logging_out_leaves_other_users_sessions_alone(client):
    carla, dan = TestClient(client.app), TestClient(client.app)
    log_in(carla, "carla")
    log_in(dan, "dan")
    carla.post("/logout", data={"csrf_token": page_csrf(carla)})
    assert dan.get("/portfolio", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("change", [
    lambda store: set_password(store, "carla", "a brand new password"),
    lambda store: set_disabled(store, "carla", True),
    lambda store: set_role(store, "carla", "viewer"),
], ids=["password reset", "disabled", "role change"])
def test_an_admin_change_ends_every_session_of_the_user(client, change):
    first, second, copy = _two_browsers(client, "carla")
    with client.app.state.store_lock:
        change(client.app.state.store)
    assert _logged_out(first) and _logged_out(second) and _logged_out(copy)


def test_a_password_reset_on_the_users_page_ends_the_users_sessions(client):
    carla, admin = TestClient(client.app), TestClient(client.app)
    log_in(carla, "carla")
    log_in(admin, "ana")
    admin.post("/users/carla/password", data={"password": "a brand new password", "csrf_token": page_csrf(admin)})
    assert _logged_out(carla)
    assert log_in(carla, "carla", "a brand new password").status_code == 303
    assert carla.get("/portfolio", follow_redirects=False).status_code == 200


def test_enabling_a_user_again_does_not_revive_the_sessions_of_before(client):
    carla = TestClient(client.app)
    log_in(carla, "carla")
    with client.app.state.store_lock:
        set_disabled(client.app.state.store, "carla", True)
        set_disabled(client.app.state.store, "carla", False)
    assert _logged_out(carla)


def test_a_user_deleted_and_added_again_does_not_get_the_old_sessions_back(client):
    from nabd.web.users import add_user, delete_user

    carla = TestClient(client.app)
    log_in(carla, "carla")
    with client.app.state.store_lock:
        delete_user(client.app.state.store, "carla")
        add_user(client.app.state.store, "carla", "a long password", "csm")
    assert _logged_out(carla)

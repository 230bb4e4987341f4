"""Reading the database does not make anyone an admin: the session key is not in it, and a rotated key
ends every session signed before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from nabd.store import open_store
from nabd.store.signing import rotate_keys, signing_keys
from nabd.web.app import create_app
from nabd.web.users import add_user
from tests.web.conftest import log_in


@pytest.fixture
def served(store_url: str) -> Iterator[TestClient]:
    """The app over a database with admin 'ana', signing sessions with the database's own key (no test key)."""
    with open_store(store_url) as store:
        add_user(store, "ana", "correct horse", "admin")
    with TestClient(create_app(store_url)) as client:
        yield client


def forged_cookie(key: str, client: TestClient) -> str:
    """An admin session signed with ``key``, as an attacker who can read the database would make one (with
    ana's session generation, which the database holds)."""
    with client.app.state.store_lock:
        generation = client.app.state.store.scalar("SELECT session_generation FROM users WHERE login = 'ana'")
    return URLSafeTimedSerializer(key, salt="nabd-session").dumps(
        {"login": "ana", "csrf": "x" * 43, "lang": None, "generation": generation})


def test_no_value_read_from_the_database_signs_an_admin_session(served, store_url):
    with served.app.state.store_lock:
        texts = [value for (value,) in served.app.state.store.fetchall("SELECT value FROM nabd_meta")]
    key = signing_keys(store_url).session
    assert key not in texts
    served.cookies.set("nabd_session", forged_cookie(key, served))
    assert served.get("/users", follow_redirects=False).status_code == 200  # the key file's key would do it
    for text in texts:
        served.cookies.set("nabd_session", forged_cookie(text, served))
        assert served.get("/users", follow_redirects=False).status_code == 303  # to the login page


def test_the_key_an_earlier_nabd_kept_in_the_database_is_gone_from_it(store_url):
    with open_store(store_url) as store:
        add_user(store, "ana", "correct horse", "admin")
        store.execute("INSERT INTO nabd_meta (key, value) VALUES ('web_secret_key', 'readable-by-all')")
    with TestClient(create_app(store_url)) as client:
        with client.app.state.store_lock:
            assert client.app.state.store.scalar("SELECT count(*) FROM nabd_meta WHERE value = 'readable-by-all'") == 0
        client.cookies.set("nabd_session", forged_cookie("readable-by-all", client))
        assert client.get("/users", follow_redirects=False).status_code == 200  # still valid: moved, not lost
        rotate_keys(store_url)
        assert client.get("/users", follow_redirects=False).status_code == 303


def test_a_session_signed_before_a_rotation_is_refused_after_it(served, store_url):
    assert log_in(served, "ana").status_code == 303
    assert served.get("/users", follow_redirects=False).status_code == 200
    rotate_keys(store_url)
    assert served.get("/users", follow_redirects=False).status_code == 303
    assert log_in(served, "ana").status_code == 303  # logging in again works, with the new key
    assert served.get("/users", follow_redirects=False).status_code == 200

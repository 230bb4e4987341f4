"""`nabd user add` and `nabd token add`: a user who can log in, a token that opens the API."""

from fastapi.testclient import TestClient

from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import authenticate
from tests.command_line import nabd


def test_user_add_reads_the_password_from_stdin_and_stores_the_role(store_url):
    open_store(store_url).close()
    result = nabd("user", "add", "lina", "--role", "csm", "--password-stdin", database=store_url,
                  input="a long password\n")
    assert result.returncode == 0, result.stderr
    with open_store(store_url) as store:
        user = authenticate(store, "lina", "a long password")
    assert user is not None and user.role == "csm"


def test_user_add_refuses_an_unknown_role(store_url):
    open_store(store_url).close()
    result = nabd("user", "add", "lina", "--role", "boss", "--password-stdin", database=store_url,
                  input="a long password\n")
    assert result.returncode == 1 and "role 'boss' is not one of admin, csm, viewer" in result.stderr


def test_a_token_from_token_add_opens_the_api_as_its_user(store_url):
    open_store(store_url).close()
    nabd("user", "add", "vic", "--role", "viewer", "--password-stdin", database=store_url, input="a long password\n")
    token = nabd("token", "add", "vic", database=store_url).stdout.strip()
    assert token.startswith("nabd_")
    with TestClient(create_app(store_url, secret_key="k")) as client:
        response = client.get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["total"] == 0

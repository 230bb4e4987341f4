"""Logging in and out: argon2 passwords, signed HttpOnly SameSite cookies, CSRF, the login rate limit."""

from tests.web.conftest import PASSWORD, csrf_of, log_in, page_csrf


def test_a_page_without_a_session_redirects_to_the_login_page(client):
    response = client.get("/portfolio", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/portfolio"


def test_the_right_password_starts_an_httponly_samesite_session(client):
    response = log_in(client, "ana")
    assert response.status_code == 303 and response.headers["location"] == "/portfolio"
    cookie = response.headers["set-cookie"]
    assert "nabd_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/portfolio").status_code == 200


def test_passwords_are_stored_as_argon2_hashes(client):
    stored = client.app.state.store.scalar("SELECT password_hash FROM users WHERE login = 'ana'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_is_refused_with_401(client):
    response = log_in(client, "ana", "wrong password")
    assert response.status_code == 401
    assert "The login or the password is wrong." in response.text
    assert client.get("/portfolio", follow_redirects=False).status_code == 303


def test_the_sixth_try_after_five_failures_is_refused_with_429_even_with_the_right_password(client):
    for _ in range(5):
        assert log_in(client, "ana", "wrong password").status_code == 401
    assert log_in(client, "ana").status_code == 429
    # The limit is per login and address: another login from the same address still gets in.
    assert log_in(client, "carla").status_code == 303


def test_a_forged_session_cookie_is_ignored(client):
    client.cookies.set("nabd_session", "eyJsb2dpbiI6ImFuYSJ9.forged.signature")
    assert client.get("/portfolio", follow_redirects=False).status_code == 303


def test_the_login_form_refuses_a_post_without_its_csrf_token(client):
    client.get("/login")
    response = client.post("/login", data={"login": "ana", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_a_csrf_token_seen_before_login_is_replaced_at_login(client):
    before = csrf_of(client.get("/login").text)
    log_in(client, "ana")
    assert page_csrf(client) != before


def test_after_logout_pages_redirect_to_login_again(client):
    log_in(client, "ana")
    response = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/portfolio", follow_redirects=False).status_code == 303


def test_login_never_redirects_to_another_site(client):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"login": "ana", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/inbox"  # the home page, the risk inbox


def test_pages_carry_a_content_security_policy_that_allows_only_this_site(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"

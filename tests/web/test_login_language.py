"""The login page speaks the browser's language (Accept-Language) or ?lang= before login, the user's
saved language after; the login limit believes X-Forwarded-For only from NABD_TRUSTED_PROXIES."""

import pytest
from fastapi.testclient import TestClient

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.web.app import create_app
from nabd.web.i18n import browser_language
from tests.web.conftest import PASSWORD, csrf_of, log_in

ARABIC_LOGIN = 'dir="rtl"'


@pytest.mark.parametrize(("header", "language"), [
    ("ar", "ar"), ("ar-SA,ar;q=0.9,en;q=0.8", "ar"), ("en-US,en;q=0.9,ar;q=0.8", "en"),
    ("fr-FR,ar;q=0.5", "ar"), ("ar;q=0,en;q=0.1", "en"), ("", "en"), ("de", "en"), ("ar;q=abc", "en"),
])
def test_the_browser_language_is_the_most_preferred_one_the_app_speaks(header, language):
    assert browser_language(header) == language


def test_an_arabic_browser_gets_the_login_page_in_arabic(client):
    page = client.get("/login", headers={"Accept-Language": "ar-SA,ar;q=0.9"}).text
    assert ARABIC_LOGIN in page and 'lang="ar"' in page


def test_lang_ar_gives_the_login_page_in_arabic_and_keeps_it_for_a_failed_login(client):
    page = client.get("/login?lang=ar").text
    assert ARABIC_LOGIN in page
    failed = client.post("/login", data={"login": "ana", "password": "wrong password", "csrf_token": csrf_of(page)})
    assert failed.status_code == 401 and ARABIC_LOGIN in failed.text


def test_an_english_browser_gets_english(client):
    assert ARABIC_LOGIN not in client.get("/login", headers={"Accept-Language": "en-GB"}).text


def test_after_login_the_users_saved_language_wins_over_the_browser(client):
    log_in(client, "ana")  # ana's saved language is English
    assert ARABIC_LOGIN not in client.get("/portfolio", headers={"Accept-Language": "ar"}).text


def _fail_five_times(client, forwarded_for):
    for _ in range(5):
        token = csrf_of(client.get("/login").text)
        client.post("/login", data={"login": "ana", "password": "wrong password", "csrf_token": token},
                    headers={"X-Forwarded-For": forwarded_for})


def _try(client, forwarded_for):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"login": "ana", "password": PASSWORD, "csrf_token": token},
                       headers={"X-Forwarded-For": forwarded_for}, follow_redirects=False)


def test_without_trusted_proxies_x_forwarded_for_does_not_escape_the_login_limit(company_url):
    with TestClient(create_app(company_url, secret_key="k", trusted_proxies=()), client=("127.0.0.1", 5000)) as c:
        _fail_five_times(c, "198.51.100.1")
        assert _try(c, "198.51.100.2").status_code == 429  # a new forged address is the same client


def test_a_trusted_proxy_s_x_forwarded_for_is_the_client_the_limit_counts(company_url):
    app = create_app(company_url, secret_key="k", trusted_proxies=("10.0.0.0/8",))
    with TestClient(app, client=("10.1.2.3", 5000)) as proxy:
        _fail_five_times(proxy, "198.51.100.1")
        assert _try(proxy, "198.51.100.1").status_code == 429
        assert _try(proxy, "198.51.100.2").status_code == 303  # another client behind the proxy
    with TestClient(app, client=("192.0.2.9", 5000)) as stranger:  # not a trusted proxy: its header is ignored
        _fail_five_times(stranger, "198.51.100.3")
        assert _try(stranger, "198.51.100.4").status_code == 429


def test_nabd_trusted_proxies_is_cast_strictly(monkeypatch):
    monkeypatch.setenv("NABD_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")
    assert load_settings().trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8", "::1/128")
    monkeypatch.setenv("NABD_TRUSTED_PROXIES", "127.0.0.1, proxy.local")
    with pytest.raises(NabdError, match="NABD_TRUSTED_PROXIES='127.0.0.1, proxy.local' is not"):
        load_settings()

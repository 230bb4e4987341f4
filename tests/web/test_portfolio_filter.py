"""One portfolio filter (nabd.health.portfolio) on every surface: `nabd portfolio`, the web portfolio and
``/api/v1/accounts`` find the same accounts for a segment in another case and an Arabic band name."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from nabd.health.versions import shipped_scorecard
from nabd.store import open_store
from nabd.store.clock import utc_now
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user
from tests.command_line import nabd
from tests.web.conftest import PASSWORD, log_in

# account, segment (three spellings of SMB), score, band of the shipped scorecard
ACCOUNTS = [
    ("m1", "SMB", 30, "unhealthy"), ("m2", "smb", 40, "unhealthy"), ("m3", "Smb", 90, "healthy"),
    ("m4", "ent", 20, "unhealthy"), ("m5", "SMB", 60, "neutral"),
]


def _mixed_case_company(url: str) -> None:
    as_of = utc_now().date() - timedelta(days=1)
    version = shipped_scorecard().version
    with open_store(url) as store:
        for account_id, segment, score, band in ACCOUNTS:
            store.execute("INSERT INTO accounts (account_id, name, segment, csm) VALUES (?, ?, ?, 'carla')",
                          [account_id, f"Company {account_id}", segment])
            store.execute(
                "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
                "band, coverage, computed_at) VALUES (?, ?, ?, 'default', ?, ?, ?, 1.0, ?)",
                [account_id, as_of, version, score, float(score), band, utc_now()],
            )
        add_user(store, "ana", PASSWORD, "admin")


def _found_by_cli(url: str, *options: str) -> set[str]:
    result = nabd("portfolio", *options, database=url)
    assert result.returncode == 0, result.stderr
    return set(re.findall(r"\b(m\d)\b", result.stdout))


def _found_by_web_and_api(url: str, **query: str) -> tuple[set[str], set[str]]:
    with TestClient(create_app(url, secret_key="test-secret")) as browser:
        with browser.app.state.store_lock:
            token = add_token(browser.app.state.store, "ana", "tests")
        api = browser.get("/api/v1/accounts", params=query, headers={"Authorization": f"Bearer {token}"})
        log_in(browser, "ana")
        page = browser.get("/portfolio", params=query)
    assert api.status_code == 200 and page.status_code == 200
    return set(re.findall(r'href="/accounts/(m\d)"', page.text)), {item["account_id"] for item in api.json()["items"]}


def test_a_segment_in_another_case_and_an_arabic_band_name_find_the_same_accounts_everywhere(store_url):
    _mixed_case_company(store_url)
    cli_found = _found_by_cli(store_url, "--segment", "sMb", "--band", "غير صحي")
    web_found, api_found = _found_by_web_and_api(store_url, segment="sMb", band="غير صحي")
    assert cli_found == web_found == api_found == {"m1", "m2"}


def test_a_band_colour_in_capitals_and_a_segment_find_the_same_accounts_everywhere(store_url):
    _mixed_case_company(store_url)
    cli_found = _found_by_cli(store_url, "--segment", "smb", "--band", "GREEN")
    web_found, api_found = _found_by_web_and_api(store_url, segment="smb", band="GREEN")
    assert cli_found == web_found == api_found == {"m3"}

"""Fixtures of the web tests: a small hand-built company, users of each role, and logged-in clients;
and the real demo company scored by nabd.health (``demo_url``, ``demo_client``).

The company (MRR in USD, renewals 30 days from today):

| account | name         | segment | csm   | score (previous) | band      | MRR       |
|---------|--------------|---------|-------|------------------|-----------|-----------|
| a1      | Acme Trading | smb     | carla | 40 (45)          | unhealthy | 100       |
| a2      | Beta Foods   | ent     | dan   | 65               | neutral   | 250       |
| a3      | Cedar Labs   | smb     | carla | 88 (80)          | healthy   | 400       |
| a4      | Dune Retail  | ent     | dan   | 30               | unhealthy | 50 + 25   |
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import run_backfill
from nabd.store import Store, open_store
from nabd.store.clock import utc_now
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user
from tests.conftest import with_schema

PASSWORD = "correct horse"


def seed_company(store: Store) -> None:
    """The four accounts above, with scores, subscriptions, a ticket, an invoice, a survey and tasks."""
    today = utc_now().date()
    started, renews = today - timedelta(days=300), today + timedelta(days=30)
    store.execute(
        "INSERT INTO accounts (account_id, name, segment, plan, csm, country) VALUES "
        "('a1', 'Acme Trading', 'smb', 'pro', 'carla', 'SA'), ('a2', 'Beta Foods', 'ent', 'pro', 'dan', 'AE'), "
        "('a3', 'Cedar Labs', 'smb', 'basic', 'carla', 'EG'), ('a4', 'Dune Retail', 'ent', 'basic', 'dan', 'SA')"
    )
    scores = [
        ("a1", today - timedelta(days=7), 45, "unhealthy"),
        ("a1", today - timedelta(days=1), 40, "unhealthy"),
        ("a2", today - timedelta(days=1), 65, "neutral"),
        ("a3", today - timedelta(days=7), 80, "healthy"),
        ("a3", today - timedelta(days=1), 88, "healthy"),
        ("a4", today - timedelta(days=1), 30, "unhealthy"),
    ]
    for account_id, as_of, score, band in scores:
        store.execute(
            "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, band, "
            "coverage, computed_at) VALUES (?, ?, 'v1', 'default', ?, ?, ?, 1.0, ?)",
            [account_id, as_of, score, float(score), band, utc_now()],
        )
    for subscription_id, account_id, mrr in [("s1", "a1", 100), ("s2", "a2", 250), ("s3", "a3", 400),
                                             ("s4", "a4", 50), ("s5", "a4", 25)]:
        store.execute(
            "INSERT INTO subscriptions VALUES (?, ?, 'core', ?, 'USD', 5, ?, NULL, ?)",
            [subscription_id, account_id, mrr, started, renews],
        )
    store.execute(
        "INSERT INTO tickets (ticket_id, account_id, opened_at, priority, subject) "
        "VALUES ('t1', 'a1', ?, 'high', 'Export keeps failing')", [utc_now() - timedelta(days=3)]
    )
    store.execute(
        "INSERT INTO invoices VALUES ('i1', 'a1', 1200, 'USD', ?, ?, NULL)",
        [today - timedelta(days=40), today - timedelta(days=10)],
    )
    store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, comment, language, responded_at) "
        "VALUES ('r1', 'a1', 'nps', 3, 'الخدمة بطيئة جدا', 'ar', ?)", [utc_now() - timedelta(days=5)]
    )
    store.execute(
        "INSERT INTO tasks (task_id, account_id, title, owner, status, created_at) VALUES "
        "('k1', 'a1', 'Call the sponsor', 'carla', 'open', ?), ('k2', 'a2', 'Send the survey', 'dan', 'open', ?)",
        [utc_now(), utc_now()],
    )
    add_user(store, "ana", PASSWORD, "admin")
    # The other users share ana's argon2 hash of the same password: one slow hash per database, not four.
    for login, role in (("carla", "csm"), ("dan", "csm"), ("vic", "viewer")):
        store.execute(
            "INSERT INTO users (login, password_hash, role, language, digits, created_at) "
            "SELECT ?, password_hash, ?, 'en', 'latn', created_at FROM users WHERE login = 'ana'",
            [login, role],
        )


@pytest.fixture
def company_url(store_url: str) -> str:
    """A database (DuckDB, then PostgreSQL) holding the company above and its users."""
    with open_store(with_schema(store_url)) as store:
        seed_company(store)
    return store_url


@pytest.fixture
def client(company_url: str) -> Iterator[TestClient]:
    """An anonymous browser on the app over the company."""
    with TestClient(create_app(company_url, secret_key="test-secret")) as anonymous:
        yield anonymous


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client: TestClient, login: str, password: str = PASSWORD):
    """Log ``client`` in through the login form; returns the response to the form post."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"login": login, "password": password, "csrf_token": token, "next": "/portfolio"},
        follow_redirects=False,
    )


def page_csrf(client: TestClient, path: str = "/portfolio") -> str:
    """The CSRF token a logged-in page carries."""
    return csrf_of(client.get(path).text)


@pytest.fixture
def tokens(client: TestClient) -> dict[str, str]:
    """An API token per user login (made after the app opened the store, through its own connection)."""
    store = client.app.state.store
    with client.app.state.store_lock:  # the server's warmer uses the same connection every 2 s
        return {login: add_token(store, login, "tests") for login in ("ana", "carla", "dan", "vic")}



DEMO_FIRST, DEMO_LAST = date(2026, 9, 5), date(2026, 10, 31)  # 9 weekly scoring runs: 9-05 ... 10-31


@pytest.fixture(scope="session")
def demo_url(copy_demo, tmp_path_factory) -> str:
    """A COPY of the demo company (tests/conftest.py) scored weekly from 2026-09-05 to 2026-10-31 with
    the default scorecard, with the users above; DuckDB only, as the demo company is."""
    url = copy_demo(tmp_path_factory.mktemp("demo_web"))
    with open_store(url) as store:
        run_backfill(store, load_scorecard(), DEMO_FIRST, DEMO_LAST, 7)
        add_user(store, "ana", PASSWORD, "admin")
        store.execute(
            "INSERT INTO users (login, password_hash, role, language, digits, created_at) "
            "SELECT 'vic', password_hash, 'viewer', 'en', 'latn', created_at FROM users "
            "WHERE login = 'ana'"
        )
    return url


@pytest.fixture(scope="session")
def demo_client(demo_url: str) -> Iterator[TestClient]:
    """An admin (ana) logged in to the app over the scored demo company, shared by the session."""
    with TestClient(create_app(demo_url, secret_key="test-secret")) as browser:
        log_in(browser, "ana")
        yield browser

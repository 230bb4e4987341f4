"""Fixtures of the intake tests: a database with one account and a write key, and apps over it.

The drainer of a TestClient app is slowed to once an hour, so a test moves the journal into the
store exactly when it calls ``drain(client)``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nabd.ingest.intake.keys import add_write_key
from nabd.store import Store, open_store
from nabd.web.app import create_app
from tests.conftest import BACKENDS, _drop_schema, fresh_url
from tests.ingest.intake.live import LiveServer


@dataclass(frozen=True)
class IntakeDatabase:
    url: str
    key: str  # a write key in use, named "tests"
    journal: Path

    @property
    def auth(self) -> dict[str, str]:
        return basic_auth(self.key)


def basic_auth(key: str) -> dict[str, str]:
    """Segment's way to send a write key: HTTP basic, the key as user name, no password."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def seed(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> IntakeDatabase:
    """Account 'acme' and a write key in the database at ``url``; the journal in ``tmp_path``."""
    with open_store(url) as store:
        store.execute("INSERT INTO accounts (account_id, name) VALUES ('acme', 'Acme Trading')")
        key = add_write_key(store, "tests")
    journal = tmp_path / "journal"
    monkeypatch.setenv("NABD_INTAKE_JOURNAL", str(journal))
    monkeypatch.setenv("NABD_INTAKE_DRAIN_SECONDS", "3600")
    return IntakeDatabase(url, key, journal)


@pytest.fixture
def intake_db(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> IntakeDatabase:
    """A database (DuckDB, then PostgreSQL) with account 'acme' and a write key; the journal in tmp_path."""
    return seed(store_url, tmp_path, monkeypatch)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_client(request, tmp_path_factory) -> Iterator[TestClient]:
    """One app per module and backend, for tests that need no empty database (refusals, properties)."""
    folder = tmp_path_factory.mktemp("refusals")
    url, schema = fresh_url(request.param, folder)
    with pytest.MonkeyPatch.context() as monkeypatch:
        database = seed(url, folder, monkeypatch)
        with TestClient(create_app(url, secret_key="test-secret")) as client:
            client.headers.update(database.auth)
            yield client
    if schema:
        _drop_schema(schema)


@pytest.fixture
def make_client(intake_db: IntakeDatabase) -> Iterator[Callable[[], TestClient]]:
    """make_client() -> a started app over ``intake_db`` (closed after the test)."""
    opened: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(create_app(intake_db.url, secret_key="test-secret"))
        client.__enter__()
        client.headers.update(intake_db.auth)
        opened.append(client)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    """A started app over ``intake_db``, sending the write key with every request."""
    return make_client()


def drain(client: TestClient) -> Store:
    """Move the journal into the store now; return the app's store to read it."""
    client.app.state.intake.drain()
    return client.app.state.store


def track(message_id: str, event: str = "login", user: str | None = "u1", account: str | None = "acme", **extra) -> dict:
    """A track message as Segment libraries send it."""
    message = {"type": "track", "messageId": message_id, "event": event, "timestamp": "2025-03-02T10:00:00Z", **extra}
    if user is not None:
        message["userId"] = user
    if account is not None:
        message.setdefault("context", {})["groupId"] = account
    return message


@pytest.fixture
def live_server(intake_db: IntakeDatabase, tmp_path: Path) -> Iterator[LiveServer]:
    """`nabd serve` over ``intake_db``, started; killed after the test if it still runs."""
    server = LiveServer(intake_db.url, intake_db.key, intake_db.journal, tmp_path / "serve.log")
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()

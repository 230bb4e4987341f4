"""The REST API answers what its OpenAPI document declares (schemathesis, bounded and derandomised):
no server error, every status code, content type, header and body as documented, for a valid token.

Left out: schemathesis's ``positive_data_acceptance`` (a request the document allows must not get a 4xx
other than 401/403/404/409): a task for an owner who is not a user, a response id of another CSM's
account, a NUL character or a scorecard that does not validate are valid JSON the document cannot
describe, and are refused on purpose (400/422).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.python.asgi import ASGIClient
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_token
from tests.web.conftest import seed_company

# The document (no database is opened to make it); the fixture below points the calls at a running app.
schema = schemathesis.openapi.from_dict(create_app("duckdb:///unused.duckdb").openapi())
RUNNING: dict[str, Any] = {}  # the running app and an admin's token on it


@pytest.fixture(scope="module")
def running_app(tmp_path_factory) -> Iterator[None]:
    """An app over the test company (DuckDB) answering the cases, with an admin's token."""
    url = f"duckdb:///{tmp_path_factory.mktemp('api_schema') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
    app = create_app(url, secret_key="test-secret")
    with TestClient(app):  # runs the lifespan: the store stays open while the module's cases run
        with app.state.store_lock:
            RUNNING["token"] = add_token(app.state.store, "ana", "schemathesis")
        RUNNING["app"] = app  # the cases go to the running app (its lifespan opened the store) through a
        RUNNING["session"] = ASGIClient(app)  # client not entered: schemathesis would start a second lifespan
        yield


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_document_says(running_app, case):
    case.call_and_validate(session=RUNNING["session"], headers={"Authorization": f"Bearer {RUNNING['token']}"},
                           excluded_checks=[positive_data_acceptance])


def _document(client, token):
    return client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json()


def test_every_operation_documents_its_error_answers(client, tokens):
    document = _document(client, tokens["vic"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}


def test_task_times_carry_their_utc_offset(client, tokens):
    task = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {tokens['vic']}"}).json()["items"][0]
    assert task["created_at"].endswith("Z")


def test_due_at_is_a_day_in_text_never_a_number(client, tokens):
    response = client.post("/api/v1/tasks", json={"account_id": "a1", "title": "x", "due_at": 0},
                           headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 422 and response.json()["error"].startswith("due_at:")

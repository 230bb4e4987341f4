"""The event intake (/v1) answers what its OpenAPI document declares (schemathesis, bounded and
derandomised): no server error, every status code, content type and body as documented, with a
valid write key.

Left out, as for /api/v1: ``positive_data_acceptance``: a message the document allows may still break
a rule it cannot describe (a time more than a day ahead or outside NABD_DATE_RANGE, a track without
userId or anonymousId, a type other than the endpoint's) and is refused on purpose with a 400 naming
the field; and ``ignored_auth``, whose probe without the key goes over the network instead of to the
app (a call without a valid write key gets 401: the last test here and tests/ingest/intake/test_intake_keys.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.python.asgi import ASGIClient
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from nabd.ingest.intake.routes import intake_document
from nabd.web.app import create_app
from tests.ingest.intake.conftest import seed

schema = schemathesis.openapi.from_dict(intake_document())
schema.config.update(base_url="http://testserver")  # names the failing call in a report
RUNNING: dict[str, Any] = {}  # the running app and the write key's header on it


@pytest.fixture(scope="module")
def running_intake(tmp_path_factory) -> Iterator[None]:
    """An app over a database with account 'acme' and a write key (DuckDB), answering the cases."""
    folder = tmp_path_factory.mktemp("intake_schema")
    with pytest.MonkeyPatch.context() as monkeypatch:
        database = seed(f"duckdb:///{folder / 'nabd.duckdb'}", folder, monkeypatch)
        app = create_app(database.url, secret_key="test-secret")
        with TestClient(app):  # the lifespan starts the intake (journal, drainer)
            # the cases reach the running app through a client not entered: schemathesis would start a second lifespan
            RUNNING.update(app=app, auth=database.auth, session=ASGIClient(app))
            yield


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_intake_answers_as_its_document_says(running_intake, case):
    case.call_and_validate(session=RUNNING["session"], headers=RUNNING["auth"],
                           excluded_checks=[positive_data_acceptance, ignored_auth])


def test_the_document_is_served_to_a_write_key_at_v1_openapi_json(running_intake):
    client = TestClient(RUNNING["app"])  # the app is already started by running_intake: no second lifespan
    assert client.get("/v1/openapi.json").status_code == 401
    document = client.get("/v1/openapi.json", headers=RUNNING["auth"]).json()
    assert document == intake_document()
    assert set(document["paths"]) == {f"/v1/{route}" for route in
                                      ("track", "identify", "group", "page", "screen", "batch", "health")}

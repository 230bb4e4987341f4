"""Bad input gets a 400 naming the field; in a batch the good messages land and the bad are quarantined."""

from __future__ import annotations

import json

import pytest

from tests.ingest.intake.conftest import basic_auth, drain, track


def _refusal(response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["message"]


def test_a_body_that_is_not_json_is_refused(shared_client):
    message = _refusal(shared_client.post("/v1/track", content=b'{"messageId": "m1",', headers={"Content-Type": "application/json"}))
    assert message.startswith("body: is not valid JSON")


def test_nan_is_not_json_and_is_refused(shared_client):
    assert "NaN" in _refusal(shared_client.post("/v1/track", content=b'{"messageId": "m1", "value": NaN}'))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"properties": "not an object"}, "properties"),
        ({"event": 42}, "event"),
        ({"timestamp": "next tuesday"}, "timestamp"),
        ({"context": {"groupId": ["acme"]}}, "context.groupId"),
        ({"type": "alias"}, "type"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_its_field(shared_client, change, field):
    assert _refusal(shared_client.post("/v1/track", json={**track("m1"), **change})).startswith(f"{field}:")


@pytest.mark.parametrize(
    ("path", "message", "field"),
    [
        ("/v1/track", {"type": "track", "messageId": "m1", "userId": "u1"}, "event"),
        ("/v1/track", {"type": "track", "event": "login", "userId": "u1"}, "messageId"),
        ("/v1/track", {"type": "track", "messageId": "m1", "event": "login"}, "userId"),
        ("/v1/identify", {"messageId": "i1", "traits": {"name": "x"}}, "userId"),
        ("/v1/group", {"messageId": "g1", "userId": "u1"}, "groupId"),
    ],
)
def test_a_missing_event_or_id_is_refused_naming_it(shared_client, path, message, field):
    assert _refusal(shared_client.post(path, json=message)).startswith(f"{field}: is missing" if field != "messageId" else "messageId:")


def test_a_timestamp_more_than_a_day_ahead_is_refused(shared_client):
    message = _refusal(shared_client.post("/v1/track", json=track("m1", timestamp="2999-01-01T00:00:00Z")))
    assert message == "timestamp: 2999-01-01T00:00:00 is more than a day ahead of the server's clock (UTC)"


def test_a_message_over_32_kb_is_refused(shared_client):
    body = track("m1", properties={"blob": "x" * (32 * 1024)})
    assert _refusal(shared_client.post("/v1/track", json=body)) == "body: a message may be at most 32 KB"


def test_a_batch_over_500_kb_is_refused_whole(client):
    batch = [track(f"m{i}", properties={"blob": "x" * 20_000}) for i in range(26)]  # 26 x 20 KB > 500 KB
    assert _refusal(client.post("/v1/batch", json={"batch": batch})) == "body: a batch may be at most 500 KB"
    assert drain(client).scalar("SELECT count(*) FROM events") == 0


def test_a_batch_that_is_not_a_list_is_refused(shared_client):
    assert _refusal(shared_client.post("/v1/batch", json={"batch": {"type": "track"}})).startswith("batch:")


def test_in_a_batch_good_messages_land_and_bad_ones_are_quarantined_with_their_reason(client):
    batch = [
        track("good1"),
        {"type": "track", "messageId": "bad1", "userId": "u1"},  # no event
        track("good2", properties={"note": "x"}),
        track("bad2", properties={"blob": "y" * (33 * 1024)}),  # over 32 KB on its own
        track("bad3", timestamp="2999-01-01T00:00:00Z"),
        "not even an object",
    ]
    response = client.post("/v1/batch", json={"batch": batch})
    assert response.json() == {"success": True, "accepted": 2, "quarantined": 4}
    store = drain(client)
    assert store.fetchall("SELECT event_id FROM events ORDER BY 1") == [("good1",), ("good2",)]
    errors = [row[0] for row in store.fetchall("SELECT error FROM quarantine ORDER BY id")]
    assert errors == [
        "event: is missing: a track call names its event",
        "message: is larger than 32 KB",
        "timestamp: 2999-01-01T00:00:00 is more than a day ahead of the server's clock (UTC)",
        "message: must be a JSON object",
    ]
    kept = json.loads(store.scalar("SELECT row_as_received FROM quarantine ORDER BY id LIMIT 1"))
    assert kept == {"type": "track", "messageId": "bad1", "userId": "u1"}


def test_a_request_without_a_write_key_is_refused(shared_client):
    response = shared_client.post("/v1/track", json=track("m1"), headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("path", ["/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/v1/screen", "/v1/batch"])
def test_a_wrong_write_key_is_refused_on_every_route(shared_client, path):
    response = shared_client.post(path, json=track("m1"), headers=basic_auth("nabd_wk_guessed"))
    assert (response.status_code, response.json()["code"]) == (401, "unauthorized")


def test_the_intake_health_needs_a_write_key_and_says_what_waits(client):
    assert client.get("/v1/health", headers={"Authorization": ""}).status_code == 401
    client.post("/v1/track", json=track("m1"))
    assert client.get("/v1/health").json() == {"status": "ok", "database": client.app.state.store.kind, "pending": 1}
    drain(client)
    assert client.get("/v1/health").json()["pending"] == 0


def test_a_number_too_large_for_a_double_is_refused_as_json(shared_client):
    body = b'{"type": "track", "messageId": "m1", "userId": "u1", "event": "login", "properties": {"x": 1e400}}'
    assert _refusal(shared_client.post("/v1/track", content=body)) == "body: is not valid JSON (1e400 is too large a number)"


def test_an_integer_id_past_64_bits_keeps_all_its_digits(client):
    digits = 123456789012345678901234567890
    body = f'{{"batch": [{{"type": "track", "messageId": "m1", "userId": {digits}, "event": "login",'
    body += f' "context": {{"groupId": "acme"}}, "properties": {{"seats": {digits}}}}}]}}'
    assert client.post("/v1/batch", content=body.encode()).json()["accepted"] == 1
    store = drain(client)
    contact, properties = store.fetchall("SELECT contact_id, CAST(properties AS TEXT) FROM events")[0]
    assert (contact, json.loads(properties)) == (str(digits), {"seats": digits})


def test_a_lone_surrogate_in_a_batch_message_quarantines_only_that_message(client):
    body = b'{"batch": [{"type": "track", "messageId": "m1", "userId": "u1", "event": "\\ud800", "context": {"groupId": "acme"}},'
    body += b' {"type": "track", "messageId": "m2", "userId": "u1", "event": "login", "context": {"groupId": "acme"}}]}'
    assert client.post("/v1/batch", content=body).json() == {"success": True, "accepted": 1, "quarantined": 1}
    store = drain(client)
    assert store.fetchall("SELECT event_id FROM events") == [("m2",)]
    assert store.scalar("SELECT error FROM quarantine") == "message: holds text that is not valid Unicode (a lone surrogate)"

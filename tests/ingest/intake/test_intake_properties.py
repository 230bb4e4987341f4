"""Property tests: whatever arrives, never a 5xx; a good message among malformed ones is never lost."""

from __future__ import annotations

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.intake.conftest import track

ENDPOINTS = ["/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/v1/screen", "/v1/batch"]
FIELDS = ["type", "messageId", "userId", "anonymousId", "event", "timestamp", "originalTimestamp", "sentAt",
          "properties", "context", "traits", "groupId", "name"]
PROPERTY_TESTS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@st.composite
def good_messages(draw) -> dict:
    """A valid track message with a fresh messageId, any text and properties."""
    properties = draw(st.dictionaries(text, json_values.filter(lambda v: not isinstance(v, str) or "\x00" not in v), max_size=5))
    if draw(st.booleans()):
        properties["duration_minutes"] = draw(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
    return track(uuid.uuid4().hex, draw(text.filter(str.strip)), user=draw(text.filter(str.strip)), properties=properties)


@st.composite
def malformed_messages(draw) -> object:
    """Anything: a random JSON value, or a good message with one field replaced by a random value."""
    if draw(st.booleans()):
        return draw(json_values)
    message = track(uuid.uuid4().hex)
    message[draw(st.sampled_from(FIELDS))] = draw(json_values)
    return message


@PROPERTY_TESTS
@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_no_body_gets_a_server_error(shared_client, endpoint, body):
    response = shared_client.post(endpoint, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400), response.text


@PROPERTY_TESTS
@given(endpoint=st.sampled_from(ENDPOINTS[:-1]), message=malformed_messages())
def test_no_malformed_single_message_gets_a_server_error(shared_client, endpoint, message):
    assert shared_client.post(endpoint, json=message).status_code in (200, 400)


@PROPERTY_TESTS
@given(goods=st.lists(good_messages(), min_size=1, max_size=5), bads=st.lists(malformed_messages(), max_size=5),
       order=st.randoms(use_true_random=False))
def test_a_good_message_among_malformed_ones_is_always_stored(shared_client, goods, bads, order):
    batch = goods + bads
    order.shuffle(batch)
    response = shared_client.post("/v1/batch", json={"batch": batch})
    assert response.status_code == 200
    assert response.json()["accepted"] >= len(goods)
    shared_client.app.state.intake.drain()
    ids = [message["messageId"] for message in goods]
    placeholders = ", ".join("?" for _ in ids)
    with shared_client.app.state.store_lock:
        stored = shared_client.app.state.store.scalar(f"SELECT count(*) FROM events WHERE event_id IN ({placeholders})", ids)
    assert stored == len(goods)

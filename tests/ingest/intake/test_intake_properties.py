"""Property tests: whatever arrives, never a 5xx; a good message among malformed ones is never lost."""

from __future__ import annotations

import json
import sys
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabd.ingest.intake.messages import MAX_DEPTH
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


def nested(depth: int, leaf: object = 1, as_list: bool = False) -> object:
    """A value ``depth`` objects (or lists) deep: nested(2) == {"a": {"a": 1}}."""
    value = leaf
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


def post(client, endpoint: str, document: object):
    """POST ``document`` as JSON, however deep (the standard encoder stops near 1,000 levels by default)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        content = json.dumps(document).encode()
    finally:
        sys.setrecursionlimit(limit)
    return client.post(endpoint, content=content, headers={"Content-Type": "application/json"})


@st.composite
def too_deep_messages(draw) -> dict:
    """A good track message with one field (an object, of objects or lists) 33 to 1,000 levels deep."""
    message = track(uuid.uuid4().hex)
    field = draw(st.sampled_from(["properties", "traits", "context", "extra"]))
    message[field] = {"a": nested(draw(st.integers(MAX_DEPTH + 1, 1000)) - 1, as_list=draw(st.booleans()))}
    return message


def test_properties_nested_up_to_the_limit_are_stored(shared_client):
    message = track(uuid.uuid4().hex, properties=nested(MAX_DEPTH))
    assert shared_client.post("/v1/track", json=message).status_code == 200


@PROPERTY_TESTS
@given(message=too_deep_messages())
def test_a_single_call_nested_too_deep_gets_a_400_naming_the_field(shared_client, message):
    response = post(shared_client, "/v1/track", message)
    assert response.status_code == 400
    assert f"is nested more than {MAX_DEPTH} objects or lists deep" in response.json()["message"]


@PROPERTY_TESTS
@given(goods=st.lists(good_messages(), min_size=1, max_size=99), bad=too_deep_messages() | malformed_messages(),
       order=st.randoms(use_true_random=False))
def test_one_bad_message_among_good_ones_is_quarantined_and_the_good_ones_stored(shared_client, goods, bad, order):
    batch = [*goods, bad]
    order.shuffle(batch)
    response = post(shared_client, "/v1/batch", {"batch": batch})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] >= len(goods) and body["accepted"] + body["quarantined"] == len(batch)
    shared_client.app.state.intake.drain()
    ids = [message["messageId"] for message in goods]
    placeholders = ", ".join("?" for _ in ids)
    with shared_client.app.state.store_lock:
        stored = shared_client.app.state.store.scalar(f"SELECT count(*) FROM events WHERE event_id IN ({placeholders})", ids)
    assert stored == len(goods)


def test_a_message_nested_a_thousand_levels_deep_is_quarantined_naming_it_and_its_field(shared_client):
    goods = [track(uuid.uuid4().hex) for _ in range(99)]
    deep = track("the-deep-one", properties=nested(1000))
    response = post(shared_client, "/v1/batch", {"batch": [*goods[:50], deep, *goods[50:]]})
    assert response.json() == {"success": True, "accepted": 99, "quarantined": 1}
    shared_client.app.state.intake.drain()
    with shared_client.app.state.store_lock:
        rows = shared_client.app.state.store.fetchall(
            "SELECT row_as_received, error FROM quarantine WHERE row_as_received LIKE '%the-deep-one%'")
    assert len(rows) == 1
    kept, error = rows[0]
    assert json.loads(kept)["messageId"] == "the-deep-one"
    assert error == f"properties: is nested more than {MAX_DEPTH} objects or lists deep"


def test_a_deep_message_beside_a_number_past_64_bits_is_still_refused_alone(shared_client):
    """A long number sends the body to the standard library's reader, which stops near 1,000 levels."""
    good = track(uuid.uuid4().hex, properties={"big": 12345678901234567890123})
    response = post(shared_client, "/v1/batch", {"batch": [good, track(uuid.uuid4().hex, properties=nested(1000))]})
    assert response.json() == {"success": True, "accepted": 1, "quarantined": 1}

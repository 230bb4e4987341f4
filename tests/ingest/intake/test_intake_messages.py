"""A message whose fields are already plain is taken without building the model: exactly as the model would take it."""

from __future__ import annotations

from datetime import datetime

from hypothesis import event, given, settings
from hypothesis import strategies as st

from nabd.ingest.intake.messages import Message, _plain_times, validate_message

ABSENT = object()
RECEIVED = datetime(2025, 3, 2, 12, 0)

plain_ids = st.text(min_size=1, max_size=8).filter(lambda text: text == text.strip())
odd_ids = st.one_of(
    st.text(max_size=4).map(lambda text: f" {text}\t"),  # padded: the model strips it
    st.just(""), st.just("x" * 256), st.integers(), st.booleans(), st.none(), st.just(ABSENT),
)
moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2030, 1, 1))
plain_times = st.one_of(
    moments.map(lambda moment: moment.isoformat(timespec="seconds") + "Z"),
    moments.map(lambda moment: moment.isoformat(timespec="microseconds") + "+05:30"),
    moments.map(lambda moment: moment.isoformat(timespec="milliseconds") + "-03:00"),
    moments.map(datetime.isoformat), st.none(), st.just(ABSENT),
)
odd_times = st.one_of(
    st.sampled_from(["2025-11-20 10:00:00", "2025-02-30T10:00:00Z", "2025-11-20T24:00:00Z", "2025-11-20T10:00:60Z",
                     "2025-11-20T10:00:00.1234567Z", "2025-11-20T10:00:00+24:00", "٢٠٢٥-11-20T10:00:00Z",
                     "2025-11-20", "2025-11-20T10:00:00z", "next tuesday", ""]),
    st.integers(min_value=0, max_value=2_000_000_000), st.floats(allow_nan=False),
)
plain_objects = st.one_of(st.dictionaries(st.text(max_size=5), st.integers(), max_size=3), st.just(ABSENT))
odd_values = st.one_of(odd_ids, odd_times, st.lists(st.integers(), max_size=2), st.just("acme"))


@st.composite
def messages(draw) -> dict:
    """A message of plain fields (the usual case), then up to two fields made odd, or none."""
    fields = {
        "type": draw(st.sampled_from(["track", "page", "screen", "identify", "group"])),
        "messageId": draw(plain_ids), "userId": draw(plain_ids | st.none()), "anonymousId": draw(plain_ids | st.just(ABSENT)),
        "groupId": draw(plain_ids | st.just(ABSENT)), "event": draw(plain_ids | st.just(ABSENT)),
        "name": draw(st.text(max_size=5) | st.none()),
        "timestamp": draw(plain_times), "originalTimestamp": draw(plain_times), "sentAt": draw(plain_times),
        "properties": draw(plain_objects), "traits": draw(plain_objects),
        "context": draw(st.fixed_dictionaries({"groupId": plain_ids}) | st.just({}) | st.just(ABSENT)),
        "extra": draw(st.integers()),
    }
    for name in draw(st.lists(st.sampled_from([*fields, "context.groupId"]), max_size=2)):
        if name == "context.groupId":
            fields["context"] = {"groupId": draw(odd_values)}
        else:
            fields[name] = draw(odd_values | st.sampled_from(["alias", 3]) if name == "type" else odd_values)
    return {name: value for name, value in fields.items() if value is not ABSENT}


@settings(max_examples=600, deadline=None)
@given(raw=messages())
def test_a_message_taken_as_is_holds_exactly_what_the_model_makes_of_it(raw):
    taken = _plain_times(raw)
    event("taken as is" if taken is not None else "the model's way")
    if taken is None:
        return
    message = Message.model_validate(raw)  # never a message the model refuses
    made = message.model_dump()
    for name in ("type", "messageId", "userId", "anonymousId", "groupId", "event", "name"):
        assert made[name] == raw.get(name), name
    assert made["context"]["groupId"] == raw.get("context", {}).get("groupId")
    assert (made["properties"], made["traits"]) == (raw.get("properties", {}), raw.get("traits", {}))
    assert taken == (message.timestamp, message.originalTimestamp, message.sentAt)
    assert [moment.utcoffset() for moment in taken if moment] == [
        moment.utcoffset() for moment in (message.timestamp, message.originalTimestamp, message.sentAt) if moment]


def test_a_plain_track_call_is_taken_as_is_and_a_padded_one_through_the_model():
    plain = {"type": "track", "messageId": "m1", "userId": "u1", "event": "login", "timestamp": "2025-03-02T10:00:00Z",
             "context": {"groupId": "acme"}, "properties": {"duration_minutes": 3}}
    fields, moment = validate_message(plain, None, None, RECEIVED)
    assert fields is plain and moment == datetime(2025, 3, 2, 10, 0)
    padded, _ = validate_message({**plain, "userId": " u1 ", "messageId": 7}, None, None, RECEIVED)
    assert (padded["userId"], padded["messageId"], padded["context"]["groupId"]) == ("u1", "7", "acme")


def test_a_time_with_an_offset_is_read_as_utc_on_both_ways():
    raw = {"type": "track", "messageId": "m1", "userId": "u1", "event": "login", "timestamp": "2025-03-02T10:00:00+03:00"}
    assert validate_message(raw, None, None, RECEIVED)[1] == datetime(2025, 3, 2, 7, 0)
    assert validate_message({**raw, "userId": 5}, None, None, RECEIVED)[1] == datetime(2025, 3, 2, 7, 0)

"""Segment messages land in the canonical tables: events, contacts, accounts, activity_daily."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.ingest.intake.conftest import drain, track


def test_a_track_call_becomes_an_event_with_its_value_and_properties(client):
    body = track("m1", "report_viewed", properties={"duration_minutes": 12.5, "report": "churn"})
    assert client.post("/v1/track", json=body).json() == {"success": True, "accepted": 1, "quarantined": 0}
    store = drain(client)
    row = store.fetchall(
        "SELECT event_id, account_id, contact_id, event_type, ts, value, CAST(properties AS TEXT) FROM events"
    )[0]
    assert row[:6] == ("m1", "acme", "u1", "report_viewed", datetime(2025, 3, 2, 10), 12.5)
    assert json.loads(row[6]) == {"duration_minutes": 12.5, "report": "churn"}


def test_a_message_sent_twice_is_stored_once_and_counted_as_a_duplicate(client):
    for _ in range(2):
        assert client.post("/v1/track", json=track("m1")).status_code == 200
    drain(client)
    assert client.post("/v1/batch", json={"batch": [track("m1"), track("m2")]}).status_code == 200
    store = drain(client)
    assert store.fetchall("SELECT event_id FROM events ORDER BY event_id") == [("m1",), ("m2",)]
    assert client.app.state.intake.counters["duplicate"] == 2  # the second single call, then m1 in the batch


def test_activity_daily_counts_the_new_events_of_each_day(client):
    batch = [
        track("a", "login", properties={"duration_minutes": 10}),
        track("b", "login", properties={"duration_minutes": 5}),
        track("c", "login", timestamp="2025-03-03T09:00:00Z"),
    ]
    client.post("/v1/batch", json={"batch": batch})
    drain(client)
    client.post("/v1/batch", json={"batch": [track("a", "login", properties={"duration_minutes": 10}),
                                             track("d", "login", properties={"duration_minutes": 1})]})
    store = drain(client)
    rows = store.fetchall("SELECT day, events, value_sum FROM activity_daily ORDER BY day")
    # 2 March: a (10) + b (5) + d (1) = 3 events, 16 minutes; the repeated a adds nothing. 3 March: c, no value.
    assert rows == [(date(2025, 3, 2), 3, 16.0), (date(2025, 3, 3), 1, 0.0)]


def test_drained_events_record_their_event_types_with_the_first_day_seen(client):
    client.post("/v1/batch", json={"batch": [track("a", "login", timestamp="2025-03-03T09:00:00Z"),
                                             track("b", "feature:export")]})
    drain(client)
    client.post("/v1/batch", json={"batch": [track("c", "login"), track("d", "feature:export",
                                                                          timestamp="2025-03-04T09:00:00Z")]})
    store = drain(client)
    # login first came on 3 March, then on 2 March (moved back); feature:export on 2 March, then 4 March (kept)
    assert store.fetchall("SELECT event_type, first_day FROM event_types ORDER BY event_type") == [
        ("feature:export", date(2025, 3, 2)), ("login", date(2025, 3, 2))]


def test_the_value_property_is_a_setting(make_client, monkeypatch):
    monkeypatch.setenv("NABD_INTAKE_VALUE_PROPERTY", "properties.seats")
    client = make_client()
    client.post("/v1/track", json=track("m1", properties={"seats": 7, "duration_minutes": 3}))
    assert drain(client).scalar("SELECT value FROM events") == 7.0


def test_a_value_that_is_not_a_number_is_refused_naming_the_property(shared_client):
    response = shared_client.post("/v1/track", json=track("m1", properties={"duration_minutes": "ten"}))
    assert response.status_code == 400
    assert "properties.duration_minutes" in response.json()["message"]


def test_page_and_screen_calls_are_page_events_named_for_their_page_with_the_name_kept(client):
    client.post("/v1/page", json={"messageId": "p1", "userId": "u1", "name": "Pricing", "context": {"groupId": "acme"}})
    client.post("/v1/screen", json={"messageId": "s1", "userId": "u1", "name": "Home Screen", "context": {"groupId": "acme"}})
    rows = drain(client).fetchall("SELECT event_id, event_type, CAST(properties AS TEXT) FROM events ORDER BY 1")
    assert [(event_id, kind, json.loads(props)) for event_id, kind, props in rows] == [
        ("p1", "page:pricing", {"name": "Pricing"}), ("s1", "page:home-screen", {"name": "Home Screen"}),
    ]


def test_a_page_call_without_a_name_is_a_page_event_and_one_named_in_its_properties_is_that_page(client):
    client.post("/v1/page", json={"messageId": "p1", "userId": "u1", "context": {"groupId": "acme"}})
    client.post("/v1/page", json={"messageId": "p2", "userId": "u1", "properties": {"name": "Cancel"},
                                  "context": {"groupId": "acme"}})
    rows = drain(client).fetchall("SELECT event_id, event_type FROM events ORDER BY 1")
    assert rows == [("p1", "page"), ("p2", "page:cancel")]


def test_page_visits_sent_by_the_event_api_count_in_the_daily_activity_the_page_measures_read(client):
    for number in range(2):
        client.post("/v1/page", json={"messageId": f"p{number}", "userId": "u1", "name": "Pricing",
                                      "timestamp": "2025-03-02T10:00:00Z", "context": {"groupId": "acme"}})
    store = drain(client)
    assert store.fetchall("SELECT event_type, day, events FROM activity_daily") == [("page:pricing", date(2025, 3, 2), 2)]
    assert store.fetchall("SELECT event_type FROM event_types") == [("page:pricing",)]


def test_identify_creates_the_contact_in_its_account_and_later_calls_update_its_traits(client):
    client.post("/v1/identify", json={"messageId": "i1", "userId": "u7", "context": {"groupId": "acme"},
                                      "traits": {"firstName": "Sara", "lastName": "Ali", "email": "sara@acme.test"}})
    drain(client)
    client.post("/v1/identify", json={"messageId": "i2", "userId": "u7", "traits": {"title": "Ops lead", "language": "ar"}})
    rows = drain(client).fetchall("SELECT contact_id, account_id, name, email, role, language FROM contacts")
    assert rows == [("u7", "acme", "Sara Ali", "sara@acme.test", "Ops lead", "ar")]


def test_a_track_without_group_takes_the_account_of_its_identified_contact(client):
    client.post("/v1/batch", json={"batch": [
        {"type": "identify", "messageId": "i1", "userId": "u7", "traits": {"groupId": "acme"}},
        track("m1", user="u7", account=None),
    ]})
    assert drain(client).fetchall("SELECT event_id, account_id FROM events") == [("m1", "acme")]


def test_a_track_with_no_account_at_all_is_quarantined_with_the_reason(client):
    client.post("/v1/track", json=track("m1", user="stranger", account=None))
    store = drain(client)
    assert store.scalar("SELECT count(*) FROM events") == 0
    assert "m1 has no account" in store.scalar("SELECT error FROM quarantine")


def test_group_updates_the_traits_it_sends_and_keeps_the_others(client):
    client.post("/v1/group", json={"messageId": "g1", "groupId": "acme", "userId": "u1",
                                   "traits": {"plan": "enterprise", "segment": "mid-market", "industry": "retail"}})
    rows = drain(client).fetchall("SELECT account_id, name, plan, segment, status FROM accounts")
    assert rows == [("acme", "Acme Trading", "enterprise", "mid-market", "active")]


def test_an_unknown_account_is_created_as_unmatched_named_by_its_group_id(client):
    client.post("/v1/batch", json={"batch": [track("m1", account="newco"),
                                             {"type": "group", "messageId": "g1", "groupId": "other",
                                              "traits": {"name": "Other Ltd"}}]})
    store = drain(client)
    assert store.fetchall("SELECT account_id, name, status FROM accounts WHERE status = 'unmatched' ORDER BY 1") == [
        ("newco", "newco", "unmatched"), ("other", "Other Ltd", "unmatched"),
    ]
    assert store.fetchall("SELECT event_id, account_id FROM events") == [("m1", "newco")]


def test_an_unknown_account_is_quarantined_when_the_setting_says_so(make_client, monkeypatch):
    monkeypatch.setenv("NABD_INTAKE_UNKNOWN_ACCOUNTS", "quarantine")
    client = make_client()
    client.post("/v1/batch", json={"batch": [track("m1", account="newco"), track("m2")]})
    store = drain(client)
    assert store.fetchall("SELECT event_id FROM events") == [("m2",)]
    assert store.scalar("SELECT count(*) FROM accounts") == 1
    assert store.fetchall("SELECT table_name, error FROM quarantine") == [
        ("events", "account newco is not known (NABD_INTAKE_UNKNOWN_ACCOUNTS=quarantine): import it, then send the message again"),
    ]


def test_originaltimestamp_is_corrected_for_the_senders_clock_as_segment_does(client):
    # The sender's clock is years fast; it sent 5 minutes after the event: ts = receivedAt - 5 minutes.
    before = datetime.now(UTC).replace(tzinfo=None)
    client.post("/v1/batch", json={"sentAt": "2030-01-01T11:05:00Z", "batch": [
        {**track("m1"), "timestamp": None, "originalTimestamp": "2030-01-01T11:00:00Z"}]})
    after = datetime.now(UTC).replace(tzinfo=None)
    ts = drain(client).scalar("SELECT ts FROM events")
    assert before - timedelta(minutes=5) <= ts <= after - timedelta(minutes=5)


@pytest.mark.parametrize("path", ["/v1/track", "/v1/batch"])
def test_a_gzipped_body_is_accepted(client, path):
    import gzip

    body = track("m1") if path == "/v1/track" else {"batch": [track("m1")]}
    response = client.post(path, content=gzip.compress(json.dumps(body).encode()),
                           headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert response.status_code == 200
    assert drain(client).scalar("SELECT count(*) FROM events") == 1


def test_a_drain_adds_to_the_activity_row_a_file_import_stored_and_inserts_the_others(client, tmp_path):
    """The intake adds to existing activity_daily rows and inserts new ones: one row per key, no key needed."""
    from nabd.ingest.files import import_file
    store = client.app.state.store
    path = tmp_path / "events.csv"
    path.write_text("event_id,account_id,contact_id,event_type,ts,value\nF-1,acme,u1,login,2025-03-02T08:00:00Z,4\n")
    with client.app.state.store_lock:  # the server's one writer
        import_file(store, "events", path)
    client.post("/v1/batch", json={"batch": [track("a", "login", properties={"duration_minutes": 10}),
                                             track("b", "export", properties={"duration_minutes": 2})]})
    drain(client)
    client.post("/v1/batch", json={"batch": [track("a", "login"), track("c", "login")]})  # a again: a duplicate
    store = drain(client)
    assert store.fetchall("SELECT contact_id, day, event_type, events, value_sum FROM activity_daily"
                          " ORDER BY event_type") == [
        ("u1", date(2025, 3, 2), "export", 1, 2.0), ("u1", date(2025, 3, 2), "login", 3, 14.0)]
